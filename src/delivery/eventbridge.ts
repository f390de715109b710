// Forwarding to Amazon EventBridge: every outbox event becomes one PutEvents entry on the configured bus (the
// real service, or a local one such as moto or LocalStack), in outbox order, at most 10 entries per call.
// A failed call, or failed entries, are sent again with exponential backoff from the first entry that failed;
// an entry still failing after `maxAttempts` is logged, kept in a dead-letter list, and passed.
import type { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { OutboxCursor, Pending } from './cursor.js';
import { backoffMs, Follower } from './follower.js';
import type { DeliveryContext } from './hub.js';
import { loadDeadLetters, saveDeadLetters } from './persistence.js';
import { MAX_DEAD_LETTERS, type DeadLetter } from './webhooks.js';

export const EVENT_SOURCE = 'aws.partnercentral-selling';
/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;
export const EVENTBRIDGE_CONSUMER = 'eventbridge';

export interface EventBridgeTarget {
  /** Endpoint URL of a local EventBridge (moto, LocalStack); null: the real service in us-east-1. */
  endpoint: string | null;
  bus: string;
  /** The entries' Source. AWS reserves `aws.` sources for its own services, so the real service refuses the default. */
  source: string;
  /** Explicit credentials; absent: the SDK's default chain (environment, profile, …). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function putEventsEntry(item: Pending, target: EventBridgeTarget): PutEventsRequestEntry {
  const envelope = item.envelope;
  return {
    EventBusName: target.bus,
    Source: target.source,
    DetailType: envelope['detail-type'],
    Detail: JSON.stringify(envelope.detail),
    Resources: envelope.resources,
    Time: new Date(envelope.time),
  };
}

export class EventBridgeFollower extends Follower {
  /** The SDK is loaded with the first follower, not at start-up: most servers never forward (~40 ms saved). */
  private readonly sdk: Promise<{ client: EventBridgeClient; PutEvents: typeof PutEventsCommand }>;

  constructor(
    readonly target: EventBridgeTarget,
    cursor: OutboxCursor,
    private readonly ctx: DeliveryContext,
  ) {
    super(cursor, ctx.log);
    this.sdk = import('@aws-sdk/client-eventbridge').then((sdk) => ({
      client: new sdk.EventBridgeClient({
        region: 'us-east-1',
        ...(target.endpoint ? { endpoint: target.endpoint } : {}),
        ...(target.credentials ? { credentials: target.credentials } : {}),
        maxAttempts: 1, // retries are ours: with backoff, in order, and counted
        requestHandler: { requestTimeout: ctx.retry.timeoutMs, throwOnRequestTimeout: true },
      }),
      PutEvents: sdk.PutEventsCommand,
    }));
    // A failed load is reported by the first delivery that awaits it, not as an unhandled rejection.
    this.sdk.catch(() => undefined);
  }

  protected async round(): Promise<boolean> {
    const before = this.cursor.position;
    const batch = await this.cursor.next(this.ctx.store, {}, this.ctx.clock.now(), 100);
    for (let i = 0; i < batch.items.length; i += ENTRIES_PER_CALL) {
      if (!(await this.put(batch.items.slice(i, i + ENTRIES_PER_CALL)))) return false;
    }
    this.cursor.finish(batch);
    if (this.cursor.position !== before) this.ctx.cursorMoved();
    return batch.items.length > 0 || batch.end !== before;
  }

  /** Sends `items` until every one is accepted or dead-lettered; answers false only when stopped first. */
  private async put(items: readonly Pending[]): Promise<boolean> {
    let remaining = items;
    let failures = 0;
    while (remaining.length > 0) {
      if (failures > 0 && !(await this.pause(backoffMs(this.ctx.retry, failures)))) return false;
      if (this.stopped) return false;
      let accepted = 0;
      let problem = '';
      try {
        // Not aborted by close(), as for webhooks: entries the bus accepted are acknowledged, not sent again.
        const { client, PutEvents } = await this.sdk;
        const out = await client.send(new PutEvents({ Entries: remaining.map((item) => putEventsEntry(item, this.target)) }));
        const entries = out.Entries ?? [];
        const firstFailed = entries.findIndex((e) => e.ErrorCode !== undefined && e.ErrorCode !== null);
        accepted = firstFailed < 0 ? remaining.length : firstFailed;
        if (firstFailed >= 0) problem = `${entries[firstFailed]!.ErrorCode}: ${entries[firstFailed]!.ErrorMessage ?? ''}`;
      } catch (err) {
        if (this.stopped) return false;
        problem = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      for (const item of remaining.slice(0, accepted)) this.ack(item);
      remaining = remaining.slice(accepted);
      if (accepted > 0) failures = 0;
      if (remaining.length === 0) break;
      failures++;
      const head = remaining[0]!;
      this.log.warn(`EventBridge: PutEvents of event ${head.envelope.id} failed (attempt ${failures} of ${this.ctx.retry.maxAttempts}): ${problem}`);
      if (failures >= this.ctx.retry.maxAttempts) {
        await this.deadLetter({ event: head.envelope, attempts: failures, lastError: problem, failedAt: new Date().toISOString() });
        this.ack(head);
        remaining = remaining.slice(1);
        failures = 0;
      }
    }
    return true;
  }

  private ack(item: Pending): void {
    this.cursor.ack(item);
    this.ctx.cursorMoved();
  }

  private async deadLetter(letter: DeadLetter): Promise<void> {
    const letters = await loadDeadLetters<DeadLetter>(this.ctx.store, EVENTBRIDGE_CONSUMER);
    letters.push(letter);
    await saveDeadLetters(this.ctx.store, EVENTBRIDGE_CONSUMER, letters.slice(-MAX_DEAD_LETTERS));
    this.log.error(`EventBridge: event ${letter.event.id} given up after ${letter.attempts} attempts (${letter.lastError})`);
  }

  override async close(): Promise<void> {
    await super.close();
    (await this.sdk).client.destroy();
  }
}
