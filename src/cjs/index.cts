// The CommonJS entry (`require('partnercentral-local')`, e.g. under Jest's default mode). The server is an ES
// module, and a CommonJS caller cannot load one reliably: Node 20 before 20.19 has no require() of ES modules,
// and Jest runs `import()` only with --experimental-vm-modules. So the server runs in a child Node process
// started with fork(), and callers reach it over HTTP, as they would any server. `services` and `server` of
// the ES entry's RunningServer do not exist here; the endpoint, the control plane and close() do.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartOptions } from '../server.js';
import type { ChildMessage, ParentMessage } from '../testing/server-process.js';
import { openTestServer, type ClockSetting, type TestServer } from '../testing/harness.cjs';

export {
  ControlPlaneError,
  DEFAULT_TEST_ACCOUNT,
  TestServer,
  type Catalog,
  type ClockSetting,
  type ClockView,
  type EventEnvelope,
  type EventFilter,
  type ServerHandle,
  type TestClock,
} from '../testing/harness.cjs';
export type { StartOptions };

/** The package's version. */
export const version: string = (JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

/** A server running in a child process. */
export interface ChildServer {
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:4580`. */
  endpoint: string;
  port: number;
  /** The child process's id. */
  pid: number;
  /** Stops the server and waits for the child process to end. */
  close(): Promise<void>;
}

const SERVER_PROCESS = join(__dirname, '../testing/server-process.js');

function send(child: ChildProcess, message: ParentMessage): void {
  if (child.connected) child.send(message);
}

/** Starts a server in a child process with the same options as the ES entry's `startServer`. */
export async function startServer(options: StartOptions = {}): Promise<ChildServer> {
  // `advanced` serialization carries what JSON cannot, such as the credentials Map. No inherited execArgv: the
  // caller's loaders and flags (a test runner's, say) are not meant for the server.
  const child = fork(SERVER_PROCESS, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const answer = await new Promise<ChildMessage>((resolve, reject) => {
    child.once('message', (message: ChildMessage) => resolve(message));
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`partnercentral-local: the server process ended before it started (${signal ?? `exit code ${code}`})`)));
    send(child, { type: 'start', options });
  });
  if (answer.type === 'failed') {
    await exited;
    throw new Error(`partnercentral-local: could not start: ${answer.message}`);
  }
  // A forgotten close() must not keep the caller alive; the child stops by itself when the caller exits.
  child.unref();
  child.channel?.unref();
  let closing: Promise<void> | undefined;
  return {
    endpoint: answer.endpoint,
    port: answer.port,
    pid: child.pid ?? -1,
    close() {
      closing ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.ref();
        send(child, { type: 'close' });
        await exited;
      })();
      return closing;
    },
  };
}

/** `startServer`'s options plus where the business clock starts. */
export type TestServerOptions = StartOptions & { clock?: ClockSetting };

/** A server for one test suite, in a child process, on a free port, in memory and silent unless told otherwise. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { clock, ...start } = options;
  const server = await startServer({ port: 0, inMemory: true, logLevel: 'silent', ...start });
  return openTestServer(server, clock);
}
