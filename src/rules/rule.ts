// What every rule module shares: how a rule cites its source, how field errors become the one exception AWS
// answers for broken business rules, and a structural diff that names changed fields as AWS does.
import { ValidationException, type FieldError, type ValidationErrorCode } from '../errors.js';
import { fieldPath } from '../model/validate.js';

/**
 * Where a rule comes from: a behavior.md section with its evidence tag (`§3.4 [OPPCSV]`), or a spec decision
 * (`decision 20`). An [INF] tag means the emulator chose it; the choice is listed in the module's header.
 */
export type Source = string;

export function fieldError(fieldName: string, code: ValidationErrorCode, message: string): FieldError {
  return { FieldName: fieldName, Code: code, Message: message };
}

/** `ValidationException` with `Reason: BUSINESS_VALIDATION_FAILED` carrying every broken rule. */
export function businessValidation(errors: readonly FieldError[], summary?: string): ValidationException {
  const message = summary ?? (errors.length === 1 ? errors[0]!.Message : `${errors.length} business rules failed: ${errors.map((e) => e.FieldName ?? e.Code).join(', ')}.`);
  return new ValidationException(message, [...errors], 'BUSINESS_VALIDATION_FAILED');
}

/** Throws the business ValidationException when there is anything to report. */
export function throwIfAny(errors: readonly FieldError[], summary?: string): void {
  if (errors.length > 0) throw businessValidation(errors, summary);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** JSON with sorted keys, so that member order never counts as a change. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/**
 * Whether two JSON values have the same `canonicalJson` (undefined reads as null), without building it: an
 * update compares every field it was sent against the stored record.
 */
function sameJson(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJson(x[i], y[i])) return false;
    return true;
  }
  if (isPlainObject(x) || isPlainObject(y)) {
    if (!isPlainObject(x) || !isPlainObject(y)) return false;
    const xKeys = Object.keys(x).filter((k) => x[k] !== undefined);
    if (xKeys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
    return xKeys.every((k) => y[k] !== undefined && sameJson(x[k], y[k]));
  }
  if (typeof x === 'string' && typeof y === 'string') return false;
  return canonicalJson(x ?? null) === canonicalJson(y ?? null);
}

/** Dotted lowerCamel paths of the leaves that differ; lists compare as a whole; null equals absent. */
export function changedFields(before: unknown, after: unknown, path = '', out: string[] = []): string[] {
  if (isPlainObject(before) || isPlainObject(after)) {
    const b = isPlainObject(before) ? before : {};
    const a = isPlainObject(after) ? after : {};
    const keys = Object.keys(b);
    for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) keys.push(key);
    for (const key of keys.sort()) {
      // The same value (most members of an update): nothing below it differs, and no path to build.
      if (b[key] !== a[key]) changedFields(b[key], a[key], fieldPath(path, key), out);
    }
  } else if (!sameJson(before, after)) {
    out.push(path);
  }
  return out;
}

/** Whether `path` is one of `fields` or lies inside one of them. */
export function coveredBy(path: string, fields: readonly string[]): boolean {
  return fields.some((f) => path === f || path.startsWith(`${f}.`));
}
