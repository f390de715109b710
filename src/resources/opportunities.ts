// Opportunities: CreateOpportunity, GetOpportunity, ListOpportunities, UpdateOpportunity, SubmitOpportunity,
// AssignOpportunity, Associate/DisassociateOpportunity and GetAwsOpportunitySummary, plus the helpers
// other modules use to read, store, touch and announce opportunities (behavior.md §3). Every request runs in
// one store transaction, so a failure leaves nothing behind.
import { AWS_ACCOUNT } from '../accounts.js';
import { arns } from '../arns.js';
import { RenderedOutput, type Handler, type HandlerTable, type Services } from '../context.js';
import { ConflictException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type { DetailType } from '../events/outbox.js';
import type {
  AwsOpportunityInsights,
  AwsOpportunityLifeCycle,
  AwsOpportunityStage,
  AwsOpportunityTeamMembersList,
  AwsSoftwareRevenue,
  CreateOpportunityRequest,
  CreateOpportunityResponse,
  ExpectedCustomerSpend,
  GetOpportunityResponse,
  InvolvementTypeChangeReason,
  LifeCycle,
  ListOpportunitiesRequest,
  NextStepsHistory,
  OpportunityQuality,
  OpportunitySortName,
  OpportunitySummary,
  PrimaryNeedFromAws,
  Project,
  RecommendationList,
  RelatedEntityIdentifiers,
  SalesInvolvementType,
  Visibility,
  ReviewStatus,
  UpdateOpportunityRequest,
} from '../model/generated/types.js';
import { projectOnto } from '../model/project.js';
import { parseTimestamp } from '../model/validate.js';
import { associate, disassociate, ENTITY_RULES, type AssociationOutcome } from '../rules/associations.js';
import { awsFullView, awsOpportunitySummary, type AwsSideData, type ReviewedOpportunity, type SummaryOutcome } from '../rules/aws-opportunity-summary.js';
import { consistencyErrors, NO_SUPPORT_NEEDED, primaryNeedsChangeErrors, reviewLockErrors, reviewTransitionErrors, stageRequirementErrors, submissionErrors, type OpportunityDocument, checkReviewTransition, simulatedReview } from '../rules/opportunity-review.js';
import { applyDealSizing } from '../rules/deal-sizing.js';
import { businessValidation, changedFields, fieldError, throwIfAny } from '../rules/rule.js';
import { invitationKind, opportunityKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, OpportunityData, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { idempotent } from './idempotency.js';
import { receiverOpportunities } from './multi-partner.js';
import { solutionExists } from './solutions.js';
import { pageFromStore } from './pagination.js';
import { snapshotOnChange, writeAwsFullView } from './resource-snapshots.js';
import { addTags } from './tags.js';

// ---------------------------------------------------------------------------------------------------------
// Helpers shared with other modules

/** The opportunity as GetOpportunity returns it. */
export function opportunityView(record: OpportunityRecord): GetOpportunityResponse {
  return {
    Catalog: record.catalog,
    Id: record.id,
    Arn: arns.opportunity(record.accountId, record.catalog, record.id),
    ...record.data,
    CreatedDate: record.createdAt,
    LastModifiedDate: record.lastModifiedAt,
    RelatedEntityIdentifiers: relatedEntities(record.data.RelatedEntityIdentifiers),
  };
}

/**
 * Every association list of the model, always present as arrays (behavior.md §3.8 [OBS]: "all keys"); the
 * current model's two Marketplace lists included (decision 22).
 */
export function relatedEntities(current?: RelatedEntityIdentifiers): Required<RelatedEntityIdentifiers> {
  return {
    AwsProducts: current?.AwsProducts ?? [],
    Solutions: current?.Solutions ?? [],
    AwsMarketplaceOffers: current?.AwsMarketplaceOffers ?? [],
    AwsMarketplaceOfferSets: current?.AwsMarketplaceOfferSets ?? [],
    AwsMarketplaceSolutions: current?.AwsMarketplaceSolutions ?? [],
    AwsMarketplaceProducts: current?.AwsMarketplaceProducts ?? [],
  };
}

/** Stores a new opportunity (amounts normalised). Events are the caller's choice: see `emitOpportunityEvent`. */
export function insertOpportunity(uow: UnitOfWork, _services: Services, record: OpportunityRecord): Promise<void> {
  return saveOpportunity(uow, record);
}

/** Writes an opportunity back after a change; stored spend amounts are always normalised. */
export async function saveOpportunity(uow: UnitOfWork, record: OpportunityRecord): Promise<void> {
  const project = record.data.Project;
  if (project?.ExpectedCustomerSpend) {
    record.data = { ...record.data, Project: { ...project, ExpectedCustomerSpend: normalizeSpend(project.ExpectedCustomerSpend) } };
  }
  await uow.put(opportunityKind, record, JSON.stringify(opportunityView(record)));
}

/** The one answer for an opportunity the caller may not see, whatever the reason: the same as for none at all. */
function opportunityNotFound(id: string, catalog: Catalog): ResourceNotFoundException {
  return new ResourceNotFoundException(`Opportunity ${id} was not found in catalog ${catalog}.`);
}

/**
 * The caller's opportunity, or ResourceNotFoundException when it does not exist, belongs to another account or
 * is a hidden simulated referral: accounts never learn about each other's opportunities.
 */
export async function findVisibleOpportunity(uow: UnitOfWork, accountId: string, catalog: Catalog, id: string): Promise<OpportunityRecord> {
  const record = await uow.get(opportunityKind, [catalog, id]);
  if (!record || !record.visible || record.accountId !== accountId) {
    throw opportunityNotFound(id, catalog);
  }
  return record;
}

/** `Opportunity Created` / `Opportunity Updated` to the owning account (behavior.md §5.3). */
export function emitOpportunityEvent(
  uow: UnitOfWork,
  services: Services,
  record: OpportunityRecord,
  detailType: Extract<DetailType, 'Opportunity Created' | 'Opportunity Updated'>,
): Promise<void> {
  return services.events.emit(uow, record.accountId, detailType, [], {
    schemaVersion: '1',
    catalog: record.catalog,
    opportunity: { identifier: record.id },
  });
}

/**
 * The LastModifiedDate for a change made now: the business clock, but always at least 1 ms after the previous
 * value so that optimistic concurrency (decision 3) can tell the two versions apart.
 */
export function nextModifiedDate(services: Services, previous: string): string {
  const previousMs = Date.parse(previous);
  const nowMs = services.clock.now();
  return new Date(Number.isNaN(previousMs) ? nowMs : Math.max(nowMs, previousMs + 1)).toISOString();
}

/** `"10000.00"` → `"10000"`, `"12.50"` → `"12.5"` (behavior.md §3.5 [OBS]: trailing zero decimals are dropped). */
export function normalizeAmount(amount: string): string {
  const m = /^(\d+)\.(\d*)$/.exec(amount);
  if (!m) return amount;
  const fraction = m[2]!.replace(/0+$/, '');
  return fraction ? `${m[1]}.${fraction}` : m[1]!;
}

function normalizeSpend(list: ExpectedCustomerSpend[]): ExpectedCustomerSpend[] {
  return list.map((spend) => (spend.Amount === undefined ? spend : { ...spend, Amount: normalizeAmount(spend.Amount) }));
}

// ---------------------------------------------------------------------------------------------------------
// What the partner controls

/** LifeCycle members the partner writes; ReviewStatus, ReviewComments, ReviewStatusReason and NextStepsHistory are AWS's. */
type PartnerLifeCycle = Pick<LifeCycle, 'Stage' | 'ClosedLostReason' | 'NextSteps' | 'TargetCloseDate'>;

/** The members CreateOpportunity and UpdateOpportunity set from the request (full replacement on update). */
type PartnerFields = Pick<
  OpportunityData,
  'PrimaryNeedsFromAws' | 'NationalSecurity' | 'PartnerOpportunityIdentifier' | 'Customer' | 'Project' | 'OpportunityType' | 'Marketing' | 'SoftwareRevenue'
> & { LifeCycle?: PartnerLifeCycle };

/** Drops undefined members so stored documents and comparisons only see what is set. */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = member;
  }
  return out as T;
}

