// Composes the pipeline of one request (design.md): protocol (size cap, route, parse) → auth → model
// validation → resource handler → protocol (render). Also builds the services and starts the task runner.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { AccountDirectory } from './accounts.js';
import { catalogOfArn } from './arns.js';
import { authenticateRequest, SERVED_REGION, type AuthSettings } from './auth/authenticate.js';
import { Clock } from './clock.js';
import { SharedSettings } from './settings.js';
import { defaultOptions, type RuntimeConfig, type ServerOptions } from './config.js';
import { RenderedOutput, type OperationRunner, type RequestContext, type Services } from './context.js';
import { ApiError, InternalServerException, NotImplementedException, ThrottlingException } from './errors.js';
import { EventOutbox } from './events/outbox.js';
import { FaultRules, InjectedFault } from './faults/rules.js';
import { IdSource } from './ids.js';
import { createLogger, type LoggerSettings } from './log.js';
import { handleControl, CONTROL_PREFIX } from './control/control-plane.js';
import { compilePendingPatterns, validateInput } from './model/validate.js';
import { readBody } from './protocol/body.js';
import { closesAfterAnswer, httpServerOptions, installHttpEdges, prepareErrorAnswer } from './protocol/http-edges.js';
import { parseInput } from './protocol/parse.js';
import { ReadCache } from './protocol/read-cache.js';
import { renderOutput, sendError, sendRendered, writeTurnAnswers } from './protocol/respond.js';
import { resolveRoute, type Routing } from './protocol/route.js';
import { buildRegistry, defaultRegistry, type HandlerOverrides, type OperationRegistry } from './operations/registry.js';
import { expireDueInvitations } from './resources/engagement-invitations.js';
import { registerSimulations, unregisteredSimulations } from './simulations/index.js';
import type { Catalog } from './store/records.js';
import { RetentionSweeper } from './retention.js';
import { databaseFailure, databaseLocation, listenFailure, openCheckedStore } from './startup.js';
import type { StoreHealthMonitor } from './store/health.js';
import type { UnitOfWorkStore } from './store/unit-of-work.js';
import { TaskRunner } from './tasks/runner.js';
import { Throttle } from './throttling/quotas.js';
import { registerTasks } from './tasks/index.js';
import { loadSeedFile } from './scenario/seed-file.js';
import { EventDelivery } from './delivery/hub.js';

export type StartOptions = Partial<Omit<ServerOptions, 'runtime'>> & {
  runtime?: Partial<RuntimeConfig>;
  /** The operations served (`src/operations/registry.ts`); by default the emulator's own. */
  registry?: OperationRegistry;
  /** Handlers replacing (or, `null`, removing) the default registry's; ignored when `registry` is given. */
  handlers?: HandlerOverrides;
};

export interface RunningServer {
  /** Base URL for SDK clients, e.g. `http://127.0.0.1:4580`. */
  endpoint: string;
  port: number;
  services: Services;
  server: Server;
  /** The answer cache of pure reads (its `stats()` show how much it holds). */
  readCache: ReadCache;
  close(): Promise<void>;
}

function resolveOptions(input: StartOptions): ServerOptions {
  const base = defaultOptions();
  const { registry: _registry, handlers: _handlers, ...rest } = input;
  return { ...base, ...rest, runtime: { ...base.runtime, ...(input.runtime ?? {}) } };
}

function logSettings(options: ServerOptions): LoggerSettings {
  return { level: options.logLevel, format: options.logFormat, sink: options.logSink };
}

/** Milliseconds since `started` (a `performance.now()` reading), to the hundredth. */
function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** Most distinct foreign regions warned about; past it a client cycling through names cannot flood the log. */
const MAX_WARNED_REGIONS = 20;

/** How often the invitation-expiry sweep runs (once across processes: it holds a named lease). */
const EXPIRY_SWEEP_MS = 30_000;

