// GetOpportunity over many different opportunities with the read cache off (`--read-cache off`: the 20,000
// answers would otherwise fit in it, and every GET after the first round would be a cache hit), alone and with a share of UpdateOpportunity mixed in, on one or more server processes sharing
// one database (SQLite file or PostgreSQL). The bare node:http baseline is measured in the same run.
//
// The opportunities are copies of one created through the API, written straight into the store (20,000 take
// well under a second that way). Updates go to a separate pool of opportunities the GETs never read, and each
// carries the LastModifiedDate its opportunity's previous update answered, so none is refused as stale.
import { copyOpportunity } from './opportunity-records.js';
import { opportunityInput } from './get-opportunity.js';
import {
  awsJsonHeaders,
  callOperation,
  loadAll,
  round,
  spawnEmulators,
  spawnServer,
  tempDir,
  type AutocannonOptions,
  type AutocannonRequest,
  type ChildServer,
  type LoadResult,
  type SpawnOptions,
} from './common.js';

export interface ManyIdsOptions {
  /** Opportunities the GETs cycle through. */
  ids: number;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** Database of the emulators: a SQLite file (default: a fresh temp file) or a postgres:// URL. */
  db?: string;
  /** Variants to measure, each on `processes` emulators: the share of UpdateOpportunity calls (0 = GETs only). */
  variants: { processes: number; updateShare: number }[];
  profileDir?: string;
  log: (line: string) => void;
}

export interface ManyIdsVariant {
  processes: number;
  updateShare: number;
  result: LoadResult;
  updates: number;
  /** emulator req/s ÷ baseline req/s (the mean of the runs before and after; all request kinds counted). */
  throughputRatio: number;
}

export interface ManyIdsResult {
  engine: 'sqlite' | 'postgres';
  ids: number;
  connections: number;
  durationSeconds: number;
  /** Bare node:http before the emulator runs, and again after them. */
  baseline: LoadResult;
  baselineAfter: LoadResult;
  /** The mean of the two: what the ratios divide by, so that a machine that speeds up or slows down during the
   *  run (a shared VM's does, by a third either way) moves the baseline with the emulator runs between. */
  baselineRequestsPerSecond: number;
  variants: ManyIdsVariant[];
}

/** Updates per run cycle through this many opportunities: an id comes back only every ~pool/share requests. */
const UPDATE_POOL = 2000;

interface Run {
  options: AutocannonOptions[];
  updates: () => number;
}

/** One run's autocannon instances: `connections` split over the servers, requests cycling through the ids. */
function plan(servers: ChildServer[], connections: number, duration: number, ids: string[], updatePool: string[], updateShare: number, lastModified: Map<string, unknown>, template: Record<string, unknown>): Run {
  const getHeaders = awsJsonHeaders('GetOpportunity');
  const updateHeaders = awsJsonHeaders('UpdateOpportunity');
  const every = updateShare > 0 ? Math.round(1 / updateShare) : 0;
  let next = 0;
  let nextUpdate = 0;
  let updates = 0;
  const request: AutocannonRequest = {
    setupRequest(req, context) {
      const i = next++;
      if (every > 0 && i % every === every - 1) {
        const id = updatePool[nextUpdate++ % updatePool.length]!;
        context.updating = id;
        updates++;
        const body = JSON.stringify({ ...template, Catalog: 'Sandbox', Identifier: id, LastModifiedDate: lastModified.get(id) });
        return { ...req, headers: updateHeaders, body };
      }
      context.updating = undefined;
      return { ...req, headers: getHeaders, body: `{"Catalog":"Sandbox","Identifier":"${ids[i % ids.length]}"}` };
    },
    onResponse(status, body, context) {
      const id = context.updating as string | undefined;
      if (id !== undefined && status === 200) lastModified.set(id, (JSON.parse(body) as { LastModifiedDate: unknown }).LastModifiedDate);
    },
  };
  const per = Math.max(1, Math.floor(connections / servers.length));
  return {
    options: servers.map((s, k) => ({
      url: s.endpoint,
      method: 'POST',
      connections: k === 0 ? connections - per * (servers.length - 1) : per,
      pipelining: 1,
      duration,
      // onResponse is only needed (and the body only read) when updates are mixed in.
      requests: [every > 0 ? request : { setupRequest: request.setupRequest }],
    })),
    updates: () => updates,
  };
}