function partnerLifeCycle(lifeCycle: LifeCycle | undefined): PartnerLifeCycle | undefined {
  if (!lifeCycle) return undefined;
  const picked = defined({
    Stage: lifeCycle.Stage,
    ClosedLostReason: lifeCycle.ClosedLostReason,
    NextSteps: lifeCycle.NextSteps,
    TargetCloseDate: lifeCycle.TargetCloseDate,
  });
  return Object.keys(picked).length > 0 ? picked : undefined;
}

function normalizedProject(project: Project | undefined): Project | undefined {
  if (!project?.ExpectedCustomerSpend) return project;
  return { ...project, ExpectedCustomerSpend: normalizeSpend(project.ExpectedCustomerSpend) };
}

/** The partner-controlled part of a Create or Update request, with the documented defaults applied. */
export function partnerFields(input: CreateOpportunityRequest | UpdateOpportunityRequest): PartnerFields {
  return defined({
    PrimaryNeedsFromAws: input.PrimaryNeedsFromAws,
    // behavior.md §3.4: NationalSecurity defaults to No and OpportunityType to Net New Business when not sent.
    // [INF] An update that omits them gets the same defaults rather than a state AWS never shows.
    NationalSecurity: input.NationalSecurity ?? 'No',
    PartnerOpportunityIdentifier: input.PartnerOpportunityIdentifier,
    Customer: input.Customer,
    Project: normalizedProject(input.Project),
    OpportunityType: input.OpportunityType ?? 'Net New Business',
    Marketing: input.Marketing,
    SoftwareRevenue: input.SoftwareRevenue,
    LifeCycle: partnerLifeCycle(input.LifeCycle),
  });
}

