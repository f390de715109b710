// Every record a query matches, read page by page through the keyset cursor: for the few internal reads that
// need a whole (small, bounded) set, such as the members of one engagement.
import type { DocOf, Fields, Query, RecordKind, UnitOfWork } from './unit-of-work.js';

const PAGE = 500;

export async function queryAll<D, F extends Fields<D>>(
  uow: UnitOfWork,
  kind: RecordKind<D, F>,
  query: Omit<Query<F>, 'after' | 'limit'> = {},
): Promise<D[]> {
  const out: D[] = [];
  let after: string | undefined;
  do {
    const page = await uow.query(kind, { ...query, after, limit: PAGE });
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}

export type { DocOf };
