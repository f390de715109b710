// Deal sizing: the Total Contract Value (TCV) rules of ExpectedCustomerSpend / ExpectedContractDuration and the
// EstimationUrl outcomes (behavior.md §3.5 [DOC D-DEAL]; the developer guide's "Working with deal sizing
// insights" and the current model's member docs). Messages are AWS's documented texts where AWS documents one.
//
// Used by: CreateOpportunity and UpdateOpportunity (`applyDealSizing`, before anything is stored); the
// validator leaves the EstimationUrl pattern of those two requests to this module (src/model/validate.ts).
//
// What AWS documents and this module does:
// - TCV mode: `ExpectedContractDuration` (1–144 months) with one `TargetCompany: "Self"` entry holding the deal
//   value (`Frequency: "None"`). Each broken rule is an INVALID_VALUE entry of a BUSINESS_VALIDATION_FAILED
//   ValidationException, with AWS's FieldName and Message.
// - On UpdateOpportunity a duration without a Self entry takes the stored Self entry back ("the system
//   reconstructs the Self entry automatically"); only when none is stored is it an error.
// - Without a duration, only `AWS` is a TargetCompany: other values become `AWS` (model doc), except `Self`,
//   which is the documented "ExpectedContractDuration is required" error.
// - EstimationUrl: valid → kept; invalid beside an Amount → dropped silently (Amount kept); invalid alone →
//   refused ("The provided Estimation URL is invalid"). Self and an EstimationUrl in one request → refused.
//
// Choices ([INF]):
// - A valid EstimationUrl is one matching the model's pattern (`calculator.aws` or `pricing.calculator.aws.eu`,
//   32–64 hex id); the emulator cannot resolve estimates, so any such URL counts as resolvable, its Amount is
//   whatever the partner sent (absent when none was sent) and a mismatch is never detected.
// - `Frequency: "None"` is accepted although the model's enum lists only `Monthly` (the member doc and the
//   guide's examples require it for Self entries). Self entries need `None`, AWS entries `Monthly`; these two
//   messages are the emulator's, as are "CurrencyCode must be USD or EUR", the aws-eusc one and the 1–144 one.
// - USD/EUR and the aws-eusc EUR rule apply to every opportunity write (the model and the guide state them
//   without condition); currencies must match between entries in TCV mode.
// - AWS's AI conversion of TCV into an AWS MRR entry is stood in for by arithmetic: when a valid TCV project
//   has no AWS entry, one is added in front with the Self amount divided by the months, rounded to cents, in
//   the Self entry's currency. An AWS entry the partner sends is kept as sent.
// - Rule errors come before EstimationUrl errors; the Reason is BUSINESS_VALIDATION_FAILED for both (the
//   guide's example `Reason: "INVALID_VALUE"` is outside the model's enum).
import type { FieldError } from '../errors.js';
import { shapes } from '../model/generated/shapes.js';
import type { ExpectedCustomerSpend, Project } from '../model/generated/types.js';
import { compilePattern } from '../model/pattern.js';
import { fieldError, type Source } from './rule.js';

export const SELF = 'Self';
export const AWS = 'AWS';
/** The Frequency of a one-time deal value (Self entries). */
export const ONE_TIME = 'None';
const MONTHLY = 'Monthly' as const;
const TCV_CURRENCIES: readonly string[] = ['USD', 'EUR'];

export interface DealSizingRule {
  field: string;
  message: string;
  source: Source;
  /** Whether the project breaks the rule. */
  broken: (p: Project) => boolean;
}

/** The Frequency as sent: `None` is outside the model's enum (see the header), so the type says only Monthly. */
const frequencyOf = (e: ExpectedCustomerSpend): string => e.Frequency;
const spend = (p: Project): readonly ExpectedCustomerSpend[] => p.ExpectedCustomerSpend ?? [];
const selfEntries = (p: Project) => spend(p).filter((e) => e.TargetCompany === SELF);

/** TCV mode: the partner sizes the whole contract, not only monthly AWS spend. */
export function isTcvMode(p: Project): boolean {
  return p.ExpectedContractDuration !== undefined || selfEntries(p).length > 0;
}

/** The duration in months, or NaN unless it is a whole number from 1 to 144. */
function contractMonths(p: Project): number {
  const value = p.ExpectedContractDuration?.Value;
  const months = value !== undefined && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  return months >= 1 && months <= 144 ? months : NaN;
}

