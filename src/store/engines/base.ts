// The part of the unit-of-work store that is the same on both engines: nesting guard, plans, task claims,
// leases, purges, reset and the metadata cache, all written against `runTransaction`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { allKinds, taskKind } from '../kinds.js';
import {
  NestedTransactionError,
  type ChangeListener,
  type EventPurge,
  type EventQuery,
  type KeyValues,
  type StoredEvent,
  type TaskClaim,
  type TaskRecord,
  type TransactionOptions,
  type UnitOfWork,
  type UnitOfWorkStore,
} from '../unit-of-work.js';
import type { EventEnvelope } from '../../events/envelope.js';
import { asAny, ChangeBoard, eventConditions, KindPlan, SqlBuilder, SqlUnitOfWork, type AnyKind, type EngineName, type Executor } from './sql.js';

/**
 * How a transaction runs. `write`: the request path (SQLite: BEGIN IMMEDIATE; PostgreSQL: SERIALIZABLE, retried).
 * `read`: a snapshot. `locking`: short bookkeeping that locks the rows it changes (PostgreSQL READ COMMITTED
 * with FOR UPDATE / SKIP LOCKED, never retried). `outbox`: reads the outbox once no writer is mid-append.
 */
export type TxMode = 'write' | 'read' | 'locking' | 'outbox';

export interface TxContext {
  exec: Executor;
  uow: UnitOfWork;
  /** Kinds written in this attempt (reported to change listeners after commit). */
  touched: Set<string>;
}

export abstract class SqlStoreBase implements UnitOfWorkStore {
  abstract readonly engine: EngineName;
  abstract readonly location: string;
  protected readonly board = new ChangeBoard();
  private readonly plans = new Map<AnyKind, KindPlan>();
  /** Set by `guardNesting()`: marks the call chains that are inside a transaction. */
  private inTransaction: AsyncLocalStorage<true> | null = null;
  private readonly metaCache = new Map<string, string | undefined>();
  private metaVersion = -1;

  /**
   * Runs `fn` in one transaction of the given mode (engines may call it again on a retryable failure); `bulk`: it
   * may change a great many records (see TransactionOptions).
   */
  protected abstract runTransaction<T>(mode: TxMode, fn: (tx: TxContext) => Promise<T>, bulk: boolean): Promise<T>;
  /** PostgreSQL orders the outbox with a lock taken before a transaction's first event. */
  protected beforeFirstEvent?(exec: Executor): Promise<void>;
  abstract syncChanges(): Promise<void>;
  abstract close(): Promise<void>;

  protected plan(kind: AnyKind): KindPlan {
    let plan = this.plans.get(kind);
    if (!plan) {
      plan = new KindPlan(this.engine, kind);
      this.plans.set(kind, plan);
    }
    return plan;
  }

  /**
   * Builds the context of one attempt. `tracksRows`: no other transaction can change a row between this one's
   * read and its write (see SqlUnitOfWork), so a put writes only what changed.
   */
  protected context(exec: Executor, readOnly: boolean, tracksRows: boolean): TxContext {
    const touched = new Set<string>();
    const hooks = { touched: (kind: string) => touched.add(kind), beforeFirstEvent: this.beforeFirstEvent?.bind(this) };
    return { exec, touched, uow: new SqlUnitOfWork(this.engine, exec, (k) => this.plan(k), hooks, readOnly, tracksRows && !readOnly) };
  }

  /**
   * From now on, refuse a transaction opened inside another (NestedTransactionError) instead of letting it wait
   * for the one it is nested in. A development check, on in the tests: it needs AsyncLocalStorage, which on Node 20
   * puts a hook on every promise of the process and costs a GetOpportunity about a fifth of its CPU time.
   */
  guardNesting(): void {
    this.inTransaction ??= new AsyncLocalStorage<true>();
  }

  /** Whether the nesting guard is on: an engine that runs a transaction later must carry the caller's context. */
  protected get guardsNesting(): boolean {
    return this.inTransaction !== null;
  }