/** The partner-controlled part of a stored opportunity, for comparing against a request. */
function storedPartnerFields(data: OpportunityData): PartnerFields {
  return defined({
    PrimaryNeedsFromAws: data.PrimaryNeedsFromAws,
    NationalSecurity: data.NationalSecurity,
    PartnerOpportunityIdentifier: data.PartnerOpportunityIdentifier,
    Customer: data.Customer,
    Project: data.Project,
    OpportunityType: data.OpportunityType,
    Marketing: data.Marketing,
    SoftwareRevenue: data.SoftwareRevenue,
    LifeCycle: partnerLifeCycle(data.LifeCycle),
  });
}

/** NextStepsHistory is read-only (model): the service appends each new NextSteps value, keeping the last 50. */
function nextStepsHistory(previous: LifeCycle | undefined, nextSteps: string | undefined, at: string): NextStepsHistory[] | undefined {
  const history = previous?.NextStepsHistory ?? [];
  if (nextSteps === undefined || nextSteps === '' || nextSteps === previous?.NextSteps) {
    return history.length > 0 ? history : undefined;
  }
  return [...history, { Value: nextSteps, Time: at }].slice(-50);
}

// ---------------------------------------------------------------------------------------------------------
// Deal sizing: ExpectedContractDuration and ExpectedCustomerSpend (rules in src/rules/deal-sizing.ts)

/** The project to store after the deal-sizing rules (§3.5 [DOC D-DEAL]), or the business ValidationException. */
function dealSized(project: Project | undefined, stored?: Project): Project | undefined {
  const outcome = applyDealSizing(project, stored);
  if (outcome.kind === 'invalid') throw businessValidation(outcome.errors, outcome.message);
  return outcome.project;
}

/**
 * UpdateOpportunity replaces the whole record except ExpectedContractDuration (D-DEAL): omitting it means "no
 * change" (so a connector that predates the field keeps the stored duration), an explicit `null` clears it.
 * This is the one member where null and absent differ, hence the look at the body as sent.
 */
function projectAfterUpdate(sent: Readonly<Record<string, unknown>>, requested: Project | undefined, stored: Project | undefined): Project | undefined {
  if (requested?.ExpectedContractDuration !== undefined) return requested;
  const sentProject = sent.Project;
  const cleared = isPlainObject(sentProject) && sentProject.ExpectedContractDuration === null;
  const kept = stored?.ExpectedContractDuration;
  if (cleared || kept === undefined) return requested;
  return { ...requested, ExpectedContractDuration: kept };
}

/** Rules between fields that hold on every write (NationalSecurity needs Government, PrimaryNeedsFromAws mix). */
function checkConsistency(fields: PartnerFields): void {
  throwIfAny(consistencyErrors(fields as OpportunityDocument));
}

// ---------------------------------------------------------------------------------------------------------
// CreateOpportunity

function nowIso(services: Services): string {
  return new Date(services.clock.now()).toISOString();
}

const createOpportunity: Handler<'CreateOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  const origin = input.Origin ?? 'Partner Referral';
  if (origin === 'AWS Referral' && ctx.catalog !== 'Sandbox') {
    throw ValidationException.field(
      'origin',
      'INVALID_VALUE',
      "Origin 'AWS Referral' can only be simulated in the Sandbox catalog; use Partner Referral.",
    );
  }
  const requested = partnerFields(input);
  const fields = defined({ ...requested, Project: dealSized(requested.Project) });
  checkConsistency(fields);
  return services.store.transaction((uow) =>
    idempotent<CreateOpportunityResponse>(ctx, uow, { ...input }, async () => {
      const id = await services.ids.opportunityId(uow);
      const createdAt = nowIso(services);
      const record: OpportunityRecord = {
        catalog: ctx.catalog,
        id,
        accountId: ctx.accountId,
        // Decision 16: a simulated AWS referral stays hidden until its invitation is accepted.
        visible: origin !== 'AWS Referral',
        origin,
        createdAt,
        lastModifiedAt: createdAt,
        data: {
          ...fields,
          // Whatever the request says, a new opportunity is Pending Submission (behavior.md §3.2).
          LifeCycle: defined({
            ...fields.LifeCycle,
            ReviewStatus: 'Pending Submission' as const,
            NextStepsHistory: nextStepsHistory(undefined, fields.LifeCycle?.NextSteps, createdAt),
          }),
          // The account's owner comes first, before any team member sent (behavior.md §3.5 [OBS]).
          OpportunityTeam: [services.accounts.profile(ctx.accountId).owner, ...(input.OpportunityTeam ?? [])],
          RelatedEntityIdentifiers: relatedEntities(),
        },
      };
      await insertOpportunity(uow, services, record);
      if (input.Tags && input.Tags.length > 0) {
        await addTags(uow, { catalog: ctx.catalog, accountId: ctx.accountId, resourceArn: arns.opportunity(ctx.accountId, ctx.catalog, id) }, input.Tags);
      }
      if (record.visible) {
        await emitOpportunityEvent(uow, services, record, 'Opportunity Created');
      } else {
        // The partner has no opportunity yet: AWS creates the engagement and invites the caller instead.
        await services.simulations.awsReferral(uow, record);
      }
      return defined({ Id: id, PartnerOpportunityIdentifier: input.PartnerOpportunityIdentifier, LastModifiedDate: createdAt });
    }),
  );
};

