// The integrity check at start-up: SQLite's quick_check (every page and index structure, no cross-checks of
// index contents) on a worker thread. It reads the whole file: ~1.3 s per GB from the page cache, ~20 s per GB
// from a cold disk, so start-up waits only up to a budget and lets a longer check finish in the background.
import { Worker } from 'node:worker_threads';

export type IntegrityReport =
  | { status: 'ok' }
  | { status: 'damaged'; problems: string[] }
  /** SQLite could not even open or read the file (e.g. SQLITE_NOTADB). */
  | { status: 'error'; code: string; message: string };

/** Starts quick_check on the database file at `path`; the promise settles when the check has finished. */
export function checkIntegrity(path: string): Promise<IntegrityReport> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./integrity-worker.js', import.meta.url), { workerData: { path } });
    // A check still running must not keep the process alive once everything else is done.
    worker.unref();
    worker.once('message', (report: IntegrityReport) => resolve(report));
    worker.once('error', (err) => resolve({ status: 'error', code: 'WORKER', message: err.message }));
    worker.once('exit', () => resolve({ status: 'error', code: 'WORKER', message: 'the integrity check stopped without a result' }));
  });
}

/** The report if the check finishes within `budgetMs`, else null (the check goes on; `pending` still settles). */
export async function checkIntegrityWithin(path: string, budgetMs: number): Promise<{ report: IntegrityReport | null; pending: Promise<IntegrityReport> }> {
  const pending = checkIntegrity(path);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), budgetMs);
  });
  const report = await Promise.race([pending, late]);
  clearTimeout(timer);
  return { report, pending };
}
