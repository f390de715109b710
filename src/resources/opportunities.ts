// Opportunities: CreateOpportunity, GetOpportunity, ListOpportunities and UpdateOpportunity, plus the helpers
// other modules use to read, store, touch and announce opportunities (behavior.md §3). Every request runs in
// one store transaction, so a failure leaves nothing behind.
import { arns } from '../arns.js';
import type { Handler, HandlerTable, Services } from '../context.js';
import { ConflictException, ResourceNotFoundException, ValidationException, type FieldError } from '../errors.js';
import type { DetailType } from '../events/outbox.js';
import type {
  CreateOpportunityRequest,
  CreateOpportunityResponse,
  ExpectedCustomerSpend,
  GetOpportunityResponse,
  LifeCycle,
  ListOpportunitiesRequest,
  NextStepsHistory,
  OpportunitySortName,
  OpportunitySummary,
  Project,
  RelatedEntityIdentifiers,
  ReviewStatus,
  UpdateOpportunityRequest,
} from '../model/generated/types.js';
import { projectOnto } from '../model/project.js';
import { fieldPath, parseTimestamp } from '../model/validate.js';
import { opportunityKind } from '../store/kinds.js';
import type { Catalog, OpportunityData, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { approveReceiverOpportunities, simulateAwsReferral } from './engagement-invitations.js';
import { associate } from '../rules/associations.js'; // (i7-tasks block at the end)
import { businessValidation } from '../rules/rule.js'; // (i7-tasks block at the end)
import { canonicalJson as canonical, idempotent } from './idempotency.js';
import { pageFromStore } from './pagination.js';
import { snapshotOnChange } from './resource-snapshots.js';
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
  await uow.put(opportunityKind, record);
}

/**
 * The caller's opportunity, or ResourceNotFoundException when it does not exist, belongs to another account or
 * is a hidden simulated referral: accounts never learn about each other's opportunities.
 */
export async function findVisibleOpportunity(uow: UnitOfWork, accountId: string, catalog: Catalog, id: string): Promise<OpportunityRecord> {
  const record = await uow.get(opportunityKind, [catalog, id]);
  if (!record || !record.visible || record.accountId !== accountId) {
    throw new ResourceNotFoundException(`Opportunity ${id} was not found in catalog ${catalog}.`);
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
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
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
// Deal sizing: ExpectedContractDuration (May 2026)

/** The model types Value as any string; AWS documents "an integer … from 1 to 144" months. */
function checkContractDuration(project: Project | undefined): void {
  const value = project?.ExpectedContractDuration?.Value;
  if (value === undefined) return;
  const months = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(months >= 1 && months <= 144)) {
    throw ValidationException.business(
      'project.expectedContractDuration.value',
      'INVALID_VALUE',
      `ExpectedContractDuration.Value must be a whole number of months from 1 to 144, not '${value}'.`,
    );
  }
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
  checkContractDuration(input.Project);
  return services.store.transaction((uow) =>
    idempotent<CreateOpportunityResponse>(ctx, uow, { ...input }, async () => {
      const id = await services.ids.opportunityId(uow);
      const createdAt = nowIso(services);
      const fields = partnerFields(input);
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
        await simulateAwsReferral(uow, services, record);
      }
      return defined({ Id: id, PartnerOpportunityIdentifier: input.PartnerOpportunityIdentifier, LastModifiedDate: createdAt });
    }),
  );
};

// ---------------------------------------------------------------------------------------------------------
// GetOpportunity

const getOpportunity: Handler<'GetOpportunity'> = (ctx, input) =>
  ctx.services.store.transaction(async (uow) => opportunityView(await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier)), {
    readOnly: true,
  });

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

/** Statuses an update may set in Sandbox to simulate AWS's review (decision 17). */
const SIMULATED_REVIEW_STATUSES: ReadonlySet<ReviewStatus> = new Set(['Approved', 'Action Required', 'Rejected', 'In review']);

