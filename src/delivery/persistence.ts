// Every store access of event delivery, in one place: the outbox (`readEvents`, `eventPosition`), its change
// counter (`version('events')`) and the delivery state in metadata (`readMeta`, `uow.setMeta`).
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
}

export async function loadWebhooks(store: Store): Promise<SavedWebhook[]> {
  const list = await readJson<unknown>(store, WEBHOOKS_KEY, []);
  return Array.isArray(list) ? (list as SavedWebhook[]) : [];
}

export async function saveWebhooks(store: Store, webhooks: readonly SavedWebhook[]): Promise<void> {
  await writeJson(store, WEBHOOKS_KEY, webhooks);
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
