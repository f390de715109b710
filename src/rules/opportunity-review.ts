// AWS's review of partner opportunities, as data: the ReviewStatus state machine (behavior.md §3.2), which
// fields each status lets a partner change (§3.3), what must be complete before AWS accepts a submission
// (§3.4) and the stage requirement for Committed/Launched (§3.4 [DOC D-ASSOC]).
//
// Used by: SubmitOpportunity, StartEngagementFromOpportunityTask (submission step), UpdateOpportunity (locks,
// Sandbox review simulation of decision 17, stage requirement), the accept and lead-conversion tasks (the
// status a new opportunity starts in), and the multi-partner approval that moves receivers with their sender.
//
// Choices this module makes where the spec leaves one ([INF]):
// - AWS's review (simulated or from the control plane) acts only on a submitted opportunity: from Submitted,
//   In review or Action Required (re-validation), never from Pending Submission, Approved or Rejected.
// - An update while Action Required leaves the status alone (§3.2 default); `resubmit-on-update` is the option.
// - A receiver mirrors its sender's Approved and Rejected; any other sender status gives Submitted.
// - The legacy "after Launched only DeliveryModels, AdditionalComments, SoftwareRevenue" lock [OPPCSV] is
//   opt-in (`launchedLocks`), since AWS's API documentation does not state it.
// - A US StateOrRegion is valid as a picklist name (`Washington`) or a USPS code (`WA`), in any case.
// - Completeness: absent or empty → REQUIRED_FIELD_MISSING; a present value that breaks the rule →
//   INVALID_VALUE; a missing Solution → NOT_ENOUGH_VALUES. FieldNames carry no list indexes.
import type { FieldError } from '../errors.js';
import type {
  GetOpportunityResponse,
  ReviewStatus,
  SalesInvolvementType,
  Stage,
} from '../model/generated/types.js';
import { COUNTRIES_WITHOUT_POSTAL_CODE, US_STATES_OR_REGIONS } from '../model/generated/reference-data.js';
import { coveredBy, fieldError, throwIfAny, type Source } from './rule.js';

/** The opportunity as GetOpportunity returns it: every rule here reads this one shape. */
export type OpportunityDocument = GetOpportunityResponse;

// ---------------------------------------------------------------------------------------------------------
// §3.2 The state machine

/** Who moves the status. */
export type ReviewTrigger =
  | 'CreateOpportunity'
  | 'Submit' // SubmitOpportunity or the submission step of StartEngagementFromOpportunityTask
  | 'AwsReview' // AWS's reviewers: the Sandbox simulation of decision 17, or the control plane
  | 'SenderReview' // a multi-partner receiver following its sender's opportunity
  | 'AcceptAwsReferral'
  | 'AcceptPartnerInvitation'
  | 'LeadConversion'; // StartOpportunityFromEngagementTask

export interface ReviewTransition {
  trigger: ReviewTrigger;
  /** `null`: the opportunity is being created. */
  from: readonly (ReviewStatus | null)[];
  to: readonly ReviewStatus[];
  source: Source;
}

export const REVIEW_TRANSITIONS: readonly ReviewTransition[] = [
  { trigger: 'CreateOpportunity', from: [null], to: ['Pending Submission'], source: '§3.2 [DOC D-YOUROPP] [OBS PM]' },
  { trigger: 'LeadConversion', from: [null], to: ['Pending Submission'], source: '§3.2 [OBS L2O]' },
  { trigger: 'AcceptAwsReferral', from: [null], to: ['Approved'], source: '§3.2, §1.5(a) [OBS]; decision 13' },
  { trigger: 'AcceptPartnerInvitation', from: [null], to: ['Submitted', 'Approved', 'Rejected'], source: '§1.5(b) [DOC D-MULTI] [OBS]' },
  // Action Required → Submitted is the resubmission of §3.2's default [INF].
  { trigger: 'Submit', from: ['Pending Submission', 'Action Required'], to: ['Submitted'], source: '§3.2 [DOC D-YOUROPP] [OBS L2O]; §3.2 [INF] resubmit' },
  { trigger: 'AwsReview', from: ['Submitted'], to: ['In review', 'Action Required', 'Approved', 'Rejected'], source: '§3.2 [DOC D-YOUROPP] [MODEL]; decision 17' },
  { trigger: 'AwsReview', from: ['In review'], to: ['Action Required', 'Approved', 'Rejected'], source: '§3.2 [DOC D-YOUROPP] [MODEL]; decision 17' },
  { trigger: 'AwsReview', from: ['Action Required'], to: ['In review', 'Approved', 'Rejected'], source: '§3.2 "re-enters the validation phase" [MODEL, DOC]; §2.3 [OBS PM]' },
  { trigger: 'SenderReview', from: ['Submitted', 'In review', 'Action Required'], to: ['Approved', 'Rejected'], source: '§3.2 [DOC D-MULTI]; Rejected [INF]' },
];

