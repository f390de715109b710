// The benchmark entry point (`npm run bench` builds, then runs `node dist/bench/run.js`). Never part of
// `npm test`. Each part measures the emulator against a bare node:http server in the same run and reports
// ratios; the figures and the verdicts on the targets are printed as markdown and written to
// bench/results.json.
//
//   npm run bench -- [--only get,accept,startup,get20k,mixed,lists,pg,kill] [--quick] … (see USAGE)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { benchAcceptTask, type AcceptTaskResult } from './accept-task.js';
import { DEFAULT_PG_URL, freshPgSchema, pgReachable, repoRoot, round, type Distribution } from './common.js';
import { benchManyIds, type ManyIdsResult } from './get-many.js';
import { benchGetOpportunity, type GetOpportunityResult } from './get-opportunity.js';
import { benchKill, type KillResult } from './kill.js';
import { benchListsHttp, type ListsHttpResult } from './lists-http.js';
import { benchPgAccept, type PgAcceptResult } from './pg-accept.js';
import { benchStartup, type StartupResult } from './startup.js';

const PARTS = ['get', 'accept', 'startup', 'get20k', 'mixed', 'lists', 'pg', 'kill'] as const;
type Part = (typeof PARTS)[number];

interface Flags {
  duration: number;
  connections: number;
  warmup: number;
  acceptCount: number;
  acceptWarmup: number;
  acceptConcurrency: number;
  acceptConcurrentCount: number;
  startupRuns: number;
  startupRecords: number;
  only: Set<Part>;
  ids: number;
  listSizes: number[];
  listSamples: number;
  listsDir: string;
  pgUrl: string;
  killTasks: number;
  killDelay: string;
  out: string;
  /** Passed to the GetOpportunity emulator's node (e.g. --cpu-prof) for profiling. */
  profileDir: string | null;
}

const USAGE = `Usage: node dist/bench/run.js [options]   (or: npm run bench -- [options])

  --duration <s>                 measured seconds per GetOpportunity load run (default 10)
  --connections <n>              autocannon connections for GetOpportunity (default 50)
  --warmup <s>                   unmeasured warm-up seconds before each load run (default 2)
  --accept-count <n>             sequential accept-task calls measured (default 300)
  --accept-concurrency <n>       connections of the concurrent accept variant (default 10)
  --accept-concurrent-count <n>  calls in the concurrent accept variant; 0 skips it (default 500)
  --startup-runs <n>             spawns per start-up series (default 10)
  --ids <n>                      get20k, mixed, pg: opportunities the GETs cycle through (default 20000)
  --list-sizes <n,n,…>           lists: opportunities in the account (default 1000,10000,100000; add 1000000)
  --list-samples <n>             lists: timed calls per query (default 20)
  --lists-dir <dir>              lists: where the filled databases are kept between runs
                                 (default <tmp>/pcl-bench-lists)
  --pg-url <url>                 pg, kill: PostgreSQL server (default env DATABASE_URL or
                                 ${DEFAULT_PG_URL}); each run uses a fresh schema, dropped after
  --kill-tasks <n>               kill: async accept tasks (default 1000)
  --kill-delay <duration>        kill: --task-delay of the two servers (default 2s)
  --only <parts>                 comma list of ${PARTS.join(', ')} (default all)
  --out <file>                   results file (default bench/results.json)
  --profile <dir>                write CPU profiles of the servers under test (--cpu-prof) into <dir>
  --quick                        short smoke run (3 s loads, fewer calls)
`;

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {
    duration: 10,
    connections: 50,
    warmup: 2,
    acceptCount: 300,
    acceptWarmup: 30,
    acceptConcurrency: 10,
    acceptConcurrentCount: 500,
    startupRuns: 10,
    startupRecords: 200,
    only: new Set(PARTS),
    ids: 20_000,
    listSizes: [1000, 10_000, 100_000],
    listSamples: 20,
    listsDir: join(tmpdir(), 'pcl-bench-lists'),
    pgUrl: process.env.DATABASE_URL ?? DEFAULT_PG_URL,
    killTasks: 1000,
    killDelay: '2s',
    out: resolve(repoRoot, 'bench', 'results.json'),
    profileDir: null,
  };
  const number = (name: string, v: string | undefined, min = 0): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) throw new Error(`${name} needs a number ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--duration': flags.duration = number(name, value(), 1); break;
      case '--connections': flags.connections = number(name, value(), 1); break;
      case '--warmup': flags.warmup = number(name, value()); break;
      case '--accept-count': flags.acceptCount = number(name, value(), 1); break;
      case '--accept-concurrency': flags.acceptConcurrency = number(name, value(), 1); break;
      case '--accept-concurrent-count': flags.acceptConcurrentCount = number(name, value()); break;
      case '--startup-runs': flags.startupRuns = number(name, value(), 1); break;
      case '--only': {
        const parts = (value() ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        for (const p of parts) if (!PARTS.includes(p as Part)) throw new Error(`--only takes ${PARTS.join(', ')}`);
        flags.only = new Set(parts as Part[]);
        break;
      }
      case '--ids': flags.ids = number(name, value(), 1); break;
      case '--list-sizes': flags.listSizes = (value() ?? '').split(',').map((v) => number(name, v, 1)); break;
      case '--list-samples': flags.listSamples = number(name, value(), 1); break;
      case '--lists-dir': flags.listsDir = resolve(value() ?? ''); break;
      case '--pg-url': flags.pgUrl = value() ?? ''; break;
      case '--kill-tasks': flags.killTasks = number(name, value(), 2); break;
      case '--kill-delay': flags.killDelay = value() ?? '2s'; break;
      case '--out': flags.out = resolve(value() ?? ''); break;
      case '--profile': flags.profileDir = resolve(value() ?? ''); break;
      case '--quick':
        flags.duration = 3;
        flags.warmup = 1;
        flags.acceptCount = 100;
        flags.acceptWarmup = 10;
        flags.acceptConcurrentCount = 200;
        flags.startupRuns = 5;
        flags.startupRecords = 50;
        flags.ids = 5000;
        flags.listSizes = [1000, 10_000];
        flags.listSamples = 5;
        flags.killTasks = 200;
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown option ${arg}\n\n${USAGE}`);
    }
  }
  return flags;
}

