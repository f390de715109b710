// Shared plumbing of the benchmarks: child servers (the emulator's CLI and the bare node:http baseline),
// SigV4-shaped headers, a small keep-alive HTTP client, percentiles and the autocannon binding.
// Nothing here runs in `npm test`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACCOUNT = '111111111111';
export const TARGET_PREFIX = 'AWSPartnerCentralSelling.';

/** The repository root: the nearest directory above this file that holds package.json (works from dist/bench too). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the bench directory');
    dir = parent;
  }
  return dir;
})();

export const CLI = join(repoRoot, 'bin', 'partnercentral-local.js');
/** The compiled baseline server, next to this module. */
export const BASELINE_SCRIPT = fileURLToPath(new URL('./baseline-server.js', import.meta.url));

// ---------------------------------------------------------------------------------------------------------
// Child processes: every child is killed on exit, whatever happens.

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

function cleanup(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

export function tempDir(prefix = 'pcl-bench-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** A port nobody listens on right now (the child binds it a few ms later). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface ChildServer {
  kind: 'emulator' | 'baseline';
  child: ChildProcess;
  port: number;
  endpoint: string;
  /** ms from spawn() to the first 200 on GET /_emulator/health. */
  startupMs: number;
  /** What the process wrote to stderr so far (its error log). */
  stderrText(): string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** SQLite file for the emulator; ignored by the baseline. */
  db?: string;
  extraArgs?: string[];
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeFlags?: string[];
  pollIntervalMs?: number;
  timeoutMs?: number;
}

export async function spawnServer(kind: 'emulator' | 'baseline', options: SpawnOptions = {}): Promise<ChildServer> {
  const port = await freePort();
  const args =
    kind === 'emulator'
      ? [...(options.nodeFlags ?? []), CLI, 'start', '--port', String(port), '--db', options.db ?? join(tempDir(), 'state.db'), '--log-level', 'error', ...(options.extraArgs ?? [])]
      : [...(options.nodeFlags ?? []), BASELINE_SCRIPT, '--port', String(port)];
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.stderr!.on('data', (c: Buffer) => stderr.push(c));
  const endpoint = `http://127.0.0.1:${port}`;
  let exited = false;
  const exitedPromise = new Promise<void>((done) => child.once('exit', () => {
    exited = true;
    children.delete(child);
    done();
  }));
  try {
    await waitForHealth(endpoint, () => exited, options.pollIntervalMs ?? 5, options.timeoutMs ?? 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${kind} did not start: ${(err as Error).message}\n${Buffer.concat(stderr).toString('utf8')}`);
  }
  const startupMs = performance.now() - started;
  return {
    kind,
    child,
    port,
    endpoint,
    startupMs,
    stderrText: () => Buffer.concat(stderr).toString('utf8'),
    async stop() {
      if (!exited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

/** One GET /_emulator/health on a fresh connection; resolves with the status or rejects (e.g. ECONNREFUSED). */
function probeHealth(endpoint: string): Promise<number> {
  return new Promise((resolveProbe, reject) => {
    const req = request(`${endpoint}/_emulator/health`, { method: 'GET', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolveProbe(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls health every `intervalMs` until it answers 200. */
export async function waitForHealth(endpoint: string, exited: () => boolean, intervalMs: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error('the process exited before answering');
    try {
      if ((await probeHealth(endpoint)) === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`no answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * CPU time (ms) a child has used so far, user and system apart, from /proc (Linux; 10 ms clock ticks), or
 * null elsewhere. Per request it is a steadier figure than req/s when other processes share the machine.
 */
export function cpuTimeMs(pid: number | undefined): { user: number; system: number } | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are indexes 11 and 12.
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests

/** SigV4-shaped headers for auth mode `structural` (checked ±15 min against the wall clock; refresh per run). */
export function sigV4Headers(accountId: string = ACCOUNT, at: Date = new Date()): Record<string, string> {
  const amzDate = at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return {
    'x-amz-date': amzDate,
    authorization:
      `AWS4-HMAC-SHA256 Credential=${accountId}/${amzDate.slice(0, 8)}/us-east-1/partnercentral-selling/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  };
}

/** The headers an SDK sends for an awsJson1_0 call (bar the real signature). */
export function awsJsonHeaders(operation: string, accountId: string = ACCOUNT): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': `${TARGET_PREFIX}${operation}`,
    'user-agent': 'aws-sdk-js/3 partnercentral-local-bench',
    ...sigV4Headers(accountId),
  };
}

export const keepAliveAgent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface HttpAnswer {
  status: number;
  body: string;
}

export function httpCall(
  endpoint: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<HttpAnswer> {
  return new Promise((resolveCall, reject) => {
    const headers = { ...(options.headers ?? {}) };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const req = request(`${endpoint}${options.path ?? '/'}`, { method: options.method ?? 'POST', headers, agent: keepAliveAgent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveCall({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function callOperation(endpoint: string, operation: string, input: unknown, accountId: string = ACCOUNT): Promise<HttpAnswer> {
  return httpCall(endpoint, { headers: awsJsonHeaders(operation, accountId), body: JSON.stringify(input) });
}

export async function controlPost(endpoint: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const answer = await httpCall(endpoint, { path: `/_emulator/${path}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (answer.status >= 300) throw new Error(`POST /_emulator/${path} answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------
// Statistics

export interface Distribution {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function distribution(values: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    mean: sorted.length ? sum / sorted.length : NaN,
    min: sorted.length ? sorted[0]! : NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** A growable array of float samples (no per-sample allocation while autocannon runs). */
export class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

// ---------------------------------------------------------------------------------------------------------
// autocannon (CommonJS, no bundled types): the part of its API the benchmarks use.

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
}

export interface AutocannonOptions {
  url: string;
  connections?: number;
  duration?: number;
  amount?: number;
  pipelining?: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  requests?: AutocannonRequest[];
}

interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  total?: number;
}

export interface AutocannonResult {
  requests: Histogram & { total: number; sent: number };
  latency: Histogram;
  throughput: Histogram & { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}

export interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
  stop(): void;
}

const requireCjs = createRequire(import.meta.url);
const autocannonModule = requireCjs('autocannon') as (options: AutocannonOptions) => AutocannonInstance;

export interface LoadResult {
  /** Completed 2xx requests per second over the measured window (wall clock around the whole run). */
  requestsPerSecond: number;
  totalRequests: number;
  durationSeconds: number;
  /** Per-request latency (ms, float) of every response, recorded from autocannon's response events. */
  latencyMs: Distribution;
  /** autocannon's own (integer-ms histogram) figures, for reference. */
  autocannon: { latencyP50: number; latencyP99: number; requestsAverage: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  /** The server's CPU time per request, in µs, when `serverPid` was given (Linux): user + system, and system alone. */
  serverCpuUsPerRequest: number | null;
  serverSystemCpuUsPerRequest: number | null;
  /** CPU time of this process (autocannon, the load generator) per request, in µs. */
  clientCpuUsPerRequest: number | null;
}

function perRequestCpu(before: ReturnType<typeof cpuTimeMs>, after: ReturnType<typeof cpuTimeMs>, requests: number) {
  if (before === null || after === null || requests === 0) return { serverCpuUsPerRequest: null, serverSystemCpuUsPerRequest: null };
  const us = (ms: number) => round((ms * 1000) / requests, 1);
  return {
    serverCpuUsPerRequest: us(after.user + after.system - before.user - before.system),
    serverSystemCpuUsPerRequest: us(after.system - before.system),
  };
}

/** Runs autocannon in this process and records every response's latency as a float. */
export async function load(options: AutocannonOptions, serverPid?: number): Promise<LoadResult> {
  return loadAll([options], serverPid === undefined ? [] : [serverPid]);
}

/**
 * Runs several autocannon instances at once (one per endpoint, e.g. two server processes sharing one
 * database) and reports them as one load: requests summed, latencies merged, server CPU summed over `serverPids`.
 */
export async function loadAll(optionsList: AutocannonOptions[], serverPids: number[] = []): Promise<LoadResult> {
  const samples = new Samples();
  const cpuBefore = serverPids.map((pid) => cpuTimeMs(pid));
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const results = await Promise.all(
    optionsList.map((options) => {
      const instance = autocannonModule(options);
      instance.on('response', (_client, _status, _bytes, responseTime) => samples.push(responseTime));
      return instance;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = serverPids.map((pid) => cpuTimeMs(pid));
  const client = process.cpuUsage(clientBefore);
  const sum = (f: (r: AutocannonResult) => number) => results.reduce((acc, r) => acc + f(r), 0);
  const total = sum((r) => r.requests.total);
  const non2xx = sum((r) => r.non2xx);
  const cpuSum = (list: ReturnType<typeof cpuTimeMs>[]) =>
    list.some((c) => c === null) || list.length === 0
      ? null
      : list.reduce<{ user: number; system: number }>((acc, c) => ({ user: acc.user + c!.user, system: acc.system + c!.system }), { user: 0, system: 0 });
  return {
    requestsPerSecond: (total - non2xx) / seconds,
    totalRequests: total,
    durationSeconds: round(seconds, 2),
    latencyMs: distribution(samples.values()),
    autocannon: {
      latencyP50: Math.max(...results.map((r) => r.latency.p50)),
      latencyP99: Math.max(...results.map((r) => r.latency.p99)),
      requestsAverage: sum((r) => r.requests.average),
    },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx,
    ...perRequestCpu(cpuSum(cpuBefore), cpuSum(cpuAfter), total),
    clientCpuUsPerRequest: total === 0 ? null : round((client.user + client.system) / total, 1),
  };
}

// ---------------------------------------------------------------------------------------------------------
// PostgreSQL: every run gets a fresh schema, dropped afterwards.

export const DEFAULT_PG_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface PgSchema {
  /** The URL the servers are given (`?schema=bench_<random>`). */
  url: string;
  schema: string;
  drop(): Promise<void>;
}

export async function freshPgSchema(baseUrl: string): Promise<PgSchema> {
  const schema = `bench_${Math.random().toString(36).slice(2, 10)}`;
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    schema,
    async drop() {
      const pg = requireCjs('pg') as typeof import('pg');
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Whether a PostgreSQL answers at `url` (the PostgreSQL parts are skipped, not failed, without one). */
export async function pgReachable(url: string): Promise<boolean> {
  const pg = requireCjs('pg') as typeof import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `count` emulator processes on one database (a SQLite file or a PostgreSQL URL). */
export async function spawnEmulators(count: number, db: string, options: Omit<SpawnOptions, 'db'> = {}): Promise<ChildServer[]> {
  const servers: ChildServer[] = [];
  try {
    // One after the other: the first one migrates the database.
    for (let i = 0; i < count; i++) servers.push(await spawnServer('emulator', { ...options, db, timeoutMs: options.timeoutMs ?? 60_000 }));
    return servers;
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
}

export function resolveFromRoot(...parts: string[]): string {
  return resolve(repoRoot, ...parts);
}
