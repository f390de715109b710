// StartOpportunityFromEngagementTask and ListOpportunityFromEngagementTasks: lead conversion (behavior.md §9
// "Lead conversion defaults", §2.4.5, §1.3, §1.7).
//
// Start checks synchronously that the engagement exists in the catalog (else ResourceNotFoundException), then
// writes an IN_PROGRESS task. Its one step asks the rules module whether the Lead context may be converted (a
// FAILED task with its ReasonCode otherwise, nothing written) and, in one transaction: creates the caller's
// opportunity with §9's defaults (`Opportunity Created`), adds the CustomerProject context to the engagement
// (`Engagement Updated` to its members), links the opportunity, and starts a Running OpportunitySummaryView job
// with revision 1 of its snapshot. The task's ContextId is the new CustomerProject context (§2.4.5 [OBS]); the
// ContextIdentifier filter of the list matches that id.
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';
import type {
  EngagementContextDetails,
  ListOpportunityFromEngagementTaskSummary,
  ReasonCode,
  StartOpportunityFromEngagementTaskResponse,
  Tag,
} from '../model/generated/types.js';
import { conversionFailure, customerProjectFromLead, opportunityFromLead } from '../rules/lead-conversion.js';
import { addContext, newContext } from '../resources/engagement-contexts.js';
import { associateResource, isMember } from '../resources/engagements.js';
import { emitOpportunityEvent, relatedEntities, saveOpportunity } from '../resources/opportunities.js';
import { createRunningJob } from '../resources/resource-snapshot-jobs.js';
import { createSnapshot } from '../resources/resource-snapshots.js';
import { addTags } from '../resources/tags.js';
import { engagementKind, resourceSnapshotJobKind } from '../store/kinds.js';
import type { OpportunityRecord } from '../store/records.js';
import type { TaskRecord, UnitOfWork } from '../store/unit-of-work.js';
import type { TaskDefinition } from './runner.js';
import { forcedFailureOf, listTasks, startTask, startTimeOrder, taskBase, type ForcedFailure, type TaskWhere, identifierFilters } from './task-api.js';

export const OPPORTUNITY_FROM_ENGAGEMENT = 'opportunity-from-engagement' as const;

export interface FromEngagementPayload {
  engagementId: string;
  /** The Lead context to convert. */
  leadContextId: string;
  tags?: Tag[];
  forcedFailure?: ForcedFailure;
}

export interface FromEngagementResult {
  opportunityId?: string;
  /** The CustomerProject context the conversion added. */
  contextId?: string;
  resourceSnapshotJobId?: string;
  reasonCode?: ReasonCode;
  message?: string;
}

export type FromEngagementTask = TaskRecord<FromEngagementPayload, FromEngagementResult>;

function taskView(task: FromEngagementTask): StartOpportunityFromEngagementTaskResponse & ListOpportunityFromEngagementTaskSummary {
  return {
    TaskId: task.id,
    TaskArn: arns.opportunityFromEngagementTask(task.catalog, task.id),
    StartTime: task.startTime,
    TaskStatus: task.status,
    Message: task.result?.message,
    ReasonCode: task.result?.reasonCode,
    EngagementId: task.payload.engagementId,
    OpportunityId: task.result?.opportunityId,
    ContextId: task.result?.contextId,
    ResourceSnapshotJobId: task.result?.resourceSnapshotJobId,
  };
}

function failed(task: FromEngagementTask, reasonCode: ReasonCode, message: string): FromEngagementTask {
  return { ...task, status: 'FAILED', result: { reasonCode, message } };
}

