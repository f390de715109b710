// StartProspectingFromEngagementTask, GetProspectingFromEngagementTask and ListProspectingFromEngagementTasks
// (decision 20, behavior.md §8.1), on the one task runner in two steps:
//   1. PENDING → IN_PROGRESS: every engagement of the task starts;
//   2. each engagement ends COMPLETED (a new ProspectingResult context, `Engagement Updated` to its members) or
//      FAILED with a plain-string ReasonCode; the task is COMPLETED when one completed, FAILED when none did.
// Each step waits for the progression settings (immediate: both before the answer; async: the delay or the
// polls, per step), so with async progression a reader sees PENDING, then IN_PROGRESS, then the outcome.
//
// The generic record's status stays IN_PROGRESS until the end (that is what the runner claims); the prospecting
// status a caller sees is the rules module's verdict over the engagements. A result the control plane supplied
// for an engagement (`POST /_emulator/prospecting-results`) replaces the deterministic one.
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ResourceNotFoundException } from '../errors.js';
import type {
  EngagementContextDetails,
  EngagementProspectingResult,
  GetProspectingFromEngagementTaskResponse,
  ProspectingResult,
  ProspectingTaskStatus,
  ProspectingTaskSummary,
  StartProspectingFromEngagementTaskResponse,
} from '../model/generated/types.js';
import { parseTimestamp } from '../model/validate.js';
import { acceptedIdentifiers, engagementOutcome, prospectingResult, taskCounts, taskVerdict } from '../rules/prospecting.js';
import { quotaBreach } from '../rules/quotas.js';
import { addContext, newContext } from '../resources/engagement-contexts.js';
import { isMember } from '../resources/engagements.js';
import { engagementKind, taskKind } from '../store/kinds.js';
import type { Catalog } from '../store/records.js';
import type { TaskRecord, UnitOfWork } from '../store/unit-of-work.js';
import type { TaskDefinition } from './runner.js';
import { forcedFailureOf, listTasks, startTask, taskBase, type ForcedFailure, type TaskWhere, identifierFilters } from './task-api.js';

export const PROSPECTING_FROM_ENGAGEMENT = 'prospecting-from-engagement' as const;

export interface ProspectingPayload {
  taskName: string;
  forcedFailure?: ForcedFailure;
}

export interface ProspectingTaskResult {
  engagements: EngagementProspectingResult[];
  endTime?: string;
  reasonCode?: string;
  message?: string;
}

export type ProspectingTask = TaskRecord<ProspectingPayload, ProspectingTaskResult>;

/** Where a supplied result waits for its engagement: metadata, one entry per account, catalog and engagement. */
export function suppliedResultKey(accountId: string, catalog: string, engagementId: string): string {
  return `prospecting-result/${accountId}/${catalog}/${engagementId}`;
}

/** Stores the result a later prospecting of this engagement by this account returns (control plane). */
export function supplyProspectingResult(services: Services, init: { accountId: string; catalog: Catalog; engagementId: string; result: ProspectingResult }): Promise<void> {
  return services.store.transaction((uow) => uow.setMeta(suppliedResultKey(init.accountId, init.catalog, init.engagementId), JSON.stringify(init.result)));
}

function statusOf(task: ProspectingTask): ProspectingTaskStatus {
  if (task.status === 'COMPLETE') return 'COMPLETED';
  if (task.status === 'FAILED') return 'FAILED';
  const verdict = taskVerdict(task.result?.engagements ?? []).status;
  return verdict === 'PENDING' ? 'PENDING' : 'IN_PROGRESS';
}

function startView(task: ProspectingTask): StartProspectingFromEngagementTaskResponse {
  return {
    TaskId: task.id,
    TaskArn: arns.prospectingTask(task.catalog, task.id),
    TaskName: task.payload.taskName,
    StartTime: task.startTime,
    TaskStatus: statusOf(task),
    Identifiers: (task.result?.engagements ?? []).map((e) => e.EngagementIdentifier),
    ReasonCode: task.result?.reasonCode,
    Message: task.result?.message,
  };
}