/** behavior.md §3.3: the only fields editable while Action Required (dotted lowerCamel, as ErrorList names them). */
const ACTION_REQUIRED_EDITABLE = [
  'customer.account.address.city',
  'customer.account.address.countryCode',
  'customer.account.address.postalCode',
  'customer.account.address.stateOrRegion',
  'customer.account.address.streetAddress',
  'customer.account.websiteUrl',
  'lifeCycle.targetCloseDate',
  'project.expectedCustomerSpend',
  'project.customerBusinessProblem',
  'partnerOpportunityIdentifier',
];

/** behavior.md §3.3: fields that may no longer change once Approved. */
const APPROVED_LOCKED = [
  'customer.account.address.countryCode',
  'customer.account.address.postalCode',
  'customer.account.industry',
  'customer.account.websiteUrl',
  'project.customerBusinessProblem',
  'partnerOpportunityIdentifier',
  'project.title',
];

function coveredBy(path: string, fields: readonly string[]): boolean {
  return fields.some((f) => path === f || path.startsWith(`${f}.`));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Dotted lowerCamel paths of the leaves that differ; lists compare as a whole. */
function changedFields(before: unknown, after: unknown, path = '', out: string[] = []): string[] {
  if (isPlainObject(before) || isPlainObject(after)) {
    const b = isPlainObject(before) ? before : {};
    const a = isPlainObject(after) ? after : {};
    for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) changedFields(b[key], a[key], fieldPath(path, key), out);
  } else if (canonical(before) !== canonical(after)) {
    out.push(path);
  }
  return out;
}

function staleError(id: string, sent: string): ConflictException {
  return new ConflictException(
    `The opportunity ${id} was modified after the LastModifiedDate you provided (${sent}). Get the latest LastModifiedDate with GetOpportunity and try again.`,
  );
}

/**
 * Whether the current review status lets these changes through (behavior.md §3.3). A Sandbox review
 * simulation is AWS acting, so it passes the whole-record blocks of Submitted / In review / Rejected, but
 * only when it changes nothing the partner owns: partner edits are always judged by the *current* status.
 */
function checkReviewLocks(id: string, current: ReviewStatus, changes: string[], simulation: boolean): void {
  switch (current) {
    case 'Submitted':
    case 'In review':
      if (!simulation || changes.length > 0) {
        throw ValidationException.business(
          'lifeCycle.reviewStatus',
          'INVALID_RESOURCE_STATE',
          `Opportunity ${id} can't be updated while its LifeCycle.ReviewStatus is ${current}; updates are blocked until AWS completes the review.`,
        );
      }
      return;
    case 'Rejected':
      if (!simulation || changes.length > 0) {
        throw ValidationException.business(
          'lifeCycle.reviewStatus',
          'INVALID_RESOURCE_STATE',
          `Opportunity ${id} was rejected by AWS and is read-only.`,
        );
      }
      return;
    case 'Action Required':
      rejectFields(
        changes.filter((path) => !coveredBy(path, ACTION_REQUIRED_EDITABLE)),
        (path) => `${path} can't be changed while LifeCycle.ReviewStatus is Action Required.`,
        `Opportunity ${id} is in Action Required: only the fields AWS asked to review can be changed`,
      );
      return;
    case 'Approved':
      rejectFields(
        changes.filter((path) => coveredBy(path, APPROVED_LOCKED)),
        (path) => `${path} can't be changed once LifeCycle.ReviewStatus is Approved.`,
        `Opportunity ${id} is Approved: some of the changed fields are locked`,
      );
      return;
    case 'Pending Submission':
      return;
  }
}

function rejectFields(paths: string[], describe: (path: string) => string, summary: string): void {
  if (paths.length === 0) return;
  const errorList: FieldError[] = paths.map((path) => ({ FieldName: path, Code: 'ACTION_NOT_PERMITTED', Message: describe(path) }));
  throw new ValidationException(`${summary} (${paths.join(', ')}).`, errorList, 'BUSINESS_VALIDATION_FAILED');
}

