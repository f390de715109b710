// A consumer's place in the outbox. Events are delivered in outbox order, except that an event held back by
// the business clock (a delayed referral's arrival) is passed over while it is not yet available, remembered
// in `held`, and delivered once it is: nothing is skipped for good, and no consumer waits on a delayed event.
import type { UnitOfWorkStore as Store } from '../store/unit-of-work.js';
import { readOutbox, type OutboxEvent, type OutboxFilter, type SavedCursor } from './persistence.js';

/** Passed-over events a cursor remembers; beyond it the cursor waits at the first one instead of passing it. */
const MAX_HELD = 1000;

/** One event to deliver and what acknowledging it does to the cursor. */
export interface Pending extends OutboxEvent {
  /** Delivered late, out of position order: acknowledging it only forgets it from `held`. */
  readonly wasHeld: boolean;
  /** Not-yet-available positions passed over before this event. */
  readonly passes: readonly number[];
}

export interface Batch {
  readonly items: readonly Pending[];
  /** Where the cursor stands once every item is acknowledged (filtered-out events included)… */
  readonly end: number;
  /** …and what it passed over on the way. */
  readonly passes: readonly number[];
}

export class OutboxCursor {
  private constructor(
    public position: number,
    private readonly held: number[],
  ) {}

  static at(position: number): OutboxCursor {
    return new OutboxCursor(position, []);
  }

  static restore(saved: SavedCursor): OutboxCursor {
    const held = Array.isArray(saved.held) ? saved.held.filter((p) => Number.isSafeInteger(p)).slice(0, MAX_HELD) : [];
    return new OutboxCursor(Number.isSafeInteger(saved.position) ? saved.position : 0, held);
  }

  save(): SavedCursor {
    return { position: this.position, held: [...this.held] };
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  /**
   * The next events to deliver, oldest first: held events that have become available, then new available ones.
   * `accept` filters beyond what the outbox filters; a refused event is passed as if delivered.
   */
  async next(store: Store, filter: OutboxFilter, now: number, limit: number, accept: (e: OutboxEvent) => boolean = () => true): Promise<Batch> {
    const items: Pending[] = [];
    for (const position of [...this.held]) {
      const [ready] = await readOutbox(store, { ...filter, after: position - 1, availableBy: now, limit: 1 });
      if (ready?.position === position) {
        if (accept(ready)) items.push({ ...ready, wasHeld: true, passes: [] });
        else this.forget(position);
      } else {
        const [still] = await readOutbox(store, { ...filter, after: position - 1, limit: 1 });
        if (still?.position !== position) this.forget(position); // swept or reset: nothing left to deliver
      }
    }
    const all = await readOutbox(store, { ...filter, after: this.position, limit });
    if (all.length === 0) return { items, end: this.position, passes: [] };
    const available = new Set((await readOutbox(store, { ...filter, after: this.position, availableBy: now, limit })).map((e) => e.position));
    let passes: number[] = [];
    let end = this.position;
    for (const event of all) {
      if (!available.has(event.position)) {
        // Room is counted with what earlier items of this batch will add.
        if (this.held.length + passes.length + items.reduce((n, i) => n + i.passes.length, 0) >= MAX_HELD) break;
        passes.push(event.position);
      } else if (accept(event)) {
        items.push({ ...event, wasHeld: false, passes });
        passes = [];
      }
      end = event.position;
    }
    return { items, end, passes };
  }

  /** Records `item` as delivered (or dead-lettered). */
  ack(item: Pending): void {
    if (item.wasHeld) {
      this.forget(item.position);
      return;
    }
    this.held.push(...item.passes);
    this.position = Math.max(this.position, item.position);
  }

  /** Records the whole batch as done: moves past filtered-out events too. */
  finish(batch: Batch): void {
    this.held.push(...batch.passes);
    this.position = Math.max(this.position, batch.end);
  }

  private forget(position: number): void {
    const at = this.held.indexOf(position);
    if (at >= 0) this.held.splice(at, 1);
  }
}
