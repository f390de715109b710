// StartEngagementByAcceptingInvitationTask and ListEngagementByAcceptingInvitationTasks (decisions 10–15).
//
// Start validates that the caller can see the invitation, then writes an IN_PROGRESS task (idempotent by
// ClientToken) and hands it to the runner. The task's one step runs in a single transaction: it re-checks
// the invitation and either fails with a ReasonCode or, atomically, accepts the invitation, adds the caller
// to the engagement, creates (or reveals) the opportunity, links it to the engagement, starts a Running
// snapshot job with revision 1 of the OpportunitySummaryView snapshot, and writes the events.
import { AWS_ACCOUNT } from '../accounts.js';
import { arns } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import type {
  ListEngagementByAcceptingInvitationTaskSummary,
  PrimaryNeedFromAws,
  ReasonCode,
  StartEngagementByAcceptingInvitationTaskResponse,
} from '../model/generated/types.js';
import { associateResource, addMember, MAX_ENGAGEMENT_MEMBERS, membersOf } from '../resources/engagements.js';
import { emitInvitationEvent, invitationForParticipant, refreshExpiry } from '../resources/engagement-invitations.js';
import { emitOpportunityEvent, nextModifiedDate, relatedEntities, saveOpportunity } from '../resources/opportunities.js';
import { createRunningJob } from '../resources/resource-snapshot-jobs.js';
import { createSnapshot } from '../resources/resource-snapshots.js';
import { addTags } from '../resources/tags.js';
import { engagementKind, invitationKind, opportunityKind, resourceSnapshotJobKind } from '../store/kinds.js';
import type { AcceptInvitationTask, InvitationRecord, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import type { TaskDefinition } from './runner.js';
import { forcedFailureOf, listTasks, startTask, startTimeOrder, taskBase, type TaskWhere, identifierFilters } from './task-api.js';

const TASK_TYPE = 'engagement-by-accepting-invitation' as const;

function taskView(task: AcceptInvitationTask): StartEngagementByAcceptingInvitationTaskResponse & ListEngagementByAcceptingInvitationTaskSummary {
  return {
    TaskId: task.id,
    TaskArn: arns.acceptInvitationTask(task.catalog, task.id),
    StartTime: task.startTime,
    TaskStatus: task.status,
    Message: task.result?.message,
    ReasonCode: task.result?.reasonCode,
    OpportunityId: task.result?.opportunityId,
    ResourceSnapshotJobId: task.result?.resourceSnapshotJobId,
    EngagementInvitationId: task.payload.engagementInvitationId,
  };
}

function failed(task: AcceptInvitationTask, reasonCode: ReasonCode, message: string): AcceptInvitationTask {
  return { ...task, status: 'FAILED', result: { reasonCode, message } };
}

/**
 * The receiver's new opportunity for a partner's invitation (behavior.md §1.5(b)): built from the invitation
 * payload, ReviewStatus inherited from the sender's opportunity.
 */
async function opportunityFromPartnerInvitation(uow: UnitOfWork, services: Services, invitation: InvitationRecord, receiver: string): Promise<OpportunityRecord> {
  const payload = invitation.payload.OpportunityInvitation!;
  const senderOpportunity = invitation.senderOpportunityId ? await uow.get(opportunityKind, [invitation.catalog, invitation.senderOpportunityId]) : undefined;
  const inherited = senderOpportunity?.data.LifeCycle?.ReviewStatus;
  const now = services.clock.nowIso();
  return {
    catalog: invitation.catalog,
    id: await services.ids.opportunityId(uow),
    accountId: receiver,
    visible: true,
    origin: 'Partner Referral',
    createdAt: now,
    lastModifiedAt: now,
    data: {
      Customer: {
        Account: {
          CompanyName: payload.Customer.CompanyName,
          Industry: payload.Customer.Industry,
          WebsiteUrl: payload.Customer.WebsiteUrl,
          Address: { CountryCode: payload.Customer.CountryCode },
        },
        Contacts: [],
      },
      Project: {
        Title: payload.Project.Title,
        CustomerBusinessProblem: payload.Project.BusinessProblem,
        ExpectedCustomerSpend: payload.Project.ExpectedCustomerSpend,
      },
      LifeCycle: {
        Stage: 'Prospect',
        TargetCloseDate: payload.Project.TargetCompletionDate,
        ReviewStatus: inherited === 'Approved' ? 'Approved' : 'Submitted',
      },
      // Observed on accepted partner invitations; not in the model's enum, so it is returned as-is.
      PrimaryNeedsFromAws: ['Do Not Need Support from AWS Sales Rep' as PrimaryNeedFromAws],
      NationalSecurity: 'No',
      OpportunityType: 'Net New Business',
      Marketing: { Source: 'None' },
      OpportunityTeam: [services.accounts.profile(receiver).owner],
      RelatedEntityIdentifiers: relatedEntities(),
    },
  };
}

/** The task's single step. Every failure leaves the invitation, engagement and opportunities untouched. */
async function execute(services: Services, uow: UnitOfWork, task: AcceptInvitationTask): Promise<AcceptInvitationTask> {
  const { forcedFailure, engagementInvitationId } = task.payload;
  if (forcedFailure) return failed(task, forcedFailure.reasonCode, forcedFailure.message);
  const caller = task.accountId;
  let invitation = await uow.get(invitationKind, [task.catalog, engagementInvitationId]);
  if (!invitation) {
    return failed(task, 'InternalError', `Engagement invitation ${engagementInvitationId} no longer exists.`);
  }
  if (invitation.receiverAccountId !== caller) {
    return failed(task, 'InvitationAccessDenied', `Only the receiver of engagement invitation ${invitation.id} can accept it; account ${caller} is its sender.`);
  }
  invitation = await refreshExpiry(uow, services, invitation);
  if (invitation.status === 'ACCEPTED' || invitation.status === 'REJECTED') {
    return failed(task, 'EngagementInvitationConflict', `Engagement invitation ${invitation.id} is already ${invitation.status} and cannot be accepted again.`);
  }
  if (invitation.status === 'EXPIRED') {
    return failed(task, 'InvitationValidationFailed', `Engagement invitation ${invitation.id} expired on ${invitation.expirationDate} and can no longer be accepted.`);
  }
  if (invitation.payloadType !== 'OpportunityInvitation') {
    return failed(task, 'InvitationValidationFailed', `Engagement invitation ${invitation.id} is a ${invitation.payloadType}; accept it with AcceptEngagementInvitation.`);
  }
  const engagement = await uow.get(engagementKind, [invitation.catalog, invitation.engagementId]);
  if (!engagement) return failed(task, 'InternalError', `Engagement ${invitation.engagementId} of invitation ${invitation.id} no longer exists.`);
  const members = await membersOf(uow, engagement.catalog, engagement.id);
  if (members.some((m) => m.accountId === caller)) {
    return failed(task, 'EngagementConflict', `Account ${caller} is already a member of engagement ${engagement.id}.`);
  }
  if (members.length >= MAX_ENGAGEMENT_MEMBERS) {
    return failed(task, 'ServiceQuotaExceeded', `Engagement ${engagement.id} already has ${MAX_ENGAGEMENT_MEMBERS} members, the most an engagement can have.`);
  }

  // Success: every effect below commits together with the task's COMPLETE state.
  let accepted: InvitationRecord = { ...invitation, status: 'ACCEPTED' };
  await emitInvitationEvent(uow, services, accepted, 'Engagement Invitation Accepted');
  await addMember(uow, services, engagement, caller);

  let opportunity: OpportunityRecord;
  const hidden = invitation.referralOpportunityId ? await uow.get(opportunityKind, [invitation.catalog, invitation.referralOpportunityId]) : undefined;
  if (invitation.senderAccountId === AWS_ACCOUNT && hidden) {
    // AWS referral: the referral opportunity itself becomes the caller's, with the details the invitation hid.
    opportunity = {
      ...hidden,
      visible: true,
      lastModifiedAt: nextModifiedDate(services, hidden.lastModifiedAt),
      data: { ...hidden.data, LifeCycle: { ...hidden.data.LifeCycle, Stage: 'Prospect', ReviewStatus: 'Approved' } },
    };
  } else {
    opportunity = await opportunityFromPartnerInvitation(uow, services, invitation, caller);
  }
  await saveOpportunity(uow, opportunity);
  accepted = { ...accepted, acceptedOpportunityId: opportunity.id };
  await uow.put(invitationKind, accepted);
  await emitOpportunityEvent(uow, services, opportunity, 'Opportunity Created');
  await emitOpportunityEvent(uow, services, opportunity, 'Opportunity Updated');
  const tags = task.payload.tags;
  if (tags && tags.length > 0) {
    // Through the tags module, so its rules (the 200-tag limit) hold here too.
    await addTags(uow, { catalog: opportunity.catalog, accountId: caller, resourceArn: arns.opportunity(caller, opportunity.catalog, opportunity.id) }, tags);
  }

  await associateResource(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, resourceId: opportunity.id, createdBy: caller });
  const job = await createRunningJob(uow, services, { catalog: engagement.catalog, accountId: caller, engagementId: engagement.id, opportunityId: opportunity.id });
  const snapshot = await createSnapshot(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, opportunity, createdBy: caller, notify: 'owner' });
  // Revision 1 is the job's first successful run (a task-created job shows LastSuccessfulExecutionDate, behavior.md §4.5).
  await uow.put(resourceSnapshotJobKind, { ...job, lastSuccessfulExecutionDate: snapshot.createdAt });
  return {
    ...task,
    status: 'COMPLETE',
    subject: { ...task.subject, opportunityId: opportunity.id },
    result: { opportunityId: opportunity.id, resourceSnapshotJobId: job.id },
  };
}

