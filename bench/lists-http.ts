// ListOpportunities over HTTP at growing numbers of opportunities in one account: the first page, a page 100
// deep (keyset NextToken), each filter and each sort, timed one call at a time through a server process,
// against the same client's round trip to the bare node:http baseline. The cost should not grow with N.
//
// The databases are filled straight through the store (bench/opportunity-records.ts) and kept between runs
// in --lists-dir: filling 1M opportunities takes minutes, reusing the file a few seconds.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fillListDatabase, T0, YEAR } from './opportunity-records.js';
import { callOperation, controlPost, distribution, httpCall, round, spawnServer, type Distribution } from './common.js';

export interface ListsHttpOptions {
  sizes: number[];
  /** Timed calls per query (each a distinct request, see `withFaultRule`). */
  samples: number;
  /** Where the filled databases are kept (opportunities-<N>.db). */
  dir: string;
  log: (line: string) => void;
}

export interface ListsHttpSize {
  opportunities: number;
  /** Seconds spent filling this run (0 when the kept file was reused). */
  fillSeconds: number;
  startupMs: number;
  queries: { name: string; items: number; ms: Distribution }[];
}

export interface ListsHttpResult {
  samples: number;
  baselineMs: Distribution;
  sizes: ListsHttpSize[];
}

const seconds = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

/** The queries timed at every size: [name, ListOpportunities input without Catalog]. */
const QUERIES: [string, Record<string, unknown>][] = [
  ['first page (default sort)', {}],
  ['filter LifeCycleStage = Committed', { LifeCycleStage: ['Committed'] }],
  ['filter LifeCycleStage = Closed Lost (rare)', { LifeCycleStage: ['Closed Lost'] }],
  ['filter LifeCycleReviewStatus = Approved', { LifeCycleReviewStatus: ['Approved'] }],
  ['filter CustomerCompanyName = one company', { CustomerCompanyName: ['Company 4242'] }],
  ['filter LastModifiedDate: one day', { LastModifiedDate: { AfterLastModifiedDate: seconds(T0 + YEAR), BeforeLastModifiedDate: seconds(T0 + YEAR + DAY) } }],
  ['filter CreatedDate: a year', { CreatedDate: { AfterCreatedDate: seconds(T0), BeforeCreatedDate: seconds(T0 + YEAR) } }],
  ['filter TargetCloseDate: one month', { TargetCloseDate: { AfterTargetCloseDate: '2024-06-01', BeforeTargetCloseDate: '2024-07-01' } }],
  ...(['LastModifiedDate', 'Identifier', 'CustomerCompanyName', 'CreatedDate', 'TargetCloseDate'] as const).flatMap((by) =>
    (['ASCENDING', 'DESCENDING'] as const).map((order): [string, Record<string, unknown>] => [`sort ${by} ${order.toLowerCase()}`, { Sort: { SortBy: by, SortOrder: order } }]),
  ),
];

async function list(endpoint: string, input: Record<string, unknown>): Promise<{ items: number; next?: string; ms: number }> {
  const t0 = performance.now();
  const answer = await callOperation(endpoint, 'ListOpportunities', { Catalog: 'Sandbox', ...input });
  const ms = performance.now() - t0;
  if (answer.status !== 200) throw new Error(`ListOpportunities answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  const body = JSON.parse(answer.body) as { OpportunitySummaries: unknown[]; NextToken?: string };
  return { items: body.OpportunitySummaries.length, next: body.NextToken, ms };
}

/** `samples` timed calls of one query after one unmeasured call (only 2 when that call took over a second). */
async function timeQuery(endpoint: string, input: Record<string, unknown>, samples: number): Promise<{ items: number; ms: Distribution }> {
  const first = await list(endpoint, input);
  let items = first.items;
  const times: number[] = [];
  const count = first.ms > 1000 ? Math.min(2, samples) : samples;
  for (let i = 0; i < count; i++) {
    const r = await list(endpoint, input);
    items = r.items;
    times.push(r.ms);
  }
  return { items, ms: distribution(times) };
}

export async function benchListsHttp(options: ListsHttpOptions): Promise<ListsHttpResult> {
  mkdirSync(options.dir, { recursive: true });
  const baseline = await spawnServer('baseline');
  const baselineTimes: number[] = [];
  try {
    for (let i = 0; i < options.samples * 5; i++) {
      const t0 = performance.now();
      await httpCall(baseline.endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"Catalog":"Sandbox"}' });
      baselineTimes.push(performance.now() - t0);
    }
  } finally {
    await baseline.stop();
  }
  const sizes: ListsHttpSize[] = [];
  for (const n of options.sizes) {
    const file = join(options.dir, `opportunities-${n}.db`);
    options.log(`  ${n} opportunities: ${existsSync(file) ? 'reusing' : 'filling'} ${file}`);
    const fillSeconds = await fillListDatabase(file, n);
    if (fillSeconds > 0) options.log(`    filled in ${fillSeconds.toFixed(1)} s`);
    // The server never writes opportunities here, so the kept file stays as filled.
    const server = await spawnServer('emulator', { db: file, timeoutMs: 120_000 });
    try {
      // A fault rule that matches nothing turns the read cache off, so every call is answered by the database.
      await controlPost(server.endpoint, 'faults', { operation: 'GetEngagement', account: '999999999999', error: { code: 'ThrottlingException' } });
      const queries: ListsHttpSize['queries'] = [];
      for (const [name, input] of QUERIES) queries.push({ name, ...(await timeQuery(server.endpoint, input, options.samples)) });
      // A page 100 deep: walk 99 NextTokens (not timed), then time the 100th page.
      let token: string | undefined;
      for (let page = 1; page < 100; page++) {
        token = (await list(server.endpoint, token ? { NextToken: token } : {})).next;
        if (!token) break;
      }
      if (token) queries.splice(1, 0, { name: 'page 100 (NextToken, default sort)', ...(await timeQuery(server.endpoint, { NextToken: token }, options.samples)) });
      sizes.push({ opportunities: n, fillSeconds: round(fillSeconds, 1), startupMs: round(server.startupMs, 1), queries });
      const worst = queries.reduce((a, q) => (q.ms.p50 > a.ms.p50 ? q : a));
      options.log(`    slowest median: ${worst.name} ${worst.ms.p50.toFixed(2)} ms`);
    } finally {
      await server.stop();
    }
  }
  return { samples: options.samples, baselineMs: distribution(baselineTimes), sizes };
}
