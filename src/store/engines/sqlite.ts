// The unit-of-work store on SQLite (better-sqlite3, WAL). better-sqlite3 is synchronous, and the store's
// transactions are asynchronous functions, so this engine schedules them by hand:
//
// - Writes are committed in groups. A write transaction queues; a few event-loop turns later (see
//   scheduleGroup: the writes arriving meanwhile join) the queued units run one after another inside one
//   BEGIN IMMEDIATE, each in its own SAVEPOINT: a unit that fails is rolled back to its savepoint alone, one
//   COMMIT (one fsync under synchronous=FULL) makes the whole group durable, and only then is any unit answered
//   (failures too: a refusal may rest on a neighbour's write). Units run in queue order, each seeing the
//   writes of those before it, exactly as if they had committed one by one.
// - Reads run on their own connections (file databases): a snapshot of what is committed, never a batch's
//   uncommitted writes, without waiting for writes or their fsync. In memory there is one connection, so a
//   read waits while a write group is open.
// - BEGIN IMMEDIATE takes the file's write lock against other processes; a busy lock is waited for
//   asynchronously (never by blocking the event loop, which would stall the very transaction holding the lock
//   when it lives in this process).
import { AsyncResource } from 'node:async_hooks';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { SchemaVersionError } from '../unit-of-work.js';
import { latestSqliteVersion, sqliteMigrations, type MigrationConnection } from '../schema/sqlite.js';
import { SqlStoreBase, type TxContext, type TxMode } from './base.js';
import { AsyncMutex, type Executor, type Row, type SqlParam } from './sql.js';

export interface SqliteEngineOptions {
  /** `full` (default): every commit survives power loss. `normal`: WAL survives process crashes, and a power
   *  loss may forget the last commits (never corrupts); commits are cheaper. */
  durability?: 'full' | 'normal';
  /** How long a write waits for another process's write lock before failing. Default 10 s. */
  busyTimeoutMs?: number;
  /** How often other processes' commits are looked for while someone listens for changes. Default 50 ms. */
  changePollMs?: number;
}

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
};

/**
 * `mkdir -p` that fails instead of looping: Node's recursive mkdir spins forever where mkdir answers ENOENT for a
 * parent that exists (as under /proc). Creates the missing directories one by one, reporting the first failure.
 */
function makeDirectory(dir: string): void {
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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Prepared statements kept per connection, least recently used dropped first: list queries differ in shape and
 * in their LIMIT (a literal, see SqlBuilder.count), far fewer than this in practice.
 */
const STATEMENTS_KEPT = 2000;

/** A statement cache and an executor over one connection. */
class Connection {
  private readonly statements = new Map<string, Database.Statement>();
  readonly exec: Executor;

  constructor(readonly db: Database.Database) {
    this.exec = {
      all: async (sql, params) => this.statement(sql).all(...(params as SqlParam[])) as Row[],
      run: async (sql, params) => this.statement(sql).run(...(params as SqlParam[])).changes,
    };
  }

  /** Runs a statement without parameters, prepared once (BEGIN, COMMIT, SAVEPOINT…: no SQL parsed per call). */
  command(sql: string): void {
    this.statement(sql).run();
  }

  statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (stmt) {
      // Most recently used last: the first entry is the one to drop.
      this.statements.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENTS_KEPT) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, stmt);
    return stmt;
  }
}

/** A write transaction waiting for (or running in) a group commit. */
interface WriteUnit {
  run: (tx: TxContext) => Promise<unknown>;
  /** May change a great many records: runs as a group of its own, its undo information on disk. */
  bulk: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** How a unit ended inside its group: settled only once the group's COMMIT is known. */
type UnitOutcome = { unit: WriteUnit; ok: true; value: unknown } | { unit: WriteUnit; ok: false; error: unknown };

/** Units per group at most, so that one group never holds the write lock for long. */
const MAX_GROUP = 256;
/**
 * Event-loop turns a group waits for more units after the turn its first unit came in with, and the longest it
 * waits (ms). Under the mixed GET/UpdateOpportunity benchmark four turns make groups two and a half times
 * larger (4.4 units to about 11) for 1.4 ms more per write, and the server serves 11% more requests; two turns
 * gave 8% (BENCHMARKS.md).
 */
const GROUP_WAIT_TURNS = 4;
const GROUP_WAIT_MS = 5;
/** Read connections opened at most (file databases); more concurrent reads wait for one. */
const MAX_READERS = 4;

export class SqliteUnitOfWorkStore extends SqlStoreBase {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  private readonly writer: Connection;
  /** Where read connections open; null in memory (one connection only). */
  private readonly readerPath: string | null;
  private readonly idleReaders: Connection[] = [];
  private readersOpen = 0;
  private readonly readerWaiters: ((reader: Connection) => void)[] = [];
  /** Held by a write group while its transaction is open; in memory, also by each read. */
  private readonly gate = new AsyncMutex();
  private readonly queue: WriteUnit[] = [];
  private groupScheduled = false;
  private closed = false;
  private readonly busyTimeoutMs: number;
  private readonly dataVersion: Database.Statement;
  private readonly bumpCounter: Database.Statement;
  private readonly readCounters: Database.Statement;
  /** Change counters as last seen (ours included), to tell which kinds other processes changed. */
  private readonly counters = new Map<string, number>();
  private lastDataVersion = -1;
  private checkedThisTurn = false;
  private poller: NodeJS.Timeout | null = null;
  private commitsSinceOptimize = 0;
  /** See keepUndoOnDisk (SQLite's default: on disk). */
  private undoOnDisk = true;

