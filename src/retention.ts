// Retention: idempotency records past their window (decision 9) and events outside the outbox's window or count
// are deleted by a periodic sweep. The store deletes in small batches, each its own short write transaction, so a
// sweep over millions of rows never holds the write lock for long: requests are served between batches. Several
// processes on one database sweep once: the sweep runs under a named lease.
import type { Clock } from './clock.js';
import type { ServerOptions } from './config.js';
import type { Logger } from './log.js';
import type { EventPurge, UnitOfWorkStore } from './store/unit-of-work.js';

/**
 * Rows per batch: one short transaction. Measured, 1,000-row batches held the lock disproportionately longer
 * than 250-row ones (probably outgrowing SQLite's default 2 MB page cache); BENCHMARKS.md has the figures.
 */
export const RETENTION_BATCH = 250;
const LEASE_NAME = 'retention-sweep';
/** Longer than any sweep should take; a process that dies mid-sweep holds the others off at most this long. */
const LEASE_MS = 5 * 60_000;
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
    private readonly store: UnitOfWorkStore,
    private readonly clock: Clock,
    private readonly policy: RetentionPolicy,
    private readonly log: Logger,
    /** Names this process in the sweep's lease. */
    private readonly owner: string,
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
      // One process sweeps at a time; another's sweep in progress covers this request too.
      if (!(await this.store.tryAcquireLease(LEASE_NAME, this.owner, LEASE_MS))) return total;
      try {
        const now = this.clock.now();
        const idempotency = await this.store.purgeIdempotency(now - this.policy.idempotencyTtlMs, this.batchSize);
        total.idempotencyRecords += idempotency;
        total.batches += Math.floor(idempotency / this.batchSize) + 1;
        const purge: { -readonly [K in keyof EventPurge]: EventPurge[K] } = { batchSize: this.batchSize };
        if (this.policy.eventRetentionMs !== null) purge.recordedBefore = now - this.policy.eventRetentionMs;
        if (this.policy.eventRetentionCount !== null) purge.keepLast = this.policy.eventRetentionCount;
        if (purge.recordedBefore !== undefined || purge.keepLast !== undefined) {
          const events = await this.store.purgeEvents(purge);
          total.events += events;
          total.batches += Math.floor(events / this.batchSize) + 1;
        }
      } finally {
        await this.store.releaseLease(LEASE_NAME, this.owner);
      }
    } while (this.again && !this.closed);
    return total;
  }
}
