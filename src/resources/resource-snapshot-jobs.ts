// Resource snapshot jobs: GetResourceSnapshotJob and ListResourceSnapshotJobs, plus creating the Running job
// that the accept-invitation task starts. Jobs are account-scoped: only their owner sees them.
import { arns } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';
import type { GetResourceSnapshotJobResponse, ResourceSnapshotJobSummary } from '../model/generated/types.js';
import { resourceSnapshotJobKind } from '../store/kinds.js';
import type { Catalog, ResourceSnapshotJobRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { pageFromStore } from './pagination.js';

/** The template partners share with engagement members (behavior.md §4.4). */
export const OPPORTUNITY_SUMMARY_TEMPLATE = 'OpportunitySummaryView';

export async function createRunningJob(
  uow: UnitOfWork,
  services: Services,
  init: { catalog: Catalog; accountId: string; engagementId: string; opportunityId: string },
): Promise<ResourceSnapshotJobRecord> {
  const job: ResourceSnapshotJobRecord = {
    catalog: init.catalog,
    id: await services.ids.snapshotJobId(uow),
    accountId: init.accountId,
    engagementId: init.engagementId,
    resourceType: 'Opportunity',
    resourceId: init.opportunityId,
    templateName: OPPORTUNITY_SUMMARY_TEMPLATE,
    status: 'Running',
    createdAt: services.clock.nowIso(),
  };
  await uow.put(resourceSnapshotJobKind, job);
  return job;
}

function jobView(job: ResourceSnapshotJobRecord): GetResourceSnapshotJobResponse {
  return {
    Catalog: job.catalog,
    Id: job.id,
    Arn: arns.snapshotJob(job.accountId, job.catalog, job.id),
    EngagementId: job.engagementId,
    ResourceType: job.resourceType,
    ResourceId: job.resourceId,
    ResourceArn: arns.opportunity(job.accountId, job.catalog, job.resourceId),
    ResourceSnapshotTemplateName: job.templateName,
    CreatedAt: job.createdAt,
    Status: job.status,
    LastSuccessfulExecutionDate: job.lastSuccessfulExecutionDate,
    LastFailure: job.lastFailure,
  };
}

export const resourceSnapshotJobHandlers: HandlerTable = {
  GetResourceSnapshotJob(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const job = await uow.get(resourceSnapshotJobKind, [ctx.catalog, input.ResourceSnapshotJobIdentifier]);
      if (!job || job.accountId !== ctx.accountId) {
        throw new ResourceNotFoundException(`Resource snapshot job ${input.ResourceSnapshotJobIdentifier} was not found in catalog ${ctx.catalog}.`);
      }
      return jobView(job);
    }, { readOnly: true });
  },

  ListResourceSnapshotJobs(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const where: Record<string, string> = { catalog: ctx.catalog, accountId: ctx.accountId };
      if (input.EngagementIdentifier) where.engagementId = input.EngagementIdentifier;
      if (input.Status !== undefined) where.status = input.Status;
      // The only sort name is CreatedDate; the model documents newest first as the default.
      const order = (input.Sort?.SortOrder ?? 'DESCENDING') === 'DESCENDING' ? 'desc' : 'asc';
      const page = await pageFromStore(
        uow,
        resourceSnapshotJobKind,
        { where: where as Where<(typeof resourceSnapshotJobKind)['fields']>, sort: { by: 'createdAt', order } },
        {
          maxResults: input.MaxResults ?? 100,
          nextToken: input.NextToken,
          fingerprint: ['ListResourceSnapshotJobs', ctx.accountId, ctx.catalog, input.EngagementIdentifier, input.Status, input.Sort],
        },
      );
      const summaries: ResourceSnapshotJobSummary[] = page.items.map((j) => ({
        Id: j.id,
        Arn: arns.snapshotJob(j.accountId, j.catalog, j.id),
        EngagementId: j.engagementId,
        Status: j.status,
      }));
      return { ResourceSnapshotJobSummaries: summaries, NextToken: page.nextToken };
    }, { readOnly: true });
  },
};
