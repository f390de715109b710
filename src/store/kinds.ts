// The record kinds of the unit-of-work store: every field a List, a sweep or a claim filters or sorts on,
// and the indexes that answer them (each List of the model, issue 6 item 2). Documents are the types of
// records.ts; the task record is the generic one of unit-of-work.ts.
import type {
  EngagementMemberRecord,
  EngagementRecord,
  EngagementResourceRecord,
  EngagementResourceViewRecord,
  InvitationRecord,
  OpportunityRecord,
  ResourceSnapshotJobRecord,
  ResourceSnapshotRecord,
  SellingSystemSettingsRecord,
  SolutionRecord,
  TagSetRecord,
} from './records.js';
import { recordKind, type TaskRecord } from './unit-of-work.js';

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

const DAY_MS = 86_400_000;
/** What every opportunity list fixes: the caller's visible opportunities of one catalog. */
const LISTED = ['accountId', 'catalog', 'visible'] as const;
/** What ListOpportunities filters on besides (identifiers are the key). */
const LIST_FILTERS = ['stage', 'reviewStatus', 'customerCompanyName', 'lastModifiedDate', 'createdDate', 'targetCloseDate'] as const;

/** Opportunity ids compare by number (`O999` before `O1000`). */
export const opportunityIdOrder = (id: string): string => id.slice(1).padStart(20, '0');

// ListOpportunities: Identifier, LifeCycleStage, LifeCycleReviewStatus, CustomerCompanyName (IN-lists),
// LastModifiedDate/CreatedDate (instant ranges), TargetCloseDate (date range); sorts LastModifiedDate,
// Identifier, CustomerCompanyName, CreatedDate, TargetCloseDate. Every list reads (accountId, catalog, visible).
export const opportunityKind = recordKind<OpportunityRecord>()({
  name: 'opportunity',
  key: ['catalog', 'id'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    id: { type: 'text', of: (d) => d.id },
    accountId: { type: 'text', of: (d) => d.accountId },
    visible: { type: 'bool', of: (d) => d.visible },
    idOrder: { type: 'text', of: (d) => opportunityIdOrder(d.id) },
    lastModifiedDate: { type: 'timestamp', of: (d) => ms(d.lastModifiedAt) },
    createdDate: { type: 'timestamp', of: (d) => ms(d.createdAt) },
    stage: { type: 'text', of: (d) => d.data.LifeCycle?.Stage, optional: true },
    reviewStatus: { type: 'text', of: (d) => d.data.LifeCycle?.ReviewStatus, optional: true },
    customerCompanyName: { type: 'text', of: (d) => d.data.Customer?.Account?.CompanyName ?? '' },
    /** YYYY-MM-DD, '' when absent (sorts first; filter with `gt: ''` to leave those out). */
    targetCloseDate: { type: 'text', of: (d) => d.data.LifeCycle?.TargetCloseDate ?? '' },
  },
  indexes: [
    // One per sort (the default sort doubles as the date-range index of LastModifiedDate)…
    ['accountId', 'catalog', 'visible', 'lastModifiedDate'],
    ['accountId', 'catalog', 'visible', 'idOrder'],
    ['accountId', 'catalog', 'visible', 'customerCompanyName'],
    ['accountId', 'catalog', 'visible', 'createdDate'],
    ['accountId', 'catalog', 'visible', 'targetCloseDate'],
    // …and one per equality filter, ordered by the default sort.
    ['accountId', 'catalog', 'visible', 'stage', 'lastModifiedDate'],
    ['accountId', 'catalog', 'visible', 'reviewStatus', 'lastModifiedDate'],
    ['accountId', 'catalog', 'visible', 'customerCompanyName', 'lastModifiedDate'],
    // Identifier lookups use the key (catalog, id).
  ],
  // A date range sorted by another field (CreatedDate in a year, newest change first): day buckets of the range,
  // every list filter checked in the grid index. A TargetCloseDate range is counted, then sorted or walked (sql.ts).
  grids: [
    { prefix: LISTED, range: 'createdDate', width: DAY_MS, sorts: ['lastModifiedDate', 'idOrder', 'customerCompanyName', 'targetCloseDate'], covers: LIST_FILTERS },
    { prefix: LISTED, range: 'lastModifiedDate', width: DAY_MS, sorts: ['createdDate', 'idOrder', 'customerCompanyName', 'targetCloseDate'], covers: LIST_FILTERS },
  ],
  scope: { account: 'accountId', catalog: 'catalog' },
  // GetOpportunity's answer, rendered by opportunities.ts when it saves (a read then parses nothing). A change to
  // that rendering needs a migration that clears the stored views (`UPDATE rec_opportunity SET view = NULL`).
  view: true,
});

