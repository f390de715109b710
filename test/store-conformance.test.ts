// The unit-of-work store's conformance suite: the same cases against SQLite (in memory and a file) and
// PostgreSQL (PCL_TEST_POSTGRES_URL, default postgres://postgres:postgres@127.0.0.1:5432/postgres, in a fresh
// schema per run). Without a reachable PostgreSQL its suite is reported skipped, not failed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { postgresUnreachable, TEST_POSTGRES_URL } from './helpers.js';
import type { EventEnvelope } from '../src/events/envelope.js';
import { PostgresUnitOfWorkStore } from '../src/store/engines/postgres.js';
import { allIndexColumns, asAny, snake, tableOf } from '../src/store/engines/sql.js';
import { allKinds, opportunityIdOrder, opportunityKind, taskKind } from '../src/store/kinds.js';
import { openStore } from '../src/store/open.js';
import { sqliteMigrations } from '../src/store/schema/sqlite.js';
import type { OpportunityRecord } from '../src/store/records.js';
import {
  InvalidCursorError,
  NestedTransactionError,
  SchemaVersionError,
  type Query,
  type TaskRecord,
  type UnitOfWork,
  type UnitOfWorkStore,
} from '../src/store/unit-of-work.js';

const PG_URL = TEST_POSTGRES_URL;

const postgresSkip = await postgresUnreachable();

interface Engine {
  name: string;
  skip?: string;
  open(): Promise<UnitOfWorkStore>;
  /** Opens another store on the same database (another "process"); absent for an in-memory database. */
  openAnother?(): Promise<UnitOfWorkStore>;
  cleanup(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'pcl-store-'));