/** Builds the services over an opened store. */
async function buildServices(store: UnitOfWorkStore, storeHealth: StoreHealthMonitor, options: ServerOptions): Promise<Services> {
  const log = createLogger(logSettings(options));
  const clock = new Clock();
  // The clock and run-time configuration are shared through the database: take the saved clock, publish ours.
  const settings = new SharedSettings(store, clock, options.runtime, log);
  await settings.load();
  let seed = options.seed ?? (await store.readMeta('id_seed'));
  if (!seed) {
    const drawn = randomBytes(16).toString('hex');
    // The first process to start on a new database draws the seed; the others take it.
    seed = await store.transaction(async (uow) => {
      const existing = await uow.getMeta('id_seed');
      if (existing) return existing;
      await uow.setMeta('id_seed', drawn);
      return drawn;
    });
  }
  const ids = new IdSource(seed);
  const runtime = options.runtime;
  const tasks = new TaskRunner(store, clock, runtime, log);
  const services: Services = {
    store,
    storeHealth,
    clock,
    settings,
    ids,
    events: new EventOutbox(ids, () => clock.now()),
    tasks,
    retention: new RetentionSweeper(store, clock, options, log, tasks.owner),
    accounts: new AccountDirectory(),
    options,
    runtime,
    log,
    runOperation: () => Promise.reject(new Error('the API pipeline is not built yet')),
    faults: new FaultRules(seed),
    throttle: new Throttle(options.throttlingQuotas),
    delivery: new EventDelivery(store, clock, log, options.deliveryRetry, options.eventBridge, tasks.owner),
    simulations: unregisteredSimulations,
  };
  registerTasks(services);
  registerSimulations(services);
  // Another process moved the clock or changed the configuration: timers and counters follow here too.
  settings.follow({
    clockMoved: () => {
      services.tasks.schedule();
      services.retention.request();
    },
    runtimeChanged: (previous) => {
      if (previous.throttling !== runtime.throttling) services.throttle.reset();
      services.tasks.schedule();
    },
  });
  return services;
}

/** The catalog the request works in. The validator has already restricted `Catalog` to AWS or Sandbox. */
function catalogOf(input: Record<string, unknown>): Catalog {
  const catalog = input.Catalog;
  if (typeof catalog === 'string') return catalog as Catalog;
  // Tagging operations carry the catalog inside the resource ARN.
  const arn = input.ResourceArn;
  const fromArn = typeof arn === 'string' ? catalogOfArn(arn) : undefined;
  return (fromArn === 'Sandbox' ? 'Sandbox' : 'AWS') as Catalog;
}

