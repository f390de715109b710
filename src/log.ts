// A tiny levelled logger writing one line per entry, as text or as one JSON object per line, to stderr by default
// (stdout stays free for the CLI's own output) or to an injected sink. A disabled level costs one comparison:
// callers that build expensive messages check `enabled()` first.
import type { LogFormat, LogLevel } from './config.js';

const rank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** Receives one finished line, without its trailing newline. */
export type LogSink = (line: string) => void;

/** Structured fields: JSON mode writes them as members, text mode as ` key=value` after the message. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** What the request log records about one answered request (public API or control plane). */
export interface RequestLogEntry {
  requestId: string;
  /** The API operation, when the request got as far as naming one. */
  operation?: string;
  /** Without an operation (control plane, unroutable API calls): method and path. */
  method?: string;
  path?: string;
  account?: string;
  catalog?: string;
  status: number;
  /** The AWS error code (`ResourceNotFoundException`), when the answer is an API error. */
  error?: string;
  latencyMs: number;
}

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** One line per answered request, at info. */
  request(entry: RequestLogEntry): void;
  enabled(level: LogLevel): boolean;
}

export interface LoggerSettings {
  level: LogLevel;
  format?: LogFormat;
  sink?: LogSink | null;
}

const toStderr: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

const LEVEL_LABEL: Record<LogLevel, string> = { silent: '', error: 'ERROR', warn: 'WARN ', info: 'INFO ', debug: 'DEBUG' };

function textFields(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  let out = '';
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) out += ` ${key}=${value}`;
  }
  return out;
}

/** `GetOpportunity 200 1.4ms account=… catalog=AWS id=…`; an error code follows the status. */
function textRequest(e: RequestLogEntry): string {
  return (
    `${e.operation ?? `${e.method} ${e.path}`} ${e.status}${e.error === undefined ? '' : ` ${e.error}`} ${e.latencyMs}ms` +
    `${e.account === undefined ? '' : ` account=${e.account}`}${e.catalog === undefined ? '' : ` catalog=${e.catalog}`} id=${e.requestId}`
  );
}

export function createLogger(settings: LoggerSettings | LogLevel): Logger {
  const { level, format = 'text', sink } = typeof settings === 'string' ? { level: settings } : settings;
  const at = rank[level];
  const out = sink ?? toStderr;
  const json = format === 'json';
  const write = (name: LogLevel, message: string, fields: LogFields | undefined) => {
    if (rank[name] > at) return;
    const time = new Date().toISOString();
    out(json ? JSON.stringify({ time, level: name, msg: message, ...fields }) : `${time} ${LEVEL_LABEL[name]} ${message}${textFields(fields)}`);
  };
  const infoOn = rank.info <= at;
  return {
    error: (m, f) => write('error', m, f),
    warn: (m, f) => write('warn', m, f),
    info: (m, f) => write('info', m, f),
    debug: (m, f) => write('debug', m, f),
    request(e) {
      if (!infoOn) return;
      const time = new Date().toISOString();
      if (!json) {
        out(`${time} ${LEVEL_LABEL.info} ${textRequest(e)}`);
        return;
      }
      // Fixed member order, so lines read alike; JSON.stringify leaves out the undefined ones.
      out(
        JSON.stringify({
          time,
          level: 'info',
          msg: 'request',
          requestId: e.requestId,
          operation: e.operation,
          method: e.method,
          path: e.path,
          account: e.account,
          catalog: e.catalog,
          status: e.status,
          error: e.error,
          latencyMs: e.latencyMs,
        }),
      );
    },
    enabled: (l) => rank[l] <= at,
  };
}