export async function benchManyIds(options: ManyIdsOptions): Promise<ManyIdsResult> {
  const profile = (name: string): SpawnOptions =>
    options.profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] } : {};
  const db = options.db ?? `${tempDir()}/state.db`;
  const maxProcesses = Math.max(...options.variants.map((v) => v.processes));
  const baseline = await spawnServer('baseline');
  const servers: ChildServer[] = [];
  try {
    servers.push(...(await spawnEmulators(maxProcesses, db, { ...profile('many-ids-emulator'), extraArgs: ['--read-cache', 'off'] })));
    const created = await callOperation(servers[0]!.endpoint, 'CreateOpportunity', opportunityInput('bench-many-ids'));
    if (created.status !== 200) throw new Error(`CreateOpportunity answered ${created.status}: ${created.body}`);
    const templateId = (JSON.parse(created.body) as { Id: string }).Id;
    const got = await callOperation(servers[0]!.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: templateId });
    const gotBody = JSON.parse(got.body) as Record<string, unknown>;
    const runs = options.variants.filter((v) => v.updateShare > 0).length * 2;
    const t0 = performance.now();
    const all = await copyOpportunity(db, templateId, options.ids + UPDATE_POOL * runs);
    options.log(`  ${all.length} opportunities written through the store in ${((performance.now() - t0) / 1000).toFixed(1)} s (${servers[0]!.endpoint}, ${db.startsWith('postgres') ? 'postgres' : 'sqlite'})`);
    const ids = all.slice(0, options.ids);
    const lastModified = new Map<string, unknown>(all.slice(options.ids).map((id) => [id, gotBody.LastModifiedDate]));
    const { Arn: _a, Id: _i, Catalog: _c, CreatedDate: _cd, LastModifiedDate: _l, OpportunityTeam: _t, RelatedEntityIdentifiers: _r, ...template } = gotBody;
    if (template.LifeCycle && typeof template.LifeCycle === 'object') {
      const { ReviewStatus: _rs, NextStepsHistory: _n, ...lifeCycle } = template.LifeCycle as Record<string, unknown>;
      template.LifeCycle = lifeCycle;
    }
    let poolRun = 0;
    const nextPool = () => all.slice(options.ids + UPDATE_POOL * poolRun, options.ids + UPDATE_POOL * ++poolRun);

    const measure = async (targets: ChildServer[], updateShare: number, pids: number[]): Promise<{ result: LoadResult; updates: number }> => {
      if (options.warmupSeconds > 0) {
        const warm = plan(targets, options.connections, options.warmupSeconds, ids, updateShare > 0 ? nextPool() : [], updateShare, lastModified, template);
        await loadAll(warm.options);
      }
      const run = plan(targets, options.connections, options.durationSeconds, ids, updateShare > 0 ? nextPool() : [], updateShare, lastModified, template);
      const result = await loadAll(run.options, pids);
      // GETs must all succeed; refused updates (e.g. 500 after exhausted serialization retries on PostgreSQL) are
      // counted and reported, not fatal: req/s counts 2xx answers only.
      if (result.errors > 0 || (updateShare === 0 && result.non2xx > 0)) throw new Error(`${targets[0]!.kind}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
      return { result, updates: run.updates() };
    };

    options.log(`  baseline: ${options.connections} connections, ${options.warmupSeconds}s warm-up + ${options.durationSeconds}s`);
    const baselineResult = (await measure([baseline], 0, [baseline.child.pid!])).result;
    const measured: Omit<ManyIdsVariant, 'throughputRatio'>[] = [];
    for (const v of options.variants) {
      const targets = servers.slice(0, v.processes);
      options.log(`  emulator ×${v.processes}: GetOpportunity over ${ids.length} ids${v.updateShare > 0 ? ` with ${v.updateShare * 100}% UpdateOpportunity` : ''}`);
      const { result, updates } = await measure(targets, v.updateShare, targets.map((s) => s.child.pid!));
      measured.push({ ...v, result, updates });
    }
    options.log('  baseline again');
    const baselineAfter = (await measure([baseline], 0, [baseline.child.pid!])).result;
    const baselineRequestsPerSecond = (baselineResult.requestsPerSecond + baselineAfter.requestsPerSecond) / 2;
    return {
      engine: db.startsWith('postgres') ? 'postgres' : 'sqlite',
      ids: ids.length,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      baseline: baselineResult,
      baselineAfter,
      baselineRequestsPerSecond,
      variants: measured.map((v) => ({ ...v, throughputRatio: round(v.result.requestsPerSecond / baselineRequestsPerSecond, 3) })),
    };
  } finally {
    await Promise.all([baseline.stop(), ...servers.map((s) => s.stop())]);
  }
}
