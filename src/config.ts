// Options of one server instance: what the CLI flags, environment variables and startServer() accept, and
// the part that the control plane may change at run time.
import type { AuthMode, CredentialEntry } from './auth/authenticate.js';
import type { ReasonCode } from './model/generated/types.js';
import type { QuotaOverrides } from './throttling/quotas.js';
import type { EventBridgeTarget } from './delivery/eventbridge.js';
import { DEFAULT_RETRY, type RetryPolicy } from './delivery/follower.js';

export type TaskProgression = 'immediate' | 'async';
export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
/** `aws`: AWS's documented request quotas apply (decision 23); `off`: nothing is throttled. */
export type ThrottlingMode = 'aws' | 'off';
export type LogFormat = 'text' | 'json';

/** Settings the control plane can read and change while the server runs (`/_emulator/config`). */
export interface RuntimeConfig {
  /** `immediate`: a Start*Task call answers with the task already COMPLETE or FAILED (as AWS's Sandbox does). */
  taskProgression: TaskProgression;
  /** `async`: a task completes this many ms (business clock) after it started… */
  taskDelayMs: number;
  /** …or, when set, after it has been read this many times (Start replay or List). */
  taskPolls: number | null;
  /** When set, every new accept task fails with this outcome (fault injection). */
  forcedTaskFailure: { reasonCode: ReasonCode; message: string } | null;
  /** Delay before a simulated AWS referral's invitation appears (decision 16). */
  referralDelayMs: number;
  throttling: ThrottlingMode;
}

export interface ServerOptions {
  port: number;
  host: string;
  /** SQLite file, or a `postgres://` / `postgresql://` URL for PostgreSQL; ignored when `inMemory`. */
  dbPath: string;
  /**
   * SQLite's `synchronous`: `full` (default) makes every acknowledged write survive a power loss; `normal` makes
   * commits cheaper and survives process crashes, but a power loss may forget the last commits (never corrupts).
   */
  durability: 'full' | 'normal';
  inMemory: boolean;
  /** Start-up waits this long for the database integrity check; a longer check finishes in the background. */
  integrityCheckBudgetMs: number;
  /** A development check, not a CLI flag: refuse a transaction opened inside another (see guardNesting). */
  guardNestedTransactions: boolean;
  auth: AuthMode;
  credentials: ReadonlyMap<string, CredentialEntry>;
  credentialsFile: string | null;
  defaultAccountId: string;
  /** Seed of the identifier source; null draws one at random (persisted with the database). */
  seed: string | null;
  logLevel: LogLevel;
  /** `text`: one readable line per entry; `json`: one JSON object per line (`time`, `level`, `msg`, fields). */
  logFormat: LogFormat;
  /** Where log lines go (one call per line, no trailing newline); null writes them to stderr. */
  logSink: ((line: string) => void) | null;
  runtime: RuntimeConfig;
  /** Largest request body accepted (bytes). */
  maxBodyBytes: number;
  /** A request's headers must arrive within this long (ms), or it is answered 408 and its socket destroyed. */
  headerTimeoutMs: number;
  /** A request's body must arrive within this long after its headers (ms); same answer. */
  bodyTimeoutMs: number;
  /** Strict auth only: accept `x-amz-content-sha256: UNSIGNED-PAYLOAD` (the body is then not covered by the signature). */
  allowUnsignedPayload: boolean;
  /** How long a ClientToken is remembered (decision 9). */
  idempotencyTtlMs: number;
  /** Invitations expire this long after they are sent (decision 18). */
  invitationTtlMs: number;
  /** Events older than this (business clock) are deleted from the outbox; null keeps them regardless of age. */
  eventRetentionMs: number | null;
  /** At most this many events are kept (the newest); null sets no limit. */
  eventRetentionCount: number | null;
  /** Budget of the read cache in bytes (keys and answers). */
  readCacheBytes: number;
  /**
   * A testing knob, not a CLI flag: replaces the numbers of some quota classes (e.g. a daily write quota of 3)
   * so a test can reach a limit cheaply. Null keeps AWS's numbers.
   */
  throttlingQuotas: QuotaOverrides | null;
  /** A scenario file loaded at start-up, once per database (`--seed-file`); null loads none. */
  seedFile: string | null;
  /** Forward every outbox event to EventBridge (PutEvents); null: off. */
  eventBridge: EventBridgeTarget | null;
  /** Retry timings of webhooks and EventBridge forwarding (tests shorten the backoff). */
  deliveryRetry: RetryPolicy;
}

/** Upper bound of `taskDelayMs` and `referralDelayMs`: ten years of business time is more than any test waits. */
export const MAX_DELAY_MS = 10 * 365 * 86_400_000;
/** Upper bound of `taskPolls`. */
export const MAX_TASK_POLLS = 1_000_000;

export const DEFAULT_PORT = 4580;
export const DEFAULT_DB_PATH = './.partnercentral-local/state.db';

export function defaultOptions(): ServerOptions {
  return {
    port: DEFAULT_PORT,
    host: '127.0.0.1',
    dbPath: DEFAULT_DB_PATH,
    durability: 'full',
    inMemory: false,
    integrityCheckBudgetMs: 3000,
    guardNestedTransactions: false,
    auth: 'structural',
    credentials: new Map(),
    credentialsFile: null,
    defaultAccountId: '111111111111',
    seed: null,
    logLevel: 'info',
    logFormat: 'text',
    logSink: null,
    runtime: {
      taskProgression: 'immediate',
      taskDelayMs: 2000,
      taskPolls: null,
      forcedTaskFailure: null,
      referralDelayMs: 0,
      throttling: 'off',
    },
    maxBodyBytes: 5 * 1024 * 1024,
    headerTimeoutMs: 10_000,
    bodyTimeoutMs: 30_000,
    allowUnsignedPayload: false,
    idempotencyTtlMs: 24 * 3600 * 1000,
    invitationTtlMs: 15 * 24 * 3600 * 1000,
    eventRetentionMs: 30 * 24 * 3600 * 1000,
    eventRetentionCount: 1_000_000,
    readCacheBytes: 64 * 1024 * 1024,
    throttlingQuotas: null,
    seedFile: null,
    eventBridge: null,
    deliveryRetry: DEFAULT_RETRY,
  };
}
