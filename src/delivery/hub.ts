// Event delivery from the outbox: live streams, webhooks and EventBridge. One timer watches the store's change
// token (a cheap check, no query) and wakes every consumer when something was written; consumers holding
// delayed events are woken every tick so they see them become available. Consumers' cursors are saved in
// one coalesced write, so a restart resumes after the last acknowledged event (at least once: a crash may
// repeat the events of the last fraction of a second).
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { UnitOfWorkStore as Store } from '../store/unit-of-work.js';
import { OutboxCursor } from './cursor.js';
import { EVENTBRIDGE_CONSUMER, EventBridgeFollower, type EventBridgeTarget } from './eventbridge.js';
import type { Follower, RetryPolicy } from './follower.js';
import {
  loadCursors,
  loadDeadLetters,
  loadWebhooks,
  outboxChangeToken,
  outboxHead,
  saveCursors,
  saveDeadLetters,
  saveWebhooks,
  type OutboxFilter,
  type SavedCursor,
  type SavedWebhook,
} from './persistence.js';
import { StreamFollower } from './stream.js';
import { webhookConsumer, WebhookFollower, type DeadLetter } from './webhooks.js';

/** How often the outbox is checked for new events. */
const POLL_MS = 250;
/** Cursor saves are coalesced over this long. */
const SAVE_DELAY_MS = 200;
export const MAX_WEBHOOKS = 100;
export const MAX_STREAMS = 1000;

/** What consumers need from the hub. */
export interface DeliveryContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly retry: RetryPolicy;
  /** A consumer acknowledged something: its cursor is saved soon. */
  cursorMoved(): void;
}

export interface NewWebhook {
  url: string;
  secret?: string;
  detailTypes?: string[];
  accounts?: string[];
  maxAttempts?: number;
}

/** A delivery request refused (a limit reached, or the server closing), answered with `httpStatus`. */
export class DeliveryRefusal extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

