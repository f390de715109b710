// Shared test plumbing: an in-process server on port 0 and official SDK clients pointed at it.
import { PartnerCentralSellingClient } from '@aws-sdk/client-partnercentral-selling';
import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type StartOptions } from '../src/server.js';

export const DEFAULT_ACCOUNT = '111111111111';

/** The repository root: tests run compiled from dist/test/, two levels down; scripts and bin/ are not compiled. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The PostgreSQL the PostgreSQL suites use (CI exports it; the default is a local server). */
export const TEST_POSTGRES_URL = process.env.PCL_TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** Why PostgreSQL cannot be used here, or undefined when it answers. */
export async function postgresUnreachable(url = TEST_POSTGRES_URL): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    return `no PostgreSQL at PCL_TEST_POSTGRES_URL (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh schema on the test PostgreSQL: its URL, and how to drop it. */
export function freshPostgresSchema(prefix = 't'): { url: string; schema: string; drop(): Promise<void> } {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = `${TEST_POSTGRES_URL}${TEST_POSTGRES_URL.includes('?') ? '&' : '?'}schema=${schema}`;
  return {
    url,
    schema,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      client.on('error', () => {});
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * An in-process server on port 0, in memory. With `PCL_TEST_ENGINE=postgres` (how `postgres-e2e.test.ts` re-runs
 * the end-to-end suites) a server that would be in memory opens a fresh PostgreSQL schema instead, dropped on close.
 */
export async function startTestServer(options: StartOptions = {}): Promise<RunningServer> {
  const inMemory = options.inMemory ?? options.dbPath === undefined;
  if (process.env.PCL_TEST_ENGINE !== 'postgres' || !inMemory) {
    return startServer({ port: 0, inMemory: true, logLevel: 'silent', seed: 'test-seed', guardNestedTransactions: true, ...options });
  }
  const fresh = freshPostgresSchema();
  let server: RunningServer;
  try {
    server = await startServer({ port: 0, logLevel: 'silent', seed: 'test-seed', guardNestedTransactions: true, ...options, inMemory: false, dbPath: fresh.url });
  } catch (err) {
    await fresh.drop().catch(() => {});
    throw err;
  }
  const close = server.close.bind(server);
  server.close = async () => {
    try {
      await close();
    } finally {
      await fresh.drop();
    }
  };
  return server;
}

/** An official SDK client acting as `accountId` (a 12-digit access key id is that account, decision 7). */
export function clientFor(endpoint: string, accountId: string = DEFAULT_ACCOUNT, secretAccessKey = 'test-secret'): PartnerCentralSellingClient {
  return new PartnerCentralSellingClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: accountId, secretAccessKey },
    maxAttempts: 1,
  });
}

/**
 * One SDK client per account, made on first use and destroyed together. The endpoint is read lazily because
 * suites learn it in `before`, after this is constructed.
 */
export class AccountClients {
  private readonly byAccount = new Map<string, PartnerCentralSellingClient>();
  constructor(private readonly endpoint: () => string) {}

  of(account: string): PartnerCentralSellingClient {
    let client = this.byAccount.get(account);
    if (!client) this.byAccount.set(account, (client = clientFor(this.endpoint(), account)));
    return client;
  }

  destroyAll(): void {
    for (const client of this.byAccount.values()) client.destroy();
  }
}

/** Asserts that `promise` rejects with the named SDK error and returns it. */
export async function sdkError(promise: Promise<unknown>, name: string): Promise<Error & Record<string, any>> {
  try {
    await promise;
  } catch (err) {
    assert.equal((err as Error).name, name, String(err));
    return err as Error & Record<string, any>;
  }
  return assert.fail(`expected ${name}`);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => Record<string, unknown>;
}

/** Raw HTTP, for what the SDK hides (status codes, headers, error bodies). Unsigned unless headers say so. */
export function rawRequest(
  endpoint: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(options.path ?? '/', endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'POST', headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) as Record<string, unknown> });
        });
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A structurally valid (not verified) SigV4 Authorization header set for auth mode `structural`. */
export function fakeSigV4Headers(accountId: string = DEFAULT_ACCOUNT): Record<string, string> {
  const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return {
    'x-amz-date': now,
    authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/${now.slice(0, 8)}/us-east-1/partnercentral-selling/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  };
}

/** Calls an operation over raw HTTP (awsJson1_0 routing) as `accountId`. */
export function callRaw(endpoint: string, operation: string, body: unknown, accountId: string = DEFAULT_ACCOUNT): Promise<RawResponse> {
  return rawRequest(endpoint, {
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSPartnerCentralSelling.${operation}`,
      ...fakeSigV4Headers(accountId),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Reads the control-plane event feed. */
export async function eventsOf(endpoint: string, query: Record<string, string> = {}): Promise<Array<Record<string, unknown>>> {
  const qs = new URLSearchParams(query).toString();
  const res = await rawRequest(endpoint, { method: 'GET', path: `/_emulator/events${qs ? `?${qs}` : ''}` });
  return (res.json().events as Array<Record<string, unknown>>) ?? [];
}

export async function control(endpoint: string, path: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(endpoint, {
    method: body === undefined ? 'GET' : 'POST',
    path: `/_emulator/${path}`,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A control-plane call that must succeed (200 or 201); returns its JSON body. */
export async function controlOk(endpoint: string, path: string, body?: unknown): Promise<Record<string, any>> {
  const res = await control(endpoint, path, body);
  assert.ok(res.status === 200 || res.status === 201, `control ${path}: ${res.status} ${res.body}`);
  return res.json();
}

/** Polls `probe` until it returns a value (not undefined) or the bound runs out. Never sleeps blindly. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, { attempts = 200, intervalMs = 25 } = {}): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met after ${attempts} attempts`);
}

/** The run-time settings a fresh server starts with, restored before each test of a suite. */
const DEFAULT_RUNTIME = { taskProgression: 'immediate', taskDelayMs: 2000, taskPolls: null, forcedTaskFailure: null, referralDelayMs: 0 };

/**
 * One in-process server for a test file: started before its tests (handed to `started`), closed after them,
 * and before each test emptied, given back the default run-time settings and frozen at `t0` on the clock.
 */
export function serverPerSuite(t0: string, started: (server: RunningServer) => void, clients: AccountClients): void {
  let server: RunningServer | undefined;
  before(async () => {
    server = await startTestServer();
    started(server);
  });
  after(async () => {
    clients.destroyAll();
    await server?.close();
  });
  beforeEach(async () => {
    await controlOk(server!.endpoint, 'reset', {});
    await controlOk(server!.endpoint, 'config', DEFAULT_RUNTIME);
    await controlOk(server!.endpoint, 'clock', { set: t0, freeze: true });
  });
}
