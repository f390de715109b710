// /_emulator/faults: fault-injection rules. POST adds one (201), GET lists them, DELETE removes them all;
// /_emulator/faults/{id} reads or removes one. The rules themselves live in src/faults/rules.ts.
import { FaultRuleError, type FaultRule } from '../../faults/rules.js';
import { operationNames, type OperationName } from '../../model/generated/operations.js';
import { ControlError, handler, ok, type ControlRoute } from '../router.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

/** Longest injected delay: a minute is more than any SDK's default socket timeout a test would want to hit. */
export const MAX_FAULT_LATENCY_MS = 60_000;
export const MAX_FAULT_COUNT = 1_000_000;

const FAULT_BODY = {
  operation: { type: 'string', pattern: /^[A-Za-z]{1,64}$/, expected: "an operation name such as 'CreateOpportunity'" },
  account: ACCOUNT_ID,
  catalog: CATALOG,
  probability: { type: 'number', min: 0, max: 1, exclusiveMin: true },
  count: { type: 'integer', min: 1, max: MAX_FAULT_COUNT },
  error: {
    type: 'object',
    fields: {
      code: { type: 'string', pattern: /^[A-Za-z]{1,64}$/, expected: "a modeled error name such as 'ThrottlingException'", required: true },
      status: { type: 'integer', min: 400, max: 599 },
      message: { type: 'string', minLength: 1, maxLength: 1000 },
    },
  },
  latencyMs: { type: 'duration', min: 0, max: MAX_FAULT_LATENCY_MS },
} as const;

const OPERATIONS: ReadonlySet<string> = new Set(operationNames);

/** Names the operation, or refuses it with a suggestion instead of the whole list of 45. */
function knownOperation(name: string): OperationName {
  if (OPERATIONS.has(name)) return name as OperationName;
  const near = operationNames.find((op) => op.toLowerCase() === name.toLowerCase());
  throw new FaultRuleError(
    `'operation' must be an operation of the Partner Central Selling API${near ? ` (did you mean '${near}'?)` : ", such as 'CreateOpportunity'"}; ` +
      `'${name.length > 60 ? `${name.slice(0, 57)}...` : name}' is not one (the README lists them).`,
  );
}

function found(rule: FaultRule | undefined, id: string): FaultRule {
  if (!rule) throw new ControlError(404, `No fault rule '${id.length > 60 ? `${id.slice(0, 57)}...` : id}'.`);
  return rule;
}

export const faultsRoute: ControlRoute = {
  paths: ['/_emulator/faults'],
  GET: handler({ handle: ({ services }) => ok({ faults: services.faults.list() }) }),
  POST: handler({
    body: FAULT_BODY,
    handle: ({ services, body }) => {
      const operation = body.operation === undefined ? undefined : knownOperation(body.operation);
      const rule = services.faults.add({ ...body, operation });
      services.log.info(`fault rule ${rule.id} added`);
      return ok(rule, 201);
    },
  }),
  DELETE: handler({ handle: ({ services }) => ok({ deleted: services.faults.clear() }) }),
};

export const faultRoute: ControlRoute = {
  paths: ['/_emulator/faults/{id}'],
  GET: handler({ handle: ({ services, id }) => ok(found(services.faults.get(id), id)) }),
  DELETE: handler({
    handle: ({ services, id }) => {
      found(services.faults.get(id), id);
      services.faults.remove(id);
      return ok({ deleted: id });
    },
  }),
};
