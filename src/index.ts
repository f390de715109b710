// Public entry point: `import { startServer } from 'partnercentral-local'`.
export { startServer, type RunningServer, type StartOptions } from './server.js';
export type { ServerOptions, RuntimeConfig, TaskProgression } from './config.js';
export { startTestServer, type TestServerOptions, type TestServer } from './testing/index.js';
export { VERSION as version } from './version.js';
