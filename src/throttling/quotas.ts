// AWS's documented request quotas (behavior.md §7.2, decision 23) and the counters that enforce them.
//
// Each partner account has, per operation class, a per-second limit and (reads and writes only) a limit per
// rolling 24 hours. Operations AWS documents no quota for are never throttled. Time is the business clock, so a
// test with a frozen clock controls exactly when capacity comes back, and moving the clock moves the windows.
//
// The counters are in memory, per process, for now: two processes on one database file each count their own
// requests. They sit behind this small interface (`admit`, `reset`) so that they can move into the store.
import type { OperationName } from '../model/generated/operations.js';

export type QuotaClassName = 'read' | 'write' | 'engagementWrite' | 'prospectingGet' | 'prospectingList' | 'prospectingWrite';

export interface Quota {
  /** Sustained requests per second, and the burst a full bucket allows. */
  perSecond: number;
  /** Requests per rolling 24 hours, or null where AWS documents none. */
  per24Hours: number | null;
}

export interface QuotaClass extends Quota {
  operations: readonly OperationName[];
}

/** The table of AWS's quotas page (D-QUOTAS). */
export const AWS_QUOTAS: Readonly<Record<QuotaClassName, QuotaClass>> = {
  read: {
    perSecond: 10,
    per24Hours: 100_000,
    operations: ['GetOpportunity', 'GetAwsOpportunitySummary', 'ListOpportunities', 'ListSolutions', 'GetEngagementInvitation', 'ListEngagementInvitations'],
  },
  write: {
    perSecond: 1,
    per24Hours: 10_000,
    operations: [
      'CreateOpportunity',
      'UpdateOpportunity',
      'AssociateOpportunity',
      'DisassociateOpportunity',
      'RejectEngagementInvitation',
      'AssignOpportunity',
      'StartEngagementFromOpportunityTask',
      'StartEngagementByAcceptingInvitationTask',
    ],
  },
  engagementWrite: { perSecond: 15, per24Hours: null, operations: ['CreateEngagement'] },
  prospectingGet: { perSecond: 100, per24Hours: null, operations: ['GetProspectingFromEngagementTask'] },
  // The Japanese edition of the page says 5; the English one, followed here, says 50.
  prospectingList: { perSecond: 50, per24Hours: null, operations: ['ListProspectingFromEngagementTasks'] },
  prospectingWrite: { perSecond: 2, per24Hours: null, operations: ['StartProspectingFromEngagementTask'] },
};

/** Replaces some classes' numbers (a testing knob: `startServer({ throttlingQuotas })`); operations stay AWS's. */
export type QuotaOverrides = Partial<Record<QuotaClassName, Partial<Quota>>>;

const MINUTE_MS = 60_000;
/** The rolling 24 hours, counted in whole minutes. */
const WINDOW_MINUTES = 24 * 60;

/**
 * Requests per second as a token bucket: `perSecond` tokens at most, refilled continuously at `perSecond` a
 * second of business time. Unlike fixed one-second windows it never lets twice the rate through across a window
 * edge, and it needs two numbers per account and class.
 */
class TokenBucket {
  private tokens: number;
  private lastMs: number;
  constructor(
    private readonly capacity: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.lastMs = nowMs;
  }

  hasToken(nowMs: number): boolean {
    // A clock moved backwards starts the bucket afresh, as it does the daily window.
    if (nowMs < this.lastMs) this.tokens = this.capacity;
    else this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.lastMs) * this.capacity) / 1000);
    this.lastMs = nowMs;
    return this.tokens >= 1;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/**
 * Requests in the rolling 24 hours as 1,440 per-minute counts and their sum: O(1) per request (the minutes that
 * slid out of the window are cleared as time passes, each once). A request is forgotten between 23 h 59 min and
 * 24 h after it was made. A clock moved backwards empties the window: counts from the "future" cannot be placed.
 */
class DailyWindow {
  private readonly counts = new Uint32Array(WINDOW_MINUTES);
  private total = 0;
  private minute: number;
  constructor(
    private readonly limit: number,
    nowMs: number,
  ) {
    this.minute = Math.floor(nowMs / MINUTE_MS);
  }

  hasRoom(nowMs: number): boolean {
    const minute = Math.floor(nowMs / MINUTE_MS);
    if (minute < this.minute || minute - this.minute >= WINDOW_MINUTES) {
      this.counts.fill(0);
      this.total = 0;
    } else {
      for (let m = this.minute + 1; m <= minute; m++) {
        const slot = m % WINDOW_MINUTES;
        this.total -= this.counts[slot]!;
        this.counts[slot] = 0;
      }
    }
    this.minute = minute;
    return this.total < this.limit;
  }

  take(): void {
    this.counts[this.minute % WINDOW_MINUTES]!++;
    this.total++;
  }
}

interface ClassCounters {
  second: TokenBucket;
  day: DailyWindow | null;
}

/** The quotas in force and every account's counters. */
export class Throttle {
  /** Operation → index of its class in `classes`; computed once. */
  private readonly classOf = new Map<string, number>();
  private readonly classes: Quota[] = [];
  /** Account → its counters, one slot per class, made on first use. */
  private readonly accounts = new Map<string, Array<ClassCounters | undefined>>();

  constructor(overrides: QuotaOverrides | null = null) {
    for (const [name, quota] of Object.entries(AWS_QUOTAS) as Array<[QuotaClassName, QuotaClass]>) {
      const index = this.classes.length;
      this.classes.push({ perSecond: quota.perSecond, per24Hours: quota.per24Hours, ...(overrides?.[name] ?? {}) });
      for (const operation of quota.operations) this.classOf.set(operation, index);
    }
  }

  /** The effective quotas, for the README's table and the tests. */
  quotas(): Record<QuotaClassName, QuotaClass> {
    const names = Object.keys(AWS_QUOTAS) as QuotaClassName[];
    return Object.fromEntries(names.map((name, i) => [name, { ...this.classes[i]!, operations: AWS_QUOTAS[name].operations }])) as Record<QuotaClassName, QuotaClass>;
  }

  /**
   * Counts one request and answers whether it is within the quotas. A refused request counts against nothing,
   * so a client that keeps retrying does not push its daily window further out.
   */
  admit(accountId: string, operation: string, nowMs: number): boolean {
    const index = this.classOf.get(operation);
    if (index === undefined) return true;
    let slots = this.accounts.get(accountId);
    if (!slots) this.accounts.set(accountId, (slots = []));
    let counters = slots[index];
    if (!counters) {
      const quota = this.classes[index]!;
      counters = slots[index] = {
        second: new TokenBucket(quota.perSecond, nowMs),
        day: quota.per24Hours === null ? null : new DailyWindow(quota.per24Hours, nowMs),
      };
    }
    // Both checks run (each brings its counters up to `nowMs`) before either is charged.
    const withinSecond = counters.second.hasToken(nowMs);
    const withinDay = counters.day === null || counters.day.hasRoom(nowMs);
    if (!withinSecond || !withinDay) return false;
    counters.second.take();
    counters.day?.take();
    return true;
  }

  /** Forgets the counters of one account, or of all. */
  reset(accountId?: string): void {
    if (accountId === undefined) this.accounts.clear();
    else this.accounts.delete(accountId);
  }
}
