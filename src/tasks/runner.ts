// The durable task runner, one for every task family: tasks are generic records keyed by type (kinds.ts), and a
// family registers how its one step runs. A Start*Task call writes the task (IN_PROGRESS) in its own
// transaction; the step then runs in one further transaction that re-reads the task and acts only while it is
// still IN_PROGRESS, committing every effect together with the final state — so a task runs exactly once
// whatever crashes, races or processes are involved.
//
// Several processes share the work through the store: every task that progresses by time carries a due time
// (an immediate task is due at once), and each runner claims due tasks with a short lease (`claimDueTasks`),
// polling once a second and at the next due time it knows of. A task whose process died is claimable again
// when its lease lapses (immediate tasks run inline hold no lease at all), so survivors finish it within seconds.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { RuntimeConfig } from '../config.js';
import type { Logger } from '../log.js';
import { taskKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { TaskRecord, UnitOfWork, UnitOfWorkStore } from '../store/unit-of-work.js';

export interface TaskDefinition<Payload = unknown, Result = unknown> {
  type: string;
  /**
   * Performs the task's next step inside `uow`; returns the task in its final state (COMPLETE or FAILED), or
   * still IN_PROGRESS when another step follows (prospecting's PENDING → IN_PROGRESS): that step then waits
   * for a fresh progression (at once, after the delay, or after the polls) like a new task.
   */
  execute(uow: UnitOfWork, task: TaskRecord<Payload, Result>): Promise<TaskRecord<Payload, Result>>;
  /** The final state of a task whose step threw (its effects were rolled back). */
  failed(task: TaskRecord<Payload, Result>): TaskRecord<Payload, Result>;
}

/** How long a claim keeps other processes off a task; a step takes milliseconds. */
const LEASE_MS = 5_000;
/** How often due tasks are looked for even when none is known to be due (other processes' tasks, lapsed leases). */
const POLL_MS = 1_000;
/**
 * Tasks claimed at once, and run one after the other: few enough that the last of them still runs well inside
 * its lease on a busy machine (50 at ~100 ms a step outlived the lease, so another process claimed them too and
 * the two collided), and so that tasks a dead process held wait at most one short batch once their lease lapses.
 */
const CLAIM_BATCH = 10;
/** Steps one `run` takes at most (a task family has two at most today). */
const MAX_STEPS = 8;

/** The task in its final state: no progression, no lease. */
function settled<T extends TaskRecord>(task: T): T {
  const { dueAtMs: _d, pollsRemaining: _p, leaseOwner: _o, leaseExpiresAtMs: _e, ...rest } = task;
  return rest as T;
}

export class TaskRunner {
  private readonly definitions = new Map<string, TaskDefinition<never, never>>();
  /** Who claims, in leases: unique per process. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private closed = false;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: UnitOfWorkStore,
    private readonly clock: Clock,
    private readonly runtime: RuntimeConfig,
    private readonly log: Logger,
  ) {}

  register<P, R>(definition: TaskDefinition<P, R>): void {
    this.definitions.set(definition.type, definition as unknown as TaskDefinition<never, never>);
  }

  /** A new task's progression fields according to the current configuration. */
  progressionFor(startMs: number): Pick<TaskRecord, 'dueAtMs' | 'pollsRemaining'> {
    // Immediate tasks run before the answer; due at once, so another process finishes one whose process died.
    if (this.runtime.taskProgression === 'immediate') return { dueAtMs: startMs };
    if (this.runtime.taskPolls !== null) return { pollsRemaining: this.runtime.taskPolls };
    return { dueAtMs: startMs + this.runtime.taskDelayMs };
  }

  /**
   * Executes one task now if it is still in progress; returns its state afterwards. A step that throws rolls
   * back all its effects and ends the task FAILED (decision 12) instead of leaving it to be retried forever.
   */
  async run(catalog: string, id: string): Promise<TaskRecord | undefined> {
    let task = await this.step(catalog, id);
    // A task with further steps goes on at once when its next step is already due (immediate progression).
    for (let steps = 1; task && task.status === 'IN_PROGRESS' && steps < MAX_STEPS && this.isDueNow(task); steps++) {
      task = await this.step(catalog, id);
    }
    if (task && task.status === 'IN_PROGRESS' && task.dueAtMs !== undefined) this.schedule();
    return task;
  }

  private isDueNow(task: TaskRecord): boolean {
    return task.pollsRemaining === undefined && task.dueAtMs !== undefined && task.dueAtMs <= this.clock.now();
  }

  private async step(catalog: string, id: string): Promise<TaskRecord | undefined> {
    try {
      return await this.execute(catalog, id);
    } catch (err) {
      if (isContention(err)) {
        // Not the task's fault: the database was too busy to commit the step (PostgreSQL ran out of serialization
        // retries, SQLite's lock wait expired). The task stays IN_PROGRESS, and the claim loop runs it again.
        this.log.warn(`task ${id} could not commit its step because the database is busy; it will be retried`);
        return this.store.transaction((uow) => uow.get(taskKind, [catalog, id]), { readOnly: true }).catch(() => undefined);
      }
      this.log.error(`task ${id} failed unexpectedly: ${err instanceof Error ? err.stack : String(err)}`);
      // If even this write fails (e.g. the database is busy), the task stays IN_PROGRESS and is retried later.
      return this.store.transaction(async (uow) => {
        const task = await uow.get(taskKind, [catalog, id]);
        if (!task || task.status !== 'IN_PROGRESS') return task;
        const definition = this.definitions.get(task.type);
        const final = settled(definition ? definition.failed(task as never) : { ...task, status: 'FAILED' as const });
        await uow.put(taskKind, final);
        return final;
      });
    }
  }

  private execute(catalog: string, id: string): Promise<TaskRecord | undefined> {
    return this.store.transaction(async (uow) => {
      const task = await uow.get(taskKind, [catalog, id]);
      if (!task || task.status !== 'IN_PROGRESS') return task;
      const definition = this.definitions.get(task.type);
      if (!definition) throw new Error(`no definition for task type ${task.type}`);
      const stepped = await definition.execute(uow, task as never);
      const final = stepped.status === 'IN_PROGRESS' ? { ...settled(stepped), ...this.progressionFor(this.clock.now()) } : settled(stepped);
      await uow.put(taskKind, final);
      this.log.debug(`task ${task.id} (${task.type}) -> ${final.status}`);
      return final;
    });
  }

  /** Called after a task is committed: a task already due runs now, a later one is scheduled. */
  async started(task: TaskRecord): Promise<TaskRecord> {
    if (task.pollsRemaining === undefined && task.dueAtMs !== undefined && task.dueAtMs <= this.clock.now()) {
      return (await this.run(task.catalog, task.id)) ?? task;
    }
    this.schedule();
    return task;
  }

  /**
   * Counts one read of an in-progress task (replayed Start call or a List) for poll-based progression; the
   * read that exhausts the count completes the task. A task due by time runs when read after its due time.
   */
  async observed(task: TaskRecord): Promise<TaskRecord> {
    if (task.status !== 'IN_PROGRESS') return task;
    if (task.pollsRemaining === undefined) {
      if (task.dueAtMs === undefined || task.dueAtMs > this.clock.now()) return task;
      // Everything due runs, in due order (the claim loop's), so reading a later task never lets it overtake an
      // earlier one waiting on the same invitation.
      await this.runDue();
      return (await this.store.transaction((uow) => uow.get(taskKind, [task.catalog, task.id]), { readOnly: true })) ?? task;
    }
    const updated = await this.store.transaction(async (uow) => {
      const current = await uow.get(taskKind, [task.catalog, task.id]);
      if (!current || current.status !== 'IN_PROGRESS' || current.pollsRemaining === undefined) return current;
      const next = { ...current, pollsRemaining: current.pollsRemaining - 1 };
      await uow.put(taskKind, next);
      return next;
    });
    if (updated && updated.status === 'IN_PROGRESS' && (updated.pollsRemaining ?? 1) <= 0) return (await this.run(task.catalog, task.id)) ?? updated;
    return updated ?? task;
  }

  /** Claims and runs every task due by the business clock (any process's), then re-arms for the next one. */
  runDue(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.claimAndRun();
      } while (this.again && !this.closed);
    })()
      .catch((err: unknown) => {
        if (!this.closed) this.log.error(`task runner: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async claimAndRun(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const now = this.clock.now();
      const claimed = await this.store.claimDueTasks({ dueBy: now, owner: this.owner, leaseMs: LEASE_MS, limit: CLAIM_BATCH });
      for (const task of claimed) {
        if (this.closed) return;
        await this.run(task.catalog, task.id);
      }
      if (claimed.length < CLAIM_BATCH) break;
    }
    if (this.closed) return;
    const now = this.clock.now();
    // Tasks waiting for a later due time are few (each is a test's or a pipeline's pending accept).
    const waiting = await this.store.transaction((uow) => queryAll(uow, taskKind, { where: { status: 'IN_PROGRESS', dueAt: { gt: now } } }), {
      readOnly: true,
    });
    let dueAt: number | undefined;
    for (const task of waiting) if (task.dueAtMs !== undefined && (dueAt === undefined || task.dueAtMs < dueAt)) dueAt = task.dueAtMs;
    this.arm(dueAt === undefined ? null : dueAt - now);
  }

  /** Recomputes when the next delayed task is due (after a new task or a clock change). */
  schedule(): void {
    this.arm(0);
  }

  /** At start-up: resume what a previous process left in progress, then keep looking once a second. */
  async start(): Promise<void> {
    await this.runDue();
    this.poller = setInterval(() => void this.runDue(), POLL_MS);
    this.poller.unref();
  }

  private arm(delayMs: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (delayMs === null || this.closed) return;
    this.timer = setTimeout(() => void this.runDue(), Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
    this.timer.unref();
  }

  /** Stops claiming; resolves once a pass in flight has finished. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    await this.running;
  }
}

/** Errors that say the database was contended, not that the step is wrong: retry later, never fail the task. */
function isContention(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
