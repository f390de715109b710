// The operation registry: for each operation of the generated model, what the server needs to serve it — its
// handler (or none: 501 after validation), the idempotency-token and paging members and the read-only trait
// from the model, and the record kinds a cacheable read depends on. Built once at start-up and handed to
// `startServer`; tests build their own with `buildRegistry(overrides)` instead of patching a module.
import type { Handler, RequestContext } from '../context.js';
import { operationNames, operations, type OperationName } from '../model/generated/operations.js';
import type { PaginationDef } from '../model/shape-types.js';
import { handlers, pureReadOperations } from '../resources/index.js';

/** A handler as the pipeline calls it: validated input in, output (or a promise of it) out. */
export type AnyHandler = (ctx: RequestContext, input: Record<string, unknown>) => unknown;

export interface OperationEntry {
  readonly operation: OperationName;
  /** Undefined: the operation is routed and validated, then answered NotImplementedException. */
  readonly handler: AnyHandler | undefined;
  /** The input member carrying `@idempotencyToken` (e.g. `ClientToken`), or null. */
  readonly idempotencyToken: string | null;
  /** The paging members from the model's `@paginated` trait, or null. */
  readonly paginated: PaginationDef | null;
  /** The model's `@readonly` trait. */
  readonly readOnly: boolean;
  /** The record kinds a pure read depends on: its answers may be cached until one changes. Null: never cached. */
  readonly reads: readonly string[] | null;
}

export type OperationRegistry = Readonly<Record<OperationName, OperationEntry>>;

/** Replacement handlers: `null` removes the operation's handler (it answers 501). */
export type HandlerOverrides = { readonly [Op in OperationName]?: Handler<Op> | AnyHandler | null };

/**
 * The emulator's registry, with `overrides` in place of its own handlers. An overriding handler is not known to
 * be a pure read, so its answers are never cached.
 */
export function buildRegistry(overrides: HandlerOverrides = {}): OperationRegistry {
  const own = handlers as Readonly<Record<string, AnyHandler | undefined>>;
  const entries = {} as Record<OperationName, OperationEntry>;
  for (const operation of operationNames) {
    const def = operations[operation];
    const overridden = Object.hasOwn(overrides, operation);
    const handler = overridden ? ((overrides[operation] as AnyHandler | null) ?? undefined) : own[operation];
    entries[operation] = Object.freeze({
      operation,
      handler,
      idempotencyToken: def.idempotencyToken,
      paginated: def.paginated,
      readOnly: def.readonly,
      reads: overridden || handler === undefined ? null : (pureReadOperations.get(operation) ?? null),
    });
  }
  return Object.freeze(entries);
}

/** The registry of the emulator's own handlers, built once. */
export const defaultRegistry: OperationRegistry = buildRegistry();

/** The model's idempotency-token member of `operation`, or null. */
export function idempotencyTokenOf(operation: OperationName): string | null {
  return operations[operation].idempotencyToken;
}

/** The model's paging members of `operation`, or null. */
export function paginationOf(operation: OperationName): PaginationDef | null {
  return operations[operation].paginated;
}
