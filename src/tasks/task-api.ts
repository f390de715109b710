// What every Start*Task and List*Tasks operation shares: starting a task once per ClientToken and handing it to
// the runner, and listing the caller's tasks of one family page by page in the database.
//
// Start: the task is written IN_PROGRESS in its own transaction (idempotent by ClientToken, decision 9); a new
// task then runs as the progression settings say, a replayed one counts as a read of the same task. A family may
// hand back a task it already has in progress instead of a new one: that counts as a read too.
// List: filters, sort and keyset paging happen in the store; only the tasks of the returned page count as read
// for poll-based progression (and are returned as that read left them).
import { idFromArnOrId } from '../arns.js';
import type { RequestContext } from '../context.js';
import type { ReasonCode } from '../model/generated/types.js';
import { idempotent } from '../resources/idempotency.js';
import { pageFromStore } from '../resources/pagination.js';
import { taskKind } from '../store/kinds.js';
import type { TaskRecord, UnitOfWork, Where } from '../store/unit-of-work.js';

export type TaskWhere = Where<(typeof taskKind)['fields']>;

/** The forced failure the control plane injects, carried by every task started while it is set. */
export interface ForcedFailure {
  reasonCode: ReasonCode;
  message: string;
}

export function forcedFailureOf(ctx: RequestContext): { forcedFailure?: ForcedFailure } {
  const forced = ctx.services.runtime.forcedTaskFailure;
  return forced ? { forcedFailure: forced } : {};
}

/** The fields every new task starts with: its id, IN_PROGRESS, the start time and its progression. */
export function taskBase(ctx: RequestContext, type: string, id: string): Pick<TaskRecord, 'catalog' | 'id' | 'type' | 'accountId' | 'status' | 'startTime' | 'dueAtMs' | 'pollsRemaining'> {
  const startMs = ctx.services.clock.now();
  return {
    catalog: ctx.catalog,
    id,
    type,
    accountId: ctx.accountId,
    status: 'IN_PROGRESS',
    startTime: new Date(startMs).toISOString(),
    ...ctx.services.tasks.progressionFor(startMs),
  };
}

/**
 * Creates the task `create` builds (its synchronous checks may throw and write nothing), once per ClientToken,
 * and returns it as it stands after this call: run already when progression is immediate. When `create` returns
 * a task that is already stored, the ClientToken is bound to it and it is read, not started again.
 */
export async function startTask<T extends TaskRecord>(
  ctx: RequestContext,
  input: { ClientToken: string },
  create: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  const { services } = ctx;
  let replayed = false;
  const task = await services.store.transaction(async (uow) => {
    replayed = false; // the function may run again on PostgreSQL after a serialization failure
    const first = await idempotent(
      ctx,
      uow,
      input as typeof input & Record<string, unknown>,
      async () => {
        const record = await create(uow);
        if (await uow.get(taskKind, [record.catalog, record.id])) replayed = true;
        else await uow.put(taskKind, record);
        return { TaskId: record.id };
      },
      (stored) => {
        replayed = true;
        return stored;
      },
    );
    return (await uow.get(taskKind, [ctx.catalog, first.TaskId]))!;
  });
  const current = replayed ? await services.tasks.observed(task) : await services.tasks.started(task);
  return current as T;
}

export interface TaskListRequest {
  type: string;
  /** Filters beyond account, catalog and type. */
  where: TaskWhere;
  sort: { by: 'startTime' | 'taskName' | 'failedCount'; order: 'asc' | 'desc' };
  maxResults: number;
  nextToken: string | undefined;
  /** Everything that defines the result set except NextToken and MaxResults. */
  fingerprint: unknown;
}

/** One page of the caller's tasks of one family, each counted as read. */
export async function listTasks<T extends TaskRecord>(ctx: RequestContext, req: TaskListRequest): Promise<{ items: T[]; nextToken?: string }> {
  const { services } = ctx;
  const where = { ...req.where, accountId: ctx.accountId, catalog: ctx.catalog, type: req.type } as TaskWhere;
  const page = await services.store.transaction(
    (uow) => pageFromStore(uow, taskKind, { where, sort: req.sort }, { maxResults: req.maxResults, nextToken: req.nextToken, fingerprint: req.fingerprint }),
    { readOnly: true },
  );
  const items: T[] = [];
  for (const task of page.items) items.push((await services.tasks.observed(task)) as T);
  return { items, nextToken: page.nextToken };
}

/** `Sort` of the task lists: StartTime only, DESCENDING unless told otherwise (behavior.md §1.7). */
export function startTimeOrder(sort: { SortOrder?: string } | undefined): 'asc' | 'desc' {
  return (sort?.SortOrder ?? 'DESCENDING') === 'ASCENDING' ? 'asc' : 'desc';
}

/**
 * The filters of a task list that name tasks or their subjects by id or ARN, as conditions on task fields:
 * `{ TaskIdentifier: 'id', OpportunityIdentifier: 'opportunityId' }` maps each list present in `input`.
 */
export function identifierFilters(input: object, fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  for (const [member, field] of Object.entries(fields)) {
    const ids = (input as Record<string, unknown>)[member];
    if (Array.isArray(ids)) where[field] = ids.map((id) => idFromArnOrId(String(id)));
  }
  return where;
}
