// State export and import: everything a unit-of-work store holds (the records of every kind, idempotency
// records, the event outbox, identifier sequences and metadata such as the business clock and the id seed)
// as one versioned JSON document, and back.
//
// Export is one read-only transaction (a consistent snapshot), written out incrementally: each kind is paged
// with its keyset cursor and every page becomes one chunk handed to `write`, so a million records never sit
// in memory, nor in one string. Import checks the whole document first, then replaces everything in one write
// transaction: a refused or failed import leaves the store as it was.
//
//   {"format": "partnercentral-local-state", "version": 1,
//    "schema": {"kinds": {"opportunity": ["catalog", "id"], …}},   each record kind with its key fields
//    "meta": {"clock": "…", "id_seed": "…"}, "sequences": {"opportunity": 3, …},
//    "records": {"opportunity": [doc, …], …},
//    "idempotency": [{"accountId", "catalog", "operation", "clientToken", "requestHash", "response", "createdAtMs"}, …],
//    "events": [{"availableAt": 0, "envelope": {…}}, …]}                                   in outbox order
import type { EventEnvelope } from '../events/envelope.js';
import { allKinds } from '../store/kinds.js';
import type { Fields, IdempotencyScope, RecordKind, ScopedIdempotencyRecord, TaskRecord, UnitOfWorkStore } from '../store/unit-of-work.js';

export const STATE_FORMAT = 'partnercentral-local-state';
export const STATE_VERSION = 1;

/** A kind as this module handles it: any document type. */
type AnyKind = RecordKind<unknown, Fields<unknown>>;
const kinds = allKinds as readonly unknown[] as readonly AnyKind[];
const kindsByName = new Map(kinds.map((kind) => [kind.name, kind]));

/** The `schema` member: every record kind this version stores, with its key fields. */
export function stateSchema(): { kinds: Record<string, readonly string[]> } {
  return { kinds: Object.fromEntries(kinds.map((kind) => [kind.name, kind.key])) };
}

/** How many of each part an export wrote or an import replaced. */
export interface StateSummary {
  records: Record<string, number>;
  idempotency: number;
  events: number;
  sequences: number;
  meta: number;
}

const PAGE_SIZE = 500;

/**
 * Writes the store's whole state as one JSON document, a chunk at a time; `write` may return a promise (e.g.
 * waiting for a socket to drain) and the export waits for it. Runs in one read-only transaction: on SQLite this
 * process's other transactions wait until it ends, on PostgreSQL nothing waits.
 */
export async function exportState(store: UnitOfWorkStore, write: (chunk: string) => void | Promise<void>, pageSize = PAGE_SIZE): Promise<StateSummary> {
  return store.transaction(
    async (uow) => {
      const summary: StateSummary = { records: {}, idempotency: 0, events: 0, sequences: 0, meta: 0 };
      const meta = await uow.listMeta();
      const sequences = await uow.listSequences();
      summary.meta = Object.keys(meta).length;
      summary.sequences = Object.keys(sequences).length;
      const head = { format: STATE_FORMAT, version: STATE_VERSION, schema: stateSchema(), engine: store.engine, meta, sequences };
      await write(`${JSON.stringify(head).slice(0, -1)},\n"records":{`);

      for (const [k, kind] of kinds.entries()) {
        await write(`${k === 0 ? '' : ','}\n${JSON.stringify(kind.name)}:[`);
        let count = 0;
        let after: string | undefined;
        do {
          const page = await uow.query(kind, { limit: pageSize, after });
          if (page.items.length > 0) await write(`${count === 0 ? '' : ','}\n${page.items.map((doc) => JSON.stringify(doc)).join(',\n')}`);
          count += page.items.length;
          after = page.next;
        } while (after !== undefined);
        await write(']');
        summary.records[kind.name] = count;
      }

      await write('},\n"idempotency":[');
      let scope: IdempotencyScope | undefined;
      for (;;) {
        const page = await uow.pageIdempotency(scope, pageSize);
        if (page.length > 0) await write(`${summary.idempotency === 0 ? '' : ','}\n${page.map((r) => JSON.stringify(r)).join(',\n')}`);
        summary.idempotency += page.length;
        if (page.length < pageSize) break;
        const last = page[page.length - 1]!;
        scope = { accountId: last.accountId, catalog: last.catalog, operation: last.operation, clientToken: last.clientToken };
      }

      await write('],\n"events":[');
      let position = 0;
      for (;;) {
        const page = await uow.pageEvents(position, pageSize);
        const lines = page.map((e) => JSON.stringify({ availableAt: e.availableAt, envelope: e.envelope }));
        if (page.length > 0) await write(`${summary.events === 0 ? '' : ','}\n${lines.join(',\n')}`);
        summary.events += page.length;
        if (page.length < pageSize) break;
        position = page[page.length - 1]!.position;
      }
      await write(']}\n');
      return summary;
    },
    { readOnly: true },
  );
}

