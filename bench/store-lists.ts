// A measurement, not a test: N opportunity-shaped records in one account on the unit-of-work store, then the
// time of a first page, deep pages (keyset) and every filter and sort ListOpportunities has.
//   node dist/bench/store-lists.js [N=1000000] [location=<tmp file>]   (location may be a postgres:// URL)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { opportunityKind } from '../src/store/kinds.js';
import { openStore } from '../src/store/open.js';
import type { Query, UnitOfWorkStore } from '../src/store/unit-of-work.js';
import { fillListStore, LIST_ACCOUNT, T0, YEAR } from './opportunity-records.js';

const N = Number(process.argv[2] ?? 1_000_000);
const tmp = process.argv[3] ? undefined : mkdtempSync(join(tmpdir(), 'pcl-lists-'));
const location = process.argv[3] ?? join(tmp!, 'lists.db');
const ACCOUNT = LIST_ACCOUNT;

async function fill(store: UnitOfWorkStore): Promise<void> {
  const seconds = await fillListStore(store, N);
  if (seconds > 0) console.log(`filled to ${N} in ${seconds.toFixed(1)} s`);
}

type Q = Omit<Query<typeof opportunityKind.fields>, 'limit'>;
const base = { accountId: ACCOUNT, catalog: 'Sandbox', visible: true } as const;

async function time(store: UnitOfWorkStore, name: string, query: Q): Promise<void> {
  const run = () => store.transaction((uow) => uow.query(opportunityKind, { ...query, limit: 20 }), { readOnly: true });
  await run(); // warm the statement cache
  const samples: number[] = [];
  const cpu: number[] = [];
  let count = 0;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    count = (await run()).items.length;
    const used = process.cpuUsage(c);
    samples.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  // CPU time of this process: on SQLite (in process) the query's own work, whatever else the machine runs.
  console.log(`${name.padEnd(58)} median ${samples[3]!.toFixed(2).padStart(8)} ms  max ${samples[6]!.toFixed(2).padStart(8)} ms  cpu ${cpu[3]!.toFixed(2).padStart(7)} ms  (${count} items)`);
}

/** A cursor `depth` records into a query (walked once with large pages, not timed). */
async function cursorAt(store: UnitOfWorkStore, query: Q, depth: number): Promise<string | undefined> {
  let after: string | undefined;
  for (let seen = 0; seen < depth; ) {
    const limit = Math.min(5000, depth - seen);
    const page = await store.transaction((uow) => uow.query(opportunityKind, { ...query, after, limit }), { readOnly: true });
    seen += page.items.length;
    after = page.next;
    if (!after) break;
  }
  return after;
}

