// The unit-of-work store on PostgreSQL (`pg`, one pooled client per transaction).
//
// Isolation: request transactions run SERIALIZABLE and the whole function is retried (bounded, with jitter)
// on a serialization failure (40001) or deadlock (40P01). Why not READ COMMITTED with SELECT … FOR UPDATE:
// the domain's checks are read-then-write on rows that may not exist yet (an idempotency token seen for the
// first time, a pending invitation for a pair, an identifier sequence), which row locks cannot cover without
// a lock per business rule; under SERIALIZABLE the loser of any such race re-runs and sees the winner's commit,
// so optimistic concurrency and idempotency hold across processes with no extra code in the domain. The price
// is that a transaction function may run more than once, so it must have no effects outside its unit of work.
// Bookkeeping that only changes rows it can lock (task claims, leases, purges) runs READ COMMITTED with
// FOR UPDATE [SKIP LOCKED] instead, so claimers never abort each other.
//
// Outbox order: `seq` comes from a sequence, and sequence values are not handed out in commit order. A writer
// takes a shared advisory lock before its first event; a reader takes it exclusively before reading, so it
// only ever reads after every writer holding a lower `seq` has finished, and never skips an event.
//
// Progress under contention: many writers on one hot row (an identifier sequence, say) can abort each other
// round after round until the attempts run out. So a first attempt holds a shared writers' lock, and a retry
// takes it exclusively: the retry waits for the writers in flight, runs alone, and cannot lose again to them.
// It is a session lock taken just before BEGIN (a transaction's snapshot must not predate the wait) and
// released just after COMMIT or ROLLBACK, each in the same round trip, so it costs no extra round trip.
//
// Changes: a writing transaction sends NOTIFY with the kinds it changed (delivered at commit); every store
// LISTENs on a dedicated connection and bumps the versions of those kinds.
import { createHash, randomUUID } from 'node:crypto';
import type { Client, ClientConfig, Pool, PoolClient } from 'pg';
import { SchemaVersionError } from '../unit-of-work.js';
import { allKinds } from '../kinds.js';
import { latestPostgresVersion, postgresMigrations } from '../schema/postgres.js';
import { SqlStoreBase, type TxContext, type TxMode } from './base.js';
import type { Executor, Row, SqlParam } from './sql.js';

export interface PostgresEngineOptions {
  /** A schema to use (created if missing); default: the connection's search_path (usually `public`). */
  schema?: string;
  /** Pool size per process. Default 10. */
  poolSize?: number;
  /** Attempts of a serializable transaction before its serialization failure is passed on. Default 12. */
  maxAttempts?: number;
}

type PgModule = { Client: typeof Client; Pool: typeof Pool };

