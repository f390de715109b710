// Whether the store can take writes now, cheap enough for every health request: it remembers what the last
// write showed (a failure that says the database cannot be written, or success) and re-probes with a no-op
// write when that is over a second old. Damage (SQLITE_CORRUPT/NOTADB) seen by any write sticks until a restart.
// On PostgreSQL the probe is the same committed write: it proves the connection, the server and writability.
import type { UnitOfWorkStore } from './unit-of-work.js';

const UNWRITABLE = /^SQLITE_(READONLY|IOERR|FULL|CANTOPEN|CORRUPT|NOTADB)/;
/** Damage does not heal while the process runs: once seen, health stays unavailable until a restart checks it. */
const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;
const PROBE_INTERVAL_MS = 1000;
/** A health probe waits at most this long for another writer. */
const PROBE_TIMEOUT_MS = 2000;

export interface StoreHealth {
  writable: boolean;
  /** Why not, in a sentence, when not writable. */
  problem?: string;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function describe(err: unknown): string {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const what = DAMAGED.test(code)
    ? 'the database file is damaged'
    : /READONLY/.test(code)
      ? 'the database file is read-only'
      : /FULL/.test(code)
        ? 'the disk holding the database is full'
        : UNWRITABLE.test(code)
          ? 'the database file cannot be written'
          : 'the database cannot be reached or written';
  return `${what} (${code || 'error'}: ${message})`;
}

export class StoreHealthMonitor {
  private problem: string | undefined;
  private damage: string | undefined;
  private checkedAtMs = 0;
  private probing: Promise<void> | null = null;

  constructor(private readonly store: UnitOfWorkStore) {}

  /** A committed write that changes no record (a private sequence advances); throws when it cannot commit. */
  async probeWrite(): Promise<void> {
    await this.store.transaction((uow) => uow.nextSequence('write_probe'));
  }

  /** Records what a failed request's error says about the database (only failures that concern the file count). */
  noteFailure(err: unknown): void {
    const code = codeOf(err);
    if (!UNWRITABLE.test(code)) return;
    this.checkedAtMs = Date.now();
    this.problem = describe(err);
    if (DAMAGED.test(code)) this.damage ??= this.problem;
  }

  /** Marks the database damaged (the background integrity check found problems). */
  reportDamage(problem: string): void {
    this.damage ??= problem;
  }

  async health(): Promise<StoreHealth> {
    if (this.damage === undefined && Date.now() - this.checkedAtMs >= PROBE_INTERVAL_MS) {
      this.probing ??= this.probe().finally(() => {
        this.probing = null;
      });
      await this.probing;
    }
    const problem = this.damage ?? this.problem;
    return problem === undefined ? { writable: true } : { writable: false, problem };
  }

  private async probe(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), PROBE_TIMEOUT_MS);
    });
    try {
      // Slow (another process holds the write lock) says nothing about the database: keep what we knew.
      if ((await Promise.race([this.probeWrite().then(() => 'done' as const), slow])) === 'slow') return;
      this.checkedAtMs = Date.now();
      this.problem = undefined;
    } catch (err) {
      const code = codeOf(err);
      if (code === 'SQLITE_BUSY') return;
      this.checkedAtMs = Date.now();
      this.problem = describe(err);
      if (DAMAGED.test(code)) this.damage ??= this.problem;
    } finally {
      clearTimeout(timer);
    }
  }
}
