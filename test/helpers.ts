// Shared test plumbing: an in-process server on port 0 and official SDK clients pointed at it.
import { PartnerCentralSellingClient } from '@aws-sdk/client-partnercentral-selling';
import { request } from 'node:http';
import { spawnSync } from 'node:child_process';
import { startServer, type RunningServer, type StartOptions } from '../src/server.js';

export const DEFAULT_ACCOUNT = '111111111111';

export async function startTestServer(options: StartOptions = {}): Promise<RunningServer> {
  return startServer({ port: 0, inMemory: true, logLevel: 'silent', seed: 'test-seed', ...options });
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

let pythonChecked: boolean | null = null;
/** True when python3 with boto3 is installed; Python-based tests skip otherwise. */
export function hasBoto3(): boolean {
  if (pythonChecked === null) {
    const r = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    pythonChecked = r.status === 0;
  }
  return pythonChecked;
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
