// What is stored: one document type per collection, with the spec of its table. Documents hold API-shaped
// data (generated types) plus the bookkeeping the emulator needs and AWS never returns.
import type {
  CatalogIdentifier,
  EngagementContextDetails,
  EngagementInvitationPayloadType,
  GetOpportunityResponse,
  InvitationStatus,
  Payload,
  ReasonCode,
  ResourceSnapshotJobStatus,
  ResourceSnapshotPayload,
  Tag,
  TaskStatus,
} from '../model/generated/types.js';
import type { CollectionSpec } from './store.js';

export type Catalog = CatalogIdentifier;

/** The opportunity as GetOpportunity returns it, minus what is derived at read time (Arn, Catalog, Id). */
export type OpportunityData = Omit<GetOpportunityResponse, 'Arn' | 'Catalog' | 'Id' | 'CreatedDate' | 'LastModifiedDate'>;

export interface OpportunityRecord {
  catalog: Catalog;
  id: string;
  /** Owning account. */
  accountId: string;
  /** A simulated AWS referral stays hidden from its account until the invitation is accepted. */
  visible: boolean;
  origin: 'AWS Referral' | 'Partner Referral';
  createdAt: string;
  lastModifiedAt: string;
  data: OpportunityData;
}

export interface EngagementRecord {
  catalog: Catalog;
  id: string;
  title: string;
  description?: string;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
  contexts: EngagementContextDetails[];
}

export interface EngagementMemberRecord {
  catalog: Catalog;
  engagementId: string;
  accountId: string;
  companyName: string;
  websiteUrl?: string;
  joinedAt: string;
  /** Join order, for stable listing. */
  position: number;
}

export interface InvitationRecord {
  catalog: Catalog;
  id: string;
  engagementId: string;
  engagementTitle: string;
  engagementDescription?: string;
  senderAccountId: string;
  senderCompanyName: string;
  receiverAccountId: string;
  receiverAlias?: string;
  status: InvitationStatus;
  payloadType: EngagementInvitationPayloadType;
  payload: Payload;
  invitationMessage: string;
  invitationDate: string;
  expirationDate: string;
  rejectionReason?: string;
  /** For a simulated AWS referral: the hidden opportunity that acceptance reveals. */
  referralOpportunityId?: string;
  /** For a partner invitation: the sender's opportunity, whose review status the receiver's copy inherits. */
  senderOpportunityId?: string;
  /** The receiver's opportunity, once the accept task created or revealed it. */
  acceptedOpportunityId?: string;
}

export type TaskType = 'engagement-by-accepting-invitation';

export interface TaskRecord {
  catalog: Catalog;
  id: string;
  type: TaskType;
  accountId: string;
  status: TaskStatus;
  startTime: string;
  /** The bare invitation id (decision 14). */
  engagementInvitationId: string;
  opportunityId?: string;
  resourceSnapshotJobId?: string;
  reasonCode?: ReasonCode;
  message?: string;
  tags?: Tag[];
  /** Async progression: not before this business time (ms)… */
  runAfterMs?: number;
  /** …and/or after this many reads of the task. */
  pollsRemaining?: number;
  /** Forced failure injected by the control plane. */
  forcedFailure?: { reasonCode: ReasonCode; message: string };
}

export interface ResourceSnapshotJobRecord {
  catalog: Catalog;
  id: string;
  accountId: string;
  engagementId: string;
  resourceType: 'Opportunity';
  resourceId: string;
  templateName: string;
  status: ResourceSnapshotJobStatus;
  createdAt: string;
  lastSuccessfulExecutionDate?: string;
  lastFailure?: string;
}

export interface ResourceSnapshotRecord {
  catalog: Catalog;
  engagementId: string;
  resourceType: 'Opportunity';
  resourceId: string;
  templateName: string;
  revision: number;
  createdBy: string;
  createdAt: string;
  payload: ResourceSnapshotPayload;
  targetMemberAccounts?: string[];
}

export interface EngagementResourceRecord {
  catalog: Catalog;
  engagementId: string;
  resourceType: 'Opportunity';
  resourceId: string;
  createdBy: string;
  createdAt: string;
}

export interface TagSetRecord {
  catalog: Catalog;
  accountId: string;
  resourceArn: string;
  tags: Tag[];
}

export const opportunities: CollectionSpec<OpportunityRecord> = {
  table: 'opportunities',
  keyColumns: ['catalog', 'id'],
  key: (d) => [d.catalog, d.id],
  columns: {
    catalog: (d) => d.catalog,
    id: (d) => d.id,
    account_id: (d) => d.accountId,
    visible: (d) => (d.visible ? 1 : 0),
  },
  accountColumn: 'account_id',
  catalogColumn: 'catalog',
};

