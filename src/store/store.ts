// The store interface every resource module talks to. It is deliberately small: typed collections of JSON
// documents with a few indexed columns, sequences for identifiers, an event outbox, idempotency records and
// a key-value meta table, all used inside one synchronous transaction per request.
import type { EventEnvelope } from '../events/envelope.js';

export type ColumnValue = string | number | null;

/** Equality (or membership, for arrays) on indexed columns; all conditions must hold. */
export type Where = Record<string, ColumnValue | readonly ColumnValue[]>;

export interface Collection<T> {
  get(key: readonly string[]): T | undefined;
  /** Inserts or replaces the document stored under its key. */
  put(doc: T): void;
  delete(key: readonly string[]): void;
  find(where: Where): T[];
  count(where: Where): number;
}

export interface IdempotencyRecord {
  requestHash: string;
  response: string;
  createdAtMs: number;
}

export interface StoredEvent {
  seq: number;
  envelope: EventEnvelope;
}

export interface EventQuery {
  afterSeq?: number;
  detailType?: string;
  accountId?: string;
  catalog?: string;
  /** Only events available at this business time. */
  availableAtMs?: number;
  limit: number;
}

export interface EventRetention {
  /** Events whose time is earlier than this instant (ms, business clock) go. */
  before?: number;
  /** Only the newest this many events stay. */
  keepLatest?: number;
}

export interface Transaction {
  collection<T>(spec: CollectionSpec<T>): Collection<T>;
  nextSequence(kind: string): number;
  getIdempotency(scope: IdempotencyScope): IdempotencyRecord | undefined;
  putIdempotency(scope: IdempotencyScope, record: IdempotencyRecord): void;
  /** Appends an event; `availableAtMs` (business time) holds it back from readers until then. */
  appendEvent(envelope: EventEnvelope, availableAtMs?: number): void;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

export interface IdempotencyScope {
  accountId: string;
  catalog: string;
  operation: string;
  clientToken: string;
}

export interface Store {
  /** Runs `fn` in one write transaction; everything it did commits together or not at all. */
  transaction<T>(fn: (tx: Transaction) => T): T;
  /** Reads without taking the write lock. */
  read<T>(fn: (tx: Transaction) => T): T;
  /** An opaque value that changes whenever the stored state may have changed (by this process or another). */
  changeEpoch(): string;
  events(query: EventQuery): StoredEvent[];
  /** Position of an event in the outbox, by event id. */
  eventSeq(eventId: string): number | undefined;
  /**
   * Retention: deletes at most `limit` idempotency records created at or before `createdAtOrBeforeMs` (business
   * time), oldest first, in one short write transaction. Returns how many it deleted; fewer than `limit` means
   * none are left.
   */
  purgeIdempotency(createdAtOrBeforeMs: number, limit: number): number;
  /**
   * Retention: deletes at most `limit` events, oldest first, among those dated before `before` (business time)
   * or beyond the newest `keepLatest`, in one short write transaction. Returns how many it deleted.
   */
  purgeEvents(retention: EventRetention, limit: number): number;
  /** Deletes all state, or the state of one account and/or catalog. */
  reset(scope?: { accountId?: string; catalog?: string }): void;
  /** Where the data lives, for logs and the control plane. */
  readonly location: string;
  /** Whether writes can succeed now; cheap enough for every health request (re-probes at most once a second). */
  health(): StoreHealth;
  close(): void;
}

export interface StoreHealth {
  writable: boolean;
  /** Why not, in a sentence, when not writable. */
  problem?: string;
}

/** How a collection maps documents onto a table: the key columns and the indexed columns. */
export interface CollectionSpec<T> {
  table: string;
  keyColumns: readonly string[];
  key: (doc: T) => readonly string[];
  /** Indexed columns and how to read them from the document. Must include the key columns. */
  columns: Record<string, (doc: T) => ColumnValue>;
  /** Columns that scope a row to an account and a catalog, for partial resets. */
  accountColumn?: string;
  catalogColumn: string;
}
