// The loop every outbox consumer runs (a stream, a webhook, EventBridge): sleep until woken, take the next
// batch from its cursor, deliver it, repeat while there is more. One round at a time per consumer, so each
// one sees the outbox in order and never has two deliveries in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import type { OutboxCursor } from './cursor.js';

export interface RetryPolicy {
  /** Wait before the first retry (ms); doubles after every failure… */
  initialMs: number;
  /** …up to this. */
  maxMs: number;
  /** Deliveries tried per event before it is dead-lettered (webhooks' default; a registration may set its own). */
  maxAttempts: number;
  /** Time allowed for one delivery (ms). */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 500, maxMs: 60_000, maxAttempts: 10, timeoutMs: 10_000 };

export function backoffMs(policy: RetryPolicy, failures: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(failures - 1, 30));
}

export abstract class Follower {
  protected readonly stopping = new AbortController();
  private woken = true;
  private wakeUp: (() => void) | null = null;
  private running: Promise<void> | null = null;

  constructor(
    readonly cursor: OutboxCursor,
    protected readonly log: Logger,
  ) {}

  /** True while events were passed over that are not yet available: the hub wakes it every tick to re-check. */
  get holding(): boolean {
    return this.cursor.holding;
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Something may have changed in the outbox. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Stops after the delivery in flight (which runs to its answer; waits between attempts are cut short); resolves once the loop has ended. */
  async close(): Promise<void> {
    this.stopping.abort();
    this.wakeUp?.();
    await this.running;
  }

  /** Delivers the next batch; answers whether there may be more at once. */
  protected abstract round(): Promise<boolean>;

  /** Waits `ms`, or less if the consumer stops; answers whether it is still running. */
  protected async pause(ms: number): Promise<boolean> {
    try {
      await sleep(ms, undefined, { signal: this.stopping.signal, ref: false });
    } catch {
      // aborted
    }
    return !this.stopped;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (!this.woken) await new Promise<void>((resolve) => (this.wakeUp = resolve));
      this.wakeUp = null;
      this.woken = false;
      if (this.stopped) break;
      try {
        if (await this.round()) this.woken = true;
      } catch (err) {
        // A store failure (e.g. the disk is full): the next wake tries again.
        this.log.error(`event delivery: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