export const engagementKind = recordKind<EngagementRecord>()({
  name: 'engagement',
  key: ['catalog', 'id'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    id: { type: 'text', of: (d) => d.id },
    createdBy: { type: 'text', of: (d) => d.createdBy },
    createdAt: { type: 'timestamp', of: (d) => ms(d.createdAt) },
  },
  // ListEngagements pages the caller's memberships (engagementMemberKind) joined by id; CreatedBy filters.
  indexes: [['catalog', 'createdAt'], ['catalog', 'createdBy', 'createdAt']],
  scope: { catalog: 'catalog' },
});

export const engagementMemberKind = recordKind<EngagementMemberRecord>()({
  name: 'engagement_member',
  key: ['catalog', 'engagementId', 'accountId'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    engagementId: { type: 'text', of: (d) => d.engagementId },
    accountId: { type: 'text', of: (d) => d.accountId },
    position: { type: 'int', of: (d) => d.position },
    // The engagement's list fields, copied (ListEngagements: CreatedBy, ContextTypes filters; CreatedDate sort).
    engagementCreatedAt: { type: 'timestamp', of: (d) => ms(d.engagementCreatedAt ?? d.joinedAt) },
    engagementCreatedBy: { type: 'text', of: (d) => d.engagementCreatedBy ?? '' },
    contextTypeSet: { type: 'text', of: (d) => d.contextTypeSet ?? '' },
  },
  // ListEngagementMembers (join order), "my engagements" by id, and ListEngagements (newest or oldest first,
  // optionally one creator): one index range scan of the caller's memberships.
  indexes: [
    ['catalog', 'engagementId', 'position'],
    ['accountId', 'catalog'],
    ['accountId', 'catalog', 'engagementCreatedAt'],
    ['accountId', 'catalog', 'engagementCreatedBy', 'engagementCreatedAt'],
  ],
  scope: { account: 'accountId', catalog: 'catalog' },
});

// ListEngagementInvitations: by receiver or sender; Status, EngagementIdentifier, SenderAwsAccountId,
// PayloadType; sort InvitationDate. The expiry sweep: PENDING by expiration date.
export const invitationKind = recordKind<InvitationRecord>()({
  name: 'engagement_invitation',
  key: ['catalog', 'id'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    id: { type: 'text', of: (d) => d.id },
    engagementId: { type: 'text', of: (d) => d.engagementId },
    senderAccountId: { type: 'text', of: (d) => d.senderAccountId },
    receiverAccountId: { type: 'text', of: (d) => d.receiverAccountId },
    status: { type: 'text', of: (d) => d.status },
    payloadType: { type: 'text', of: (d) => d.payloadType },
    invitationDate: { type: 'timestamp', of: (d) => ms(d.invitationDate) },
    expirationDate: { type: 'timestamp', of: (d) => ms(d.expirationDate) },
  },
  indexes: [
    ['receiverAccountId', 'catalog', 'invitationDate'],
    ['senderAccountId', 'catalog', 'invitationDate'],
    ['receiverAccountId', 'catalog', 'status', 'invitationDate'],
    ['senderAccountId', 'catalog', 'status', 'invitationDate'],
    ['catalog', 'engagementId', 'invitationDate'],
    ['status', 'expirationDate'],
  ],
  scope: { account: 'receiverAccountId', catalog: 'catalog' },
});