// ---------------------------------------------------------------------------------------------------------
// GetOpportunity

/** The view saved with the record (nothing parsed or serialized); a record saved without one is rendered here. */
const getOpportunity: Handler<'GetOpportunity'> = (ctx, input) =>
  ctx.services.store.transaction(
    async (uow) => {
      const view = await uow.getView(opportunityKind, [ctx.catalog, input.Identifier], { accountId: ctx.accountId, visible: true });
      if (typeof view === 'string') return new RenderedOutput(view);
      // No such record for this caller: not found, without a second read.
      if (view === undefined) throw opportunityNotFound(input.Identifier, ctx.catalog);
      return opportunityView(await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier));
    },
    { readOnly: true },
  );

// ---------------------------------------------------------------------------------------------------------
// ListOpportunities

/** ms since epoch of a validated RFC 3339 input (the validator already rejected anything else). */
function instant(text: string): number {
  return parseTimestamp(text) ?? Date.parse(text);
}

type OpportunityFields = (typeof opportunityKind)['fields'];

/** Lower and upper bound of a range: "after" inclusive (behavior.md §3.10: "on or after"), "before" exclusive [INF], so
 * consecutive windows [a, b) and [b, c) never return the same opportunity twice. */
function instantRange(after: string | undefined, before: string | undefined): { gte?: number; lt?: number } | undefined {
  if (after === undefined && before === undefined) return undefined;
  return { ...(after !== undefined ? { gte: instant(after) } : {}), ...(before !== undefined ? { lt: instant(before) } : {}) };
}

/** Same rule for YYYY-MM-DD dates (compared as text); an opportunity without a TargetCloseDate ('') never matches. */
function dateRange(after: string | undefined, before: string | undefined): { gte?: string; gt?: string; lt?: string } | undefined {
  if (after === undefined && before === undefined) return undefined;
  return { ...(after !== undefined ? { gte: after } : { gt: '' }), ...(before !== undefined ? { lt: before } : {}) };
}

/** An empty filter list filters nothing [INF], as with the other list operations. */
function anyOf<T>(values: readonly T[] | undefined): readonly T[] | undefined {
  return values && values.length > 0 ? values : undefined;
}

/** The ListOpportunities filters as a store query (every one of them is a declared, indexed field). */
function opportunityWhere(ctx: { accountId: string; catalog: Catalog }, input: ListOpportunitiesRequest): Where<OpportunityFields> {
  const where: Record<string, unknown> = { accountId: ctx.accountId, catalog: ctx.catalog, visible: true };
  const set = (field: string, condition: unknown) => {
    if (condition !== undefined) where[field] = condition;
  };
  set('id', anyOf(input.Identifier));
  set('stage', anyOf(input.LifeCycleStage));
  set('reviewStatus', anyOf(input.LifeCycleReviewStatus));
  // [INF] Exact company-name match; the model only says it matches "the provided company name string".
  set('customerCompanyName', anyOf(input.CustomerCompanyName));
  set('lastModifiedDate', instantRange(input.LastModifiedDate?.AfterLastModifiedDate, input.LastModifiedDate?.BeforeLastModifiedDate));
  set('createdDate', instantRange(input.CreatedDate?.AfterCreatedDate, input.CreatedDate?.BeforeCreatedDate));
  set('targetCloseDate', dateRange(input.TargetCloseDate?.AfterTargetCloseDate, input.TargetCloseDate?.BeforeTargetCloseDate));
  return where as Where<OpportunityFields>;
}

