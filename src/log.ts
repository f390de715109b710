// A tiny levelled logger writing one line per entry to stderr (stdout stays free for the CLI's own output).
import type { LogLevel } from './config.js';

const rank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  enabled(level: LogLevel): boolean;
}

export function createLogger(level: LogLevel): Logger {
  const at = rank[level];
  const write = (name: LogLevel, message: string) => {
    if (rank[name] <= at) process.stderr.write(`${new Date().toISOString()} ${name.toUpperCase().padEnd(5)} ${message}\n`);
  };
  return {
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    enabled: (l) => rank[l] <= at,
  };
}
