// Start-up failures as one line each: what went wrong and what to do about it. The CLI prints the message of a
// StartupError as is; anything else is a bug and is reported with its stack only at --log-level debug.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServerOptions } from './config.js';
import type { Logger } from './log.js';
import { StoreHealthMonitor } from './store/health.js';
import { checkIntegrityWithin, type IntegrityReport } from './store/integrity.js';
import { isPostgresUrl, openStore } from './store/open.js';
import { SchemaVersionError, type UnitOfWorkStore } from './store/unit-of-work.js';

export class StartupError extends Error {
  constructor(
    message: string,
    /** The error behind it, for --log-level debug. */
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The first line of an error's message, without a trailing period (SQLite's and Node's messages are short). */
function brief(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.replace(/\.$/, '');
}

/** Why the server could not bind `host:port`. */
export function listenFailure(err: unknown, host: string, port: number): StartupError {
  const where = `${host}:${port}`;
  switch (codeOf(err)) {
    case 'EADDRINUSE':
      return new StartupError(`port ${port} on ${host} is already in use; stop the process using it or choose another --port (0 picks a free one)`, err);
    case 'EACCES':
    case 'EPERM':
      return new StartupError(`no permission to listen on ${where} (ports below 1024 need privileges); choose --port 1024 or higher`, err);
    case 'EADDRNOTAVAIL':
      return new StartupError(`--host ${host} is not an address of this machine; use 127.0.0.1, 0.0.0.0 (all interfaces) or one of its addresses`, err);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new StartupError(`--host ${host} does not resolve to an address; use 127.0.0.1, 0.0.0.0 or a host name this machine can resolve`, err);
    case 'EAFNOSUPPORT':
      return new StartupError(`--host ${host} uses an address family this machine does not support; use 127.0.0.1`, err);
    default:
      return new StartupError(`cannot listen on ${where}: ${brief(err)}; check --host and --port`, err);
  }
}

const MOVE_ASIDE = 'move it aside (the server then starts with an empty database) or point --db at another file';

/** Why the database file `path` cannot be used. `problem` is set when the integrity check found damage. */
export function databaseFailure(err: unknown, path: string): StartupError {
  if (err instanceof StartupError) return err;
  if (err instanceof SchemaVersionError) return new StartupError(err.message, err);
  const code = codeOf(err);
  // /proc and /sys are kernel views: files cannot be created there, whatever the permissions say.
  if (/^\/(proc|sys)(\/|$)/.test(path)) {
    return new StartupError(`the database ${path} is under /${path.split('/')[1]}, a kernel file system that cannot hold files; point --db at a regular directory`, err);
  }
  const fsPath = (err as { path?: unknown }).path;
  const subject = typeof fsPath === 'string' ? fsPath : path;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'SQLITE_CANTOPEN':
      return new StartupError(`the database ${path} cannot be opened (${code === 'SQLITE_CANTOPEN' ? brief(err) : `no permission on ${subject}`}); fix its permissions or point --db at a writable location`, err);
    case 'ENOTDIR':
    case 'EEXIST':
      return new StartupError(`the database ${path} cannot be created: ${subject} is a file, not a directory; point --db at a path inside a directory`, err);
    case 'EROFS':
    case 'SQLITE_READONLY':
      return new StartupError(`the database ${path} cannot be written (read-only file or file system); fix its permissions or mount, or point --db at a writable location`, err);
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return new StartupError(`the database ${path} cannot be written: the disk is full; free some space or point --db elsewhere`, err);
    case 'ENOENT':
      return new StartupError(`the database ${path} cannot be created: ${subject} cannot be made (${brief(err)}); point --db at a regular directory`, err);
    case 'SQLITE_NOTADB':
      return new StartupError(`the file ${path} is not a partnercentral-local database (not SQLite, or encrypted); ${MOVE_ASIDE}`, err);
    case 'SQLITE_CORRUPT':
      return new StartupError(`the database ${path} is damaged (${brief(err)}); restore it from a copy or ${MOVE_ASIDE}`, err);
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StartupError(`the database ${path} stayed locked by another process; stop that process or point --db at another file`, err);
    default:
      if (code?.startsWith('SQLITE_IOERR')) {
        return new StartupError(`the database ${path} cannot be read or written (${code}: ${brief(err)}); check the disk and its mount`, err);
      }
      return new StartupError(`the database ${path} cannot be used: ${brief(err)}${code ? ` (${code})` : ''}; point --db at another file`, err);
  }
}

/** The integrity check found damage: the first problems SQLite reported. */
export function damagedDatabase(path: string, problems: readonly string[]): StartupError {
  const shown = problems.slice(0, 2).join('; ');
  const more = problems.length > 2 ? ` and ${problems.length - 2} more` : '';
  return new StartupError(`the database ${path} is damaged (integrity check: ${shown}${more}); restore it from a copy or ${MOVE_ASIDE}`);
}

export interface CheckedStore {
  store: UnitOfWorkStore;
  health: StoreHealthMonitor;
}

/** Where the data lives as the options say: a PostgreSQL URL, ':memory:' or a resolved file path. */
export function databaseLocation(options: ServerOptions): string {
  if (options.inMemory) return ':memory:';
  return isPostgresUrl(options.dbPath) ? options.dbPath : resolve(options.dbPath);
}

/** A PostgreSQL URL with its password masked, for messages. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}

/**
 * Opens the database and proves it usable before the server listens. SQLite: the integrity check (bounded by
 * `integrityCheckBudgetMs`; a longer one finishes in the background and marks the store damaged if it finds
 * damage), then a committed write that leaves the data as it was. PostgreSQL: connect, migrate, and the same
 * committed write. Any failure is a StartupError.
 */
export async function openCheckedStore(options: ServerOptions, log: Logger): Promise<CheckedStore> {
  const location = databaseLocation(options);
  if (isPostgresUrl(location)) {
    let store: UnitOfWorkStore | undefined;
    try {
      store = await openStore(location, { guardNesting: options.guardNestedTransactions });
      const health = new StoreHealthMonitor(store);
      await health.probeWrite();
      return { store, health };
    } catch (err) {
      await store?.close().catch(() => undefined);
      if (err instanceof SchemaVersionError) throw new StartupError(err.message, err);
      throw new StartupError(`the PostgreSQL database ${shown(location)} cannot be used: ${brief(err)}; check the URL, that the server runs and that the user may create tables`, err);
    }
  }
  const sqlite = { durability: options.durability };
  const guardNesting = options.guardNestedTransactions;
  if (location === ':memory:') {
    const store = await openStore(location, { sqlite, guardNesting });
    return { store, health: new StoreHealthMonitor(store) };
  }
  const path = location;
  let late: Promise<IntegrityReport> | null = null;
  if (existsSync(path) && statSync(path).isFile() && statSync(path).size > 0) {
    const { report, pending } = await checkIntegrityWithin(path, options.integrityCheckBudgetMs);
    if (report?.status === 'damaged') throw damagedDatabase(path, report.problems);
    if (report?.status === 'error') throw databaseFailure(Object.assign(new Error(report.message), { code: report.code }), path);
    if (report === null) {
      log.warn(`the integrity check of ${path} takes longer than ${options.integrityCheckBudgetMs} ms; starting while it finishes`);
      late = pending;
    }
  }
  let store: UnitOfWorkStore | undefined;
  let health: StoreHealthMonitor;
  try {
    store = await openStore(path, { sqlite, guardNesting });
    health = new StoreHealthMonitor(store);
    await health.probeWrite();
  } catch (err) {
    await store?.close().catch(() => undefined);
    throw databaseFailure(err, path);
  }
  const opened = health;
  void late?.then((report) => {
    if (report.status === 'damaged') {
      const problem = damagedDatabase(path, report.problems).message;
      opened.reportDamage(problem);
      log.error(problem);
    } else if (report.status === 'ok') {
      log.info(`the integrity check of ${path} found no problems`);
    }
  });
  return { store, health };
}