/** An export refused before anything changed: the message names the member at fault. */
export class StateFormatError extends Error {}

interface CheckedState {
  meta: Record<string, string>;
  sequences: Record<string, number>;
  records: [AnyKind, unknown[]][];
  idempotency: ScopedIdempotencyRecord[];
  events: { availableAt: number; envelope: EventEnvelope }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_PROBLEMS = 20;

/** Checks a parsed export completely; throws StateFormatError listing (up to 20) problems. */
export function checkState(input: unknown): CheckedState {
  if (!isObject(input)) throw new StateFormatError('The state must be a JSON object, as GET /_emulator/state exports it.');
  if (input.format !== STATE_FORMAT) throw new StateFormatError(`'format' must be '${STATE_FORMAT}' (an export of GET /_emulator/state).`);
  if (input.version !== STATE_VERSION) {
    throw new StateFormatError(
      `'version' ${JSON.stringify(input.version)} is not supported: this partnercentral-local reads state version ${STATE_VERSION} only. Export the state again with this version.`,
    );
  }
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
  };
  const accepted = ['format', 'version', 'schema', 'engine', 'meta', 'sequences', 'records', 'idempotency', 'events'];
  for (const key of Object.keys(input)) if (!accepted.includes(key)) problem(`Unknown key '${key}'; accepted keys: ${accepted.join(', ')}.`);

  // The schema: every kind named must be one this version stores, with the same key.
  const schemaKinds = isObject(input.schema) && isObject(input.schema.kinds) ? input.schema.kinds : undefined;
  if (!schemaKinds) problem("'schema.kinds' must be an object of record kinds and their key fields.");
  for (const [name, key] of Object.entries(schemaKinds ?? {})) {
    const kind = kindsByName.get(name);
    if (!kind) problem(`'schema.kinds.${name}': this version stores no such record kind (it stores ${[...kindsByName.keys()].join(', ')}).`);
    else if (JSON.stringify(key) !== JSON.stringify(kind.key)) problem(`'schema.kinds.${name}' has key ${JSON.stringify(key)}; this version keys it by ${JSON.stringify(kind.key)}.`);
  }

  const meta: Record<string, string> = {};
  if (!isObject(input.meta)) problem("'meta' must be an object of strings.");
  else for (const [k, v] of Object.entries(input.meta)) typeof v === 'string' ? (meta[k] = v) : problem(`'meta.${k}' must be a string.`);

  const sequences: Record<string, number> = {};
  if (!isObject(input.sequences)) problem("'sequences' must be an object of non-negative integers.");
  else {
    for (const [k, v] of Object.entries(input.sequences)) {
      typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? (sequences[k] = v) : problem(`'sequences.${k}' must be a non-negative integer.`);
    }
  }

  const records: [AnyKind, unknown[]][] = [];
  if (!isObject(input.records)) problem("'records' must be an object: record kind → list of documents.");
  for (const [name, docs] of Object.entries(isObject(input.records) ? input.records : {})) {
    const kind = kindsByName.get(name);
    if (!kind || (schemaKinds && !Object.hasOwn(schemaKinds, name))) {
      problem(`'records.${name}' is not a record kind of 'schema.kinds'.`);
      continue;
    }
    if (!Array.isArray(docs)) {
      problem(`'records.${name}' must be a list of documents.`);
      continue;
    }
    docs.forEach((doc, i) => {
      const why = documentProblem(kind, doc);
      if (why) problem(`'records.${name}[${i}]' ${why}`);
    });
    // Lease fields belong to the process that held them; an imported task is free for this one to claim.
    records.push([kind, name === 'task' ? docs.map((d) => ({ ...(d as TaskRecord), leaseOwner: undefined, leaseExpiresAtMs: undefined })) : docs]);
  }