const D_DEAL = '§3.5 [DOC D-DEAL]';

export const DEAL_SIZING_RULES: readonly DealSizingRule[] = [
  {
    field: 'project.expectedContractDuration.value',
    message: 'ExpectedContractDuration.Value must be a whole number of months from 1 to 144.',
    source: `${D_DEAL}; API_ExpectedContractDuration "Valid values range from 1 to 144" [INF message]`,
    broken: (p) => p.ExpectedContractDuration !== undefined && Number.isNaN(contractMonths(p)),
  },
  {
    field: 'project.expectedContractDuration',
    message: 'ExpectedContractDuration is required when a Self entry is present',
    source: D_DEAL,
    broken: (p) => selfEntries(p).length > 0 && p.ExpectedContractDuration === undefined,
  },
  {
    field: 'project.expectedCustomerSpend',
    message: 'A Self entry is required when ExpectedContractDuration is present',
    source: `${D_DEAL}; on update only when no Self entry is stored`,
    broken: (p) => p.ExpectedContractDuration !== undefined && selfEntries(p).length === 0,
  },
  {
    field: 'project.expectedCustomerSpend',
    message: 'Only one Self entry is allowed',
    source: D_DEAL,
    broken: (p) => selfEntries(p).length > 1,
  },
  {
    field: 'project.expectedCustomerSpend.targetCompany',
    message: "TargetCompany must be 'AWS' or 'Self'",
    source: `${D_DEAL} "Invalid TargetCompany when duration present"`,
    broken: (p) => p.ExpectedContractDuration !== undefined && spend(p).some((e) => e.TargetCompany !== AWS && e.TargetCompany !== SELF),
  },
  {
    field: 'project.expectedCustomerSpend.currencyCode',
    message: 'CurrencyCode must match between entries',
    source: `${D_DEAL} "Currency mismatch between AWS and Self"`,
    broken: (p) => isTcvMode(p) && new Set(spend(p).map((e) => e.CurrencyCode)).size > 1,
  },
  {
    field: 'project.expectedCustomerSpend.currencyCode',
    message: 'CurrencyCode must be USD or EUR',
    source: `${D_DEAL} "The CurrencyCode field accepts USD and EUR"; API_ExpectedCustomerSpend [INF message]`,
    broken: (p) => spend(p).some((e) => !TCV_CURRENCIES.includes(e.CurrencyCode)),
  },
  {
    field: 'project.expectedCustomerSpend.currencyCode',
    message: 'CurrencyCode must be EUR when AwsPartition is aws-eusc',
    source: `${D_DEAL}; API_ExpectedCustomerSpend "If the AWS Partition is aws-eusc … must be EUR" [INF message]`,
    broken: (p) => p.AwsPartition === 'aws-eusc' && spend(p).some((e) => e.CurrencyCode !== 'EUR'),
  },
  {
    field: 'project.expectedCustomerSpend.estimationUrl',
    message: 'Self entry and EstimationUrl cannot coexist',
    source: D_DEAL,
    broken: (p) => selfEntries(p).length > 0 && spend(p).some((e) => e.EstimationUrl !== undefined),
  },
  {
    field: 'project.expectedCustomerSpend.frequency',
    message: "Frequency must be 'None' for a Self entry",
    source: `${D_DEAL} "TargetCompany as Self and Frequency as None"; ExpectedCustomerSpend.Frequency doc [INF message]`,
    broken: (p) => selfEntries(p).some((e) => frequencyOf(e) !== ONE_TIME),
  },
  {
    field: 'project.expectedCustomerSpend.frequency',
    message: "Frequency must be 'Monthly' for an AWS entry",
    source: `ExpectedCustomerSpend.Frequency doc "Monthly … (required for TargetCompany: AWS entries)" [INF message]`,
    broken: (p) => spend(p).some((e) => e.TargetCompany === AWS && frequencyOf(e) !== MONTHLY),
  },
];

/** Every deal-sizing rule the project breaks (INVALID_VALUE each), in table order. */
export function dealSizingErrors(project: Project | undefined): FieldError[] {
  if (!project) return [];
  return DEAL_SIZING_RULES.filter((r) => r.broken(project)).map((r) => fieldError(r.field, 'INVALID_VALUE', r.message));
}

/** The model's EstimationUrl pattern, compiled once. */
const ESTIMATION_URL = compilePattern(estimationUrlPattern());

