// Every store access of event delivery, in one place: the outbox (`readEvents`, `eventPosition`), its change
// counter (`version('events')`), the delivery state in metadata (`readMeta`, `uow.setMeta`, `version('meta')`)
// and the lease that makes one process the deliverer (`tryAcquireLease`).
//
// Delivery state lives in metadata keys as JSON, each bounded: the webhook registrations (at most
// MAX_WEBHOOKS), one cursor per consumer, and per webhook its newest dead letters.
import type { EventEnvelope } from '../events/envelope.js';
import type { UnitOfWorkStore as Store } from '../store/unit-of-work.js';

/** An outbox event and its position (increasing in commit order, never reused). */
export interface OutboxEvent {
  readonly position: number;
  readonly envelope: EventEnvelope;
}

/** The filters the outbox itself can apply (one value each); anything finer is filtered by the consumer. */
export interface OutboxFilter {
  readonly detailType?: string;
  readonly accountId?: string;
  readonly catalog?: string;
}

export interface OutboxRead extends OutboxFilter {
  readonly after: number;
  /** Only events available by this business time (ms); absent: every event, held back or not. */
  readonly availableBy?: number;
  readonly limit: number;
}

export async function readOutbox(store: Store, read: OutboxRead): Promise<OutboxEvent[]> {
  return store.readEvents({
    after: read.after,
    detailType: read.detailType,
    accountId: read.accountId,
    catalog: read.catalog,
    availableBy: read.availableBy,
    limit: read.limit,
  });
}

/** The position of the event with this id, or undefined when there is none (never was, or swept). */
export async function positionOf(store: Store, eventId: string): Promise<number | undefined> {
  return store.eventPosition(eventId);
}

/** Whether any event at all lies after `position`. */
async function anyAfter(store: Store, position: number): Promise<boolean> {
  return (await readOutbox(store, { after: position, limit: 1 })).length > 0;
}

/**
 * The position of the newest event (0 for an empty outbox), found by galloping then bisecting from `hint`
 * with one-row reads: a few dozen index seeks even for a million events, and no store method of its own.
 */
export async function outboxHead(store: Store, hint = 0): Promise<number> {
  // Invariant: events lie after `low` (-1 stands for "before everything"), none after `high`; the head is `high`
  // once they are adjacent.
  let low = -1;
  let high = Math.max(0, hint);
  if (await anyAfter(store, high)) {
    let step = 1;
    do {
      low = high;
      high = low + step;
      step *= 2;
    } while (await anyAfter(store, high));
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await anyAfter(store, mid)) low = mid;
    else high = mid;
  }
  return high;
}

/** Changes whenever the delivery state (registrations, cursors) or other metadata may have changed. */
export function metadataChangeToken(store: Store): number {
  return store.version('meta');
}

/** Changes whenever the outbox may have grown (this process or another); cheap enough for every tick. */
export function outboxChangeToken(store: Store): string {
  return String(store.version('events'));
}

// ---------------------------------------------------------------------------------------------------------
// Delivery state in metadata

const WEBHOOKS_KEY = 'delivery.webhooks';
const CURSORS_KEY = 'delivery.cursors';
const deadLettersKey = (consumer: string) => `delivery.dead.${consumer}`;

async function readJson<T>(store: Store, key: string, fallback: T): Promise<T> {
  const text = await store.readMeta(key);
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

async function writeJson(store: Store, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await store.transaction((uow) => uow.setMeta(key, text));
}

/** Where a consumer stands in the outbox; `held` are passed-over events not yet available (delayed arrivals). */
export interface SavedCursor {
  position: number;
  held: number[];
}

export interface SavedWebhook {
  id: string;
  url: string;
  secret?: string;
  detailTypes?: string[];
  accounts?: string[];
  maxAttempts: number;
  createdAt: string;
  /** The outbox position at registration: with no saved cursor yet, delivery starts after it (never shown). */
  startAfter?: number;
}

function webhookList(text: string | undefined): SavedWebhook[] {
  if (!text) return [];
  try {
    const list = JSON.parse(text) as unknown;
    return Array.isArray(list) ? (list as SavedWebhook[]) : [];
  } catch {
    return [];
  }
}

/**
 * Adds a registration in one transaction (any process may register; the delivering one learns of it through
 * the metadata's change version). False when `max` are registered already.
 */
export async function registerWebhook(store: Store, webhook: SavedWebhook, max: number): Promise<boolean> {
  return store.transaction(async (uow) => {
    const list = webhookList(await uow.getMeta(WEBHOOKS_KEY));
    if (list.length >= max) return false;
    list.push(webhook);
    await uow.setMeta(WEBHOOKS_KEY, JSON.stringify(list));
    return true;
  });
}

/** Removes a registration and its dead letters in one transaction; false when there was none. */
export async function unregisterWebhook(store: Store, id: string, consumer: string): Promise<boolean> {
  return store.transaction(async (uow) => {
    const list = webhookList(await uow.getMeta(WEBHOOKS_KEY));
    const kept = list.filter((w) => w.id !== id);
    if (kept.length === list.length) return false;
    await uow.setMeta(WEBHOOKS_KEY, JSON.stringify(kept));
    await uow.setMeta(deadLettersKey(consumer), '[]');
    return true;
  });
}

export async function loadWebhooks(store: Store): Promise<SavedWebhook[]> {
  const list = await readJson<unknown>(store, WEBHOOKS_KEY, []);
  return Array.isArray(list) ? (list as SavedWebhook[]) : [];
}

export async function loadCursors(store: Store): Promise<Record<string, SavedCursor>> {
  const map = await readJson<unknown>(store, CURSORS_KEY, {});
  return map !== null && typeof map === 'object' && !Array.isArray(map) ? (map as Record<string, SavedCursor>) : {};
}

/** All consumers' cursors in one write (they are few and small; saves are coalesced by the caller). */
export async function saveCursors(store: Store, cursors: Readonly<Record<string, SavedCursor>>): Promise<void> {
  await writeJson(store, CURSORS_KEY, cursors);
}

export async function loadDeadLetters<T>(store: Store, consumer: string): Promise<T[]> {
  const list = await readJson<unknown>(store, deadLettersKey(consumer), []);
  return Array.isArray(list) ? (list as T[]) : [];
}

export async function saveDeadLetters<T>(store: Store, consumer: string, letters: readonly T[]): Promise<void> {
  await writeJson(store, deadLettersKey(consumer), letters);
}

// ---------------------------------------------------------------------------------------------------------
// The deliverer's lease

const DELIVERY_LEASE = 'delivery';

/** Takes or renews the lease that makes one process deliver webhooks and EventBridge for all. */
export async function holdDeliveryLease(store: Store, owner: string, ttlMs: number): Promise<boolean> {
  return store.tryAcquireLease(DELIVERY_LEASE, owner, ttlMs);
}

export async function releaseDeliveryLease(store: Store, owner: string): Promise<void> {
  await store.releaseLease(DELIVERY_LEASE, owner);
}

/** For answers that must show another process's registration at once. */
export async function syncDeliveryState(store: Store): Promise<void> {
  await store.syncChanges();
}
