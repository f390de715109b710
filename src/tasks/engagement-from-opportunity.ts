// StartEngagementFromOpportunityTask and ListEngagementFromOpportunityTasks (behavior.md §3.6, §1.3, §1.7).
//
// Start checks synchronously that the caller owns the opportunity (else ResourceNotFoundException), then writes
// an IN_PROGRESS task. Its one step decides the first failure with the rules module (a FAILED task with its
// ReasonCode, nothing written) or, in one transaction: creates the engagement (title and description from the
// opportunity, a CustomerProject context) or reuses the one the opportunity is linked to (adding the
// CustomerProject context a lead engagement lacks), links the opportunity, starts (or reuses) a Running
// OpportunitySummaryView job with a new snapshot revision, invites AWS unless an invitation to AWS is pending or
// accepted, and submits the opportunity.
//
// Choices ([INF]): the snapshot shows the opportunity as submitted (one revision, not one before and one after
// the submission); request Tags go on the snapshot job (the one taggable resource the task creates); a Start for
// an opportunity whose task is still IN_PROGRESS returns that task, whatever its ClientToken (AWS's Postman
// collection polls by re-sending Start with a new token until it reads COMPLETE, behavior.md §1.4).
import { arns } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import type {
  AwsSubmission,
  EngagementContextDetails,
  ListEngagementFromOpportunityTaskSummary,
  ReasonCode,
  StartEngagementFromOpportunityTaskResponse,
  Tag,
} from '../model/generated/types.js';
import { engagementText, firstFailure, invitationStep } from '../rules/engagement-from-opportunity.js';
import { submissionErrors } from '../rules/opportunity-review.js';
import { inviteAws, latestInvitationToAws } from '../resources/engagement-invitations.js';
import { addContext, announceEngagementCreated, newContext } from '../resources/engagement-contexts.js';
import { associateResource, createEngagement, isMember } from '../resources/engagements.js';
import { findVisibleOpportunity, opportunityView, submitOpportunity } from '../resources/opportunities.js';
import { createRunningJob, OPPORTUNITY_SUMMARY_TEMPLATE } from '../resources/resource-snapshot-jobs.js';
import { createSnapshot } from '../resources/resource-snapshots.js';
import { addTags } from '../resources/tags.js';
import { engagementKind, engagementResourceKind, opportunityKind, resourceSnapshotJobKind, taskKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { EngagementRecord, OpportunityRecord, ResourceSnapshotJobRecord } from '../store/records.js';
import type { TaskRecord, UnitOfWork } from '../store/unit-of-work.js';
import type { TaskDefinition } from './runner.js';
import { forcedFailureOf, listTasks, startTask, startTimeOrder, taskBase, type ForcedFailure, type TaskWhere, identifierFilters } from './task-api.js';

export const ENGAGEMENT_FROM_OPPORTUNITY = 'engagement-from-opportunity' as const;

export interface FromOpportunityPayload {
  opportunityId: string;
  submission: AwsSubmission;
  tags?: Tag[];
  forcedFailure?: ForcedFailure;
}

export interface FromOpportunityResult {
  engagementId?: string;
  engagementInvitationId?: string;
  resourceSnapshotJobId?: string;
  reasonCode?: ReasonCode;
  message?: string;
}

export type FromOpportunityTask = TaskRecord<FromOpportunityPayload, FromOpportunityResult>;

function taskView(task: FromOpportunityTask): StartEngagementFromOpportunityTaskResponse & ListEngagementFromOpportunityTaskSummary {
  const complete = task.status === 'COMPLETE';
  return {
    TaskId: task.id,
    TaskArn: arns.engagementFromOpportunityTask(task.catalog, task.id),
    StartTime: task.startTime,
    TaskStatus: task.status,
    Message: task.result?.message,
    ReasonCode: task.result?.reasonCode,
    OpportunityId: task.payload.opportunityId,
    // "Only populated if TaskStatus is COMPLETE" [MODEL].
    ResourceSnapshotJobId: complete ? task.result?.resourceSnapshotJobId : undefined,
    EngagementId: complete ? task.result?.engagementId : undefined,
    EngagementInvitationId: complete ? task.result?.engagementInvitationId : undefined,
  };
}

function failed(task: FromOpportunityTask, reasonCode: ReasonCode, message: string): FromOpportunityTask {
  return { ...task, status: 'FAILED', result: { reasonCode, message } };
}

/** The engagement the opportunity already takes part in, if any (a converted lead's, or an earlier run's). */
async function linkedEngagement(uow: UnitOfWork, opportunity: OpportunityRecord): Promise<EngagementRecord | undefined> {
  const links = await queryAll(uow, engagementResourceKind, { where: { catalog: opportunity.catalog, resourceId: opportunity.id } });
  const link = links.find((l) => l.createdBy === opportunity.accountId);
  return link ? uow.get(engagementKind, [link.catalog, link.engagementId]) : undefined;
}

/** The CustomerProject context of the opportunity's engagement (behavior.md §3.6 [INF], §4.1 [DOC D-LEADS]). */
function customerProjectContext(opportunity: OpportunityRecord): Omit<EngagementContextDetails, 'Id'> {
  const account = opportunity.data.Customer?.Account;
  const project = opportunity.data.Project;
  const text = engagementText(project);
  return {
    Type: 'CustomerProject',
    Payload: {
      CustomerProject: {
        Customer: {
          CompanyName: account?.CompanyName ?? '',
          CountryCode: account?.Address?.CountryCode ?? 'US',
          Industry: account?.Industry ?? 'Other',
          WebsiteUrl: account?.WebsiteUrl ?? '',
        },
        Project: {
          Title: text.Title ?? `Opportunity ${opportunity.id}`,
          BusinessProblem: project?.CustomerBusinessProblem ?? '',
          TargetCompletionDate: opportunity.data.LifeCycle?.TargetCloseDate ?? '',
        },
      },
    },
  };
}

/** The caller's job sharing this opportunity in the engagement, started if it was stopped; a new Running one otherwise. */
async function runningJob(uow: UnitOfWork, services: Services, engagement: EngagementRecord, opportunity: OpportunityRecord): Promise<ResourceSnapshotJobRecord> {
  const jobs = await queryAll(uow, resourceSnapshotJobKind, { where: { catalog: engagement.catalog, resourceId: opportunity.id, accountId: opportunity.accountId, engagementId: engagement.id } });
  const existing = jobs.find((j) => j.templateName === OPPORTUNITY_SUMMARY_TEMPLATE);
  if (!existing) return createRunningJob(uow, services, { catalog: engagement.catalog, accountId: opportunity.accountId, engagementId: engagement.id, opportunityId: opportunity.id });
  const running: ResourceSnapshotJobRecord = { ...existing, status: 'Running' };
  await uow.put(resourceSnapshotJobKind, running);
  return running;
}

async function execute(services: Services, uow: UnitOfWork, task: FromOpportunityTask): Promise<FromOpportunityTask> {
  const { forcedFailure, opportunityId, submission } = task.payload;
  if (forcedFailure) return failed(task, forcedFailure.reasonCode, forcedFailure.message);
  const caller = task.accountId;
  const opportunity = await uow.get(opportunityKind, [task.catalog, opportunityId]);
  if (!opportunity || !opportunity.visible || opportunity.accountId !== caller) {
    return failed(task, 'OpportunityAccessDenied', `Opportunity ${opportunityId} is no longer one of account ${caller}'s opportunities.`);
  }
  let engagement = await linkedEngagement(uow, opportunity);
  const failure = firstFailure({
    opportunityId,
    reviewStatus: opportunity.data.LifeCycle?.ReviewStatus ?? 'Pending Submission',
    solutionCount: opportunity.data.RelatedEntityIdentifiers?.Solutions?.length ?? 0,
    completeness: submissionErrors({ opportunity: opportunityView(opportunity), involvementType: submission.InvolvementType, today: services.clock.nowIso().slice(0, 10) }),
    engagement: engagement && {
      id: engagement.id,
      callerIsMember: await isMember(uow, engagement.catalog, engagement.id, caller),
      contexts: engagement.contexts,
    },
  });
  if (failure) return failed(task, failure.reasonCode, failure.message);

  // Success: every effect below commits together with the task's COMPLETE state.
  if (!engagement) {
    const text = engagementText(opportunity.data.Project);
    engagement = await createEngagement(uow, services, {
      catalog: opportunity.catalog,
      title: text.Title ?? `Opportunity ${opportunity.id}`,
      description: text.Description,
      createdBy: caller,
      contexts: [{ ...customerProjectContext(opportunity), Id: '1' }],
    });
    await announceEngagementCreated(uow, services, engagement, { memberAdded: true });
    await associateResource(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, resourceId: opportunity.id, createdBy: caller });
  } else if (!engagement.contexts.some((c) => c.Type === 'CustomerProject')) {
    engagement = (await addContext(uow, services, engagement, newContext(customerProjectContext(opportunity)), caller)).engagement;
  }
  const asSubmitted: OpportunityRecord = { ...opportunity, data: { ...opportunity.data, LifeCycle: { ...opportunity.data.LifeCycle, ReviewStatus: 'Submitted' } } };
  const snapshot = await createSnapshot(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, opportunity: asSubmitted, createdBy: caller });
  const job = { ...(await runningJob(uow, services, engagement, opportunity)), lastSuccessfulExecutionDate: snapshot.createdAt };
  await uow.put(resourceSnapshotJobKind, job);
  const tags = task.payload.tags;
  if (tags && tags.length > 0) await addTags(uow, { catalog: job.catalog, accountId: caller, resourceArn: arns.snapshotJob(caller, job.catalog, job.id) }, tags);
  const latest = await latestInvitationToAws(uow, engagement.catalog, engagement.id);
  const invitation = latest && invitationStep(latest) === 'reuse' ? latest : await inviteAws(uow, services, engagement, opportunity);
  await submitOpportunity(uow, services, opportunity, { InvolvementType: submission.InvolvementType, Visibility: submission.Visibility ?? 'Full' });
  return {
    ...task,
    status: 'COMPLETE',
    subject: { ...task.subject, engagementId: engagement.id },
    result: { engagementId: engagement.id, engagementInvitationId: invitation.id, resourceSnapshotJobId: job.id },
  };
}

