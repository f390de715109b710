// The asynchronous unit-of-work store (issue 6), being introduced beside the synchronous `store.ts`.
//
// It speaks the domain: record kinds are declared once (key, typed fields read from the JSON document,
// indexes), and the engines derive tables, columns, indexes and statements from those declarations. A caller
// names fields ('accountId', 'lastModifiedDate'), never SQL columns. Everything a request does happens in one
// `store.transaction(async (uow) => …)`: no nested transactions, reads in one consistent snapshot.
import type { EventEnvelope } from '../events/envelope.js';

// ---------------------------------------------------------------------------------------------------------
// Record kinds

/** A field is read from the document by `of`; `optional` fields may be absent (NULL in the database). */
export type FieldSpec<Doc> =
  | { readonly type: 'text'; readonly of: (doc: Doc) => string | undefined; readonly optional?: boolean }
  | { readonly type: 'int'; readonly of: (doc: Doc) => number | undefined; readonly optional?: boolean }
  | { readonly type: 'bool'; readonly of: (doc: Doc) => boolean | undefined; readonly optional?: boolean }
  /** Milliseconds since the epoch (compare ISO instants as numbers, never as strings). */
  | { readonly type: 'timestamp'; readonly of: (doc: Doc) => number | undefined; readonly optional?: boolean };

export type FieldType = FieldSpec<never>['type'];
export type Fields<Doc> = Readonly<Record<string, FieldSpec<Doc>>>;
export type FieldValue = string | number | boolean;

/** The value type of one declared field. */
export type ValueOf<S> = S extends { readonly of: (doc: never) => infer V } ? Exclude<V, undefined> : never;

export interface RecordKind<Doc, F extends Fields<Doc> = Fields<Doc>> {
  /** Names the kind in change notifications and (snake_cased) its table. */
  readonly name: string;
  /** The fields that identify a record, in order; `get`/`delete` take their values in this order. */
  readonly key: readonly (keyof F & string)[];
  readonly fields: F;
  /**
   * Secondary indexes, each a list of fields: equality fields first, then at most one sort or range field.
   * The engines append the key fields not already listed, so a keyset page is one index range scan.
   */
  readonly indexes: readonly (readonly (keyof F & string)[])[];
  /**
   * Ranges a list may filter on while sorting by another field (see `Grid`): each grid adds one index per sort.
   */
  readonly grids?: readonly Grid<keyof F & string>[];
  /** Fields that scope a record to an account and a catalog, for partial resets. */
  readonly scope: { readonly account?: keyof F & string; readonly catalog?: keyof F & string };
  /**
   * The kind keeps a rendered view beside each record: the JSON its resource module answers reads with, written
   * with the record (`put`'s third argument) and read back as text by `getView`, so a read parses and serializes
   * nothing. A put without a view stores none, and `getView` then says so: a view is never older than its record.
   */
  readonly view?: true;
}

/**
 * A wide range on one field with the page sorted by another (CreatedDate in a year, newest change first) is
 * answered by no single B-tree when the two are correlated: walking the sort's index passes every record outside
 * the range (half the account), and reading the range's index sorts every match. A grid cuts the range field into
 * buckets of `width` (integer division) and indexes (prefix, bucket, sort field, key, range field) for each of
 * `sorts`: a page is then the best few records of the best few buckets, a few index seeks per bucket whatever the
 * number of records.
 */
export interface Grid<K extends string = string> {
  /** Fields the queries fix to one value (account, catalog…), in index order. */
  readonly prefix: readonly K[];
  /** An int or timestamp field. */
  readonly range: K;
  readonly width: number;
  readonly sorts: readonly K[];
  /** Other fields lists filter on, appended to each grid index so that every filter is checked in the index. */
  readonly covers?: readonly K[];
}

/**
 * Declares a record kind: `recordKind<OpportunityRecord>()({ name, key, fields, indexes, scope })`.
 * (Curried so that the document type is given and the field declarations are inferred.)
 */
export function recordKind<Doc>() {
  return <const F extends Fields<Doc>>(kind: RecordKind<Doc, F>): RecordKind<Doc, F> => kind;
}

/** The document type of a kind. */
export type DocOf<K> = K extends RecordKind<infer D, infer _F> ? D : never;

// ---------------------------------------------------------------------------------------------------------
// Queries

export interface Range<V> {
  readonly gt?: V;
  readonly gte?: V;
  readonly lt?: V;
  readonly lte?: V;
}

/**
 * One field's condition: a value (equality), a list (membership; an empty list matches nothing), a range,
 * `{ notIn }`, or for text `{ prefix }` (byte-wise; declare a lower-cased field for case-insensitive prefixes).
 * Ranges and `notIn` never match an absent (optional) field.
 */
