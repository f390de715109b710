// Event delivery from the outbox: live streams, webhooks and EventBridge. One timer watches the store's change
// token (a cheap check, no query) and wakes every consumer when something was written; consumers holding
// delayed events are woken every tick so they see them become available. Consumers' cursors are saved in
// one coalesced write, so a restart resumes after the last acknowledged event (at least once: a crash may
// repeat the events of the last fraction of a second).
//
// Several processes on one database: webhooks and EventBridge are delivered by one process at a time, the holder
// of the `delivery` lease (renewed every second, taken over by another process when it lapses). Registrations
// live in the metadata, so one made on any process reaches the deliverer, which re-reads them whenever the
// metadata changed. Streams stay with the process whose client opened them.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { UnitOfWorkStore as Store } from '../store/unit-of-work.js';
import { OutboxCursor } from './cursor.js';
import { EVENTBRIDGE_CONSUMER, EventBridgeFollower, type EventBridgeTarget } from './eventbridge.js';
import type { Follower, RetryPolicy } from './follower.js';
import {
  holdDeliveryLease,
  loadCursors,
  loadDeadLetters,
  loadWebhooks,
  metadataChangeToken,
  outboxChangeToken,
  outboxHead,
  registerWebhook,
  releaseDeliveryLease,
  saveCursors,
  syncDeliveryState,
  unregisterWebhook,
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
/** The deliverer renews its lease this often… */
const LEASE_RENEW_MS = 1_000;
/** …and another process takes over when it has not for this long (a holder that died). */
const LEASE_TTL_MS = 10_000;
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
  /** Webhook consumers, while this process is the deliverer. */
  private readonly webhooks = new Map<string, WebhookFollower>();
  private readonly streams = new Set<StreamFollower>();
  private eventBridge: EventBridgeFollower | null = null;
  private timer: NodeJS.Timeout | null = null;
  private leaseTimer: NodeJS.Timeout | null = null;
  private token = '';
  /** The metadata version the webhook consumers reflect. */
  private metaSeen = -1;
  /** True while this process holds the delivery lease. */
  private delivering = false;
  /** Lease changes and registration re-reads run one after another. */
  private serial: Promise<void> = Promise.resolve();
  private renewing = false;
  /** When (performance.now()) the lease was last taken or renewed. */
  private renewedAt = -Infinity;
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
    /** This process's name on the delivery lease. */
    private readonly owner: string,
  ) {}

  /** Starts watching the outbox, and delivers webhooks and EventBridge if no other process does. */
  async start(): Promise<void> {
    this.token = outboxChangeToken(this.store);
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
    this.leaseTimer = setInterval(() => void this.renewLease(), LEASE_RENEW_MS);
    this.leaseTimer.unref();
    await this.renewLease();
  }

  /** Whether this process delivers webhooks and EventBridge for every process on the database. */
  get isDeliverer(): boolean {
    return this.delivering;
  }

  private queue(step: () => Promise<void>): Promise<void> {
    this.serial = this.serial.then(step).catch((err: unknown) => this.log.error(`event delivery: ${err instanceof Error ? err.message : String(err)}`));
    return this.serial;
  }

  /** Takes or renews the lease; starts or stops delivering when that changed. */
  private async renewLease(): Promise<void> {
    if (this.renewing || this.closed) return;
    this.renewing = true;
    try {
      let held = false;
      const asked = performance.now();
      try {
        held = await holdDeliveryLease(this.store, this.owner, LEASE_TTL_MS);
        if (held) this.renewedAt = asked;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        // The lease is still ours until it lapses, and nobody else can take it before then: a passing failure
        // (a busy database) must not stop delivery, or the unsaved progress is redelivered when it resumes.
        // Stop only close to the lapse, so a process that can renew takes over without duplicates.
        if (this.delivering && asked - this.renewedAt < LEASE_TTL_MS - 3 * LEASE_RENEW_MS) {
          this.log.warn(`event delivery: could not renew the delivery lease, retrying: ${reason}`);
          return;
        }
        this.log.error(`event delivery: could not renew the delivery lease: ${reason}`);
      }
      if (held !== this.delivering && !this.closed) await this.queue(() => (held ? this.startDelivering() : this.stopDelivering()));
    } finally {
      this.renewing = false;
    }
  }

  /** This process became the deliverer: resume every consumer where its saved cursor stands. */
  private async startDelivering(): Promise<void> {
    if (this.delivering || this.closed) return;
    this.delivering = true;
    // The previous deliverer's last save must be seen, not a cached older one.
    await syncDeliveryState(this.store);
    const cursors = await loadCursors(this.store);
    if (this.eventBridgeTarget) {
      this.eventBridge = new EventBridgeFollower(this.eventBridgeTarget, await this.cursorOf(cursors[EVENTBRIDGE_CONSUMER]), this);
      this.eventBridge.start();
      this.log.info(`forwarding events to EventBridge bus '${this.eventBridgeTarget.bus}'${this.eventBridgeTarget.endpoint ? ` at ${this.eventBridgeTarget.endpoint}` : ''}`);
    }
    await this.followRegistrations(cursors);
    this.log.debug(`event delivery: this process delivers webhooks and EventBridge (${this.owner})`);
    // A consumer new to this database starts at the head: keep that. (Only then: every write to the store, this
    // one too, makes the read cache start afresh.)
    if (this.webhooks.size > 0 || this.eventBridge) this.cursorMoved();
  }

  /** The lease went to another process (or could not be renewed): stop without saving (the new holder saves). */
  private async stopDelivering(): Promise<void> {
    if (!this.delivering) return;
    this.delivering = false;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const stopping: Promise<void>[] = [...this.webhooks.values()].map((f) => f.close());
    if (this.eventBridge) stopping.push(this.eventBridge.close());
    this.webhooks.clear();
    this.eventBridge = null;
    await Promise.all(stopping);
    this.log.warn('event delivery: another process now delivers webhooks and EventBridge');
  }

  /** Makes the webhook consumers match the saved registrations (added on any process, or removed). */
  private async followRegistrations(cursors?: Record<string, SavedCursor>): Promise<void> {
    if (!this.delivering) return;
    const version = metadataChangeToken(this.store);
    const registered = await loadWebhooks(this.store);
    this.metaSeen = version;
    const ids = new Set(registered.map((w) => w.id));
    for (const [id, follower] of this.webhooks) {
      if (ids.has(id)) continue;
      this.webhooks.delete(id);
      await follower.close();
    }
    const added = registered.filter((w) => !this.webhooks.has(w.id));
    if (added.length === 0) return;
    const saved = cursors ?? (await loadCursors(this.store));
    for (const webhook of added) {
      const follower = new WebhookFollower(webhook, await this.cursorOf(saved[webhookConsumer(webhook.id)], webhook.startAfter), this);
      this.webhooks.set(webhook.id, follower);
      follower.start();
    }
    this.cursorMoved();
  }

  /**
   * A saved cursor; else the position recorded at registration; else the outbox's head (the consumer receives
   * what is appended later).
   */
  private async cursorOf(saved: SavedCursor | undefined, startAfter?: number): Promise<OutboxCursor> {
    if (saved) return OutboxCursor.restore(saved);
    if (startAfter !== undefined) return OutboxCursor.at(startAfter);
    this.head = await outboxHead(this.store, this.head);
    return OutboxCursor.at(this.head);
  }

  private *followers(): Iterable<Follower> {
    yield* this.webhooks.values();
    yield* this.streams;
    if (this.eventBridge) yield this.eventBridge;
  }

  private tick(): void {
    if (this.delivering && metadataChangeToken(this.store) !== this.metaSeen) void this.queue(() => this.followRegistrations());
    const token = outboxChangeToken(this.store);
    const changed = token !== this.token;
    this.token = token;
    for (const follower of this.followers()) if (changed || follower.holding) follower.wake();
  }

  // ----------------------------------------------------------------------------------------------------
  // Webhooks

  async addWebhook(input: NewWebhook): Promise<SavedWebhook> {
    if (this.closed) throw new DeliveryRefusal(503, 'The server is closing.');
    this.head = await outboxHead(this.store, this.head);
    const webhook: SavedWebhook = {
      id: `wh-${randomBytes(8).toString('hex')}`,
      url: input.url,
      ...(input.secret !== undefined ? { secret: input.secret } : {}),
      ...(input.detailTypes !== undefined ? { detailTypes: input.detailTypes } : {}),
      ...(input.accounts !== undefined ? { accounts: input.accounts } : {}),
      maxAttempts: input.maxAttempts ?? this.retry.maxAttempts,
      createdAt: new Date().toISOString(),
      startAfter: this.head,
    };
    if (!(await registerWebhook(this.store, webhook, MAX_WEBHOOKS))) {
      throw new DeliveryRefusal(409, `At most ${MAX_WEBHOOKS} webhooks can be registered; delete one first.`);
    }
    // The deliverer (here or in another process) starts following it from `startAfter`.
    await this.queue(() => this.followRegistrations());
    return webhook;
  }

  async listWebhooks(): Promise<SavedWebhook[]> {
    await syncDeliveryState(this.store);
    return loadWebhooks(this.store);
  }

  async getWebhook(id: string): Promise<SavedWebhook | undefined> {
    return (await this.listWebhooks()).find((w) => w.id === id);
  }

  /** Stops deliveries to it (an attempt in flight is abandoned) and forgets it, cursor and dead letters too. */
  async removeWebhook(id: string): Promise<boolean> {
    if (!(await unregisterWebhook(this.store, id, webhookConsumer(id)))) return false;
    await this.queue(() => this.followRegistrations());
    if (this.delivering) await this.saveCursorsNow();
    return true;
  }

  async deadLetters(id: string): Promise<DeadLetter[]> {
    return loadDeadLetters<DeadLetter>(this.store, webhookConsumer(id));
  }

  // ----------------------------------------------------------------------------------------------------
  // EventBridge

  /** The forwarding target, where it stands, and what it gave up on. */
  async eventBridgeStatus() {
    const target = this.eventBridgeTarget ?? undefined;
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
    if (this.saveTimer || this.closed || !this.delivering) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveCursorsNow();
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private saveCursorsNow(): Promise<void> {
    if (!this.delivering) return this.saving;
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
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.serial;
    await Promise.all([...this.followers()].map((f) => f.close()));
    if (!this.delivering) return;
    await this.saveCursorsNow();
    // The next process takes over at its next renewal, not when the lease would have lapsed.
    await releaseDeliveryLease(this.store, this.owner).catch((err: unknown) =>
      this.log.warn(`event delivery: could not release the delivery lease: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}