/** Sort names of the model → the declared field (opportunity ids compare by number: `O999` before `O1000`). */
const SORT_FIELDS: Readonly<Record<OpportunitySortName, keyof OpportunityFields & string>> = {
  Identifier: 'idOrder',
  CustomerCompanyName: 'customerCompanyName',
  CreatedDate: 'createdDate',
  TargetCloseDate: 'targetCloseDate',
  LastModifiedDate: 'lastModifiedDate',
};

/** The summary carries only OpportunitySummary's members, recursively (no contacts, no street address…). */
export function opportunitySummary(record: OpportunityRecord): OpportunitySummary {
  const view = opportunityView(record);
  return projectOnto<OpportunitySummary>('OpportunitySummary', view);
}

const listOpportunities: Handler<'ListOpportunities'> = (ctx, input) => {
  // behavior.md §3.10: default sort LastModifiedDate, newest first [INF on the direction].
  const sort = input.Sort ?? { SortBy: 'LastModifiedDate', SortOrder: 'DESCENDING' };
  return ctx.services.store.transaction(
    async (uow) => {
      const page = await pageFromStore(
        uow,
        opportunityKind,
        { where: opportunityWhere(ctx, input), sort: { by: SORT_FIELDS[sort.SortBy], order: sort.SortOrder === 'DESCENDING' ? 'desc' : 'asc' } },
        {
          maxResults: input.MaxResults ?? 20,
          nextToken: input.NextToken,
          fingerprint: {
            op: 'ListOpportunities',
            account: ctx.accountId,
            catalog: ctx.catalog,
            filters: {
              Identifier: input.Identifier,
              LifeCycleStage: input.LifeCycleStage,
              LifeCycleReviewStatus: input.LifeCycleReviewStatus,
              CustomerCompanyName: input.CustomerCompanyName,
              LastModifiedDate: input.LastModifiedDate,
              CreatedDate: input.CreatedDate,
              TargetCloseDate: input.TargetCloseDate,
            },
            sort,
          },
        },
      );
      return defined({ OpportunitySummaries: page.items.map(opportunitySummary), NextToken: page.nextToken });
    },
    { readOnly: true },
  );
};

// ---------------------------------------------------------------------------------------------------------
// UpdateOpportunity

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function staleError(id: string, sent: string): ConflictException {
  return new ConflictException(
    `The opportunity ${id} was modified after the LastModifiedDate you provided (${sent}). Get the latest LastModifiedDate with GetOpportunity and try again.`,
  );
}

/** A record's LifeCycle.ReviewStatus (every stored opportunity has one; the default covers old documents). */
function reviewStatusOf(record: OpportunityRecord): ReviewStatus {
  return record.data.LifeCycle?.ReviewStatus ?? 'Pending Submission';
}

const updateOpportunity: Handler<'UpdateOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  return services.store.transaction(async (uow) => {
    const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier);
    // Decision 3: compare at millisecond precision, whatever RFC 3339 form the client sends back.
    if (instant(input.LastModifiedDate) !== Date.parse(record.lastModifiedAt)) throw staleError(record.id, input.LastModifiedDate);

    const stored = record.data.LifeCycle;
    const current = reviewStatusOf(record);
    // Decision 17: in Sandbox a reviewer's status simulates AWS's review (src/simulations/review.ts).
    const simulated = simulatedReview(ctx.catalog, current, input.LifeCycle?.ReviewStatus);
    if (simulated) checkReviewTransition(current, simulated);

    const requested = partnerFields(input);
    const project = dealSized(projectAfterUpdate(ctx.sent, requested.Project, record.data.Project), record.data.Project);
    const fields = defined({ ...requested, Project: project });
    checkConsistency(fields);
    throwIfAny(primaryNeedsChangeErrors(record.data as OpportunityDocument, fields as OpportunityDocument));
    // §3.3 through the rules module: partner edits are judged by the *current* status; a simulation passes the
    // whole-record blocks only when it changes nothing the partner owns.
    const changes = changedFields(storedPartnerFields(record.data), fields);
    throwIfAny(reviewLockErrors(record.id, current, changes, { simulation: simulated !== undefined, stage: stored?.Stage }));

    const modifiedAt = nextModifiedDate(services, record.lastModifiedAt);
    const review = simulated
      ? { ReviewStatus: simulated, ReviewComments: input.LifeCycle?.ReviewComments, ReviewStatusReason: input.LifeCycle?.ReviewStatusReason }
      : { ReviewStatus: current, ReviewComments: stored?.ReviewComments, ReviewStatusReason: stored?.ReviewStatusReason };
    const updated: OpportunityRecord = {
      ...record,
      lastModifiedAt: modifiedAt,
      data: {
        ...fields,
        LifeCycle: defined({
          ...fields.LifeCycle,
          ...review,
          NextStepsHistory: nextStepsHistory(stored, fields.LifeCycle?.NextSteps, modifiedAt),
        }),
        // Not part of the update input (behavior.md §3.5): team via AssignOpportunity, entities via Associate.
        OpportunityTeam: record.data.OpportunityTeam,
        RelatedEntityIdentifiers: relatedEntities(record.data.RelatedEntityIdentifiers),
      },
    };
    // Committed / Launched need a solution or Marketplace listing (§3.4 [DOC D-ASSOC]), checked when the stage moves.
    if (updated.data.LifeCycle?.Stage !== stored?.Stage) throwIfAny(stageRequirementErrors(opportunityView(updated)));

    if (simulated) await services.simulations.reviewBefore(uow, updated, simulated);
    await saveOpportunity(uow, updated);
    await emitOpportunityEvent(uow, services, updated, 'Opportunity Updated');
    await snapshotOnChange(uow, services, updated);
    if (simulated) await services.simulations.reviewAfter(uow, updated, simulated);
    return { Id: updated.id, LastModifiedDate: modifiedAt };
  });
};

