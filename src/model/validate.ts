// The constraint engine: checks a parsed request body against the generated shape tables and reports every
// problem at once, the way AWS's ValidationException does. Validators are compiled once per operation at
// start-up (patterns included, in a linear-time engine), so a request only walks closures.
import { ValidationException, type FieldError, type ValidationErrorCode } from '../errors.js';
import { compilePattern, type CompiledPattern } from './pattern.js';
import { shapes } from './generated/shapes.js';
import { operations, operationNames, type OperationName } from './generated/operations.js';
import type { Constraints, MemberDef, ShapeDef } from './shape-types.js';

/** How many entries an ErrorList carries at most; the Message states how many problems there were in all. */
export const ERROR_LIST_CAP = 100;

/**
 * The problems found in one input. All are counted, but only the first ERROR_LIST_CAP become entries, and a
 * message given as a function is only built for those: 500,000 bad tag keys cost a count, not 500,000 strings.
 */
export class Problems {
  count = 0;
  readonly entries: FieldError[] = [];

  add(path: string, code: ValidationErrorCode, message: string | (() => string)): void {
    if (this.count++ >= ERROR_LIST_CAP) return;
    this.entries.push({ FieldName: path, Message: typeof message === 'string' ? message : message(), Code: code });
  }
}

/**
 * Checks `value` at `path`, adding what is wrong to `problems`, and returns the value projected onto the model:
 * unknown members and explicit nulls dropped (decision 4), so handlers only ever see modeled data.
 */
type Check = (value: unknown, path: string, problems: Problems) => unknown;

/** AWS reports field paths in dotted lowerCamel without list indices, e.g. `project.expectedCustomerSpend.amount`. */
export function fieldPath(parent: string, member: string): string {
  const camel = member.charAt(0).toLowerCase() + member.slice(1);
  return parent ? `${parent}.${camel}` : camel;
}

/** RFC 3339 date-time: any offset, 0–9 fractional digits (decision 3). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  // Date.parse rolls impossible fields over (2025-02-30 → 2025-03-02, 24:00 → next day); RFC 3339 forbids them.
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > days) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = /^[+-](\d{2}):(\d{2})$/.exec(m[8]!);
  if (offset && (+offset[1]! > 23 || +offset[2]! > 59)) return null;
  const ms = Date.parse(text.toUpperCase().replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : ms;
}

export { compilePattern };

/** Each distinct pattern of the model, compiled once (see pattern.ts); exported so tests can audit the engines. */
const patterns = new Map<string, CompiledPattern>();
export function compiledPatterns(): ReadonlyMap<string, CompiledPattern> {
  return patterns;
}
function patternFor(source: string): CompiledPattern {
  let compiled = patterns.get(source);
  if (!compiled) patterns.set(source, (compiled = compilePattern(source)));
  return compiled;
}

/**
 * Patterns the built validators use and that are not compiled yet. Compiling every pattern of the model takes
 * about 100 ms, a third of start-up, so it happens after the server listens (`compilePendingPatterns`); a request
 * that needs a pattern before then compiles just that one.
 */
const pendingPatterns = new Set<string>();

/** Compiles every pattern the validators use, one per event-loop turn, so no request waits behind them all. */
export async function compilePendingPatterns(): Promise<void> {
  for (const source of pendingPatterns) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    patternFor(source);
    pendingPatterns.delete(source);
  }
}