export const engagements: CollectionSpec<EngagementRecord> = {
  table: 'engagements',
  keyColumns: ['catalog', 'id'],
  key: (d) => [d.catalog, d.id],
  columns: { catalog: (d) => d.catalog, id: (d) => d.id, created_by: (d) => d.createdBy },
  // Shared between members: an account reset removes only engagements nobody else uses (sqlite-store.ts).
  catalogColumn: 'catalog',
};

export const engagementMembers: CollectionSpec<EngagementMemberRecord> = {
  table: 'engagement_members',
  keyColumns: ['catalog', 'engagement_id', 'account_id'],
  key: (d) => [d.catalog, d.engagementId, d.accountId],
  columns: { catalog: (d) => d.catalog, engagement_id: (d) => d.engagementId, account_id: (d) => d.accountId },
  accountColumn: 'account_id',
  catalogColumn: 'catalog',
};

export const invitations: CollectionSpec<InvitationRecord> = {
  table: 'engagement_invitations',
  keyColumns: ['catalog', 'id'],
  key: (d) => [d.catalog, d.id],
  columns: {
    catalog: (d) => d.catalog,
    id: (d) => d.id,
    engagement_id: (d) => d.engagementId,
    sender_account_id: (d) => d.senderAccountId,
    receiver_account_id: (d) => d.receiverAccountId,
    status: (d) => d.status,
  },
  accountColumn: 'receiver_account_id',
  catalogColumn: 'catalog',
};

export const tasks: CollectionSpec<TaskRecord> = {
  table: 'tasks',
  keyColumns: ['catalog', 'id'],
  key: (d) => [d.catalog, d.id],
  columns: {
    catalog: (d) => d.catalog,
    id: (d) => d.id,
    task_type: (d) => d.type,
    account_id: (d) => d.accountId,
    status: (d) => d.status,
  },
  accountColumn: 'account_id',
  catalogColumn: 'catalog',
};

export const resourceSnapshotJobs: CollectionSpec<ResourceSnapshotJobRecord> = {
  table: 'resource_snapshot_jobs',
  keyColumns: ['catalog', 'id'],
  key: (d) => [d.catalog, d.id],
  columns: {
    catalog: (d) => d.catalog,
    id: (d) => d.id,
    account_id: (d) => d.accountId,
    engagement_id: (d) => d.engagementId,
    resource_id: (d) => d.resourceId,
  },
  accountColumn: 'account_id',
  catalogColumn: 'catalog',
};

export const resourceSnapshots: CollectionSpec<ResourceSnapshotRecord> = {
  table: 'resource_snapshots',
  keyColumns: ['catalog', 'engagement_id', 'resource_type', 'resource_id', 'template_name', 'revision'],
  key: (d) => [d.catalog, d.engagementId, d.resourceType, d.resourceId, d.templateName, String(d.revision)],
  columns: {
    catalog: (d) => d.catalog,
    engagement_id: (d) => d.engagementId,
    resource_type: (d) => d.resourceType,
    resource_id: (d) => d.resourceId,
    template_name: (d) => d.templateName,
    revision: (d) => String(d.revision),
    created_by: (d) => d.createdBy,
  },
  accountColumn: 'created_by',
  catalogColumn: 'catalog',
};

export const engagementResources: CollectionSpec<EngagementResourceRecord> = {
  table: 'engagement_resources',
  keyColumns: ['catalog', 'engagement_id', 'resource_type', 'resource_id'],
  key: (d) => [d.catalog, d.engagementId, d.resourceType, d.resourceId],
  columns: {
    catalog: (d) => d.catalog,
    engagement_id: (d) => d.engagementId,
    resource_type: (d) => d.resourceType,
    resource_id: (d) => d.resourceId,
    created_by: (d) => d.createdBy,
  },
  accountColumn: 'created_by',
  catalogColumn: 'catalog',
};

export const tagSets: CollectionSpec<TagSetRecord> = {
  table: 'tags',
  keyColumns: ['resource_arn'],
  key: (d) => [d.resourceArn],
  columns: { resource_arn: (d) => d.resourceArn, catalog: (d) => d.catalog, account_id: (d) => d.accountId },
  accountColumn: 'account_id',
  catalogColumn: 'catalog',
};

export const allCollections: readonly CollectionSpec<never>[] = [
  opportunities,
  engagements,
  engagementMembers,
  invitations,
  tasks,
  resourceSnapshotJobs,
  resourceSnapshots,
  engagementResources,
  tagSets,
] as unknown as CollectionSpec<never>[];
