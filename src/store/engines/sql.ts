// What both SQL engines share: how a record kind maps onto a table (names, DDL), how a domain query compiles
// to SQL with a keyset cursor, and the unit of work written once against a tiny executor interface.
import { createHash } from 'node:crypto';
import type { EventEnvelope } from '../../events/envelope.js';
import { allKinds } from '../kinds.js';
import {
  InvalidCursorError,
  type Condition,
  type FieldSpec,
  type FieldValue,
  type Fields,
  type Grid,
  type IdempotencyRecord,
  type IdempotencyScope,
  type KeyValues,
  type OutboxEntry,
  type Page,
  type Query,
  type RecordKind,
  type ScopedIdempotencyRecord,
  type UnitOfWork,
  type Where,
} from '../unit-of-work.js';

export type EngineName = 'sqlite' | 'postgres';
export type SqlParam = string | number | boolean | null;
export type Row = Record<string, unknown>;

/** Runs statements on the connection that holds the current transaction. */
export interface Executor {
  all(sql: string, params: readonly SqlParam[]): Promise<Row[]>;
  /** Returns the number of rows changed. */
  run(sql: string, params: readonly SqlParam[]): Promise<number>;
}

// A kind declared with any document type, as the engines handle it.
export type AnyKind = RecordKind<never, Fields<never>>;
type AnyField = FieldSpec<never>;
/** Reads a field from a document of unknown type (the kind declared it for that type). */
const read = (field: AnyField, doc: unknown): FieldValue | undefined => (field.of as (d: unknown) => FieldValue | undefined)(doc);
export const asAny = <D, F extends Fields<D>>(kind: RecordKind<D, F>): AnyKind => kind as unknown as AnyKind;

// ---------------------------------------------------------------------------------------------------------
// Names and DDL

const snakeNames = new Map<string, string>();
/** A field's column name (`lastModifiedDate` → `last_modified_date`), worked out once per name: every query asks. */
export const snake = (name: string): string => {
  let column = snakeNames.get(name);
  if (column === undefined) {
    column = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeNames.set(name, column);
  }
  return column;
};
export const tableOf = (kind: { name: string }): string => `rec_${kind.name}`;

/** Index columns: the declared fields, then the key fields not already listed (the keyset tie-breaker). */
export function indexColumns(kind: AnyKind, declared: readonly string[]): string[] {
  return [...declared, ...kind.key.filter((k) => !declared.includes(k))].map(snake);
}

export function indexName(kind: AnyKind, columns: readonly string[]): string {
  const digest = createHash('sha256').update(columns.join(',')).digest('hex').slice(0, 10);
  return `${tableOf(kind)}_ix_${digest}`;
}

/** The SQL of a grid's bucket: the range field divided by the width (integer division on both engines). */
export const bucketSql = (grid: Grid): string => `(${snake(grid.range)} / ${grid.width})`;

/**
 * Index columns of a grid for one of its sorts: the prefix, the bucket, the sort field, the key fields not listed
 * (keyset tie-breaker), then the range field itself and the covered fields (their conditions are checked in the
 * index, never in the table).
 */
export function gridIndexColumns(kind: AnyKind, grid: Grid, sort: string): string[] {
  const keys = kind.key.filter((k) => !grid.prefix.includes(k) && k !== sort);
  const listed = new Set<string>([...grid.prefix, sort, ...keys, grid.range]);
  const covered = (grid.covers ?? []).filter((f) => !listed.has(f));
  return [...grid.prefix.map(snake), bucketSql(grid), snake(sort), ...keys.map(snake), snake(grid.range), ...covered.map(snake)];
}

/** Every secondary index of a kind: the declared ones, then one per grid and sort. */
export function allIndexColumns(kind: AnyKind): string[][] {
  return [...kind.indexes.map((declared) => indexColumns(kind, declared)), ...(kind.grids ?? []).flatMap((g) => g.sorts.map((s) => gridIndexColumns(kind, g, s)))];
}

function columnType(engine: EngineName, field: AnyField): string {
  if (engine === 'sqlite') return field.type === 'text' ? 'TEXT' : 'INTEGER';
  // "C" collation: byte order, as SQLite's BINARY, so both engines sort and page identically.
  return { text: 'text COLLATE "C"', int: 'bigint', bool: 'boolean', timestamp: 'bigint' }[field.type];
}

/** CREATE TABLE and CREATE INDEX statements of a kind, as migrations spell them out. */
export function renderKind(engine: EngineName, kind: AnyKind): string[] {
  const table = tableOf(kind);
  const columns = Object.entries(kind.fields).map(
    ([name, field]) => `${snake(name)} ${columnType(engine, field)}${field.optional ? '' : ' NOT NULL'}`,
  );
  const docType = engine === 'sqlite' ? 'TEXT' : 'text';
  const view = kind.view ? `, view ${docType}` : '';
  const ddl = [
    `CREATE TABLE ${table} (${columns.join(', ')}, doc ${docType} NOT NULL${view}, PRIMARY KEY (${kind.key.map(snake).join(', ')}))`,
  ];
  for (const cols of allIndexColumns(kind)) {
    ddl.push(`CREATE INDEX ${indexName(kind, cols)} ON ${table} (${cols.join(', ')})`);
  }
  return ddl;
}

// ---------------------------------------------------------------------------------------------------------
// Statements of one kind