// ---------------------------------------------------------------------------------------------------------
// Changes that are not UpdateOpportunity: each saves, bumps LastModifiedDate and announces `Opportunity Updated`.

/** Saves `data` as the opportunity's new state, announces it and lets running snapshot jobs see it. */
async function commitChange(uow: UnitOfWork, services: Services, record: OpportunityRecord, data: OpportunityData, extra: Partial<OpportunityRecord> = {}): Promise<OpportunityRecord> {
  const updated: OpportunityRecord = { ...record, ...extra, lastModifiedAt: nextModifiedDate(services, record.lastModifiedAt), data };
  await saveOpportunity(uow, updated);
  await emitOpportunityEvent(uow, services, updated, 'Opportunity Updated');
  await snapshotOnChange(uow, services, updated);
  return updated;
}

// ---------------------------------------------------------------------------------------------------------
// SubmitOpportunity (behavior.md §3.2, §3.4, §3.6)

/** Today on the business clock, for "TargetCloseDate not in the past". */
function todayOf(services: Services): string {
  return new Date(services.clock.now()).toISOString().slice(0, 10);
}

/**
 * Submits an opportunity the caller has already checked (ReviewStatus Submitted, `Opportunity Updated`, a snapshot
 * revision where a job runs). SubmitOpportunity and StartEngagementFromOpportunityTask both end here.
 */
export async function submitOpportunity(
  uow: UnitOfWork,
  services: Services,
  record: OpportunityRecord,
  submission: { InvolvementType: SalesInvolvementType; Visibility: Visibility },
): Promise<OpportunityRecord> {
  const data: OpportunityData = {
    ...record.data,
    // §3.4 [OBS]: a For Visibility Only submission records that the partner needs no AWS sales support.
    ...(submission.InvolvementType === 'For Visibility Only' ? { PrimaryNeedsFromAws: [NO_SUPPORT_NEEDED as PrimaryNeedFromAws] } : {}),
    LifeCycle: { ...record.data.LifeCycle, ReviewStatus: 'Submitted' },
  };
  return commitChange(uow, services, record, data, { submission });
}

const submitOpportunityHandler: Handler<'SubmitOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  return services.store.transaction(async (uow) => {
    const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier);
    const involvementType = input.InvolvementType;
    throwIfAny(reviewTransitionErrors('Submit', reviewStatusOf(record), 'Submitted'));
    // §3.4 [OPPCSV]: "cannot be changed back to For visibility only once it's switched to Co-sell".
    if (record.submission?.InvolvementType === 'Co-Sell' && involvementType === 'For Visibility Only') {
      throwIfAny([
        fieldError('involvementType', 'ACTION_NOT_PERMITTED', `Opportunity ${record.id} was submitted for Co-Sell; it can't be resubmitted For Visibility Only.`),
      ]);
    }
    throwIfAny(submissionErrors({ opportunity: opportunityView(record), involvementType, today: todayOf(services) }));
    await submitOpportunity(uow, services, record, { InvolvementType: involvementType, Visibility: input.Visibility ?? 'Full' });
  });
};

// ---------------------------------------------------------------------------------------------------------
// AssignOpportunity (behavior.md §3.7)

const assignOpportunity: Handler<'AssignOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  return services.store.transaction(async (uow) => {
    const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier);
    if (reviewStatusOf(record) === 'Rejected') {
      throwIfAny([fieldError('lifeCycle.reviewStatus', 'INVALID_RESOURCE_STATE', `Opportunity ${record.id} was rejected by AWS and is read-only.`)]);
    }
    // [INF] The assignee replaces the OpportunityOwner entry and keeps that title; other members stay as they are.
    const { Email, FirstName, LastName, Phone } = input.Assignee;
    const owner = defined({ BusinessTitle: OWNER_TITLE, Email, FirstName, LastName, Phone });
    const team = record.data.OpportunityTeam ?? [];
    const at = team.findIndex((member) => member.BusinessTitle === OWNER_TITLE);
    const nextTeam = at >= 0 ? team.map((member, i) => (i === at ? owner : member)) : [owner, ...team];
    await commitChange(uow, services, record, { ...record.data, OpportunityTeam: nextTeam });
  });
};

