// Fault injection: rules that make matching API requests answer a modeled error, or wait, instead of (or
// before) their normal answer. A rule is checked before the handler runs, so a faulted request changes nothing.
//
// Rules live in memory, per process, for now (two processes on one database file each have their own); they
// sit behind this small interface (add, list, get, remove, clear, match) so that they can move into the store.
import { createHmac } from 'node:crypto';
import { ApiError } from '../errors.js';
import { operationNames, operations, type OperationName } from '../model/generated/operations.js';
import { shapes } from '../model/generated/shapes.js';

export interface FaultError {
  code: string;
  status: number;
  message: string;
}

export interface FaultRuleInput {
  operation?: OperationName;
  account?: string;
  catalog?: string;
  probability?: number;
  count?: number;
  error?: { code: string; status?: number; message?: string };
  latencyMs?: number;
}

export interface FaultRule {
  id: string;
  operation?: OperationName;
  account?: string;
  catalog?: string;
  /** Chance of firing on each matching request; absent = always. */
  probability?: number;
  /** How many more times the rule fires before it is removed; absent = no limit. */
  count?: number;
  error?: FaultError;
  latencyMs?: number;
  /** How many requests the rule has answered so far. */
  fired: number;
}

/** The modeled errors a rule may answer (declared by some operation), with the model's HTTP status. */
export const MODELED_ERRORS: ReadonlyMap<string, number> = new Map(
  [...new Set(operationNames.flatMap((op) => operations[op].errors))].map((code) => {
    const shape = shapes[code];
    return [code, shape?.type === 'structure' && shape.httpStatus !== undefined ? shape.httpStatus : 400] as const;
  }),
);

/** Errors every operation declares: the only codes a rule without `operation` may answer. */
export const COMMON_ERRORS: readonly string[] = [...MODELED_ERRORS.keys()].filter((code) => operationNames.every((op) => operations[op].errors.includes(code)));

/** The codes a rule for `operation` (or for any operation) may answer. */
export function allowedErrorCodes(operation: OperationName | undefined): readonly string[] {
  return operation === undefined ? COMMON_ERRORS : operations[operation].errors;
}

/** A refused rule (the control route answers it 400). */
export class FaultRuleError extends Error {
  readonly httpStatus = 400;
}

/** The answer of a rule that fired: rendered like every other API error. */
export class InjectedFault extends ApiError {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
  override bodyMembers(): Record<string, unknown> {
    // `Reason` is a required member of ValidationException; SDKs surface it as `e.Reason`.
    return this.code === 'ValidationException' ? { Reason: 'REQUEST_VALIDATION_FAILED' } : {};
  }
}

/**
 * A small seedable generator (sfc32) over 128 bits of HMAC(seed, rule id): each rule draws from its own stream,
 * so its firing pattern depends only on the server's seed, its id and how many requests it has seen.
 */
function randomSource(seed: string, ruleId: string): () => number {
  const digest = createHmac('sha256', seed).update(`fault:${ruleId}`).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function defaultMessage(code: string, ruleId: string): string {
  return code === 'ThrottlingException' ? 'Rate exceeded' : `Injected by partnercentral-local fault rule ${ruleId}.`;
}

export class FaultRules {
  /** In creation order: the first matching rule that fires answers the request. */
  private readonly rules: FaultRule[] = [];
  private readonly draws = new Map<string, () => number>();
  private nextNumber = 1;

  constructor(private readonly seed: string) {}

  /** True when no rule exists: the request path then skips matching altogether. */
  get empty(): boolean {
    return this.rules.length === 0;
  }

  /** Checks the rules between fields (the route has checked each field) and adds the rule. */
  add(input: FaultRuleInput): FaultRule {
    const problems: string[] = [];
    if (input.probability !== undefined && input.count !== undefined) problems.push("'probability' and 'count' cannot be combined.");
    if (input.error === undefined && input.latencyMs === undefined) problems.push("A rule needs 'error', 'latencyMs' or both.");
    const allowed = allowedErrorCodes(input.operation);
    if (input.error !== undefined && !allowed.includes(input.error.code)) {
      problems.push(
        `'error.code' must be an error ${input.operation === undefined ? 'every operation declares (give an operation for its other errors)' : `${input.operation} declares`}: ` +
          `${allowed.map((code) => `'${code}'`).join(', ')}.`,
      );
    }
    if (problems.length > 0) throw new FaultRuleError(problems.join(' '));
    const id = `fault-${this.nextNumber++}`;
    const { operation, account, catalog, probability, count, error, latencyMs } = input;
    const rule: FaultRule = {
      id,
      ...(operation !== undefined && { operation }),
      ...(account !== undefined && { account }),
      ...(catalog !== undefined && { catalog }),
      ...(probability !== undefined && { probability }),
      ...(count !== undefined && { count }),
      ...(error !== undefined && {
        error: { code: error.code, status: error.status ?? MODELED_ERRORS.get(error.code)!, message: error.message ?? defaultMessage(error.code, id) },
      }),
      ...(latencyMs !== undefined && { latencyMs }),
      fired: 0,
    };
    this.rules.push(rule);
    if (rule.probability !== undefined) this.draws.set(id, randomSource(this.seed, id));
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  get(id: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.id === id);
    return rule && { ...rule };
  }

  remove(id: string): boolean {
    const index = this.rules.findIndex((r) => r.id === id);
    if (index < 0) return false;
    this.rules.splice(index, 1);
    this.draws.delete(id);
    return true;
  }

  clear(): number {
    const removed = this.rules.length;
    this.rules.length = 0;
    this.draws.clear();
    return removed;
  }

  /**
   * The rule that answers this request, if any: the first in creation order whose filters match and that fires
   * (a probability rule draws once per matching request). A count rule that fires its last time is removed.
   */
  match(operation: string, accountId: string, catalog: string): FaultRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (rule.operation !== undefined && rule.operation !== operation) continue;
      if (rule.account !== undefined && rule.account !== accountId) continue;
      if (rule.catalog !== undefined && rule.catalog !== catalog) continue;
      if (rule.probability !== undefined && this.draws.get(rule.id)!() >= rule.probability) continue;
      rule.fired++;
      if (rule.count !== undefined && --rule.count === 0) {
        this.rules.splice(i, 1);
        this.draws.delete(rule.id);
      }
      return { ...rule };
    }
    return undefined;
  }
}