/** A value as its column holds it: SQLite stores booleans as 0/1. */
export function columnValue(engine: EngineName, value: SqlParam): SqlParam {
  return engine === 'sqlite' && typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** Refuses a key with the wrong number of parts (a programming error, not a request's). */
function checkKey(kind: { name: string; key: readonly string[] }, key: KeyValues): void {
  if (key.length !== kind.key.length) throw new Error(`${kind.name}: a key has ${kind.key.length} parts, got ${key.length}`);
}

/** Builds SQL with the engine's placeholders, collecting parameters in order. */
export class SqlBuilder {
  readonly params: SqlParam[] = [];
  constructor(private readonly engine: EngineName) {}
  p(value: SqlParam): string {
    this.params.push(columnValue(this.engine, value));
    return this.engine === 'sqlite' ? '?' : `$${this.params.length}`;
  }
  /**
   * A row count for LIMIT or OFFSET. SQLite gets it written into the SQL text: its planner reads a bound LIMIT, so
   * a statement whose LIMIT is bound is planned again on every run (4.8 µs against 0.3 µs for a one-index
   * lookup with SQLite 3.51; BENCHMARKS.md), where a literal is planned once per distinct value and cached.
   */
  count(n: number): string {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a row count must be a non-negative integer, got ${n}`);
    return this.engine === 'sqlite' ? String(n) : this.p(n);
  }
}

/** A record's row as stored: its column values (as `KindPlan.values` gives them) and its document. */
export interface StoredRow {
  readonly columns: readonly SqlParam[];
  readonly doc: string;
  /** Kinds that keep a view: the stored view (null: none). */
  readonly view?: string | null;
}

/** The statements of a kind that do not depend on the query, built once. */
export class KindPlan {
  readonly table: string;
  readonly fieldNames: string[];
  readonly keyWhere: (b: SqlBuilder, key: KeyValues) => string;
  readonly upsertSql: string;
  /** SELECT doc by key (the key values are its parameters, in order). */
  readonly getSql: string;
  /** SELECT doc and every column by key (same parameters), for `storedRow`. */
  readonly getRowSql: string;
  /** Where the key fields are among `fieldNames` (and so among `values`), in key order. */
  readonly keyPositions: number[];
  private readonly columnNames: string[];
  /** UPDATE statements by the positions of the columns they set. */
  private readonly updates = new Map<string, string>();

  constructor(
    readonly engine: EngineName,
    readonly kind: AnyKind,
  ) {
    this.table = tableOf(kind);
    this.fieldNames = Object.keys(kind.fields);
    this.keyWhere = (b, key) => {
      checkKey(kind, key);
      return kind.key.map((k, i) => `${snake(k)} = ${b.p(key[i]!)}`).join(' AND ');
    };
    this.columnNames = this.fieldNames.map(snake);
    this.keyPositions = kind.key.map((k) => this.fieldNames.indexOf(k));
    const cols = [...this.columnNames, 'doc', ...(kind.view ? ['view'] : [])];
    const placeholders = cols.map((_, i) => (engine === 'sqlite' ? '?' : `$${i + 1}`));
    const keyCols = kind.key.map(snake);
    const updates = cols.filter((c) => !keyCols.includes(c)).map((c) => `${c} = excluded.${c}`);
    const byKey = keyCols.map((c, i) => `${c} = ${engine === 'sqlite' ? '?' : `$${i + 1}`}`).join(' AND ');
    this.getSql = `SELECT doc FROM ${this.table} WHERE ${byKey}`;
    this.getRowSql = `SELECT ${cols.join(', ')} FROM ${this.table} WHERE ${byKey}`;
    this.upsertSql = `INSERT INTO ${this.table} (${cols.join(', ')}) VALUES (${placeholders.join(', ')}) ON CONFLICT (${keyCols.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  }

  /** SELECT view by key and equal fields, per list of those fields (built once each). */
  private readonly viewSql = new Map<string, string>();

  viewQuery(fields: readonly string[]): string {
    const signature = fields.join(',');
    let sql = this.viewSql.get(signature);
    if (sql === undefined) {
      if (!this.kind.view) throw new Error(`${this.kind.name}: the kind keeps no view`);
      const b = new SqlBuilder(this.engine);
      const conditions = [...this.kind.key, ...fields].map((name) => {
        this.field(name);
        return `${snake(name)} = ${b.p('')}`;
      });
      sql = `SELECT view FROM ${this.table} WHERE ${conditions.join(' AND ')}`;
      this.viewSql.set(signature, sql);
    }
    return sql;
  }

  /** A row read with `getRowSql`, its columns in the form `values` gives them (PostgreSQL answers bigint as text). */
  storedRow(row: Row): StoredRow {
    const columns = this.fieldNames.map((name, i): SqlParam => {
      const value = row[this.columnNames[i]!] as SqlParam;
      const type = this.kind.fields[name]!.type;
      return typeof value === 'string' && (type === 'int' || type === 'timestamp') ? Number(value) : value;
    });
    return { columns, doc: row.doc as string, ...(this.kind.view ? { view: (row.view as string | null) ?? null } : {}) };
  }

  /**
   * UPDATE by key of the columns at `positions` (of `fieldNames`), the document and (kinds that keep one) the
   * view. Parameters: those columns' values in order, the document, the view, then the key values.
   */
  updateSql(positions: readonly number[]): string {
    const id = positions.join(',');
    let sql = this.updates.get(id);
    if (sql === undefined) {
      const p = (i: number) => (this.engine === 'sqlite' ? '?' : `$${i + 1}`);
      const set = [...positions.map((at, i) => `${this.columnNames[at]} = ${p(i)}`), `doc = ${p(positions.length)}`];
      if (this.kind.view) set.push(`view = ${p(set.length)}`);
      const where = this.keyPositions.map((at, i) => `${this.columnNames[at]} = ${p(set.length + i)}`);
      sql = `UPDATE ${this.table} SET ${set.join(', ')} WHERE ${where.join(' AND ')}`;
      this.updates.set(id, sql);
    }
    return sql;
  }

  /** Column values of a document, checked against the declaration (and its view, for kinds that keep one). */
  values(doc: unknown, view?: string): SqlParam[] {
    const values: SqlParam[] = [];
    for (const name of this.fieldNames) {
      const field = this.kind.fields[name]!;
      const value = read(field, doc);
      if (value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value))) {
        if (!field.optional) throw new Error(`${this.kind.name}: field ${name} is required`);
        values.push(null);
        continue;
      }
      const expected = field.type === 'text' ? 'string' : field.type === 'bool' ? 'boolean' : 'number';
      if (typeof value !== expected) throw new Error(`${this.kind.name}: field ${name} must be ${field.type}`);
      values.push(columnValue(this.engine, value));
    }
    values.push(JSON.stringify(doc));
    if (this.kind.view) values.push(view ?? null);
    else if (view !== undefined) throw new Error(`${this.kind.name}: the kind keeps no view`);
    return values;
  }

  private field(name: string): AnyField {
    const field = this.kind.fields[name];
    if (!field) throw new Error(`${this.kind.name}: ${name} is not a declared field`);
    return field;
  }

  /**
   * An expression equal to the column that no index answers: how a condition is kept out of the planner's
   * choice of index (SQLite's unary `+`; on PostgreSQL a no-op operation of the column's type).
   */
  private unindexed(name: string): string {
    const col = snake(name);
    if (this.engine === 'sqlite') return `+${col}`;
    return this.field(name).type === 'text' ? `(${col} || '')` : this.field(name).type === 'bool' ? `(${col} AND true)` : `(${col} + 0)`;
  }

  /** Fields the query bounds by a range (or prefix) and does not sort on: where the index choice matters. */
  rangedOffSort(query: Query<Fields<never>>): string[] {
    const by = query.sort?.by;
    if (by === undefined) return [];
    return Object.entries(query.where ?? {})
      .filter(([name, c]) => name !== by && typeof c === 'object' && c !== null && !Array.isArray(c) && ['gt', 'gte', 'lt', 'lte', 'prefix'].some((op) => (c as Record<string, unknown>)[op] !== undefined))
      .map(([name]) => name);
  }

  /**
   * WHERE conditions; returns the fields fixed to one value (they need no place in the sort order). Conditions
   * on `unindexed` fields are written so that no index answers them (the sort's index is walked instead).
   */
  where(b: SqlBuilder, where: Where<Fields<never>> | undefined, unindexed: ReadonlySet<string> = new Set()): { sql: string[]; fixed: Set<string> } {
    const sql: string[] = [];
    const fixed = new Set<string>();
    for (const [name, condition] of Object.entries(where ?? {}) as [string, Condition<FieldValue> | undefined][]) {
      if (condition === undefined) continue;
      this.field(name);
      const col = unindexed.has(name) ? this.unindexed(name) : snake(name);
      if (typeof condition !== 'object' || condition === null) {
        sql.push(`${col} = ${b.p(condition)}`);
        fixed.add(name);
      } else if (Array.isArray(condition)) {
        const list = condition as readonly FieldValue[];
        if (list.length === 0) sql.push('1 = 0');
        else if (list.length === 1) {
          sql.push(`${col} = ${b.p(list[0]!)}`);
          fixed.add(name);
        } else sql.push(`${col} IN (${list.map((v) => b.p(v)).join(', ')})`);
      } else {
        const c = condition as Record<string, unknown>;
        for (const [op, value] of Object.entries(c)) {
          if (value === undefined) continue;
          switch (op) {
            case 'gt':
            case 'gte':
            case 'lt':
            case 'lte':
              sql.push(`${col} ${{ gt: '>', gte: '>=', lt: '<', lte: '<=' }[op]} ${b.p(value as FieldValue)}`);
              break;
            case 'notIn': {
              const list = value as readonly FieldValue[];
              sql.push(list.length === 0 ? `${col} IS NOT NULL` : `${col} NOT IN (${list.map((v) => b.p(v)).join(', ')})`);
              break;
            }
            case 'prefix':
              // Byte-wise range: every string starting with the prefix, and nothing else (bar U+10FFFF after it).
              sql.push(`${col} >= ${b.p(value as string)} AND ${col} < ${b.p(`${value as string}\u{10FFFF}`)}`);
              break;
            default:
              throw new Error(`${this.kind.name}.${name}: unknown condition ${op}`);
          }
        }
      }
    }
    return { sql, fixed };
  }

  /**
   * The grid that answers a query, if any: its range field bounded (not the sort), its prefix fixed to one value,
   * sorted by one of its sorts. With the bucket bounds of an integer range (the bucket of each end).
   */
  gridFor(query: Query<Fields<never>>): GridUse | undefined {
    const by = query.sort?.by;
    const where = (query.where ?? {}) as Record<string, Condition<FieldValue> | undefined>;
    if (by === undefined) return undefined;
    const isValue = (c: unknown) => (typeof c !== 'object' && c !== undefined && c !== null) || (Array.isArray(c) && c.length === 1);
    for (const grid of this.kind.grids ?? []) {
      if (grid.range === by || !grid.sorts.includes(by) || !grid.prefix.every((f) => isValue(where[f]))) continue;
      const range = where[grid.range];
      if (typeof range !== 'object' || range === null || Array.isArray(range)) continue;
      const r = range as Record<string, unknown>;
      if (Object.keys(r).some((op) => !['gt', 'gte', 'lt', 'lte'].includes(op) && r[op] !== undefined)) continue;
      if (!['gt', 'gte', 'lt', 'lte'].some((op) => r[op] !== undefined)) continue;
      const bucket = (op: string): number | undefined | null => {
        const v = r[op];
        if (v === undefined) return undefined;
        // Integer division truncates toward zero on both engines, as BigInt division does.
        return typeof v === 'number' && Number.isSafeInteger(v) ? Number(BigInt(v) / BigInt(grid.width)) : null;
      };
      const lows = [bucket('gt'), bucket('gte')];
      const highs = [bucket('lt'), bucket('lte')];
      if ([...lows, ...highs].includes(null)) continue;
      const defined = (xs: (number | undefined | null)[]) => xs.filter((x): x is number => typeof x === 'number');
      const low = defined(lows).length ? Math.max(...defined(lows)) : undefined;
      const high = defined(highs).length ? Math.min(...defined(highs)) : undefined;
      return { grid, ...(low !== undefined ? { low } : {}), ...(high !== undefined ? { high } : {}) };
    }
    return undefined;
  }

  /** The sort order: the sort field, then the key fields not fixed by the filter (unique tie-breaker). */
  order(query: Query<Fields<never>>, fixed: ReadonlySet<string>): string[] {
    const by = query.sort?.by;
    if (by !== undefined && this.field(by).optional) throw new Error(`${this.kind.name}: cannot sort on optional field ${by}`);
    const keys = this.kind.key.filter((k) => !fixed.has(k) && k !== by);
    return by === undefined ? keys : [by, ...keys];
  }

  cursorOf(doc: unknown, order: readonly string[]): string {
    const values = order.map((name) => read(this.field(name), doc));
    return Buffer.from(JSON.stringify(values)).toString('base64url');
  }

  decodeCursor(cursor: string, order: readonly string[]): FieldValue[] {
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidCursorError('malformed cursor');
    }
    if (!Array.isArray(values) || values.length !== order.length) throw new InvalidCursorError('cursor of another query');
    values.forEach((v, i) => {
      const type = this.field(order[i]!).type;
      const ok = type === 'text' ? typeof v === 'string' : type === 'bool' ? typeof v === 'boolean' : typeof v === 'number' && Number.isFinite(v);
      if (!ok) throw new InvalidCursorError('cursor of another query');
    });
    return values as FieldValue[];
  }
}

/** A grid chosen for a query, with the buckets its range condition covers. */
export interface GridUse {
  readonly grid: Grid;
  readonly low?: number;
  readonly high?: number;
}

// ---------------------------------------------------------------------------------------------------------
// The unit of work, on any executor

export interface EngineHooks {
  /** Called before appending the first event of a transaction (PostgreSQL orders the outbox with it). */
  beforeFirstEvent?(exec: Executor): Promise<void>;
  /** Called when a transaction writes a kind (or 'meta'). */
  touched(kind: string): void;
}

/**
 * From how many matching rows a range counts as wide. Sorting this many rows costs about a millisecond; walking
 * the sort's index past non-matching rows costs at most (page size × rows in the account / this) rows when the
 * range's matches are spread along the sort order.
 */
const WIDE_RANGE_ROWS = 2000;

/**
 * The largest page a grid answers: its second step reads up to (limit + 1)² index entries. Larger pages (internal
 * bulk reads) read that many records anyway and take the planner's path.
 */
const GRID_MAX_LIMIT = 200;

/**
 * Below how many records matching a query's other filters (a rare stage) their index is walked rather than the
 * grid: the walk reads at most this many rows; the grid would probe every bucket past the records they exclude.
 */
const FEW_BESIDES_RANGE = 10_000;

/** The most buckets a grid page may seek through (one seek each): 20,000 days, about 55 years of one-day buckets. */
const MAX_GRID_BUCKETS = 20_000;

/** Identifies a record among the rows a unit of work has read: its kind and key values. */
const rowId = (kind: { name: string }, key: readonly unknown[]): string => `${kind.name} ${JSON.stringify(key)}`;

export class SqlUnitOfWork implements UnitOfWork {
  private eventsAppended = false;
  /** Rows as this transaction read (or last wrote) them, by `rowId`; only when `tracksRows`. */
  private readonly stored = new Map<string, StoredRow>();

  /**
   * `tracksRows`: the rows this transaction reads cannot change under it before it writes them (the SQLite
   * writer holds the file's write lock; PostgreSQL SERIALIZABLE aborts the write instead). Then a `put` of a
   * record read here writes only the columns whose values changed (and the document), so SQLite leaves alone
   * the indexes of the fields that stayed the same, where an upsert rewrites every index entry of the record.
   */
  constructor(
    private readonly engine: EngineName,
    private readonly exec: Executor,
    private readonly plans: (kind: AnyKind) => KindPlan,
    private readonly hooks: EngineHooks,
    private readonly readOnly: boolean,
    private readonly tracksRows = false,
  ) {}

  private writable(what: string): void {
    if (this.readOnly) throw new Error(`${what} in a read-only transaction`);
  }

  async get<D, F extends Fields<D>>(kind: RecordKind<D, F>, key: KeyValues): Promise<D | undefined> {
    const plan = this.plans(asAny(kind));
    checkKey(kind, key);
    if (!this.tracksRows) {
      const rows = await this.exec.all(plan.getSql, key);
      return rows.length === 0 ? undefined : (JSON.parse(rows[0]!.doc as string) as D);
    }
    const rows = await this.exec.all(plan.getRowSql, key);
    if (rows.length === 0) return undefined;
    const row = plan.storedRow(rows[0]!);
    this.stored.set(rowId(kind, key), row);
    return JSON.parse(row.doc) as D;
  }

  async put<D, F extends Fields<D>>(kind: RecordKind<D, F>, doc: D, view?: string): Promise<void> {
    this.writable('put');
    const plan = this.plans(asAny(kind));
    const values = plan.values(doc, view);
    if (this.tracksRows) await this.writeTracked(kind, plan, values);
    else await this.exec.run(plan.upsertSql, values);
    this.hooks.touched(kind.name);
  }

  async getView<D, F extends Fields<D>>(kind: RecordKind<D, F>, key: KeyValues, where: { readonly [K in keyof F]?: FieldValue } = {}): Promise<string | null | undefined> {
    const plan = this.plans(asAny(kind));
    checkKey(kind, key);
    const fields = Object.keys(where).filter((name) => where[name as keyof F] !== undefined);
    const params: SqlParam[] = [...key];
    for (const name of fields) params.push(columnValue(this.engine, where[name as keyof F]!));
    const rows = await this.exec.all(plan.viewQuery(fields), params);
    return rows.length === 0 ? undefined : ((rows[0]!.view as string | null) ?? null);
  }

  /** A put in a transaction that tracks rows: an UPDATE of what changed when the stored row is known. */
  private async writeTracked(kind: { name: string }, plan: KindPlan, values: SqlParam[]): Promise<void> {
    const key = plan.keyPositions.map((at) => values[at]!);
    const id = rowId(kind, key);
    const before = this.stored.get(id);
    const n = plan.fieldNames.length;
    const columns = values.slice(0, n);
    const doc = values[n] as string;
    const view = plan.kind.view ? ((values[n + 1] as string | null) ?? null) : undefined;
    let written = false;
    if (before !== undefined) {
      const changed: number[] = [];
      for (let i = 0; i < columns.length; i++) if (columns[i] !== before.columns[i]) changed.push(i);
      // The same row again: nothing to write.
      if (changed.length === 0 && doc === before.doc && view === before.view) return;
      const params = [...changed.map((at) => columns[at]!), doc, ...(plan.kind.view ? [view ?? null] : []), ...key];
      written = (await this.exec.run(plan.updateSql(changed), params)) > 0;
    }
    if (!written) await this.exec.run(plan.upsertSql, values);
    this.stored.set(id, { columns, doc, ...(view !== undefined ? { view } : {}) });
  }

  async delete<D, F extends Fields<D>>(kind: RecordKind<D, F>, key: KeyValues): Promise<boolean> {
    this.writable('delete');
    const plan = this.plans(asAny(kind));
    const b = new SqlBuilder(this.engine);
    const n = await this.exec.run(`DELETE FROM ${plan.table} WHERE ${plan.keyWhere(b, key)}`, b.params);
    this.stored.delete(rowId(kind, key));
    if (n > 0) this.hooks.touched(kind.name);
    return n > 0;
  }

  async query<D, F extends Fields<D>>(kind: RecordKind<D, F>, query: Query<F>): Promise<Page<D>> {
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new Error('query limit must be a positive integer');
    const plan = this.plans(asAny(kind));
    const q = query as unknown as Query<Fields<never>>;
    const grid = q.limit <= GRID_MAX_LIMIT ? plan.gridFor(q) : undefined;
    const hidden = grid ? await this.gridOrNot(plan, q, grid) : await this.walkSortIndex(plan, q);
    if (hidden === 'grid') return this.gridQuery<D>(plan, q, grid!);
    const b = new SqlBuilder(this.engine);
    const { sql: conditions, fixed } = plan.where(b, q.where, hidden);
    const order = plan.order(q, fixed);
    const desc = q.sort?.order === 'desc';
    if (q.after !== undefined && order.length > 0) {
      const values = plan.decodeCursor(q.after, order);
      const cols = order.map(snake);
      // A row-value comparison on consecutive index columns: one range scan, however deep the page.
      const lhs = cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
      const rhs = values.length === 1 ? b.p(values[0]!) : `(${values.map((v) => b.p(v)).join(', ')})`;
      conditions.push(`${lhs} ${desc ? '<' : '>'} ${rhs}`);
    }
    const whereSql = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
    const orderSql = order.length ? ` ORDER BY ${order.map((f) => `${snake(f)}${desc ? ' DESC' : ''}`).join(', ')}` : '';
    const rows = await this.exec.all(`SELECT doc FROM ${plan.table}${whereSql}${orderSql} LIMIT ${b.count(query.limit + 1)}`, b.params);
    const items = rows.slice(0, query.limit).map((r) => JSON.parse(r.doc as string) as D);
    if (rows.length <= query.limit || order.length === 0) return { items };
    return { items, next: plan.cursorOf(items[items.length - 1], order) };
  }

  /**
   * A page through a grid (see `Grid`), in two statements whatever the number of records:
   *  1. the buckets of the range are counted from its first to its last (two seeks), and each bucket's best
   *     matching record (in the page's order, after the cursor) is found by one seek into its grid index; the
   *     `limit + 1` buckets whose best records come first are kept;
   *  2. the best records of each kept bucket are read (index entries only: `limit + 1` of the first bucket, one
   *     fewer of each next), merged, and the first `limit + 1` fetched. The page is exact: a record among the first
   *     `limit + 1` lies in a bucket whose best record is at least as good, so no more than `limit` buckets come
   *     before its bucket; each of those holds a better record, so the i-th kept bucket (from 0) contributes at
   *     most `limit + 1 - i`.
   * Only the prefix, the bucket, the sort and the cursor are offered to the planner; other conditions are checked
   * on each entry (a bucketed range field is in the index), so no other index is chosen.
   */
  private async gridQuery<D>(plan: KindPlan, q: Query<Fields<never>>, use: GridUse): Promise<Page<D>> {
    const { grid } = use;
    const by = q.sort!.by;
    const desc = q.sort?.order === 'desc';
    const dir = desc ? ' DESC' : '';
    const t = plan.table;
    const bucket = bucketSql(grid);
    const open = new Set<string>([...grid.prefix, by]);
    const hidden = new Set(Object.keys(q.where ?? {}).filter((f) => !open.has(f)));
    const fixed = plan.where(new SqlBuilder(this.engine), q.where, hidden).fixed;
    const order = plan.order(q, fixed);
    const cursor = q.after === undefined ? undefined : plan.decodeCursor(q.after, order);
    const orderBy = order.map((f) => `${snake(f)}${dir}`).join(', ');
    // SQLite is told the grid index of this sort; PostgreSQL finds it (nothing else is offered).
    const indexed = this.engine === 'sqlite' ? ` INDEXED BY ${indexName(asAny(plan.kind), gridIndexColumns(plan.kind, grid, by))}` : '';
    // Every statement below adds its parameters in text order (SQLite's placeholders are positional).
    /** Where the range's records are: the prefix, the range (checked in the index) and its buckets. */
    const span = (b: SqlBuilder): string => {
      const sql = plan.where(b, pick(q.where, [...grid.prefix, grid.range]), hidden).sql;
      if (use.low !== undefined) sql.push(`${bucket} >= ${b.p(use.low)}`);
      if (use.high !== undefined) sql.push(`${bucket} <= ${b.p(use.high)}`);
      return sql.join(' AND ');
    };
    /** Every condition of the query and the cursor, in one bucket. */
    const inBucket = (b: SqlBuilder, is: { sql: string } | { value: FieldValue }): string => {
      const sql = plan.where(b, q.where, hidden).sql;
      sql.push(`${bucket} = ${'sql' in is ? is.sql : b.p(is.value)}`);
      if (cursor !== undefined) {
        const cols = order.map(snake);
        const lhs = cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
        const rhs = cursor.length === 1 ? b.p(cursor[0]!) : `(${cursor.map((v) => b.p(v)).join(', ')})`;
        sql.push(`${lhs} ${desc ? '<' : '>'} ${rhs}`);
      }
      return sql.join(' AND ');
    };
    const want = q.limit + 1;

    // The buckets: counted from the first holding the range's records to the last (two seeks); a bucket without
    // records costs one seek below.
    const b1 = new SqlBuilder(this.engine);
    const buckets = `SELECT (SELECT min(${bucket}) FROM ${t} WHERE ${span(b1)}) UNION ALL SELECT v + 1 FROM buckets WHERE v < (SELECT max(${bucket}) FROM ${t} WHERE ${span(b1)})`;
    const probes = order.map((f, i) => `(SELECT ${snake(f)} FROM ${t}${indexed} WHERE ${inBucket(b1, { sql: 'buckets.v' })} ORDER BY ${orderBy} LIMIT 1) AS o${i}`);
    // Empty buckets sort last and are dropped here (a filter on o0 in SQL would run its probe again).
    const tops = (
      await this.exec.all(
        `WITH RECURSIVE buckets(v) AS (${buckets}) ` +
          `SELECT v, o0 FROM (SELECT v, ${probes.join(', ')} FROM buckets WHERE v IS NOT NULL) AS tops ` +
          `ORDER BY ${order.map((_, i) => `o${i}${dir} NULLS LAST`).join(', ')} LIMIT ${b1.count(want)}`,
        b1.params,
      )
    ).filter((row) => row.o0 !== null);
    if (tops.length === 0) return { items: [] };

    const b2 = new SqlBuilder(this.engine);
    const keyCols = plan.kind.key.map(snake);
    const select = [...keyCols.map((c, i) => `${c} AS k${i}`), ...order.map((f, i) => `${snake(f)} AS o${i}`)].join(', ');
    const parts = tops.map(
      (row, i) => `SELECT * FROM (SELECT ${select} FROM ${t}${indexed} WHERE ${inBucket(b2, { value: row.v as FieldValue })} ORDER BY ${orderBy} LIMIT ${b2.count(want - i)}) AS s${i}`,
    );
    const merged = order.map((_, i) => `o${i}${dir}`).join(', ');
    const rows = await this.exec.all(
      `SELECT (SELECT doc FROM ${t} WHERE ${keyCols.map((c, i) => `${t}.${c} = top.k${i}`).join(' AND ')}) AS doc ` +
        `FROM (SELECT * FROM (${parts.join(' UNION ALL ')}) AS u ORDER BY ${merged} LIMIT ${b2.count(want)}) AS top ORDER BY ${merged}`,
      b2.params,
    );
    const items = rows.slice(0, q.limit).map((r) => JSON.parse(r.doc as string) as D);
    if (rows.length <= q.limit) return { items };
    return { items, next: plan.cursorOf(items[items.length - 1], order) };
  }

  /**
   * Whether a query a grid could answer is better answered otherwise, from capped counts (each through an index
   * that holds its conditions): a range of fewer than 2,000 records is read through its index and sorted (the
   * other filters hidden, so that no other index is chosen); other filters (a rare stage, a few companies) that
   * leave fewer than 10,000 records are walked through their index, the range checked on each row (the grid would
   * probe every bucket past the records they exclude); otherwise the grid. Returns the fields to hide, or 'grid'.
   */
  private async gridOrNot(plan: KindPlan, q: Query<Fields<never>>, use: GridUse): Promise<ReadonlySet<string> | 'grid'> {
    const { grid } = use;
    const fields = Object.keys(q.where ?? {});
    const count = async (names: readonly string[], bound: number) => {
      const b = new SqlBuilder(this.engine);
      const { sql } = plan.where(b, pick(q.where, names));
      const rows = await this.exec.all(
        `SELECT CAST(count(*) AS INTEGER) AS n FROM (SELECT 1 FROM ${plan.table} WHERE ${sql.join(' AND ')} LIMIT ${b.count(bound)}) AS bounded`,
        b.params,
      );
      return Number(rows[0]!.n);
    };
    const scope = [...grid.prefix, grid.range];
    if ((await count(scope, WIDE_RANGE_ROWS)) < WIDE_RANGE_ROWS) return new Set(fields.filter((f) => !scope.includes(f)));
    const others = fields.filter((f) => !scope.includes(f) && f !== q.sort?.by);
    if (others.length > 0 && (await count([...grid.prefix, ...others], FEW_BESIDES_RANGE)) < FEW_BESIDES_RANGE) return new Set([grid.range]);
    // A grid page seeks once per bucket between the range's first and last record. Records decades apart (a
    // business clock moved to 1970 and to 9999) would make that millions of seeks: walk or sort instead.
    const b = new SqlBuilder(this.engine);
    const bucket = bucketSql(grid);
    // The range's buckets bound the seek (as in gridQuery), so each end is found at once in the grid's index.
    const span = () => {
      const sql = plan.where(b, pick(q.where, scope)).sql;
      if (use.low !== undefined) sql.push(`${bucket} >= ${b.p(use.low)}`);
      if (use.high !== undefined) sql.push(`${bucket} <= ${b.p(use.high)}`);
      return sql.join(' AND ');
    };
    const [ends] = await this.exec.all(
      `SELECT (SELECT min(${bucket}) FROM ${plan.table} WHERE ${span()}) AS lo, (SELECT max(${bucket}) FROM ${plan.table} WHERE ${span()}) AS hi`,
      b.params,
    );
    if (Number(ends!.hi) - Number(ends!.lo) >= MAX_GRID_BUCKETS) return this.walkSortIndex(plan, q);
    return 'grid';
  }

  /**
   * A range on one field, sorted by another: either read the range's index and sort what it holds (fast when the
   * range is narrow), or walk the sort's index in order and filter (fast when the range is wide: a page is found
   * after a few rows). Neither planner knows which from its statistics alone (SQLite took the range's index for
   * a year of a million rows: seconds), so count the range up to a bound, through its index: under the bound,
   * the planner keeps its choice; at the bound, the range fields are hidden from it and the sort's index is
   * walked. Returns the fields to hide.
   */
  private async walkSortIndex(plan: KindPlan, q: Query<Fields<never>>): Promise<ReadonlySet<string>> {
    const ranged = plan.rangedOffSort(q);
    if (ranged.length === 0) return new Set();
    const b = new SqlBuilder(this.engine);
    const { sql } = plan.where(b, q.where);
    const rows = await this.exec.all(
      `SELECT CAST(count(*) AS INTEGER) AS n FROM (SELECT 1 FROM ${plan.table} WHERE ${sql.join(' AND ')} LIMIT ${b.count(WIDE_RANGE_ROWS)}) AS bounded`,
      b.params,
    );
    return Number(rows[0]!.n) >= WIDE_RANGE_ROWS ? new Set(ranged) : new Set();
  }

  async count<D, F extends Fields<D>>(kind: RecordKind<D, F>, where?: Where<F>): Promise<number> {
    const plan = this.plans(asAny(kind));
    const b = new SqlBuilder(this.engine);
    const { sql } = plan.where(b, where as Where<Fields<never>> | undefined);
    const rows = await this.exec.all(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${plan.table}${sql.length ? ` WHERE ${sql.join(' AND ')}` : ''}`, b.params);
    return Number(rows[0]!.n);
  }

  async nextSequence(name: string): Promise<number> {
    this.writable('nextSequence');
    const b = new SqlBuilder(this.engine);
    const rows = await this.exec.all(
      `INSERT INTO sequences (kind, value) VALUES (${b.p(name)}, 1) ON CONFLICT (kind) DO UPDATE SET value = sequences.value + 1 RETURNING value`,
      b.params,
    );
    return Number(rows[0]!.value);
  }

  async getIdempotency(s: IdempotencyScope): Promise<IdempotencyRecord | undefined> {
    const b = new SqlBuilder(this.engine);
    const rows = await this.exec.all(
      `SELECT request_hash, response, created_at_ms FROM idempotency WHERE account_id = ${b.p(s.accountId)} AND catalog = ${b.p(s.catalog)} AND operation = ${b.p(s.operation)} AND client_token = ${b.p(s.clientToken)}`,
      b.params,
    );
    const row = rows[0];
    return row && { requestHash: row.request_hash as string, response: row.response as string, createdAtMs: Number(row.created_at_ms) };
  }

  async putIdempotency(s: IdempotencyScope, r: IdempotencyRecord): Promise<void> {
    this.writable('putIdempotency');
    const b = new SqlBuilder(this.engine);
    await this.exec.run(
      `INSERT INTO idempotency (account_id, catalog, operation, client_token, request_hash, response, created_at_ms) VALUES (${[s.accountId, s.catalog, s.operation, s.clientToken, r.requestHash, r.response, r.createdAtMs].map((v) => b.p(v)).join(', ')}) ON CONFLICT (account_id, catalog, operation, client_token) DO UPDATE SET request_hash = excluded.request_hash, response = excluded.response, created_at_ms = excluded.created_at_ms`,
      b.params,
    );
  }

  async appendEvent(e: EventEnvelope, availableAt = 0): Promise<void> {
    this.writable('appendEvent');
    if (!this.eventsAppended) {
      this.eventsAppended = true;
      await this.hooks.beforeFirstEvent?.(this.exec);
    }
    const catalog = typeof e.detail.catalog === 'string' ? e.detail.catalog : null;
    const recorded = Date.parse(e.time);
    const b = new SqlBuilder(this.engine);
    await this.exec.run(
      `INSERT INTO events (id, account_id, catalog, detail_type, available_at_ms, recorded_at_ms, envelope) VALUES (${[e.id, e.account, catalog, e['detail-type'], availableAt, Number.isFinite(recorded) ? recorded : 0, JSON.stringify(e)].map((v) => b.p(v)).join(', ')})`,
      b.params,
    );
    // Event delivery (streams, webhooks) watches `version('events')` to learn that the outbox grew.
    this.hooks.touched('events');
  }

  async getMeta(key: string): Promise<string | undefined> {
    const b = new SqlBuilder(this.engine);
    const rows = await this.exec.all(`SELECT value FROM meta WHERE key = ${b.p(key)}`, b.params);
    return rows[0]?.value as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.writable('setMeta');
    const b = new SqlBuilder(this.engine);
    await this.exec.run(`INSERT INTO meta (key, value) VALUES (${b.p(key)}, ${b.p(value)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, b.params);
    this.hooks.touched('meta');
  }

  async listSequences(): Promise<Record<string, number>> {
    const rows = await this.exec.all('SELECT kind, value FROM sequences ORDER BY kind', []);
    return Object.fromEntries(rows.map((r) => [r.kind as string, Number(r.value)]));
  }

  async setSequence(name: string, value: number): Promise<void> {
    this.writable('setSequence');
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`sequence ${name}: ${value} is not a non-negative integer`);
    const b = new SqlBuilder(this.engine);
    await this.exec.run(`INSERT INTO sequences (kind, value) VALUES (${b.p(name)}, ${b.p(value)}) ON CONFLICT (kind) DO UPDATE SET value = excluded.value`, b.params);
  }

  async listMeta(): Promise<Record<string, string>> {
    const rows = await this.exec.all('SELECT key, value FROM meta ORDER BY key', []);
    return Object.fromEntries(rows.map((r) => [r.key as string, r.value as string]));
  }

  async pageIdempotency(after: IdempotencyScope | undefined, limit: number): Promise<ScopedIdempotencyRecord[]> {
    const b = new SqlBuilder(this.engine);
    const cols = '(account_id, catalog, operation, client_token)';
    const where = after === undefined ? '' : ` WHERE ${cols} > (${[after.accountId, after.catalog, after.operation, after.clientToken].map((v) => b.p(v)).join(', ')})`;
    const rows = await this.exec.all(
      `SELECT account_id, catalog, operation, client_token, request_hash, response, created_at_ms FROM idempotency${where} ORDER BY account_id, catalog, operation, client_token LIMIT ${b.count(limit)}`,
      b.params,
    );
    return rows.map((r) => ({
      accountId: r.account_id as string,
      catalog: r.catalog as string,
      operation: r.operation as string,
      clientToken: r.client_token as string,
      requestHash: r.request_hash as string,
      response: r.response as string,
      createdAtMs: Number(r.created_at_ms),
    }));
  }

  async pageEvents(after: number, limit: number): Promise<OutboxEntry[]> {
    const b = new SqlBuilder(this.engine);
    const rows = await this.exec.all(`SELECT seq, available_at_ms, envelope FROM events WHERE seq > ${b.p(after)} ORDER BY seq LIMIT ${b.count(limit)}`, b.params);
    return rows.map((r) => ({ position: Number(r.seq), availableAt: Number(r.available_at_ms), envelope: JSON.parse(r.envelope as string) as EventEnvelope }));
  }

  async deleteEverything(): Promise<void> {
    this.writable('deleteEverything');
    this.stored.clear();
    for (const kind of allKinds as readonly unknown[] as readonly AnyKind[]) {
      await this.exec.run(`DELETE FROM ${this.plans(kind).table}`, []);
      this.hooks.touched(kind.name);
    }
    for (const table of ['idempotency', 'events', 'sequences', 'meta']) await this.exec.run(`DELETE FROM ${table}`, []);
    this.hooks.touched('meta');
  }
}

/** The conditions of `where` on the given fields only. */
function pick(where: Where<Fields<never>> | undefined, fields: readonly string[]): Where<Fields<never>> {
  const all = (where ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => all[f] !== undefined).map((f) => [f, all[f]])) as Where<Fields<never>>;
}

// ---------------------------------------------------------------------------------------------------------
// Shared pieces of the store

/** A FIFO async mutex: one transaction at a time on one connection. */
export class AsyncMutex {
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  async acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}

/** Per-kind change versions and their listeners. */
export class ChangeBoard {
  private readonly versions = new Map<string, number>();
  private readonly listeners = new Set<(kinds: ReadonlySet<string>) => void>();

  version(kind: string): number {
    return this.versions.get(kind) ?? 0;
  }

  changed(kinds: ReadonlySet<string>): void {
    if (kinds.size === 0) return;
    for (const kind of kinds) this.versions.set(kind, this.version(kind) + 1);
    for (const listener of this.listeners) {
      try {
        listener(kinds);
      } catch {
        // A listener's failure is its own; the commit already happened.
      }
    }
  }

  subscribe(listener: (kinds: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }
}

/** Where-clause for the outbox query, shared by both engines. */
export function eventConditions(b: SqlBuilder, q: { after?: number; detailType?: string; accountId?: string; catalog?: string; availableBy?: number }): string {
  const parts = [`seq > ${b.p(q.after ?? 0)}`];
  if (q.detailType !== undefined) parts.push(`detail_type = ${b.p(q.detailType)}`);
  if (q.accountId !== undefined) parts.push(`account_id = ${b.p(q.accountId)}`);
  if (q.catalog !== undefined) parts.push(`catalog = ${b.p(q.catalog)}`);
  if (q.availableBy !== undefined) parts.push(`available_at_ms <= ${b.p(q.availableBy)}`);
  return parts.join(' AND ');
}