const OWNER_TITLE = 'OpportunityOwner';

// ---------------------------------------------------------------------------------------------------------
// AssociateOpportunity / DisassociateOpportunity (behavior.md §3.8, §7.2; rules in src/rules/associations.ts)

function applyOutcome(outcome: AssociationOutcome): Required<RelatedEntityIdentifiers> | undefined {
  switch (outcome.kind) {
    case 'invalid':
      throw businessValidation(outcome.errors);
    case 'not-associated':
      throw new ResourceNotFoundException(outcome.message);
    case 'unchanged':
      return undefined;
    case 'changed':
      return outcome.next;
  }
}

const associateOpportunity: Handler<'AssociateOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  return services.store.transaction(async (uow) => {
    const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.OpportunityIdentifier);
    const id = input.RelatedEntityIdentifier;
    const known = input.RelatedEntityType === 'Solutions' && ENTITY_RULES.Solutions.matches(id) ? await solutionExists(uow, ctx.accountId, ctx.catalog, id) : true;
    const next = applyOutcome(associate(record.data.RelatedEntityIdentifiers, input.RelatedEntityType, id, { knownSolution: () => known }));
    // [INF] Associating what is already associated succeeds and changes nothing (connectors retry writes).
    if (next) await commitChange(uow, services, record, { ...record.data, RelatedEntityIdentifiers: next });
  });
};

const disassociateOpportunity: Handler<'DisassociateOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  return services.store.transaction(async (uow) => {
    const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.OpportunityIdentifier);
    const next = applyOutcome(disassociate(opportunityView(record), input.RelatedEntityType, input.RelatedEntityIdentifier));
    if (next) await commitChange(uow, services, record, { ...record.data, RelatedEntityIdentifiers: next });
  });
};

// ---------------------------------------------------------------------------------------------------------
// GetAwsOpportunitySummary (behavior.md §3.9) and AWS-side data (decision 21)

/** For a multi-partner receiver's opportunity: the sender's opportunity it was made from (what AWS reviews). */
export async function senderOpportunityOf(uow: UnitOfWork, receiver: OpportunityRecord): Promise<OpportunityRecord | undefined> {
  const accepted = await queryAll(uow, invitationKind, { where: { catalog: receiver.catalog, receiverAccountId: receiver.accountId, status: 'ACCEPTED' } });
  const invitation = accepted.find((i) => i.acceptedOpportunityId === receiver.id && i.senderOpportunityId !== undefined && i.senderAccountId !== AWS_ACCOUNT);
  return invitation ? uow.get(opportunityKind, [receiver.catalog, invitation.senderOpportunityId!]) : undefined;
}

/**
 * [INF] An opportunity that reached AWS without a SubmitOpportunity here (an accepted AWS referral, a sender the
 * control plane made) counts as submitted for Co-Sell with full visibility, as the captures of such summaries show.
 */
const IMPLIED_SUBMISSION = { InvolvementType: 'Co-Sell', Visibility: 'Full' } as const;

function reviewed(record: OpportunityRecord): ReviewedOpportunity {
  const submission = record.submission ?? (reviewStatusOf(record) === 'Pending Submission' ? undefined : IMPLIED_SUBMISSION);
  return { opportunity: opportunityView(record), origin: record.origin, submission, aws: record.aws };
}

/** AWS's side of the opportunity as GetAwsOpportunitySummary answers it, or the reason there is none yet. */
export async function awsSummaryOf(uow: UnitOfWork, record: OpportunityRecord): Promise<SummaryOutcome> {
  const sender = await senderOpportunityOf(uow, record);
  return awsOpportunitySummary({ catalog: record.catalog, own: reviewed(record), sender: sender ? reviewed(sender) : undefined });
}

const getAwsOpportunitySummary: Handler<'GetAwsOpportunitySummary'> = (ctx, input) =>
  ctx.services.store.transaction(
    async (uow) => {
      const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.RelatedOpportunityIdentifier);
      const outcome = await awsSummaryOf(uow, record);
      if (outcome.kind === 'not-found') throw new ResourceNotFoundException(outcome.message);
      return outcome.summary;
    },
    { readOnly: true },
  );

