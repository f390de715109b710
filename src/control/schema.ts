// Declarative checks for control-plane bodies and query strings. A route states its fields once (type, allowed
// values, ranges, required); `checkObject` refuses unknown keys, wrong types and out-of-range values, names the
// field in every message, and reports every problem at once before the route applies anything.
import { BUSINESS_TIME_RANGE, formatDuration, isBusinessTime, parseDuration } from '../clock.js';
import { parseTimestamp } from '../model/validate.js';

interface Common {
  required?: boolean;
  /** `null` is a meaningful value (e.g. "clear this setting"), not a type error. */
  nullable?: boolean;
}

export type FieldSpec = Common &
  (
    | {
        type: 'string';
        values?: readonly string[];
        pattern?: RegExp;
        /** How the message describes a value that fails `pattern`, e.g. "a 12-digit account id". */
        expected?: string;
        minLength?: number;
        /** In characters (code points); `DEFAULT_MAX_LENGTH` when unset: no control-plane string is unbounded. */
        maxLength?: number;
      }
    | { type: 'boolean' }
    | { type: 'integer'; min: number; max: number }
    /** A finite JSON number; `exclusiveMin` refuses the minimum itself (e.g. a probability above 0). */
    | { type: 'number'; min: number; max: number; exclusiveMin?: boolean }
    /** `"15d"`, `"2h"`, `"500ms"` or a number of milliseconds; parsed to milliseconds. */
    | { type: 'duration'; min: number; max: number }
    /** An RFC 3339 date-time within the business clock's range; parsed to ms since the epoch. */
    | { type: 'instant' }
    /** A JSON object: checked field by field when `fields` is given, otherwise passed on as it is. */
    | { type: 'object'; fields?: Schema }
    /** A JSON array of `minItems` (default 0) to `maxItems` values, each checked by `items`; problems name `field[i]`. */
    | { type: 'array'; items: FieldSpec; minItems?: number; maxItems: number }
  );

export type Schema = { readonly [key: string]: FieldSpec };

type ValueOf<F> = F extends { type: 'string'; values: readonly (infer V)[] }
  ? V
  : F extends { type: 'string' }
    ? string
    : F extends { type: 'boolean' }
      ? boolean
      : F extends { type: 'integer' | 'number' | 'duration' | 'instant' }
        ? number
        : F extends { type: 'object'; fields: infer S extends Schema }
          ? Checked<S>
          : F extends { type: 'array'; items: infer I }
            ? ValueOf<I>[]
            : Record<string, unknown>;

type Value<F> = ValueOf<F> | (F extends { nullable: true } ? null : never);
type RequiredKeys<S extends Schema> = { [K in keyof S]: S[K] extends { required: true } ? K : never }[keyof S];

/** What a schema lets through: required fields present, the rest possibly absent. */
export type Checked<S extends Schema> = { -readonly [K in RequiredKeys<S>]: Value<S[K]> } & {
  -readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: Value<S[K]>;
};

export const DEFAULT_MAX_LENGTH = 1024;

/** A refused control-plane input: answered 400 with the message. */
export class ControlInputError extends Error {
  readonly httpStatus = 400;
}