function machine() {
  const cpuList = cpus();
  let commit: string | null = null;
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    commit = git('rev-parse', '--short', 'HEAD');
    if (git('status', '--porcelain', '--untracked-files=no') !== '') commit += '+uncommitted changes';
  } catch {
    commit = null;
  }
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    commit,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Report

interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean;
}

const ms = (v: number) => `${v.toFixed(2)} ms`;
const rps = (v: number) => `${Math.round(v).toLocaleString('en-US')}`;
const ratio = (v: number) => `${v.toFixed(2)}×`;

function distRow(label: string, d: Distribution, base?: Distribution): string {
  const r = base ? ratio(d.p50 / base.p50) : '1.00×';
  return `| ${label} | ${d.count} | ${ms(d.p50)} | ${ms(d.p90)} | ${ms(d.p99)} | ${ms(d.max)} | ${r} |`;
}

interface Results {
  get?: GetOpportunityResult;
  accept?: AcceptTaskResult;
  startup?: StartupResult;
  manyIds?: ManyIdsResult;
  lists?: ListsHttpResult;
  pgGet?: ManyIdsResult;
  pgAccept?: PgAcceptResult;
  kill?: KillResult;
  skipped?: string[];
}

const cpuCell = (r: { serverCpuUsPerRequest: number | null; serverSystemCpuUsPerRequest: number | null }) =>
  r.serverCpuUsPerRequest === null ? 'n/a' : `${r.serverCpuUsPerRequest.toFixed(1)} µs (${r.serverSystemCpuUsPerRequest!.toFixed(1)} µs)`;

function manyIdsTable(lines: string[], m: ManyIdsResult): void {
  lines.push(
    '| server | req/s | p50 | p90 | p99 | max | server CPU/request (kernel part) | req/s ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...([['before', m.baseline], ['after', m.baselineAfter]] as const).map(
      ([when, b]) =>
        `| bare node:http, ${when} | ${rps(b.requestsPerSecond)} | ${ms(b.latencyMs.p50)} | ${ms(b.latencyMs.p90)} | ${ms(b.latencyMs.p99)} | ${ms(b.latencyMs.max)} | ${cpuCell(b)} | ${ratio(b.requestsPerSecond / m.baselineRequestsPerSecond)} |`,
    ),
  );
  for (const v of m.variants) {
    const label = `emulator${v.processes > 1 ? ` ×${v.processes} processes` : ''}, ${v.updateShare > 0 ? `GET + ${v.updateShare * 100}% UpdateOpportunity (${v.updates} updates${v.result.non2xx > 0 ? `, **${v.result.non2xx} refused**` : ''})` : 'GET only'}`;
    const r = v.result;
    lines.push(`| ${label} | ${rps(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p90)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} | ${cpuCell(r)} | **${ratio(v.throughputRatio)}** |`);
  }
  lines.push('');
}

