// The unit-of-work store on SQLite (better-sqlite3, WAL). better-sqlite3 is synchronous, so an asynchronous
// transaction is serialized by hand: an in-process FIFO mutex keeps two requests' transactions from
// interleaving on the one connection, and BEGIN IMMEDIATE takes the file's write lock against other processes.
// A busy lock is waited for asynchronously (never by blocking the event loop, which would stall the very
// transaction holding the lock when it lives in this process).
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

export class SqliteUnitOfWorkStore extends SqlStoreBase {
  readonly engine = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly mutex = new AsyncMutex();
  private readonly exec: Executor;
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
    this.exec = {
      all: async (sql, params) => this.statement(sql).all(...(params as SqlParam[])) as Row[],
      run: async (sql, params) => this.statement(sql).run(...(params as SqlParam[])).changes,
    };
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

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
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

  protected async runTransaction<T>(mode: TxMode, fn: (tx: TxContext) => Promise<T>): Promise<T> {
    await this.mutex.acquire();
    try {
      const readOnly = mode === 'read' || mode === 'outbox';
      // Writers are serialized by the file's write lock, so the outbox needs nothing more than a snapshot.
      if (readOnly) this.db.exec('BEGIN');
      else await this.beginImmediate();
      const tx = this.context(this.exec, readOnly);
      let result: T;
      try {
        result = await fn(tx);
        for (const kind of tx.touched) this.counters.set(kind, this.bumpCounter.get(kind) as number);
        this.db.exec('COMMIT');
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
      // Our own commit leaves data_version alone; the counters we just wrote are already known.
      this.board.changed(tx.touched);
      // Keep planner statistics current as the data grows (cheap when nothing needs analysing).
      if (!readOnly && ++this.commitsSinceOptimize >= 10_000) {
        this.commitsSinceOptimize = 0;
        this.db.pragma('optimize');
      }
      return result;
    } finally {
      this.mutex.release();
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
    await this.mutex.acquire();
    try {
      if (this.db.open) this.db.close();
    } finally {
      this.mutex.release();
    }
  }
}