export function engagementFromOpportunityTask(services: Services): TaskDefinition<FromOpportunityPayload, FromOpportunityResult> {
  return {
    type: ENGAGEMENT_FROM_OPPORTUNITY,
    execute: (uow, task) => execute(services, uow, task),
    failed: (task) => failed(task, 'InternalError', 'The task failed because of an internal error; nothing was changed.'),
  };
}

export const engagementFromOpportunityTaskHandlers: HandlerTable = {
  async StartEngagementFromOpportunityTask(ctx, input) {
    const task = await startTask(ctx, input, async (uow): Promise<FromOpportunityTask> => {
      const opportunity = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier);
      const ongoing = await queryAll(uow, taskKind, {
        where: { catalog: ctx.catalog, accountId: ctx.accountId, type: ENGAGEMENT_FROM_OPPORTUNITY, opportunityId: opportunity.id, status: 'IN_PROGRESS' },
      });
      if (ongoing[0]) return ongoing[0] as FromOpportunityTask;
      return {
        ...taskBase(ctx, ENGAGEMENT_FROM_OPPORTUNITY, await ctx.services.ids.taskId(uow)),
        subject: { opportunityId: opportunity.id },
        payload: {
          opportunityId: opportunity.id,
          submission: { InvolvementType: input.AwsSubmission.InvolvementType, Visibility: input.AwsSubmission.Visibility ?? 'Full' },
          ...(input.Tags ? { tags: input.Tags } : {}),
          ...forcedFailureOf(ctx),
        },
      };
    });
    return taskView(task);
  },

  async ListEngagementFromOpportunityTasks(ctx, input) {
    const where = identifierFilters(input, { TaskIdentifier: 'id', OpportunityIdentifier: 'opportunityId', EngagementIdentifier: 'engagementId' });
    if (input.TaskStatus) where.status = input.TaskStatus;
    const page = await listTasks<FromOpportunityTask>(ctx, {
      type: ENGAGEMENT_FROM_OPPORTUNITY,
      where: where as TaskWhere,
      sort: { by: 'startTime', order: startTimeOrder(input.Sort) },
      maxResults: input.MaxResults ?? 20,
      nextToken: input.NextToken,
      fingerprint: ['ListEngagementFromOpportunityTasks', ctx.accountId, ctx.catalog, input.TaskStatus, input.TaskIdentifier, input.OpportunityIdentifier, input.EngagementIdentifier, input.Sort],
    });
    return { TaskSummaries: page.items.map(taskView), NextToken: page.nextToken };
  },
};