  const idempotency: ScopedIdempotencyRecord[] = [];
  if (!Array.isArray(input.idempotency)) problem("'idempotency' must be a list.");
  else {
    input.idempotency.forEach((r: unknown, i) => {
      const textKeys = ['accountId', 'catalog', 'operation', 'clientToken', 'requestHash', 'response'] as const;
      if (!isObject(r) || textKeys.some((k) => typeof r[k] !== 'string') || !Number.isSafeInteger(r.createdAtMs)) {
        problem(`'idempotency[${i}]' must have string ${textKeys.join(', ')} and an integer createdAtMs.`);
      } else idempotency.push(r as unknown as ScopedIdempotencyRecord);
    });
  }

  const events: CheckedState['events'] = [];
  if (!Array.isArray(input.events)) problem("'events' must be a list.");
  else {
    input.events.forEach((e: unknown, i) => {
      const env = isObject(e) ? e.envelope : undefined;
      const envelopeOk =
        isObject(env) && typeof env.id === 'string' && typeof env['detail-type'] === 'string' && typeof env.account === 'string' && typeof env.time === 'string' && isObject(env.detail);
      if (!isObject(e) || !Number.isSafeInteger(e.availableAt) || !envelopeOk) {
        problem(`'events[${i}]' must be {"availableAt": <ms>, "envelope": <an EventBridge envelope with id, detail-type, account, time and detail>}.`);
      } else events.push({ availableAt: e.availableAt as number, envelope: env as unknown as EventEnvelope });
    });
  }

  if (problems.length > 0) throw new StateFormatError(`The state cannot be imported: ${problems.join(' ')}`);
  return { meta, sequences, records, idempotency, events };
}

/** Why a document cannot be stored as `kind` (the same test the engines apply), or undefined. */
function documentProblem(kind: AnyKind, doc: unknown): string | undefined {
  if (!isObject(doc)) return 'must be a JSON object.';
  for (const [name, field] of Object.entries(kind.fields)) {
    let value: unknown;
    try {
      value = field.of(doc);
    } catch {
      return `lacks what field '${name}' is read from.`;
    }
    if (value === undefined || value === null || (typeof value === 'number' && !Number.isFinite(value))) {
      if (field.optional) continue;
      return `lacks field '${name}'.`;
    }
    const expected = field.type === 'text' ? 'string' : field.type === 'bool' ? 'boolean' : 'number';
    if (typeof value !== expected) return `has a ${typeof value} for field '${name}' (${field.type} expected).`;
  }
  return undefined;
}

/**
 * Replaces everything in the store with a parsed export, in one transaction, after checking all of it
 * (StateFormatError when refused; then nothing changed).
 */
export async function importState(store: UnitOfWorkStore, input: unknown): Promise<StateSummary> {
  const state = checkState(input);
  // A bulk transaction: it may replace a whole database (see TransactionOptions).
  return store.transaction(async (uow) => {
    await uow.deleteEverything();
    const summary: StateSummary = { records: {}, idempotency: state.idempotency.length, events: state.events.length, sequences: 0, meta: 0 };
    for (const [key, value] of Object.entries(state.meta)) await uow.setMeta(key, value);
    for (const [name, value] of Object.entries(state.sequences)) await uow.setSequence(name, value);
    summary.meta = Object.keys(state.meta).length;
    summary.sequences = Object.keys(state.sequences).length;
    for (const kind of kinds) summary.records[kind.name] = 0;
    for (const [kind, docs] of state.records) {
      for (const doc of docs) await uow.put(kind, doc);
      summary.records[kind.name] = docs.length;
    }
    for (const r of state.idempotency) {
      const { requestHash, response, createdAtMs, ...scope } = r;
      await uow.putIdempotency(scope, { requestHash, response, createdAtMs });
    }
    for (const e of state.events) await uow.appendEvent(e.envelope, e.availableAt);
    return summary;
  }, { bulk: true });
}
