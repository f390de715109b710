// Resource snapshots: immutable, numbered revisions of an opportunity's shared view inside an engagement.
// GetResourceSnapshot and ListResourceSnapshots for members; creation by the accept task and by running
// snapshot jobs whenever the opportunity's shared view changes.
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';
import type { OpportunitySummaryView, ResourceSnapshotSummary } from '../model/generated/types.js';
import { projectOnto } from '../model/project.js';
import {
  resourceSnapshotJobs,
  resourceSnapshots,
  type Catalog,
  type OpportunityRecord,
  type ResourceSnapshotRecord,
} from '../store/records.js';
import type { Transaction } from '../store/store.js';
import { engagementForMember, membersOf } from './engagements.js';
import { paginate } from './pagination.js';
import { OPPORTUNITY_SUMMARY_TEMPLATE } from './resource-snapshot-jobs.js';

/** The shared view of an opportunity (OpportunitySummaryView; note its `Lifecycle` spelling). */
export function opportunitySummaryView(opportunity: OpportunityRecord): OpportunitySummaryView {
  const d = opportunity.data;
  return projectOnto<OpportunitySummaryView>('OpportunitySummaryView', {
    OpportunityType: d.OpportunityType,
    Lifecycle: d.LifeCycle,
    OpportunityTeam: d.OpportunityTeam,
    PrimaryNeedsFromAws: d.PrimaryNeedsFromAws,
    Customer: d.Customer,
    Project: d.Project,
    RelatedEntityIdentifiers: d.RelatedEntityIdentifiers,
  });
}

function latestRevision(tx: Transaction, catalog: Catalog, engagementId: string, resourceId: string, template: string): ResourceSnapshotRecord | undefined {
  const all = tx.collection(resourceSnapshots).find({ catalog, engagement_id: engagementId, resource_id: resourceId, template_name: template });
  return all.reduce<ResourceSnapshotRecord | undefined>((best, s) => (!best || s.revision > best.revision ? s : best), undefined);
}

/**
 * Writes the next revision of the opportunity's snapshot in the engagement and tells every member with
 * `Engagement Resource Snapshot Created` (behavior.md §4.4, §5.3) — or only its owner when `notify` is
 * `'owner'`: the accept task's first snapshot goes to the accepting receiver alone (decision 13, §5.4).
 */
export function createSnapshot(
  tx: Transaction,
  services: Services,
  init: { catalog: Catalog; engagementId: string; opportunity: OpportunityRecord; createdBy: string; notify?: 'members' | 'owner' },
): ResourceSnapshotRecord {
  const previous = latestRevision(tx, init.catalog, init.engagementId, init.opportunity.id, OPPORTUNITY_SUMMARY_TEMPLATE);
  const members = membersOf(tx, init.catalog, init.engagementId);
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
  tx.collection(resourceSnapshots).put(snapshot);
  const arn = arns.snapshot(snapshot.catalog, snapshot.engagementId, 'Opportunity', snapshot.resourceId, snapshot.templateName, snapshot.revision);
  const recipients = init.notify === 'owner' ? [init.createdBy] : members.map((m) => m.accountId);
  for (const recipient of recipients) {
    services.events.emit(tx, recipient, 'Engagement Resource Snapshot Created', [arns.engagement(snapshot.catalog, snapshot.engagementId)], {
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
  return snapshot;
}

/**
 * After the opportunity changed: every Running job on it takes a new revision if the shared view differs
 * from the latest one ("The job creates a new snapshot only if the resource state has changed").
 */
export function snapshotOnChange(tx: Transaction, services: Services, opportunity: OpportunityRecord): void {
  const jobs = tx
    .collection(resourceSnapshotJobs)
    .find({ catalog: opportunity.catalog, resource_id: opportunity.id, account_id: opportunity.accountId })
    .filter((j) => j.status === 'Running');
  for (const job of jobs) {
    const latest = latestRevision(tx, job.catalog, job.engagementId, opportunity.id, job.templateName);
    const view = JSON.stringify({ OpportunitySummary: opportunitySummaryView(opportunity) });
    if (latest && JSON.stringify(latest.payload) === view) continue;
    createSnapshot(tx, services, { catalog: job.catalog, engagementId: job.engagementId, opportunity, createdBy: job.accountId });
    tx.collection(resourceSnapshotJobs).put({ ...job, lastSuccessfulExecutionDate: services.clock.nowIso() });
  }
}

export const resourceSnapshotHandlers: HandlerTable = {
  GetResourceSnapshot(ctx, input) {
    return ctx.services.store.read((tx) => {
      const engagement = engagementForMember(tx, ctx, input.EngagementIdentifier);
      const template = input.ResourceSnapshotTemplateIdentifier;
      const snapshot =
        input.Revision === undefined
          ? latestRevision(tx, ctx.catalog, engagement.id, input.ResourceIdentifier, template)
          : tx
              .collection(resourceSnapshots)
              .get([ctx.catalog, engagement.id, input.ResourceType, input.ResourceIdentifier, template, String(input.Revision)]);
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
    });
  },

  ListResourceSnapshots(ctx, input) {
    return ctx.services.store.read((tx) => {
      const engagement = engagementForMember(tx, ctx, input.EngagementIdentifier);
      const where: Record<string, string> = { catalog: ctx.catalog, engagement_id: engagement.id };
      if (input.ResourceType) where.resource_type = input.ResourceType;
      if (input.ResourceIdentifier) where.resource_id = input.ResourceIdentifier;
      if (input.ResourceSnapshotTemplateIdentifier) where.template_name = input.ResourceSnapshotTemplateIdentifier;
      if (input.CreatedBy) where.created_by = input.CreatedBy;
      const page = paginate({
        items: tx.collection(resourceSnapshots).find(where),
        maxResults: input.MaxResults ?? 100,
        nextToken: input.NextToken,
        fingerprint: ['ListResourceSnapshots', ctx.accountId, ctx.catalog, engagement.id, input.ResourceType, input.ResourceIdentifier, input.ResourceSnapshotTemplateIdentifier, input.CreatedBy],
        sortKey: (s) => [s.resourceId, s.templateName, s.revision],
        descending: false,
      });
      const summaries: ResourceSnapshotSummary[] = page.items.map((s) => ({
        Arn: arns.snapshot(s.catalog, s.engagementId, s.resourceType, s.resourceId, s.templateName, s.revision),
        Revision: s.revision,
        ResourceType: s.resourceType,
        ResourceId: s.resourceId,
        ResourceSnapshotTemplateName: s.templateName,
        CreatedBy: s.createdBy,
      }));
      return { ResourceSnapshotSummaries: summaries, NextToken: page.nextToken };
    });
  },
};

export { idFromArnOrId };