/** The transition that allows `from → to` by `trigger`, if any. */
export function findReviewTransition(trigger: ReviewTrigger, from: ReviewStatus | null, to: ReviewStatus): ReviewTransition | undefined {
  return REVIEW_TRANSITIONS.find((t) => t.trigger === trigger && t.from.includes(from) && t.to.includes(to));
}

const TRIGGER_WORDS: Readonly<Record<ReviewTrigger, string>> = {
  CreateOpportunity: 'a new opportunity',
  Submit: 'submission',
  AwsReview: "AWS's review",
  SenderReview: "the sending partner's review",
  AcceptAwsReferral: 'accepting an AWS referral',
  AcceptPartnerInvitation: "accepting a partner's invitation",
  LeadConversion: 'lead conversion',
};

/** `[]` when allowed; otherwise one INVALID_RESOURCE_STATE error on `lifeCycle.reviewStatus`. */
export function reviewTransitionErrors(trigger: ReviewTrigger, from: ReviewStatus | null, to: ReviewStatus): FieldError[] {
  if (findReviewTransition(trigger, from, to)) return [];
  const origin = from === null ? 'a new opportunity' : `LifeCycle.ReviewStatus ${from}`;
  return [fieldError('lifeCycle.reviewStatus', 'INVALID_RESOURCE_STATE', `${TRIGGER_WORDS[trigger]} can't move ${origin} to ${to}.`)];
}

/** Statuses Sandbox UpdateOpportunity may set to simulate AWS's review (decision 17). */
export const SIMULATED_REVIEW_STATUSES: readonly ReviewStatus[] = ['In review', 'Action Required', 'Approved', 'Rejected'];

/** What a partner update does to the status while Action Required (§3.2 "Unresolved"; configurable). */
export type ActionRequiredUpdatePolicy = 'stays' | 'resubmit-on-update';

export function statusAfterPartnerUpdate(current: ReviewStatus, policy: ActionRequiredUpdatePolicy = 'stays'): ReviewStatus {
  return current === 'Action Required' && policy === 'resubmit-on-update' ? 'Submitted' : current;
}

/** The status a multi-partner receiver's opportunity takes from its sender's (§1.5(b), §3.2). */
export function receiverStatusFor(senderStatus: ReviewStatus): ReviewStatus {
  return senderStatus === 'Approved' || senderStatus === 'Rejected' ? senderStatus : 'Submitted';
}

// ---------------------------------------------------------------------------------------------------------
// §3.3 Field locks by status

export type FieldLock =
  | { kind: 'open' }
  /** Every partner change is refused; AWS (a review simulation changing nothing else) still acts. */
  | { kind: 'blocked'; message: string }
  | { kind: 'editable-only'; fields: readonly string[] }
  | { kind: 'locked'; fields: readonly string[] };

