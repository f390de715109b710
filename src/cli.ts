// The `partnercentral-local` command. `start` serves the API until SIGINT/SIGTERM.
import { resolve } from 'node:path';
import { loadCredentialsFile, type AuthMode } from './auth/authenticate.js';
import { parseDuration } from './clock.js';
import { MAX_DELAY_MS, MAX_TASK_POLLS, type LogFormat, type LogLevel } from './config.js';
import { startServer, type RunningServer, type StartOptions } from './server.js';
import { EVENT_SOURCE, type EventBridgeTarget } from './delivery/eventbridge.js';
import { StartupError } from './startup.js';
import { VERSION } from './version.js';

const USAGE = `Usage: partnercentral-local start [options]
       partnercentral-local --version

Serves the AWS Partner Central Selling API (partnercentral-selling 2022-07-26) locally.

Options:
  --port <n>                  port to listen on (env PORT; default 4580; 0 picks a free port)
  --host <addr>               address to bind (env HOST; default 127.0.0.1)
  --db <file|url>             SQLite database file, or a postgres:// / postgresql:// URL (env PCL_DB or
                              DATABASE_URL; default ./.partnercentral-local/state.db)
  --durability <mode>         SQLite: full (default; every acknowledged write survives a power loss) |
                              normal (cheaper commits; a power loss may forget the last ones)
  --in-memory                 keep state in memory only (lost on exit)
  --read-cache <MiB|off>      memory for answers of read operations kept until their records change
                              (default 64; off answers every read from the database)
  --auth <mode>               off | structural | strict (env PCL_AUTH; default structural)
  --credentials <file>        JSON file: access key id -> { secretAccessKey, accountId, sessionToken? }
  --default-account <id>      account for unknown access keys (default 111111111111)
  --allow-unsigned-payload    strict auth: accept x-amz-content-sha256: UNSIGNED-PAYLOAD (body not signed)
  --header-timeout <duration> a request's headers must arrive within this, else 408 (default 10s)
  --body-timeout <duration>   a request's body must arrive within this after its headers, else 408 (default 30s)
  --task-progression <mode>   immediate | async (default immediate)
  --task-delay <duration>     with async progression: how long a task takes, e.g. 2s, 500ms (default 2s)
  --task-polls <n>            with async progression: complete a task on its n-th read instead of by time
  --event-retention <dur|off> keep events this long by the business clock, e.g. 30d, 12h (default 30d)
  --event-retention-count <n|off>  keep at most the newest n events (default 1000000)
  --throttling <mode>         aws | off: AWS's documented request quotas per account (default off)
  --seed <text>               seed the identifier source so runs are reproducible
  --seed-file <file>          load a scenario (accounts, opportunities, referrals, clock, settings) at start-up,
                              once per database
  --eventbridge-endpoint <url> forward every event to EventBridge at this endpoint (moto, LocalStack)
  --eventbridge-bus <name>    forward to this event bus (default 'default'; alone: the real service, us-east-1)
  --eventbridge-source <src>  the entries' Source (default aws.partnercentral-selling)
  --log-level <level>         silent | error | warn | info | debug (env PCL_LOG_LEVEL; default info;
                              info logs one line per request, warn keeps only problems)
  --log-format <format>       text | json (env PCL_LOG_FORMAT; default text): json writes one object per line
  -h, --help                  show this help
`;

class UsageError extends Error {}

/** Socket timeouts: positive and at most a day (Node's timers hold at most ~24.8 days). */
function socketTimeout(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || !(ms >= 1) || ms > 86_400_000) throw new UsageError(`${flag} takes a duration from 1ms to 1d, such as 10s or 500ms`);
  return Math.round(ms);
}

/** Longer windows than this (about 100 years) cannot be subtracted from any business time a Date can hold. */
const MAX_RETENTION_MS = 100 * 365 * 86_400_000;

