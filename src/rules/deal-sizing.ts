// Deal sizing: the Total Contract Value (TCV) rules of ExpectedCustomerSpend / ExpectedContractDuration and the
// EstimationUrl outcomes (behavior.md §3.5 [DOC D-DEAL]). Messages are AWS's documented texts.
//
// Used by: CreateOpportunity and UpdateOpportunity (before storing), and CreateEngagementInvitation /
// snapshots only indirectly (they carry what was stored).
//
// Choices ([INF]):
// - "TCV mode" is on when the project has an ExpectedContractDuration or a spend entry with TargetCompany
//   Self. The TargetCompany, currency-match and USD/EUR rules apply only in TCV mode, so connectors that
//   predate deal sizing (any currency of the model's enum, any TargetCompany) keep working.
// - The aws-eusc partition's EUR rule applies always (the model documents it on CurrencyCode).
// - A valid EstimationUrl is `https://calculator.aws/#/estimate?id=<40 hex>`; AWS publishes no format.
// - All TCV errors are INVALID_VALUE with Reason BUSINESS_VALIDATION_FAILED (the D-DEAL example's
//   `Reason: INVALID_VALUE` is outside the model's enum).
import type { FieldError } from '../errors.js';
import type { ExpectedCustomerSpend, Project } from '../model/generated/types.js';
import { fieldError, type Source } from './rule.js';

export const SELF = 'Self';
const TCV_CURRENCIES: readonly string[] = ['USD', 'EUR'];

export interface DealSizingRule {
  field: string;
  message: string;
  source: Source;
  /** Whether the project breaks the rule. */
  broken: (p: Project) => boolean;
}

const spend = (p: Project): readonly ExpectedCustomerSpend[] => p.ExpectedCustomerSpend ?? [];
const selfEntries = (p: Project) => spend(p).filter((e) => e.TargetCompany === SELF);

/** TCV mode: the partner sizes the whole contract, not only monthly AWS spend. */
export function isTcvMode(p: Project): boolean {
  return p.ExpectedContractDuration !== undefined || selfEntries(p).length > 0;
}

const D_DEAL = '§3.5 [DOC D-DEAL]';

export const DEAL_SIZING_RULES: readonly DealSizingRule[] = [
  {
    field: 'project.expectedContractDuration.value',
    message: 'ExpectedContractDuration.Value must be a whole number of months from 1 to 144.',
    source: `${D_DEAL}; API_ExpectedContractDuration "Valid values range from 1 to 144"`,
    broken: (p) => {
      const value = p.ExpectedContractDuration?.Value;
      if (value === undefined) return false;
      const months = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
      return !(months >= 1 && months <= 144);
    },
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
    source: D_DEAL,
    broken: (p) => p.ExpectedContractDuration !== undefined && selfEntries(p).length === 0,
  },
  {
    field: 'project.expectedCustomerSpend.targetCompany',
    message: 'Only one Self entry is allowed',
    source: D_DEAL,
    broken: (p) => selfEntries(p).length > 1,
  },
  {
    field: 'project.expectedCustomerSpend.targetCompany',
    message: "TargetCompany must be 'AWS' or 'Self'",
    source: `${D_DEAL}; TCV mode only [INF]`,
    broken: (p) => isTcvMode(p) && spend(p).some((e) => e.TargetCompany !== 'AWS' && e.TargetCompany !== SELF),
  },
  {
    field: 'project.expectedCustomerSpend.currencyCode',
    message: 'CurrencyCode must match between entries',
    source: `${D_DEAL}; TCV mode only [INF]`,
    broken: (p) => isTcvMode(p) && new Set(spend(p).map((e) => e.CurrencyCode)).size > 1,
  },
  {
    field: 'project.expectedCustomerSpend.currencyCode',
    message: 'CurrencyCode must be USD or EUR',
    source: `${D_DEAL}; API_ExpectedCustomerSpend "Accepted values are USD and EUR"; TCV mode only [INF]`,
    broken: (p) => isTcvMode(p) && spend(p).some((e) => !TCV_CURRENCIES.includes(e.CurrencyCode)),
  },
  {
    field: 'project.expectedCustomerSpend.currencyCode',
    message: 'CurrencyCode must be EUR when AwsPartition is aws-eusc',
    source: `${D_DEAL}; API_ExpectedCustomerSpend "If the AWS Partition is aws-eusc … must be EUR"`,
    broken: (p) => p.AwsPartition === 'aws-eusc' && spend(p).some((e) => e.CurrencyCode !== 'EUR'),
  },
  {
    field: 'project.expectedCustomerSpend.estimationUrl',
    message: 'Self entry and EstimationUrl cannot coexist',
    source: D_DEAL,
    broken: (p) => selfEntries(p).length > 0 && spend(p).some((e) => e.EstimationUrl !== undefined),
  },
];

/** Every deal-sizing rule the project breaks (INVALID_VALUE each), in table order. */
export function dealSizingErrors(project: Project | undefined): FieldError[] {
  if (!project) return [];
  return DEAL_SIZING_RULES.filter((r) => r.broken(project)).map((r) => fieldError(r.field, 'INVALID_VALUE', r.message));
}

const ESTIMATION_URL = /^https:\/\/calculator\.aws\/#\/estimate\?id=[0-9a-f]{40}$/;

export function isValidEstimationUrl(url: string): boolean {
  return ESTIMATION_URL.test(url);
}

/**
 * What happens to one spend entry's EstimationUrl (§3.5 [DOC D-DEAL]): a valid URL is kept; an invalid URL
 * beside an Amount is dropped silently (Amount kept); an invalid URL alone is refused with AWS's text.
 */
export type EstimationUrlOutcome = { kind: 'none' } | { kind: 'keep' } | { kind: 'drop-url' } | { kind: 'error'; error: FieldError; message: string };

export function estimationUrlOutcome(entry: ExpectedCustomerSpend): EstimationUrlOutcome {
  const url = entry.EstimationUrl;
  if (url === undefined) return { kind: 'none' };
  if (isValidEstimationUrl(url)) return { kind: 'keep' };
  if (entry.Amount !== undefined) return { kind: 'drop-url' };
  return {
    kind: 'error',
    error: fieldError('project.expectedCustomerSpend.estimationUrl', 'INVALID_VALUE', `Invalid Estimation URL: ${url}`),
    message: 'The provided Estimation URL is invalid',
  };
}
