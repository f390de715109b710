// The SQLite implementation of the Store (better-sqlite3, WAL). Statements are prepared once per
// (collection, query shape) and reused; every write runs in a BEGIN IMMEDIATE transaction so that several
// processes sharing one file serialize their writes instead of failing half-way.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventEnvelope } from '../events/envelope.js';
import { allCollections } from './records.js';
import { latestSchemaVersion, migrations } from './migrations.js';
import type {
  Collection,
  CollectionSpec,
  ColumnValue,
  EventQuery,
  EventRetention,
  IdempotencyRecord,
  IdempotencyScope,
  Store,
  StoreHealth,
  StoredEvent,
  Transaction,
  Where,
} from './store.js';

type Statement = Database.Statement;

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  path: string;
  /** `FULL` makes every commit durable against power loss too; `NORMAL` (WAL) survives process crashes. */
  synchronous?: 'FULL' | 'NORMAL';
}

export class SchemaVersionError extends Error {}

/** SQLite result codes that say the file cannot be written at all, rather than that one statement failed. */
const UNWRITABLE = /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB)/;
/** Damage does not heal while the process runs: once seen, health stays unavailable until a restart checks it. */
const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;
const HEALTH_PROBE_INTERVAL_MS = 1000;
const HEALTH_PROBE_BUSY_MS = 50;
const BUSY_TIMEOUT_MS = 5000;

