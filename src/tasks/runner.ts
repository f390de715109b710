// The durable task runner. A Start*Task call writes the task row (IN_PROGRESS) in its own transaction; the
// runner then executes it in one further transaction that re-reads the row and acts only if it is still
// IN_PROGRESS, so a task runs exactly once whatever crashes or races happen in between. At start-up every
// task left IN_PROGRESS by a previous process is picked up again.
import type { Clock } from '../clock.js';
import type { RuntimeConfig } from '../config.js';
import type { Logger } from '../log.js';
import { tasks as taskCollection, type TaskRecord, type TaskType } from '../store/records.js';
import type { Store, Transaction } from '../store/store.js';

export interface TaskDefinition {
  type: TaskType;
  /** Performs the task inside `tx`; returns the task in its final state (COMPLETE or FAILED). */
  execute(tx: Transaction, task: TaskRecord): TaskRecord;
}

export class TaskRunner {
  private readonly definitions = new Map<TaskType, TaskDefinition>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly runtime: RuntimeConfig,
    private readonly log: Logger,
  ) {}

  register(definition: TaskDefinition): void {
    this.definitions.set(definition.type, definition);
  }

  /** Prepares a new task's progression fields according to the current configuration. */
  progressionFor(startMs: number): Pick<TaskRecord, 'runAfterMs' | 'pollsRemaining'> {
    if (this.runtime.taskProgression === 'immediate') return {};
    if (this.runtime.taskPolls !== null) return { pollsRemaining: this.runtime.taskPolls };
    return { runAfterMs: startMs + this.runtime.taskDelayMs };
  }

  /**
   * Executes one task now if it is still in progress; returns its state afterwards. A step that throws rolls
   * back all its effects and ends the task FAILED with InternalError (decision 12) instead of leaving it
   * IN_PROGRESS to be retried on every run and every restart.
   */
  run(catalog: string, id: string): TaskRecord | undefined {
    try {
      return this.execute(catalog, id);
    } catch (err) {
      this.log.error(`task ${id} failed unexpectedly: ${err instanceof Error ? err.stack : String(err)}`);
      // If even this write fails (e.g. the database is busy), the task stays IN_PROGRESS and is retried later.
      return this.store.transaction((tx) => {
        const col = tx.collection(taskCollection);
        const task = col.get([catalog, id]);
        if (!task || task.status !== 'IN_PROGRESS') return task;
        const { runAfterMs: _r, pollsRemaining: _p, ...rest } = task;
        const final: TaskRecord = { ...rest, status: 'FAILED', reasonCode: 'InternalError', message: 'The task failed because of an internal error; nothing was changed.' };
        col.put(final);
        return final;
      });
    }
  }

  private execute(catalog: string, id: string): TaskRecord | undefined {
    return this.store.transaction((tx) => {
      const col = tx.collection(taskCollection);
      const task = col.get([catalog, id]);
      if (!task || task.status !== 'IN_PROGRESS') return task;
      const definition = this.definitions.get(task.type);
      if (!definition) throw new Error(`no definition for task type ${task.type}`);
      const done = definition.execute(tx, task);
      const { runAfterMs: _r, pollsRemaining: _p, ...final } = done;
      col.put(final);
      this.log.debug(`task ${task.id} (${task.type}) -> ${final.status}${final.reasonCode ? ` ${final.reasonCode}` : ''}`);
      return final;
    });
  }

  /** Called after a task row is committed: immediate tasks run now, delayed ones are scheduled. */
  started(task: TaskRecord): TaskRecord {
    if (task.runAfterMs === undefined && task.pollsRemaining === undefined) return this.run(task.catalog, task.id) ?? task;
    this.schedule();
    return task;
  }

  /**
   * Counts one read of an in-progress task (replayed Start call or a List) for poll-based progression;
   * the read that exhausts the count completes the task.
   */
  observed(task: TaskRecord): TaskRecord {
    if (task.status !== 'IN_PROGRESS') return task;
    if (task.pollsRemaining === undefined) {
      if (task.runAfterMs !== undefined && task.runAfterMs <= this.clock.now()) return this.run(task.catalog, task.id) ?? task;
      return task;
    }
    const updated = this.store.transaction((tx) => {
      const col = tx.collection(taskCollection);
      const current = col.get([task.catalog, task.id]);
      if (!current || current.status !== 'IN_PROGRESS' || current.pollsRemaining === undefined) return current;
      const next = { ...current, pollsRemaining: current.pollsRemaining - 1 };
      col.put(next);
      return next;
    });
    if (updated && updated.status === 'IN_PROGRESS' && (updated.pollsRemaining ?? 1) <= 0) return this.run(task.catalog, task.id) ?? updated;
    return updated ?? task;
  }

  /** Runs every in-progress task whose time has come and re-arms the timer for the next one. */
  runDue(): void {
    if (this.closed) return;
    const now = this.clock.now();
    const pending = this.store.read((tx) => tx.collection(taskCollection).find({ status: 'IN_PROGRESS' }));
    let next: number | null = null;
    for (const task of pending) {
      if (task.pollsRemaining !== undefined) continue;
      const due = task.runAfterMs ?? 0;
      if (due <= now) {
        try {
          this.run(task.catalog, task.id);
        } catch (err) {
          this.log.error(`task ${task.id} could not run: ${err instanceof Error ? err.stack : String(err)}`);
        }
      } else if (next === null || due < next) {
        next = due;
      }
    }
    this.arm(next === null ? null : next - now);
  }

  /** Recomputes when the next delayed task is due (after a new task or a clock change). */
  schedule(): void {
    this.arm(0);
  }

  /** At start-up: resume whatever a previous process left in progress. */
  recover(): number {
    const pending = this.store.read((tx) => tx.collection(taskCollection).count({ status: 'IN_PROGRESS' }));
    if (pending > 0) {
      this.log.info(`resuming ${pending} task(s) left in progress by a previous run`);
      this.runDue();
    }
    return pending;
  }

  private arm(delayMs: number | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (delayMs === null || this.closed) return;
    this.timer = setTimeout(() => this.runDue(), Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
