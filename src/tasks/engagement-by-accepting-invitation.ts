// StartEngagementByAcceptingInvitationTask and ListEngagementByAcceptingInvitationTasks (decisions 10–15).
//
// Start validates that the caller can see the invitation, then writes an IN_PROGRESS task (idempotent by
// ClientToken) and hands it to the runner. The task's one step runs in a single transaction: it re-checks
// the invitation and either fails with a ReasonCode or, atomically, accepts the invitation, adds the caller
// to the engagement, creates (or reveals) the opportunity, links it to the engagement, starts a Running
// snapshot job with revision 1 of the OpportunitySummaryView snapshot, and writes the events.
import { AWS_ACCOUNT } from '../accounts.js';
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import type {
  ListEngagementByAcceptingInvitationTaskSummary,
  PrimaryNeedFromAws,
  ReasonCode,
  StartEngagementByAcceptingInvitationTaskResponse,
} from '../model/generated/types.js';
import { associateResource, addMember, MAX_ENGAGEMENT_MEMBERS, membersOf } from '../resources/engagements.js';
import { emitInvitationEvent, invitationForParticipant, refreshExpiry } from '../resources/engagement-invitations.js';
import { idempotent } from '../resources/idempotency.js';
import { emitOpportunityEvent, nextModifiedDate, relatedEntities, saveOpportunity } from '../resources/opportunities.js';
import { paginate } from '../resources/pagination.js';
import { createRunningJob } from '../resources/resource-snapshot-jobs.js';
import { createSnapshot } from '../resources/resource-snapshots.js';
import {
  engagements,
  invitations,
  opportunities,
  resourceSnapshotJobs,
  tagSets,
  tasks,
  type InvitationRecord,
  type OpportunityRecord,
  type TaskRecord,
} from '../store/records.js';
import type { Transaction } from '../store/store.js';
import type { TaskDefinition } from './runner.js';

const TASK_TYPE = 'engagement-by-accepting-invitation' as const;

function taskView(task: TaskRecord): StartEngagementByAcceptingInvitationTaskResponse & ListEngagementByAcceptingInvitationTaskSummary {
  return {
    TaskId: task.id,
    TaskArn: arns.acceptInvitationTask(task.catalog, task.id),
    StartTime: task.startTime,
    TaskStatus: task.status,
    Message: task.message,
    ReasonCode: task.reasonCode,
    OpportunityId: task.opportunityId,
    ResourceSnapshotJobId: task.resourceSnapshotJobId,
    EngagementInvitationId: task.engagementInvitationId,
  };
}

function failed(task: TaskRecord, reasonCode: ReasonCode, message: string): TaskRecord {
  return { ...task, status: 'FAILED', reasonCode, message };
}

/**
 * The receiver's new opportunity for a partner's invitation (behavior.md §1.5(b)): built from the invitation
 * payload, ReviewStatus inherited from the sender's opportunity.
 */