export class EventDelivery implements DeliveryContext {
  private readonly webhooks = new Map<string, WebhookFollower>();
  private readonly streams = new Set<StreamFollower>();
  private eventBridge: EventBridgeFollower | null = null;
  private timer: NodeJS.Timeout | null = null;
  private token = '';
  /** Newest outbox position known; a hint for the next head search. */
  private head = 0;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly log: Logger,
    readonly retry: RetryPolicy,
    private readonly eventBridgeTarget: EventBridgeTarget | null,
  ) {}

  /** Resumes the saved webhooks (and EventBridge) where their cursors stand, and starts watching the outbox. */
  async start(): Promise<void> {
    const cursors = await loadCursors(this.store);
    for (const webhook of await loadWebhooks(this.store)) {
      const cursor = await this.cursorOf(cursors[webhookConsumer(webhook.id)]);
      this.webhooks.set(webhook.id, new WebhookFollower(webhook, cursor, this));
    }
    if (this.eventBridgeTarget) {
      this.eventBridge = new EventBridgeFollower(this.eventBridgeTarget, await this.cursorOf(cursors[EVENTBRIDGE_CONSUMER]), this);
      this.log.info(`forwarding events to EventBridge bus '${this.eventBridgeTarget.bus}'${this.eventBridgeTarget.endpoint ? ` at ${this.eventBridgeTarget.endpoint}` : ''}`);
    }
    for (const follower of this.followers()) follower.start();
    this.token = outboxChangeToken(this.store);
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
    // A consumer new to this database starts at the head: keep that. (Only then: every write to the store, this
    // one too, makes the read cache start afresh.)
    if (this.webhooks.size > 0 || this.eventBridge) this.cursorMoved();
  }

  /** A saved cursor, or the outbox's head for a consumer that has none (it receives what is appended later). */
  private async cursorOf(saved: SavedCursor | undefined): Promise<OutboxCursor> {
    if (saved) return OutboxCursor.restore(saved);
    this.head = await outboxHead(this.store, this.head);
    return OutboxCursor.at(this.head);
  }

  private *followers(): Iterable<Follower> {
    yield* this.webhooks.values();
    yield* this.streams;
    if (this.eventBridge) yield this.eventBridge;
  }

  private tick(): void {
    const token = outboxChangeToken(this.store);
    const changed = token !== this.token;
    this.token = token;
    for (const follower of this.followers()) if (changed || follower.holding) follower.wake();
  }

  // ----------------------------------------------------------------------------------------------------
  // Webhooks

  async addWebhook(input: NewWebhook): Promise<SavedWebhook> {
    if (this.webhooks.size >= MAX_WEBHOOKS) throw new DeliveryRefusal(409, `At most ${MAX_WEBHOOKS} webhooks can be registered; delete one first.`);
    const webhook: SavedWebhook = {
      id: `wh-${randomBytes(8).toString('hex')}`,
      url: input.url,
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      ...(input.detailTypes !== undefined ? { detailTypes: input.detailTypes } : {}),
      ...(input.accounts !== undefined ? { accounts: input.accounts } : {}),
      maxAttempts: input.maxAttempts ?? this.retry.maxAttempts,
      createdAt: new Date().toISOString(),
    };
    const follower = new WebhookFollower(webhook, await this.cursorOf(undefined), this);
    this.webhooks.set(webhook.id, follower);
    await saveWebhooks(this.store, this.registrations());
    await this.saveCursorsNow();
    follower.start();
    return webhook;
  }

  listWebhooks(): SavedWebhook[] {
    return this.registrations();
  }

  getWebhook(id: string): SavedWebhook | undefined {
    return this.webhooks.get(id)?.webhook;
  }

  /** Stops deliveries to it (an attempt in flight is abandoned) and forgets it, cursor and dead letters too. */
  async removeWebhook(id: string): Promise<boolean> {
    const follower = this.webhooks.get(id);
    if (!follower) return false;
    this.webhooks.delete(id);
    await follower.close();
    await saveWebhooks(this.store, this.registrations());
    await saveDeadLetters(this.store, webhookConsumer(id), []);
    await this.saveCursorsNow();
    return true;
  }

  async deadLetters(id: string): Promise<DeadLetter[]> {
    return loadDeadLetters<DeadLetter>(this.store, webhookConsumer(id));
  }

  private registrations(): SavedWebhook[] {
    return [...this.webhooks.values()].map((f) => f.webhook);
  }

  // ----------------------------------------------------------------------------------------------------
  // EventBridge

  /** The forwarding target, where it stands, and what it gave up on. */
  async eventBridgeStatus() {
    const target = this.eventBridge?.target;
    return {
      enabled: target !== undefined,
      endpoint: target?.endpoint ?? null,
      bus: target?.bus ?? null,
      source: target?.source ?? null,
      deadLetters: await loadDeadLetters<DeadLetter>(this.store, EVENTBRIDGE_CONSUMER),
    };
  }

  // ----------------------------------------------------------------------------------------------------
  // Streams

  /**
   * Streams the outbox after `after` (a position) to `res` as Server-Sent Events until the client goes away
   * or the server closes; resolves then.
   */
  async openStream(res: ServerResponse, filter: OutboxFilter, after: number): Promise<void> {
    if (this.closed) throw new DeliveryRefusal(503, 'The server is closing.');
    if (this.streams.size >= MAX_STREAMS) throw new DeliveryRefusal(503, `At most ${MAX_STREAMS} event streams can be open at once.`);
    const stream = new StreamFollower(res, OutboxCursor.at(after), filter, this);
    this.streams.add(stream);
    stream.start();
    await stream.ended;
    this.streams.delete(stream);
    await stream.close();
  }

  // ----------------------------------------------------------------------------------------------------
  // Cursors and closing

  cursorMoved(): void {
    if (this.saveTimer || this.closed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveCursorsNow();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private saveCursorsNow(): Promise<void> {
    const cursors: Record<string, SavedCursor> = {};
    for (const [id, follower] of this.webhooks) cursors[webhookConsumer(id)] = follower.cursor.save();
    if (this.eventBridge) cursors[EVENTBRIDGE_CONSUMER] = this.eventBridge.cursor.save();
    // Saves run one after another, each with the cursors as they were when it was asked for.
    this.saving = this.saving
      .then(() => saveCursors(this.store, cursors))
      .catch((err: unknown) => this.log.error(`event delivery: could not save cursors: ${err instanceof Error ? err.message : String(err)}`));
    return this.saving;
  }

  /** Ends every stream, stops deliveries after their attempt in flight, and saves where each consumer stands. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await Promise.all([...this.followers()].map((f) => f.close()));
    await this.saveCursorsNow();
  }
}