async function execute(services: Services, uow: UnitOfWork, task: FromEngagementTask): Promise<FromEngagementTask> {
  const { forcedFailure, engagementId, leadContextId } = task.payload;
  if (forcedFailure) return failed(task, forcedFailure.reasonCode, forcedFailure.message);
  const caller = task.accountId;
  const engagement = await uow.get(engagementKind, [task.catalog, engagementId]);
  if (!engagement) return failed(task, 'InternalError', `Engagement ${engagementId} no longer exists.`);
  const failure = conversionFailure({
    engagementId,
    contextId: leadContextId,
    isMember: await isMember(uow, engagement.catalog, engagement.id, caller),
    contexts: engagement.contexts,
  });
  if (failure) return failed(task, failure.reasonCode, failure.message);
  const lead = engagement.contexts.find((c) => c.Id === leadContextId)!.Payload!.Lead!;

  // Success: every effect below commits together with the task's COMPLETE state.
  const now = services.clock.nowIso();
  const converted = opportunityFromLead(lead, now.slice(0, 10));
  const opportunity: OpportunityRecord = {
    catalog: engagement.catalog,
    id: await services.ids.opportunityId(uow),
    accountId: caller,
    visible: true,
    origin: 'Partner Referral',
    createdAt: now,
    lastModifiedAt: now,
    data: { ...converted, OpportunityTeam: [services.accounts.profile(caller).owner], RelatedEntityIdentifiers: relatedEntities() },
  };
  await saveOpportunity(uow, opportunity);
  await emitOpportunityEvent(uow, services, opportunity, 'Opportunity Created');
  const tags = task.payload.tags;
  if (tags && tags.length > 0) {
    await addTags(uow, { catalog: opportunity.catalog, accountId: caller, resourceArn: arns.opportunity(caller, opportunity.catalog, opportunity.id) }, tags);
  }
  // A lead may lack members the context shape requires; what it has is stored as AWS shows it (rules module).
  const context = { Type: 'CustomerProject', Payload: { CustomerProject: customerProjectFromLead(lead, converted) } } as Omit<EngagementContextDetails, 'Id'>;
  const { contextId } = await addContext(uow, services, engagement, newContext(context), caller);
  await associateResource(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, resourceId: opportunity.id, createdBy: caller });
  const job = await createRunningJob(uow, services, { catalog: engagement.catalog, accountId: caller, engagementId: engagement.id, opportunityId: opportunity.id });
  const snapshot = await createSnapshot(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, opportunity, createdBy: caller });
  await uow.put(resourceSnapshotJobKind, { ...job, lastSuccessfulExecutionDate: snapshot.createdAt });
  return {
    ...task,
    status: 'COMPLETE',
    subject: { ...task.subject, opportunityId: opportunity.id, contextId },
    result: { opportunityId: opportunity.id, contextId, resourceSnapshotJobId: job.id },
  };
}

export function opportunityFromEngagementTask(services: Services): TaskDefinition<FromEngagementPayload, FromEngagementResult> {
  return {
    type: OPPORTUNITY_FROM_ENGAGEMENT,
    execute: (uow, task) => execute(services, uow, task),
    failed: (task) => failed(task, 'InternalError', 'The task failed because of an internal error; nothing was changed.'),
  };
}

export const opportunityFromEngagementTaskHandlers: HandlerTable = {
  async StartOpportunityFromEngagementTask(ctx, input) {
    const task = await startTask(ctx, input, async (uow): Promise<FromEngagementTask> => {
      const engagementId = idFromArnOrId(input.Identifier);
      const engagement = await uow.get(engagementKind, [ctx.catalog, engagementId]);
      if (!engagement) throw new ResourceNotFoundException(`Engagement ${engagementId} was not found in catalog ${ctx.catalog}.`);
      return {
        ...taskBase(ctx, OPPORTUNITY_FROM_ENGAGEMENT, await ctx.services.ids.taskId(uow)),
        subject: { engagementId },
        payload: { engagementId, leadContextId: input.ContextIdentifier, ...(input.Tags ? { tags: input.Tags } : {}), ...forcedFailureOf(ctx) },
      };
    });
    return taskView(task);
  },

  async ListOpportunityFromEngagementTasks(ctx, input) {
    const where = identifierFilters(input, { TaskIdentifier: 'id', OpportunityIdentifier: 'opportunityId', EngagementIdentifier: 'engagementId' });
    if (input.ContextIdentifier) where.contextId = input.ContextIdentifier;
    if (input.TaskStatus) where.status = input.TaskStatus;
    const page = await listTasks<FromEngagementTask>(ctx, {
      type: OPPORTUNITY_FROM_ENGAGEMENT,
      where: where as TaskWhere,
      sort: { by: 'startTime', order: startTimeOrder(input.Sort) },
      maxResults: input.MaxResults ?? 20,
      nextToken: input.NextToken,
      fingerprint: ['ListOpportunityFromEngagementTasks', ctx.accountId, ctx.catalog, input.TaskStatus, input.TaskIdentifier, input.OpportunityIdentifier, input.EngagementIdentifier, input.ContextIdentifier, input.Sort],
    });
    return { TaskSummaries: page.items.map(taskView), NextToken: page.nextToken };
  },
};
