// Retention: idempotency records past their window (decision 9) and events outside the outbox's window or count
// are deleted by a periodic sweep. It deletes in small batches, each its own short write transaction, and yields
// to the event loop between batches, so a sweep over millions of rows never holds the write lock (or the event
// loop) for long: requests are served between batches.
import type { Clock } from './clock.js';
import type { ServerOptions } from './config.js';
import type { Logger } from './log.js';
import type { EventRetention, Store } from './store/store.js';

/**
 * Rows per batch: one short transaction. Measured, 1,000-row batches held the lock disproportionately longer
 * than 250-row ones (probably outgrowing SQLite's default 2 MB page cache); BENCHMARKS.md has the figures.
 */
export const RETENTION_BATCH = 250;
/** A sweep also runs after every clock move and at start-up. */
const SWEEP_INTERVAL_MS = 60_000;

export type RetentionPolicy = Pick<ServerOptions, 'idempotencyTtlMs' | 'eventRetentionMs' | 'eventRetentionCount'>;

export interface SweepResult {
  idempotencyRecords: number;
  events: number;
  /** Write transactions used; the sweep yielded to the event loop between each. */
  batches: number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class RetentionSweeper {
  private running: Promise<SweepResult> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: RetentionPolicy,
    private readonly log: Logger,
    private readonly batchSize = RETENTION_BATCH,
  ) {}

  /** Sweeps now and then periodically, on a timer that never keeps the process alive. */
  start(): void {
    this.request();
    this.timer = setInterval(() => this.request(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Asks for a sweep soon (e.g. the clock moved); failures are logged, never thrown. */
  request(): void {
    this.sweep().catch((err: unknown) => {
      if (!this.closed) this.log.error(`retention sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  /**
   * Runs a sweep to completion. A call during a running sweep joins it, and the sweep then runs once more, so
   * a clock moved mid-sweep is honoured.
   */
  sweep(): Promise<SweepResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.sweepUntilSettled().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  private async sweepUntilSettled(): Promise<SweepResult> {
    const total: SweepResult = { idempotencyRecords: 0, events: 0, batches: 0 };
    do {
      this.again = false;
      await nextTurn(); // never inside the caller's turn: a request that moved the clock is answered first
      const now = this.clock.now();
      total.idempotencyRecords += await this.inBatches(total, (limit) => this.store.purgeIdempotency(now - this.policy.idempotencyTtlMs, limit));
      const retention: EventRetention = {};
      if (this.policy.eventRetentionMs !== null) retention.before = now - this.policy.eventRetentionMs;
      if (this.policy.eventRetentionCount !== null) retention.keepLatest = this.policy.eventRetentionCount;
      if (retention.before !== undefined || retention.keepLatest !== undefined) {
        total.events += await this.inBatches(total, (limit) => this.store.purgeEvents(retention, limit));
      }
    } while (this.again && !this.closed);
    return total;
  }

  /** Repeats `purge` until a batch comes back short, yielding between batches. */
  private async inBatches(total: SweepResult, purge: (limit: number) => number): Promise<number> {
    let deleted = 0;
    while (!this.closed) {
      const n = purge(this.batchSize);
      total.batches++;
      deleted += n;
      if (n < this.batchSize) break;
      await nextTurn();
    }
    return deleted;
  }
}
