// Answers of pure read operations, kept while the records they read are unchanged. A GetOpportunity that hits
// the cache skips the database read, the view and JSON rendering — the bulk of its cost (BENCHMARKS.md). Each
// answer remembers the versions of the record kinds its operation reads (`store.version(kind)`, which moves
// with every write of that kind, by this process or another sharing the database): a write of opportunities
// leaves cached engagement answers alone.
//
// A short body (up to 256 characters: every Get and most Lists) is its own key, with the operation and the
// caller: the same text always validates to the same input, and only answers of valid requests are stored, so a
// hit can skip parsing the input against the model, canonical JSON and a digest (~8–10 µs of a ~75 µs hit).
// Longer bodies are keyed by a digest of the *validated* input (operation, caller, canonical JSON of the input
// projected onto the model): unknown members and member order do not matter to the answer, so padded or
// reordered requests share one small key instead of each holding its whole body. A short body padded or
// reordered is a key of its own, at most 256 characters, charged to the budget like every key. The cache is
// bounded by bytes and evicts the least recently used answers first.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../model/canonical-json.js';
import type { UnitOfWorkStore } from '../store/unit-of-work.js';

/** Bookkeeping charged per entry on top of its key and answer bytes (Map slot, entry object, Buffer header). */
const ENTRY_OVERHEAD_BYTES = 160;

/** Bodies up to this length key the cache as they are (a GetOpportunity body is ~50 characters). */
const BODY_KEY_MAX_CHARS = 256;

export const DEFAULT_READ_CACHE_BYTES = 64 * 1024 * 1024;

export interface ReadCacheStats {
  entries: number;
  /** Charged bytes: keys, answers and a fixed per-entry overhead. */
  bytes: number;
  maxBytes: number;
  /** Answers larger than this are never kept. */
  maxEntryBytes: number;
  /** Requests answered from the cache since start. */
  hits: number;
}

interface Entry {
  producer: unknown;
  /** Versions of the kinds read, when the answer was computed. */
  versions: string;
  body: Buffer;
  size: number;
}

export class ReadCache {
  /** Map order is recency order: a hit moves its entry to the end, eviction takes from the front. */
  private readonly answers = new Map<string, Entry>();
  private bytes = 0;
  private hits = 0;
  private readonly maxEntryBytes: number;

  constructor(
    private readonly store: UnitOfWorkStore,
    private readonly maxBytes = DEFAULT_READ_CACHE_BYTES,
  ) {
    // One answer may take at most 1/16 of the budget, so a few huge lists cannot flush everything else.
    this.maxEntryBytes = Math.floor(maxBytes / 16);
  }

  /** The cache key of a validated request: a digest of operation, caller and canonical projected input. */
  static key(operation: string, accountId: string, input: Record<string, unknown>): string {
    return createHash('sha256').update(`${operation}\n${accountId}\n${canonicalJson(input)}`).digest('base64');
  }

  /**
   * The cache key of a short request body as received: operation, caller and the body text. Null for bodies
   * longer than BODY_KEY_MAX_CHARS, which are keyed by their validated input instead. (Digests contain no
   * newline, so the two kinds of key never collide.)
   */
  static bodyKey(operation: string, accountId: string, body: string): string | null {
    return body.length > BODY_KEY_MAX_CHARS ? null : `${operation}\n${accountId}\n${body}`;
  }

  /** The current versions of `kinds`: read before a handler runs, compared on every hit. */
  versions(kinds: readonly string[]): string {
    let out = '';
    for (const kind of kinds) out += `${this.store.version(kind)}.`;
    return out;
  }

  /** False with a budget of 0 (`--read-cache off`): nothing is looked up or kept. */
  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  get(key: string, producer: unknown, versions: string): Buffer | undefined {
    const entry = this.answers.get(key);
    // Each answer remembers the handler that produced it; another registry's handler never sees old answers.
    if (entry === undefined || entry.producer !== producer) return undefined;
    if (entry.versions !== versions) {
      this.answers.delete(key);
      this.bytes -= entry.size;
      return undefined;
    }
    this.answers.delete(key);
    this.answers.set(key, entry);
    this.hits++;
    return entry.body;
  }

  /** Stores an answer computed under `versions` (read before the handler ran), unless those kinds changed since. */
  set(key: string, producer: unknown, kinds: readonly string[], versions: string, body: string): void {
    if (versions !== this.versions(kinds)) return;
    // Kept encoded: a hit then writes the bytes without encoding the text again.
    const encoded = Buffer.from(body);
    const size = key.length + encoded.length + ENTRY_OVERHEAD_BYTES;
    if (size > this.maxEntryBytes) return;
    const previous = this.answers.get(key);
    if (previous !== undefined) {
      this.answers.delete(key);
      this.bytes -= previous.size;
    }
    while (this.bytes + size > this.maxBytes) {
      const oldest = this.answers.entries().next();
      if (oldest.done) break;
      this.answers.delete(oldest.value[0]);
      this.bytes -= oldest.value[1].size;
    }
    this.answers.set(key, { producer, versions, body: encoded, size });
    this.bytes += size;
  }

  stats(): ReadCacheStats {
    return { entries: this.answers.size, bytes: this.bytes, maxBytes: this.maxBytes, maxEntryBytes: this.maxEntryBytes, hits: this.hits };
  }
}
