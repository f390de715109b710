// The real CLI as a child process on a database file: for the suites that need a process to kill or two
// processes to race. Every child is tracked so a suite's `after` can make sure none outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { rawRequest, REPO_ROOT } from './helpers.js';

const BIN = join(REPO_ROOT, 'bin', 'partnercentral-local.js');

export interface ChildServer {
  proc: ChildProcess;
  endpoint: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** The children still running (a process exits the set when it exits). */
const children = new Set<ChildProcess>();

/** A port that was free a moment ago; another process may take it before the child binds it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface SpawnCliOptions {
  /** Run as this user and group (needs root): how a root test sees permission errors. */
  uid?: number;
  gid?: number;
  /** A command that ends by exec'ing its arguments (node and the CLI), e.g. to run in a mount namespace. */
  wrapper?: readonly string[];
}

/** Spawns `partnercentral-local start …args` without waiting for it; the endpoint uses the `--port` given. */
export function spawnCli(args: string[], options: SpawnCliOptions = {}): ChildServer & { port: number } {
  const command = [...(options.wrapper ?? []), process.execPath, BIN, 'start', ...args];
  const proc = spawn(command[0]!, command.slice(1), { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], uid: options.uid, gid: options.gid });
  children.add(proc);
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  proc.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    }),
  );
  const portIndex = args.indexOf('--port');
  const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 0;
  return { proc, endpoint: `http://127.0.0.1:${port}`, port, exited, stderr: () => stderr };
}

/** Waits (bounded) until the child answers /_emulator/health, or reports that it exited first. */
export async function waitHealthy(child: ChildServer, timeoutMs = 15_000): Promise<'up' | 'exited'> {
  let gone = false;
  void child.exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) return 'exited';
    try {
      const res = await rawRequest(child.endpoint, { method: 'GET', path: '/_emulator/health' });
      if (res.status === 200) return 'up';
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server did not become healthy within ${timeoutMs} ms; stderr:\n${child.stderr()}`);
}

/** Starts the CLI on `db` on a free port and waits until it is healthy (retrying if another process took the port). */
export async function startCli(db: string, extra: string[] = []): Promise<ChildServer> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawnCli(['--port', String(port), '--db', db, '--log-level', 'warn', '--seed', 'x', ...extra]);
    if ((await waitHealthy(child)) === 'up') return child;
    if (!child.stderr().includes('EADDRINUSE')) throw new Error(`server exited at start-up; stderr:\n${child.stderr()}`);
  }
  throw new Error('no free port after 3 attempts');
}

/** Waits (bounded) for the child to exit. */
export async function waitExit(child: ChildServer, timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms; stderr:\n${child.stderr()}`)), timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every child still running and waits for them to go: a failed test must not leave servers behind. */
export async function killAllChildren(): Promise<void> {
  const alive = [...children];
  for (const proc of alive) proc.kill('SIGKILL');
  await Promise.all(alive.map((proc) => new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r(null) : proc.once('exit', r)))));
}
