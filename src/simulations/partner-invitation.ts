// The control plane's invitation simulation (`POST /_emulator/invitations`, alias `/_emulator/referrals`): an
// invitation to a partner from AWS (an AWS referral, the only way to get one in the AWS catalog) or from another
// partner account, built from an opportunity payload. A simulated partner sender ends up as complete as one
// that used the API: its opportunity is associated with the engagement, a Running OpportunitySummaryView job
// watches it and revision 1 of its snapshot is there for the receiver to read once it joins.
//
// Also the multi-partner half of AWS's review (behavior.md §2.3): receivers' opportunities follow the sender's
// approval. Everything is written through the resource modules' domain functions.
import { AWS_ACCOUNT, AWS_MEMBER } from '../accounts.js';
import { arns } from '../arns.js';
import type { Services } from '../context.js';
import type { CreateOpportunityRequest } from '../model/generated/types.js';
import { validateShape } from '../model/validate.js';
import { invitationPayloadFrom, pendingInvitationsTo, sendInvitation } from '../resources/engagement-invitations.js';
import { associateResource, createEngagement, membersOf } from '../resources/engagements.js';
import { partnerFields, relatedEntities, saveOpportunity } from '../resources/opportunities.js';
import { mergeOver, referralDefaults } from '../resources/referral-defaults.js';
import { createRunningJob } from '../resources/resource-snapshot-jobs.js';
import { createSnapshot } from '../resources/resource-snapshots.js';
import { engagementKind, engagementResourceKind, opportunityKind, resourceSnapshotJobKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, EngagementRecord, InvitationRecord, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import {
  AWS_REFERRAL_MESSAGE,
  AWS_SENDER_CONTACT,
  ENGAGEMENT_DESCRIPTION_MAX,
  ENGAGEMENT_TITLE_MAX,
  simulateAwsReferral,
  truncate,
} from './aws-referral.js';

export class ControlInputError extends Error {
  readonly httpStatus = 400;
}

/**
 * What a partner's own StartEngagementFromOpportunityTask leaves behind on the sender's side: the opportunity
 * associated with the engagement, a Running snapshot job and revision 1 of its OpportunitySummaryView snapshot.
 */
async function completeSenderSide(uow: UnitOfWork, services: Services, engagement: EngagementRecord, opportunity: OpportunityRecord): Promise<void> {
  const link = { catalog: engagement.catalog, engagementId: engagement.id, resourceId: opportunity.id, createdBy: opportunity.accountId };
  await associateResource(uow, services, link);
  const job = await createRunningJob(uow, services, { catalog: engagement.catalog, accountId: opportunity.accountId, engagementId: engagement.id, opportunityId: opportunity.id });
  const snapshot = await createSnapshot(uow, services, { catalog: engagement.catalog, engagementId: engagement.id, opportunity, createdBy: opportunity.accountId });
  await uow.put(resourceSnapshotJobKind, { ...job, lastSuccessfulExecutionDate: snapshot.createdAt });
}

/** The sender's opportunity already associated with the engagement, if any. */
async function associatedOpportunity(uow: UnitOfWork, catalog: Catalog, engagementId: string, accountId: string): Promise<OpportunityRecord | undefined> {
  const links = await queryAll(uow, engagementResourceKind, { where: { catalog, engagementId, createdBy: accountId } });
  for (const link of links) {
    const opportunity = await uow.get(opportunityKind, [catalog, link.resourceId]);
    if (opportunity && opportunity.accountId === accountId) return opportunity;
  }
  return undefined;
}

/**
 * `POST /_emulator/invitations`: an invitation to `receiverAccountId` from AWS or from a partner account;
 * `engagementId` invites into an existing engagement (of which the sender is a member) instead of a new one.
 */
export function createInvitationByControlPlane(services: Services, body: Record<string, unknown>) {
  const receiver = body.receiverAccountId;
  if (typeof receiver !== 'string' || !/^\d{12}$/.test(receiver)) throw new ControlInputError("'receiverAccountId' must be a 12-digit account id.");
  const catalog = (body.catalog ?? 'AWS') as Catalog;
  if (catalog !== 'AWS' && catalog !== 'Sandbox') throw new ControlInputError("'catalog' must be AWS or Sandbox.");
  const sender = (body.senderAccountId ?? AWS_ACCOUNT) as string;
  if (sender !== AWS_ACCOUNT && !/^\d{12}$/.test(sender)) throw new ControlInputError("'senderAccountId' must be 'aws' or a 12-digit account id.");
  if (sender === receiver) throw new ControlInputError('An account cannot invite itself.');
  const opportunityInput = (body.opportunity ?? {}) as Record<string, unknown>;
  const problems = validateShape('CreateOpportunityRequest', { Catalog: catalog, ClientToken: 'control-plane', ...opportunityInput });
  if (problems.length > 0) {
    throw new ControlInputError(`'opportunity' is not a valid CreateOpportunity payload: ${problems.map((p) => `${p.FieldName}: ${p.Message}`).join('; ')}`);
  }
  const now = services.clock.nowIso();
  return services.store.transaction(async (uow) => {
    let engagement: EngagementRecord | undefined;
    if (body.engagementId !== undefined) {
      engagement = await uow.get(engagementKind, [catalog, String(body.engagementId)]);
      if (!engagement) throw new ControlInputError(`Engagement ${String(body.engagementId)} does not exist in catalog ${catalog}.`);
      const members = await membersOf(uow, catalog, engagement.id);
      if (!members.some((m) => m.accountId === sender)) {
        throw new ControlInputError(`The sender ${sender} is not a member of engagement ${engagement.id}.`);
      }
      // Accepting such an invitation would add a second opportunity of the same partner to the engagement.
      if (members.some((m) => m.accountId === receiver)) {
        throw new ControlInputError(`The receiver ${receiver} is already a member of engagement ${engagement.id}.`);
      }
      if ((await pendingInvitationsTo(uow, services, catalog, engagement.id, receiver)).length > 0) {
        throw new ControlInputError(`The receiver ${receiver} already has a PENDING invitation to engagement ${engagement.id}.`);
      }
    }
    // A partner sender inviting into an engagement it already shares an opportunity in invites with that one
    // (one opportunity per partner and engagement); `opportunity` only shapes a new source opportunity.
    const existing = engagement && sender !== AWS_ACCOUNT ? await associatedOpportunity(uow, catalog, engagement.id, sender) : undefined;
    const source = existing ?? (await newSourceOpportunity(uow, services, { catalog, sender, receiver, opportunityInput, now }));
    if (sender === AWS_ACCOUNT && engagement === undefined) {
      const invitation = await simulateAwsReferral(uow, services, source);
      return controlView(invitation, source.id);
    }
    if (engagement === undefined) {
      engagement = await createEngagement(uow, services, {
        catalog,
        title: truncate(source.data.Project?.Title, ENGAGEMENT_TITLE_MAX) ?? `Engagement for ${source.id}`,
        description: truncate(source.data.Project?.CustomerBusinessProblem, ENGAGEMENT_DESCRIPTION_MAX),
        createdBy: sender,
      });
    }
    if (sender !== AWS_ACCOUNT && !existing) await completeSenderSide(uow, services, engagement, source);
    const senderProfile = sender === AWS_ACCOUNT ? null : services.accounts.profile(sender);
    const invitation = await sendInvitation(uow, services, {
      catalog,
      engagementId: engagement.id,
      engagementTitle: engagement.title,
      engagementDescription: engagement.description,
      senderAccountId: sender,
      senderCompanyName: senderProfile?.companyName ?? AWS_MEMBER.companyName,
      receiverAccountId: receiver,
      invitationMessage: typeof body.message === 'string' ? body.message : senderProfile ? `${senderProfile.companyName} invites you to co-sell.` : AWS_REFERRAL_MESSAGE,
      payload: {
        OpportunityInvitation: invitationPayloadFrom(
          source,
          senderProfile ? [{ ...senderProfile.owner, Email: senderProfile.owner.Email ?? 'owner@example.com' }] : [AWS_SENDER_CONTACT],
          ['Services Partner'],
        ),
      },
      referralOpportunityId: sender === AWS_ACCOUNT ? source.id : undefined,
      senderOpportunityId: sender === AWS_ACCOUNT ? undefined : source.id,
    });
    return controlView(invitation, source.id);
  });
}

/** The opportunity behind a simulated invitation: hidden in the receiver's account for AWS referrals, the sender's own otherwise. */
async function newSourceOpportunity(
  uow: UnitOfWork,
  services: Services,
  init: { catalog: Catalog; sender: string; receiver: string; opportunityInput: Record<string, unknown>; now: string },
): Promise<OpportunityRecord> {
  const { catalog, sender, receiver, opportunityInput, now } = init;
  const opportunityId = await services.ids.opportunityId(uow);
  // What the caller left out is filled with a complete, realistic customer and project (referral-defaults.ts).
  const seeded = mergeOver(referralDefaults(opportunityId, services.clock.now()), opportunityInput);
  // Each part was valid alone; checked again so no merge can store what CreateOpportunity would refuse.
  const mergedProblems = validateShape('CreateOpportunityRequest', { Catalog: catalog, ClientToken: 'control-plane', ...seeded });
  if (mergedProblems.length > 0) {
    throw new ControlInputError(`'opportunity' merged with the referral defaults is not valid: ${mergedProblems.map((p) => `${p.FieldName}: ${p.Message}`).join('; ')}`);
  }
  // Same defaults and normalisation as CreateOpportunity, so the opportunity reads back as AWS would show it.
  const data: OpportunityRecord['data'] = {
    ...partnerFields({ Catalog: catalog, ClientToken: 'control-plane', ...seeded } as CreateOpportunityRequest),
    RelatedEntityIdentifiers: relatedEntities(),
  };
  data.LifeCycle = { Stage: 'Prospect', ...data.LifeCycle, ReviewStatus: sender === AWS_ACCOUNT ? 'Approved' : 'Submitted' };
  const source: OpportunityRecord = {
    catalog,
    id: opportunityId,
    accountId: sender === AWS_ACCOUNT ? receiver : sender,
    visible: sender !== AWS_ACCOUNT,
    origin: sender === AWS_ACCOUNT ? 'AWS Referral' : 'Partner Referral',
    createdAt: now,
    lastModifiedAt: now,
    data: { ...data, OpportunityTeam: sender === AWS_ACCOUNT ? [] : [services.accounts.profile(sender).owner] },
  };
  await saveOpportunity(uow, source);
  return source;
}

function controlView(invitation: InvitationRecord, sourceOpportunityId: string) {
  return {
    invitationId: invitation.id,
    invitationArn: arns.invitation(invitation.catalog, invitation.id),
    engagementId: invitation.engagementId,
    catalog: invitation.catalog,
    senderAccountId: invitation.senderAccountId,
    receiverAccountId: invitation.receiverAccountId,
    sourceOpportunityId,
    invitationDate: invitation.invitationDate,
    expirationDate: invitation.expirationDate,
  };
}

/** Kept for the control plane's `/_emulator/referrals` alias. */
export const createAwsReferral = createInvitationByControlPlane;
