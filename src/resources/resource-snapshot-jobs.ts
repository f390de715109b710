// Resource snapshot jobs: Create (Stopped), Start, Stop, Delete (only when Stopped), Get and List, plus
// creating the Running job that tasks start (behavior.md §4.5). Jobs are account-scoped: only their owner
// sees them. A Running job writes revisions through `runJob` in resource-snapshots.ts.
import { arns } from '../arns.js';
import type { HandlerTable, RequestContext, Services } from '../context.js';
import { ConflictException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type { GetResourceSnapshotJobResponse, ResourceSnapshotJobSummary } from '../model/generated/types.js';
import { opportunityKind, resourceSnapshotJobKind, tagSetKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, ResourceSnapshotJobRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { engagementForMember } from './engagements.js';
import { idempotent } from './idempotency.js';
import { pageFromStore } from './pagination.js';
import { checkPartnerTemplate, ownOpportunity, runJob } from './resource-snapshots.js';
import { addTags } from './tags.js';

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

/** The caller's job, or ResourceNotFound (another account's job looks absent). */
async function ownJob(uow: UnitOfWork, ctx: RequestContext, id: string): Promise<ResourceSnapshotJobRecord> {
  const job = await uow.get(resourceSnapshotJobKind, [ctx.catalog, id]);
  if (!job || job.accountId !== ctx.accountId) {
    throw new ResourceNotFoundException(`Resource snapshot job ${id} was not found in catalog ${ctx.catalog}.`);
  }
  return job;
}

export const resourceSnapshotJobHandlers: HandlerTable = {
  CreateResourceSnapshotJob(ctx, input) {
    checkPartnerTemplate(input.ResourceSnapshotTemplateIdentifier);
    return ctx.services.store.transaction((uow) =>
      idempotent(ctx, uow, { ...input }, async () => {
        const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
        const opportunity = await ownOpportunity(uow, ctx, input.ResourceIdentifier);
        // One job per (engagement, resource, template): a second would only write the same revisions twice.
        const existing = (await queryAll(uow, resourceSnapshotJobKind, { where: { catalog: ctx.catalog, resourceId: opportunity.id } })).find(
          (j) => j.accountId === ctx.accountId && j.engagementId === engagement.id && j.templateName === input.ResourceSnapshotTemplateIdentifier,
        );
        if (existing) {
          throw new ConflictException(
            `Resource snapshot job ${existing.id} already snapshots opportunity ${opportunity.id} with ${existing.templateName} in engagement ${engagement.id}.`,
          );
        }
        const job: ResourceSnapshotJobRecord = {
          catalog: ctx.catalog,
          id: await ctx.services.ids.snapshotJobId(uow),
          accountId: ctx.accountId,
          engagementId: engagement.id,
          resourceType: 'Opportunity',
          resourceId: opportunity.id,
          templateName: input.ResourceSnapshotTemplateIdentifier,
          status: 'Stopped',
          createdAt: ctx.services.clock.nowIso(),
        };
        await uow.put(resourceSnapshotJobKind, job);
        const arn = arns.snapshotJob(job.accountId, job.catalog, job.id);
        if (input.Tags && input.Tags.length > 0) await addTags(uow, { catalog: job.catalog, accountId: job.accountId, resourceArn: arn }, input.Tags);
        return { Id: job.id, Arn: arn };
      }),
    );
  },

  async StartResourceSnapshotJob(ctx, input) {
    await ctx.services.store.transaction(async (uow) => {
      const job = await ownJob(uow, ctx, input.ResourceSnapshotJobIdentifier);
      if (job.status === 'Running') return; // already started: nothing to do (the operation is idempotent)
      const running: ResourceSnapshotJobRecord = { ...job, status: 'Running' };
      await uow.put(resourceSnapshotJobKind, running);
      // A started job runs once straight away, so the engagement sees the current state.
      const opportunity = await uow.get(opportunityKind, [job.catalog, job.resourceId]);
      if (opportunity) await runJob(uow, ctx.services, running, opportunity);
    });
  },

  async StopResourceSnapshotJob(ctx, input) {
    await ctx.services.store.transaction(async (uow) => {
      const job = await ownJob(uow, ctx, input.ResourceSnapshotJobIdentifier);
      if (job.status !== 'Running') {
        // "The job must be started prior to being stopped." [MODEL]
        throw ValidationException.business('resourceSnapshotJobIdentifier', 'INVALID_RESOURCE_STATE', `Resource snapshot job ${job.id} is not running; start it before stopping it.`);
      }
      const stopped: ResourceSnapshotJobRecord = { ...job, status: 'Stopped' };
      await uow.put(resourceSnapshotJobKind, stopped);
    });
  },

  async DeleteResourceSnapshotJob(ctx, input) {
    await ctx.services.store.transaction(async (uow) => {
      const job = await ownJob(uow, ctx, input.ResourceSnapshotJobIdentifier);
      if (job.status !== 'Stopped') {
        // "The job must be in a stopped state before it can be deleted." [MODEL]; the operation declares ConflictException.
        throw new ConflictException(`Resource snapshot job ${job.id} is ${job.status}; stop it with StopResourceSnapshotJob before deleting it.`);
      }
      await uow.delete(resourceSnapshotJobKind, [job.catalog, job.id]);
      await uow.delete(tagSetKind, [arns.snapshotJob(job.accountId, job.catalog, job.id)]);
    });
  },

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