const pgSchema = `pcl_test_${process.pid}_${randomUUID().slice(0, 8)}`;
const pgUrl = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${pgSchema}`;

/** Every store here refuses nested transactions (the servers' default leaves that development check off). */
const GUARDED = { guardNesting: true };

const engines: Engine[] = [
  { name: 'SQLite in memory', open: () => openStore(':memory:', GUARDED), cleanup: async () => {} },
  {
    name: 'SQLite file',
    open: () => openStore(join(dir, 'conformance.db'), GUARDED),
    openAnother: () => openStore(join(dir, 'conformance.db'), GUARDED),
    cleanup: async () => {},
  },
  {
    name: 'PostgreSQL',
    skip: postgresSkip,
    open: () => openStore(pgUrl, GUARDED),
    openAnother: () => openStore(pgUrl, GUARDED),
    cleanup: async () => {
      const store = (await openStore(pgUrl, GUARDED)) as PostgresUnitOfWorkStore;
      await store.dropSchema();
      await store.close();
    },
  },
];

after(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------------
// Records

const ACCOUNT = '111111111111';
const OTHER = '222222222222';
const STAGES = ['Prospect', 'Qualified', 'Committed', 'Launched'];
const REVIEW = ['Pending Submission', 'Submitted', 'Approved'];
const COMPANIES = ['Acme', 'Globex', 'Initech', 'Ärzte AG', 'acme'];

function opportunity(n: number, overrides: Partial<OpportunityRecord> = {}): OpportunityRecord {
  // Many ties on every sort field, so the key tie-breaker matters.
  const at = (k: number) => new Date(Date.UTC(2025, 0, 1) + k * 60_000).toISOString();
  return {
    catalog: 'Sandbox',
    id: `O${5000000 + n}`,
    accountId: ACCOUNT,
    visible: true,
    origin: 'Partner Referral',
    createdAt: at(n % 7),
    lastModifiedAt: at(n % 11),
    data: {
      LifeCycle: { Stage: STAGES[n % 4], ReviewStatus: REVIEW[n % 3], TargetCloseDate: n % 5 === 0 ? undefined : `2025-0${1 + (n % 9)}-15` },
      Customer: { Account: { CompanyName: COMPANIES[n % 5]! } },
    } as OpportunityRecord['data'],
    ...overrides,
  };
}

function task(n: number, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return {
    catalog: 'Sandbox',
    id: `task-${String(n).padStart(4, '0')}`,
    type: 'engagement-by-accepting-invitation',
    accountId: ACCOUNT,
    status: 'IN_PROGRESS',
    startTime: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
    dueAtMs: 1000,
    subject: { invitationId: `engi-${n}` },
    payload: { n },
    ...overrides,
  };
}

function envelope(n: number, account = ACCOUNT, detailType = 'Opportunity Created'): EventEnvelope {
  return {
    version: '0',
    id: `event-${n}-${randomUUID()}`,
    'detail-type': detailType,
    source: 'aws.partnercentral-selling',
    account,
    time: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { catalog: 'Sandbox', n },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await sleep(10);
  }
  assert.fail(`never happened: ${what}`);
}

// Expected orders computed in memory, the way the engines must order (byte order for text, key tie-breaker).
type OppSortField = 'lastModifiedDate' | 'createdDate' | 'idOrder' | 'customerCompanyName' | 'targetCloseDate';
function sortValue(r: OpportunityRecord, field: OppSortField): string | number {
  const value = opportunityKind.fields[field].of(r);
  if (value === undefined) throw new Error('unexpected');
  return value;
}
const bytes = (s: string) => Buffer.from(s, 'utf8');
function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(bytes(String(a)), bytes(String(b)));
}
function expectedOrder(records: OpportunityRecord[], field: OppSortField, desc: boolean): string[] {
  const sorted = [...records].sort((x, y) => compare(sortValue(x, field), sortValue(y, field)) || compare(x.id, y.id));
  if (desc) sorted.reverse();
  return sorted.map((r) => r.id);
}

async function pageAll(store: UnitOfWorkStore, query: Omit<Query<typeof opportunityKind.fields>, 'after'>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await store.transaction((uow) => uow.query(opportunityKind, { ...query, after }), { readOnly: true });
    assert.ok(page.items.length <= query.limit);
    ids.push(...page.items.map((r) => r.id));
    if (!page.next) return ids;
    assert.equal(page.items.length, query.limit, 'only the last page is short');
    after = page.next;
  }
  throw new Error('paging did not end');
}

/** Runs SQL on the store's database behind its back (to make a row disagree with its document). */
async function rawSql(store: UnitOfWorkStore, sql: string): Promise<void> {
  if (store.engine === 'sqlite') {
    (store as unknown as { db: Database.Database }).db.exec(sql);
    return;
  }
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`SET search_path = ${pgSchema}`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A record as it reads back (JSON drops undefined members). */
const stored = <T>(doc: T): T => JSON.parse(JSON.stringify(doc)) as T;

// ---------------------------------------------------------------------------------------------------------
// The cases

for (const engine of engines) {
  describe(`unit-of-work store on ${engine.name}`, { skip: engine.skip }, () => {
    let store: UnitOfWorkStore;
    let other: UnitOfWorkStore | undefined;

    before(async () => {
      store = await engine.open();
      other = await engine.openAnother?.();
    });
    after(async () => {
      await other?.close();
      await store.close();
      await engine.cleanup();
    });
    beforeEach(async () => {
      await store.reset();
    });

    it('gets, puts (insert or replace) and deletes by key', async () => {
      const record = opportunity(1);
      await store.transaction((uow) => uow.put(opportunityKind, record));
      assert.deepEqual(await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', record.id])), record);
      const renamed = { ...record, lastModifiedAt: '2025-06-01T00:00:00.000Z' };
      await store.transaction((uow) => uow.put(opportunityKind, renamed));
      assert.equal(await store.transaction((uow) => uow.count(opportunityKind)), 1);
      assert.deepEqual(await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', record.id])), renamed);
      assert.equal(await store.transaction((uow) => uow.get(opportunityKind, ['AWS', record.id])), undefined);
      assert.equal(await store.transaction((uow) => uow.delete(opportunityKind, ['Sandbox', record.id])), true);
      assert.equal(await store.transaction((uow) => uow.delete(opportunityKind, ['Sandbox', record.id])), false);
      assert.equal(await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', record.id])), undefined);
    });

    it('keeps a view beside a record: written with it, read by key and equal fields, dropped by a put without one', async () => {
      const record = opportunity(1);
      const view = JSON.stringify({ Id: record.id, Note: 'rendered \u00e9' });
      const read = (key: string[], where?: Parameters<UnitOfWork['getView']>[2]) =>
        store.transaction((uow) => uow.getView(opportunityKind, key, where), { readOnly: true });
      await store.transaction((uow) => uow.put(opportunityKind, record, view));
      assert.equal(await read(['Sandbox', record.id]), view);
      assert.equal(await read(['Sandbox', record.id], { accountId: ACCOUNT, visible: true }), view);
      // A condition that does not hold, or another key: no such record.
      assert.equal(await read(['Sandbox', record.id], { accountId: '999999999999', visible: true }), undefined);
      assert.equal(await read(['Sandbox', record.id], { visible: false }), undefined);
      assert.equal(await read(['AWS', record.id]), undefined);
      // The record itself is unchanged by its view.
      assert.deepEqual(await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', record.id])), record);
      // A put without a view leaves none (never an older one): null, the record exists.
      await store.transaction((uow) => uow.put(opportunityKind, { ...record, lastModifiedAt: '2025-06-01T00:00:00.000Z' }));
      assert.equal(await read(['Sandbox', record.id], { visible: true }), null);
      await store.transaction((uow) => uow.put(opportunityKind, record, view));
      assert.equal(await read(['Sandbox', record.id]), view);
      // Read and written back in one write transaction (an UPDATE of what changed): the new view goes with it…
      const writeBack = (change: Partial<OpportunityRecord>, newView?: string) =>
        store.transaction(async (uow) => {
          const current = (await uow.get(opportunityKind, ['Sandbox', record.id]))!;
          await uow.put(opportunityKind, { ...current, ...change }, newView);
        });
      await writeBack({ lastModifiedAt: '2025-07-01T00:00:00.000Z' }, '{"v":2}');
      assert.equal(await read(['Sandbox', record.id]), '{"v":2}');
      await writeBack({}, '{"v":3}');
      assert.equal(await read(['Sandbox', record.id]), '{"v":3}', 'a new view of an unchanged record');
      // …and the same record written back without one keeps none.
      await writeBack({});
      assert.equal(await read(['Sandbox', record.id]), null);
      // Kinds that keep no view refuse one.
      await assert.rejects(store.transaction((uow) => uow.put(taskKind, task(1), '{}')), /keeps no view/);
      await assert.rejects(store.transaction((uow) => uow.getView(taskKind, ['Sandbox', task(1).id])), /keeps no view/);
    });

    it('writes back records read in the same transaction, and every field\'s queries follow the changes', async () => {
      const records = Array.from({ length: 12 }, (_, i) => opportunity(i + 1));
      await store.transaction(async (uow) => {
        for (const r of records) await uow.put(opportunityKind, r);
      });
      const lifeCycle = (r: OpportunityRecord, change: Record<string, unknown>) => ({ ...r, data: { ...r.data, LifeCycle: { ...r.data.LifeCycle, ...change } } });
      // One change per record: listed fields one at a time or together, optional ones cleared, none (only the
      // document, or nothing at all).
      const changes: ((r: OpportunityRecord) => OpportunityRecord)[] = [
        (r) => ({ ...r, lastModifiedAt: '2026-01-01T00:00:00.000Z' }),
        (r) => lifeCycle(r, { Stage: 'Closed Lost' }),
        (r) => lifeCycle(r, { Stage: undefined, ReviewStatus: undefined }),
        (r) => ({ ...r, visible: false }),
        (r) => ({ ...r, accountId: OTHER }),
        (r) => ({ ...r, createdAt: '2020-01-01T00:00:00.000Z', lastModifiedAt: '2020-02-01T00:00:00.000Z' }),
        (r) => ({ ...r, data: { ...r.data, Customer: { Account: { CompanyName: 'Zeta' } } } }),
        (r) => lifeCycle(r, { TargetCloseDate: '2031-01-01' }),
        (r) => ({ ...r, data: { ...r.data, Project: { Title: 'only the document changes' } } }),
        (r) => r,
      ];
      const expected = new Map(records.map((r) => [r.id, stored(r)]));
      await store.transaction(async (uow) => {
        for (const [i, change] of changes.entries()) {
          const next = stored(change((await uow.get(opportunityKind, ['Sandbox', records[i]!.id]))!));
          await uow.put(opportunityKind, next);
          expected.set(next.id, next);
        }
        // Written twice: the second write starts from the first (the stage moves and comes back).
        const read = (await uow.get(opportunityKind, ['Sandbox', records[10]!.id]))!;
        await uow.put(opportunityKind, lifeCycle(read, { Stage: 'Launched', TargetCloseDate: undefined }));
        const twice = stored(lifeCycle(read, { ReviewStatus: 'Approved' }));
        await uow.put(opportunityKind, twice);
        expected.set(twice.id, twice);
        // Deleted and written again.
        const gone = (await uow.get(opportunityKind, ['Sandbox', records[11]!.id]))!;
        assert.equal(await uow.delete(opportunityKind, ['Sandbox', gone.id]), true);
        const back = stored({ ...gone, lastModifiedAt: '2026-03-01T00:00:00.000Z' });
        await uow.put(opportunityKind, back);
        expected.set(back.id, back);
      });
      const all = [...expected.values()];
      for (const r of all) assert.deepEqual(await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', r.id])), r);
      // Every field's value finds exactly the records whose documents hold it (through the indexes that hold it).
      for (const [name, field] of Object.entries(opportunityKind.fields)) {
        const values = all.map((r) => (field.of as (d: OpportunityRecord) => unknown)(r));
        for (const value of new Set(values)) {
          const where = (value === undefined ? { [name]: { notIn: [] } } : { [name]: value }) as Query<typeof opportunityKind.fields>['where'];
          const n = await store.transaction((uow) => uow.count(opportunityKind, where));
          assert.equal(n, value === undefined ? values.filter((v) => v !== undefined).length : values.filter((v) => v === value).length, `${name} = ${String(value)}`);
        }
      }
      const mine = all.filter((r) => r.accountId === ACCOUNT && r.visible);
      const listed = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;
      for (const field of ['lastModifiedDate', 'createdDate', 'idOrder', 'customerCompanyName', 'targetCloseDate'] as const) {
        assert.deepEqual(await pageAll(store, { where: listed, sort: { by: field, order: 'desc' }, limit: 4 }), expectedOrder(mine, field, true), field);
      }
      // A date range sorted by another field (a grid, kinds.ts): 2020 holds the one record moved there.
      const inRange = await store.transaction((uow) =>
        uow.query(opportunityKind, { where: { ...listed, createdDate: { gte: Date.UTC(2019, 0), lt: Date.UTC(2021, 0) } }, sort: { by: 'lastModifiedDate' }, limit: 10 }),
      );
      assert.deepEqual(inRange.items.map((r) => r.id), [records[5]!.id]);
    });

    it('corrects, when it writes a record back, a column that disagrees with the document', async () => {
      const record = opportunity(1);
      await store.transaction((uow) => uow.put(opportunityKind, record));
      await rawSql(store, `UPDATE rec_opportunity SET stage = 'Stale', last_modified_date = 0 WHERE id = '${record.id}'`);
      await store.transaction(async (uow) => uow.put(opportunityKind, (await uow.get(opportunityKind, ['Sandbox', record.id]))!));
      const count = (where: Query<typeof opportunityKind.fields>['where']) => store.transaction((uow) => uow.count(opportunityKind, where));
      assert.equal(await count({ stage: { notIn: [record.data.LifeCycle!.Stage!] } }), 0, 'the stale stage is gone');
      assert.equal(await count({ id: record.id, stage: record.data.LifeCycle!.Stage!, lastModifiedDate: Date.parse(record.lastModifiedAt) }), 1);
    });

    it('commits everything or nothing, and refuses a record missing a required field', async () => {
      await assert.rejects(
        store.transaction(async (uow) => {
          await uow.put(opportunityKind, opportunity(1));
          await uow.nextSequence('opportunity');
          await uow.put(opportunityKind, { ...opportunity(2), accountId: undefined as unknown as string });
        }),
        /accountId is required/,
      );
      assert.equal(await store.transaction((uow) => uow.count(opportunityKind)), 0);
      assert.equal(await store.transaction((uow) => uow.nextSequence('opportunity')), 1, 'the rolled-back sequence step is undone');
    });

    it('never interleaves two transactions of one store', async () => {
      const failing = store.transaction(async (uow) => {
        await uow.put(opportunityKind, opportunity(1));
        await sleep(20);
        throw new Error('boom');
      });
      const succeeding = store.transaction((uow) => uow.put(opportunityKind, opportunity(2)));
      await assert.rejects(failing, /boom/);
      await succeeding;
      const ids = await pageAll(store, { where: { accountId: ACCOUNT }, limit: 10 });
      assert.deepEqual(ids, [opportunity(2).id]);
    });

    it('undoes a failing transaction alone when it runs with others at once (SQLite: in one group commit)', async () => {
      const before = store.version('opportunity');
      const write = (n: number, fail = false) =>
        store.transaction(async (uow) => {
          await uow.put(opportunityKind, opportunity(n));
          const step = await uow.nextSequence('group');
          if (fail) throw new Error(`unit ${n} fails`);
          return step;
        });
      // Started in one turn: on SQLite they queue together and share one transaction, a savepoint each.
      const results = await Promise.allSettled([write(1), write(2), write(3, true), write(4), write(5, true), write(6)]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled'],
      );
      assert.match(String((results[2] as PromiseRejectedResult).reason), /unit 3 fails/);
      const steps = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      // The failing units' sequence steps are undone with them: the survivors hold 1–4, each once.
      assert.deepEqual([...steps].sort(), [1, 2, 3, 4]);
      const ids = await pageAll(store, { where: { accountId: ACCOUNT }, limit: 10 });
      assert.deepEqual(ids.sort(), [1, 2, 4, 6].map((n) => opportunity(n).id).sort());
      assert.equal(await store.transaction((uow) => uow.nextSequence('group')), 5);
      if (engine.name.startsWith('SQLite')) {
        // One COMMIT for the group (the first five units queued in one turn): one change notification, not four.
        assert.equal(store.version('opportunity'), before + 1, 'the units committed as one group');
      }
    });

    it('runs bulk transactions like any other, each alone in its transaction on SQLite', async () => {
      await store.transaction((uow) => uow.put(opportunityKind, opportunity(99)));
      const before = store.version('opportunity');
      const write = (n: number) => store.transaction((uow) => uow.put(opportunityKind, opportunity(n)));
      const bulk = (from: number, fail: boolean) =>
        store.transaction(
          async (uow) => {
            for (let n = from; n < from + 10; n++) await uow.put(opportunityKind, opportunity(n));
            await uow.delete(opportunityKind, ['Sandbox', opportunity(99).id]);
            if (fail) throw new Error('bulk fails');
          },
          { bulk: true },
        );
      // Queued in one turn: on SQLite, without the bulk ones, they would share one group commit.
      const results = await Promise.allSettled([write(1), bulk(10, false), write(2), bulk(20, true), write(3)]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      const ids = await pageAll(store, { where: { accountId: ACCOUNT }, limit: 50 });
      const expected = [1, 2, 3, ...Array.from({ length: 10 }, (_, i) => 10 + i)];
      assert.deepEqual(ids.sort(), expected.map((n) => opportunity(n).id).sort(), 'the failed bulk transaction left nothing behind');
      if (engine.name.startsWith('SQLite')) {
        // Groups: the first write; the bulk one alone; the next write; the failed bulk one (no commit); the last write.
        assert.equal(store.version('opportunity'), before + 4, 'each bulk transaction ran in a group of its own');
      }
    });

    // SQLite only: PostgreSQL runs concurrent transactions side by side, so it has no queue to put in order.
    if (engine.name.startsWith('SQLite')) it('runs queued writes in order, each seeing the writes before it, answered only once committed (SQLite)', async () => {
      const order: string[] = [];
      const first = store.transaction(async (uow) => {
        await uow.put(opportunityKind, opportunity(1));
        order.push('first ran');
      });
      const second = store.transaction(async (uow) => {
        const seen = await uow.get(opportunityKind, ['Sandbox', opportunity(1).id]);
        order.push('second ran');
        return seen?.id;
      });
      void first.then(() => order.push('first answered'));
      assert.equal(await second, opportunity(1).id, 'a later write sees an earlier one');
      await first;
      // Both ran inside one transaction before either was answered: answers wait for the group's COMMIT.
      assert.deepEqual(order, ['first ran', 'second ran', 'first answered']);
    });

    if (engine.name.startsWith('SQLite')) it('lets writes queued over the next event-loop turns join the same commit (SQLite)', async () => {
      const before = store.version('opportunity');
      const first = store.transaction((uow) => uow.put(opportunityKind, opportunity(1)));
      // Two turns later (a busy server's next requests), another write comes in.
      await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
      const second = store.transaction((uow) => uow.put(opportunityKind, opportunity(2)));
      await Promise.all([first, second]);
      // One group, one commit: the kind's change count moved once.
      assert.equal(store.version('opportunity'), before + 1);
      const third = store.transaction((uow) => uow.put(opportunityKind, opportunity(3)));
      await third;
      assert.equal(store.version('opportunity'), before + 2, 'a write after the group was answered commits on its own');
    });

    if (engine.name.startsWith('SQLite')) it('answers right whatever the page size, past the statements a connection keeps prepared (SQLite)', async () => {
      await store.transaction(async (uow) => {
        for (let i = 1; i <= 5; i++) await uow.put(opportunityKind, opportunity(i));
      });
      const page = (limit: number) =>
        store.transaction((uow) => uow.query(opportunityKind, { where: { accountId: ACCOUNT }, sort: { by: 'idOrder' }, limit }), { readOnly: true });
      // Each limit is a statement of its own (the LIMIT is in its text); 2,100 of them pass the 2,000 kept.
      for (let limit = 1; limit <= 2100; limit++) {
        const { items, next } = await page(limit);
        assert.equal(items.length, Math.min(limit, 5));
        assert.equal(next !== undefined, limit < 5);
      }
      // The first ones were dropped from the cache and are prepared again.
      assert.deepEqual((await page(2)).items.map((o) => o.id), [opportunity(1).id, opportunity(2).id]);
      await assert.rejects(page(1.5), /positive integer/);
    });

    it('never shows a read what a write has not committed yet', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let committed = false;
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const writing = store
        .transaction(async (uow) => {
          started();
          await uow.put(opportunityKind, opportunity(1));
          await held;
        })
        .then(() => {
          committed = true;
        });
      // Let the write start (SQLite groups start a few turns after they are queued).
      await running;
      const reading = store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', opportunity(1).id]), { readOnly: true });
      if (engine.name === 'SQLite in memory') {
        // One connection: the read waits for the open write group, then sees its result.
        release();
        await writing;
        assert.equal((await reading)?.id, opportunity(1).id);
      } else {
        // Its own connection: answered at once, from what is committed.
        assert.equal(await reading, undefined);
        assert.equal(committed, false);
        release();
        await writing;
        assert.equal((await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', opportunity(1).id]), { readOnly: true }))?.id, opportunity(1).id);
      }
    });

    it('refuses nested transactions and writes in read-only ones', async () => {
      await assert.rejects(
        store.transaction(() => store.transaction(async () => 1)),
        NestedTransactionError,
      );
      await assert.rejects(store.transaction((uow) => uow.put(opportunityKind, opportunity(1)), { readOnly: true }), /read-only/);
    });

    it('sorts on every declared sort field both ways and pages with a keyset cursor', async () => {
      const mine = Array.from({ length: 53 }, (_, i) => opportunity(i + 1));
      const foreign = [opportunity(900, { accountId: OTHER }), opportunity(901, { visible: false }), opportunity(902, { catalog: 'AWS' })];
      await store.transaction(async (uow) => {
        for (const r of [...mine, ...foreign]) await uow.put(opportunityKind, r);
      });
      const where = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;
      for (const field of ['lastModifiedDate', 'createdDate', 'idOrder', 'customerCompanyName', 'targetCloseDate'] as const) {
        for (const desc of [false, true]) {
          const ids = await pageAll(store, { where, sort: { by: field, order: desc ? 'desc' : 'asc' }, limit: 7 });
          assert.deepEqual(ids, expectedOrder(mine, field, desc), `${field} ${desc ? 'desc' : 'asc'}`);
        }
      }
      // Without a sort: key order; and the tie-breaker covers a key field left free by the filter.
      const byKey = await pageAll(store, { where: { accountId: ACCOUNT, visible: true }, limit: 10 });
      assert.deepEqual(byKey, [opportunity(902).id, ...mine.map((r) => r.id).sort()], 'catalog AWS before Sandbox, then id');
      // Across catalogs (902 is in AWS): no duplicates, nothing left out.
      const acrossCatalogs = await pageAll(store, { where: { customerCompanyName: 'Initech' }, sort: { by: 'lastModifiedDate' }, limit: 3 });
      assert.deepEqual([...acrossCatalogs].sort(), [...mine.filter((r) => r.data.Customer?.Account?.CompanyName === 'Initech').map((r) => r.id), opportunity(902).id].sort());
      assert.equal(opportunityIdOrder('O999') < opportunityIdOrder('O1000'), true);
    });

    it('filters by equality, lists, ranges, prefixes and exclusions, and counts the same sets', async () => {
      const mine = Array.from({ length: 40 }, (_, i) => opportunity(i + 1));
      await store.transaction(async (uow) => {
        for (const r of mine) await uow.put(opportunityKind, r);
        await uow.put(opportunityKind, opportunity(500, { accountId: OTHER }));
      });
      const base = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;
      const f = opportunityKind.fields;
      const cases: [string, Query<typeof f>['where'], (r: OpportunityRecord) => boolean][] = [
        ['stage list', { ...base, stage: ['Prospect', 'Launched'] }, (r) => ['Prospect', 'Launched'].includes(r.data.LifeCycle!.Stage!)],
        ['one review status', { ...base, reviewStatus: 'Approved' }, (r) => r.data.LifeCycle!.ReviewStatus === 'Approved'],
        ['company names', { ...base, customerCompanyName: ['Acme', 'Ärzte AG'] }, (r) => ['Acme', 'Ärzte AG'].includes(r.data.Customer!.Account!.CompanyName!)],
        ['identifiers', { ...base, id: [mine[3]!.id, mine[7]!.id, 'O1'] }, (r) => r.id === mine[3]!.id || r.id === mine[7]!.id],
        [
          'last modified window [a, b)',
          { ...base, lastModifiedDate: { gte: Date.parse('2025-01-01T00:03:00Z'), lt: Date.parse('2025-01-01T00:07:00Z') } },
          (r) => Date.parse(r.lastModifiedAt) >= Date.parse('2025-01-01T00:03:00Z') && Date.parse(r.lastModifiedAt) < Date.parse('2025-01-01T00:07:00Z'),
        ],
        ['created after', { ...base, createdDate: { gt: Date.parse('2025-01-01T00:04:00Z') } }, (r) => Date.parse(r.createdAt) > Date.parse('2025-01-01T00:04:00Z')],
        [
          'target close before, absent ones left out',
          { ...base, targetCloseDate: { gt: '', lt: '2025-04-01' } },
          (r) => r.data.LifeCycle!.TargetCloseDate !== undefined && r.data.LifeCycle!.TargetCloseDate < '2025-04-01',
        ],
        ['prefix', { ...base, customerCompanyName: { prefix: 'Ac' } }, (r) => r.data.Customer!.Account!.CompanyName!.startsWith('Ac')],
        ['not in', { ...base, stage: { notIn: ['Prospect'] } }, (r) => r.data.LifeCycle!.Stage !== 'Prospect'],
        ['empty list matches nothing', { ...base, stage: [] }, () => false],
      ];
      for (const [name, where, predicate] of cases) {
        const expected = expectedOrder(mine.filter(predicate), 'lastModifiedDate', true);
        assert.deepEqual(await pageAll(store, { where, sort: { by: 'lastModifiedDate', order: 'desc' }, limit: 4 }), expected, name);
        assert.equal(await store.transaction((uow) => uow.count(opportunityKind, where)), expected.length, `count: ${name}`);
      }
      await assert.rejects(
        store.transaction((uow) => uow.query(opportunityKind, { where: base, sort: { by: 'stage' }, limit: 5 })),
        /optional field/,
      );
    });

    it('answers a wide range on a field other than the sort (its index walked instead) with the same pages', async () => {
      // Past 2,000 matching rows the engines walk the sort's index and filter (sql.ts, walkSortIndex), or read the
      // range's grid where one is declared.
      const mine = Array.from({ length: 2600 }, (_, i) => opportunity(i + 1));
      await store.transaction(async (uow) => {
        for (const r of mine) await uow.put(opportunityKind, r);
      });
      const base = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;
      const f = opportunityKind.fields;
      const cases: [string, Query<typeof f>['where'], (r: OpportunityRecord) => boolean, OppSortField, boolean][] = [
        ['created after, by last modified', { ...base, createdDate: { gt: Date.parse('2025-01-01T00:00:00Z') } }, (r) => Date.parse(r.createdAt) > Date.parse('2025-01-01T00:00:00Z'), 'lastModifiedDate', true],
        ['target close set, by id', { ...base, targetCloseDate: { gt: '', lt: '2025-10-01' } }, (r) => (r.data.LifeCycle!.TargetCloseDate ?? '') !== '', 'idOrder', false],
        ['company prefix and stage, by created', { ...base, stage: 'Prospect', customerCompanyName: { prefix: 'A' } }, (r) => r.data.LifeCycle!.Stage === 'Prospect' && r.data.Customer!.Account!.CompanyName!.startsWith('A'), 'createdDate', true],
        ['last modified window, by target close', { ...base, lastModifiedDate: { gte: Date.parse('2025-01-01T00:01:00Z') } }, (r) => Date.parse(r.lastModifiedAt) >= Date.parse('2025-01-01T00:01:00Z'), 'targetCloseDate', false],
        // Enough records besides the range for its grid, the company checked in the grid's index.
        ['created after, other companies, by id', { ...base, createdDate: { gte: Date.parse('2025-01-01T00:01:00Z') }, customerCompanyName: { notIn: ['acme'] } }, (r) => Date.parse(r.createdAt) >= Date.parse('2025-01-01T00:01:00Z') && r.data.Customer!.Account!.CompanyName !== 'acme', 'idOrder', true],
      ];
      for (const [name, where, predicate, by, desc] of cases) {
        const expected = expectedOrder(mine.filter(predicate), by, desc);
        assert.ok(name.startsWith('company') || expected.length >= 1700, `${name}: a wide range`);
        // Pages larger than a grid answers, and pages a grid answers where one applies.
        for (const limit of [250, 97]) assert.deepEqual(await pageAll(store, { where, sort: { by, order: desc ? 'desc' : 'asc' }, limit }), expected, `${name}, pages of ${limit}`);
      }
    });

    it('answers a wide range over records decades apart (too many buckets for a grid) with the same pages', async () => {
      // 2,100 records in 2025 and two far outliers: a grid would seek through ~90,000 day buckets, so the store
      // walks or sorts instead (sql.ts, MAX_GRID_BUCKETS). The pages must be the same as anywhere else.
      const mine = Array.from({ length: 2100 }, (_, i) => opportunity(i + 1));
      mine.push(
        opportunity(3001, { createdAt: '1900-06-01T00:00:00.000Z', lastModifiedAt: '1900-06-02T00:00:00.000Z' }),
        opportunity(3002, { createdAt: '2150-06-01T00:00:00.000Z', lastModifiedAt: '2150-06-02T00:00:00.000Z' }),
      );
      await store.transaction(async (uow) => {
        for (const r of mine) await uow.put(opportunityKind, r);
      });
      const base = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;
      const after = Date.parse('1800-01-01T00:00:00Z');
      for (const [by, desc] of [['lastModifiedDate', true], ['customerCompanyName', false]] as [OppSortField, boolean][]) {
        const expected = expectedOrder(mine, by, desc);
        const where = { ...base, createdDate: { gt: after } };
        assert.deepEqual(await pageAll(store, { where, sort: { by, order: desc ? 'desc' : 'asc' }, limit: 97 }), expected, `by ${by}`);
      }
    });

    it('answers a date range sorted by another field with the same pages through its grid as through the planner', async () => {
      // Records over 30 days (two before 1970: buckets truncate toward zero), the dates correlated (modified a few
      // days after creation) and tied (several per minute), so ranges cut buckets in the middle and pages end
      // inside ties. Every range × every sort (alone one way, with another filter the other way), paged 1 to 6 at a
      // time (through a grid where one is declared), must equal the in-memory order and one large page (larger
      // than a grid answers: the planner's path).
      const day = 86_400_000;
      const start = Date.UTC(2025, 0, 1);
      const record = (n: number): OpportunityRecord => {
        const created = n <= 2 ? -n * 3_600_000 : start + ((n * 7) % 30) * day + (n % 3) * 60_000;
        return opportunity(n, {
          createdAt: new Date(created).toISOString(),
          lastModifiedAt: new Date(created + (n % 4) * day + (n % 2) * 60_000).toISOString(),
          data: {
            LifeCycle: { Stage: STAGES[n % 4], ReviewStatus: REVIEW[n % 3], TargetCloseDate: n % 6 === 0 ? undefined : `2025-03-${String(1 + (n % 20)).padStart(2, '0')}` },
            Customer: { Account: { CompanyName: COMPANIES[n % 5]! } },
          } as OpportunityRecord['data'],
        });
      };
      const mine = Array.from({ length: 64 }, (_, i) => record(i + 1));
      await store.transaction(async (uow) => {
        for (const r of mine) await uow.put(opportunityKind, r);
        await uow.put(opportunityKind, { ...record(901), accountId: OTHER });
        await uow.put(opportunityKind, { ...record(902), visible: false });
      });
      const base = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;
      const created = (r: OpportunityRecord) => Date.parse(r.createdAt);
      const modified = (r: OpportunityRecord) => Date.parse(r.lastModifiedAt);
      const close = (r: OpportunityRecord) => r.data.LifeCycle!.TargetCloseDate ?? '';
      const at = (days: number, hours = 0) => start + days * day + hours * 3_600_000;
      type Where = Query<typeof opportunityKind.fields>['where'];
      const ranges: [string, Where, (r: OpportunityRecord) => boolean][] = [
        ['created [day 3 noon, day 21 noon)', { createdDate: { gte: at(3, 12), lt: at(21, 12) } }, (r) => created(r) >= at(3, 12) && created(r) < at(21, 12)],
        ['created after day 20 (open)', { createdDate: { gt: at(20) } }, (r) => created(r) > at(20)],
        ['created up to 1970 (open, negative)', { createdDate: { lte: 0 } }, (r) => created(r) <= 0],
        ['created within one bucket', { createdDate: { gte: at(7), lt: at(7, 1) } }, (r) => created(r) >= at(7) && created(r) < at(7, 1)],
        ['created: nothing', { createdDate: { gte: at(100) } }, () => false],
        ['modified [day 10, day 25]', { lastModifiedDate: { gte: at(10), lte: at(25) } }, (r) => modified(r) >= at(10) && modified(r) <= at(25)],
        ['modified before day 12 noon', { lastModifiedDate: { lt: at(12, 12) } }, (r) => modified(r) < at(12, 12)],
        ['target close [03-05, 03-12)', { targetCloseDate: { gte: '2025-03-05', lt: '2025-03-12' } }, (r) => close(r) >= '2025-03-05' && close(r) < '2025-03-12'],
        ['target close set', { targetCloseDate: { gt: '' } }, (r) => close(r) > ''],
        ['target close after 03-15', { targetCloseDate: { gt: '2025-03-15' } }, (r) => close(r) > '2025-03-15'],
      ];
      const extras: [string, Where, (r: OpportunityRecord) => boolean][] = [
        ['', {}, () => true],
        [' + stage', { stage: ['Prospect', 'Launched'] }, (r) => ['Prospect', 'Launched'].includes(r.data.LifeCycle!.Stage!)],
        [' + company', { customerCompanyName: 'Globex' }, (r) => r.data.Customer!.Account!.CompanyName === 'Globex'],
        [' + modified too', { lastModifiedDate: { gte: at(5) } }, (r) => modified(r) >= at(5)],
      ];
      const sorts: OppSortField[] = ['lastModifiedDate', 'createdDate', 'idOrder', 'customerCompanyName', 'targetCloseDate'];
      let checked = 0;
      for (const [i, [rangeName, range, inRange]] of ranges.entries()) {
        // Each range alone and with one of the other filters (in turn).
        for (const [extraName, extra, alsoMatches] of [extras[0]!, extras[1 + (i % 3)]!]) {
          // Two conditions on one field (a modified window and "modified too") are one range with both bounds.
          const both = (field: string) => ({ ...(extra as Record<string, object>)[field], ...(range as Record<string, object>)[field] });
          const where = { ...base, ...extra, ...range, ...('lastModifiedDate' in extra! ? { lastModifiedDate: both('lastModifiedDate') } : {}) } as Where;
          const matches = mine.filter((r) => inRange(r) && alsoMatches(r));
          for (const by of sorts) {
            // Both directions over the whole loop: each (range, sort) once each way.
            const desc = (i + (extraName === '' ? 0 : 1)) % 2 === 1;
            const name = `${rangeName}${extraName}, by ${by} ${desc ? 'desc' : 'asc'}`;
            const expected = expectedOrder(matches, by, desc);
            const sort = { by, order: desc ? 'desc' : 'asc' } as const;
            assert.deepEqual(await pageAll(store, { where, sort, limit: 250 }), expected, `${name}: one page`);
            const limit = 1 + (checked++ % 6);
            assert.deepEqual(await pageAll(store, { where, sort, limit }), expected, `${name}: pages of ${limit}`);
          }
        }
      }
      assert.equal(checked, ranges.length * 2 * sorts.length);
    });

    it('refuses a cursor that is malformed or belongs to another query', async () => {
      await store.transaction(async (uow) => {
        for (let i = 1; i <= 5; i++) await uow.put(opportunityKind, opportunity(i));
      });
      const first = await store.transaction((uow) => uow.query(opportunityKind, { where: { accountId: ACCOUNT }, sort: { by: 'lastModifiedDate' }, limit: 2 }));
      assert.ok(first.next);
      await assert.rejects(store.transaction((uow) => uow.query(opportunityKind, { sort: { by: 'lastModifiedDate' }, after: 'not a cursor!', limit: 2 })), InvalidCursorError);
      // The same cursor against a sort on a text field: wrong shape.
      await assert.rejects(
        store.transaction((uow) => uow.query(opportunityKind, { where: { accountId: ACCOUNT }, sort: { by: 'customerCompanyName' }, after: first.next, limit: 2 })),
        InvalidCursorError,
      );
    });

    it('advances named sequences without gaps or repeats', async () => {
      const values: number[] = [];
      for (let i = 0; i < 3; i++) values.push(await store.transaction((uow) => uow.nextSequence('engagement')));
      values.push(await store.transaction(async (uow) => (await uow.nextSequence('engagement')) + (await uow.nextSequence('engagement')) * 0));
      assert.deepEqual(values, [1, 2, 3, 4]);
      assert.equal(await store.transaction((uow) => uow.nextSequence('opportunity')), 1);
    });

    it('stores idempotency records and purges them by age', async () => {
      const scope = (token: string) => ({ accountId: ACCOUNT, catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken: token });
      await store.transaction(async (uow) => {
        for (let i = 0; i < 25; i++) await uow.putIdempotency(scope(`t${i}`), { requestHash: `h${i}`, response: `{"Id":"${i}"}`, createdAtMs: i * 1000 });
      });
      assert.deepEqual(await store.transaction((uow) => uow.getIdempotency(scope('t3'))), { requestHash: 'h3', response: '{"Id":"3"}', createdAtMs: 3000 });
      assert.equal(await store.transaction((uow) => uow.getIdempotency(scope('nope'))), undefined);
      assert.equal(await store.purgeIdempotency(20_000, 4), 20);
      assert.equal(await store.transaction((uow) => uow.getIdempotency(scope('t19'))), undefined);
      assert.ok(await store.transaction((uow) => uow.getIdempotency(scope('t20'))));
    });

    it('keeps an ordered outbox: availability, filters, positions, purges', async () => {
      const events = Array.from({ length: 12 }, (_, i) => envelope(i, i % 3 === 0 ? OTHER : ACCOUNT, i % 2 ? 'Opportunity Updated' : 'Opportunity Created'));
      await store.transaction(async (uow) => {
        for (const [i, e] of events.entries()) await uow.appendEvent(e, i === 11 ? 5_000 : 0);
      });
      const all = await store.readEvents({ limit: 100, availableBy: 10_000 });
      assert.deepEqual(all.map((e) => e.envelope.id), events.map((e) => e.id));
      assert.ok(all.every((e, i) => i === 0 || e.position > all[i - 1]!.position));
      assert.equal((await store.readEvents({ limit: 100, availableBy: 1_000 })).length, 11, 'held back until available');
      const mine = await store.readEvents({ limit: 100, accountId: ACCOUNT, detailType: 'Opportunity Updated', availableBy: 10_000 });
      assert.deepEqual(mine.map((e) => e.envelope.id), events.filter((_, i) => i % 3 !== 0 && i % 2 === 1).map((e) => e.id));
      const position = await store.eventPosition(events[4]!.id);
      assert.equal(position, all[4]!.position);
      const rest = await store.readEvents({ after: position, limit: 3, availableBy: 10_000 });
      assert.deepEqual(rest.map((e) => e.envelope.id), events.slice(5, 8).map((e) => e.id));
      assert.equal(await store.purgeEvents({ recordedBefore: Date.parse(events[3]!.time), batchSize: 2 }), 3);
      assert.equal(await store.purgeEvents({ keepLast: 4, batchSize: 2 }), 5);
      assert.deepEqual((await store.readEvents({ limit: 100, availableBy: 10_000 })).map((e) => e.envelope.id), events.slice(8).map((e) => e.id));
    });

    it('keeps metadata, read through a cache that a write refreshes', async () => {
      await store.transaction((uow) => uow.setMeta('clock', '{"offsetMs":0}'));
      assert.equal(await store.readMeta('clock'), '{"offsetMs":0}');
      await store.transaction((uow) => uow.setMeta('clock', '{"offsetMs":5}'));
      assert.equal(await store.readMeta('clock'), '{"offsetMs":5}');
      assert.equal(await store.readMeta('absent'), undefined);
    });

    it('reads and writes sequences, metadata, idempotency records and the outbox in bulk, and deletes everything', async () => {
      const scope = (account: string, token: string) => ({ accountId: account, catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken: token });
      const events = Array.from({ length: 7 }, (_, i) => envelope(i));
      await store.transaction(async (uow) => {
        await uow.nextSequence('opportunity');
        await uow.setSequence('engagement', 41);
        await uow.setMeta('id_seed', 'bulk');
        for (let i = 0; i < 9; i++) await uow.putIdempotency(scope(i % 2 ? OTHER : ACCOUNT, `t${i}`), { requestHash: `h${i}`, response: `r${i}`, createdAtMs: i });
        await uow.put(opportunityKind, opportunity(1));
        for (const [i, e] of events.entries()) await uow.appendEvent(e, i === 6 ? 9_999 : 0);
      });
      assert.equal(await store.transaction((uow) => uow.nextSequence('engagement')), 42, 'the next value follows the one set');
      const sequences = await store.transaction((uow) => uow.listSequences(), { readOnly: true });
      assert.deepEqual(sequences, { engagement: 42, opportunity: 1 });
      assert.equal((await store.transaction((uow) => uow.listMeta(), { readOnly: true })).id_seed, 'bulk');

      // Pages of 4 in scope order, each starting after the last scope of the previous page.
      const tokens: string[] = [];
      let after: ReturnType<typeof scope> | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const page = await store.transaction((uow) => uow.pageIdempotency(after, 4), { readOnly: true });
        tokens.push(...page.map((r) => `${r.accountId}/${r.clientToken}/${r.requestHash}/${r.response}/${r.createdAtMs}`));
        if (page.length < 4) break;
        const last = page[page.length - 1]!;
        after = { accountId: last.accountId, catalog: last.catalog, operation: last.operation, clientToken: last.clientToken };
      }
      const expected = Array.from({ length: 9 }, (_, i) => `${i % 2 ? OTHER : ACCOUNT}/t${i}/h${i}/r${i}/${i}`).sort();
      assert.deepEqual(tokens, expected);

      const outbox = [...(await store.transaction((uow) => uow.pageEvents(0, 4), { readOnly: true }))];
      outbox.push(...(await store.transaction((uow) => uow.pageEvents(outbox[3]!.position, 4), { readOnly: true })));
      assert.deepEqual(outbox.map((e) => e.envelope), events, 'held-back events are exported too');
      assert.deepEqual(outbox.map((e) => e.availableAt), [0, 0, 0, 0, 0, 0, 9_999]);

      await store.transaction((uow) => uow.deleteEverything());
      await store.transaction(async (uow) => {
        assert.deepEqual(await uow.listSequences(), {});
        assert.deepEqual(await uow.listMeta(), {});
        assert.deepEqual(await uow.pageIdempotency(undefined, 10), []);
        assert.deepEqual(await uow.pageEvents(0, 10), []);
        assert.equal(await uow.count(opportunityKind), 0);
      }, { readOnly: true });
      assert.equal(await store.readMeta('id_seed'), undefined, 'the metadata cache forgets deleted entries');
    });

    it('claims due tasks with leases, renews them, and lets another owner take over an expired one', async () => {
      await store.transaction(async (uow) => {
        for (let i = 1; i <= 3; i++) await uow.put(taskKind, task(i));
        await uow.put(taskKind, task(4, { dueAtMs: 9_999 }));
        await uow.put(taskKind, task(5, { status: 'COMPLETE' }));
        await uow.put(taskKind, task(6, { dueAtMs: undefined, pollsRemaining: 2 }));
      });
      const now = 1_000_000;
      const a = await store.claimDueTasks({ dueBy: 2_000, owner: 'A', leaseMs: 10_000, limit: 10, now });
      assert.deepEqual(a.map((t) => t.id).sort(), ['task-0001', 'task-0002', 'task-0003']);
      assert.ok(a.every((t) => t.leaseOwner === 'A' && t.leaseExpiresAtMs === now + 10_000));
      assert.deepEqual(await store.claimDueTasks({ dueBy: 2_000, owner: 'B', leaseMs: 10_000, limit: 10, now: now + 1 }), [], 'leased');
      assert.equal(await store.renewTaskLease(['Sandbox', 'task-0001'], 'A', 10_000, now + 5_000), true);
      // A dies: its leases lapse and B takes the tasks over (task 1 was renewed, so it lapses later).
      const b = await store.claimDueTasks({ dueBy: 2_000, owner: 'B', leaseMs: 10_000, limit: 10, now: now + 10_001 });
      assert.deepEqual(b.map((t) => t.id).sort(), ['task-0002', 'task-0003']);
      assert.equal(await store.renewTaskLease(['Sandbox', 'task-0002'], 'A', 10_000, now + 10_002), false, 'lost lease');
      const stored = await store.transaction((uow) => uow.get(taskKind, ['Sandbox', 'task-0002']));
      assert.equal(stored?.leaseOwner, 'B');
      // Lists of a task family read the same records.
      const listed = await store.transaction((uow) =>
        uow.query(taskKind, { where: { accountId: ACCOUNT, catalog: 'Sandbox', type: 'engagement-by-accepting-invitation', status: 'IN_PROGRESS' }, sort: { by: 'startTime', order: 'desc' }, limit: 10 }),
      );
      assert.deepEqual(listed.items.map((t) => t.id), ['task-0006', 'task-0004', 'task-0003', 'task-0002', 'task-0001']);
      assert.deepEqual((await store.transaction((uow) => uow.query(taskKind, { where: { catalog: 'Sandbox', invitationId: 'engi-5' }, limit: 5 }))).items.map((t) => t.id), ['task-0005']);
    });

    it('hands a named lease to one owner at a time', async () => {
      assert.equal(await store.tryAcquireLease('expiry-sweep', 'A', 1_000, 10_000), true);
      assert.equal(await store.tryAcquireLease('expiry-sweep', 'B', 1_000, 10_500), false);
      assert.equal(await store.tryAcquireLease('expiry-sweep', 'A', 1_000, 10_900), true, 'renewed by its owner');
      assert.equal(await store.tryAcquireLease('expiry-sweep', 'B', 1_000, 11_500), false);
      assert.equal(await store.tryAcquireLease('expiry-sweep', 'B', 1_000, 11_900), true, 'taken over once lapsed');
      await store.releaseLease('expiry-sweep', 'B');
      assert.equal(await store.tryAcquireLease('expiry-sweep', 'A', 1_000, 11_901), true);
      await store.releaseLease('expiry-sweep', 'A');
    });

    it('has every declared column and index in its migrated schema', async () => {
      for (const kind of allKinds as readonly unknown[] as readonly ReturnType<typeof asAny>[]) {
        const table = tableOf(kind);
        // Declared indexes and grid indexes; SQLite names no expression column, so its expressions read `<expr>`.
        const expectedIndexes = allIndexColumns(kind).map((cols) => cols.join(','));
        const unnamed = (cols: string) => cols.split(',').map((c) => (c.startsWith('(') ? '<expr>' : c)).join(',');
        const expectedColumns = [...Object.keys(kind.fields).map(snake), 'doc', ...(kind.view ? ['view'] : [])].sort();
        if (store.engine === 'sqlite') {
          const db = (store as unknown as { db: Database.Database }).db;
          const columns = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name).sort();
          assert.deepEqual(columns, expectedColumns, table);
          const indexes = (db.pragma(`index_list(${table})`) as { name: string; origin: string }[])
            .filter((i) => i.origin === 'c')
            .map((i) => (db.pragma(`index_info(${i.name})`) as { name: string | null }[]).map((c) => c.name ?? '<expr>').join(','));
          assert.deepEqual(indexes.sort(), expectedIndexes.map(unnamed).sort(), table);
        } else {
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          try {
            const columns = await client.query('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [pgSchema, table]);
            assert.deepEqual(columns.rows.map((r: { column_name: string }) => r.column_name).sort(), expectedColumns, table);
            const indexes = await client.query(
              `SELECT array_to_string(array_agg(replace(pg_get_indexdef(i.indexrelid, k.n::int, true), '"', '') ORDER BY k.n), ',') AS cols FROM pg_index i
                 JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace
                 CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               WHERE ns.nspname = $1 AND c.relname = $2 AND NOT i.indisprimary GROUP BY i.indexrelid`,
              [pgSchema, table],
            );
            assert.deepEqual(indexes.rows.map((r: { cols: string }) => r.cols).sort(), [...expectedIndexes].sort(), table);
          } finally {
            await client.end();
          }
        }
      }
    });

    // Not in memory: an in-memory database has one connection, so there is no second store to open.
    if (engine.openAnother) describe('two stores on one database', () => {
      it('notifies the other store of changed record kinds, and refreshes its metadata cache', async () => {
        await other!.syncChanges(); // absorb the reset before this case
        const seen: string[] = [];
        const unsubscribe = other!.subscribe((kinds) => seen.push(...kinds));
        try {
          assert.equal(await other!.readMeta('config'), undefined);
          const before = other!.version('opportunity');
          await store.transaction(async (uow) => {
            await uow.put(opportunityKind, opportunity(1));
            await uow.setMeta('config', 'v1');
          });
          await other!.syncChanges();
          assert.ok(other!.version('opportunity') > before);
          await eventually(() => seen.includes('opportunity') && seen.includes('meta'), 'change notification');
          assert.ok(!seen.includes('task'), 'only the changed kinds');
          assert.equal(await other!.readMeta('config'), 'v1');
        } finally {
          unsubscribe();
        }
      });

      it('lets exactly one of two racing optimistic updates win', async () => {
        const original = opportunity(7);
        await store.transaction((uow) => uow.put(opportunityKind, original));
        // Both read before either writes where the engine allows it (PostgreSQL); SQLite serializes writers.
        let arrived = 0;
        let release!: () => void;
        const bothRead = new Promise<void>((resolve) => (release = resolve));
        const update = (s: UnitOfWorkStore, stamp: string) =>
          s.transaction(async (uow) => {
            const current = await uow.get(opportunityKind, ['Sandbox', original.id]);
            if (current?.lastModifiedAt !== original.lastModifiedAt) throw new Error('conflict: modified since read');
            if (s.engine === 'postgres') {
              if (++arrived === 2) release();
              await bothRead;
            }
            await uow.put(opportunityKind, { ...current, lastModifiedAt: stamp });
            return stamp;
          });
        const results = await Promise.allSettled([update(store, '2026-01-01T00:00:00.000Z'), update(other!, '2026-02-02T00:00:00.000Z')]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(won.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value))));
        assert.match(String(lost[0]!.reason), /conflict/);
        const final = await store.transaction((uow) => uow.get(opportunityKind, ['Sandbox', original.id]));
        assert.equal(final?.lastModifiedAt, (won[0] as PromiseFulfilledResult<string>).value);
      });

      it('answers one idempotent create once across stores', async () => {
        const scope = { accountId: ACCOUNT, catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken: 'same-token' };
        const create = (s: UnitOfWorkStore) =>
          s.transaction(async (uow) => {
            const seen = await uow.getIdempotency(scope);
            if (seen) return seen.response;
            const n = await uow.nextSequence('race-opportunity');
            await uow.put(opportunityKind, opportunity(n));
            const response = `{"Id":"${opportunity(n).id}"}`;
            await uow.putIdempotency(scope, { requestHash: 'h', response, createdAtMs: 1 });
            return response;
          });
        const answers = await Promise.all([create(store), create(other!), create(store), create(other!)]);
        assert.equal(new Set(answers).size, 1, answers.join(' '));
        assert.equal(await store.transaction((uow) => uow.count(opportunityKind)), 1);
      });

      it('splits concurrent task claims between stores, never handing one task to both', async () => {
        await store.transaction(async (uow) => {
          for (let i = 1; i <= 30; i++) await uow.put(taskKind, task(i));
        });
        const claims = await Promise.all(
          Array.from({ length: 6 }, (_, i) => (i % 2 ? other! : store).claimDueTasks({ dueBy: 2_000, owner: `owner-${i}`, leaseMs: 60_000, limit: 7 })),
        );
        const ids = claims.flat().map((t) => t.id);
        assert.equal(new Set(ids).size, ids.length, 'no task claimed twice');
        assert.equal(ids.length, 30);
      });
    });
  });
}

describe('schema versions', () => {
  it('refuses a SQLite file from a newer version and leaves it untouched', async () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (x)');
    db.pragma('user_version = 99');
    db.close();
    const bytes = readFileSync(path);
    await assert.rejects(openStore(path), SchemaVersionError);
    assert.deepEqual(readFileSync(path), bytes);
  });

  it('upgrades a file of the synchronous store in place', async () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    for (const m of sqliteMigrations.filter((m) => m.version <= 2)) old.exec(m.sql);
    old.pragma('user_version = 2');
    old.prepare("INSERT INTO meta (key, value) VALUES ('seed', 'kept')").run();
    old.close();
    const store = await openStore(path);
    try {
      assert.equal(await store.readMeta('seed'), 'kept');
    } finally {
      await store.close();
    }
  });

  it('refuses a PostgreSQL schema from a newer version and leaves it untouched', { skip: postgresSkip }, async () => {
    const schema = `${pgSchema}_newer`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`CREATE TABLE ${schema}.schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, description) VALUES (999, 'from the future')`);
      await assert.rejects(openStore(`${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}`), SchemaVersionError);
      const tables = await client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      assert.deepEqual(tables.rows.map((r: { table_name: string }) => r.table_name), ['schema_migrations']);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('migrates once when two PostgreSQL stores start together', { skip: postgresSkip }, async () => {
    const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${pgSchema}_together`;
    const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    try {
      await stores[0]!.transaction((uow) => uow.setMeta('k', 'v'));
      assert.equal(await stores[2]!.transaction((uow) => uow.getMeta('k')), 'v');
    } finally {
      await (stores[0] as PostgresUnitOfWorkStore).dropSchema();
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