function getView(task: ProspectingTask): GetProspectingFromEngagementTaskResponse {
  return {
    TaskId: task.id,
    TaskArn: arns.prospectingTask(task.catalog, task.id),
    TaskName: task.payload.taskName,
    StartTime: task.startTime,
    EndTime: task.result?.endTime,
    Engagements: task.result?.engagements ?? [],
  };
}

function summaryView(task: ProspectingTask): ProspectingTaskSummary {
  return {
    TaskId: task.id,
    TaskArn: arns.prospectingTask(task.catalog, task.id),
    TaskName: task.payload.taskName,
    StartTime: task.startTime,
    EndTime: task.result?.endTime,
    ...taskCounts(task.result?.engagements ?? []),
  };
}

/** Step 2 for one engagement: its outcome, and on success its ProspectingResult context. */
async function prospect(services: Services, uow: UnitOfWork, task: ProspectingTask, engagementId: string, endTime: string): Promise<EngagementProspectingResult> {
  const engagement = await uow.get(engagementKind, [task.catalog, engagementId]);
  const outcome = engagementOutcome({
    engagementId,
    exists: engagement !== undefined,
    isMember: engagement !== undefined && (await isMember(uow, task.catalog, engagementId, task.accountId)),
  });
  if (outcome.status === 'FAILED') return { EngagementIdentifier: engagementId, Status: 'FAILED', ReasonCode: outcome.reasonCode, Message: outcome.message };
  // [INF] The model allows five contexts: a sixth fails this engagement rather than breaking the limit.
  const breach = quotaBreach('engagementContexts', engagement!.contexts.length);
  if (breach) return { EngagementIdentifier: engagementId, Status: 'FAILED', ReasonCode: 'ServiceQuotaExceeded', Message: breach.message };
  const supplied = await uow.getMeta(suppliedResultKey(task.accountId, task.catalog, engagementId));
  const payload = prospectingResult(
    { taskId: task.id, taskArn: arns.prospectingTask(task.catalog, task.id), taskName: task.payload.taskName, startTime: task.startTime, endTime },
    engagement!.contexts,
    supplied === undefined ? undefined : (JSON.parse(supplied) as ProspectingResult),
  );
  const context = { Type: 'ProspectingResult', Payload: { ProspectingResult: payload } } as Omit<EngagementContextDetails, 'Id'>;
  const { contextId } = await addContext(uow, services, engagement!, newContext(context), task.accountId);
  return { EngagementIdentifier: engagementId, EngagementContextId: contextId, Status: 'COMPLETED' };
}

async function execute(services: Services, uow: UnitOfWork, task: ProspectingTask): Promise<ProspectingTask> {
  const engagements = task.result?.engagements ?? [];
  // Step 1: every engagement starts.
  if (engagements.length > 0 && engagements.every((e) => e.Status === 'PENDING')) {
    return { ...task, result: { engagements: engagements.map((e) => ({ ...e, Status: 'IN_PROGRESS' })) } };
  }
  // Step 2: each engagement independently, then the task's verdict.
  const endTime = services.clock.nowIso();
  const forced = task.payload.forcedFailure;
  const outcomes: EngagementProspectingResult[] = [];
  for (const e of engagements) {
    if (forced) outcomes.push({ EngagementIdentifier: e.EngagementIdentifier, Status: 'FAILED', ReasonCode: forced.reasonCode, Message: forced.message });
    else outcomes.push(await prospect(services, uow, task, e.EngagementIdentifier, endTime));
  }
  const verdict = taskVerdict(outcomes);
  const failedCount = taskCounts(outcomes).FailedEngagementCount;
  return {
    ...task,
    status: verdict.status === 'COMPLETED' ? 'COMPLETE' : 'FAILED',
    subject: { ...task.subject, failedCount },
    result: {
      engagements: outcomes,
      endTime,
      ...(verdict.reasonCode !== undefined ? { reasonCode: verdict.reasonCode } : {}),
      ...(verdict.message !== undefined ? { message: verdict.message } : {}),
    },
  };
}

