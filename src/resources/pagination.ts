// Keyset pagination shared by every List operation (decision 19): tokens are opaque, bound to the request
// they were issued for (operation, account, catalog, filters, sort), never repeated, absent on the last page.
// `pageFromStore` pages in the database (the store's keyset cursor wrapped with the request's fingerprint);
// `paginate` pages a small set already in memory (lists whose filters the store cannot express).
import { createHash } from 'node:crypto';
import { ValidationException } from '../errors.js';
import { operations, type OperationName } from '../model/generated/operations.js';
import { InvalidCursorError, type Fields, type Query, type RecordKind, type UnitOfWork } from '../store/unit-of-work.js';

export type SortValue = string | number;

export interface PageRequest<T> {
  items: T[];
  maxResults: number;
  nextToken: string | undefined;
  /** Everything that defines the result set except NextToken and MaxResults. */
  fingerprint: unknown;
  /** Sort tuple of an item; its last element must be unique (an id). */
  sortKey: (item: T) => SortValue[];
  descending: boolean;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

function compareTuples(a: SortValue[], b: SortValue[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function hashOf(fingerprint: unknown): string {
  return createHash('sha256').update(JSON.stringify(fingerprint)).digest('base64url').slice(0, 16);
}

function invalidToken(): ValidationException {
  return ValidationException.field('nextToken', 'INVALID_VALUE', 'The provided NextToken is not valid for this request.');
}

export function paginate<T>(req: PageRequest<T>): Page<T> {
  const fingerprint = hashOf(req.fingerprint);
  const direction = req.descending ? -1 : 1;
  const keyed = req.items.map((item) => ({ item, key: req.sortKey(item) }));
  keyed.sort((a, b) => direction * compareTuples(a.key, b.key));

  let start = 0;
  if (req.nextToken !== undefined) {
    let cursor: SortValue[];
    try {
      const decoded = JSON.parse(Buffer.from(req.nextToken, 'base64url').toString('utf8')) as { f?: unknown; k?: unknown };
      if (decoded.f !== fingerprint || !Array.isArray(decoded.k)) throw invalidToken();
      cursor = decoded.k as SortValue[];
    } catch {
      throw invalidToken();
    }
    start = keyed.findIndex((entry) => direction * compareTuples(entry.key, cursor) > 0);
    if (start < 0) start = keyed.length;
  }
  const slice = keyed.slice(start, start + req.maxResults);
  const page: Page<T> = { items: slice.map((e) => e.item) };
  if (start + req.maxResults < keyed.length && slice.length > 0) {
    const last = slice[slice.length - 1]!.key;
    page.nextToken = Buffer.from(JSON.stringify({ f: fingerprint, k: last })).toString('base64url');
  }
  return page;
}

export interface StorePageRequest {
  maxResults: number;
  nextToken: string | undefined;
  /** Everything that defines the result set except NextToken and MaxResults. */
  fingerprint: unknown;
}

/**
 * One page read by the engine: filters, sort and keyset position in SQL, only the page (plus one row, to know
 * whether another page follows) read and parsed. The token carries the store's cursor and the fingerprint.
 */
export async function pageFromStore<D, F extends Fields<D>>(
  uow: UnitOfWork,
  kind: RecordKind<D, F>,
  query: Omit<Query<F>, 'after' | 'limit'>,
  req: StorePageRequest,
): Promise<Page<D>> {
  const fingerprint = hashOf(req.fingerprint);
  let after: string | undefined;
  if (req.nextToken !== undefined) {
    try {
      const decoded = JSON.parse(Buffer.from(req.nextToken, 'base64url').toString('utf8')) as { f?: unknown; c?: unknown };
      if (decoded.f !== fingerprint || typeof decoded.c !== 'string') throw invalidToken();
      after = decoded.c;
    } catch {
      throw invalidToken();
    }
  }
  let page;
  try {
    page = await uow.query(kind, { ...query, after, limit: req.maxResults });
  } catch (err) {
    if (err instanceof InvalidCursorError) throw invalidToken();
    throw err;
  }
  const result: Page<D> = { items: page.items };
  if (page.next !== undefined) result.nextToken = Buffer.from(JSON.stringify({ f: fingerprint, c: page.next })).toString('base64url');
  return result;
}

/**
 * The page size and token a List request sent, read through the members the model's `@paginated` trait names
 * for its operation (generated table), with `defaultSize` when no size was sent.
 */
export function pageMembers(operation: OperationName, input: Readonly<Record<string, unknown>>, defaultSize: number): { maxResults: number; nextToken: string | undefined } {
  const paging = operations[operation].paginated;
  if (paging === null) throw new Error(`${operation} is not paginated in the model`);
  const size = input[paging.pageSize];
  const token = input[paging.inputToken];
  return { maxResults: typeof size === 'number' ? size : defaultSize, nextToken: typeof token === 'string' ? token : undefined };
}
