// StartEngagementFromOpportunityTask as data (behavior.md §3.6, §1.3): its steps in the model's order, what
// each may fail with, and the checks that decide the first failure before anything is written.
//
// Used by: StartEngagementFromOpportunityTask and ListEngagementFromOpportunityTasks (the ReasonCodes).
//
// Choices ([INF]):
// - An unknown opportunity, or another account's, is a synchronous ResourceNotFoundException (as decision 10
//   for invitations), so `OpportunityAccessDenied` is not reached by any check here.
// - Submission is allowed from Pending Submission and Action Required (resubmission); any other status →
//   OpportunitySubmissionFailed. No solution → OpportunitySubmissionFailed; an incomplete opportunity
//   (opportunity-review.ts `submissionErrors`) → OpportunityValidationFailed naming the fields.
// - The invitation to AWS is reused while PENDING or ACCEPTED ("if not already invited/accepted" [MODEL]) and
//   created anew otherwise, so a resubmission after Action Required succeeds; `EngagementInvitationConflict` is
//   therefore not raised by this task.
// - The CustomerProject context a lead engagement needs is added with the snapshot (§4.1 [DOC D-LEADS]); a
//   sixth context → ServiceQuotaExceeded.
import type { FieldError } from '../errors.js';
import type { EngagementContextDetails, ReasonCode, ReviewStatus } from '../model/generated/types.js';
import { findReviewTransition } from './opportunity-review.js';
import { quotaBreach } from './quotas.js';
import type { Source } from './rule.js';

export type Step =
  | 'GetOpportunity'
  | 'CreateEngagement'
  | 'CreateResourceSnapshot'
  | 'CreateResourceSnapshotJob'
  | 'CreateEngagementInvitation'
  | 'SubmitOpportunity';

export interface StepRule {
  step: Step;
  /** What the step does when the state already has it. */
  skipWhen?: string;
  failures: readonly ReasonCode[];
  source: Source;
}

/** [MODEL] order: "GetOpportunity, CreateEngagement (if it doesn't exist), CreateResourceSnapshot, …". */
export const STEPS: readonly StepRule[] = [
  { step: 'GetOpportunity', failures: ['OpportunityValidationFailed', 'OpportunitySubmissionFailed'], source: '§3.6 [MODEL]; §1.3 [INF]' },
  {
    step: 'CreateEngagement',
    skipWhen: 'the opportunity is already associated with an engagement (reused, §3.6 [OBS L2O])',
    failures: ['EngagementAccessDenied', 'EngagementValidationFailed', 'EngagementConflict'],
    source: '§3.6 [MODEL, OBS L2O]',
  },
  { step: 'CreateResourceSnapshot', failures: ['ResourceSnapshotValidationFailed', 'ResourceSnapshotConflict', 'ServiceQuotaExceeded'], source: '§3.6 [MODEL]; §4.1 [DOC D-LEADS]' },
  { step: 'CreateResourceSnapshotJob', skipWhen: 'a job for this opportunity and template exists in the engagement (it is started)', failures: ['ResourceSnapshotJobValidationFailed', 'ResourceSnapshotJobConflict'], source: '§3.6 [MODEL]' },
  { step: 'CreateEngagementInvitation', skipWhen: 'an invitation to AWS is PENDING or ACCEPTED', failures: ['EngagementInvitationConflict'], source: '§3.6 [MODEL] "if not already invited/accepted"' },
  { step: 'SubmitOpportunity', failures: ['OpportunitySubmissionFailed'], source: '§3.6 [MODEL]' },
];

/** Every event of a successful run (§3.6, §5.4 [DOC D-EVENTS]); Engagement Created only when one is created. */
export const TASK_EVENTS = ['Opportunity Updated', 'Engagement Created', 'Engagement Resource Snapshot Created', 'Engagement Member Added', 'Engagement Invitation Created'] as const;

export interface TaskFailure {
  step: Step;
  reasonCode: ReasonCode;
  message: string;
}

export interface TaskState {
  opportunityId: string;
  reviewStatus: ReviewStatus;
  solutionCount: number;
  /** `submissionErrors` of the opportunity with the task's InvolvementType. */
  completeness: readonly FieldError[];
  /** The engagement the opportunity is associated with, if any. */
  engagement?: { id: string; callerIsMember: boolean; contexts: readonly EngagementContextDetails[] };
}

/** The first failure the task will meet, or undefined when every step can succeed. */
export function firstFailure(state: TaskState): TaskFailure | undefined {
  if (!findReviewTransition('Submit', state.reviewStatus, 'Submitted')) {
    return {
      step: 'GetOpportunity',
      reasonCode: 'OpportunitySubmissionFailed',
      message: `Opportunity ${state.opportunityId} is ${state.reviewStatus}; only Pending Submission or Action Required opportunities can be submitted.`,
    };
  }
  if (state.solutionCount === 0) {
    return { step: 'GetOpportunity', reasonCode: 'OpportunitySubmissionFailed', message: `Opportunity ${state.opportunityId} has no associated solution; associate one before submitting.` };
  }
  if (state.completeness.length > 0) {
    const fields = state.completeness.map((e) => e.FieldName ?? e.Code).join(', ');
    return { step: 'GetOpportunity', reasonCode: 'OpportunityValidationFailed', message: `Opportunity ${state.opportunityId} is missing what AWS needs to review it: ${fields}.` };
  }
  const engagement = state.engagement;
  if (engagement && !engagement.callerIsMember) {
    return { step: 'CreateEngagement', reasonCode: 'EngagementAccessDenied', message: `You are no longer a member of engagement ${engagement.id}.` };
  }
  if (engagement && !engagement.contexts.some((c) => c.Type === 'CustomerProject')) {
    const breach = quotaBreach('engagementContexts', engagement.contexts.length);
    if (breach) return { step: 'CreateResourceSnapshot', reasonCode: 'ServiceQuotaExceeded', message: `${breach.message} The CustomerProject context can't be added.` };
  }
  return undefined;
}

/** What the invitation step does with the latest invitation to AWS (§3.6 [MODEL]). */
export function invitationStep(latestToAws: { status: 'PENDING' | 'ACCEPTED' | 'REJECTED' | 'EXPIRED' } | undefined): 'create' | 'reuse' {
  return latestToAws && (latestToAws.status === 'PENDING' || latestToAws.status === 'ACCEPTED') ? 'reuse' : 'create';
}

/** Engagement title and description from the opportunity (§3.6, §9: title ≤ 40, description ≤ 255 [INF truncation]). */
export function engagementText(project: { Title?: string; CustomerBusinessProblem?: string } | undefined): { Title?: string; Description?: string } {
  const out: { Title?: string; Description?: string } = {};
  if (project?.Title) out.Title = [...project.Title].slice(0, 40).join('');
  if (project?.CustomerBusinessProblem) out.Description = [...project.CustomerBusinessProblem].slice(0, 255).join('');
  return out;
}
