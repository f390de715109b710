// AWS's review of a partner-originated opportunity, simulated (decision 17, behavior.md §2.3): in the Sandbox
// catalog an UpdateOpportunity that sets LifeCycle.ReviewStatus to In review, Action Required, Approved or
// Rejected acts as AWS's reviewer. The decision follows the ReviewStatus state machine (src/rules/
// opportunity-review.ts) and has AWS's effects (§5.4):
// - Approved: AWS accepts the engagement invitation the partner sent it (StartEngagementFromOpportunityTask)
//   and joins the engagement: `Engagement Invitation Accepted`, `Engagement Member Added`;
// - Rejected: AWS rejects that invitation: `Engagement Invitation Rejected`;
// - both: every multi-partner receiver's opportunity made from this one follows it (§3.2 [DOC D-MULTI]).
// The opportunity's own write and its `Opportunity Updated` / snapshot stay with the opportunities module,
// which calls `beforeReviewSaved` (invitation effects come first in AWS's event table) and `afterReviewSaved`
// through `services.simulations` (resources never import simulations).
import { AWS_ACCOUNT } from '../accounts.js';
import type { Services } from '../context.js';
import type { ReviewStatus } from '../model/generated/types.js';
import { engagementKind, engagementResourceKind, invitationKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { InvitationRecord, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { emitInvitationEvent } from '../resources/engagement-invitations.js';
import { addMember, membersOf } from '../resources/engagements.js';
import { receiverOpportunities } from '../resources/multi-partner.js';
import { emitOpportunityEvent, nextModifiedDate, saveOpportunity } from '../resources/opportunities.js';
import { snapshotOnChange } from '../resources/resource-snapshots.js';
import { receiverStatusFor, reviewTransitionErrors } from '../rules/opportunity-review.js';

/**
 * The PENDING engagement invitations to AWS that carry this opportunity: sent from an engagement the
 * opportunity is associated with (StartEngagementFromOpportunityTask), or naming it as the sender's opportunity.
 */
export async function pendingInvitationsToAws(uow: UnitOfWork, opportunity: OpportunityRecord): Promise<InvitationRecord[]> {
  const { catalog } = opportunity;
  const links = await queryAll(uow, engagementResourceKind, { where: { catalog, resourceId: opportunity.id } });
  const engagements = new Set(links.filter((l) => l.createdBy === opportunity.accountId).map((l) => l.engagementId));
  const sent = await queryAll(uow, invitationKind, { where: { catalog, senderAccountId: opportunity.accountId, status: 'PENDING' } });
  return sent.filter(
    (i) => i.receiverAccountId === AWS_ACCOUNT && (i.senderOpportunityId === opportunity.id || engagements.has(i.engagementId)),
  );
}

/** AWS's answer to the invitations the partner sent it, before the opportunity is saved (event order of §5.4). */
export async function beforeReviewSaved(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord, decision: ReviewStatus): Promise<void> {
  if (decision !== 'Approved' && decision !== 'Rejected') return;
  for (const invitation of await pendingInvitationsToAws(uow, opportunity)) {
    const answered: InvitationRecord = { ...invitation, status: decision === 'Approved' ? 'ACCEPTED' : 'REJECTED' };
    await uow.put(invitationKind, answered);
    await emitInvitationEvent(uow, services, answered, decision === 'Approved' ? 'Engagement Invitation Accepted' : 'Engagement Invitation Rejected');
    if (decision !== 'Approved') continue;
    const engagement = await uow.get(engagementKind, [invitation.catalog, invitation.engagementId]);
    if (!engagement) continue;
    const members = await membersOf(uow, engagement.catalog, engagement.id);
    if (!members.some((m) => m.accountId === AWS_ACCOUNT)) await addMember(uow, services, engagement, AWS_ACCOUNT);
  }
}

/** After the sender's opportunity was saved: its multi-partner receivers follow the decision. */
export async function afterReviewSaved(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord, decision: ReviewStatus): Promise<void> {
  if (decision === 'Approved' || decision === 'Rejected') await receiversFollowSender(uow, services, opportunity);
}

/**
 * Multi-partner rule (§2.3, §3.2 [DOC D-MULTI]): a receiver's opportunity still under review takes its sender's
 * Approved or Rejected, with `Opportunity Updated` (and a snapshot revision where a job runs) to the receiver.
 */
export async function receiversFollowSender(uow: UnitOfWork, services: Services, senderOpportunity: OpportunityRecord): Promise<void> {
  const target = receiverStatusFor(senderOpportunity.data.LifeCycle?.ReviewStatus ?? 'Pending Submission');
  for (const receiver of await receiverOpportunities(uow, senderOpportunity)) {
    const current = receiver.data.LifeCycle?.ReviewStatus ?? 'Pending Submission';
    if (current === target || reviewTransitionErrors('SenderReview', current, target).length > 0) continue;
    const followed: OpportunityRecord = {
      ...receiver,
      lastModifiedAt: nextModifiedDate(services, receiver.lastModifiedAt),
      data: { ...receiver.data, LifeCycle: { ...receiver.data.LifeCycle, ReviewStatus: target } },
    };
    await saveOpportunity(uow, followed);
    await emitOpportunityEvent(uow, services, followed, 'Opportunity Updated');
    await snapshotOnChange(uow, services, followed);
  }
}
