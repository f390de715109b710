// Engagement invitations: CreateEngagementInvitation, ListEngagementInvitations, GetEngagementInvitation,
// RejectEngagementInvitation, AcceptEngagementInvitation (lead invitations), expiry by the emulator's clock
// (decision 18) and AWS's enrichment of invitations (decision 21). This module is the only writer of
// invitation records and the only emitter of invitation events; the simulations (src/simulations/) send
// theirs through `sendInvitation`.
import { AWS_ACCOUNT } from '../accounts.js';
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, RequestContext, Services } from '../context.js';
import { AccessDeniedException, ConflictException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type {
  CreateEngagementInvitationResponse,
  EngagementInvitationSummary,
  EnrichmentContext,
  GetEngagementInvitationResponse,
  OpportunityInvitationPayload,
  ParticipantType,
  Payload,
} from '../model/generated/types.js';
import { validateShape } from '../model/validate.js';
import { occupiesPartnerPlace, quotaBreach, quotaException } from '../rules/quotas.js';
import { engagementKind, engagementResourceKind, invitationKind, opportunityKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, EngagementRecord, InvitationRecord, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { addMember, engagementForMember, membersOf, setLeadInsights } from './engagements.js';
import { idempotent } from './idempotency.js';
import { pageFromStore } from './pagination.js';

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

/** PENDING invitations of the engagement to `receiver` that have not yet expired by the clock. */
export async function pendingInvitationsTo(uow: UnitOfWork, services: Services, catalog: Catalog, engagementId: string, receiver: string): Promise<InvitationRecord[]> {
  const pending = await queryAll(uow, invitationKind, { where: { catalog, engagementId, receiverAccountId: receiver, status: 'PENDING' } });
  return pending.filter((i) => !isDueToExpire(i, services.clock.now()));
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

/** Writes a PENDING invitation and announces it to both sides (`Engagement Invitation Created`, §5.4). */
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
    /** The alias the sender gave the receiver; the receiver's own otherwise. */
    receiverAlias?: string;
    invitationMessage: string;
    payload: Payload;
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
    receiverAlias: init.receiverAccountId === AWS_ACCOUNT ? undefined : (init.receiverAlias ?? services.accounts.profile(init.receiverAccountId).alias),
    status: 'PENDING',
    payloadType: init.payload.LeadInvitation ? 'LeadInvitation' : 'OpportunityInvitation',
    payload: init.payload,
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
    // Absent until AWS (the control plane) enriched the invitation (decision 21).
    EnrichmentContext: withdrawn ? undefined : invitation.enrichmentContext,
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

/** Receivers an invitation can name: another partner account (12 digits) or AWS. */
const RECEIVER_ACCOUNT = /^(?:\d{12}|aws)$/;

/**
 * The checks of CreateEngagementInvitation that depend on stored state (behavior.md §4.2, §4.3): the caller is a
 * member; the receiver is neither the caller, nor a member, nor already invited; the engagement has room for
 * another partner (nine invited at most) and another member (ten at most, PENDING invitations included, so
 * that every invitation sent can be accepted).
 */
async function checkInvitable(uow: UnitOfWork, ctx: RequestContext, engagement: EngagementRecord, receiver: string, payload: Payload): Promise<void> {
  const field = 'invitation.receiver.account.awsAccountId';
  if (!RECEIVER_ACCOUNT.test(receiver)) {
    throw ValidationException.field(field, 'INVALID_STRING_FORMAT', `'${receiver}' is neither a 12-digit AWS account id nor 'aws'.`);
  }
  if (receiver === ctx.accountId) {
    throw ValidationException.business(field, 'INVALID_VALUE', `Account ${receiver} cannot invite itself to engagement ${engagement.id}.`);
  }
  if (receiver === AWS_ACCOUNT && payload.LeadInvitation) {
    throw ValidationException.business('invitation.payload.leadInvitation', 'ACTION_NOT_PERMITTED', 'Lead invitations go to partners; AWS is invited with an OpportunityInvitation.');
  }
  const members = await membersOf(uow, engagement.catalog, engagement.id);
  if (members.some((m) => m.accountId === receiver)) {
    throw ValidationException.business(field, 'ACTION_NOT_PERMITTED', `Account ${receiver} is already a member of engagement ${engagement.id}.`);
  }
  const now = ctx.services.clock.now();
  const live = (await queryAll(uow, invitationKind, { where: { catalog: engagement.catalog, engagementId: engagement.id } })).filter(
    (i) => !isDueToExpire(i, now),
  );
  if (live.some((i) => i.receiverAccountId === receiver && i.status === 'PENDING')) {
    throw ValidationException.business(field, 'DUPLICATE_KEY_VALUE', `Account ${receiver} already has a PENDING invitation to engagement ${engagement.id}.`);
  }
  if (receiver !== AWS_ACCOUNT) {
    const partners = quotaBreach('invitedPartners', live.filter(occupiesPartnerPlace).length, 1, `Engagement ${engagement.id}`);
    if (partners) throw quotaException(partners);
  }
  const pending = live.filter((i) => i.status === 'PENDING').length;
  const seats = quotaBreach('engagementMembers', members.length + pending, 1, `Engagement ${engagement.id}`);
  if (seats) {
    throw quotaException({ ...seats, message: `Engagement ${engagement.id} has ${members.length} members and ${pending} PENDING invitations; it can have at most ${seats.limit} members.` });
  }
}

/** The caller's opportunity in the engagement (its most recent association), which an OpportunityInvitation shares. */
async function senderOpportunityIn(uow: UnitOfWork, engagement: EngagementRecord, accountId: string): Promise<string | undefined> {
  const links = await queryAll(uow, engagementResourceKind, { where: { catalog: engagement.catalog, engagementId: engagement.id, createdBy: accountId } });
  links.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  for (const link of links) {
    const opportunity = await uow.get(opportunityKind, [engagement.catalog, link.resourceId]);
    if (opportunity?.accountId === accountId) return opportunity.id;
  }
  return undefined;
}

class ControlInputError extends Error {
  readonly httpStatus = 400;
}

class ControlNotFoundError extends Error {
  readonly httpStatus = 404;
}

/**
 * Control plane, AWS-side data (decision 21): sets what AWS adds to an invitation. `enrichmentContext` replaces
 * the invitation's EnrichmentContext; `leadReadinessScore` sets `EnrichmentContext.LeadInsights` and, for a lead
 * invitation, `Insights.LeadReadinessScore` of the engagement's Lead contexts (announced to the members with
 * `Engagement Updated`, as AWS updating an engagement is). The invitation itself has no update event (§5.2).
 */
export function setInvitationAwsData(services: Services, id: string, body: { catalog?: string; enrichmentContext?: EnrichmentContext; leadReadinessScore?: string }) {
  const catalog = (body.catalog ?? 'AWS') as Catalog;
  if (body.enrichmentContext === undefined && body.leadReadinessScore === undefined) {
    throw new ControlInputError("Send 'enrichmentContext', 'leadReadinessScore' or both.");
  }
  if (body.enrichmentContext !== undefined) {
    const problems = validateShape('EnrichmentContext', body.enrichmentContext);
    if (problems.length > 0) {
      throw new ControlInputError(`'enrichmentContext' is not a valid EnrichmentContext: ${problems.map((p) => `${p.FieldName}: ${p.Message}`).join('; ')}`);
    }
  }
  return services.store.transaction(async (uow) => {
    const invitation = await uow.get(invitationKind, [catalog, idFromArnOrId(id)]);
    if (!invitation) throw new ControlNotFoundError(`Engagement invitation ${id} does not exist in catalog ${catalog}.`);
    let enrichment: EnrichmentContext | undefined = body.enrichmentContext ?? invitation.enrichmentContext;
    if (body.leadReadinessScore !== undefined) {
      enrichment = { ...enrichment, LeadInsights: { ...enrichment?.LeadInsights, LeadReadinessScore: body.leadReadinessScore } };
    }
    const updated: InvitationRecord = { ...invitation, enrichmentContext: enrichment };
    await uow.put(invitationKind, updated);
    let leadContexts: string[] = [];
    if (body.leadReadinessScore !== undefined && invitation.payloadType === 'LeadInvitation') {
      const engagement = await uow.get(engagementKind, [catalog, invitation.engagementId]);
      if (engagement) leadContexts = await setLeadInsights(uow, services, engagement, { LeadReadinessScore: body.leadReadinessScore });
    }
    return {
      invitationId: updated.id,
      catalog,
      engagementId: updated.engagementId,
      enrichmentContext: updated.enrichmentContext ?? null,
      updatedLeadContextIds: leadContexts,
    };
  });
}

export const engagementInvitationHandlers: HandlerTable = {
  async CreateEngagementInvitation(ctx, input) {
    const { services } = ctx;
    return services.store.transaction((uow) =>
      idempotent<CreateEngagementInvitationResponse>(ctx, uow, { ...input }, async () => {
        // Members only: anyone else learns nothing more than that it may not act (behavior.md §4.2).
        const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
        const receiver = input.Invitation.Receiver.Account.AwsAccountId;
        await checkInvitable(uow, ctx, engagement, receiver, input.Invitation.Payload);
        const sender = services.accounts.profile(ctx.accountId);
        const invitation = await sendInvitation(uow, services, {
          catalog: ctx.catalog,
          engagementId: engagement.id,
          engagementTitle: engagement.title,
          engagementDescription: engagement.description,
          senderAccountId: ctx.accountId,
          senderCompanyName: sender.companyName,
          receiverAccountId: receiver,
          receiverAlias: input.Invitation.Receiver.Account.Alias,
          invitationMessage: input.Invitation.Message,
          payload: input.Invitation.Payload,
          // The receiver's copy follows the sender's opportunity (review status, approval): link the two.
          senderOpportunityId: input.Invitation.Payload.OpportunityInvitation ? await senderOpportunityIn(uow, engagement, ctx.accountId) : undefined,
        });
        return { Id: invitation.id, Arn: arns.invitation(invitation.catalog, invitation.id) };
      }),
    );
  },

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
      const members = await membersOf(uow, engagement.catalog, engagement.id);
      if (members.some((m) => m.accountId === ctx.accountId)) {
        throw new ConflictException(`Account ${ctx.accountId} is already a member of engagement ${engagement.id}.`);
      }
      const full = quotaBreach('engagementMembers', members.length, 1, `Engagement ${engagement.id}`);
      if (full) throw quotaException(full);
      const accepted: InvitationRecord = { ...invitation, status: 'ACCEPTED' };
      await uow.put(invitationKind, accepted);
      // Same order as the accept task: Accepted, then Member Added.
      await emitInvitationEvent(uow, ctx.services, accepted, 'Engagement Invitation Accepted');
      await addMember(uow, ctx.services, engagement, ctx.accountId);
    });
  },
};

// The invitation to AWS that StartEngagementFromOpportunityTask sends (and reuses while it is PENDING or ACCEPTED).

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
    payload: { OpportunityInvitation: invitationPayloadFrom(opportunity, [contact], ['Co-Sell Facilitator']) },
    senderOpportunityId: opportunity.id,
  });
}
