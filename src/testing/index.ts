// `import { startTestServer } from 'partnercentral-local/testing'`: a server for one test suite, in this
// process, on a free port, in memory and silent unless told otherwise.
import { startServer, type StartOptions } from '../server.js';
import { openTestServer, type ClockSetting, type TestServer } from './harness.cjs';

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
} from './harness.cjs';

/** `startServer`'s options plus where the business clock starts. */
export type TestServerOptions = StartOptions & { clock?: ClockSetting };

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { clock, ...start } = options;
  const running = await startServer({ port: 0, inMemory: true, logLevel: 'silent', ...start });
  return openTestServer({ endpoint: running.endpoint, close: () => running.close() }, clock);
}