/** What the control plane may set of AWS's side; `null` clears a member. */
export interface AwsDataChange {
  stage?: AwsOpportunityStage | null;
  lifeCycle?: AwsOpportunityLifeCycle | null;
  team?: AwsOpportunityTeamMembersList | null;
  insights?: AwsOpportunityInsights | null;
  opportunityQuality?: OpportunityQuality | null;
  recommendations?: RecommendationList | null;
  cosellMotion?: string | null;
  softwareRevenue?: AwsSoftwareRevenue | null;
  involvementTypeChangeReason?: InvolvementTypeChangeReason | null;
}

/** Thrown for a control-plane request naming an opportunity that cannot carry AWS data. */
export class AwsDataTargetError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

function orUndefined<T>(value: T | null | undefined, fallback: T | undefined): T | undefined {
  return value === null ? undefined : value === undefined ? fallback : value;
}

/** The AWS-side data after `change` (each member set, kept, or cleared by null). */
function mergeAwsData(current: AwsSideData | undefined, change: AwsDataChange): AwsSideData | undefined {
  const lifeCycle = defined({ ...orUndefined(change.lifeCycle, current?.LifeCycle) });
  if (change.stage !== undefined) lifeCycle.Stage = change.stage ?? undefined;
  const insights = defined({ ...orUndefined(change.insights, current?.Insights) });
  if (change.opportunityQuality !== undefined) insights.OpportunityQuality = change.opportunityQuality ?? undefined;
  if (change.recommendations !== undefined) insights.Recommendations = change.recommendations ?? undefined;
  const nonEmpty = <T extends object>(o: T): T | undefined => {
    const d = defined(o);
    return Object.keys(d).length > 0 ? d : undefined;
  };
  return nonEmpty({
    LifeCycle: nonEmpty(lifeCycle),
    OpportunityTeam: orUndefined(change.team, current?.OpportunityTeam),
    Insights: nonEmpty(insights),
    CosellMotion: orUndefined(change.cosellMotion, current?.CosellMotion),
    SoftwareRevenue: orUndefined(change.softwareRevenue, current?.SoftwareRevenue),
    InvolvementTypeChangeReason: orUndefined(change.involvementTypeChangeReason, current?.InvolvementTypeChangeReason),
  });
}

/**
 * Control plane (decision 21): AWS updates its side of a submitted opportunity. The partner's opportunity
 * itself is unchanged (its LastModifiedDate too, so the partner's next update does not conflict); AWS announces
 * `Opportunity Updated` to the owner and to every multi-partner receiver whose summary shows this data (§3.9, §5.4).
 */
export function setAwsOpportunityData(services: Services, target: { accountId: string; catalog: Catalog; opportunityId: string }, change: AwsDataChange) {
  return services.store.transaction(async (uow) => {
    const record = await uow.get(opportunityKind, [target.catalog, target.opportunityId]);
    if (!record || !record.visible || record.accountId !== target.accountId) {
      throw new AwsDataTargetError(404, `Account ${target.accountId} has no opportunity ${target.opportunityId} in catalog ${target.catalog}.`);
    }
    if (reviewStatusOf(record) === 'Pending Submission') {
      throw new AwsDataTargetError(409, `Opportunity ${record.id} is Pending Submission: AWS has no opportunity for it until it is submitted.`);
    }
    if (await senderOpportunityOf(uow, record)) {
      throw new AwsDataTargetError(409, `Opportunity ${record.id} was made from another partner's invitation: AWS reviews the sender's opportunity; set the data there.`);
    }
    const updated: OpportunityRecord = { ...record, aws: mergeAwsData(record.aws, change) };
    await saveOpportunity(uow, updated);
    await emitOpportunityEvent(uow, services, updated, 'Opportunity Updated');
    for (const receiver of await receiverOpportunities(uow, updated)) await emitOpportunityEvent(uow, services, receiver, 'Opportunity Updated');
    const outcome = await awsSummaryOf(uow, updated);
    // AWS's owner-only snapshot of its view, in each engagement the opportunity is part of (§4.4).
    if (outcome.kind === 'summary') await writeAwsFullView(uow, services, updated, awsFullView(outcome.summary));
    return { accountId: record.accountId, catalog: record.catalog, opportunityId: record.id, summary: outcome.kind === 'summary' ? outcome.summary : undefined };
  });
}

export const opportunityHandlers: HandlerTable = {
  CreateOpportunity: createOpportunity,
  GetOpportunity: getOpportunity,
  ListOpportunities: listOpportunities,
  UpdateOpportunity: updateOpportunity,
  SubmitOpportunity: submitOpportunityHandler,
  AssignOpportunity: assignOpportunity,
  AssociateOpportunity: associateOpportunity,
  DisassociateOpportunity: disassociateOpportunity,
  GetAwsOpportunitySummary: getAwsOpportunitySummary,
};
