// Lead conversion, StartOpportunityFromEngagementTask (behavior.md §9 "Lead conversion defaults", §2.4.5,
// §1.3): when a Lead context may be converted, the opportunity it becomes, and the CustomerProject context the
// task adds to the engagement.
//
// Used by: StartOpportunityFromEngagementTask (and ListOpportunityFromEngagementTasks through its results).
//
// Choices ([INF]):
// - Preconditions in order: caller not a member → EngagementAccessDenied; no such context → ContextNotFound;
//   a CustomerProject context named, or the engagement already has one → CustomerProjectContextNotPermitted;
//   a ProspectingResult context named → ContextNotFound (only Lead contexts are leads);
//   QualificationStatus "Disqualified" (trimmed, any case) → DisqualifiedLeadNotPermitted; a sixth context →
//   ServiceQuotaExceeded.
// - The business problem comes from the latest interaction that has one.
// - Lead industry text becomes Customer.Account.Industry only when it is a value of the model's Industry enum,
//   after the picklist's `&` is read as `and` (`Computers & Electronics` → `Computers and Electronics`).
// - The CustomerProject context holds the lead's customer and the opportunity's title, problem and close date;
//   members the lead lacks are left out rather than invented.
import type {
  CountryCode,
  CustomerProjectsContext,
  EngagementContextDetails,
  Industry,
  LeadContext,
  ReasonCode,
} from '../model/generated/types.js';
import { shapes } from '../model/generated/shapes.js';
import type { OpportunityDocument } from './opportunity-review.js';
import { quotaBreach } from './quotas.js';
import type { Source } from './rule.js';

export interface ConversionFailure {
  reasonCode: ReasonCode;
  message: string;
  source: Source;
}

export interface ConversionRequest {
  engagementId: string;
  contextId: string;
  isMember: boolean;
  contexts: readonly EngagementContextDetails[];
}

const DISQUALIFIED = 'disqualified';

/** The first reason the lead can't be converted, or undefined when it can. */
export function conversionFailure(request: ConversionRequest): ConversionFailure | undefined {
  const { engagementId, contextId, contexts } = request;
  if (!request.isMember) {
    return { reasonCode: 'EngagementAccessDenied', message: `You are not a member of engagement ${engagementId}.`, source: '§1.3 [INF]' };
  }
  const context = contexts.find((c) => c.Id === contextId);
  if (!context) {
    return { reasonCode: 'ContextNotFound', message: `Engagement ${engagementId} has no context ${contextId}.`, source: '§1.3 [INF]' };
  }
  if (context.Type === 'CustomerProject') {
    return {
      reasonCode: 'CustomerProjectContextNotPermitted',
      message: `Context ${contextId} is a CustomerProject context; only a Lead context can be converted.`,
      source: '§1.3 [INF]',
    };
  }
  if (context.Type !== 'Lead') {
    return { reasonCode: 'ContextNotFound', message: `Engagement ${engagementId} has no Lead context ${contextId} (it is ${context.Type}).`, source: '§1.3 [INF]' };
  }
  if (contexts.some((c) => c.Type === 'CustomerProject')) {
    return {
      reasonCode: 'CustomerProjectContextNotPermitted',
      message: `Engagement ${engagementId} already has a CustomerProject context: its lead was converted already.`,
      source: '§1.3 [INF]',
    };
  }
  const status = context.Payload?.Lead?.QualificationStatus;
  if (status !== undefined && status.trim().toLowerCase() === DISQUALIFIED) {
    return { reasonCode: 'DisqualifiedLeadNotPermitted', message: `The lead in context ${contextId} is Disqualified.`, source: '§1.3 [INF]; §9 [DOC D-LEADS]' };
  }
  const breach = quotaBreach('engagementContexts', contexts.length);
  if (breach) return { reasonCode: 'ServiceQuotaExceeded', message: breach.message, source: '§7.2 [MODEL]' };
  return undefined;
}

/** The documented defaults of a converted lead (§9 [OBS L2O + PM]). */
export const LEAD_CONVERSION_DEFAULTS = {
  title: 'Converted from Lead',
  closeInDays: 90,
  stage: 'Prospect',
  reviewStatus: 'Pending Submission',
  opportunityType: 'Net New Business',
  nationalSecurity: 'No',
  marketingSource: 'None',
  source: '§9 [OBS L2O + PM]',
} as const;

function enumValues(shape: string): ReadonlySet<string> {
  const def = shapes[shape];
  return new Set(def?.type === 'enum' ? def.values : []);
}
const INDUSTRIES = enumValues('Industry');
const COUNTRY_CODES = enumValues('CountryCode');

/** Lead industry text as the model's Industry, if it is one. */
export function leadIndustry(text: string | undefined): Industry | undefined {
  if (text === undefined) return undefined;
  const normal = text.trim().replace(/\s*&\s*/g, ' and ');
  return INDUSTRIES.has(normal) ? (normal as Industry) : undefined;
}

function leadCountry(text: string | undefined): CountryCode | undefined {
  return text !== undefined && COUNTRY_CODES.has(text) ? (text as CountryCode) : undefined;
}

/** YYYY-MM-DD `days` after `today` (UTC calendar days). */
export function addDays(today: string, days: number): string {
  const ms = Date.parse(`${today}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The partner fields of the new opportunity (everything but id, dates, team and associations). */
export type ConvertedOpportunity = Pick<
  OpportunityDocument,
  'Customer' | 'Project' | 'LifeCycle' | 'OpportunityType' | 'NationalSecurity' | 'Marketing'
>;

export function opportunityFromLead(lead: LeadContext, today: string): ConvertedOpportunity {
  const d = LEAD_CONVERSION_DEFAULTS;
  const customer = lead.Customer;
  const problem = [...lead.Interactions].reverse().find((i) => i.BusinessProblem !== undefined && i.BusinessProblem !== '')?.BusinessProblem;
  const country = leadCountry(customer.Address?.CountryCode);
  return {
    Customer: {
      Account: defined({
        CompanyName: customer.CompanyName,
        Industry: leadIndustry(customer.Industry),
        WebsiteUrl: customer.WebsiteUrl,
        Address: country ? { CountryCode: country } : undefined,
      }),
      Contacts: [],
    },
    Project: defined({ Title: d.title, CustomerBusinessProblem: problem, ExpectedCustomerSpend: [] }),
    LifeCycle: { Stage: d.stage, ReviewStatus: d.reviewStatus, TargetCloseDate: addDays(today, d.closeInDays) },
    OpportunityType: d.opportunityType,
    NationalSecurity: d.nationalSecurity,
    Marketing: { Source: d.marketingSource },
  };
}

/**
 * The CustomerProject context the task adds (§2.4.5 [OBS]: its id is what the task returns as ContextId).
 * Typed partially: a lead may lack members the shape requires, and AWS-created contexts are not request input.
 */
export function customerProjectFromLead(lead: LeadContext, opportunity: ConvertedOpportunity): Partial<CustomerProjectsContext> {
  const account = opportunity.Customer?.Account;
  return defined({
    Customer:
      account === undefined
        ? undefined
        : (defined({
            CompanyName: account.CompanyName,
            Industry: account.Industry,
            WebsiteUrl: lead.Customer.WebsiteUrl,
            CountryCode: account.Address?.CountryCode,
          }) as CustomerProjectsContext['Customer']),
    Project: defined({
      Title: opportunity.Project?.Title,
      BusinessProblem: opportunity.Project?.CustomerBusinessProblem,
      TargetCompletionDate: opportunity.LifeCycle?.TargetCloseDate,
    }) as CustomerProjectsContext['Project'],
  });
}