function describe(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** A lone surrogate (JSON `"\ud800"`) has no UTF-8 form: stored, it would be bytes no other reader can decode. */
const LONE_SURROGATE = /\p{Cs}/u;

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Length in Unicode code points, as Smithy counts it. */
function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Values the service uses although the model's enum lacks them, accepted on input. behavior.md §1.5(b) observed
 * `PrimaryNeedsFromAws: ["Do Not Need Support from AWS Sales Rep"]` on accepted partner invitations (so a
 * GetOpportunity → UpdateOpportunity round trip works); the deal-sizing guide and the model's own member doc
 * tell partners to send `Frequency: "None"` on a TCV Self entry (behavior.md §3.5, src/rules/deal-sizing.ts).
 */
const extraEnumValues: Readonly<Record<string, readonly string[]>> = {
  PrimaryNeedFromAws: ['Do Not Need Support from AWS Sales Rep'],
  PaymentFrequency: ['None'],
};

/**
 * Patterns the service checks as a business rule, with its own answer, at these request paths: an EstimationUrl
 * that fails the pattern beside an Amount is dropped, alone it is refused with "Invalid Estimation URL"
 * (behavior.md §3.5 [DOC D-DEAL]; src/rules/deal-sizing.ts). There the validator checks only the type and length.
 */
const businessCheckedPatterns: Readonly<Record<string, ReadonlySet<string>>> = {
  EstimationUrl: new Set(['project.expectedCustomerSpend.estimationUrl']),
};

/**
 * Closed value sets the service enforces on plain string shapes. The model types `Catalog` as any letters
 * (`^[a-zA-Z]+$`), but only two catalogs exist; an unknown one is reported like a bad enum value.
 */
const serviceValueSets: Readonly<Record<string, readonly string[]>> = {
  CatalogIdentifier: ['AWS', 'Sandbox'],
};

/**
 * How problems name their place, and whether unknown members are problems. API requests use AWS's style
 * (`project.expectedCustomerSpend.amount`, unknown members dropped); scenario files the exact one
 * (`Project.ExpectedCustomerSpend[0].Amount`, unknown members refused).
 */
interface PathStyle {
  member(parent: string, name: string): string;
  element(parent: string, index: number): string;
  entry(parent: string, key: string): string;
  strict: boolean;
}

const AWS_PATHS: PathStyle = { member: fieldPath, element: (parent) => parent, entry: (parent, key) => `${parent}.${describe(key)}`, strict: false };
const EXACT_PATHS: PathStyle = {
  member: (parent, name) => (parent ? `${parent}.${name}` : name),
  element: (parent, index) => `${parent}[${index}]`,
  entry: (parent, key) => `${parent}[${JSON.stringify(describe(key))}]`,
  strict: true,
};

class Compiler {
  private readonly cache = new Map<string, Check>();

  constructor(private readonly paths: PathStyle) {}

  shape(name: string): Check {
    const cached = this.cache.get(name);
    if (cached) return cached;
    // Placeholder so recursive shapes resolve lazily.
    let compiled: Check | undefined;
    const lazy: Check = (v, p, e) => compiled!(v, p, e);
    this.cache.set(name, lazy);
    compiled = this.build(name);
    this.cache.set(name, compiled);
    return compiled;
  }

  private build(name: string): Check {
    switch (name) {
      case 'smithy.api#String':
        return this.stringCheck({});
      case 'smithy.api#Integer':
        return this.numberCheck({}, true);
      case 'smithy.api#Boolean':
        return (v, p, e) => {
          if (typeof v !== 'boolean') e.add(p, 'INVALID_VALUE', () => `Expected a boolean but found ${jsonKind(v)}.`);
          return v;
        };
      case 'smithy.api#Unit':
        return () => ({});
    }
    const def = shapes[name];
    if (!def) throw new Error(`validator: unknown shape ${name}`);
    return this.fromDef(def, {}, name);
  }

  /** A member's check: its target's check with the member's own constraints layered on top. */
  member(def: MemberDef): Check {
    const own: Constraints = {};
    if (def.length) own.length = def.length;
    if (def.pattern !== undefined) own.pattern = def.pattern;
    if (def.range) own.range = def.range;
    if (!own.length && own.pattern === undefined && !own.range) return this.shape(def.target);
    const target = shapes[def.target];
    if (target) return this.fromDef(target, own);
    if (def.target === 'smithy.api#String') return this.stringCheck(own);
    if (def.target === 'smithy.api#Integer') return this.numberCheck(own, true);
    return this.shape(def.target);
  }

  private fromDef(def: ShapeDef, extra: Constraints, name?: string): Check {
    const c: Constraints = {
      length: extra.length ?? def.length,
      pattern: extra.pattern ?? def.pattern,
      range: extra.range ?? def.range,
    };
    // Smithy applies both the member's and the target's constraints; keep the target's too when they differ.
    const both = (first: Check, second: Check | null): Check =>
      second ? (v, p, e) => {
        const before = e.count;
        const out = first(v, p, e);
        if (e.count === before) second(v, p, e);
        return out;
      } : first;
    switch (def.type) {
      case 'structure':
        return both(this.structureCheck(def.members), null);
      case 'union':
        return this.unionCheck(def.members);
      case 'list':
        return this.listCheck(def.member, c);
      case 'map':
        return this.mapCheck(def.key, def.value, c);
      case 'enum':
        return this.enumCheck([...def.values, ...((name && extraEnumValues[name]) || [])]);
      case 'string': {
        const valueSet = name ? serviceValueSets[name] : undefined;
        if (valueSet) return both(this.stringCheck(c), this.enumCheck([...valueSet]));
        const merged = this.stringCheck(c);
        const deferred = name ? businessCheckedPatterns[name] : undefined;
        if (deferred) {
          const withoutPattern = this.stringCheck({ ...c, pattern: undefined });
          return (v, p, e) => (deferred.has(p) ? withoutPattern : merged)(v, p, e);
        }
        const targetOnly =
          extra.pattern !== undefined && def.pattern !== undefined && extra.pattern !== def.pattern
            ? this.stringCheck({ pattern: def.pattern })
            : null;
        return both(merged, targetOnly);
      }
      case 'integer':
      case 'long':
        return this.numberCheck(c, true);
      case 'float':
      case 'double':
        return this.numberCheck(c, false);
      case 'boolean':
        return (v, p, e) => {
          if (typeof v !== 'boolean') e.add(p, 'INVALID_VALUE', () => `Expected a boolean but found ${jsonKind(v)}.`);
          return v;
        };
      case 'timestamp':
        return (v, p, e) => {
          if (typeof v !== 'string') {
            e.add(p, 'INVALID_VALUE', () => `Expected an RFC 3339 date-time string but found ${jsonKind(v)}.`);
          } else if (parseTimestamp(v) === null) {
            e.add(p, 'INVALID_STRING_FORMAT', () => `Value '${describe(v)}' is not an RFC 3339 date-time such as 2025-01-31T12:00:00Z.`);
          }
          return v;
        };
      case 'blob':
      case 'document':
        return (v) => v;
    }
  }

  /** In strict style: a problem for each member the shape does not declare. */
  private unknownMembers(members: Record<string, MemberDef>): ((record: Record<string, unknown>, p: string, e: Problems) => void) | null {
    if (!this.paths.strict) return null;
    const known = new Set(Object.keys(members));
    const list = [...known].join(', ');
    return (record, p, e) => {
      for (const key of Object.keys(record)) {
        if (!known.has(key)) e.add(this.paths.member(p, describe(key)), 'INVALID_VALUE', () => `Unknown member; the accepted members are: ${list}.`);
      }
    };
  }

  private structureCheck(members: Record<string, MemberDef>): Check {
    const entries = Object.entries(members).map(([name, def]) => ({ name, required: def.required === true, check: this.member(def) }));
    const unknown = this.unknownMembers(members);
    const paths = this.paths;
    return (v, p, e) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        e.add(p, 'INVALID_VALUE', () => `Expected an object but found ${jsonKind(v)}.`);
        return v;
      }
      const record = v as Record<string, unknown>;
      unknown?.(record, p, e);
      const out: Record<string, unknown> = {};
      for (const m of entries) {
        const value = record[m.name];
        const path = paths.member(p, m.name);
        if (value === undefined || value === null) {
          if (m.required) e.add(path, 'REQUIRED_FIELD_MISSING', 'Member must not be null.');
          continue;
        }
        out[m.name] = m.check(value, path, e);
      }
      return out;
    };
  }

  private unionCheck(members: Record<string, MemberDef>): Check {
    const entries = Object.entries(members).map(([name, def]) => ({ name, check: this.member(def) }));
    const names = entries.map((m) => m.name).join(', ');
    const unknown = this.unknownMembers(members);
    const paths = this.paths;
    return (v, p, e) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        e.add(p, 'INVALID_VALUE', () => `Expected an object with exactly one of ${names} but found ${jsonKind(v)}.`);
        return v;
      }
      const record = v as Record<string, unknown>;
      unknown?.(record, p, e);
      const set = entries.filter((m) => record[m.name] !== undefined && record[m.name] !== null);
      if (set.length !== 1) {
        const found = set.length === 0 ? 'none' : set.map((m) => m.name).join(' and ');
        e.add(p, 'INVALID_VALUE', () => `Exactly one of ${names} must be set, but found ${found}.`);
        return v;
      }
      const only = set[0]!;
      return { [only.name]: only.check(record[only.name], paths.member(p, only.name), e) };
    };
  }

  private listCheck(member: MemberDef, c: Constraints): Check {
    const item = this.member(member);
    const min = c.length?.min;
    const max = c.length?.max;
    const paths = this.paths;
    return (v, p, e) => {
      if (!Array.isArray(v)) {
        e.add(p, 'INVALID_VALUE', () => `Expected a list but found ${jsonKind(v)}.`);
        return v;
      }
      if (min !== undefined && v.length < min) {
        e.add(p, 'NOT_ENOUGH_VALUES', () => `Member must have length greater than or equal to ${min}.`);
      }
      if (max !== undefined && v.length > max) {
        e.add(p, 'TOO_MANY_VALUES', () => `Member must have length less than or equal to ${max}.`);
      }
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const element: unknown = v[i];
        if (element === null) {
          e.add(paths.element(p, i), 'INVALID_VALUE', 'List elements must not be null.');
          continue;
        }
        out.push(item(element, paths.element(p, i), e));
      }
      return out;
    };
  }

  private mapCheck(key: MemberDef, value: MemberDef, c: Constraints): Check {
    const keyCheck = this.member(key);
    const valueCheck = this.member(value);
    const min = c.length?.min;
    const max = c.length?.max;
    const paths = this.paths;
    return (v, p, e) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        e.add(p, 'INVALID_VALUE', () => `Expected a map but found ${jsonKind(v)}.`);
        return v;
      }
      const entries = Object.entries(v as Record<string, unknown>);
      if (min !== undefined && entries.length < min) e.add(p, 'NOT_ENOUGH_VALUES', () => `Map must have at least ${min} entries.`);
      if (max !== undefined && entries.length > max) e.add(p, 'TOO_MANY_VALUES', () => `Map must have at most ${max} entries.`);
      const out: Record<string, unknown> = {};
      for (const [k, val] of entries) {
        keyCheck(k, p, e);
        if (val !== null) out[k] = valueCheck(val, paths.entry(p, k), e); // keys are unbounded: keep paths short
      }
      return out;
    };
  }

  private enumCheck(values: string[]): Check {
    const allowed = new Set(values);
    const list = values.join(', ');
    return (v, p, e) => {
      if (typeof v !== 'string') {
        e.add(p, 'INVALID_VALUE', () => `Expected a string but found ${jsonKind(v)}.`);
      } else if (!allowed.has(v)) {
        e.add(p, 'INVALID_ENUM_VALUE', () => `Value '${describe(v)}' is not one of: ${list}.`);
      }
      return v;
    };
  }

  private stringCheck(c: Constraints): Check {
    const pattern = c.pattern;
    let regex: CompiledPattern | null = null;
    if (pattern !== undefined) pendingPatterns.add(pattern);
    const min = c.length?.min;
    const max = c.length?.max;
    return (v, p, e) => {
      if (typeof v !== 'string') {
        e.add(p, 'INVALID_VALUE', () => `Expected a string but found ${jsonKind(v)}.`);
        return v;
      }
      const surrogate = LONE_SURROGATE.exec(v);
      if (surrogate) {
        const unit = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
        e.add(p, 'INVALID_STRING_FORMAT', () => `Value must be well-formed Unicode, but it contains a lone surrogate (U+${unit}).`);
        return v;
      }
      if (min !== undefined || max !== undefined) {
        const n = codePointLength(v);
        if (min !== undefined && n < min) {
          e.add(p, 'INVALID_STRING_FORMAT', () => `Member must have length greater than or equal to ${min}.`);
          return v;
        }
        if (max !== undefined && n > max) {
          e.add(p, 'INVALID_STRING_FORMAT', () => `Member must have length less than or equal to ${max}.`);
          return v;
        }
      }
      if (pattern !== undefined && !(regex ??= patternFor(pattern)).test(v)) {
        e.add(p, 'INVALID_STRING_FORMAT', () => `Value '${describe(v)}' must satisfy regular expression pattern: ${pattern}.`);
      }
      return v;
    };
  }

  private numberCheck(c: Constraints, integer: boolean): Check {
    const min = c.range?.min;
    const max = c.range?.max;
    return (v, p, e) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
        e.add(p, 'INVALID_VALUE', () => `Expected ${integer ? 'an integer' : 'a number'} but found ${jsonKind(v)}.`);
        return v;
      }
      if (min !== undefined && v < min) e.add(p, 'VALUE_OUT_OF_RANGE', () => `Member must have value greater than or equal to ${min}.`);
      if (max !== undefined && v > max) e.add(p, 'VALUE_OUT_OF_RANGE', () => `Member must have value less than or equal to ${max}.`);
      return v;
    };
  }
}