const updateOpportunity: Handler<'UpdateOpportunity'> = (ctx, input) => {
  const { services } = ctx;
  return services.store.transaction(async (uow) => {
    const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.Identifier);
    // Decision 3: compare at millisecond precision, whatever RFC 3339 form the client sends back.
    if (instant(input.LastModifiedDate) !== Date.parse(record.lastModifiedAt)) throw staleError(record.id, input.LastModifiedDate);

    const stored = record.data.LifeCycle;
    const current: ReviewStatus = stored?.ReviewStatus ?? 'Pending Submission';
    const sentStatus = input.LifeCycle?.ReviewStatus;
    // Decision 17: in Sandbox a different reviewer status simulates AWS's review; otherwise (and always in the
    // AWS catalog) the review members of the request are read-only and ignored.
    const simulated =
      ctx.catalog === 'Sandbox' && sentStatus !== undefined && SIMULATED_REVIEW_STATUSES.has(sentStatus) && sentStatus !== current
        ? sentStatus
        : undefined;

    checkContractDuration(input.Project);
    const requested = partnerFields(input);
    const fields = defined({ ...requested, Project: projectAfterUpdate(ctx.sent, requested.Project, record.data.Project) });
    checkReviewLocks(record.id, current, changedFields(storedPartnerFields(record.data), fields), simulated !== undefined);

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
    await saveOpportunity(uow, updated);
    await emitOpportunityEvent(uow, services, updated, 'Opportunity Updated');
    await snapshotOnChange(uow, services, updated);
    if (simulated === 'Approved') await approveReceiverOpportunities(uow, services, updated);
    return { Id: updated.id, LastModifiedDate: modifiedAt };
  });
};

export const opportunityHandlers: HandlerTable = {
  CreateOpportunity: createOpportunity,
  GetOpportunity: getOpportunity,
  ListOpportunities: listOpportunities,
  UpdateOpportunity: updateOpportunity,
};


// --- used by StartEngagementFromOpportunityTask (i7-tasks) ---
// Minimal stand-ins for what i7-opportunity owns (SubmitOpportunity, AssociateOpportunity): the lead keeps one
// version at merge. `opportunityTaskSupportHandlers` is spread before `opportunityHandlers`, so the real
// AssociateOpportunity there takes precedence.

/** Submission (behavior.md §3.6): ReviewStatus Submitted, a new LastModifiedDate, `Opportunity Updated`. */
export async function submitOpportunity(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord): Promise<OpportunityRecord> {
  const submitted: OpportunityRecord = {
    ...opportunity,
    lastModifiedAt: nextModifiedDate(services, opportunity.lastModifiedAt),
    data: { ...opportunity.data, LifeCycle: { ...opportunity.data.LifeCycle, ReviewStatus: 'Submitted' } },
  };
  await saveOpportunity(uow, submitted);
  await emitOpportunityEvent(uow, services, submitted, 'Opportunity Updated');
  return submitted;
}

export const opportunityTaskSupportHandlers: HandlerTable = {
  /** AssociateOpportunity on the rules module's verdict (no solution catalogue check, no snapshot distinction). */
  AssociateOpportunity(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const record = await findVisibleOpportunity(uow, ctx.accountId, ctx.catalog, input.OpportunityIdentifier);
      const outcome = associate(record.data.RelatedEntityIdentifiers, input.RelatedEntityType, input.RelatedEntityIdentifier);
      if (outcome.kind === 'invalid') throw businessValidation(outcome.errors);
      if (outcome.kind !== 'changed') return;
      const updated: OpportunityRecord = {
        ...record,
        lastModifiedAt: nextModifiedDate(ctx.services, record.lastModifiedAt),
        data: { ...record.data, RelatedEntityIdentifiers: outcome.next },
      };
      await saveOpportunity(uow, updated);
      await emitOpportunityEvent(uow, ctx.services, updated, 'Opportunity Updated');
      await snapshotOnChange(uow, ctx.services, updated);
    });
  },
};
// --- end of block used by StartEngagementFromOpportunityTask (i7-tasks) ---