export function acceptInvitationTask(services: Services): TaskDefinition<AcceptInvitationTask['payload'], NonNullable<AcceptInvitationTask['result']>> {
  return {
    type: TASK_TYPE,
    execute: (uow, task) => execute(services, uow, task),
    failed: (task) => failed(task, 'InternalError', 'The task failed because of an internal error; nothing was changed.'),
  };
}

export const acceptInvitationTaskHandlers: HandlerTable = {
  async StartEngagementByAcceptingInvitationTask(ctx, input) {
    const task = await startTask(ctx, input, async (uow): Promise<AcceptInvitationTask> => {
      const invitation = await invitationForParticipant(uow, ctx, input.Identifier);
      return {
        ...taskBase(ctx, TASK_TYPE, await ctx.services.ids.taskId(uow)),
        subject: { invitationId: invitation.id },
        payload: { engagementInvitationId: invitation.id, ...(input.Tags ? { tags: input.Tags } : {}), ...forcedFailureOf(ctx) },
      };
    });
    return taskView(task);
  },

  async ListEngagementByAcceptingInvitationTasks(ctx, input) {
    // Filters AND across, OR within (decision 15); all of them, the sort and the paging run in the store.
    const where = identifierFilters(input, { TaskIdentifier: 'id', EngagementInvitationIdentifier: 'invitationId', OpportunityIdentifier: 'opportunityId' });
    if (input.TaskStatus) where.status = input.TaskStatus;
    const page = await listTasks<AcceptInvitationTask>(ctx, {
      type: TASK_TYPE,
      where: where as TaskWhere,
      sort: { by: 'startTime', order: startTimeOrder(input.Sort) },
      maxResults: input.MaxResults ?? 20,
      nextToken: input.NextToken,
      fingerprint: ['ListEngagementByAcceptingInvitationTasks', ctx.accountId, ctx.catalog, input.TaskStatus, input.OpportunityIdentifier, input.EngagementInvitationIdentifier, input.TaskIdentifier, input.Sort],
    });
    return { TaskSummaries: page.items.map(taskView), NextToken: page.nextToken };
  },
};