function report(results: Results): { markdown: string; targets: Target[] } {
  const lines: string[] = [];
  const targets: Target[] = [];
  const { get, accept, startup, manyIds, lists, pgGet, pgAccept, kill } = results;
  for (const s of results.skipped ?? []) lines.push(`Skipped: ${s}`, '');

  if (get) {
    lines.push(`### GetOpportunity, ${get.connections} connections, ${get.durationSeconds} s (autocannon)`, '');
    lines.push(`Request ${get.requestBytes} B; response ${get.responseBytes.emulator} B (baseline ${get.responseBytes.baseline} B).`, '');
    lines.push(
      '| server | req/s | p50 | p90 | p99 | max | server CPU/request (kernel part) | autocannon CPU/request | req/s ratio |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const [label, r] of [['bare node:http', get.baseline], ['emulator', get.emulator]] as const) {
      const cpu = r.serverCpuUsPerRequest === null ? 'n/a' : `${r.serverCpuUsPerRequest.toFixed(1)} µs (${r.serverSystemCpuUsPerRequest!.toFixed(1)} µs)`;
      lines.push(
        `| ${label} | ${rps(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p90)} | ${ms(r.latencyMs.p99)} | ${ms(r.latencyMs.max)} | ${cpu} | ${r.clientCpuUsPerRequest === null ? 'n/a' : `${r.clientCpuUsPerRequest.toFixed(1)} µs`} | ${ratio(r.requestsPerSecond / get.baseline.requestsPerSecond)} |`,
      );
    }
    lines.push('');
    targets.push({
      name: 'GetOpportunity throughput',
      goal: `≥ 50% of bare node:http req/s at ${get.connections} connections`,
      measured: `${(get.throughputRatio * 100).toFixed(1)}% (${rps(get.emulator.requestsPerSecond)} vs ${rps(get.baseline.requestsPerSecond)} req/s)`,
      met: get.throughputRatio >= 0.5,
    });
    targets.push({
      name: 'GetOpportunity p99',
      goal: '< 10 ms',
      measured: `${ms(get.emulator.latencyMs.p99)} (baseline ${ms(get.baseline.latencyMs.p99)}, ${ratio(get.p99Ratio)})`,
      met: get.emulator.latencyMs.p99 < 10,
    });
  }

  if (accept) {
    lines.push(`### StartEngagementByAcceptingInvitationTask, immediate progression, sequential (${accept.sequential.count} calls)`, '');
    lines.push('| server | calls | p50 | p90 | p99 | max | median ratio |', '|---|---:|---:|---:|---:|---:|---:|');
    lines.push(distRow('bare node:http (same request)', accept.sequential.baselineMs));
    lines.push(distRow('emulator', accept.sequential.emulatorMs, accept.sequential.baselineMs));
    lines.push('');
    if (accept.concurrent) {
      const c = accept.concurrent;
      lines.push(
        `Concurrent: ${c.count} accepts over ${c.connections} connections: ${rps(c.emulator.requestsPerSecond)} tasks/s, ` +
          `p50 ${ms(c.emulator.latencyMs.p50)}, p99 ${ms(c.emulator.latencyMs.p99)}` +
          (c.emulator.serverCpuUsPerRequest === null ? '' : `, server CPU ${(c.emulator.serverCpuUsPerRequest / 1000).toFixed(2)} ms per task`) +
          `; ${c.completed} answered COMPLETE.`,
        '',
      );
    }
    lines.push(`Preparing one invitation (POST /_emulator/invitations, not measured against a target): p50 ${ms(accept.prepareInvitationMs.p50)}.`, '');
    targets.push({
      name: 'Accept task (immediate) median',
      goal: '< 5 ms',
      measured: `${ms(accept.sequential.emulatorMs.p50)} (baseline round trip ${ms(accept.sequential.baselineMs.p50)}, ${ratio(accept.sequential.medianRatio)})`,
      met: accept.sequential.emulatorMs.p50 < 5,
    });
  }

  if (startup) {
    lines.push(`### Start-up to first answer (spawn → first 200 on GET /_emulator/health, polled every ${startup.pollIntervalMs} ms)`, '');
    lines.push('| process | runs | p50 | p90 | p99 | max | median ratio |', '|---|---:|---:|---:|---:|---:|---:|');
    lines.push(distRow('bare node:http', startup.baselineMs));
    lines.push(distRow('emulator, fresh database', startup.freshDbMs, startup.baselineMs));
    lines.push(distRow(`emulator, existing database (${startup.existingRecords} invitations)`, startup.existingDbMs, startup.baselineMs));
    lines.push('');
    // Judged on the slowest run, not the median.
    const worst = Math.max(startup.freshDbMs.max, startup.existingDbMs.max);
    targets.push({
      name: 'Start-up to first answer',
      goal: '< 300 ms (every run)',
      measured: `median ${ms(startup.freshDbMs.p50)} fresh / ${ms(startup.existingDbMs.p50)} existing; max ${ms(Math.max(startup.freshDbMs.max, startup.existingDbMs.max))} (bare node ${ms(startup.baselineMs.p50)})`,
      met: worst < 300,
    });
  }

  if (manyIds) {
    lines.push(`### GetOpportunity over ${manyIds.ids.toLocaleString('en-US')} different ids (no read-cache hits), ${manyIds.connections} connections, ${manyIds.durationSeconds} s, SQLite`, '');
    manyIdsTable(lines, manyIds);
    for (const v of manyIds.variants.filter((x) => x.processes === 1)) {
      const mixed = v.updateShare > 0;
      targets.push({
        name: mixed ? `GetOpportunity over ${manyIds.ids} ids + ${v.updateShare * 100}% updates` : `GetOpportunity over ${manyIds.ids} ids`,
        goal: `≥ ${mixed ? '0.3' : '0.5'}× bare node:http req/s`,
        measured: `${ratio(v.throughputRatio)} (${rps(v.result.requestsPerSecond)} vs ${rps(manyIds.baselineRequestsPerSecond)} req/s, the mean of bare node:http before and after)`,
        met: v.throughputRatio >= (mixed ? 0.3 : 0.5),
      });
    }
  }

  if (lists) {
    lines.push(`### ListOpportunities over HTTP, one account, median of ${lists.samples} sequential calls (read cache off)`, '');
    lines.push(`Round trip of the same client to bare node:http: p50 ${ms(lists.baselineMs.p50)}.`, '');
    const names = lists.sizes[0]?.queries.map((q) => q.name) ?? [];
    for (const size of lists.sizes) for (const q of size.queries) if (!names.includes(q.name)) names.splice(1, 0, q.name);
    lines.push(`| query | ${lists.sizes.map((z) => `${z.opportunities.toLocaleString('en-US')}`).join(' | ')} |`, `|---|${lists.sizes.map(() => '---:').join('|')}|`);
    for (const name of names) {
      const cells = lists.sizes.map((z) => {
        const q = z.queries.find((x) => x.name === name);
        return q ? `${ms(q.ms.p50)} (${ratio(q.ms.p50 / lists.baselineMs.p50)})` : 'n/a';
      });
      lines.push(`| ${name} | ${cells.join(' | ')} |`);
    }
    lines.push('');
    const largest = lists.sizes[lists.sizes.length - 1];
    if (largest) {
      const worst = largest.queries.reduce((a, q) => (q.ms.p50 > a.ms.p50 ? q : a));
      targets.push({
        name: `ListOpportunities at ${largest.opportunities.toLocaleString('en-US')} (store time + HTTP)`,
        goal: 'every query < 20 ms',
        measured: `slowest median ${ms(worst.ms.p50)} (${worst.name}); HTTP round trip alone ${ms(lists.baselineMs.p50)}`,
        met: worst.ms.p50 < 20,
      });
    }
  }

  if (pgGet) {
    lines.push(`### PostgreSQL: GetOpportunity over ${pgGet.ids.toLocaleString('en-US')} ids, ${pgGet.connections} connections split over the processes, ${pgGet.durationSeconds} s`, '');
    manyIdsTable(lines, pgGet);
  }
  if (pgAccept) {
    lines.push('### PostgreSQL: accept task (immediate progression)', '');
    lines.push('| server | calls | p50 | p90 | p99 | max | median ratio |', '|---|---:|---:|---:|---:|---:|---:|');
    lines.push(distRow('bare node:http (same request)', pgAccept.sequential.baselineMs));
    lines.push(distRow('emulator, 1 process, sequential', pgAccept.sequential.emulatorMs, pgAccept.sequential.baselineMs));
    lines.push('');
    lines.push('| concurrent burst | calls | connections | req/s | p50 | p99 | COMPLETE / FAILED | req/s ratio |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const c of pgAccept.concurrent) {
      lines.push(`| ${c.processes === 'baseline' ? 'bare node:http' : `emulator ×${c.processes}`} | ${c.count} | ${c.connections} | ${rps(c.result.requestsPerSecond)} | ${ms(c.result.latencyMs.p50)} | ${ms(c.result.latencyMs.p99)} | ${c.processes === 'baseline' ? '' : `${c.completed} / ${c.failed}`} | ${ratio(c.throughputRatio)} |`);
    }
    lines.push('');
  }
  if (kill) {
    lines.push(`### PostgreSQL: kill -9 of one of two processes during ${kill.tasks} async accept tasks (--task-delay ${kill.taskDelay})`, '');
    lines.push(
      '| | |', '|---|---|',
      `| accepts answered before the kill | ${kill.acceptedBeforeKill} (${kill.pendingAtKill} tasks IN_PROGRESS at the kill) |`,
      `| accepts in flight to the killed process, re-sent to the survivor (same ClientToken) | ${kill.retriedOnSurvivor} |`,
      `| 500 answers re-sent (same ClientToken) | ${kill.serverErrorsRetried} |`,
      `| last accept answered | ${(kill.acceptsDoneAfterKillMs / 1000).toFixed(1)} s after the kill |`,
      `| tasks the killed process held a claim on at the kill | ${kill.orphanedClaims ? `${kill.orphanedClaims}, all settled by the survivor ${(kill.orphansSettledAfterKillMs / 1000).toFixed(1)} s after the kill` : 'none'} |`,
      `| every task settled | **${(kill.completeAfterKillMs / 1000).toFixed(1)} s after the kill** |`,
      `| COMPLETE / FAILED | ${kill.complete} / ${kill.failed}${kill.failed ? ` (${Object.entries(kill.failureReasons).map(([r, n]) => `${n}× ${r}`).join('; ')})` : ''} |`,
      `| Opportunity Created events / distinct opportunities | ${kill.opportunityCreatedEvents} / ${kill.distinctOpportunities} |`,
      '',
    );
    targets.push({ name: `kill -9 during ${kill.tasks} tasks: all complete`, goal: `${kill.tasks} COMPLETE`, measured: `${kill.complete} COMPLETE, ${kill.failed} FAILED`, met: kill.allComplete });
    targets.push({ name: `kill -9 during ${kill.tasks} tasks: none twice`, goal: 'one Opportunity Created per COMPLETE task', measured: `${kill.opportunityCreatedEvents} events, ${kill.distinctOpportunities} distinct opportunities`, met: kill.noneTwice });
  }

  if (targets.length > 0) {
    lines.push('### Targets', '', '| target | goal | measured | met |', '|---|---|---|---|');
    for (const t of targets) lines.push(`| ${t.name} | ${t.goal} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  return { markdown: lines.join('\n'), targets };
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = new Date();
  const m = machine();
  const loadBefore = loadavg().map((v) => round(v, 2));
  log(`partnercentral-local benchmarks — ${m.cpus} × ${m.cpuModel}, node ${m.node}, load average ${loadBefore.join(' ')}`);
  if (loadBefore[0]! > m.cpus * 0.5) log('  warning: the machine is busy; figures will be noisy (the ratios less so than the absolute values)');

  const results: Results = { skipped: [] };
  /** Runs one part; a failure is reported (and the other parts still run) instead of aborting the run. */
  const part = async (name: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      log(`  ${name} failed: ${err instanceof Error ? err.stack : String(err)}`);
      results.skipped!.push(`${name} failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    }
  };
  if (flags.only.has('get')) {
    log('GetOpportunity under load');
    results.get = await benchGetOpportunity({
      durationSeconds: flags.duration,
      connections: flags.connections,
      warmupSeconds: flags.warmup,
      profileDir: flags.profileDir ?? undefined,
      log,
    });
  }
  if (flags.only.has('accept')) {
    log('Accept task');
    results.accept = await benchAcceptTask({
      count: flags.acceptCount,
      warmup: flags.acceptWarmup,
      concurrentConnections: flags.acceptConcurrency,
      concurrentCount: flags.acceptConcurrentCount,
      profileDir: flags.profileDir ?? undefined,
      log,
    });
  }
  if (flags.only.has('startup')) {
    log('Start-up');
    results.startup = await benchStartup({ runs: flags.startupRuns, pollIntervalMs: 5, existingRecords: flags.startupRecords, log });
  }

  const variants = [
    ...(flags.only.has('get20k') ? [{ processes: 1, updateShare: 0 }] : []),
    ...(flags.only.has('mixed') ? [{ processes: 1, updateShare: 0.1 }] : []),
  ];
  if (variants.length > 0) {
    log(`GetOpportunity over ${flags.ids} ids${flags.only.has('mixed') ? ', and with 10% UpdateOpportunity' : ''} (SQLite)`);
    await part('get20k/mixed', async () => void (results.manyIds = await benchManyIds({ ids: flags.ids, connections: flags.connections, durationSeconds: flags.duration, warmupSeconds: flags.warmup, variants, profileDir: flags.profileDir ?? undefined, log })));
  }
  if (flags.only.has('lists')) {
    log(`ListOpportunities over HTTP at ${flags.listSizes.join(', ')} opportunities`);
    await part('lists', async () => void (results.lists = await benchListsHttp({ sizes: flags.listSizes, samples: flags.listSamples, dir: flags.listsDir, log })));
  }
  if ((flags.only.has('pg') || flags.only.has('kill')) && !(await pgReachable(flags.pgUrl))) {
    results.skipped!.push(`pg and kill: no PostgreSQL answers at ${flags.pgUrl.replace(/\/\/[^@]*@/, '//')} (--pg-url)`);
    flags.only.delete('pg');
    flags.only.delete('kill');
  }
  if (flags.only.has('pg')) {
    log(`PostgreSQL: GetOpportunity over ${flags.ids} ids with 1 and 2 processes`);
    const schema = await freshPgSchema(flags.pgUrl);
    await part('pg GetOpportunity', async () => void (results.pgGet = await benchManyIds({
        ids: flags.ids,
        connections: flags.connections,
        durationSeconds: flags.duration,
        warmupSeconds: flags.warmup,
        db: schema.url,
        variants: [{ processes: 1, updateShare: 0 }, { processes: 2, updateShare: 0 }, { processes: 1, updateShare: 0.1 }, { processes: 2, updateShare: 0.1 }],
        log,
      })));
    await schema.drop();
    log('PostgreSQL: accept task with 1 and 2 processes');
    await part('pg accept', async () => void (results.pgAccept = await benchPgAccept({ pgUrl: flags.pgUrl, sequential: Math.min(flags.acceptCount, 200), concurrentCount: flags.acceptConcurrentCount || 500, connections: flags.acceptConcurrency, log })));
  }
  if (flags.only.has('kill')) {
    log(`PostgreSQL: kill -9 of one of two processes during ${flags.killTasks} async tasks`);
    await part('kill', async () => void (results.kill = await benchKill({ pgUrl: flags.pgUrl, tasks: flags.killTasks, concurrency: 20, taskDelay: flags.killDelay, log })));
  }

  const { markdown, targets } = report(results);
  const elapsedSeconds = round((Date.now() - startedAt.getTime()) / 1000, 1);
  const loadAfter = loadavg().map((v) => round(v, 2));
  const header = [
    `## partnercentral-local benchmarks (${startedAt.toISOString()})`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, node ${m.node}${m.commit ? `, commit ${m.commit}` : ''}. ` +
      `Load average ${loadBefore[0]} before, ${loadAfter[0]} after. Total ${elapsedSeconds} s.`,
    '',
  ].join('\n');
  process.stdout.write(`\n${header}\n${markdown}\n`);
  writeFileSync(
    flags.out,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), elapsedSeconds, machine: { ...m, loadBefore, loadAfter }, flags: { ...flags, only: [...flags.only] }, results, targets }, null, 2)}\n`,
  );
  log(`results written to ${flags.out}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
