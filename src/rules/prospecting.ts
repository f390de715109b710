// Prospecting tasks (decision 20, behavior.md §8.1): which engagements of a task complete or fail and why, the
// task's status from its engagements', and the deterministic ProspectingResult context a completed
// engagement receives.
//
// Used by: StartProspectingFromEngagementTask (and the runner that advances it), GetProspectingFromEngagementTask,
// ListProspectingFromEngagementTasks (counts).
//
// Choices ([INF]):
// - Duplicate identifiers count once, in first-seen order; ARNs are reduced to their engagement id.
// - The customer is read from the engagement's first CustomerProject context, else its first Lead context;
//   without either the engagement still completes, with only the task's own fields in `Aws`.
// - Country and Industry are copied only when they are values of the model's enums (Lead contexts hold free text).
// - A FAILED task carries the engagements' ReasonCode when they all failed for the same reason, and a Message.
import type {
  CountryCode,
  EngagementContextDetails,
  EngagementProspectingResult,
  Industry,
  ProspectingResult,
  ProspectingResultCustomer,
  ProspectingTaskStatus,
} from '../model/generated/types.js';
import { shapes } from '../model/generated/shapes.js';
import type { Source } from './rule.js';

/** PENDING → IN_PROGRESS → COMPLETED | FAILED, for the task and each engagement (decision 20). */
export const PROSPECTING_TRANSITIONS: Readonly<Record<ProspectingTaskStatus, readonly ProspectingTaskStatus[]>> = {
  PENDING: ['IN_PROGRESS'],
  IN_PROGRESS: ['COMPLETED', 'FAILED'],
  COMPLETED: [],
  FAILED: [],
};

export function canAdvance(from: ProspectingTaskStatus, to: ProspectingTaskStatus): boolean {
  return PROSPECTING_TRANSITIONS[from].includes(to);
}

export function isFinished(status: ProspectingTaskStatus): boolean {
  return PROSPECTING_TRANSITIONS[status].length === 0;
}

/** Plain-string ReasonCodes of a failed engagement (decision 20: not the other tasks' enum). */
export type ProspectingReasonCode = 'ResourceNotFound' | 'AccessDenied';

export const PROSPECTING_FAILURES: Readonly<Record<ProspectingReasonCode, { source: Source; message: (engagementId: string) => string }>> = {
  ResourceNotFound: { source: 'decision 20', message: (id) => `Engagement ${id} does not exist in this catalog.` },
  AccessDenied: { source: 'decision 20', message: (id) => `You are not a member of engagement ${id}.` },
};

/** What the runner found about one engagement when it processed it. */
export interface EngagementLookup {
  engagementId: string;
  exists: boolean;
  isMember: boolean;
}

export type EngagementOutcome = { status: 'COMPLETED' } | { status: 'FAILED'; reasonCode: ProspectingReasonCode; message: string };

export function engagementOutcome(lookup: EngagementLookup): EngagementOutcome {
  const reasonCode: ProspectingReasonCode | undefined = !lookup.exists ? 'ResourceNotFound' : !lookup.isMember ? 'AccessDenied' : undefined;
  if (!reasonCode) return { status: 'COMPLETED' };
  return { status: 'FAILED', reasonCode, message: PROSPECTING_FAILURES[reasonCode].message(lookup.engagementId) };
}

/** The identifiers a task takes on: ids (an ARN's last segment), each once, in request order. */
export function acceptedIdentifiers(identifiers: readonly string[]): string[] {
  return [...new Set(identifiers.map((id) => id.slice(id.lastIndexOf('/') + 1)))];
}

export interface TaskVerdict {
  status: ProspectingTaskStatus;
  reasonCode?: string;
  message?: string;
}

/**
 * The task's status from its engagements' (decision 20): running while any is unfinished, COMPLETED when at
 * least one completed, FAILED when none did.
 */
export function taskVerdict(engagements: readonly Pick<EngagementProspectingResult, 'Status' | 'ReasonCode'>[]): TaskVerdict {
  if (engagements.some((e) => e.Status === 'IN_PROGRESS')) return { status: 'IN_PROGRESS' };
  if (engagements.length > 0 && engagements.every((e) => e.Status === 'PENDING')) return { status: 'PENDING' };
  if (engagements.some((e) => e.Status === 'PENDING')) return { status: 'IN_PROGRESS' };
  if (engagements.some((e) => e.Status === 'COMPLETED')) return { status: 'COMPLETED' };
  if (engagements.length === 0) return { status: 'FAILED', message: 'The task named no engagements to prospect.' };
  const codes = new Set(engagements.map((e) => e.ReasonCode));
  const only = codes.size === 1 ? [...codes][0] : undefined;
  return {
    status: 'FAILED',
    ...(only !== undefined ? { reasonCode: only } : {}),
    message: `None of the task's ${engagements.length} engagements could be prospected.`,
  };
}

/** ProspectingTaskSummary counts. */
export function taskCounts(engagements: readonly Pick<EngagementProspectingResult, 'Status'>[]): {
  TotalEngagementCount: number;
  CompletedEngagementCount: number;
  FailedEngagementCount: number;
} {
  return {
    TotalEngagementCount: engagements.length,
    CompletedEngagementCount: engagements.filter((e) => e.Status === 'COMPLETED').length,
    FailedEngagementCount: engagements.filter((e) => e.Status === 'FAILED').length,
  };
}

function enumValues(shape: string): ReadonlySet<string> {
  const def = shapes[shape];
  return new Set(def?.type === 'enum' ? def.values : []);
}
const COUNTRY_CODES = enumValues('CountryCode');
const INDUSTRIES = enumValues('Industry');

/** The customer prospecting reads: (account name, country, industry) from the engagement's contexts. */
export function prospectingCustomer(contexts: readonly EngagementContextDetails[]): ProspectingResultCustomer | undefined {
  const project = contexts.find((c) => c.Type === 'CustomerProject' && c.Payload?.CustomerProject?.Customer)?.Payload?.CustomerProject?.Customer;
  if (project) return { AccountName: project.CompanyName, Country: project.CountryCode, Industry: project.Industry };
  const lead = contexts.find((c) => c.Type === 'Lead' && c.Payload?.Lead?.Customer)?.Payload?.Lead?.Customer;
  if (!lead) return undefined;
  const country = lead.Address?.CountryCode;
  const customer: ProspectingResultCustomer = { AccountName: lead.CompanyName };
  if (country !== undefined && COUNTRY_CODES.has(country)) customer.Country = country as CountryCode;
  if (lead.Industry !== undefined && INDUSTRIES.has(lead.Industry)) customer.Industry = lead.Industry as Industry;
  return customer;
}

export interface ProspectingTaskInfo {
  taskId: string;
  taskArn: string;
  taskName: string;
  startTime: string;
  endTime: string;
}

/**
 * The ProspectingResult context payload of a completed engagement: the control plane's result when one was
 * supplied for it, else the deterministic one built from the engagement's customer (decision 20).
 */
export function prospectingResult(task: ProspectingTaskInfo, contexts: readonly EngagementContextDetails[], supplied?: ProspectingResult): ProspectingResult {
  const base = supplied?.Aws ?? {};
  const customer = base.Customer ?? prospectingCustomer(contexts);
  return {
    Aws: {
      ...base,
      ...(customer ? { Customer: customer } : {}),
      TaskId: task.taskId,
      TaskArn: task.taskArn,
      TaskName: task.taskName,
      StartTime: task.startTime,
      EndTime: task.endTime,
    },
  };
}
