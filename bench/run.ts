// The benchmark entry point (`npm run bench` builds, then runs `node dist/bench/run.js`). Never part of
// `npm test`. Each part measures the emulator against a bare node:http server in the same run and reports
// ratios; the figures and the verdicts on the targets are printed as markdown and written to
// bench/results.json.
//
//   npm run bench -- [--duration 10] [--connections 50] [--warmup 2] [--accept-count 300]
//                    [--accept-concurrency 10] [--accept-concurrent-count 500] [--startup-runs 10]
//                    [--only get,accept,startup] [--out bench/results.json] [--quick]
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { benchAcceptTask, type AcceptTaskResult } from './accept-task.js';
import { repoRoot, round, type Distribution } from './common.js';
import { benchGetOpportunity, type GetOpportunityResult } from './get-opportunity.js';
import { benchStartup, type StartupResult } from './startup.js';

const PARTS = ['get', 'accept', 'startup'] as const;
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
  --only <parts>                 comma list of get, accept, startup (default all)
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

function report(results: { get?: GetOpportunityResult; accept?: AcceptTaskResult; startup?: StartupResult }): { markdown: string; targets: Target[] } {
  const lines: string[] = [];
  const targets: Target[] = [];
  const { get, accept, startup } = results;

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

  const results: { get?: GetOpportunityResult; accept?: AcceptTaskResult; startup?: StartupResult } = {};
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
