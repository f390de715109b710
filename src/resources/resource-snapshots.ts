// Resource snapshots: immutable, numbered revisions of an opportunity's shared view inside an engagement.
// GetResourceSnapshot and ListResourceSnapshots for members; creation by the accept task and by running
// snapshot jobs whenever the opportunity's shared view changes.
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';
import type { OpportunitySummaryView, ResourceSnapshotSummary } from '../model/generated/types.js';
import { projectOnto } from '../model/project.js';
import { resourceSnapshotJobKind, resourceSnapshotKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, OpportunityRecord, ResourceSnapshotRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { engagementForMember, membersOf } from './engagements.js';
import { pageFromStore } from './pagination.js';
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

async function latestRevision(uow: UnitOfWork, catalog: Catalog, engagementId: string, resourceId: string, template: string): Promise<ResourceSnapshotRecord | undefined> {
  const page = await uow.query(resourceSnapshotKind, {
    where: { catalog, engagementId, resourceType: 'Opportunity', resourceId, templateName: template },
    sort: { by: 'revision', order: 'desc' },
    limit: 1,
  });
  return page.items[0];
}

/**
 * Writes the next revision of the opportunity's snapshot in the engagement and tells every member with
 * `Engagement Resource Snapshot Created` (behavior.md §4.4, §5.3) — or only its owner when `notify` is
 * `'owner'`: the accept task's first snapshot goes to the accepting receiver alone (decision 13, §5.4).
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
  const arn = arns.snapshot(snapshot.catalog, snapshot.engagementId, 'Opportunity', snapshot.resourceId, snapshot.templateName, snapshot.revision);
  const recipients = init.notify === 'owner' ? [init.createdBy] : members.map((m) => m.accountId);
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
  return snapshot;
}

/**
 * After the opportunity changed: every Running job on it takes a new revision if the shared view differs
 * from the latest one ("The job creates a new snapshot only if the resource state has changed").
 */
export async function snapshotOnChange(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord): Promise<void> {
  const jobs = await queryAll(uow, resourceSnapshotJobKind, {
    where: { catalog: opportunity.catalog, resourceId: opportunity.id, accountId: opportunity.accountId, status: 'Running' },
  });
  for (const job of jobs) {
    const latest = await latestRevision(uow, job.catalog, job.engagementId, opportunity.id, job.templateName);
    const view = JSON.stringify({ OpportunitySummary: opportunitySummaryView(opportunity) });
    if (latest && JSON.stringify(latest.payload) === view) continue;
    await createSnapshot(uow, services, { catalog: job.catalog, engagementId: job.engagementId, opportunity, createdBy: job.accountId });
    await uow.put(resourceSnapshotJobKind, { ...job, lastSuccessfulExecutionDate: services.clock.nowIso() });
  }
}

export const resourceSnapshotHandlers: HandlerTable = {
  GetResourceSnapshot(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
      const template = input.ResourceSnapshotTemplateIdentifier;
      const snapshot =
        input.Revision === undefined
          ? await latestRevision(uow, ctx.catalog, engagement.id, input.ResourceIdentifier, template)
          : await uow.get(resourceSnapshotKind, [ctx.catalog, engagement.id, input.ResourceType, input.ResourceIdentifier, template, input.Revision]);
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
      // Key order: resource, template, revision (catalog and engagement are fixed by the filter).
      const page = await pageFromStore(uow, resourceSnapshotKind, { where: where as Where<(typeof resourceSnapshotKind)['fields']> }, {
        maxResults: input.MaxResults ?? 100,
        nextToken: input.NextToken,
        fingerprint: ['ListResourceSnapshots', ctx.accountId, ctx.catalog, engagement.id, input.ResourceType, input.ResourceIdentifier, input.ResourceSnapshotTemplateIdentifier, input.CreatedBy],
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
    }, { readOnly: true });
  },
};

export { idFromArnOrId };
