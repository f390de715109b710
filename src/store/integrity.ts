// The integrity check at start-up: SQLite's quick_check (every page and b-tree structure, without cross-checking
// index contents). It reads the whole file: ~1.3 s per GB from the page cache, ~20 s per GB from a cold disk.
// Small files are checked in-process; larger ones in a child process, so that start-up waits only up to a budget,
// the check can finish in the background, and a signal or exit can stop it (a worker thread stuck in SQLite
// would hold the process until it returned).
import { fork } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type IntegrityReport =
  | { status: 'ok' }
  | { status: 'damaged'; problems: string[] }
  /** SQLite could not even open or read the file (e.g. SQLITE_NOTADB, SQLITE_CORRUPT in the schema). */
  | { status: 'error'; code: string; message: string };

/** Files up to this size are checked in-process: well under a second even from a cold disk. */
const IN_PROCESS_MAX_BYTES = 32 * 1024 * 1024;

/** Runs quick_check on its own connection and says what it found. */
export function quickCheck(path: string): IntegrityReport {
  try {
    const db = new Database(path, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      // At most 10 problems: enough to describe the damage without walking all of it. SQLite answers one row
      // per problem, or one row of several lines headed '*** in database main ***'.
      const rows = db.pragma('quick_check(10)', { simple: false }) as Record<string, unknown>[];
      const problems = rows
        .flatMap((row) => String(Object.values(row)[0]).split('\n'))
        .filter((line) => line !== 'ok' && !line.startsWith('***'));
      return problems.length === 0 ? { status: 'ok' } : { status: 'damaged', problems };
    } finally {
      db.close();
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { status: 'error', code: typeof code === 'string' ? code : 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
  }
}

/** quick_check in a child process (this module run as a script); killed if this process exits first. */
function quickCheckInChild(path: string): Promise<IntegrityReport> {
  return new Promise((resolve) => {
    const child = fork(fileURLToPath(import.meta.url), [path], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const stop = () => child.kill('SIGKILL');
    process.once('exit', stop);
    child.unref();
    child.channel?.unref();
    child.once('message', (report: IntegrityReport) => resolve(report));
    child.once('exit', () => {
      process.off('exit', stop);
      resolve({ status: 'error', code: 'UNKNOWN', message: 'the integrity check stopped without a result' });
    });
  });
}

/**
 * The report if the check finishes within `budgetMs`, else null; `pending` settles when the check has finished
 * either way.
 */
export async function checkIntegrityWithin(path: string, budgetMs: number): Promise<{ report: IntegrityReport | null; pending: Promise<IntegrityReport> }> {
  if (statSync(path).size <= IN_PROCESS_MAX_BYTES) {
    const report = quickCheck(path);
    return { report, pending: Promise.resolve(report) };
  }
  const pending = quickCheckInChild(path);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
  });
  const report = await Promise.race([pending, late]);
  clearTimeout(timer);
  return { report, pending };
}

// Run as a child process: check the file named on the command line and send the report back.
if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = quickCheck(process.argv[2]!);
  process.send(report, () => process.exit(0));
}