const RETRYABLE = new Set(['40001', '40P01']);
const LOCK_CLASS_MIGRATE = 0x5043_0001;
const LOCK_CLASS_OUTBOX = 0x5043_0002;
const LOCK_CLASS_WRITERS = 0x5043_0003;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const int32Of = (text: string): number => createHash('sha256').update(text).digest().readInt32BE(0);
const statementName = (sql: string): string => `pcl_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;

function executorOf(client: PoolClient | Client): Executor {
  return {
    all: async (sql, params) => (await client.query({ name: statementName(sql), text: sql, values: params as SqlParam[] })).rows as Row[],
    run: async (sql, params) => (await client.query({ name: statementName(sql), text: sql, values: params as SqlParam[] })).rowCount ?? 0,
  };
}

/** The connection string with our own `schema` parameter taken out, and where it points (no password). */
function parseUrl(url: string): { connectionString: string; schema?: string; location: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const location = `${parsed.protocol}//${parsed.username ? `${parsed.username}@` : ''}${parsed.host}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`;
  return { connectionString: parsed.toString(), schema, location };
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export class PostgresUnitOfWorkStore extends SqlStoreBase {
  readonly engine = 'postgres' as const;
  private readonly instance = randomUUID();
  private readonly outboxKey: number;
  private readonly writersKey: number;
  private listener: Client | null = null;
  private closed = false;

  private constructor(
    private readonly pg: PgModule,
    private readonly pool: Pool,
    private readonly config: ClientConfig,
    readonly location: string,
    private readonly schemaName: string,
    private readonly channel: string,
    private readonly maxAttempts: number,
  ) {
    super();
    this.outboxKey = int32Of(`outbox:${schemaName}`);
    this.writersKey = int32Of(`writers:${schemaName}`);
  }

  static async open(url: string, options: PostgresEngineOptions = {}): Promise<PostgresUnitOfWorkStore> {
    const pg: PgModule = (await import('pg')).default;
    const parsed = parseUrl(url);
    const schema = options.schema ?? parsed.schema;
    const config: ClientConfig = { connectionString: parsed.connectionString };
    if (schema !== undefined) config.options = `-c search_path=${quoteIdent(schema)}`;
    const schemaName = schema ?? 'public';
    const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
    // An idle client's error (e.g. the server restarted) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const store = new PostgresUnitOfWorkStore(
      pg,
      pool,
      config,
      schema === undefined ? parsed.location : `${parsed.location.replace(/ \(schema .*\)$/, '')} (schema ${schema})`,
      schemaName,
      `pcl_changes_${int32Of(schemaName) >>> 0}`,
      options.maxAttempts ?? 12,
    );
    try {
      await store.migrate(schema);
      await store.listen();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  /** Applies pending migrations under an advisory lock; refuses, untouched, a schema newer than this code. */
  private async migrate(schema: string | undefined): Promise<void> {
    const client = await this.pool.connect();
    const key = int32Of(`migrate:${this.schemaName}`);
    try {
      await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS_MIGRATE, key]);
      try {
        if (schema !== undefined) {
          const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
          if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
        }
        const hasTable = await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
        let current = 0;
        if (hasTable.rows[0].present) {
          const rows = await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
          current = Number(rows.rows[0].v);
        }
        if (current > latestPostgresVersion) {
          throw new SchemaVersionError(
            `The database ${this.location} has schema version ${current}, newer than this partnercentral-local understands (${latestPostgresVersion}). Upgrade partnercentral-local or use another database.`,
          );
        }
        for (const migration of postgresMigrations) {
          if (migration.version <= current) continue;
          await client.query('BEGIN');
          try {
            if (migration.version === 1) {
              await client.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
            }
            await client.query(migration.sql);
            await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [migration.version, migration.description]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK');
            throw err;
          }
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS_MIGRATE, key]);
      }
    } finally {
      client.release();
    }
  }

  private async listen(): Promise<void> {
    const client = new this.pg.Client(this.config);
    client.on('notification', (message) => {
      if (message.channel !== this.channel || !message.payload) return;
      const [from, kinds] = message.payload.split(' ');
      if (from === this.instance || !kinds) return;
      this.board.changed(new Set(kinds.split(',')));
    });
    client.on('error', () => {
      // Lost the connection: notifications may have been missed, so treat everything as changed and reconnect.
      this.listener = null;
      void client.end().catch(() => {});
      this.board.changed(new Set([...allKinds.map((k) => k.name), 'meta']));
      if (!this.closed) setTimeout(() => void this.listen().catch(() => {}), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    this.listener = client;
  }

  protected override async beforeFirstEvent(exec: Executor): Promise<void> {
    await exec.all('SELECT pg_advisory_xact_lock_shared($1, $2)', [LOCK_CLASS_OUTBOX, this.outboxKey]);
  }

  protected async runTransaction<T>(mode: TxMode, fn: (tx: TxContext) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      const exec = executorOf(client);
      for (let attempt = 1; ; attempt++) {
        // SERIALIZABLE aborts a write to a row changed since this transaction read it; READ COMMITTED (locking)
        // would let the write land on the newer row, so there every put sets every column.
        const tx = this.context(exec, mode === 'read' || mode === 'outbox', mode === 'write');
        // The writers' lock (see the top of this file): shared on a first attempt, exclusive on a retry.
        const shared = attempt === 1 ? '_shared' : '';
        const writers = `${LOCK_CLASS_WRITERS}, ${this.writersKey}`;
        const unlock = mode === 'write' ? `; SELECT pg_advisory_unlock${shared}(${writers})` : '';
        try {
          await client.query(
            mode === 'write'
              ? `SELECT pg_advisory_lock${shared}(${writers}); COMMIT; BEGIN ISOLATION LEVEL SERIALIZABLE`
              : mode === 'read'
                ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
                : 'BEGIN ISOLATION LEVEL READ COMMITTED',
          );
          if (mode === 'outbox') await exec.all('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS_OUTBOX, this.outboxKey]);
          const result = await fn(tx);
          if (tx.touched.size > 0) await exec.all('SELECT pg_notify($1, $2)', [this.channel, `${this.instance} ${[...tx.touched].join(',')}`]);
          await client.query(`COMMIT${unlock}`);
          this.board.changed(tx.touched);
          return result;
        } catch (err) {
          try {
            // A failed COMMIT stops before the unlock: ROLLBACK (harmless outside a transaction) and unlock here.
            await client.query(`ROLLBACK${unlock}`);
          } catch {
            broken = true;
            throw err;
          }
          const code = (err as { code?: string }).code;
          if (code === undefined || !RETRYABLE.has(code) || attempt >= this.maxAttempts || (mode === 'read' && code !== '40P01')) throw err;
          await sleep(Math.random() * Math.min(100, 2 ** attempt));
        }
      }
    } finally {
      client.release(broken);
    }
  }

  async syncChanges(): Promise<void> {
    // Notifications of transactions committed before this query are delivered before its answer.
    if (this.listener) await this.listener.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => {});
    await this.pool.end();
  }

  /** For tests: drops the schema this store uses (only a named, non-public one). */
  async dropSchema(): Promise<void> {
    if (this.schemaName === 'public') throw new Error('refusing to drop the public schema');
    await this.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schemaName)} CASCADE`);
  }
}