export function prospectingTask(services: Services): TaskDefinition<ProspectingPayload, ProspectingTaskResult> {
  return {
    type: PROSPECTING_FROM_ENGAGEMENT,
    execute: (uow, task) => execute(services, uow, task),
    failed: (task) => ({
      ...task,
      status: 'FAILED',
      subject: { ...task.subject, failedCount: task.result?.engagements.length ?? 0 },
      result: {
        engagements: (task.result?.engagements ?? []).map((e) => ({ EngagementIdentifier: e.EngagementIdentifier, Status: 'FAILED', ReasonCode: 'InternalError', Message: 'An internal error stopped prospecting.' })),
        endTime: services.clock.nowIso(),
        reasonCode: 'InternalError',
        message: 'The task failed because of an internal error; nothing was changed.',
      },
    }),
  };
}

/** A request DateTime (any RFC 3339 form, decision 3) in milliseconds. */
function instant(value: string): number {
  return parseTimestamp(value) ?? Date.parse(value);
}

export const prospectingTaskHandlers: HandlerTable = {
  async StartProspectingFromEngagementTask(ctx, input) {
    const task = await startTask(ctx, input, async (uow): Promise<ProspectingTask> => ({
      ...taskBase(ctx, PROSPECTING_FROM_ENGAGEMENT, await ctx.services.ids.prospectingTaskId(uow)),
      subject: { taskName: input.TaskName, failedCount: 0 },
      payload: { taskName: input.TaskName, ...forcedFailureOf(ctx) },
      result: { engagements: acceptedIdentifiers(input.Identifiers).map((id) => ({ EngagementIdentifier: id, Status: 'PENDING' })) },
    }));
    return startView(task);
  },

  async GetProspectingFromEngagementTask(ctx, input) {
    const id = idFromArnOrId(input.TaskIdentifier);
    const task = await ctx.services.store.transaction((uow) => uow.get(taskKind, [ctx.catalog, id]), { readOnly: true });
    // "Catalog … must match the catalog used when the task was created"; other accounts' tasks do not exist.
    if (!task || task.type !== PROSPECTING_FROM_ENGAGEMENT || task.accountId !== ctx.accountId) {
      throw new ResourceNotFoundException(`Prospecting task ${id} was not found in catalog ${ctx.catalog}.`);
    }
    return getView((await ctx.services.tasks.observed(task)) as ProspectingTask);
  },

  async ListProspectingFromEngagementTasks(ctx, input) {
    const where = identifierFilters(input, { TaskIdentifier: 'id' });
    if (input.TaskName) where.taskName = input.TaskName;
    if (input.StartAfter !== undefined || input.StartBefore !== undefined) {
      where.startTime = {
        ...(input.StartAfter !== undefined ? { gt: instant(input.StartAfter) } : {}),
        ...(input.StartBefore !== undefined ? { lt: instant(input.StartBefore) } : {}),
      };
    }
    const sortBy = input.Sort?.SortBy ?? 'StartTime';
    const page = await listTasks<ProspectingTask>(ctx, {
      type: PROSPECTING_FROM_ENGAGEMENT,
      where: where as TaskWhere,
      sort: { by: sortBy === 'TaskName' ? 'taskName' : sortBy === 'FailedEngagementCount' ? 'failedCount' : 'startTime', order: (input.Sort?.SortOrder ?? 'DESCENDING') === 'ASCENDING' ? 'asc' : 'desc' },
      maxResults: input.MaxResults ?? 20,
      nextToken: input.NextToken,
      fingerprint: ['ListProspectingFromEngagementTasks', ctx.accountId, ctx.catalog, input.TaskIdentifier, input.TaskName, input.StartAfter, input.StartBefore, input.Sort],
    });
    return { TaskSummaries: page.items.map(summaryView), NextToken: page.nextToken };
  },
};