// Every task family: List*Tasks filter by TaskStatus, TaskIdentifier (the key), OpportunityIdentifier,
// EngagementIdentifier, EngagementInvitationIdentifier, ContextIdentifier; sort StartTime. Claims: due tasks.
export const taskKind = recordKind<TaskRecord>()({
  name: 'task',
  key: ['catalog', 'id'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    id: { type: 'text', of: (d) => d.id },
    type: { type: 'text', of: (d) => d.type },
    accountId: { type: 'text', of: (d) => d.accountId },
    status: { type: 'text', of: (d) => d.status },
    startTime: { type: 'timestamp', of: (d) => ms(d.startTime) },
    dueAt: { type: 'timestamp', of: (d) => d.dueAtMs, optional: true },
    leaseExpiresAt: { type: 'timestamp', of: (d) => d.leaseExpiresAtMs, optional: true },
    opportunityId: { type: 'text', of: (d) => d.subject.opportunityId, optional: true },
    engagementId: { type: 'text', of: (d) => d.subject.engagementId, optional: true },
    invitationId: { type: 'text', of: (d) => d.subject.invitationId, optional: true },
    contextId: { type: 'text', of: (d) => d.subject.contextId, optional: true },
    /** Prospecting tasks: their TaskName and failed engagements ('' and 0 for the other families), for sorts. */
    taskName: { type: 'text', of: (d) => d.subject.taskName ?? '' },
    failedCount: { type: 'int', of: (d) => d.subject.failedCount ?? 0 },
  },
  indexes: [
    ['accountId', 'catalog', 'type', 'startTime'],
    ['accountId', 'catalog', 'type', 'taskName'],
    ['accountId', 'catalog', 'type', 'failedCount'],
    ['accountId', 'catalog', 'type', 'status', 'startTime'],
    ['catalog', 'opportunityId'],
    ['catalog', 'engagementId'],
    ['catalog', 'invitationId'],
    ['status', 'dueAt'],
  ],
  scope: { account: 'accountId', catalog: 'catalog' },
});

// ListResourceSnapshotJobs: EngagementIdentifier, Status; sort CreatedDate.
export const resourceSnapshotJobKind = recordKind<ResourceSnapshotJobRecord>()({
  name: 'resource_snapshot_job',
  key: ['catalog', 'id'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    id: { type: 'text', of: (d) => d.id },
    accountId: { type: 'text', of: (d) => d.accountId },
    engagementId: { type: 'text', of: (d) => d.engagementId },
    resourceId: { type: 'text', of: (d) => d.resourceId },
    status: { type: 'text', of: (d) => d.status },
    createdAt: { type: 'timestamp', of: (d) => ms(d.createdAt) },
  },
  indexes: [
    ['accountId', 'catalog', 'createdAt'],
    ['accountId', 'catalog', 'engagementId', 'createdAt'],
    ['accountId', 'catalog', 'status', 'createdAt'],
    ['catalog', 'resourceId'],
  ],
  scope: { account: 'accountId', catalog: 'catalog' },
});

// ListResourceSnapshots: EngagementIdentifier (required), ResourceType, ResourceIdentifier, template, CreatedBy.
export const resourceSnapshotKind = recordKind<ResourceSnapshotRecord>()({
  name: 'resource_snapshot',
  key: ['catalog', 'engagementId', 'resourceType', 'resourceId', 'templateName', 'revision'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    engagementId: { type: 'text', of: (d) => d.engagementId },
    resourceType: { type: 'text', of: (d) => d.resourceType },
    resourceId: { type: 'text', of: (d) => d.resourceId },
    templateName: { type: 'text', of: (d) => d.templateName },
    revision: { type: 'int', of: (d) => d.revision },
    createdBy: { type: 'text', of: (d) => d.createdBy },
  },
  indexes: [['catalog', 'engagementId', 'createdBy']],
  scope: { account: 'createdBy', catalog: 'catalog' },
});

// ListEngagementResourceAssociations: EngagementIdentifier, ResourceType, ResourceIdentifier, CreatedBy.
export const engagementResourceKind = recordKind<EngagementResourceRecord>()({
  name: 'engagement_resource',
  key: ['catalog', 'engagementId', 'resourceType', 'resourceId'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    engagementId: { type: 'text', of: (d) => d.engagementId },
    resourceType: { type: 'text', of: (d) => d.resourceType },
    resourceId: { type: 'text', of: (d) => d.resourceId },
    createdBy: { type: 'text', of: (d) => d.createdBy },
    createdAt: { type: 'timestamp', of: (d) => ms(d.createdAt) },
  },
  indexes: [['catalog', 'resourceId'], ['catalog', 'createdBy', 'createdAt']],
  scope: { account: 'createdBy', catalog: 'catalog' },
});

