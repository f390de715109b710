// Resource snapshot jobs: GetResourceSnapshotJob and ListResourceSnapshotJobs, plus creating the Running job
// that the accept-invitation task starts. Jobs are account-scoped: only their owner sees them.
import { arns } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';
import type { GetResourceSnapshotJobResponse, ResourceSnapshotJobSummary } from '../model/generated/types.js';
import { resourceSnapshotJobs, type Catalog, type ResourceSnapshotJobRecord } from '../store/records.js';
import type { Transaction } from '../store/store.js';
import { paginate } from './pagination.js';

/** The template partners share with engagement members (behavior.md §4.4). */
export const OPPORTUNITY_SUMMARY_TEMPLATE = 'OpportunitySummaryView';

export function createRunningJob(
  tx: Transaction,
  services: Services,
  init: { catalog: Catalog; accountId: string; engagementId: string; opportunityId: string },
): ResourceSnapshotJobRecord {
  const job: ResourceSnapshotJobRecord = {
    catalog: init.catalog,
    id: services.ids.snapshotJobId(),
    accountId: init.accountId,
    engagementId: init.engagementId,
    resourceType: 'Opportunity',
    resourceId: init.opportunityId,
    templateName: OPPORTUNITY_SUMMARY_TEMPLATE,
    status: 'Running',
    createdAt: services.clock.nowIso(),
  };
  tx.collection(resourceSnapshotJobs).put(job);
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
    return ctx.services.store.read((tx) => {
      const job = tx.collection(resourceSnapshotJobs).get([ctx.catalog, input.ResourceSnapshotJobIdentifier]);
      if (!job || job.accountId !== ctx.accountId) {
        throw new ResourceNotFoundException(`Resource snapshot job ${input.ResourceSnapshotJobIdentifier} was not found in catalog ${ctx.catalog}.`);
      }
      return jobView(job);
    });
  },

  ListResourceSnapshotJobs(ctx, input) {
    return ctx.services.store.read((tx) => {
      const where: Record<string, string> = { catalog: ctx.catalog, account_id: ctx.accountId };
      if (input.EngagementIdentifier) where.engagement_id = input.EngagementIdentifier;
      const jobs = tx
        .collection(resourceSnapshotJobs)
        .find(where)
        .filter((j) => input.Status === undefined || j.status === input.Status);
      const page = paginate({
        items: jobs,
        maxResults: input.MaxResults ?? 100,
        nextToken: input.NextToken,
        fingerprint: ['ListResourceSnapshotJobs', ctx.accountId, ctx.catalog, input.EngagementIdentifier, input.Status, input.Sort],
        // The only sort name is CreatedDate; the model documents newest first as the default.
        sortKey: (j) => [j.createdAt, j.id],
        descending: (input.Sort?.SortOrder ?? 'DESCENDING') === 'DESCENDING',
      });
      const summaries: ResourceSnapshotJobSummary[] = page.items.map((j) => ({
        Id: j.id,
        Arn: arns.snapshotJob(j.accountId, j.catalog, j.id),
        EngagementId: j.engagementId,
        Status: j.status,
      }));
      return { ResourceSnapshotJobSummaries: summaries, NextToken: page.nextToken };
    });
  },
};