/** Fields as ErrorList names them (dotted lowerCamel). Lists such as expectedCustomerSpend count as one field. */
export const REVIEW_LOCKS: Readonly<Record<ReviewStatus, { lock: FieldLock; source: Source }>> = {
  'Pending Submission': { lock: { kind: 'open' }, source: '§3.3.2 [DOC D-UPDATES]' },
  Submitted: { lock: { kind: 'blocked', message: 'updates are blocked until AWS completes the review' }, source: '§3.3.1 [DOC D-UPDATES] [MODEL]' },
  'In review': { lock: { kind: 'blocked', message: 'updates are blocked until AWS completes the review' }, source: '§3.3.1 [DOC D-UPDATES] [MODEL]' },
  Rejected: { lock: { kind: 'blocked', message: 'AWS rejected it and it is read-only' }, source: '§3.3.5 [MODEL]' },
  'Action Required': {
    lock: {
      kind: 'editable-only',
      fields: [
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
      ],
    },
    source: '§3.3.3 [DOC D-UPDATES]',
  },
  Approved: {
    lock: {
      kind: 'locked',
      fields: [
        'customer.account.address.countryCode',
        'customer.account.address.postalCode',
        'customer.account.industry',
        'customer.account.websiteUrl',
        'project.customerBusinessProblem',
        'partnerOpportunityIdentifier',
        'project.title',
      ],
    },
    source: '§3.3.4 [DOC D-UPDATES]',
  },
};

/** Legacy rule: once Launched, only these stay editable (opt-in, see the header). */
export const LAUNCHED_EDITABLE: { fields: readonly string[]; source: Source } = {
  fields: ['project.deliveryModels', 'project.additionalComments', 'softwareRevenue'],
  source: '§3.3 legacy [OPPCSV]',
};

export interface LockOptions {
  /** The change is AWS's review simulation (decision 17): it passes whole-record blocks if it changes nothing else. */
  simulation?: boolean;
  /** Apply the legacy Launched lock. */
  launchedLocks?: boolean;
  /** The stored stage, for the Launched lock. */
  stage?: Stage;
}

/**
 * The errors for `changes` (dotted paths of partner fields that differ, e.g. from `changedFields`) under the
 * current status: a blocked status is one INVALID_RESOURCE_STATE error, a locked field one ACTION_NOT_PERMITTED each.
 */