/**
 * `mkdir -p` that fails instead of looping: Node's recursive mkdir spins forever where mkdir answers ENOENT for a
 * parent that exists (as under /proc). Creates the missing directories one by one, reporting the first failure.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    missing.push(existing);
    existing = dirname(existing);
  }
  if (!statSync(existing).isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${missing.at(-1) ?? dir}'`), { code: 'ENOTDIR', path: existing });
  }
  for (const path of missing.reverse()) mkdirSync(path);
}

class SqliteCollection<T> implements Collection<T> {
  private readonly getStmt: Statement;
  private readonly putStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly findCache = new Map<string, Statement>();
  private readonly columnNames: string[];
  private readonly columnReaders: ((doc: T) => ColumnValue)[];

  constructor(
    private readonly db: Database.Database,
    private readonly spec: CollectionSpec<T>,
  ) {
    const keyWhere = spec.keyColumns.map((c) => `${c} = ?`).join(' AND ');
    this.getStmt = db.prepare(`SELECT doc FROM ${spec.table} WHERE ${keyWhere}`).pluck();
    this.deleteStmt = db.prepare(`DELETE FROM ${spec.table} WHERE ${keyWhere}`);
    this.columnNames = Object.keys(spec.columns);
    this.columnReaders = Object.values(spec.columns);
    const cols = [...this.columnNames, 'doc'];
    this.putStmt = db.prepare(
      `INSERT OR REPLACE INTO ${spec.table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    );
  }

  get(key: readonly string[]): T | undefined {
    const doc = this.getStmt.get(...key) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as T);
  }

  put(doc: T): void {
    const values = this.columnReaders.map((read) => read(doc));
    this.putStmt.run(...values, JSON.stringify(doc));
  }

  delete(key: readonly string[]): void {
    this.deleteStmt.run(...key);
  }

  private whereClause(where: Where): { sql: string; params: ColumnValue[] } {
    const parts: string[] = [];
    const params: ColumnValue[] = [];
    for (const [column, value] of Object.entries(where)) {
      if (!(column in this.spec.columns)) throw new Error(`${this.spec.table}: ${column} is not an indexed column`);
      if (Array.isArray(value)) {
        if (value.length === 0) {
          parts.push('0');
          continue;
        }
        parts.push(`${column} IN (${value.map(() => '?').join(', ')})`);
        params.push(...(value as ColumnValue[]));
      } else {
        parts.push(`${column} = ?`);
        params.push(value as ColumnValue);
      }
    }
    return { sql: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params };
  }

  private statement(kind: 'doc' | 'count', sql: string): Statement {
    const cacheKey = `${kind}${sql}`;
    let stmt = this.findCache.get(cacheKey);
    if (!stmt) {
      const select = kind === 'doc' ? 'SELECT doc' : 'SELECT count(*)';
      stmt = this.db.prepare(`${select} FROM ${this.spec.table}${sql}`).pluck();
      this.findCache.set(cacheKey, stmt);
    }
    return stmt;
  }

  find(where: Where): T[] {
    const { sql, params } = this.whereClause(where);
    return (this.statement('doc', sql).all(...params) as string[]).map((doc) => JSON.parse(doc) as T);
  }

  count(where: Where): number {
    const { sql, params } = this.whereClause(where);
    return this.statement('count', sql).get(...params) as number;
  }
}

export class SqliteStore implements Store {
  readonly location: string;
  private readonly db: Database.Database;
  private readonly collections = new Map<string, SqliteCollection<unknown>>();
  private readonly tx: Transaction;
  private readonly stmts: Record<string, Statement>;
  private readonly writeTransaction: <T>(fn: () => T) => T;
  private readonly housekeepingTransaction: <T>(fn: () => T) => T;
  private readonly dataVersion: Statement;
  private localWrites = 0;
  private epochCheckedThisTick = false;
  private otherWrites = 0;
  /** What the last write (or write probe) showed, and when; `damage` outlives later successes. */
  private writeProblem: string | undefined;
  private writeCheckedAtMs = 0;
  private damage: string | undefined;

  constructor(options: SqliteStoreOptions) {
    this.location = options.path === ':memory:' ? 'in memory' : options.path;
    if (options.path !== ':memory:') makeDirectory(dirname(options.path));
    this.db = new Database(options.path);
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Refuse a newer schema before anything writes to the file: switching a rollback-journal database to WAL
    // rewrites its header, and a refused database must be left exactly as it was.
    const current = this.schemaVersion();
    if (options.path !== ':memory:') this.enableWal();
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.migrate(current);
    this.stmts = {
      nextSeqInsert: this.db.prepare('INSERT INTO sequences (kind, value) VALUES (?, 1) ON CONFLICT(kind) DO UPDATE SET value = value + 1 RETURNING value').pluck(),
      getIdem: this.db.prepare(
        'SELECT request_hash AS requestHash, response, created_at_ms AS createdAtMs FROM idempotency WHERE account_id = ? AND catalog = ? AND operation = ? AND client_token = ?',
      ),
      putIdem: this.db.prepare(
        'INSERT OR REPLACE INTO idempotency (account_id, catalog, operation, client_token, request_hash, response, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      appendEvent: this.db.prepare('INSERT INTO events (id, account_id, catalog, detail_type, available_at_ms, time_ms, envelope) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      // Retention batches: rows picked through an index, oldest first, so a batch costs O(limit).
      purgeIdem: this.db.prepare(
        'DELETE FROM idempotency WHERE rowid IN (SELECT rowid FROM idempotency WHERE created_at_ms <= ? ORDER BY created_at_ms LIMIT ?)',
      ),
      purgeEventsBefore: this.db.prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE time_ms < ? ORDER BY time_ms LIMIT ?)'),
      purgeOldestEvents: this.db.prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq LIMIT ?)'),
      outboxSize: this.db.prepare('SELECT n FROM outbox_size').pluck(),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      setMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
    const self = this;
    this.tx = {
      collection<T>(spec: CollectionSpec<T>): Collection<T> {
        return self.collection(spec);
      },
      nextSequence: (kind) => this.stmts.nextSeqInsert!.get(kind) as number,
      getIdempotency: (s: IdempotencyScope) =>
        this.stmts.getIdem!.get(s.accountId, s.catalog, s.operation, s.clientToken) as IdempotencyRecord | undefined,
      putIdempotency: (s: IdempotencyScope, r: IdempotencyRecord) => {
        this.stmts.putIdem!.run(s.accountId, s.catalog, s.operation, s.clientToken, r.requestHash, r.response, r.createdAtMs);
      },
      appendEvent: (e: EventEnvelope, availableAtMs = 0) => {
        const catalog = typeof e.detail.catalog === 'string' ? e.detail.catalog : null;
        const timeMs = Date.parse(e.time);
        this.stmts.appendEvent!.run(e.id, e.account, catalog, e['detail-type'], availableAtMs, Number.isNaN(timeMs) ? 0 : timeMs, JSON.stringify(e));
      },
      getMeta: (key) => this.stmts.getMeta!.get(key) as string | undefined,
      setMeta: (key, value) => {
        this.stmts.setMeta!.run(key, value);
      },
    };
    const txn = this.db.transaction((fn: () => unknown) => fn());
    // Retention deletes only idempotency records and events, which no cached read answer depends on, so they
    // do not count as writes for the read cache's epoch.
    this.housekeepingTransaction = <T>(fn: () => T): T => txn.immediate(fn) as T;
    this.writeTransaction = <T>(fn: () => T): T => {
      try {
        const result = txn.immediate(fn) as T;
        this.noteWrite(undefined);
        return result;
      } catch (err) {
        this.noteWrite(err);
        throw err;
      } finally {
        // Counted even when it rolled back: a cheap, conservative signal for caches.
        this.localWrites++;
      }
    };
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
  }

  /**
   * Switches the file to WAL (a persistent setting). While another process converts the same new file, SQLite
   * answers SQLITE_BUSY at once instead of calling the busy handler, so wait briefly and retry (bounded).
   */
  private enableWal(): void {
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') this.db.pragma('journal_mode = WAL');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || attempt >= 100) {
          this.db.close();
          throw err;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }

  /** The file's schema version; closes the database and throws when it is newer than this code or unreadable. */
  private schemaVersion(): number {
    let current: number;
    try {
      current = this.db.pragma('user_version', { simple: true }) as number;
    } catch (err) {
      this.db.close(); // e.g. SQLITE_NOTADB: not a database file
      throw err;
    }
    if (current > latestSchemaVersion) {
      this.db.close();
      throw new SchemaVersionError(
        `The database ${this.location} has schema version ${current}, newer than this partnercentral-local understands (${latestSchemaVersion}). Upgrade partnercentral-local or use another --db file.`,
      );
    }
    return current;
  }

  private migrate(current: number): void {
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      this.db.transaction(() => {
        // Another process opening the same file may have applied it since we looked.
        if ((this.db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
        this.db.exec(migration.sql);
        this.db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    }
  }

  private collection<T>(spec: CollectionSpec<T>): Collection<T> {
    let c = this.collections.get(spec.table);
    if (!c) {
      c = new SqliteCollection(this.db, spec as CollectionSpec<unknown>);
      this.collections.set(spec.table, c);
    }
    return c as Collection<T>;
  }

  transaction<T>(fn: (tx: Transaction) => T): T {
    return this.writeTransaction(() => fn(this.tx));
  }

  read<T>(fn: (tx: Transaction) => T): T {
    try {
      return fn(this.tx);
    } catch (err) {
      if (DAMAGED.test(sqliteCode(err))) this.damage ??= describeSqliteFailure(err);
      throw err;
    }
  }

  /** Records what a write showed about the file: success, or a failure that says it cannot be written. */
  private noteWrite(err: unknown): void {
    const code = err === undefined ? '' : sqliteCode(err);
    if (err !== undefined && !UNWRITABLE.test(code)) return; // the request's own failure, not the file's
    this.writeCheckedAtMs = Date.now();
    this.writeProblem = err === undefined ? undefined : describeSqliteFailure(err);
    if (DAMAGED.test(code)) this.damage ??= this.writeProblem;
  }

  /**
   * Commits a write that leaves the data as it was (a meta row added and removed), so the file, its journal and
   * the disk are really exercised. Throws the SQLite error when the file cannot be written.
   */
  probeWrite(): void {
    this.db.transaction(() => {
      this.stmts.setMeta!.run('write_probe', new Date().toISOString());
      this.db.prepare("DELETE FROM meta WHERE key = 'write_probe'").run();
    }).immediate();
  }

  health(): StoreHealth {
    if (this.damage === undefined && Date.now() - this.writeCheckedAtMs >= HEALTH_PROBE_INTERVAL_MS) {
      // A health request must not wait seconds for another process's write lock.
      this.db.pragma(`busy_timeout = ${HEALTH_PROBE_BUSY_MS}`);
      try {
        this.probeWrite();
        this.noteWrite(undefined);
      } catch (err) {
        // Busy (another process is writing) says nothing about the file: keep what we knew.
        if (sqliteCode(err) !== 'SQLITE_BUSY') this.noteWrite(err);
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
    }
    const problem = this.damage ?? this.writeProblem;
    return problem === undefined ? { writable: true } : { writable: false, problem };
  }

  /** Marks the file damaged (the background integrity check found problems). */
  reportDamage(problem: string): void {
    this.damage ??= problem;
  }

  /**
   * Changes whenever this process commits a write, and — checked once per event-loop turn with SQLite's
   * `data_version` — whenever another process sharing the file did. A request read after another process
   * acknowledged a write is handled in a later turn than that write, so it always sees the new epoch.
   */
  changeEpoch(): string {
    if (!this.epochCheckedThisTick) {
      this.epochCheckedThisTick = true;
      this.otherWrites = this.dataVersion.get() as number;
      setImmediate(() => {
        this.epochCheckedThisTick = false;
      });
    }
    return `${this.otherWrites}.${this.localWrites}`;
  }

  events(query: EventQuery): StoredEvent[] {
    const where: string[] = ['seq > ?'];
    const params: (string | number)[] = [query.afterSeq ?? 0];
    if (query.detailType !== undefined) {
      where.push('detail_type = ?');
      params.push(query.detailType);
    }
    if (query.accountId !== undefined) {
      where.push('account_id = ?');
      params.push(query.accountId);
    }
    if (query.catalog !== undefined) {
      where.push('catalog = ?');
      params.push(query.catalog);
    }
    if (query.availableAtMs !== undefined) {
      where.push('available_at_ms <= ?');
      params.push(query.availableAtMs);
    }
    const rows = this.db
      .prepare(`SELECT seq, envelope FROM events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...params, query.limit) as { seq: number; envelope: string }[];
    return rows.map((r) => ({ seq: r.seq, envelope: JSON.parse(r.envelope) as EventEnvelope }));
  }

  eventSeq(eventId: string): number | undefined {
    return this.db.prepare('SELECT seq FROM events WHERE id = ?').pluck().get(eventId) as number | undefined;
  }

  purgeIdempotency(createdAtOrBeforeMs: number, limit: number): number {
    return this.housekeepingTransaction(() => this.stmts.purgeIdem!.run(createdAtOrBeforeMs, limit).changes);
  }

  purgeEvents(retention: EventRetention, limit: number): number {
    return this.housekeepingTransaction(() => {
      let deleted = 0;
      if (retention.before !== undefined) deleted += this.stmts.purgeEventsBefore!.run(retention.before, limit).changes;
      if (retention.keepLatest !== undefined && deleted < limit) {
        const excess = (this.stmts.outboxSize!.get() as number) - retention.keepLatest;
        if (excess > 0) deleted += this.stmts.purgeOldestEvents!.run(Math.min(excess, limit - deleted)).changes;
      }
      return deleted;
    });
  }

  reset(scope: { accountId?: string; catalog?: string } = {}): void {
    this.writeTransaction(() => {
      const tables = [...allCollections.map((c) => ({ table: c.table, account: c.accountColumn, catalog: c.catalogColumn })),
        { table: 'idempotency', account: 'account_id', catalog: 'catalog' },
        { table: 'events', account: 'account_id', catalog: 'catalog' }];
      for (const t of tables) {
        const where: string[] = [];
        const params: string[] = [];
        if (scope.accountId !== undefined) {
          if (!t.account) continue;
          where.push(`${t.account} = ?`);
          params.push(scope.accountId);
        }
        if (scope.catalog !== undefined) {
          where.push(`${t.catalog} = ?`);
          params.push(scope.catalog);
        }
        this.db.prepare(`DELETE FROM ${t.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`).run(...params);
      }
      if (scope.accountId !== undefined) this.removeOrphanEngagements();
      // A full reset also restarts identifier sequences, so a seeded run replays with the same identifiers.
      if (scope.accountId === undefined && scope.catalog === undefined) this.db.prepare('DELETE FROM sequences').run();
    });
  }

  /**
   * Engagements are shared, so resetting one account keeps those other partners (or pending invitations) still
   * use, and removes the ones nobody but AWS is left in, with everything that hangs off them.
   */
  private removeOrphanEngagements(): void {
    this.db.exec(`
      DELETE FROM engagements WHERE
        NOT EXISTS (SELECT 1 FROM engagement_members m WHERE m.catalog = engagements.catalog AND m.engagement_id = engagements.id AND m.account_id <> 'aws')
        AND NOT EXISTS (SELECT 1 FROM engagement_invitations i WHERE i.catalog = engagements.catalog AND i.engagement_id = engagements.id);
      DELETE FROM engagement_members WHERE NOT EXISTS (SELECT 1 FROM engagements e WHERE e.catalog = engagement_members.catalog AND e.id = engagement_members.engagement_id);
      DELETE FROM engagement_resources WHERE NOT EXISTS (SELECT 1 FROM engagements e WHERE e.catalog = engagement_resources.catalog AND e.id = engagement_resources.engagement_id);
      DELETE FROM resource_snapshots WHERE NOT EXISTS (SELECT 1 FROM engagements e WHERE e.catalog = resource_snapshots.catalog AND e.id = resource_snapshots.engagement_id);
    `);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function describeSqliteFailure(err: unknown): string {
  const code = sqliteCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const what = DAMAGED.test(code)
    ? 'the database file is damaged'
    : /READONLY/.test(code)
      ? 'the database file is read-only'
      : /FULL/.test(code)
        ? 'the disk holding the database is full'
        : 'the database file cannot be written';
  return `${what} (${code}: ${message})`;
}