  constructor(path: string, options: SqliteEngineOptions = {}) {
    super();
    this.location = path === ':memory:' ? 'in memory' : path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    if (path !== ':memory:') makeDirectory(dirname(path));
    this.db = new Database(path);
    // Start-up may block briefly (nothing else runs yet); afterwards busy locks are waited for asynchronously.
    this.db.pragma('busy_timeout = 5000');
    try {
      // Refuse a newer schema before anything writes: switching to WAL rewrites the header of the file.
      const current = this.db.pragma('user_version', { simple: true }) as number;
      if (current > latestSqliteVersion) {
        throw new SchemaVersionError(
          `The database ${this.location} has schema version ${current}, newer than this partnercentral-local understands (${latestSqliteVersion}). Upgrade partnercentral-local or use another database.`,
        );
      }
      if (path !== ':memory:') this.enableWal();
      this.db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.migrate(current);
      // Statistics for the query planner (bounded work), so that it picks the right index per filter and sort.
      this.db.pragma('analysis_limit = 1000');
      this.db.pragma('optimize = 0x10002');
    } catch (err) {
      this.db.close();
      throw err;
    }
    this.db.pragma('busy_timeout = 0');
    this.writer = new Connection(this.db);
    this.readerPath = path === ':memory:' ? null : path;
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.bumpCounter = this.db
      .prepare('INSERT INTO change_counters (kind, version) VALUES (?, 1) ON CONFLICT (kind) DO UPDATE SET version = version + 1 RETURNING version')
      .pluck();
    this.readCounters = this.db.prepare('SELECT kind, version FROM change_counters');
    for (const { kind, version } of this.readCounters.all() as { kind: string; version: number }[]) this.counters.set(kind, version);
    this.lastDataVersion = this.dataVersion.get() as number;
    if (options.changePollMs !== 0) {
      this.poller = setInterval(() => {
        if (this.board.hasListeners) this.checkOtherProcesses();
      }, options.changePollMs ?? 50);
      this.poller.unref();
    }
  }

  /**
   * Switches the file to WAL (persistent). While another process converts the same new file SQLite answers
   * SQLITE_BUSY at once instead of calling the busy handler, so wait briefly and retry (bounded).
   */
  private enableWal(): void {
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') this.db.pragma('journal_mode = WAL');
        return;
      } catch (err) {
        if (!isBusy(err) || attempt >= 100) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }

  private migrate(current: number): void {
    for (const migration of sqliteMigrations) {
      if (migration.version <= current) continue;
      this.db.transaction(() => {
        // Another process opening the same file may have applied it since we looked.
        if ((this.db.pragma('user_version', { simple: true }) as number) >= migration.version) return;
        this.db.exec(migration.sql);
        migration.apply?.(this.db as unknown as MigrationConnection);
        this.db.pragma(`user_version = ${migration.version}`);
      }).immediate();
    }
  }

  /**
   * Where the writer keeps the undo information of savepoints (each unit's, and each statement's that may fail
   * half-way): SQLite copies there every page a unit is about to change, and by default spills it to a temporary
   * file past 64 KiB, which a unit changing a record and its indexes passes (two `pwrite` calls a page: the
   * largest cost of an UpdateOpportunity that could go, BENCHMARKS.md). Request-sized groups keep it in memory;
   * a bulk unit (a reset or an import, which may change the whole file) keeps it on disk. Set outside a
   * transaction: SQLite reads it at BEGIN.
   */
  private keepUndoOnDisk(onDisk: boolean): void {
    if (this.undoOnDisk === onDisk) return;
    this.db.pragma(`temp_store = ${onDisk ? 'DEFAULT' : 'MEMORY'}`);
    this.undoOnDisk = onDisk;
  }