export async function startServer(input: StartOptions = {}): Promise<RunningServer> {
  const options = resolveOptions(input);
  // Start-up checks come before listening: a server that answers health is one that can store what it acknowledges.
  const registry = input.registry ?? (input.handlers ? buildRegistry(input.handlers) : defaultRegistry);
  const { store, health } = await openCheckedStore(options, createLogger(logSettings(options)));
  let services: Services;
  try {
    services = await buildServices(store, health, options);
  } catch (err) {
    await store.close();
    throw databaseFailure(err, databaseLocation(options));
  }
  const { log } = services;
  const authSettings: AuthSettings = {
    mode: options.auth,
    credentials: options.credentials,
    defaultAccountId: options.defaultAccountId,
    maxSkewMs: 15 * 60 * 1000,
    wallClock: Date.now,
    allowUnsignedPayload: options.allowUnsignedPayload,
  };

  const readCache = new ReadCache(store, options.readCacheBytes);
  const runtime = services.runtime;

  /**
   * Everything after authentication: the read cache, validation, the handler and rendering. Answers the rendered
   * output or throws (an ApiError, or anything unexpected). Shared by the API and `POST /_emulator/call`.
   */
  const runOperation: OperationRunner = async (operation, caller, raw, requestId, seen, body) => {
    const entry = registry[operation];
    const handler = entry.handler;
    // While fault rules exist, every read goes through the rules (no cached answers).
    const readKinds = entry.reads !== null && services.faults.empty && readCache.enabled ? entry.reads : undefined;
    const versions = readKinds ? readCache.versions(readKinds) : '';
    // A short body is its own key (the same bytes validate to the same input): a hit skips validation.
    const bodyKey = readKinds && body !== undefined ? ReadCache.bodyKey(operation, caller.accountId, body) : null;
    if (bodyKey !== null) {
      const cached = readCache.get(bodyKey, handler, versions);
      if (cached !== undefined) return cached;
    }
    const input = validateInput(operation, raw);
    // Other inputs are keyed by the validated input, so padding a long request cannot grow the cache.
    const cacheKey = bodyKey ?? (readKinds ? ReadCache.key(operation, caller.accountId, input) : null);
    const cached = bodyKey !== null || cacheKey === null ? undefined : readCache.get(cacheKey, handler, versions);
    if (cached !== undefined) return cached;
    const catalog = catalogOf(input);
    if (seen) seen.catalog = catalog;
    // A fault answers a valid request instead of its handler, so it changes nothing.
    const fault = services.faults.empty ? undefined : services.faults.match(operation, caller.accountId, catalog);
    if (fault) {
      // Unreferenced: a waiting fault never holds a closing process open.
      if (fault.latencyMs) await sleep(fault.latencyMs, undefined, { ref: false });
      if (fault.error) throw new InjectedFault(fault.error.code, fault.error.status, fault.error.message);
    }
    if (!handler) throw new NotImplementedException(operation);
    const ctx: RequestContext = { operation, requestId, caller, accountId: caller.accountId, catalog, services, sent: raw };
    let result: unknown;
    try {
      result = await handler(ctx, input);
    } catch (err) {
      // A failure that says the database cannot be written shows in health at once.
      if (!(err instanceof ApiError)) services.storeHealth.noteFailure(err);
      throw err;
    }
    const rendered = result instanceof RenderedOutput ? result.json : renderOutput(result);
    if (cacheKey !== null) readCache.set(cacheKey, handler, readKinds!, versions, rendered);
    return rendered;
  };
  services.runOperation = runOperation;
  // A scenario file goes in through the pipeline just built, before anyone can send a request.
  if (options.seedFile !== null) {
    try {
      await loadSeedFile(services, options.seedFile);
    } catch (err) {
      services.retention.close();
      services.tasks.close();
      store.close();
      throw err;
    }
  }
  // Fixed at start-up, so a quiet server pays one test per request for its request log.
  const requestLog = log.enabled('info');
  // Outside strict mode a foreign credential scope is served, with one warning per region (strict refuses it).
  const warnedRegions = new Set<string>();
  const warnForeignRegion = (region: string) => {
    if (warnedRegions.has(region) || warnedRegions.size >= MAX_WARNED_REGIONS) return;
    warnedRegions.add(region);
    log.warn(
      `a request was signed for region '${region.slice(0, 64)}'; AWS serves the Partner Central Selling API only in ${SERVED_REGION} and refuses other regions (as --auth strict does). Configure your client with region ${SERVED_REGION}.`,
      { region: region.slice(0, 64) },
    );
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, requestId: string, path: string, query: string, started: number) {
    let routing: Routing = path === '/' || path === '' ? 'awsJson' : 'rest';
    // What the request log says about this request, filled in as the pipeline learns it.
    let operation: string | undefined;
    let account: string | undefined;
    const seen: { catalog?: string } = {};
    let errorCode: string | undefined;
    try {
      const route = resolveRoute(req.method ?? 'GET', path, req.headers);
      routing = route.routing;
      operation = route.operation;
      const body = await readBody(req, options.maxBodyBytes, options.bodyTimeoutMs);
      const text = body.toString('utf8');
      // AWS's front end rejects an unparseable body before it looks at the signature (protocol.md §4.3).
      const raw = parseInput(text);
      // Only strict mode verifies a signature asynchronously; the other modes answer without a promise.
      const checked = authenticateRequest({ method: req.method ?? 'POST', path, query, headers: req.headers, body }, authSettings);
      const caller = checked instanceof Promise ? await checked : checked;
      account = caller.accountId;
      if (caller.region !== undefined && caller.region !== SERVED_REGION) warnForeignRegion(caller.region);
      // Quotas are enforced at the front end, as AWS does: before validation, so invalid requests count too.
      if (runtime.throttling === 'aws' && !services.throttle.admit(caller.accountId, route.operation, services.clock.now())) {
        throw new ThrottlingException('Rate exceeded');
      }
      const rendered = await runOperation(route.operation, caller, raw, requestId, seen, text);
      sendRendered(res, requestId, routing, rendered);
    } catch (err) {
      let apiError: ApiError;
      if (err instanceof ApiError) {
        apiError = err;
      } else {
        log.error(`${requestId} unexpected failure: ${err instanceof Error ? err.stack : String(err)}`);
        apiError = new InternalServerException('An internal error occurred. The request was not applied.');
      }
      errorCode = apiError.code;
      prepareErrorAnswer(req, res, apiError.httpStatus, options);
      sendError(res, requestId, routing, apiError);
      if (log.enabled('debug')) log.debug(`${requestId} ${apiError.code}: ${apiError.message}`, { requestId });
    } finally {
      // One line per request, written once its answer is sent; the path stands in for an unroutable operation.
      if (requestLog) {
        log.request({
          requestId,
          operation,
          method: operation === undefined ? req.method : undefined,
          path: operation === undefined ? path.slice(0, 256) : undefined,
          account,
          catalog: seen.catalog,
          status: res.statusCode,
          error: errorCode,
          latencyMs: elapsedMs(started),
        });
      }
    }
  }

  const server = createServer(httpServerOptions(options), (req, res) => {
    const started = requestLog ? performance.now() : 0;
    const requestId = randomUUID();
    closesAfterAnswer(req, res);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const query = q >= 0 ? url.slice(q + 1) : '';
    const control = path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
    const dispatch = () =>
      control ? handleControl(req, res, path, query, services, requestId) : handleApi(req, res, requestId, path, query, started);
    // One integer comparison while the shared clock and configuration are unchanged; a re-read when they moved.
    const refreshing = services.settings.current();
    const work = refreshing === undefined ? dispatch() : refreshing.then(dispatch);
    const answered = work.catch((err: unknown) => {
      log.error(`${requestId} failure while answering: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) sendError(res, requestId, 'awsJson', new InternalServerException('An internal error occurred.'));
      else res.destroy();
    });
    // Control-plane calls are logged too (the API logs itself, without this promise).
    if (control && requestLog) {
      void answered.then(() =>
        log.request({ requestId, method: req.method, path: path.slice(0, 256), status: res.statusCode, latencyMs: elapsedMs(started) }),
      );
    }
  });
  server.keepAliveTimeout = 65_000;
  // Timeouts, unparseable requests, Expect, Upgrade and CONNECT: AWS-shaped answers, no socket left open.
  installHttpEdges(server, options);

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  }).catch(async (err: unknown) => {
    await services.tasks.close();
    await store.close();
    throw listenFailure(err, options.host, options.port);
  });
  const address = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  // Tasks a previous process left due run before the first request is answered.
  await services.tasks.start();
  // Invitations also expire lazily whenever they are read or acted on; this sweep makes the
  // `Engagement Invitation Expired` events appear without a caller touching them. One process sweeps at a time.
  const sweepExpiry = async () => {
    try {
      if (!(await store.tryAcquireLease('invitation-expiry', services.tasks.owner, EXPIRY_SWEEP_MS))) return;
      await expireDueInvitations(services);
    } catch (err) {
      log.error(`invitation expiry sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await sweepExpiry();
  const expirySweep = setInterval(() => void sweepExpiry(), EXPIRY_SWEEP_MS);
  expirySweep.unref();
  services.retention.start();
  await services.delivery.start();
  // The validators' patterns compile while the server already answers (a third of start-up otherwise).
  compilePendingPatterns().catch((err: unknown) => log.error(`compiling the model's patterns: ${err instanceof Error ? err.message : String(err)}`));

  let closing: Promise<void> | null = null;
  return {
    endpoint,
    port: address.port,
    services,
    server,
    readCache,
    close() {
      closing ??= new Promise<void>((done) => {
        clearInterval(expirySweep);
        services.settings.close();
        services.retention.close();
        const tasksClosed = services.tasks.close();
        // Streams end and delivery cursors are saved while the store is still open.
        void services.delivery.close().finally(() => {
          server.close(() => {
            void tasksClosed
              .then(() => store.close())
              .catch((err: unknown) => log.error(`closing the store: ${err instanceof Error ? err.message : String(err)}`))
              .finally(done);
          });
          // Answers queued in this event-loop turn go out before their connections close.
          writeTurnAnswers();
          server.closeAllConnections();
        });
      });
      return closing;
    },
  };
}