export type Condition<V> =
  | V
  | readonly V[]
  | Range<V>
  | { readonly notIn: readonly V[] }
  | (V extends string ? { readonly prefix: string } : never);

export type Where<F> = { readonly [K in keyof F]?: Condition<ValueOf<F[K]>> };

export interface Query<F> {
  readonly where?: Where<F>;
  /** A declared, non-optional field; ties are broken by the key. Default: the key, ascending. */
  readonly sort?: { readonly by: keyof F & string; readonly order?: 'asc' | 'desc' };
  /** The `next` cursor of the previous page of the same query. */
  readonly after?: string;
  readonly limit: number;
}

export interface Page<Doc> {
  readonly items: Doc[];
  /** Present when more records follow: pass it as `after` for the next page (a keyset position, never an offset). */
  readonly next?: string;
}

export class InvalidCursorError extends Error {}
export class NestedTransactionError extends Error {}
export class SchemaVersionError extends Error {}

// ---------------------------------------------------------------------------------------------------------
// Idempotency, events, tasks

export interface IdempotencyScope {
  readonly accountId: string;
  readonly catalog: string;
  readonly operation: string;
  readonly clientToken: string;
}

export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly response: string;
  readonly createdAtMs: number;
}

export interface StoredEvent {
  /** Position in the outbox: increases in commit order. */
  readonly position: number;
  readonly envelope: EventEnvelope;
}

/** An outbox entry as a state export holds it: the event and when it becomes readable (business time, ms). */
export interface OutboxEntry extends StoredEvent {
  readonly availableAt: number;
}

/** An idempotency record with the scope it answers for. */
export type ScopedIdempotencyRecord = IdempotencyScope & IdempotencyRecord;

export interface EventQuery {
  readonly after?: number;
  readonly detailType?: string;
  readonly accountId?: string;
  readonly catalog?: string;
  /** Only events available at this business time. */
  readonly availableBy?: number;
  readonly limit: number;
}

export interface EventPurge {
  /** Remove events recorded (envelope `time`) before this instant (ms)… */
  readonly recordedBefore?: number;
  /** …and/or all but the newest `keepLast`. */
  readonly keepLast?: number;
  /** Rows deleted per transaction, so a large purge never holds the write lock long. Default 1000. */
  readonly batchSize?: number;
}

export interface TaskClaim {
  /** Business time: tasks due at or before it are claimable. */
  readonly dueBy: number;
  /** Who claims (e.g. `host:pid:random`). */
  readonly owner: string;
  /** Lease length on the wall clock; an unexpired lease of another owner keeps a task from being claimed. */
  readonly leaseMs: number;
  readonly limit: number;
  /** Wall-clock now (ms); defaults to Date.now(). */
  readonly now?: number;
}

// ---------------------------------------------------------------------------------------------------------
// The unit of work and the store

/** Values of a kind's key fields, in declaration order. */
export type KeyValues = readonly (string | number)[];

export interface UnitOfWork {
  get<D, F extends Fields<D>>(kind: RecordKind<D, F>, key: KeyValues): Promise<D | undefined>;
  /**
   * Inserts, or replaces the record with the same key. `view` (kinds declaring `view` only): the record's rendered
   * view, stored beside it; without one the record has no view until its next put with one.
   */
  put<D, F extends Fields<D>>(kind: RecordKind<D, F>, doc: D, view?: string): Promise<void>;
  /**
   * The stored view of the record with this key whose fields equal `where` (a kind declaring `view`): its text;
   * `null` when that record exists but was put without a view; `undefined` when no such record exists.
   */
  getView<D, F extends Fields<D>>(kind: RecordKind<D, F>, key: KeyValues, where?: { readonly [K in keyof F]?: FieldValue }): Promise<string | null | undefined>;
  /** Returns whether a record was deleted. */
  delete<D, F extends Fields<D>>(kind: RecordKind<D, F>, key: KeyValues): Promise<boolean>;
  query<D, F extends Fields<D>>(kind: RecordKind<D, F>, query: Query<F>): Promise<Page<D>>;
  count<D, F extends Fields<D>>(kind: RecordKind<D, F>, where?: Where<F>): Promise<number>;
  /** The next value (1, 2, …) of a named sequence, in this transaction: it never repeats once committed. */
  nextSequence(name: string): Promise<number>;
  getIdempotency(scope: IdempotencyScope): Promise<IdempotencyRecord | undefined>;
  putIdempotency(scope: IdempotencyScope, record: IdempotencyRecord): Promise<void>;
  /** Appends an event; `availableAt` (business time, ms) holds it back from readers until then. */
  appendEvent(envelope: EventEnvelope, availableAt?: number): Promise<void>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  // Bulk access for state export and import (src/state/export.ts), never on the request path.
  /** Every named sequence with its last value handed out. */
  listSequences(): Promise<Record<string, number>>;
  /** Sets a sequence's last value: the next `nextSequence(name)` answers `value + 1`. */
  setSequence(name: string, value: number): Promise<void>;
  /** Every metadata entry. */
  listMeta(): Promise<Record<string, string>>;
  /** Idempotency records in scope order, `limit` at a time, after the scope given (a keyset, never an offset). */
  pageIdempotency(after: IdempotencyScope | undefined, limit: number): Promise<ScopedIdempotencyRecord[]>;
  /** Outbox entries after position `after` (0: from the start), in order, whatever their availability. */
  pageEvents(after: number, limit: number): Promise<OutboxEntry[]>;
  /** Deletes every record, idempotency record, event, sequence and metadata entry (a state import's first step). */
  deleteEverything(): Promise<void>;
}