  private run<T>(mode: TxMode, fn: (tx: TxContext) => Promise<T>, bulk = false): Promise<T> {
    const guard = this.inTransaction;
    if (guard === null) return this.runTransaction(mode, fn, bulk);
    if (guard.getStore()) {
      return Promise.reject(new NestedTransactionError('a transaction is already open in this call chain; use its unit of work'));
    }
    return guard.run(true, () => this.runTransaction(mode, fn, bulk));
  }

  transaction<T>(fn: (uow: UnitOfWork) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.run(options.readOnly ? 'read' : 'write', (tx) => fn(tx.uow), options.bulk === true && !options.readOnly);
  }

  async claimDueTasks(claim: TaskClaim): Promise<TaskRecord[]> {
    const now = claim.now ?? Date.now();
    const plan = this.plan(asAny(taskKind));
    return this.run('locking', async ({ exec, touched }) => {
      const b = new SqlBuilder(this.engine);
      const rows = await exec.all(
        `SELECT doc FROM ${plan.table} WHERE status = ${b.p('IN_PROGRESS')} AND due_at <= ${b.p(claim.dueBy)}` +
          ` AND (lease_expires_at IS NULL OR lease_expires_at <= ${b.p(now)}) ORDER BY due_at LIMIT ${b.count(claim.limit)}` +
          // Another process's claim in flight is skipped, not waited for.
          (this.engine === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''),
        b.params,
      );
      const claimed: TaskRecord[] = [];
      for (const row of rows) {
        const task: TaskRecord = { ...(JSON.parse(row.doc as string) as TaskRecord), leaseOwner: claim.owner, leaseExpiresAtMs: now + claim.leaseMs };
        await exec.run(plan.upsertSql, plan.values(task));
        claimed.push(task);
      }
      if (claimed.length) touched.add(taskKind.name);
      return claimed;
    });
  }

  async renewTaskLease(key: KeyValues, owner: string, leaseMs: number, now = Date.now()): Promise<boolean> {
    const plan = this.plan(asAny(taskKind));
    return this.run('locking', async ({ exec, touched }) => {
      const b = new SqlBuilder(this.engine);
      const rows = await exec.all(`SELECT doc FROM ${plan.table} WHERE ${plan.keyWhere(b, key)}${this.engine === 'postgres' ? ' FOR UPDATE' : ''}`, b.params);
      const task = rows[0] && (JSON.parse(rows[0].doc as string) as TaskRecord);
      if (!task || task.status !== 'IN_PROGRESS' || task.leaseOwner !== owner) return false;
      await exec.run(plan.upsertSql, plan.values({ ...task, leaseExpiresAtMs: now + leaseMs }));
      touched.add(taskKind.name);
      return true;
    });
  }

  async tryAcquireLease(name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
    return this.run('locking', async ({ exec }) => {
      const b = new SqlBuilder(this.engine);
      // One statement: insert, or take over when it is ours already or has lapsed; a row comes back iff we hold it.
      const rows = await exec.all(
        `INSERT INTO leases (name, owner, expires_at) VALUES (${b.p(name)}, ${b.p(owner)}, ${b.p(now + ttlMs)})` +
          ` ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at` +
          ` WHERE leases.owner = excluded.owner OR leases.expires_at <= ${b.p(now)} RETURNING owner`,
        b.params,
      );
      return rows.length === 1;
    });
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.run('locking', async ({ exec }) => {
      const b = new SqlBuilder(this.engine);
      await exec.run(`DELETE FROM leases WHERE name = ${b.p(name)} AND owner = ${b.p(owner)}`, b.params);
    });
  }

  async readEvents(query: EventQuery): Promise<StoredEvent[]> {
    return this.run('outbox', async ({ exec }) => {
      const b = new SqlBuilder(this.engine);
      const where = eventConditions(b, query);
      const rows = await exec.all(`SELECT seq, envelope FROM events WHERE ${where} ORDER BY seq LIMIT ${b.count(query.limit)}`, b.params);
      return rows.map((r) => ({ position: Number(r.seq), envelope: JSON.parse(r.envelope as string) as EventEnvelope }));
    });
  }

  async eventPosition(eventId: string): Promise<number | undefined> {
    return this.run('read', async ({ exec }) => {
      const b = new SqlBuilder(this.engine);
      const rows = await exec.all(`SELECT seq FROM events WHERE id = ${b.p(eventId)} ORDER BY seq LIMIT 1`, b.params);
      return rows[0] === undefined ? undefined : Number(rows[0].seq);
    });
  }

