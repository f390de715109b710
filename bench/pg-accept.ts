// The accept task (StartEngagementByAcceptingInvitationTask, immediate progression) on PostgreSQL with one
// and with two server processes on one database: sequential latency on one process, and throughput of a
// concurrent burst split over the processes. The baseline is the same client against bare node:http.
import {
  awsJsonHeaders,
  controlPost,
  distribution,
  freshPgSchema,
  httpCall,
  loadAll,
  round,
  spawnEmulators,
  spawnServer,
  type AutocannonOptions,
  type ChildServer,
  type Distribution,
  type LoadResult,
} from './common.js';

const ACCEPT = 'StartEngagementByAcceptingInvitationTask';

export interface PgAcceptOptions {
  pgUrl: string;
  sequential: number;
  concurrentCount: number;
  connections: number;
  log: (line: string) => void;
}

export interface PgAcceptResult {
  sequential: { emulatorMs: Distribution; baselineMs: Distribution; medianRatio: number };
  /** Concurrent bursts: the baseline, then the emulator with 1 and 2 processes. */
  concurrent: { processes: number | 'baseline'; count: number; connections: number; result: LoadResult; completed: number; failed: number; throughputRatio: number }[];
}

const body = (invitationId: string, token: string) => JSON.stringify({ Catalog: 'Sandbox', Identifier: invitationId, ClientToken: token });

async function invitations(server: ChildServer, n: number): Promise<string[]> {
  const ids: string[] = [];
  // Eight at a time: preparing is not what is measured.
  for (let i = 0; i < n; i += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, n - i) }, () => controlPost(server.endpoint, 'invitations', { receiverAccountId: '111111111111', catalog: 'Sandbox' })),
    );
    ids.push(...batch.map((c) => c.invitationId as string));
  }
  return ids;
}

function burst(servers: ChildServer[], pool: string[], count: number, connections: number, tag: string, done: { completed: number; failed: number }): AutocannonOptions[] {
  let next = 0;
  const per = Math.floor(connections / servers.length);
  const share = Math.floor(count / servers.length);
  return servers.map((s, k) => ({
    url: s.endpoint,
    method: 'POST',
    connections: k === 0 ? connections - per * (servers.length - 1) : per,
    amount: k === 0 ? count - share * (servers.length - 1) : share,
    headers: awsJsonHeaders(ACCEPT),
    requests: [
      {
        setupRequest(req) {
          const i = next++;
          return { ...req, body: body(pool[i % pool.length]!, `${tag}-${i}`) };
        },
        onResponse(status, text) {
          if (status === 200 && text.includes('"TaskStatus":"COMPLETE"')) done.completed++;
          else if (status === 200 && text.includes('"TaskStatus":"FAILED"')) done.failed++;
        },
      },
    ],
  }));
}

export async function benchPgAccept(options: PgAcceptOptions): Promise<PgAcceptResult> {
  const schema = await freshPgSchema(options.pgUrl);
  const baseline = await spawnServer('baseline');
  const servers: ChildServer[] = [];
  try {
    servers.push(...(await spawnEmulators(2, schema.url)));
    // autocannon may start one request per connection beyond `amount`: spares keep every invitation fresh.
    const spare = options.connections * 2;
    const total = options.sequential + 10 + 2 * (options.concurrentCount + spare);
    options.log(`  preparing ${total} invitations (PostgreSQL schema ${schema.schema})`);
    const pool = await invitations(servers[0]!, total);
    let used = 0;
    const take = (n: number) => pool.slice(used, (used += n));

    options.log(`  sequential: 10 warm-up + ${options.sequential} accepts on one process`);
    const sequentialIds = take(options.sequential + 10);
    const times: number[] = [];
    const baseTimes: number[] = [];
    for (const [i, id] of sequentialIds.entries()) {
      const t0 = performance.now();
      const answer = await httpCall(servers[0]!.endpoint, { headers: awsJsonHeaders(ACCEPT), body: body(id, `pg-seq-${i}`) });
      const ms = performance.now() - t0;
      if (answer.status !== 200 || !answer.body.includes('"TaskStatus":"COMPLETE"')) throw new Error(`accept answered ${answer.status}: ${answer.body}`);
      if (i >= 10) times.push(ms);
    }
    for (const [i, id] of sequentialIds.entries()) {
      const t0 = performance.now();
      await httpCall(baseline.endpoint, { headers: awsJsonHeaders(ACCEPT), body: body(id, `pg-seq-${i}`) });
      if (i >= 10) baseTimes.push(performance.now() - t0);
    }
    const emulatorMs = distribution(times);
    const baselineMs = distribution(baseTimes);

    const concurrent: PgAcceptResult['concurrent'] = [];
    const base = { completed: 0, failed: 0 };
    const baseResult = await loadAll(burst([baseline], pool, options.concurrentCount, options.connections, 'pg-base', base), [baseline.child.pid!]);
    concurrent.push({ processes: 'baseline', count: baseResult.totalRequests, connections: options.connections, result: baseResult, completed: 0, failed: 0, throughputRatio: 1 });
    for (const processes of [1, 2]) {
      options.log(`  concurrent: ${options.concurrentCount} accepts over ${options.connections} connections, ${processes} process(es)`);
      const targets = servers.slice(0, processes);
      const done = { completed: 0, failed: 0 };
      const result = await loadAll(burst(targets, take(options.concurrentCount + spare), options.concurrentCount, options.connections, `pg-c${processes}`, done), targets.map((s) => s.child.pid!));
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`concurrent accepts: ${result.non2xx} non-2xx, ${result.errors} errors`);
      concurrent.push({ processes, count: result.totalRequests, connections: options.connections, result, completed: done.completed, failed: done.failed, throughputRatio: round(result.requestsPerSecond / baseResult.requestsPerSecond, 3) });
    }
    return { sequential: { emulatorMs, baselineMs, medianRatio: round(emulatorMs.p50 / baselineMs.p50, 2) }, concurrent };
  } finally {
    await Promise.all([baseline.stop(), ...servers.map((s) => s.stop())]);
    await schema.drop();
  }
}