export interface TransactionOptions {
  /** A snapshot read: takes no write lock (SQLite) and runs READ ONLY (PostgreSQL). */
  readonly readOnly?: boolean;
  /**
   * A write that may change a great many records (a state import): SQLite runs it in a transaction of its own
   * whose undo information is kept on disk, where request-sized writes keep theirs in memory. No effect on
   * PostgreSQL.
   */
  readonly bulk?: boolean;
}

/** Called after commits (this process's or another's) with the record kinds that changed; `meta` for metadata. */
export type ChangeListener = (kinds: ReadonlySet<string>) => void;

export interface UnitOfWorkStore {
  readonly engine: 'sqlite' | 'postgres';
  /** Where the data lives, for logs (never a password). */
  readonly location: string;
  /**
   * Runs `fn` in one transaction; everything it did commits together or not at all. On PostgreSQL the whole
   * function may run again after a serialization failure, so it must have no effects outside `uow`.
   */
  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>, options?: TransactionOptions): Promise<T>;

  /** Claims up to `limit` in-progress tasks due by `dueBy` whose lease is free or expired; returns them leased. */
  claimDueTasks(claim: TaskClaim): Promise<TaskRecord[]>;
  /** Extends a lease its owner still holds; false when the lease was lost (expired and taken). */
  renewTaskLease(key: KeyValues, owner: string, leaseMs: number, now?: number): Promise<boolean>;
  /** A named lease for singleton jobs (expiry sweep, event retention): true when `owner` holds it now. */
  tryAcquireLease(name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  releaseLease(name: string, owner: string): Promise<void>;

  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  eventPosition(eventId: string): Promise<number | undefined>;
  purgeEvents(purge: EventPurge): Promise<number>;
  /** Deletes idempotency records created before `createdBefore` (ms), in batches. */
  purgeIdempotency(createdBefore: number, batchSize?: number): Promise<number>;

  /** Metadata as last committed, cached until a change notification for `meta` arrives. */
  readMeta(key: string): Promise<string | undefined>;

  /** Registers a change listener; returns its unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  /**
   * A number that grows when records of `kind` change (locally at once; other processes: SQLite checks once
   * per event-loop turn, PostgreSQL as its notifications arrive — call `syncChanges` first for an exact answer).
   */
  version(kind: string): number;
  /** Returns once every change committed (by any process) before the call has been applied to `version`. */
  syncChanges(): Promise<void>;

  /** Deletes all state, or the state of one account and/or catalog. */
  reset(scope?: { accountId?: string; catalog?: string }): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// The generic task record: one table for every task family, keyed by type.

export type TaskStatusValue = 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';

export interface TaskRecord<Payload = unknown, Result = unknown> {
  catalog: string;
  id: string;
  /** e.g. 'engagement-by-accepting-invitation', 'engagement-from-opportunity', 'opportunity-from-engagement'. */
  type: string;
  accountId: string;
  status: TaskStatusValue;
  startTime: string;
  /** Delayed progression: not before this business time (ms). Absent: not claimable by time. */
  dueAtMs?: number;
  /** Poll-driven progression: completes on the read that exhausts the count. */
  pollsRemaining?: number;
  leaseOwner?: string;
  /** Wall clock (ms) at which the lease lapses and another process may claim the task. */
  leaseExpiresAtMs?: number;
  /** What list filters of the task families look at. */
  subject: { opportunityId?: string; engagementId?: string; invitationId?: string; contextId?: string; taskName?: string; failedCount?: number };
  payload: Payload;
  result?: Result;
}
