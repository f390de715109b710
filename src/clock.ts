// The emulator's business clock. Invitation expiry, CreatedDate, StartTime and event times read it; the HTTP
// `Date` header never does (SDKs correct their signing clock from `Date`, protocol.md §5.5).

export interface ClockState {
  /** Milliseconds added to the wall clock. */
  offsetMs: number;
  /** When set, time stands still at this instant (ms since epoch). */
  frozenAtMs: number | null;
}

/**
 * Business time stays within the instants whose RFC 3339 form has a four-digit year, from the Unix epoch on:
 * every SDK parses those, and they sit far inside what a JS Date can hold (±8.64e15 ms). Outside this range
 * `toISOString()` throws or yields `+275760-…`, which would break every write and every answer that shows a date.
 */
export const MIN_BUSINESS_TIME_MS = Date.UTC(1970, 0, 1);
export const MAX_BUSINESS_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** No duration longer than the whole business range (in whole days) can ever be applied, so none is parsed. */
export const MAX_DURATION_MS = Math.floor((MAX_BUSINESS_TIME_MS - MIN_BUSINESS_TIME_MS) / 86_400_000) * 86_400_000;

export const BUSINESS_TIME_RANGE = `${new Date(MIN_BUSINESS_TIME_MS).toISOString()} … ${new Date(MAX_BUSINESS_TIME_MS).toISOString()}`;

export function isBusinessTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_BUSINESS_TIME_MS && ms <= MAX_BUSINESS_TIME_MS;
}

/** A clock change that would leave business time outside the representable range; the clock is unchanged. */
export class ClockRangeError extends Error {}

export class Clock {
  private state: ClockState;
  constructor(
    initial: ClockState = { offsetMs: 0, frozenAtMs: null },
    private readonly wallClock: () => number = Date.now,
  ) {
    this.state = this.checked(initial);
  }

  now(): number {
    return this.state.frozenAtMs ?? this.wallClock() + this.state.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  snapshot(): ClockState {
    return { ...this.state };
  }

  /** A detached copy on the same wall clock, to try a series of changes before applying any of them. */
  fork(): Clock {
    return new Clock(this.state, this.wallClock);
  }

  /** Moves business time to `atMs`; keeps it frozen there when `freeze`, otherwise lets it run on from there. */
  set(atMs: number, freeze: boolean): void {
    this.state = this.checked(freeze ? { offsetMs: 0, frozenAtMs: atMs } : { offsetMs: atMs - this.wallClock(), frozenAtMs: null });
  }

  advance(ms: number): void {
    const { offsetMs, frozenAtMs } = this.state;
    this.state = this.checked(frozenAtMs !== null ? { offsetMs, frozenAtMs: frozenAtMs + ms } : { offsetMs: offsetMs + ms, frozenAtMs });
  }

  /** Takes over a saved state (it may come from a database file, so its shape is checked too). */
  restore(state: ClockState): void {
    this.state = this.checked(state);
  }

  /** The single guard every change passes: nothing can give this clock an unrepresentable time. */
  private checked(state: ClockState): ClockState {
    const { offsetMs, frozenAtMs } = state as { offsetMs: unknown; frozenAtMs: unknown };
    if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs) || (frozenAtMs !== null && typeof frozenAtMs !== 'number')) {
      throw new ClockRangeError(`not a clock state: ${JSON.stringify(state)}`);
    }
    const at = frozenAtMs ?? this.wallClock() + offsetMs;
    if (!isBusinessTime(at)) {
      const shown = Number.isFinite(at) && Math.abs(at) <= 8.64e15 ? new Date(at).toISOString() : String(at);
      throw new ClockRangeError(`business time would be ${shown}, outside ${BUSINESS_TIME_RANGE}`);
    }
    return { offsetMs, frozenAtMs };
  }
}

const DURATION_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// Bounded digit counts keep the match linear and the number finite; longer text is refused before matching.
const DURATION = /^(-?)(\d{1,16})(?:\.(\d{1,3}))?(ms|s|m|h|d)?$/;

/**
 * Parses durations such as `15d`, `2h`, `30m`, `1.5s`, `500ms` or a number of milliseconds. Null for anything
 * else, for a fraction of a millisecond, and for more than the business range spans (`MAX_DURATION_MS`).
 */
export function parseDuration(text: string | number): number | null {
  let ms: number;
  if (typeof text === 'number') {
    ms = text;
  } else {
    const m = DURATION.exec(text.length <= 40 ? text.trim() : '');
    if (!m) return null;
    // Exact arithmetic in thousandths of the unit: 1.001s is 1001 ms, not 1000.9999999999999.
    const thousandths = BigInt(m[2]!) * 1000n + BigInt((m[3] ?? '').padEnd(3, '0'));
    const scaled = thousandths * BigInt(DURATION_UNITS[(m[4] ?? 'ms') as keyof typeof DURATION_UNITS]);
    if (scaled % 1000n !== 0n) return null;
    ms = Number(scaled / 1000n) * (m[1] === '-' ? -1 : 1);
  }
  if (ms === 0) ms = 0; // -0 reads oddly in a config answer
  return Number.isSafeInteger(ms) && Math.abs(ms) <= MAX_DURATION_MS ? ms : null;
}

/** The shortest exact spelling of a duration, for messages: `3650d`, `90s`, `1500ms`. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms !== 0 && ms % DURATION_UNITS[unit] === 0) return `${ms / DURATION_UNITS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