function opportunityFromPartnerInvitation(tx: Transaction, services: Services, invitation: InvitationRecord, receiver: string): OpportunityRecord {
  const payload = invitation.payload.OpportunityInvitation!;
  const senderOpportunity = invitation.senderOpportunityId
    ? tx.collection(opportunities).get([invitation.catalog, invitation.senderOpportunityId])
    : undefined;
  const inherited = senderOpportunity?.data.LifeCycle?.ReviewStatus;
  const now = services.clock.nowIso();
  return {
    catalog: invitation.catalog,
    id: services.ids.opportunityId(),
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
function execute(services: Services, tx: Transaction, task: TaskRecord): TaskRecord {
  if (task.forcedFailure) return failed(task, task.forcedFailure.reasonCode, task.forcedFailure.message);
  const caller = task.accountId;
  let invitation = tx.collection(invitations).get([task.catalog, task.engagementInvitationId]);
  if (!invitation) {
    return failed(task, 'InternalError', `Engagement invitation ${task.engagementInvitationId} no longer exists.`);
  }
  if (invitation.receiverAccountId !== caller) {
    return failed(task, 'InvitationAccessDenied', `Only the receiver of engagement invitation ${invitation.id} can accept it; account ${caller} is its sender.`);
  }
  invitation = refreshExpiry(tx, services, invitation);
  if (invitation.status === 'ACCEPTED' || invitation.status === 'REJECTED') {
    return failed(task, 'EngagementInvitationConflict', `Engagement invitation ${invitation.id} is already ${invitation.status} and cannot be accepted again.`);
  }
  if (invitation.status === 'EXPIRED') {
    return failed(task, 'InvitationValidationFailed', `Engagement invitation ${invitation.id} expired on ${invitation.expirationDate} and can no longer be accepted.`);
  }
  if (invitation.payloadType !== 'OpportunityInvitation') {
    return failed(task, 'InvitationValidationFailed', `Engagement invitation ${invitation.id} is a ${invitation.payloadType}; accept it with AcceptEngagementInvitation.`);
  }
  const engagement = tx.collection(engagements).get([invitation.catalog, invitation.engagementId]);
  if (!engagement) return failed(task, 'InternalError', `Engagement ${invitation.engagementId} of invitation ${invitation.id} no longer exists.`);
  const members = membersOf(tx, engagement.catalog, engagement.id);
  if (members.some((m) => m.accountId === caller)) {
    return failed(task, 'EngagementConflict', `Account ${caller} is already a member of engagement ${engagement.id}.`);
  }
  if (members.length >= MAX_ENGAGEMENT_MEMBERS) {
    return failed(task, 'ServiceQuotaExceeded', `Engagement ${engagement.id} already has ${MAX_ENGAGEMENT_MEMBERS} members, the most an engagement can have.`);
  }

  // Success: every effect below commits together with the task's COMPLETE state.
  let accepted: InvitationRecord = { ...invitation, status: 'ACCEPTED' };
  emitInvitationEvent(tx, services, accepted, 'Engagement Invitation Accepted');
  addMember(tx, services, engagement, caller);

  let opportunity: OpportunityRecord;
  const hidden = invitation.referralOpportunityId ? tx.collection(opportunities).get([invitation.catalog, invitation.referralOpportunityId]) : undefined;
  if (invitation.senderAccountId === AWS_ACCOUNT && hidden) {
    // AWS referral: the referral opportunity itself becomes the caller's, with the details the invitation hid.
    opportunity = {
      ...hidden,
      visible: true,
      lastModifiedAt: nextModifiedDate(services, hidden.lastModifiedAt),
      data: { ...hidden.data, LifeCycle: { ...hidden.data.LifeCycle, Stage: 'Prospect', ReviewStatus: 'Approved' } },
    };
  } else {
    opportunity = opportunityFromPartnerInvitation(tx, services, invitation, caller);
  }
  saveOpportunity(tx, opportunity);
  accepted = { ...accepted, acceptedOpportunityId: opportunity.id };
  tx.collection(invitations).put(accepted);
  emitOpportunityEvent(tx, services, opportunity, 'Opportunity Created');
  emitOpportunityEvent(tx, services, opportunity, 'Opportunity Updated');
  if (task.tags && task.tags.length > 0) {
    const arn = arns.opportunity(caller, opportunity.catalog, opportunity.id);
    const existing = tx.collection(tagSets).get([arn])?.tags ?? [];
    const merged = new Map(existing.map((t) => [t.Key, t.Value]));
    for (const t of task.tags) merged.set(t.Key, t.Value);
    tx.collection(tagSets).put({ catalog: opportunity.catalog, accountId: caller, resourceArn: arn, tags: [...merged].map(([Key, Value]) => ({ Key, Value })) });
  }

  associateResource(tx, services, { catalog: engagement.catalog, engagementId: engagement.id, resourceId: opportunity.id, createdBy: caller });
  const job = createRunningJob(tx, services, { catalog: engagement.catalog, accountId: caller, engagementId: engagement.id, opportunityId: opportunity.id });
  const snapshot = createSnapshot(tx, services, { catalog: engagement.catalog, engagementId: engagement.id, opportunity, createdBy: caller, notify: 'owner' });
  // Revision 1 is the job's first successful run (a task-created job shows LastSuccessfulExecutionDate, behavior.md §4.5).
  tx.collection(resourceSnapshotJobs).put({ ...job, lastSuccessfulExecutionDate: snapshot.createdAt });
  return { ...task, status: 'COMPLETE', opportunityId: opportunity.id, resourceSnapshotJobId: job.id };
}

export function acceptInvitationTask(services: Services): TaskDefinition {
  return { type: TASK_TYPE, execute: (tx, task) => execute(services, tx, task) };
}

export const acceptInvitationTaskHandlers: HandlerTable = {
  StartEngagementByAcceptingInvitationTask(ctx, input) {
    const { services } = ctx;
    let replayed = false;
    const task = services.store.transaction((tx) => {
      const first = idempotent(
        ctx,
        tx,
        input as typeof input & Record<string, unknown>,
        () => {
          const invitation = invitationForParticipant(tx, ctx, input.Identifier);
          const startMs = services.clock.now();
          const record: TaskRecord = {
            catalog: ctx.catalog,
            id: services.ids.taskId(),
            type: TASK_TYPE,
            accountId: ctx.accountId,
            status: 'IN_PROGRESS',
            startTime: new Date(startMs).toISOString(),
            engagementInvitationId: invitation.id,
            tags: input.Tags,
            ...services.tasks.progressionFor(startMs),
            ...(services.runtime.forcedTaskFailure ? { forcedFailure: services.runtime.forcedTaskFailure } : {}),
          };
          tx.collection(tasks).put(record);
          return { TaskId: record.id };
        },
        (stored) => {
          replayed = true;
          return stored;
        },
      );
      return tx.collection(tasks).get([ctx.catalog, first.TaskId])!;
    });
    // Same token again: the same task with its current status (decision 9); a new task runs per progression.
    const current = replayed ? services.tasks.observed(task) : services.tasks.started(task);
    return taskView(current);
  },

  ListEngagementByAcceptingInvitationTasks(ctx, input) {
    const { services } = ctx;
    const mine = services.store.read((tx) => tx.collection(tasks).find({ catalog: ctx.catalog, account_id: ctx.accountId, task_type: TASK_TYPE }));
    // Filters AND across, OR within (decision 15).
    const statuses = input.TaskStatus ? new Set<string>(input.TaskStatus) : null;
    const opportunityIds = input.OpportunityIdentifier ? new Set(input.OpportunityIdentifier.map(idFromArnOrId)) : null;
    const invitationIds = input.EngagementInvitationIdentifier ? new Set(input.EngagementInvitationIdentifier.map(idFromArnOrId)) : null;
    const taskIds = input.TaskIdentifier ? new Set(input.TaskIdentifier.map(idFromArnOrId)) : null;
    const matchesIds = (t: TaskRecord) =>
      (!invitationIds || invitationIds.has(t.engagementInvitationId)) && (!taskIds || taskIds.has(t.id));
    // Only the tasks this request is about count as read (poll-based progression); then filter on their state now.
    const matching = mine
      .filter(matchesIds)
      .map((t) => services.tasks.observed(t))
      .filter(
        (t) =>
          (!statuses || statuses.has(t.status)) &&
          (!opportunityIds || (t.opportunityId !== undefined && opportunityIds.has(t.opportunityId))),
      );
    const page = paginate({
      items: matching,
      maxResults: input.MaxResults ?? 20,
      nextToken: input.NextToken,
      fingerprint: ['ListEngagementByAcceptingInvitationTasks', ctx.accountId, ctx.catalog, input.TaskStatus, input.OpportunityIdentifier, input.EngagementInvitationIdentifier, input.TaskIdentifier, input.Sort],
      sortKey: (t) => [t.startTime, t.id],
      descending: (input.Sort?.SortOrder ?? 'DESCENDING') === 'DESCENDING',
    });
    return { TaskSummaries: page.items.map(taskView), NextToken: page.nextToken };
  },
};
