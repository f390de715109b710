// What an UpdateOpportunity costs the server in CPU, measured in-process (no HTTP, no load generator: safe to run
// on a shared machine). A measurement, not a test.
//
//   node dist/bench/update-cost.js [--updates 2000] [--pool 20000] [--rounds 3] [--concurrency 1]
//     [--order sequential|random] [--durability full|normal] [--db <file|postgres://…>] [--profile <file>]
//
// The server is started with `startServer` on a fresh SQLite file (or the PostgreSQL URL given, in a fresh
// schema) with the read cache off. One opportunity is created through the API (`bench/get-opportunity.ts`'s
// input) and copied `--pool` times straight into the store, so the table and its indexes have the size of the
// get20k/mixed benchmark. Then, per round:
//   - `--updates` UpdateOpportunity calls through `services.runOperation` (validation, handler, store, rendering;
//     no HTTP parsing, authentication or socket), each to the next opportunity of the pool (`--order`), with the
//     LastModifiedDate its previous update answered. Odd visits to an opportunity send the body the mixed
//     benchmark sends (only LastModifiedDate changes), even ones also change NextSteps (the document grows its
//     NextStepsHistory; no other listed field changes);
//   - the same number of GetOpportunity calls (read-cache misses) through the same path, as the cheap call.
// `--order`: the updates walk the pool in id order (as the mixed HTTP benchmark does: the updates of one group
// commit share index pages) or jump through it (each update's pages its own, as with unrelated clients).
// `--concurrency` callers run at once (1: each update is its own transaction and COMMIT; more: SQLite's group
// commit shares a COMMIT between them, as under load). CPU is `process.cpuUsage()` (user + system) of this
// process over the loop, divided by the calls; the client side is a function call. Reported per round and as
// the median and the best round: µs per update, µs per GET, and their difference (what an update costs beyond a
// read). Other processes only ever add to a round's CPU time (cache and core sharing), so on a busy machine the
// best round is the steadier figure. On SQLite that is all the work (the database runs in-process); on
// PostgreSQL it leaves out the database server's own.
// `--profile <file.cpuprofile>` records a CPU profile of the update loops alone (not the set-up or the GETs);
// open it in Chrome DevTools or any .cpuprofile viewer.
import { rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { Caller } from '../src/auth/authenticate.js';
import type { OperationName } from '../src/model/generated/operations.js';
import { startServer, type RunningServer } from '../src/server.js';
import { opportunityKind } from '../src/store/kinds.js';
import { ACCOUNT, DEFAULT_PG_URL, freshPgSchema, round, tempDir } from './common.js';
import { opportunityInput } from './get-opportunity.js';

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const UPDATES = Number(flag('updates', '2000'));
const POOL = Number(flag('pool', '20000'));
const ROUNDS = Number(flag('rounds', '3'));
const CONCURRENCY = Number(flag('concurrency', '1'));
const RANDOM_ORDER = flag('order', 'sequential') === 'random';
const DB = flag('db', '');
const PROFILE = flag('profile', '');
const DURABILITY = flag('durability', 'full') === 'normal' ? 'normal' : 'full';

const caller: Caller = { accountId: ACCOUNT, accountSource: 'default' };
let requestNumber = 0;

async function call(server: RunningServer, operation: OperationName, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const answer = await server.services.runOperation(operation, caller, input, `bench-${++requestNumber}`);
  return JSON.parse(answer.toString()) as Record<string, unknown>;
}

/** Runs `count` calls of `one(i)` with `CONCURRENCY` callers; returns CPU µs per call (user + system, and system). */
async function cpuPerCall(count: number, one: (i: number) => Promise<unknown>): Promise<{ total: number; system: number }> {
  let next = 0;
  const started = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await one(next++);
    }),
  );
  const used = process.cpuUsage(started);
  return { total: (used.user + used.system) / count, system: used.system / count };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const pg = DB.startsWith('postgres') ? await freshPgSchema(DB || DEFAULT_PG_URL) : undefined;
  const dir = pg ? undefined : tempDir('pcl-update-cost-');
  const dbPath = pg?.url ?? (DB || join(dir!, 'state.db'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dbPath, logLevel: 'error', readCacheBytes: 0, durability: DURABILITY });
  try {
    const created = await call(server, 'CreateOpportunity', opportunityInput('bench-update-cost'));
    const templateId = created.Id as string;
    const got = await call(server, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: templateId });

    // The pool: copies of the template under fresh ids, written straight into the store.
    const t0 = performance.now();
    const ids = await server.services.store.transaction(async (uow) => {
      const template = (await uow.get(opportunityKind, ['Sandbox', templateId]))!;
      const sequence = (await uow.listSequences()).opportunity ?? 0;
      const base = Number(templateId.slice(1)) - sequence;
      const out: string[] = [];
      for (let i = 1; i <= POOL; i++) {
        const id = `O${base + sequence + i}`;
        out.push(id);
        await uow.put(opportunityKind, { ...template, id });
      }
      await uow.setSequence('opportunity', sequence + POOL);
      return out;
    });
    console.log(`${server.services.store.engine}: ${POOL} opportunities copied in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${UPDATES} updates and ${UPDATES} GETs per round, concurrency ${CONCURRENCY}, ${RANDOM_ORDER ? 'random' : 'sequential'} order, durability ${DURABILITY}`);

    // The body the mixed benchmark sends: the GET's answer without what UpdateOpportunity does not take.
    const { Arn: _a, Id: _i, CreatedDate: _cd, LastModifiedDate: _l, OpportunityTeam: _t, RelatedEntityIdentifiers: _r, ...template } = got;
    const { ReviewStatus: _rs, NextStepsHistory: _n, ...lifeCycle } = template.LifeCycle as Record<string, unknown>;
    const lastModified = new Map<string, unknown>(ids.map((id) => [id, got.LastModifiedDate]));
    const visits = new Map<string, number>();

    const update = async (i: number) => {
      // 7919 is prime: unless the pool is a multiple of it, each opportunity comes once per pass over the pool.
      const id = ids[(RANDOM_ORDER ? i * 7919 : i) % ids.length]!;
      const visit = (visits.get(id) ?? 0) + 1;
      visits.set(id, visit);
      const nextSteps = visit % 2 === 0 ? `Follow-up ${visit}` : lifeCycle.NextSteps;
      const answer = await call(server, 'UpdateOpportunity', {
        ...template,
        LifeCycle: { ...lifeCycle, NextSteps: nextSteps },
        Identifier: id,
        LastModifiedDate: lastModified.get(id),
      });
      if (typeof answer.LastModifiedDate !== 'string') throw new Error(`UpdateOpportunity answered ${JSON.stringify(answer)}`);
      lastModified.set(id, answer.LastModifiedDate);
    };
    const get = async (i: number) => {
      const answer = await call(server, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: ids[(i * 7919) % ids.length] });
      if (answer.Id === undefined) throw new Error(`GetOpportunity answered ${JSON.stringify(answer)}`);
    };

    // Warm-up: statement caches, JIT, the validator's patterns.
    await cpuPerCall(Math.min(200, UPDATES), update);
    await cpuPerCall(Math.min(200, UPDATES), get);

    const session = PROFILE ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
    }
    const updates: number[] = [];
    const gets: number[] = [];
    let offset = Math.min(200, UPDATES);
    for (let r = 0; r < ROUNDS; r++) {
      const from = offset;
      await session?.post('Profiler.start');
      const u = await cpuPerCall(UPDATES, (i) => update(from + i));
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(ROUNDS > 1 ? PROFILE.replace(/(\.cpuprofile)?$/, `-${r + 1}.cpuprofile`) : PROFILE, JSON.stringify(profile));
      }
      offset += UPDATES;
      const g = await cpuPerCall(UPDATES, get);
      updates.push(u.total);
      gets.push(g.total);
      console.log(
        `round ${r + 1}: UpdateOpportunity ${round(u.total, 1)} µs CPU (system ${round(u.system, 1)}), GetOpportunity ${round(g.total, 1)} µs (system ${round(g.system, 1)}), difference ${round(u.total - g.total, 1)} µs`,
      );
    }
    session?.disconnect();
    for (const [name, pick] of [['median', median], ['best', (xs: number[]) => Math.min(...xs)]] as const) {
      console.log(`${name}: UpdateOpportunity ${round(pick(updates), 1)} µs CPU per call, GetOpportunity ${round(pick(gets), 1)} µs, difference ${round(pick(updates) - pick(gets), 1)} µs`);
    }
  } finally {
    await server.close();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