  /** Deletes in batches of short transactions until a batch comes back short. */
  private async purgeInBatches(table: string, keyColumn: string, condition: (b: SqlBuilder) => string, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.run('locking', ({ exec }) => {
        const b = new SqlBuilder(this.engine);
        const cond = condition(b);
        const list = keyColumn.replace(/^\(|\)$/g, '');
        return exec.run(`DELETE FROM ${table} WHERE ${keyColumn} IN (SELECT ${list} FROM ${table} WHERE ${cond} ORDER BY ${list} LIMIT ${b.count(batchSize)})`, b.params);
      });
      total += n;
      if (n < batchSize) return total;
      // Yield to I/O between batches, so requests (and other processes' writes) are served in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async purgeEvents(purge: EventPurge): Promise<number> {
    if (purge.recordedBefore === undefined && purge.keepLast === undefined) return 0;
    return this.purgeInBatches(
      'events',
      'seq',
      (b) => {
        const parts: string[] = [];
        if (purge.recordedBefore !== undefined) parts.push(`recorded_at_ms < ${b.p(purge.recordedBefore)}`);
        if (purge.keepLast !== undefined) {
          parts.push(
            purge.keepLast <= 0
              ? '1 = 1'
              : `seq < (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ${b.count(purge.keepLast - 1)})`,
          );
        }
        return `(${parts.join(' OR ')})`;
      },
      purge.batchSize ?? 1000,
    );
  }

  async purgeIdempotency(createdBefore: number, batchSize = 1000): Promise<number> {
    const columns = '(account_id, catalog, operation, client_token)';
    return this.purgeInBatches('idempotency', columns, (b) => `created_at_ms < ${b.p(createdBefore)}`, batchSize);
  }

  async readMeta(key: string): Promise<string | undefined> {
    const version = this.version('meta');
    if (version !== this.metaVersion) {
      this.metaCache.clear();
      this.metaVersion = version;
    }
    if (this.metaCache.has(key)) return this.metaCache.get(key);
    const value = await this.transaction((uow) => uow.getMeta(key), { readOnly: true });
    // Only cache what is still current: a change that arrived while we read makes the next call read again.
    if (this.version('meta') === version) this.metaCache.set(key, value);
    return value;
  }

  subscribe(listener: ChangeListener): () => void {
    return this.board.subscribe(listener);
  }

  version(kind: string): number {
    return this.board.version(kind);
  }

  async reset(scope: { accountId?: string; catalog?: string } = {}): Promise<void> {
    // A bulk transaction (see TransactionOptions): a reset may delete a great many records.
    await this.run('write', async ({ exec, touched }) => {
      const tables: { table: string; account?: string; catalog?: string; kind?: string }[] = [
        ...(allKinds as readonly unknown[] as readonly AnyKind[]).map((kind) => {
          const plan = this.plan(kind);
          return { table: plan.table, kind: kind.name, account: kind.scope.account && snakeOf(kind.scope.account), catalog: kind.scope.catalog && snakeOf(kind.scope.catalog) };
        }),
        { table: 'idempotency', account: 'account_id', catalog: 'catalog' },
        { table: 'events', account: 'account_id', catalog: 'catalog' },
      ];
      for (const t of tables) {
        const b = new SqlBuilder(this.engine);
        const where: string[] = [];
        if (scope.accountId !== undefined) {
          if (!t.account) continue;
          where.push(`${t.account} = ${b.p(scope.accountId)}`);
        }
        if (scope.catalog !== undefined) {
          if (!t.catalog) continue;
          where.push(`${t.catalog} = ${b.p(scope.catalog)}`);
        }
        await exec.run(`DELETE FROM ${t.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, b.params);
        if (t.kind) touched.add(t.kind);
      }
      // A full reset restarts identifier sequences too, so a seeded run replays with the same identifiers.
      if (scope.accountId === undefined && scope.catalog === undefined) await exec.run('DELETE FROM sequences', []);
    }, true);
  }
}

const snakeOf = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