export function reviewLockErrors(id: string, status: ReviewStatus, changes: readonly string[], options: LockOptions = {}): FieldError[] {
  const { lock } = REVIEW_LOCKS[status];
  const errors: FieldError[] = [];
  switch (lock.kind) {
    case 'open':
      break;
    case 'blocked':
      if (!options.simulation) {
        return [fieldError('lifeCycle.reviewStatus', 'INVALID_RESOURCE_STATE', `Opportunity ${id} can't be updated while its LifeCycle.ReviewStatus is ${status}: ${lock.message}.`)];
      }
      if (changes.length > 0) {
        // Usually a reviewer who sent only LifeCycle: UpdateOpportunity replaces the whole record, so say what would change.
        const shown = changes.length > 5 ? `${changes.slice(0, 5).join(', ')} and ${changes.length - 5} more` : changes.join(', ');
        return [
          fieldError(
            'lifeCycle.reviewStatus',
            'INVALID_RESOURCE_STATE',
            `Opportunity ${id} is ${status}: a review may change LifeCycle.ReviewStatus and its comments only, and UpdateOpportunity replaces the whole opportunity, so send the rest back as GetOpportunity returns it; this request changes ${shown}.`,
          ),
        ];
      }
      return [];
    case 'editable-only':
      for (const path of changes) {
        if (!coveredBy(path, lock.fields)) errors.push(fieldError(path, 'ACTION_NOT_PERMITTED', `${path} can't be changed while LifeCycle.ReviewStatus is ${status}.`));
      }
      break;
    case 'locked':
      for (const path of changes) {
        if (coveredBy(path, lock.fields)) errors.push(fieldError(path, 'ACTION_NOT_PERMITTED', `${path} can't be changed once LifeCycle.ReviewStatus is ${status}.`));
      }
      break;
  }
  if (options.launchedLocks && options.stage === 'Launched') {
    for (const path of changes) {
      const already = errors.some((e) => e.FieldName === path);
      if (!already && !coveredBy(path, LAUNCHED_EDITABLE.fields)) {
        errors.push(fieldError(path, 'ACTION_NOT_PERMITTED', `${path} can't be changed once LifeCycle.Stage is Launched.`));
      }
    }
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------
// §3.4 Completeness at submission

export interface SubmissionContext {
  opportunity: OpportunityDocument;
  /** The submission's InvolvementType; For Visibility Only needs no PrimaryNeedsFromAws (§3.4 [OBS]). */
  involvementType?: SalesInvolvementType;
  /** Today on the emulator's clock, YYYY-MM-DD. */
  today: string;
}

export interface CompletenessRule {
  field: string;
  source: Source;
  /** The rule applies only when this holds. */
  when?: (s: SubmissionContext) => boolean;
  /** `undefined` when satisfied; otherwise the error code and message. */
  check: (s: SubmissionContext) => Pick<FieldError, 'Code' | 'Message'> | undefined;
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

function required(field: string, read: (o: OpportunityDocument) => unknown, source: Source, when?: CompletenessRule['when'], why = ''): CompletenessRule {
  return {
    field,
    source,
    ...(when ? { when } : {}),
    check: (s) => (isBlank(read(s.opportunity)) ? { Code: 'REQUIRED_FIELD_MISSING', Message: `${field} is required to submit the opportunity${why}.` } : undefined),
  };
}

/** Only if … then must be absent. */
function absent(field: string, read: (o: OpportunityDocument) => unknown, source: Source, when: CompletenessRule['when'], why: string): CompletenessRule {
  return {
    field,
    source,
    when,
    check: (s) => (isBlank(read(s.opportunity)) ? undefined : { Code: 'INVALID_VALUE', Message: `${field} must be empty ${why}.` }),
  };
}

const account = (o: OpportunityDocument) => o.Customer?.Account;
const notNationalSecurity = (s: SubmissionContext) => s.opportunity.NationalSecurity !== 'Yes';
const countryOf = (o: OpportunityDocument) => account(o)?.Address?.CountryCode;
const marketingSource = (s: SubmissionContext) => s.opportunity.Marketing?.Source;
const coSell = (s: SubmissionContext) => s.involvementType !== 'For Visibility Only';
const OPPCSV = '§3.4 [OPPCSV] Inbound - Mandatory';

/** The value AWS writes for For Visibility Only submissions; not in the model's enum (§1.5(b), §3.4 [OBS]). */
export const NO_SUPPORT_NEEDED = 'Do Not Need Support from AWS Sales Rep';

const CUSTOMER_BUSINESS_PROBLEM_MIN = 20;

export const COMPLETENESS_RULES: readonly CompletenessRule[] = [
  required('customer.account.companyName', (o) => account(o)?.CompanyName, OPPCSV, notNationalSecurity, ' unless NationalSecurity is Yes'),
  required('customer.account.industry', (o) => account(o)?.Industry, OPPCSV),
  required('customer.account.otherIndustry', (o) => account(o)?.OtherIndustry, OPPCSV, (s) => account(s.opportunity)?.Industry === 'Other', ' when Industry is Other'),
  required('customer.account.websiteUrl', (o) => account(o)?.WebsiteUrl, OPPCSV, notNationalSecurity, ' unless NationalSecurity is Yes'),
  required('customer.account.address.countryCode', countryOf, OPPCSV),
  required(
    'customer.account.address.postalCode',
    (o) => account(o)?.Address?.PostalCode,
    `${OPPCSV}; ../shared/data/CountriesWithoutPostalCode.csv`,
    (s) => {
      const country = countryOf(s.opportunity);
      return country !== undefined && !COUNTRIES_WITHOUT_POSTAL_CODE.has(country);
    },
    ' for a country with postal codes',
  ),
  {
    field: 'customer.account.address.stateOrRegion',
    source: `${OPPCSV}: "if country = US (must be a valid US state)"; ../shared/data/Opportunity_-_StandardValues.csv`,
    when: (s) => countryOf(s.opportunity) === 'US',
    check: (s) => {
      const state = account(s.opportunity)?.Address?.StateOrRegion;
      if (isBlank(state)) return { Code: 'REQUIRED_FIELD_MISSING', Message: 'customer.account.address.stateOrRegion is required for a US address.' };
      return isUsState(state!) ? undefined : { Code: 'INVALID_VALUE', Message: `'${state}' is not a US state or region (for example Washington or Dist. of Columbia).` };
    },
  },
  {
    field: 'lifeCycle.targetCloseDate',
    source: `${OPPCSV}: "not in the past"`,
    check: (s) => {
      const date = s.opportunity.LifeCycle?.TargetCloseDate;
      if (isBlank(date)) return { Code: 'REQUIRED_FIELD_MISSING', Message: 'lifeCycle.targetCloseDate is required to submit the opportunity.' };
      return date! < s.today ? { Code: 'INVALID_VALUE', Message: `lifeCycle.targetCloseDate ${date} is in the past (today is ${s.today}).` } : undefined;
    },
  },
  required('project.title', (o) => o.Project?.Title, OPPCSV),
  {
    field: 'project.customerBusinessProblem',
    source: `${OPPCSV}: ≥ 20 characters; [MODEL] EngagementCustomerBusinessProblem 20–2000`,
    check: (s) => {
      const problem = s.opportunity.Project?.CustomerBusinessProblem;
      if (isBlank(problem)) return { Code: 'REQUIRED_FIELD_MISSING', Message: 'project.customerBusinessProblem is required to submit the opportunity.' };
      return problem!.length < CUSTOMER_BUSINESS_PROBLEM_MIN
        ? { Code: 'INVALID_VALUE', Message: `project.customerBusinessProblem must be at least ${CUSTOMER_BUSINESS_PROBLEM_MIN} characters long, not ${problem!.length}.` }
        : undefined;
    },
  },
  required('project.customerUseCase', (o) => o.Project?.CustomerUseCase, OPPCSV),
  required('project.deliveryModels', (o) => o.Project?.DeliveryModels, OPPCSV),
  // AWS took a For Visibility Only submission without sales activities (§3.4 [OBS PM LeadToOpportunity]).
  required('project.salesActivities', (o) => o.Project?.SalesActivities, `${OPPCSV}; For Visibility Only exempt §3.4 [OBS PM]`, coSell, ' for a Co-Sell submission'),
  {
    field: 'project.expectedCustomerSpend',
    source: `${OPPCSV}: ExpectedCustomerSpend[].Amount > 0`,
    check: (s) => {
      const spend = s.opportunity.Project?.ExpectedCustomerSpend ?? [];
      if (spend.length === 0) return { Code: 'REQUIRED_FIELD_MISSING', Message: 'project.expectedCustomerSpend needs at least one entry to submit the opportunity.' };
      return undefined;
    },
  },
  {
    field: 'project.expectedCustomerSpend.amount',
    source: `${OPPCSV}: ExpectedCustomerSpend[].Amount > 0`,
    when: (s) => (s.opportunity.Project?.ExpectedCustomerSpend ?? []).length > 0,
    check: (s) => {
      const amounts = (s.opportunity.Project?.ExpectedCustomerSpend ?? []).map((e) => e.Amount);
      if (amounts.some((a) => isBlank(a))) return { Code: 'REQUIRED_FIELD_MISSING', Message: 'Every project.expectedCustomerSpend entry needs an Amount to submit the opportunity.' };
      const zero = amounts.find((a) => !(Number(a) > 0));
      return zero === undefined ? undefined : { Code: 'INVALID_VALUE', Message: `project.expectedCustomerSpend.amount must be greater than 0, not ${zero}.` };
    },
  },
  required('project.relatedOpportunityIdentifier', (o) => o.Project?.RelatedOpportunityIdentifier, OPPCSV, (s) => s.opportunity.OpportunityType === 'Flat Renewal', ' when OpportunityType is Flat Renewal'),
  required('project.otherCompetitorNames', (o) => o.Project?.OtherCompetitorNames, OPPCSV, (s) => s.opportunity.Project?.CompetitorName === '*Other', ' when CompetitorName is *Other'),
  required('marketing.source', (o) => o.Marketing?.Source, OPPCSV),
  required('marketing.awsFundingUsed', (o) => o.Marketing?.AwsFundingUsed, OPPCSV, (s) => marketingSource(s) === 'Marketing Activity', ' when Marketing.Source is Marketing Activity'),
  absent('marketing.campaignName', (o) => o.Marketing?.CampaignName, OPPCSV, (s) => marketingSource(s) === 'None', 'when Marketing.Source is None'),
  absent('marketing.channels', (o) => o.Marketing?.Channels, OPPCSV, (s) => marketingSource(s) === 'None', 'when Marketing.Source is None'),
  absent('marketing.useCases', (o) => o.Marketing?.UseCases, OPPCSV, (s) => marketingSource(s) === 'None', 'when Marketing.Source is None'),
  absent('marketing.awsFundingUsed', (o) => o.Marketing?.AwsFundingUsed, OPPCSV, (s) => marketingSource(s) === 'None', 'when Marketing.Source is None'),
  required('primaryNeedsFromAws', (o) => o.PrimaryNeedsFromAws, `${OPPCSV}; For Visibility Only exempt §3.4 [OBS PM]`, coSell, ' for a Co-Sell submission'),
  required('lifeCycle.closedLostReason', (o) => o.LifeCycle?.ClosedLostReason, OPPCSV, (s) => s.opportunity.LifeCycle?.Stage === 'Closed Lost', ' when Stage is Closed Lost'),
  {
    field: 'relatedEntityIdentifiers.solutions',
    source: '§3.4, §3.8 [DOC D-ASSOC] "at least 1 required before StartEngagementFromOpportunityTask"',
    check: (s) =>
      (s.opportunity.RelatedEntityIdentifiers?.Solutions ?? []).length > 0
        ? undefined
        : { Code: 'NOT_ENOUGH_VALUES', Message: 'Associate at least one solution (AssociateOpportunity, RelatedEntityType Solutions) before submitting the opportunity.' },
  },
];

/**
 * USPS two-letter codes of the same states and regions [INF]: connectors (and this emulator's own referral
 * defaults) often send `WA` rather than the picklist's `Washington`.
 */
const USPS_CODES = 'AL AK AS AZ AR CA CO CT DE DC FM FL GA GU HI ID IL IN IA KS KY LA ME MH MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND MP OH OK OR PW PA PR RI SC SD TN TX UT VT VA VI WA WV WI WY AA AE AP';

const US_STATES_LOWER = new Set([...US_STATES_OR_REGIONS, ...USPS_CODES.split(' ')].map((s) => s.toLowerCase()));

/** A US StateOrRegion from AWS's picklist or its USPS code, compared without regard to case. */
export function isUsState(value: string): boolean {
  return US_STATES_LOWER.has(value.trim().toLowerCase());
}

/** Every completeness rule the opportunity breaks, in table order; `[]` when it may be submitted. */
export function submissionErrors(context: SubmissionContext): FieldError[] {
  const errors: FieldError[] = [];
  for (const rule of COMPLETENESS_RULES) {
    if (rule.when && !rule.when(context)) continue;
    const broken = rule.check(context);
    if (broken) errors.push({ FieldName: rule.field, Code: broken.Code, Message: broken.Message });
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------------------
// Rules on every write (create and update), not only at submission

export interface ConsistencyRule {
  field: string;
  source: Source;
  check: (o: OpportunityDocument) => string | undefined;
}

const CO_SELL_PREFIX = 'Co-Sell';

export const CONSISTENCY_RULES: readonly ConsistencyRule[] = [
  {
    field: 'nationalSecurity',
    source: '§3.4 [OPPCSV, MODEL]: "Yes only allowed when Industry=Government"',
    check: (o) => (o.NationalSecurity === 'Yes' && account(o)?.Industry !== 'Government' ? 'NationalSecurity can be Yes only when Customer.Account.Industry is Government.' : undefined),
  },
  {
    field: 'primaryNeedsFromAws',
    source: '§3.4 [OPPCSV]: "Cannot select co-sell picklist values along with \'Do not need support from AWS Sales Rep\'"',
    check: (o) => {
      const needs = (o.PrimaryNeedsFromAws ?? []) as readonly string[];
      return needs.includes(NO_SUPPORT_NEEDED) && needs.some((n) => n.startsWith(CO_SELL_PREFIX))
        ? `'${NO_SUPPORT_NEEDED}' can't be combined with Co-Sell needs.`
        : undefined;
    },
  },
];

/** INVALID_VALUE for each consistency rule the document breaks. */
export function consistencyErrors(opportunity: OpportunityDocument): FieldError[] {
  return CONSISTENCY_RULES.flatMap((rule) => {
    const message = rule.check(opportunity);
    return message ? [fieldError(rule.field, 'INVALID_VALUE', message)] : [];
  });
}

/**
 * §3.4 [OPPCSV]: "Cannot move from one of the co-sell values to 'Do not need support…'" and "cannot be changed
 * back to For visibility only once it's switched to Co-sell".
 */
export function primaryNeedsChangeErrors(before: OpportunityDocument, after: OpportunityDocument): FieldError[] {
  const was = (before.PrimaryNeedsFromAws ?? []) as readonly string[];
  const now = (after.PrimaryNeedsFromAws ?? []) as readonly string[];
  if (was.some((n) => n.startsWith(CO_SELL_PREFIX)) && now.includes(NO_SUPPORT_NEEDED)) {
    return [fieldError('primaryNeedsFromAws', 'ACTION_NOT_PERMITTED', `An opportunity with Co-Sell needs can't change to '${NO_SUPPORT_NEEDED}'.`)];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// Stage requirement

/** Stages that need a solution or AWS Marketplace listing associated (§3.4 [DOC D-ASSOC]). */
export const STAGES_NEEDING_A_LISTING: readonly Stage[] = ['Committed', 'Launched'];

export function hasSolutionOrListing(o: OpportunityDocument): boolean {
  const r = o.RelatedEntityIdentifiers;
  return [r?.Solutions, r?.AwsMarketplaceSolutions, r?.AwsMarketplaceProducts].some((list) => (list ?? []).length > 0);
}

/**
 * NOT_ENOUGH_VALUES when the document's stage needs an associated solution or listing it lacks. Call it when
 * the stage changes (UpdateOpportunity) and before removing an association (DisassociateOpportunity).
 */
export function stageRequirementErrors(o: OpportunityDocument): FieldError[] {
  const stage = o.LifeCycle?.Stage;
  if (stage === undefined || !STAGES_NEEDING_A_LISTING.includes(stage) || hasSolutionOrListing(o)) return [];
  return [
    fieldError(
      'relatedEntityIdentifiers.solutions',
      'NOT_ENOUGH_VALUES',
      `To move the opportunity to ${stage}, associate a solution or an AWS Marketplace solution or product first.`,
    ),
  ];
}

// Decision 17 as used by UpdateOpportunity: whether a request simulates AWS's review, and whether AWS could.

/**
 * The review status an UpdateOpportunity simulates, if any: only in Sandbox, only a reviewer's status, only
 * when it differs from the current one. In the AWS catalog (and for any other value) the review members of
 * the request are read-only and ignored (decision 17).
 */
export function simulatedReview(catalog: string, current: ReviewStatus, sent: ReviewStatus | undefined): ReviewStatus | undefined {
  if (catalog !== 'Sandbox' || sent === undefined || sent === current) return undefined;
  return SIMULATED_REVIEW_STATUSES.includes(sent) ? sent : undefined;
}

/** Refuses a review AWS could not make from the current status (e.g. reviewing an unsubmitted opportunity). */
export function checkReviewTransition(current: ReviewStatus, to: ReviewStatus): void {
  throwIfAny(reviewTransitionErrors('AwsReview', current, to));
}