// ListEngagementResourceAssociations: the links of the caller's engagements, one row per (member, link), so
// the list is one scan of the caller's rows; EngagementIdentifier, ResourceType, ResourceIdentifier, CreatedBy.
export const engagementResourceViewKind = recordKind<EngagementResourceViewRecord>()({
  name: 'engagement_resource_view',
  key: ['catalog', 'viewerAccountId', 'engagementId', 'resourceType', 'resourceId'],
  fields: {
    catalog: { type: 'text', of: (d) => d.catalog },
    viewerAccountId: { type: 'text', of: (d) => d.viewerAccountId },
    engagementId: { type: 'text', of: (d) => d.engagementId },
    resourceType: { type: 'text', of: (d) => d.resourceType },
    resourceId: { type: 'text', of: (d) => d.resourceId },
    createdBy: { type: 'text', of: (d) => d.createdBy },
    createdAt: { type: 'timestamp', of: (d) => ms(d.createdAt) },
  },
  indexes: [
    ['viewerAccountId', 'catalog', 'createdAt'],
    ['viewerAccountId', 'catalog', 'resourceId', 'createdAt'],
    ['viewerAccountId', 'catalog', 'createdBy', 'createdAt'],
  ],
  scope: { account: 'viewerAccountId', catalog: 'catalog' },
});

export const tagSetKind = recordKind<TagSetRecord>()({
  name: 'tag_set',
  key: ['resourceArn'],
  fields: {
    resourceArn: { type: 'text', of: (d) => d.resourceArn },
    catalog: { type: 'text', of: (d) => d.catalog },
    accountId: { type: 'text', of: (d) => d.accountId },
  },
  indexes: [['accountId', 'catalog']],
  scope: { account: 'accountId', catalog: 'catalog' },
});

/** Solution ids compare by number (`S-999` before `S-1000`). */
export const solutionIdOrder = (id: string): string => id.slice(2).padStart(20, '0');

// ListSolutions: Status, Category, Identifier, AwsMarketplaceSolutionArn (IN-lists); sorts Identifier, Name,
// Status, Category, CreatedDate. Every list reads (accountId, catalog).
export const solutionKind = recordKind<SolutionRecord>()({
  name: 'solution',
  key: ['accountId', 'catalog', 'id'],
  fields: {
    accountId: { type: 'text', of: (d) => d.accountId },
    catalog: { type: 'text', of: (d) => d.catalog },
    id: { type: 'text', of: (d) => d.id },
    idOrder: { type: 'text', of: (d) => solutionIdOrder(d.id) },
    name: { type: 'text', of: (d) => d.name },
    status: { type: 'text', of: (d) => d.status },
    category: { type: 'text', of: (d) => d.category },
    createdDate: { type: 'timestamp', of: (d) => ms(d.createdDate) },
    awsMarketplaceSolutionArn: { type: 'text', of: (d) => d.awsMarketplaceSolutionArn, optional: true },
  },
  indexes: [
    ['accountId', 'catalog', 'idOrder'],
    ['accountId', 'catalog', 'name'],
    ['accountId', 'catalog', 'status'],
    ['accountId', 'catalog', 'category'],
    ['accountId', 'catalog', 'createdDate'],
  ],
  scope: { account: 'accountId', catalog: 'catalog' },
});

export const sellingSystemSettingsKind = recordKind<SellingSystemSettingsRecord>()({
  name: 'selling_system_settings',
  key: ['accountId', 'catalog'],
  fields: {
    accountId: { type: 'text', of: (d) => d.accountId },
    catalog: { type: 'text', of: (d) => d.catalog },
  },
  indexes: [],
  scope: { account: 'accountId', catalog: 'catalog' },
});

/** Every kind the schema holds, in the order migrations create them. */
export const allKinds = [
  opportunityKind,
  engagementKind,
  engagementMemberKind,
  invitationKind,
  taskKind,
  resourceSnapshotJobKind,
  resourceSnapshotKind,
  engagementResourceKind,
  tagSetKind,
  engagementResourceViewKind,
  solutionKind,
  sellingSystemSettingsKind,
] as const;