/** The EventBridge flags as a target; credentials come from the SDK's default chain (environment, profile). */
function eventBridgeTarget(flags: { endpoint?: string; bus?: string; source?: string }): EventBridgeTarget {
  if (flags.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(flags.endpoint)) throw new UsageError('--eventbridge-endpoint takes an http or https URL');
  if (flags.bus !== undefined && !/^[A-Za-z0-9._\-/:]{1,1600}$/.test(flags.bus)) throw new UsageError('--eventbridge-bus takes an event bus name or ARN');
  if (flags.source !== undefined && !/^[A-Za-z0-9._-]{1,256}$/.test(flags.source)) throw new UsageError('--eventbridge-source takes a source such as aws.partnercentral-selling');
  return { endpoint: flags.endpoint ?? null, bus: flags.bus ?? 'default', source: flags.source ?? EVENT_SOURCE };
}

function parseArgs(argv: string[]): StartOptions {
  const env = process.env;
  const options: StartOptions = { runtime: {} };
  const runtime = options.runtime!;
  const eventBridge: { endpoint?: string; bus?: string; source?: string } = {};
  if (env.PORT) options.port = Number(env.PORT);
  if (env.HOST) options.host = env.HOST;
  if (env.DATABASE_URL) options.dbPath = env.DATABASE_URL;
  if (env.PCL_DB) options.dbPath = env.PCL_DB;
  if (env.PCL_AUTH) options.auth = env.PCL_AUTH as AuthMode;
  if (env.PCL_LOG_LEVEL) options.logLevel = env.PCL_LOG_LEVEL as LogLevel;
  if (env.PCL_LOG_FORMAT) options.logFormat = env.PCL_LOG_FORMAT as LogFormat;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--port': options.port = Number(value()); break;
      case '--host': options.host = value(); break;
      case '--db': options.dbPath = value(); break;
      case '--in-memory': options.inMemory = true; break;
      case '--durability': {
        const mode = value();
        if (mode !== 'full' && mode !== 'normal') throw new UsageError('--durability takes full or normal');
        options.durability = mode;
        break;
      }
      case '--read-cache': {
        const text = value();
        const mib = text === 'off' ? 0 : /^\d{1,5}$/.test(text) ? Number(text) : NaN;
        if (!(mib <= 65_536)) throw new UsageError('--read-cache takes a size in MiB from 0 to 65536, or off');
        options.readCacheBytes = mib * 1024 * 1024;
        break;
      }
      case '--auth': options.auth = value() as AuthMode; break;
      case '--credentials': options.credentialsFile = resolve(value()); break;
      case '--default-account': options.defaultAccountId = value(); break;
      case '--task-progression': runtime.taskProgression = value() as 'immediate' | 'async'; break;
      case '--task-delay': {
        const ms = parseDuration(value());
        if (ms === null || ms < 0 || ms > MAX_DELAY_MS) throw new UsageError('--task-delay takes a duration from 0ms to 3650d, such as 2s or 500ms');
        runtime.taskDelayMs = ms;
        break;
      }
      case '--allow-unsigned-payload': options.allowUnsignedPayload = true; break;
      case '--header-timeout': options.headerTimeoutMs = socketTimeout(name, value()); break;
      case '--body-timeout': options.bodyTimeoutMs = socketTimeout(name, value()); break;
      case '--task-polls': runtime.taskPolls = Number(value()); break;
      case '--event-retention': {
        const text = value();
        const ms = text === 'off' ? null : parseDuration(text);
        if (text !== 'off' && (ms === null || ms <= 0 || ms > MAX_RETENTION_MS)) throw new UsageError('--event-retention takes a positive duration such as 7d or 12h, or off');
        options.eventRetentionMs = ms;
        break;
      }
      case '--event-retention-count': {
        const text = value();
        const n = text === 'off' ? null : Number(text);
        if (n !== null && (!Number.isSafeInteger(n) || n < 1)) throw new UsageError('--event-retention-count takes a positive integer, or off');
        options.eventRetentionCount = n;
        break;
      }
      case '--throttling': runtime.throttling = value() as 'aws' | 'off'; break;
      case '--seed': options.seed = value(); break;
      case '--seed-file': options.seedFile = resolve(value()); break;
      case '--eventbridge-endpoint': eventBridge.endpoint = value(); break;
      case '--eventbridge-bus': eventBridge.bus = value(); break;
      case '--eventbridge-source': eventBridge.source = value(); break;
      case '--log-level': options.logLevel = value() as LogLevel; break;
      case '--log-format': options.logFormat = value() as LogFormat; break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE);
        process.exit(0);
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) throw new UsageError('--port must be 0–65535');
  if (options.auth !== undefined && !['off', 'structural', 'strict'].includes(options.auth)) throw new UsageError('--auth must be off, structural or strict');
  if (runtime.taskProgression !== undefined && !['immediate', 'async'].includes(runtime.taskProgression)) throw new UsageError('--task-progression must be immediate or async');
  if (runtime.throttling !== undefined && !['aws', 'off'].includes(runtime.throttling)) throw new UsageError('--throttling must be aws or off');
  if (runtime.taskPolls !== undefined && runtime.taskPolls !== null && (!Number.isInteger(runtime.taskPolls) || runtime.taskPolls < 1 || runtime.taskPolls > MAX_TASK_POLLS)) throw new UsageError(`--task-polls must be an integer from 1 to ${MAX_TASK_POLLS}`);
  if (options.logLevel !== undefined && !['silent', 'error', 'warn', 'info', 'debug'].includes(options.logLevel)) throw new UsageError('--log-level must be silent, error, warn, info or debug');
  if (options.logFormat !== undefined && !['text', 'json'].includes(options.logFormat)) throw new UsageError('--log-format must be text or json');
  if (options.defaultAccountId !== undefined && !/^\d{12}$/.test(options.defaultAccountId)) throw new UsageError('--default-account must be 12 digits');
  if (eventBridge.endpoint !== undefined || eventBridge.bus !== undefined || eventBridge.source !== undefined) {
    options.eventBridge = eventBridgeTarget(eventBridge);
  }
  if (options.credentialsFile) options.credentials = loadCredentialsFile(options.credentialsFile);
  if (options.auth === 'strict' && (options.credentials?.size ?? 0) === 0) {
    throw new UsageError('--auth strict needs --credentials <file> with at least one access key');
  }
  return options;
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === '-v' || command === '--version' || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (command !== 'start') {
    process.stderr.write(`partnercentral-local: unknown command '${command}'\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  let options: StartOptions;
  try {
    options = parseArgs(rest);
  } catch (err) {
    process.stderr.write(`partnercentral-local: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
    return;
  }
  // Until the server runs, a signal ends the process at once: start-up may be waiting on a slow integrity check.
  let running: RunningServer | undefined;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (running === undefined) {
      process.stderr.write(`partnercentral-local: ${signal} received during start-up, not started\n`);
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    if (stopping) return;
    stopping = true;
    running.services.log.info(`${signal} received, shutting down`);
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    running = await startServer(options);
  } catch (err) {
    // One line naming the problem and the fix; a stack only for failures nobody anticipated, and only on request.
    const known = err instanceof StartupError;
    const message = known ? err.message : `unexpected failure: ${err instanceof Error ? err.message : String(err)} (run with --log-level debug for details)`;
    process.stderr.write(`partnercentral-local: could not start: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    if (options.logLevel === 'debug') {
      const detail = known ? err.detail : err;
      if (detail instanceof Error && detail.stack) process.stderr.write(`${detail.stack}\n`);
    }
    // Exit now: an integrity check still running on a worker thread must not hold the process.
    process.exit(1);
  }
  const { log } = running.services;
  log.info(`partnercentral-local listening on ${running.endpoint} (auth ${running.services.options.auth}, tasks ${running.services.runtime.taskProgression})`);
  log.info(`data: ${running.services.store.location}`);
  log.info(`control plane: ${running.endpoint}/_emulator/health`);
}
