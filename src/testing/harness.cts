// What a test suite needs from a running emulator: an official SDK client per account, the event outbox, the
// business clock and reset. Everything goes through the public API and the control plane over HTTP, so it works
// the same whether the server runs in this process (ESM entry) or in a child process (CommonJS entry).
// CommonJS itself, so both entries share it: Jest's default mode cannot load ES modules.
import { request } from 'node:http';
import type { PartnerCentralSellingClient, PartnerCentralSellingClientConfig } from '@aws-sdk/client-partnercentral-selling';
import type { EventEnvelope } from '../events/envelope.js';

export type { EventEnvelope };
export type Catalog = 'AWS' | 'Sandbox';

/** The account a client acts as when none is named (the server's default account). */
export const DEFAULT_TEST_ACCOUNT = '111111111111';

/**
 * Where the business clock starts: an ISO instant from which it keeps running, or `{ set, freeze: true }` to hold
 * it there. Same meaning as `POST /_emulator/clock`.
 */
export type ClockSetting = string | { set: string; freeze?: boolean };

/** Filters of `GET /_emulator/events`; events come oldest first. */
export interface EventFilter {
  account?: string;
  detailType?: string;
  catalog?: Catalog;
  /** Only events after this event id. */
  after?: string;
  limit?: number;
}

/** What `GET`/`POST /_emulator/clock` answer. */
export interface ClockView {
  now: string;
  offsetMs: number;
  frozen: boolean;
  wallClock: string;
}

export interface TestClock {
  /** The business clock's current instant (ISO 8601). */
  now(): Promise<string>;
  /** Moves the clock to `instant`; `freeze: true` holds it there. Returns the new instant. */
  set(instant: string, options?: { freeze?: boolean }): Promise<string>;
  /** Moves the clock by a duration such as `15d`, `2h` or `-30m`. Returns the new instant. */
  advance(duration: string): Promise<string>;
}

/** A server that answers at `endpoint`, however it was started. */
export interface ServerHandle {
  endpoint: string;
  close(): Promise<void>;
}

/** The control plane answered with an error status. */
export class ControlPlaneError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    path: string,
  ) {
    const detail = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : JSON.stringify(body);
    super(`${path} answered ${status}: ${detail}`);
    this.name = 'ControlPlaneError';
  }
}

type SdkModule = typeof import('@aws-sdk/client-partnercentral-selling');

/** The user's copy of the SDK, loaded on first use: it is an optional peer dependency. */
function loadSdk(): SdkModule {
  try {
    return require('@aws-sdk/client-partnercentral-selling') as SdkModule;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND') {
      throw new Error('client() needs @aws-sdk/client-partnercentral-selling: npm install -D @aws-sdk/client-partnercentral-selling');
    }
    throw err;
  }
}

export class TestServer {
  readonly endpoint: string;
  readonly clock: TestClock;
  private readonly clients = new Map<string, PartnerCentralSellingClient>();
  private readonly extraClients: PartnerCentralSellingClient[] = [];
  private closed = false;

  constructor(
    private readonly handle: ServerHandle,
    private readonly initialClock: ClockSetting | undefined,
  ) {
    this.endpoint = handle.endpoint;
    const moveClock = async (body: Record<string, unknown>) => (await this.control<ClockView>('POST', '/_emulator/clock', body)).now;
    this.clock = {
      now: async () => (await this.control<ClockView>('GET', '/_emulator/clock')).now,
      set: (instant, options = {}) => moveClock({ set: instant, ...(options.freeze === undefined ? {} : { freeze: options.freeze }) }),
      advance: (duration) => moveClock({ advance: duration }),
    };
  }

  /**
   * An official SDK client acting as `accountId` (a 12-digit access key id is that account). Clients without
   * `config` are made once per account; all are destroyed by `close()`.
   */
  client(accountId: string = DEFAULT_TEST_ACCOUNT, config: Partial<PartnerCentralSellingClientConfig> = {}): PartnerCentralSellingClient {
    if (!/^\d{12}$/.test(accountId)) throw new TypeError(`accountId must be 12 digits, got '${accountId}'`);
    const reuse = Object.keys(config).length === 0;
    const cached = reuse ? this.clients.get(accountId) : undefined;
    if (cached) return cached;
    const { PartnerCentralSellingClient: Client } = loadSdk();
    const client = new Client({
      endpoint: this.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: accountId, secretAccessKey: 'partnercentral-local' },
      ...config,
    });
    if (reuse) this.clients.set(accountId, client);
    else this.extraClients.push(client);
    return client;
  }

  /** Events of the outbox (`GET /_emulator/events`), oldest first. */
  async events(filter: EventFilter = {}): Promise<EventEnvelope[]> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filter)) if (value !== undefined) query.set(name, String(value));
    const text = query.toString();
    const answer = await this.control<{ events: EventEnvelope[] }>('GET', `/_emulator/events${text ? `?${text}` : ''}`);
    return answer.events;
  }

  /**
   * Deletes all state (`POST /_emulator/reset`) and puts the clock back where the server started; with a scope,
   * only that account's and/or catalog's state, clock untouched.
   */
  async reset(scope: { accountId?: string; catalog?: Catalog } = {}): Promise<void> {
    await this.control('POST', '/_emulator/reset', scope);
    if (scope.accountId === undefined && scope.catalog === undefined) await applyClock(this, this.initialClock);
  }

  /** Any control-plane call, e.g. `control('POST', '/_emulator/config', { taskProgression: 'async' })`. */
  control<T = unknown>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    return controlRequest<T>(this.endpoint, method, path, body);
  }

  /** Destroys the clients and stops the server. Calling it again does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const client of [...this.clients.values(), ...this.extraClients]) client.destroy();
    this.clients.clear();
    await this.handle.close();
  }
}

async function applyClock(server: TestServer, setting: ClockSetting | undefined): Promise<void> {
  if (setting === undefined) return;
  const { set, freeze } = typeof setting === 'string' ? { set: setting, freeze: undefined } : setting;
  await server.clock.set(set, freeze === undefined ? {} : { freeze });
}

/** Wraps a started server; a clock setting the control plane refuses stops the server and rejects. */
export async function openTestServer(handle: ServerHandle, clock?: ClockSetting): Promise<TestServer> {
  const server = new TestServer(handle, clock);
  try {
    await applyClock(server, clock);
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

/** One JSON request to the control plane; a non-2xx answer rejects with ControlPlaneError. */
function controlRequest<T>(endpoint: string, method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
  const payload = method === 'POST' ? JSON.stringify(body ?? {}) : undefined;
  return new Promise<T>((resolve, reject) => {
    const req = request(new URL(path, endpoint), { method, headers: payload === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text === '' ? null : JSON.parse(text);
        } catch {
          // Not JSON: report the text as it came.
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(parsed as T);
        else reject(new ControlPlaneError(status, parsed, path));
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