function quoteList(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function typeExpected(spec: FieldSpec): string {
  if (spec.type === 'string') return spec.values ? quoteList(spec.values) : (spec.expected ?? 'a string');
  if (spec.type === 'array') return spec.minItems ? `a list of ${spec.minItems} to ${spec.maxItems} entries` : `a list of at most ${spec.maxItems} entries`;
  return spec.type === 'boolean' ? 'true or false' : 'a JSON object';
}

/** Checks one value: returns the parsed value, or records a sentence naming `name` in `problems`. */
function checkField(name: string, spec: FieldSpec, value: unknown, problems: string[]): unknown {
  const at = `'${name}'`;
  if (value === null && spec.nullable) return null;
  const orNull = spec.nullable ? ' or null' : '';
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') break;
      if (spec.values) {
        if (spec.values.includes(value)) return value;
        problems.push(`${at} must be ${quoteList(spec.values)}${orNull}.`);
        return undefined;
      }
      const length = codePoints(value);
      const min = spec.minLength ?? 0;
      const max = spec.maxLength ?? DEFAULT_MAX_LENGTH;
      const fits = length >= min && length <= max;
      if (spec.pattern && (!fits || !spec.pattern.test(value))) {
        problems.push(`${at} must be ${spec.expected ?? `a string matching ${spec.pattern.source}`}${orNull}.`);
      } else if (!fits) {
        problems.push(`${at} must be ${min > 0 ? `${min} to ${max}` : `at most ${max}`} characters long.`);
      }
      return value;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        problems.push(`${at} must be an integer from ${spec.min} to ${spec.max}${orNull}.`);
      }
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max || (spec.exclusiveMin === true && value === spec.min)) {
        const lower = spec.exclusiveMin === true ? `above ${spec.min}` : `from ${spec.min}`;
        problems.push(`${at} must be a number ${lower} up to ${spec.max}${orNull}.`);
      }
      return value;
    case 'duration': {
      const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : null;
      if (ms === null || ms < spec.min || ms > spec.max) {
        problems.push(
          `${at} must be a duration from ${formatDuration(spec.min)} to ${formatDuration(spec.max)}, ` +
            `such as '500ms', '30s', '2h', '15d' or a whole number of milliseconds.`,
        );
      }
      return ms;
    }
    case 'instant': {
      const ms = typeof value === 'string' && value.length <= 40 ? parseTimestamp(value) : null;
      if (ms === null || !isBusinessTime(ms)) {
        problems.push(`${at} must be an RFC 3339 date-time (such as '2030-01-01T00:00:00Z') within ${BUSINESS_TIME_RANGE}.`);
      }
      return ms;
    }
    case 'object':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) break;
      return spec.fields ? checkFields(spec.fields, value as Record<string, unknown>, `${name}.`, problems) : value;
    case 'array':
      if (!Array.isArray(value) || value.length < (spec.minItems ?? 0) || value.length > spec.maxItems) break;
      return value.map((item: unknown, i) => (item === undefined ? undefined : checkField(`${name}[${i}]`, spec.items, item, problems)));
  }
  problems.push(`${at} must be ${typeExpected(spec)}${orNull}.`);
  return undefined;
}

function checkFields(schema: Schema, input: Record<string, unknown>, prefix: string, problems: string[], noun = 'key'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const accepted = Object.keys(schema);
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(schema, key)) continue;
    const near = accepted.find((k) => k.toLowerCase() === key.toLowerCase());
    problems.push(
      `Unknown ${noun} '${prefix}${key.length > 60 ? `${key.slice(0, 57)}...` : key}'` +
        (near ? ` (did you mean '${prefix}${near}'?);` : ';') +
        (accepted.length > 0 ? ` accepted ${noun}s: ${accepted.map((k) => prefix + k).join(', ')}.` : ' this request takes none.'),
    );
  }
  for (const [key, spec] of Object.entries(schema)) {
    const value = input[key];
    if (value === undefined) {
      if (spec.required) problems.push(`'${prefix}${key}' is required.`);
      continue;
    }
    out[key] = checkField(prefix + key, spec, value, problems);
  }
  return out;
}

/** Checks a parsed JSON body against `schema`; throws `ControlInputError` listing every problem. */
export function checkObject<S extends Schema>(schema: S, input: unknown, noun = 'key'): Checked<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ControlInputError('The body must be a JSON object.');
  const problems: string[] = [];
  const out = checkFields(schema, input as Record<string, unknown>, '', problems, noun);
  if (problems.length > 0) throw new ControlInputError(problems.join(' '));
  return out as Checked<S>;
}

/**
 * Checks query parameters against `schema`. Each parameter may appear once; integer fields are read from
 * their decimal text, every other field stays the string it was.
 */
export function checkQuery<S extends Schema>(schema: S, params: URLSearchParams): Checked<S> {
  const input: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, text] of params) {
    if (Object.hasOwn(input, key)) {
      problems.push(`Query parameter '${key}' is given more than once.`);
      continue;
    }
    const spec = Object.hasOwn(schema, key) ? schema[key] : undefined;
    input[key] = spec?.type === 'integer' && /^-?\d{1,16}$/.test(text) ? Number(text) : text;
  }
  if (problems.length > 0) throw new ControlInputError(problems.join(' '));
  return checkObject(schema, input, 'query parameter');
}