function estimationUrlPattern(): string {
  const def = shapes.EstimationUrl;
  if (def?.type !== 'string' || def.pattern === undefined) throw new Error('deal sizing: the model has no EstimationUrl pattern');
  return def.pattern;
}

export function isValidEstimationUrl(url: string): boolean {
  return ESTIMATION_URL.test(url);
}

/** The top-level Message of the invalid-URL ValidationException (§3.5 [DOC D-DEAL]). */
export const INVALID_URL_MESSAGE = 'The provided Estimation URL is invalid';

/**
 * What happens to one spend entry's EstimationUrl (§3.5 [DOC D-DEAL]): a valid URL is kept; an invalid URL
 * beside an Amount is dropped silently (Amount kept); an invalid URL alone is refused with AWS's text.
 */
export type EstimationUrlOutcome = { kind: 'none' } | { kind: 'keep' } | { kind: 'drop-url' } | { kind: 'error'; error: FieldError; message: string };

export function estimationUrlOutcome(entry: ExpectedCustomerSpend): EstimationUrlOutcome {
  const url = entry.EstimationUrl;
  if (url === undefined) return { kind: 'none' };
  if (isValidEstimationUrl(url)) return { kind: 'keep' };
  // [INF] The model's default Amount '' is no amount.
  if (entry.Amount !== undefined && entry.Amount !== '') return { kind: 'drop-url' };
  return {
    kind: 'error',
    error: fieldError('project.expectedCustomerSpend.estimationUrl', 'INVALID_VALUE', `Invalid Estimation URL: ${url}`),
    message: INVALID_URL_MESSAGE,
  };
}

/** `Self amount / months` in cents, rounded half up, as an Amount string without trailing zero decimals. */
export function monthlyAmount(total: string, months: number): string | undefined {
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(total);
  if (!m || !(months >= 1)) return undefined;
  const cents = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0') || '0');
  const divisor = BigInt(months);
  const monthly = (cents * 2n + divisor) / (2n * divisor);
  const whole = monthly / 100n;
  const fraction = (monthly % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

export type DealSizingOutcome =
  | { kind: 'ok'; project: Project | undefined }
  | { kind: 'invalid'; errors: FieldError[]; message?: string };

/**
 * The project as stored after the deal-sizing rules, or why it is refused. `stored` is the opportunity's
 * project before an UpdateOpportunity (its Self entry is taken back when the request has a duration but no
 * Self entry); omit it on CreateOpportunity.
 */
export function applyDealSizing(project: Project | undefined, stored?: Project): DealSizingOutcome {
  if (!project) return { kind: 'ok', project };
  const sent = project.ExpectedCustomerSpend;
  let entries: ExpectedCustomerSpend[] = [...(sent ?? [])];
  const hasDuration = project.ExpectedContractDuration !== undefined;

  const storedSelf = stored ? selfEntries(stored)[0] : undefined;
  if (hasDuration && storedSelf && !entries.some((e) => e.TargetCompany === SELF)) entries.push(storedSelf);
  // Model doc: without a duration "only AWS is accepted and any other value will be automatically set to AWS".
  if (!hasDuration) entries = entries.map((e) => (e.TargetCompany === AWS || e.TargetCompany === SELF ? e : { ...e, TargetCompany: AWS }));

  const candidate: Project = { ...project, ExpectedCustomerSpend: entries };
  const errors = dealSizingErrors(candidate);
  if (errors.length > 0) return { kind: 'invalid', errors };

  const urlErrors: FieldError[] = [];
  entries = entries.map((entry) => {
    const outcome = estimationUrlOutcome(entry);
    if (outcome.kind === 'error') urlErrors.push(outcome.error);
    if (outcome.kind !== 'drop-url') return entry;
    const { EstimationUrl: _dropped, ...kept } = entry;
    return kept;
  });
  if (urlErrors.length > 0) return { kind: 'invalid', errors: urlErrors, message: INVALID_URL_MESSAGE };

  const self = entries.find((e) => e.TargetCompany === SELF);
  if (self?.Amount && !entries.some((e) => e.TargetCompany === AWS)) {
    const amount = monthlyAmount(self.Amount, contractMonths(candidate));
    if (amount !== undefined) entries.unshift({ Amount: amount, CurrencyCode: self.CurrencyCode, Frequency: MONTHLY, TargetCompany: AWS });
  }
  if (sent === undefined && entries.length === 0) return { kind: 'ok', project };
  return { kind: 'ok', project: { ...project, ExpectedCustomerSpend: entries } };
}