// Filled, then reopened as a restarted server would be (SQLite gathers planner statistics at open).
const filling = await openStore(location);
await fill(filling).finally(() => filling.close());
const store = await openStore(location);
try {
  console.log(`${store.engine} at ${N} opportunities in one account (${store.location})`);
  const rssBefore = process.memoryUsage().rss;
  const sorts = ['lastModifiedDate', 'idOrder', 'customerCompanyName', 'createdDate', 'targetCloseDate'] as const;
  for (const by of sorts) {
    for (const order of ['desc', 'asc'] as const) {
      const q: Q = { where: base, sort: { by, order } };
      await time(store, `sort ${by} ${order}: first page`, q);
    }
  }
  const defaultSort = { by: 'lastModifiedDate', order: 'desc' } as const;
  const page100 = await cursorAt(store, { where: base, sort: defaultSort }, 100 * 20);
  await time(store, 'default sort: page 100', { where: base, sort: defaultSort, after: page100 });
  const middle = await cursorAt(store, { where: base, sort: defaultSort }, Math.floor(N / 2));
  await time(store, `default sort: page at record ${Math.floor(N / 2)}`, { where: base, sort: defaultSort, after: middle });
  const middleByName = await cursorAt(store, { where: base, sort: { by: 'customerCompanyName', order: 'asc' } }, Math.floor(N / 2));
  await time(store, `sort customerCompanyName: page at record ${Math.floor(N / 2)}`, { where: base, sort: { by: 'customerCompanyName', order: 'asc' }, after: middleByName });

  const filters: [string, Q['where']][] = [
    ['stage = Committed', { ...base, stage: 'Committed' }],
    ['stage = Closed Lost (rare)', { ...base, stage: 'Closed Lost' }],
    ['stage in [Prospect, Launched]', { ...base, stage: ['Prospect', 'Launched'] }],
    ['reviewStatus = Approved', { ...base, reviewStatus: 'Approved' }],
    ['reviewStatus in [Submitted, Rejected]', { ...base, reviewStatus: ['Submitted', 'Rejected'] }],
    ['customerCompanyName = one', { ...base, customerCompanyName: 'Company 4242' }],
    ['customerCompanyName in three', { ...base, customerCompanyName: ['Company 1', 'Company 2', 'Company 3'] }],
    ['identifier in 20 ids', { ...base, id: Array.from({ length: 20 }, (_, i) => `O${5_000_000 + i * 997}`) }],
    ['lastModifiedDate: one day', { ...base, lastModifiedDate: { gte: T0 + YEAR, lt: T0 + YEAR + 86_400_000 } }],
    ['lastModifiedDate: a year', { ...base, lastModifiedDate: { gte: T0, lt: T0 + YEAR } }],
    ['createdDate: one day', { ...base, createdDate: { gte: T0 + YEAR, lt: T0 + YEAR + 86_400_000 } }],
    ['createdDate: a year', { ...base, createdDate: { gte: T0, lt: T0 + YEAR } }],
    ['targetCloseDate: one day', { ...base, targetCloseDate: { gte: '2024-06-01', lt: '2024-06-02' } }],
    ['targetCloseDate: a year', { ...base, targetCloseDate: { gte: '2024-01-01', lt: '2025-01-01' } }],
  ];
  for (const [name, where] of filters) await time(store, `filter ${name}`, { where, sort: defaultSort });
  // A filter sorted by its own field reads its index in order.
  await time(store, 'createdDate: a year, sorted by createdDate', { where: filters[11]![1], sort: { by: 'createdDate', order: 'desc' } });
  await time(store, 'targetCloseDate: a year, sorted by targetCloseDate', { where: filters[13]![1], sort: { by: 'targetCloseDate', order: 'asc' } });
  await time(store, 'stage = Committed, sorted by customerCompanyName', { where: filters[0]![1], sort: { by: 'customerCompanyName', order: 'asc' } });
  // A range sorted by another field: through a grid where the two are related (kinds.ts), else the walk or sort.
  const createdYear = filters[11]![1];
  const combos: [string, Q][] = [
    ['createdDate: a year, page 100', { where: createdYear, sort: defaultSort, after: await cursorAt(store, { where: createdYear, sort: defaultSort }, 100 * 20) }],
    ['createdDate: a year, sorted by lastModifiedDate asc', { where: createdYear, sort: { by: 'lastModifiedDate', order: 'asc' } }],
    ['createdDate: a year, sorted by idOrder desc', { where: createdYear, sort: { by: 'idOrder', order: 'desc' } }],
    ['createdDate: a year, stage = Committed', { where: { ...createdYear, stage: 'Committed' }, sort: defaultSort }],
    ['createdDate: a year, stage = Closed Lost (rare)', { where: { ...createdYear, stage: 'Closed Lost' }, sort: defaultSort }],
    ['createdDate: a year, sorted by customerCompanyName', { where: createdYear, sort: { by: 'customerCompanyName', order: 'asc' } }],
    ['createdDate: two days, sorted by customerCompanyName', { where: { ...base, createdDate: { gte: T0 + YEAR, lt: T0 + YEAR + 2 * 86_400_000 } }, sort: { by: 'customerCompanyName', order: 'asc' } }],
    ['lastModifiedDate: a year, sorted by createdDate desc', { where: filters[9]![1], sort: { by: 'createdDate', order: 'desc' } }],
    ['lastModifiedDate: a year, sorted by idOrder asc', { where: filters[9]![1], sort: { by: 'idOrder', order: 'asc' } }],
    ['targetCloseDate: a year, sorted by createdDate desc', { where: filters[13]![1], sort: { by: 'createdDate', order: 'desc' } }],
  ];
  for (const [name, q] of combos) await time(store, name, q);
  console.log(`rss growth during the queries: ${((process.memoryUsage().rss - rssBefore) / 2 ** 20).toFixed(1)} MiB`);
} finally {
  await store.close();
  if (tmp && !process.env.KEEP) rmSync(tmp, { recursive: true, force: true });
}
