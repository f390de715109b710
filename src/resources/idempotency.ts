// ClientToken handling (decision 9): same token and same request → the original answer; same token and a
// different request → ConflictException; tokens are scoped to (account, catalog, operation) and expire.
import { createHash } from 'node:crypto';
import { ConflictException } from '../errors.js';
import { canonicalJson } from '../model/canonical-json.js';
import type { RequestContext } from '../context.js';
import { operations } from '../model/generated/operations.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

// Re-exported for the resource modules that already take it from here.
export { canonicalJson };

export function requestHash(input: Record<string, unknown>, tokenMember: string): string {
  const { [tokenMember]: _token, ...rest } = input;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export const CONFLICTING_TOKEN_MESSAGE = 'Conflicting client token submitted for a new request body.';

/** The idempotency-token member of the request's operation, from the generated model (`@idempotencyToken`). */
function tokenMemberOf(ctx: RequestContext): string {
  const member = operations[ctx.operation].idempotencyToken;
  if (member === null) throw new Error(`${ctx.operation} has no idempotency token in the model`);
  return member;
}

/**
 * Runs `create` once per idempotency token (the member the model marks, `ClientToken` in this API). On a replay, `replay` turns the stored first answer into the answer to
 * give now (for tasks: the same task with its current status). Must be called inside a write transaction.
 */
export async function idempotent<T>(
  ctx: RequestContext,
  uow: UnitOfWork,
  input: Record<string, unknown>,
  create: () => Promise<T>,
  replay: (first: T) => T = (first) => first,
): Promise<T> {
  const member = tokenMemberOf(ctx);
  const token = input[member];
  // The model requires the token where this API has one; a request without one has nothing to replay.
  if (typeof token !== 'string') return create();
  const scope = { accountId: ctx.accountId, catalog: ctx.catalog, operation: ctx.operation, clientToken: token };
  const hash = requestHash(input, member);
  const now = ctx.services.clock.now();
  const existing = await uow.getIdempotency(scope);
  if (existing && now - existing.createdAtMs < ctx.services.options.idempotencyTtlMs) {
    if (existing.requestHash !== hash) throw new ConflictException(CONFLICTING_TOKEN_MESSAGE);
    return replay(JSON.parse(existing.response) as T);
  }
  const result = await create();
  await uow.putIdempotency(scope, { requestHash: hash, response: JSON.stringify(result), createdAtMs: now });
  return result;
}
