// Engagement invitations: ListEngagementInvitations, GetEngagementInvitation, RejectEngagementInvitation,
// AcceptEngagementInvitation, expiry by the emulator's clock (decision 18), and the AWS-referral simulation
// (decision 16) that creates an AWS engagement with a PENDING OpportunityInvitation to a partner.
import { AWS_ACCOUNT, AWS_MEMBER } from '../accounts.js';
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, RequestContext, Services } from '../context.js';
import { AccessDeniedException, ConflictException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type {
  CreateOpportunityRequest,
  EngagementInvitationSummary,
  GetEngagementInvitationResponse,
  OpportunityInvitationPayload,
  ParticipantType,
} from '../model/generated/types.js';
import { validateShape } from '../model/validate.js';
import { engagementKind, invitationKind, opportunityKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, EngagementRecord, InvitationRecord, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { addMember, createEngagement, membersOf } from './engagements.js';
import { emitOpportunityEvent, nextModifiedDate, partnerFields, relatedEntities, saveOpportunity } from './opportunities.js';
import { snapshotOnChange } from './resource-snapshots.js';
import { pageFromStore } from './pagination.js';
import { mergeOver, referralDefaults } from './referral-defaults.js';

/** Fixed text of AWS-originated referral invitations (behavior.md §2.2). */
export const AWS_REFERRAL_MESSAGE =
  'This invite is for an AWS originated referral. Accepting this invitation will create an AWS originated opportunity in your pipeline.';

const ENGAGEMENT_TITLE_MAX = 40;
const ENGAGEMENT_DESCRIPTION_MAX = 255;

function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/** The invitation is visible once its InvitationDate has come (a referral delay may hold it back). */
function hasArrived(invitation: InvitationRecord, nowMs: number): boolean {
  return Date.parse(invitation.invitationDate) <= nowMs;
}

export function participantTypeOf(invitation: InvitationRecord, accountId: string): ParticipantType | undefined {
  if (invitation.receiverAccountId === accountId) return 'RECEIVER';
  if (invitation.senderAccountId === accountId) return 'SENDER';
  return undefined;
}

/**
 * The invitation named by id or ARN in the caller's catalog, when the caller is its sender or receiver;
 * otherwise ResourceNotFoundException (decision 10: nobody else can tell it exists).
 */
export async function invitationForParticipant(uow: UnitOfWork, ctx: RequestContext, identifier: string): Promise<InvitationRecord> {
  const id = idFromArnOrId(identifier);
  // An ARN must name an engagement invitation, not just end in something shaped like its id.
  if (identifier.startsWith('arn:') && !/^arn:aws:partnercentral:[^:/]*:[^:/]*:catalog\/[A-Za-z]+\/engagement-invitation\/engi-[0-9a-z]{13}$/.test(identifier)) {
    throw ValidationException.field('identifier', 'INVALID_STRING_FORMAT', `'${identifier}' is not an engagement invitation ARN.`);
  }
  const notFound = () => new ResourceNotFoundException(`Engagement invitation ${id} was not found in catalog ${ctx.catalog}.`);
  const fromArnCatalog = identifier.startsWith('arn:') ? /:catalog\/([A-Za-z]+)\//.exec(identifier)?.[1] : undefined;
  if (fromArnCatalog !== undefined && fromArnCatalog !== ctx.catalog) throw notFound();
  const invitation = await uow.get(invitationKind, [ctx.catalog, id]);
  if (!invitation || !participantTypeOf(invitation, ctx.accountId)) throw notFound();
  if (invitation.receiverAccountId === ctx.accountId && !hasArrived(invitation, ctx.services.clock.now())) throw notFound();
  return invitation;
}

function invitationEventDetail(invitation: InvitationRecord, participantType: ParticipantType, created: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    arn: arns.invitation(invitation.catalog, invitation.id),
    id: invitation.id,
    engagementId: invitation.engagementId,
    senderAccountId: invitation.senderAccountId,
    receiverAccountId: invitation.receiverAccountId,
  };
  if (created) {
    base.senderCompanyName = invitation.senderCompanyName;
    base.expirationDate = invitation.expirationDate;
  }
  base.participantType = participantType;
  base.payloadType = invitation.payloadType;
  return created
    ? { catalog: invitation.catalog, schemaVersion: '1.0', engagementInvitation: base }
    : { catalog: invitation.catalog, engagementInvitation: base };
}

type InvitationDetailType =
  | 'Engagement Invitation Created'
  | 'Engagement Invitation Accepted'
  | 'Engagement Invitation Rejected'
  | 'Engagement Invitation Expired';

/** Sends an invitation event to both parties (AWS as a party receives none). */
export async function emitInvitationEvent(uow: UnitOfWork, services: Services, invitation: InvitationRecord, detailType: InvitationDetailType): Promise<void> {
  const resources = [arns.invitation(invitation.catalog, invitation.id)];
  const created = detailType === 'Engagement Invitation Created';
  // A delayed referral is announced when it arrives, not when it was scheduled.
  const arrival = Date.parse(invitation.invitationDate);
  const atMs = created && arrival > services.clock.now() ? arrival : undefined;
  await services.events.emit(uow, invitation.receiverAccountId, detailType, resources, invitationEventDetail(invitation, 'RECEIVER', created), atMs);
  await services.events.emit(uow, invitation.senderAccountId, detailType, resources, invitationEventDetail(invitation, 'SENDER', created), atMs);
}

/** A PENDING invitation whose ExpirationDate has come on the business clock (decision 18). */
export function isDueToExpire(invitation: InvitationRecord, nowMs: number): boolean {
  return invitation.status === 'PENDING' && Date.parse(invitation.expirationDate) <= nowMs;
}

/** Marks one PENDING invitation EXPIRED, with `Engagement Invitation Expired` to both sides. */
export async function expireInvitation(uow: UnitOfWork, services: Services, invitation: InvitationRecord): Promise<InvitationRecord> {
  const expired: InvitationRecord = { ...invitation, status: 'EXPIRED' };
  await uow.put(invitationKind, expired);
  await emitInvitationEvent(uow, services, expired, 'Engagement Invitation Expired');
  return expired;
}

/** Invitations expired per transaction by the sweep: short write transactions, whatever the backlog. */
const EXPIRY_BATCH = 100;

/**
 * Expires every PENDING invitation whose ExpirationDate has passed on the emulator's clock, reading only the
 * due ones (index on status, expiration date), a batch per transaction.
 */
export async function expireDueInvitations(services: Services): Promise<number> {
  const now = services.clock.now();
  let total = 0;
  for (;;) {
    const n = await services.store.transaction(async (uow) => {
      const due = await uow.query(invitationKind, { where: { status: 'PENDING', expirationDate: { lte: now } }, sort: { by: 'expirationDate' }, limit: EXPIRY_BATCH });
      for (const invitation of due.items) await expireInvitation(uow, services, invitation);
      return due.items.length;
    });
    total += n;
    if (n < EXPIRY_BATCH) return total;
  }
}

/** The part of an opportunity an OpportunityInvitation shares before acceptance (no address, contacts or account id). */
export function invitationPayloadFrom(
  opportunity: OpportunityRecord,
  senderContacts: OpportunityInvitationPayload['SenderContacts'],
  receiverResponsibilities: OpportunityInvitationPayload['ReceiverResponsibilities'],
): OpportunityInvitationPayload {
  const account = opportunity.data.Customer?.Account;
  const project = opportunity.data.Project;
  // Required members of the payload get neutral placeholders when the source opportunity is sparse.
  return {
    SenderContacts: senderContacts,
    ReceiverResponsibilities: receiverResponsibilities,
    Customer: {
      CompanyName: account?.CompanyName ?? 'Unknown customer',
      CountryCode: account?.Address?.CountryCode ?? 'US',
      Industry: account?.Industry ?? 'Other',
      WebsiteUrl: account?.WebsiteUrl ?? 'https://www.example.com',
    },
    Project: {
      Title: project?.Title ?? `Opportunity ${opportunity.id}`,
      BusinessProblem: project?.CustomerBusinessProblem ?? 'Not provided by the sender.',
      TargetCompletionDate: opportunity.data.LifeCycle?.TargetCloseDate ?? new Date(Date.parse(opportunity.createdAt) + 90 * 86_400_000).toISOString().slice(0, 10),
      ExpectedCustomerSpend: project?.ExpectedCustomerSpend ?? [],
    },
  };
}

/** The AWS partner development manager named as sender contact of simulated referrals. */
const AWS_SENDER_CONTACT = { BusinessTitle: 'PDM', Email: 'pdm@aws.example.com', FirstName: 'AWS', LastName: 'Partner Development Manager' };

/**
 * Decision 16: an AWS-owned engagement (CreatedBy "aws", AWS its only member) and a PENDING
 * OpportunityInvitation from AWS to the opportunity's (hidden) owner, in the same transaction.
 */
export async function simulateAwsReferral(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord): Promise<InvitationRecord> {
  const project = opportunity.data.Project;
  const title = truncate(project?.Title, ENGAGEMENT_TITLE_MAX) ?? `AWS Referral ${opportunity.id}`;
  const description = truncate(project?.CustomerBusinessProblem, ENGAGEMENT_DESCRIPTION_MAX);
  const payload = invitationPayloadFrom(opportunity, [AWS_SENDER_CONTACT], ['Services Partner', 'Software Partner']);
  const engagement = await createEngagement(uow, services, {
    catalog: opportunity.catalog,
    title,
    description,
    createdBy: AWS_ACCOUNT,
    contexts: [
      {
        Id: '1',
        Type: 'CustomerProject',
        Payload: {
          CustomerProject: {
            Customer: payload.Customer,
            Project: {
              Title: truncate(payload.Project.Title, 255)!,
              BusinessProblem: payload.Project.BusinessProblem,
              TargetCompletionDate: payload.Project.TargetCompletionDate,
            },
          },
        },
      },
    ],
  });
  return sendInvitation(uow, services, {
    catalog: opportunity.catalog,
    engagementId: engagement.id,
    engagementTitle: engagement.title,
    engagementDescription: engagement.description,
    senderAccountId: AWS_ACCOUNT,
    senderCompanyName: AWS_MEMBER.companyName,
    receiverAccountId: opportunity.accountId,
    invitationMessage: AWS_REFERRAL_MESSAGE,
    payload,
    referralOpportunityId: opportunity.id,
  });
}

/** Writes a PENDING OpportunityInvitation and announces it to both sides. */
export async function sendInvitation(
  uow: UnitOfWork,
  services: Services,
  init: {
    catalog: Catalog;
    engagementId: string;
    engagementTitle: string;
    engagementDescription?: string;
    senderAccountId: string;
    senderCompanyName: string;
    receiverAccountId: string;
    invitationMessage: string;
    payload: OpportunityInvitationPayload;
    referralOpportunityId?: string;
    senderOpportunityId?: string;
  },
): Promise<InvitationRecord> {
  const sentAt = services.clock.now() + (init.senderAccountId === AWS_ACCOUNT ? services.runtime.referralDelayMs : 0);
  const invitation: InvitationRecord = {
    catalog: init.catalog,
    id: await services.ids.invitationId(uow),
    engagementId: init.engagementId,
    engagementTitle: init.engagementTitle,
    engagementDescription: init.engagementDescription,
    senderAccountId: init.senderAccountId,
    senderCompanyName: init.senderCompanyName,
    receiverAccountId: init.receiverAccountId,
    receiverAlias: services.accounts.profile(init.receiverAccountId).alias,
    status: 'PENDING',
    payloadType: 'OpportunityInvitation',
    payload: { OpportunityInvitation: init.payload },
    invitationMessage: init.invitationMessage,
    invitationDate: new Date(sentAt).toISOString(),
    expirationDate: new Date(sentAt + services.options.invitationTtlMs).toISOString(),
    referralOpportunityId: init.referralOpportunityId,
    senderOpportunityId: init.senderOpportunityId,
  };
  await uow.put(invitationKind, invitation);
  await emitInvitationEvent(uow, services, invitation, 'Engagement Invitation Created');
  return invitation;
}

class ControlInputError extends Error {
  readonly httpStatus = 400;
}

/**
 * Control-plane simulation (`POST /_emulator/invitations`): an invitation to `receiverAccountId` from AWS
 * (an AWS referral, the only way to get one in the AWS catalog) or from another partner account, built from
 * an opportunity payload; `engagementId` invites into an existing engagement instead of a new one.
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
    // The source opportunity: hidden in the receiver's account for AWS referrals, the sender's own otherwise.
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
    if (sender === AWS_ACCOUNT && body.engagementId === undefined) {
      const invitation = await simulateAwsReferral(uow, services, source);
      return controlView(invitation, source.id);
    }
    let engagement;
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
      const pending = await queryAll(uow, invitationKind, { where: { catalog, engagementId: engagement.id, receiverAccountId: receiver, status: 'PENDING' } });
      if (pending.some((i) => Date.parse(i.expirationDate) > services.clock.now())) {
        throw new ControlInputError(`The receiver ${receiver} already has a PENDING invitation to engagement ${engagement.id}.`);
      }
    } else {
      engagement = await createEngagement(uow, services, {
        catalog,
        title: truncate(data.Project?.Title, ENGAGEMENT_TITLE_MAX) ?? `Engagement for ${source.id}`,
        description: truncate(data.Project?.CustomerBusinessProblem, ENGAGEMENT_DESCRIPTION_MAX),
        createdBy: sender,
      });
    }
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
      payload: invitationPayloadFrom(
        source,
        senderProfile ? [{ ...senderProfile.owner, Email: senderProfile.owner.Email ?? 'owner@example.com' }] : [AWS_SENDER_CONTACT],
        ['Services Partner'],
      ),
      referralOpportunityId: sender === AWS_ACCOUNT ? source.id : undefined,
      senderOpportunityId: sender === AWS_ACCOUNT ? undefined : source.id,
    });
    return controlView(invitation, source.id);
  });
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

/**
 * Multi-partner rule (behavior.md §2.3, D-MULTI): when AWS approves the sender's opportunity, every receiver's
 * opportunity made from it moves from `Submitted` to `Approved`.
 */
export async function approveReceiverOpportunities(uow: UnitOfWork, services: Services, senderOpportunity: OpportunityRecord): Promise<void> {
  const sent = (
    await queryAll(uow, invitationKind, { where: { catalog: senderOpportunity.catalog, senderAccountId: senderOpportunity.accountId, status: 'ACCEPTED' } })
  ).filter((i) => i.senderOpportunityId === senderOpportunity.id && i.acceptedOpportunityId !== undefined);
  for (const invitation of sent) {
    const receiver = await uow.get(opportunityKind, [invitation.catalog, invitation.acceptedOpportunityId!]);
    if (!receiver || receiver.data.LifeCycle?.ReviewStatus !== 'Submitted') continue;
    const approved: OpportunityRecord = {
      ...receiver,
      lastModifiedAt: nextModifiedDate(services, receiver.lastModifiedAt),
      data: { ...receiver.data, LifeCycle: { ...receiver.data.LifeCycle, ReviewStatus: 'Approved' } },
    };
    await saveOpportunity(uow, approved);
    await emitOpportunityEvent(uow, services, approved, 'Opportunity Updated');
    await snapshotOnChange(uow, services, approved);
  }
}

/** Kept for the control plane's `/_emulator/referrals` alias. */
export const createAwsReferral = createInvitationByControlPlane;

function summaryOf(invitation: InvitationRecord, participantType: ParticipantType): EngagementInvitationSummary {
  return {
    Arn: arns.invitation(invitation.catalog, invitation.id),
    PayloadType: invitation.payloadType,
    Id: invitation.id,
    EngagementId: invitation.engagementId,
    EngagementTitle: invitation.engagementTitle,
    Status: invitation.status,
    InvitationDate: invitation.invitationDate,
    ExpirationDate: invitation.expirationDate,
    SenderAwsAccountId: invitation.senderAccountId,
    SenderCompanyName: invitation.senderCompanyName,
    Receiver: { Account: { AwsAccountId: invitation.receiverAccountId, Alias: invitation.receiverAlias } },
    Catalog: invitation.catalog,
    ParticipantType: participantType,
  };
}

async function detailOf(uow: UnitOfWork, invitation: InvitationRecord): Promise<GetEngagementInvitationResponse> {
  const members = await membersOf(uow, invitation.catalog, invitation.engagementId);
  const { ParticipantType: _p, ...summary } = summaryOf(invitation, 'RECEIVER');
  // "Once rejected, you lose access to the invitation details" (behavior.md §1.6): no payload after rejection.
  // [INF] An expired AWS referral likewise: "the opportunity will be unavailable to the partner".
  const withdrawn = invitation.status === 'REJECTED' || (invitation.status === 'EXPIRED' && invitation.senderAccountId === AWS_ACCOUNT);
  const payload = withdrawn ? undefined : invitation.payload;
  return {
    ...summary,
    RejectionReason: invitation.rejectionReason,
    Payload: payload,
    InvitationMessage: invitation.invitationMessage,
    EngagementDescription: invitation.engagementDescription,
    ExistingMembers: members.map((m) => ({ CompanyName: m.companyName, WebsiteUrl: m.websiteUrl })),
  };
}

/** PENDING invitations past their ExpirationDate are expired before anyone reads or acts on them. */
export async function refreshExpiry(uow: UnitOfWork, services: Services, invitation: InvitationRecord): Promise<InvitationRecord> {
  return isDueToExpire(invitation, services.clock.now()) ? expireInvitation(uow, services, invitation) : invitation;
}

/**
 * The PENDING invitation the caller received, for Reject and Accept: the sender is refused, anything but
 * PENDING conflicts. `action` names the operation in the messages.
 */
async function pendingInvitationForReceiver(uow: UnitOfWork, ctx: RequestContext, identifier: string, action: 'accept' | 'reject'): Promise<InvitationRecord> {
  const invitation = await refreshExpiry(uow, ctx.services, await invitationForParticipant(uow, ctx, identifier));
  if (invitation.receiverAccountId !== ctx.accountId) {
    throw new AccessDeniedException(`Only the receiver of engagement invitation ${invitation.id} can ${action} it; account ${ctx.accountId} is its sender.`);
  }
  if (invitation.status !== 'PENDING') {
    throw new ConflictException(`Engagement invitation ${invitation.id} is ${invitation.status} and can no longer be ${action}ed.`);
  }
  return invitation;
}

type InvitationFields = (typeof invitationKind)['fields'];

export const engagementInvitationHandlers: HandlerTable = {
  async ListEngagementInvitations(ctx, input) {
    await expireDueInvitations(ctx.services);
    const now = ctx.services.clock.now();
    const where: Record<string, unknown> = { catalog: ctx.catalog };
    if (input.ParticipantType === 'RECEIVER') {
      where.receiverAccountId = ctx.accountId;
      // A delayed referral is not there for its receiver until it arrives.
      where.invitationDate = { lte: now };
      if (input.SenderAwsAccountId) where.senderAccountId = input.SenderAwsAccountId;
    } else {
      // The sender filter and the participant both name the sender: only the caller can match both.
      where.senderAccountId = input.SenderAwsAccountId && !input.SenderAwsAccountId.includes(ctx.accountId) ? [] : ctx.accountId;
    }
    if (input.Status) where.status = input.Status;
    if (input.EngagementIdentifier) where.engagementId = input.EngagementIdentifier.map(idFromArnOrId);
    if (input.PayloadType) where.payloadType = input.PayloadType;
    return ctx.services.store.transaction(
      async (uow) => {
        const page = await pageFromStore(
          uow,
          invitationKind,
          // The only sort name is InvitationDate; newest first by default [INF].
          { where: where as Where<InvitationFields>, sort: { by: 'invitationDate', order: (input.Sort?.SortOrder ?? 'DESCENDING') === 'DESCENDING' ? 'desc' : 'asc' } },
          {
            maxResults: input.MaxResults ?? 20,
            nextToken: input.NextToken,
            fingerprint: ['ListEngagementInvitations', ctx.accountId, ctx.catalog, input.ParticipantType, input.PayloadType, input.Status, input.EngagementIdentifier, input.SenderAwsAccountId, input.Sort],
          },
        );
        return { EngagementInvitationSummaries: page.items.map((i) => summaryOf(i, input.ParticipantType)), NextToken: page.nextToken };
      },
      { readOnly: true },
    );
  },

  async GetEngagementInvitation(ctx, input) {
    const { store, clock } = ctx.services;
    // A plain read unless the invitation has just expired: only then is there anything to write.
    const read = await store.transaction(
      async (uow) => {
        const seen = await invitationForParticipant(uow, ctx, input.Identifier);
        return isDueToExpire(seen, clock.now()) ? undefined : detailOf(uow, seen);
      },
      { readOnly: true },
    );
    if (read !== undefined) return read;
    return store.transaction(async (uow) => {
      const invitation = await refreshExpiry(uow, ctx.services, await invitationForParticipant(uow, ctx, input.Identifier));
      return detailOf(uow, invitation);
    });
  },

  async RejectEngagementInvitation(ctx, input) {
    await ctx.services.store.transaction(async (uow) => {
      const invitation = await pendingInvitationForReceiver(uow, ctx, input.Identifier, 'reject');
      // The model leaves RejectionReason optional, but AWS documents it as mandatory for opportunity invitations.
      if (invitation.payloadType === 'OpportunityInvitation' && input.RejectionReason === undefined) {
        throw ValidationException.business('rejectionReason', 'REQUIRED_FIELD_MISSING', 'A RejectionReason is required to reject an opportunity invitation.');
      }
      const rejected: InvitationRecord = { ...invitation, status: 'REJECTED', rejectionReason: input.RejectionReason };
      await uow.put(invitationKind, rejected);
      await emitInvitationEvent(uow, ctx.services, rejected, 'Engagement Invitation Rejected');
    });
  },

  async AcceptEngagementInvitation(ctx, input) {
    await ctx.services.store.transaction(async (uow) => {
      const invitation = await pendingInvitationForReceiver(uow, ctx, input.Identifier, 'accept');
      // Opportunity invitations create an opportunity, which only the task does (behavior.md §1.6).
      if (invitation.payloadType === 'OpportunityInvitation') {
        throw ValidationException.business(
          'identifier',
          'INVALID_VALUE',
          `Engagement invitation ${invitation.id} is an OpportunityInvitation; accept it with StartEngagementByAcceptingInvitationTask.`,
        );
      }
      const engagement = (await uow.get(engagementKind, [invitation.catalog, invitation.engagementId]))!;
      const accepted: InvitationRecord = { ...invitation, status: 'ACCEPTED' };
      await uow.put(invitationKind, accepted);
      await addMember(uow, ctx.services, engagement, ctx.accountId);
      await emitInvitationEvent(uow, ctx.services, accepted, 'Engagement Invitation Accepted');
    });
  },
};

// --- used by StartEngagementFromOpportunityTask (i7-tasks) ---
// A minimal stand-in for the invitation to AWS that i7-invitations' CreateEngagementInvitation creates: the lead
// keeps one version at merge.

/** The latest invitation from the engagement to AWS, if any (the task reuses a PENDING or ACCEPTED one). */
export async function latestInvitationToAws(uow: UnitOfWork, catalog: Catalog, engagementId: string): Promise<InvitationRecord | undefined> {
  const page = await uow.query(invitationKind, {
    where: { catalog, engagementId, receiverAccountId: AWS_ACCOUNT },
    sort: { by: 'invitationDate', order: 'desc' },
    limit: 1,
  });
  return page.items[0];
}

/** An OpportunityInvitation from the opportunity's owner to AWS, announced to the sender (AWS receives no events). */
export async function inviteAws(uow: UnitOfWork, services: Services, engagement: EngagementRecord, opportunity: OpportunityRecord): Promise<InvitationRecord> {
  const owner = services.accounts.profile(opportunity.accountId);
  const contact = {
    Email: owner.owner.Email ?? `alliance-lead-${opportunity.accountId}@example.com`,
    FirstName: owner.owner.FirstName,
    LastName: owner.owner.LastName,
    BusinessTitle: owner.owner.BusinessTitle,
  };
  return sendInvitation(uow, services, {
    catalog: engagement.catalog,
    engagementId: engagement.id,
    engagementTitle: engagement.title,
    engagementDescription: engagement.description,
    senderAccountId: opportunity.accountId,
    senderCompanyName: owner.companyName,
    receiverAccountId: AWS_ACCOUNT,
    invitationMessage: `Opportunity ${opportunity.id} submitted for AWS review.`,
    payload: invitationPayloadFrom(opportunity, [contact], ['Co-Sell Facilitator']),
    senderOpportunityId: opportunity.id,
  });
}
// --- end of block used by StartEngagementFromOpportunityTask (i7-tasks) ---
