// The business clock and the run-time configuration, shared by every process on one database. Both live in the
// metadata table (`clock`, `runtime`); each process keeps a copy in memory that the request path reads without
// touching the database (`Clock.now()`, `services.runtime`). The copy is refreshed when the metadata changed:
// a per-request comparison of `store.version('meta')` (one integer test while nothing changed) and a change
// listener for processes that receive no requests. A process applies a saved value only when it differs from
// the one it last saw, so its own momentary overrides (a scenario loading with immediate tasks) survive
// unrelated metadata writes (delivery cursors).
import { AsyncResource } from 'node:async_hooks';
import { Clock, type ClockState } from './clock.js';
import { MAX_DELAY_MS, MAX_TASK_POLLS, type RuntimeConfig } from './config.js';
import type { Logger } from './log.js';
import type { ReasonCode } from './model/generated/types.js';
import type { UnitOfWorkStore } from './store/unit-of-work.js';

export const CLOCK_META_KEY = 'clock';
export const RUNTIME_META_KEY = 'runtime';

const REAL_TIME: ClockState = { offsetMs: 0, frozenAtMs: null };

/** What a process does when another one changed a shared setting. */
export interface SettingsListener {
  clockMoved(): void;
  runtimeChanged(previous: RuntimeConfig): void;
}

export class SharedSettings {
  /** The `meta` version the in-memory copy reflects; -1 before the first read. */
  private seen = -1;
  private refreshing: Promise<void> | null = null;
  private lastClockJson: string | undefined;
  private lastRuntimeJson: string | undefined;
  private unsubscribe: (() => void) | null = null;
  private listener: SettingsListener | null = null;

  constructor(
    private readonly store: UnitOfWorkStore,
    readonly clock: Clock,
    readonly runtime: RuntimeConfig,
    private readonly log: Logger,
  ) {}

  /**
   * At start-up: takes the saved clock, and publishes this process's run-time configuration (the latest process
   * to start sets it for all, as a restart with new flags did when each process had its own).
   */
  async load(): Promise<void> {
    await this.saveRuntime();
    await this.refresh();
  }

  /** Starts following other processes' changes (timers, task scheduling). */
  follow(listener: SettingsListener): void {
    this.listener = listener;
    // Change listeners run at the end of whichever transaction committed; the re-read must not run inside that
    // transaction's context (the store refuses nested transactions), so it runs in the context of this call.
    const outside = new AsyncResource('SharedSettings');
    this.unsubscribe ??= this.store.subscribe((kinds) => {
      if (kinds.has('meta')) outside.runInAsyncScope(() => void this.current());
    });
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Undefined while the copy is current (the request path's cost); otherwise a promise of the refresh. */
  current(): Promise<void> | undefined {
    if (this.store.version('meta') === this.seen) return undefined;
    return this.refresh();
  }

  /** For answers that must show other processes' latest changes at once (`GET /_emulator/clock`, `config`). */
  async synced(): Promise<void> {
    await this.store.syncChanges();
    await this.current();
  }

  /** Saves `state` as the shared clock and applies it here; on failure the clock stays as it was. */
  async saveClock(state: ClockState): Promise<void> {
    const previous = this.clock.snapshot();
    this.clock.restore(state);
    const json = JSON.stringify(this.clock.snapshot());
    try {
      await this.store.transaction((uow) => uow.setMeta(CLOCK_META_KEY, json));
    } catch (err) {
      this.clock.restore(previous);
      throw err;
    }
    this.lastClockJson = json;
  }

  /** Saves the in-memory run-time configuration as the shared one. */
  async saveRuntime(): Promise<void> {
    const json = JSON.stringify(this.runtime);
    await this.store.transaction((uow) => uow.setMeta(RUNTIME_META_KEY, json));
    this.lastRuntimeJson = json;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= this.read().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async read(): Promise<void> {
    const version = this.store.version('meta');
    let clockJson: string | undefined;
    let runtimeJson: string | undefined;
    try {
      // Cached by the store until `meta` changes again.
      [clockJson, runtimeJson] = await Promise.all([this.store.readMeta(CLOCK_META_KEY), this.store.readMeta(RUNTIME_META_KEY)]);
    } catch (err) {
      // Serving on with the last known settings beats failing the request; the next one tries again.
      this.log.warn(`could not read the shared clock and configuration: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.seen = version;
    if (clockJson !== this.lastClockJson) {
      this.lastClockJson = clockJson;
      this.applyClock(clockJson);
    }
    // Absent (a fresh or fully reset database): keep what this process has.
    if (runtimeJson !== undefined && runtimeJson !== this.lastRuntimeJson) {
      this.lastRuntimeJson = runtimeJson;
      this.applyRuntime(runtimeJson);
    }
  }

  private applyClock(json: string | undefined): void {
    try {
      this.clock.restore(json === undefined ? REAL_TIME : (JSON.parse(json) as ClockState));
    } catch (err) {
      // An older version could save a clock no date can show; real time beats failing every write.
      this.log.warn(`ignoring the saved business clock (${err instanceof Error ? err.message : String(err)}); using real time`);
      this.clock.restore(REAL_TIME);
    }
    this.listener?.clockMoved();
  }

  private applyRuntime(json: string): void {
    let saved: Partial<RuntimeConfig>;
    try {
      saved = runtimeFrom(JSON.parse(json) as unknown);
    } catch {
      this.log.warn('ignoring an unreadable shared run-time configuration');
      return;
    }
    const previous = { ...this.runtime };
    Object.assign(this.runtime, saved);
    this.listener?.runtimeChanged(previous);
  }
}

/** The well-formed settings of a saved configuration (it comes from a database, so each is checked). */
function runtimeFrom(value: unknown): Partial<RuntimeConfig> {
  if (value === null || typeof value !== 'object') throw new Error('not an object');
  const v = value as Record<string, unknown>;
  const out: Partial<RuntimeConfig> = {};
  const delay = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 && x <= MAX_DELAY_MS;
  if (v.taskProgression === 'immediate' || v.taskProgression === 'async') out.taskProgression = v.taskProgression;
  if (delay(v.taskDelayMs)) out.taskDelayMs = v.taskDelayMs as number;
  if (delay(v.referralDelayMs)) out.referralDelayMs = v.referralDelayMs as number;
  if (v.taskPolls === null || (typeof v.taskPolls === 'number' && Number.isInteger(v.taskPolls) && v.taskPolls >= 1 && v.taskPolls <= MAX_TASK_POLLS)) {
    out.taskPolls = v.taskPolls;
  }
  if (v.throttling === 'aws' || v.throttling === 'off') out.throttling = v.throttling;
  const f = v.forcedTaskFailure as { reasonCode?: unknown; message?: unknown } | null | undefined;
  if (f === null) out.forcedTaskFailure = null;
  else if (f && typeof f.reasonCode === 'string' && typeof f.message === 'string') {
    out.forcedTaskFailure = { reasonCode: f.reasonCode as ReasonCode, message: f.message };
  }
  return out;
}
