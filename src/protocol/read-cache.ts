// Answers of pure read operations, kept while the stored state is unchanged. A GetOpportunity that hits the
// cache skips the database read, the view and JSON rendering — the bulk of its cost (BENCHMARKS.md). Any write,
// by this process or another sharing the database, changes the store's epoch and empties the cache.
import type { Store } from '../store/store.js';

export class ReadCache {
  /** Each answer remembers the handler that produced it; a replaced handler (tests do this) never sees old answers. */
  private readonly answers = new Map<string, { producer: unknown; body: Buffer }>();
  private epoch = '';

  constructor(
    private readonly store: Store,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cache key of a request: operation, caller and the exact body (same bytes → same validated input). */
  static key(operation: string, accountId: string, body: string): string {
    return `${operation}\n${accountId}\n${body}`;
  }

  get(key: string, producer: unknown): Buffer | undefined {
    const epoch = this.store.changeEpoch();
    if (epoch !== this.epoch) {
      this.answers.clear();
      this.epoch = epoch;
      return undefined;
    }
    const entry = this.answers.get(key);
    return entry !== undefined && entry.producer === producer ? entry.body : undefined;
  }

  /** Stores an answer computed under `epoch` (read before the handler ran), unless state changed since. */
  set(key: string, producer: unknown, epoch: string, body: string): void {
    if (epoch !== this.store.changeEpoch() || epoch !== this.epoch) return;
    if (this.answers.size >= this.maxEntries) this.answers.clear();
    // Kept encoded: a hit then writes the bytes without encoding the text again.
    this.answers.set(key, { producer, body: Buffer.from(body) });
  }
}
