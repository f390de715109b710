// Resource snapshots: immutable, numbered revisions of an opportunity's shared view inside an engagement.
// CreateResourceSnapshot (the owner), GetResourceSnapshot and ListResourceSnapshots (members); revisions
// written by tasks and by Running snapshot jobs, which write one only when the template's fields changed and
// only with the account's job role set (behavior.md §4.4, §4.5); and AWS's owner-only
// AwsOpportunitySummaryFullView revisions, written when AWS's side of an opportunity changes.
import { AWS_ACCOUNT } from '../accounts.js';
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, RequestContext, Services } from '../context.js';
import { ResourceNotFoundException, ValidationException } from '../errors.js';
import type { AwsOpportunitySummaryFullView, ListResourceSnapshotsRequest, OpportunitySummaryView, ResourceSnapshotSummary } from '../model/generated/types.js';
import type { OpportunityDocument } from '../rules/opportunity-review.js';
import { canonicalJson } from '../rules/rule.js';
import {
  canSeeSnapshot,
  isTemplateName,
  needsNewRevision,
  opportunitySummaryView as summaryViewOf,
  partnerTemplateErrors,
  TEMPLATES,
  type TemplateName,
} from '../rules/snapshot-templates.js';
import { engagementResourceKind, opportunityKind, resourceSnapshotJobKind, resourceSnapshotKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, OpportunityRecord, ResourceSnapshotJobRecord, ResourceSnapshotRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { associateResource, engagementForMember, membersOf } from './engagements.js';
import { idempotent } from './idempotency.js';
import { pageFromStore, paginate, type Page } from './pagination.js';
import { jobRoleOf } from './selling-system-settings.js';

/** The template partners share with engagement members (behavior.md §4.4). */
const OPPORTUNITY_SUMMARY_TEMPLATE: TemplateName = 'OpportunitySummaryView';
/** AWS's template, visible to the opportunity's owner only (behavior.md §4.4 [DOC D-EVENTS]). */
const AWS_FULL_VIEW_TEMPLATE: TemplateName = 'AwsOpportunitySummaryFullView';

/** The record as the rules see an opportunity (only the stored fields matter to the view). */
function documentOf(opportunity: OpportunityRecord): OpportunityDocument {
  return {
    ...opportunity.data,
    Catalog: opportunity.catalog,
    Id: opportunity.id,
    Arn: arns.opportunity(opportunity.accountId, opportunity.catalog, opportunity.id),
    CreatedDate: opportunity.createdAt,
    LastModifiedDate: opportunity.lastModifiedAt,
  } as OpportunityDocument;
}

/** The shared view of an opportunity (OpportunitySummaryView; note its `Lifecycle` spelling). */
export function opportunitySummaryView(opportunity: OpportunityRecord): OpportunitySummaryView {
  return summaryViewOf(documentOf(opportunity));
}

async function latestRevision(uow: UnitOfWork, catalog: Catalog, engagementId: string, resourceId: string, template: string): Promise<ResourceSnapshotRecord | undefined> {
  const page = await uow.query(resourceSnapshotKind, {
    where: { catalog, engagementId, resourceType: 'Opportunity', resourceId, templateName: template },
    sort: { by: 'revision', order: 'desc' },
    limit: 1,
  });
  return page.items[0];
}

/** Refuses a template partners may not name (unknown, or written by AWS). */
export function checkPartnerTemplate(name: string): void {
  const errors = partnerTemplateErrors(name);
  if (errors.length > 0) throw new ValidationException(errors[0]!.Message, errors, 'BUSINESS_VALIDATION_FAILED');
}

/** The caller's own (visible) opportunity, or ResourceNotFound: only the owner snapshots a resource (§4.4). */
export async function ownOpportunity(uow: UnitOfWork, ctx: RequestContext, id: string): Promise<OpportunityRecord> {
  const opportunity = await uow.get(opportunityKind, [ctx.catalog, id]);
  if (!opportunity || !opportunity.visible || opportunity.accountId !== ctx.accountId) {
    throw new ResourceNotFoundException(`Opportunity ${id} was not found in catalog ${ctx.catalog}.`);
  }
  return opportunity;
}

/**
 * Writes the next revision of the opportunity's snapshot in the engagement and tells every member with
 * `Engagement Resource Snapshot Created` (behavior.md §4.4, §5.3) — or only its owner when `notify` is
 * `'owner'`: the accept task's first snapshot goes to the accepting receiver alone (decision 13, §5.4).
 * A resource's first snapshot in an engagement also links it there (ListEngagementResourceAssociations).
 */
export async function createSnapshot(
  uow: UnitOfWork,
  services: Services,
  init: { catalog: Catalog; engagementId: string; opportunity: OpportunityRecord; createdBy: string; notify?: 'members' | 'owner' },
): Promise<ResourceSnapshotRecord> {
  const previous = await latestRevision(uow, init.catalog, init.engagementId, init.opportunity.id, OPPORTUNITY_SUMMARY_TEMPLATE);
  const members = await membersOf(uow, init.catalog, init.engagementId);
  const snapshot: ResourceSnapshotRecord = {
    catalog: init.catalog,
    engagementId: init.engagementId,
    resourceType: 'Opportunity',
    resourceId: init.opportunity.id,
    templateName: OPPORTUNITY_SUMMARY_TEMPLATE,
    revision: (previous?.revision ?? 0) + 1,
    createdBy: init.createdBy,
    createdAt: services.clock.nowIso(),
    payload: { OpportunitySummary: opportunitySummaryView(init.opportunity) },
    targetMemberAccounts: members.map((m) => m.accountId).filter((a) => a !== init.createdBy),
  };
  await uow.put(resourceSnapshotKind, snapshot);
  if (!(await uow.get(engagementResourceKind, [init.catalog, init.engagementId, 'Opportunity', init.opportunity.id]))) {
    await associateResource(uow, services, { catalog: init.catalog, engagementId: init.engagementId, resourceId: init.opportunity.id, createdBy: init.createdBy });
  }
  await announceSnapshot(uow, services, snapshot, init.notify === 'owner' ? [init.createdBy] : members.map((m) => m.accountId));
  return snapshot;
}

/** `Engagement Resource Snapshot Created` to each recipient (behavior.md §5.3). */
async function announceSnapshot(uow: UnitOfWork, services: Services, snapshot: ResourceSnapshotRecord, recipients: readonly string[]): Promise<void> {
  const arn = arns.snapshot(snapshot.catalog, snapshot.engagementId, 'Opportunity', snapshot.resourceId, snapshot.templateName, snapshot.revision);
  for (const recipient of recipients) {
    await services.events.emit(uow, recipient, 'Engagement Resource Snapshot Created', [arns.engagement(snapshot.catalog, snapshot.engagementId)], {
      schemaVersion: '1',
      catalog: snapshot.catalog,
      resourceSnapshot: {
        arn,
        engagementId: snapshot.engagementId,
        resourceId: snapshot.resourceId,
        resourceType: snapshot.resourceType,
        resourceSnapshotTemplateName: snapshot.templateName,
        createdBy: snapshot.createdBy,
        targetMemberAccounts: snapshot.targetMemberAccounts,
      },
    });
  }
}

/**
 * AWS's view of an opportunity changed (decision 21): a new AwsOpportunitySummaryFullView revision in every
 * engagement the opportunity is linked to, written by AWS and announced to the opportunity's owner alone
 * ("only visible to the opportunity owner; includes deal sizing updates", §4.4 [DOC D-EVENTS]). [INF] Nothing
 * is written where the latest revision already holds this view.
 */
export async function writeAwsFullView(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord, view: AwsOpportunitySummaryFullView): Promise<void> {
  const links = await queryAll(uow, engagementResourceKind, { where: { catalog: opportunity.catalog, resourceId: opportunity.id } });
  for (const link of links) {
    const previous = await latestRevision(uow, opportunity.catalog, link.engagementId, opportunity.id, AWS_FULL_VIEW_TEMPLATE);
    if (previous && canonicalJson(previous.payload.AwsOpportunitySummaryFullView) === canonicalJson(view)) continue;
    const snapshot: ResourceSnapshotRecord = {
      catalog: opportunity.catalog,
      engagementId: link.engagementId,
      resourceType: 'Opportunity',
      resourceId: opportunity.id,
      templateName: AWS_FULL_VIEW_TEMPLATE,
      revision: (previous?.revision ?? 0) + 1,
      createdBy: AWS_ACCOUNT,
      createdAt: services.clock.nowIso(),
      payload: { AwsOpportunitySummaryFullView: view },
      targetMemberAccounts: [opportunity.accountId],
    };
    await uow.put(resourceSnapshotKind, snapshot);
    await announceSnapshot(uow, services, snapshot, [opportunity.accountId]);
  }
}

/** Who owns the resource a snapshot is of: visibility of owner-only templates follows the opportunity's owner. */
async function resourceOwner(uow: UnitOfWork, snapshot: ResourceSnapshotRecord): Promise<string> {
  return (await uow.get(opportunityKind, [snapshot.catalog, snapshot.resourceId]))?.accountId ?? snapshot.createdBy;
}

/** Whether `accountId`, a member of the snapshot's engagement, may read it (behavior.md §4.4). */
async function visibleTo(uow: UnitOfWork, accountId: string, snapshot: ResourceSnapshotRecord): Promise<boolean> {
  if (!isTemplateName(snapshot.templateName)) return false;
  const owner = TEMPLATES[snapshot.templateName].visibleTo === 'owner' ? await resourceOwner(uow, snapshot) : snapshot.createdBy;
  return canSeeSnapshot(snapshot.templateName, { accountId, isMember: true }, owner);
}

type SnapshotWhere = Where<(typeof resourceSnapshotKind)['fields']>;

/**
 * The ListResourceSnapshots query with owner-only snapshots the caller may not see left out (§4.4 [INF]
 * "AwsOpportunitySummaryFullView snapshots appear only to the owner"), in the store where a condition can say
 * it: `null` when nothing can match, `'filter in memory'` when only a per-snapshot check can (the caller owns
 * some of the engagement's owner-only resources and not others, and no template filter narrows the list).
 */
async function visibleSnapshotsWhere(uow: UnitOfWork, accountId: string, where: Record<string, unknown>): Promise<SnapshotWhere | null | 'filter in memory'> {
  const template = where.templateName as string | undefined;
  const ownerOnly = (Object.keys(TEMPLATES) as TemplateName[]).filter((t) => TEMPLATES[t].visibleTo === 'owner' && (template === undefined || template === t));
  if (ownerOnly.length === 0) return where as SnapshotWhere;
  const resources = new Map<string, boolean>();
  for (const name of ownerOnly) {
    const found = await queryAll(uow, resourceSnapshotKind, { where: { ...(where as SnapshotWhere), templateName: name } });
    for (const s of found) if (!resources.has(s.resourceId)) resources.set(s.resourceId, (await resourceOwner(uow, s)) === accountId);
  }
  const own = [...resources].filter(([, mine]) => mine).map(([id]) => id);
  if (own.length === resources.size) return where as SnapshotWhere;
  if (template !== undefined) return own.length === 0 ? null : ({ ...where, resourceId: own } as SnapshotWhere);
  if (own.length === 0) return { ...where, templateName: { notIn: ownerOnly } } as SnapshotWhere;
  return 'filter in memory';
}

/** What a job without a role records instead of a revision (behavior.md §4.5 [INF]). */
export function missingRoleFailure(catalog: Catalog): string {
  return (
    `The resource snapshot job has no role to run with, so no snapshot was written: set ResourceSnapshotJobRoleIdentifier ` +
    `with PutSellingSystemSettings in catalog ${catalog}.`
  );
}

/**
 * One execution of a job over its opportunity: a new revision when none exists or the template's fields
 * changed since the latest, nothing otherwise; without the account's job role, a LastFailure and no revision.
 * Returns the job as saved.
 */
export async function runJob(uow: UnitOfWork, services: Services, job: ResourceSnapshotJobRecord, opportunity: OpportunityRecord): Promise<ResourceSnapshotJobRecord> {
  const latest = await latestRevision(uow, job.catalog, job.engagementId, opportunity.id, job.templateName);
  if (!needsNewRevision(latest?.payload.OpportunitySummary, documentOf(opportunity))) return job;
  let ran: ResourceSnapshotJobRecord;
  if ((await jobRoleOf(uow, job.accountId, job.catalog)) === undefined) {
    ran = { ...job, lastFailure: missingRoleFailure(job.catalog) };
  } else {
    const snapshot = await createSnapshot(uow, services, { catalog: job.catalog, engagementId: job.engagementId, opportunity, createdBy: job.accountId });
    ran = { ...job, lastSuccessfulExecutionDate: snapshot.createdAt };
  }
  await uow.put(resourceSnapshotJobKind, ran);
  return ran;
}

/** After the opportunity changed: every Running job on it runs once (see `runJob`). */
export async function snapshotOnChange(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord): Promise<void> {
  const jobs = await queryAll(uow, resourceSnapshotJobKind, {
    where: { catalog: opportunity.catalog, resourceId: opportunity.id, accountId: opportunity.accountId, status: 'Running' },
  });
  for (const job of jobs) await runJob(uow, services, job, opportunity);
}

export const resourceSnapshotHandlers: HandlerTable = {
  CreateResourceSnapshot(ctx, input) {
    checkPartnerTemplate(input.ResourceSnapshotTemplateIdentifier);
    return ctx.services.store.transaction((uow) =>
      idempotent(ctx, uow, { ...input }, async () => {
        const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
        const opportunity = await ownOpportunity(uow, ctx, input.ResourceIdentifier);
        // An explicit request always writes a revision, changed or not ("the owner can create a new revision").
        const snapshot = await createSnapshot(uow, ctx.services, { catalog: ctx.catalog, engagementId: engagement.id, opportunity, createdBy: ctx.accountId });
        return {
          Arn: arns.snapshot(snapshot.catalog, snapshot.engagementId, snapshot.resourceType, snapshot.resourceId, snapshot.templateName, snapshot.revision),
          Revision: snapshot.revision,
        };
      }),
    );
  },

  GetResourceSnapshot(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const template = input.ResourceSnapshotTemplateIdentifier;
      if (!isTemplateName(template)) checkPartnerTemplate(template);
      const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
      const found =
        input.Revision === undefined
          ? await latestRevision(uow, ctx.catalog, engagement.id, input.ResourceIdentifier, template)
          : await uow.get(resourceSnapshotKind, [ctx.catalog, engagement.id, input.ResourceType, input.ResourceIdentifier, template, input.Revision]);
      // Owner-only templates (AwsOpportunitySummaryFullView) look absent to the other members.
      const snapshot = found && (await visibleTo(uow, ctx.accountId, found)) ? found : undefined;
      if (!snapshot || snapshot.resourceType !== input.ResourceType) {
        const which = input.Revision === undefined ? 'any revision' : `revision ${input.Revision}`;
        throw new ResourceNotFoundException(
          `No ${template} snapshot (${which}) of ${input.ResourceType} ${input.ResourceIdentifier} exists in engagement ${engagement.id}.`,
        );
      }
      return {
        Catalog: snapshot.catalog,
        Arn: arns.snapshot(snapshot.catalog, snapshot.engagementId, snapshot.resourceType, snapshot.resourceId, snapshot.templateName, snapshot.revision),
        CreatedBy: snapshot.createdBy,
        CreatedAt: snapshot.createdAt,
        EngagementId: snapshot.engagementId,
        ResourceType: snapshot.resourceType,
        ResourceId: snapshot.resourceId,
        ResourceSnapshotTemplateName: snapshot.templateName,
        Revision: snapshot.revision,
        Payload: snapshot.payload,
        TargetMemberAccounts: snapshot.targetMemberAccounts,
      };
    }, { readOnly: true });
  },

  ListResourceSnapshots(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
      const where: Record<string, string> = { catalog: ctx.catalog, engagementId: engagement.id };
      if (input.ResourceType) where.resourceType = input.ResourceType;
      if (input.ResourceIdentifier) where.resourceId = input.ResourceIdentifier;
      if (input.ResourceSnapshotTemplateIdentifier) where.templateName = input.ResourceSnapshotTemplateIdentifier;
      if (input.CreatedBy) where.createdBy = input.CreatedBy;
      const visible = await visibleSnapshotsWhere(uow, ctx.accountId, where);
      const paging = { maxResults: input.MaxResults ?? 100, nextToken: input.NextToken, fingerprint: listFingerprint(ctx.accountId, ctx.catalog, engagement.id, input) };
      let page: Page<ResourceSnapshotRecord>;
      if (visible === null) {
        page = { items: [] };
      } else if (visible === 'filter in memory') {
        const all = await queryAll(uow, resourceSnapshotKind, { where: where as SnapshotWhere });
        const shown: ResourceSnapshotRecord[] = [];
        for (const s of all) if (await visibleTo(uow, ctx.accountId, s)) shown.push(s);
        // The store's key order (resource, template, revision), so both ways page alike.
        page = paginate({ ...paging, items: shown, sortKey: (s) => [s.resourceType, s.resourceId, s.templateName, s.revision], descending: false });
      } else {
        // Key order: resource, template, revision (catalog and engagement are fixed by the filter).
        page = await pageFromStore(uow, resourceSnapshotKind, { where: visible }, paging);
      }
      const summaries: ResourceSnapshotSummary[] = page.items.map((s) => ({
        Arn: arns.snapshot(s.catalog, s.engagementId, s.resourceType, s.resourceId, s.templateName, s.revision),
        Revision: s.revision,
        ResourceType: s.resourceType,
        ResourceId: s.resourceId,
        ResourceSnapshotTemplateName: s.templateName,
        CreatedBy: s.createdBy,
      }));
      return { ResourceSnapshotSummaries: summaries, NextToken: page.nextToken };
    }, { readOnly: true });
  },
};

function listFingerprint(accountId: string, catalog: Catalog, engagementId: string, input: ListResourceSnapshotsRequest): unknown {
  return ['ListResourceSnapshots', accountId, catalog, engagementId, input.ResourceType, input.ResourceIdentifier, input.ResourceSnapshotTemplateIdentifier, input.CreatedBy];
}

export { idFromArnOrId };