const compiler = new Compiler(AWS_PATHS);
/** Built on first use: only scenario files need it. */
let exactCompiler: Compiler | undefined;

/** One compiled validator per operation input, built at module load. */
const inputValidators: ReadonlyMap<OperationName, Check> = new Map(
  operationNames.map((name) => {
    const input = operations[name].input;
    return [name, input ? compiler.shape(input) : (): unknown => ({})] as const;
  }),
);

/** The top-level message in the style of AWS's framework validation; past the cap it says how many are listed. */
export function validationMessage(problems: Problems): string {
  const { entries, count: n } = problems;
  const parts = entries.map((err) => `Value at '${err.FieldName ?? ''}' failed to satisfy constraint: ${err.Message}`);
  // Each entry's sentence keeps its own period only at the very end: "…null; Value at …null."
  const joined = parts.map((p, i) => (i < parts.length - 1 ? p.replace(/\.$/, '') : p)).join('; ');
  const listed = n > entries.length ? ` (the first ${entries.length} are listed)` : '';
  return `${n} validation error${n === 1 ? '' : 's'} detected${listed}: ${joined}`;
}

/**
 * Validates an operation's input and returns it projected onto the model (unknown members and nulls removed).
 * Throws ValidationException (REQUEST_VALIDATION_FAILED) listing every problem.
 */
export function validateInput(operation: OperationName, input: Record<string, unknown>): Record<string, unknown> {
  const problems = new Problems();
  const clean = inputValidators.get(operation)!(input, '', problems) as Record<string, unknown>;
  if (problems.count > 0) throw new ValidationException(validationMessage(problems), problems.entries);
  return clean;
}

/**
 * Validates a payload written by hand (a scenario file) against a named shape, strictly: unknown members are
 * problems too, and each problem names its exact place under `base`, e.g. `accounts[0].opportunities[1].Project.Title`
 * or `….ExpectedCustomerSpend[0].Amount`. Answers at most ERROR_LIST_CAP problems and how many there were.
 */
export function validatePayload(shape: string, value: unknown, base: string): { problems: FieldError[]; count: number } {
  exactCompiler ??= new Compiler(EXACT_PATHS);
  const problems = new Problems();
  exactCompiler.shape(shape)(value, base, problems);
  return { problems: problems.entries, count: problems.count };
}

/** Validates any value against a named shape (used by tests and by handlers for nested documents). */
export function validateShape(shape: string, value: unknown, path = ''): FieldError[] {
  const problems = new Problems();
  compiler.shape(shape)(value, path, problems);
  return problems.entries;
}
