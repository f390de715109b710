// The emulator's business clock. Invitation expiry, CreatedDate, StartTime and event times read it; the HTTP
// `Date` header never does (SDKs correct their signing clock from `Date`, protocol.md §5.5).

export interface ClockState {
  /** Milliseconds added to the wall clock. */
  offsetMs: number;
  /** When set, time stands still at this instant (ms since epoch). */
  frozenAtMs: number | null;
}

export class Clock {
  private state: ClockState;
  constructor(
    initial: ClockState = { offsetMs: 0, frozenAtMs: null },
    private readonly wallClock: () => number = Date.now,
  ) {
    this.state = { ...initial };
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

  /** Moves business time to `atMs`; keeps it frozen there when `freeze`, otherwise lets it run on from there. */
  set(atMs: number, freeze: boolean): void {
    this.state = freeze ? { offsetMs: 0, frozenAtMs: atMs } : { offsetMs: atMs - this.wallClock(), frozenAtMs: null };
  }

  advance(ms: number): void {
    if (this.state.frozenAtMs !== null) this.state = { ...this.state, frozenAtMs: this.state.frozenAtMs + ms };
    else this.state = { ...this.state, offsetMs: this.state.offsetMs + ms };
  }

  restore(state: ClockState): void {
    this.state = { ...state };
  }
}

/** Parses durations such as `15d`, `2h`, `30m`, `10s`, `500ms` or a bare number of milliseconds. */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') return Number.isFinite(text) ? text : null;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return null;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * factor;
}
