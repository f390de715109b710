// Runs SQLite's quick_check on its own connection, off the main thread, so that start-up can stop waiting for a
// large file (and still answer signals) while the check goes on. Posts one IntegrityReport.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { IntegrityReport } from './integrity.js';

const { path } = workerData as { path: string };
let report: IntegrityReport;
try {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // At most 10 problems: enough to describe the damage without walking all of it.
    const rows = db.pragma('quick_check(10)', { simple: false }) as Record<string, unknown>[];
    const problems = rows.map((row) => String(Object.values(row)[0])).filter((line) => line !== 'ok');
    report = problems.length === 0 ? { status: 'ok' } : { status: 'damaged', problems };
  } finally {
    db.close();
  }
} catch (err) {
  const code = (err as { code?: unknown }).code;
  report = { status: 'error', code: typeof code === 'string' ? code : 'UNKNOWN', message: err instanceof Error ? err.message : String(err) };
}
parentPort!.postMessage(report);