  /** BEGIN IMMEDIATE, waiting for another process's write lock without blocking the event loop. */
  private async beginImmediate(): Promise<void> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let wait = 1; ; wait = Math.min(wait * 2, 25)) {
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
      }
      await sleep(wait);
    }
  }

  protected runTransaction<T>(mode: TxMode, fn: (tx: TxContext) => Promise<T>, bulk: boolean): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    // Writers are serialized by the file's write lock, so the outbox needs nothing more than a snapshot.
    if (mode === 'read' || mode === 'outbox') return this.readerPath === null ? this.readInMemory(fn) : this.read(fn);
    return new Promise<T>((resolve, reject) => {
      // The unit runs later, from the group: under the nesting guard it must run in its caller's async context,
      // which carries the guard's mark. Nothing else needs that context, and binding costs a write about 10 µs.
      const run = this.guardsNesting ? AsyncResource.bind(fn) : fn;
      this.queue.push({ run: run as (tx: TxContext) => Promise<unknown>, bulk, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleGroup();
    });
  }

  /**
   * The next group starts a few event-loop turns after the one its first unit came in with, so that the writes
   * arriving meanwhile join it: each group pays one COMMIT and one sync, and writes of one group share the pages
   * they change (index leaves, the outbox), written to the WAL once. Idle, a turn takes microseconds; busy, it
   * is as long as its work, hence the bound in time as well.
   */
  private scheduleGroup(): void {
    if (this.groupScheduled) return;
    this.groupScheduled = true;
    const since = performance.now();
    let turns = GROUP_WAIT_TURNS;
    const wait = () => {
      if (turns-- > 0 && this.queue.length < MAX_GROUP && performance.now() - since < GROUP_WAIT_MS) setImmediate(wait);
      else void this.commitGroup();
    };
    setImmediate(wait);
  }

  /** Runs the queued units in one transaction, a savepoint each, and settles them after its COMMIT. */
  private async commitGroup(): Promise<void> {
    await this.gate.acquire();
    const outcomes: UnitOutcome[] = [];
    const touched = new Set<string>();
    try {
      this.groupScheduled = false;
      if (this.queue.length === 0) return;
      // A bulk unit is a group of its own, its undo information on disk.
      const bulk = this.queue[0]!.bulk;
      try {
        this.keepUndoOnDisk(bulk);
        await this.beginImmediate();
      } catch (err) {
        for (const unit of this.queue.splice(0, MAX_GROUP)) outcomes.push({ unit, ok: false, error: err });
        return;
      }
      // Units queued while the group runs join it (a unit's own microtasks may queue none: no nesting).
      while (this.queue.length > 0 && outcomes.length < MAX_GROUP) {
        if (outcomes.length > 0 && (bulk || this.queue[0]!.bulk)) break;
        const unit = this.queue.shift()!;
        try {
          this.writer.command('SAVEPOINT unit');
        } catch (err) {
          outcomes.push({ unit, ok: false, error: err });
          throw err;
        }
        // The group holds the file's write lock: what a unit reads stays as it read it until it writes.
        const tx = this.context(this.writer.exec, false, true);
        try {
          const value = await unit.run(tx);
          this.writer.command('RELEASE unit');
          for (const kind of tx.touched) touched.add(kind);
          outcomes.push({ unit, ok: true, value });
        } catch (err) {
          outcomes.push({ unit, ok: false, error: err });
          if (this.db.inTransaction) {
            this.db.exec('ROLLBACK TO unit');
            this.writer.command('RELEASE unit');
          } else {
            // SQLite abandoned the whole transaction (disk full, I/O error): nothing of the group was written.
            for (const o of outcomes) if (o.ok) Object.assign(o, { ok: false, error: err });
            touched.clear();
            return;
          }
        }
      }
      try {
        for (const kind of touched) this.counters.set(kind, this.bumpCounter.get(kind) as number);
        this.db.exec('COMMIT');
      } catch (err) {
        try {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        } catch {
          // The units are rejected below whatever the rollback says.
        }
        // Not committed: no unit is answered as if it had been (a refusal may rest on a neighbour's write too).
        for (const o of outcomes) Object.assign(o, { ok: false, error: err });
        touched.clear();
        return;
      }
      // Keep planner statistics current as the data grows (cheap when nothing needs analysing).
      this.commitsSinceOptimize += outcomes.length;
      if (this.commitsSinceOptimize >= 10_000) {
        this.commitsSinceOptimize = 0;
        try {
          this.db.pragma('optimize');
        } catch {
          // Statistics only: the group is committed whatever this says.
        }
      }
    } catch (err) {
      // A savepoint statement failed: the group is not committed.
      try {
        if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
      } catch {
        // Nothing more to undo: the connection refuses statements, and every unit is rejected below.
      }
      for (const o of outcomes) Object.assign(o, { ok: false, error: err });
      touched.clear();
    } finally {
      this.gate.release();
      if (this.queue.length > 0) this.scheduleGroup();
      // Our own commit leaves data_version alone; the counters we just wrote are already known.
      this.board.changed(touched);
      for (const o of outcomes) {
        if (o.ok) o.unit.resolve(o.value);
        else o.unit.reject(o.error);
      }
    }
  }

  /** A snapshot read on a read connection of its own: never waits for writes or sees a group's uncommitted work. */
  private async read<T>(fn: (tx: TxContext) => Promise<T>): Promise<T> {
    const reader = this.idleReaders.pop() ?? (await this.takeReader());
    try {
      reader.command('BEGIN');
      try {
        return await fn(this.context(reader.exec, true, false));
      } finally {
        if (reader.db.inTransaction) reader.command('COMMIT');
      }
    } finally {
      this.returnReader(reader);
    }
  }

  private takeReader(): Promise<Connection> | Connection {
    if (this.readersOpen < MAX_READERS) {
      this.readersOpen++;
      try {
        const db = new Database(this.readerPath!);
        db.pragma('busy_timeout = 0');
        // A read connection never writes, whatever a caller attempts.
        db.pragma('query_only = 1');
        return new Connection(db);
      } catch (err) {
        this.readersOpen--;
        throw err;
      }
    }
    return new Promise<Connection>((resolve) => this.readerWaiters.push(resolve));
  }

  private returnReader(reader: Connection): void {
    const waiter = this.readerWaiters.shift();
    if (waiter) waiter(reader);
    else this.idleReaders.push(reader);
  }

  /** In memory every transaction shares the one connection: a read waits while a write group is open. */
  private async readInMemory<T>(fn: (tx: TxContext) => Promise<T>): Promise<T> {
    await this.gate.acquire();
    try {
      this.writer.command('BEGIN');
      try {
        return await fn(this.context(this.writer.exec, true, false));
      } finally {
        if (this.db.inTransaction) this.writer.command('COMMIT');
      }
    } finally {
      this.gate.release();
    }
  }

  /** Once per event-loop turn at most: has another connection committed? Then which kinds changed? */
  private checkOtherProcesses(): void {
    if (this.checkedThisTurn || !this.db.open) return;
    this.checkedThisTurn = true;
    setImmediate(() => {
      this.checkedThisTurn = false;
    });
    const dataVersion = this.dataVersion.get() as number;
    if (dataVersion === this.lastDataVersion) return;
    this.lastDataVersion = dataVersion;
    const changed = new Set<string>();
    for (const { kind, version } of this.readCounters.all() as { kind: string; version: number }[]) {
      if (this.counters.get(kind) !== version) {
        changed.add(kind);
        this.counters.set(kind, version);
      }
    }
    // A reset deletes no counters, so every change shows up as a different version.
    this.board.changed(changed);
  }

  override version(kind: string): number {
    this.checkOtherProcesses();
    return super.version(kind);
  }

  async syncChanges(): Promise<void> {
    this.checkedThisTurn = false;
    this.checkOtherProcesses();
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    // Queued writes still commit (they were asked for before the close); then no new ones are taken.
    while (this.queue.length > 0 || this.groupScheduled) await this.gate.acquire().then(() => this.gate.release()).then(() => new Promise<void>((r) => setImmediate(r)));
    this.closed = true;
    await this.gate.acquire();
    try {
      // Reads in flight finish first: each read connection closes as it comes back.
      while (this.readersOpen > 0) {
        const reader = this.idleReaders.pop() ?? (await new Promise<Connection>((resolve) => this.readerWaiters.push(resolve)));
        reader.db.close();
        this.readersOpen--;
      }
      if (this.db.open) this.db.close();
    } finally {
      this.gate.release();
    }
  }
}
