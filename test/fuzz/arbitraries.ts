// Model-derived request generators for the fuzz suite. Valid inputs are built from the generated shape tables
// (required members, enums, lengths, ranges, patterns through fast-check's stringMatching, seeded identifiers
// where the server has real targets); hostile requests mutate a valid one or break the envelope around it.
// "Valid" is best effort: a generated input may still break a business rule, which is fine for a fuzzer.
import fc from 'fast-check';
import { operationNames, operations, type OperationName } from '../../src/model/generated/operations.js';
import { shapes } from '../../src/model/generated/shapes.js';
import type { Constraints, MemberDef, ShapeDef } from '../../src/model/shape-types.js';
import { compilePattern } from '../../src/model/validate.js';

/** fast-check generates from a JavaScript RegExp; only the validator itself needs the linear engine. */
function generatorRegExp(pattern: string): RegExp {
  const dotAll = pattern.includes('(?s)');
  return new RegExp(pattern.replace('(?s)', ''), dotAll ? 'su' : 'u');
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Real identifiers in the server's state, by the model shape that carries them (filled by the harness's seeding). */
export type SeededTargets = Partial<Record<string, string[]>>;

/** How hard the hostile values push: small for the quick subset in `npm test`, large for the long run. */
export interface FuzzProfile {
  /** Repetitions in pattern-stressing strings (backtracking grows with it, exponentially for a bad pattern). */
  patternStressRepeats: number;
  /** Entries in a huge list. */
  hugeListLength: number;
  /** Depth of deeply nested JSON. */
  nestingDepth: number;
  /** Characters in an over-long string / bytes of unknown-member padding. */
  longStringLength: number;
}

export const quickProfile: FuzzProfile = { patternStressRepeats: 12, hugeListLength: 400, nestingDepth: 2_000, longStringLength: 20_000 };
export const longProfile: FuzzProfile = { patternStressRepeats: 64, hugeListLength: 50_000, nestingDepth: 50_000, longStringLength: 1_000_000 };

export interface FuzzRequest {
  /** The operation the request is meant for (the oracle's reference), or null for an unknown one. */
  operation: OperationName | null;
  /** What was done to it, e.g. `valid`, `mutate:wrong-type project.title` (stable enough to group findings). */
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Shapes whose values should usually be real identifiers of seeded resources. */
const SEEDED_SHAPES = [
  'OpportunityIdentifier',
  'ResourceIdentifier',
  'EngagementIdentifier',
  'EngagementArnOrIdentifier',
  'EngagementInvitationIdentifier',
  'EngagementInvitationArnOrIdentifier',
  'TaskIdentifier',
  'TaskArnOrIdentifier',
  'ResourceSnapshotJobIdentifier',
  'TaggableResourceArn',
];

/** Last-resort values for patterns fast-check cannot generate from (or generates badly). */
const KNOWN_GOOD: Readonly<Record<string, string>> = {
  Email: 'jane.doe@example.com',
  SenderContactEmail: 'jane.doe@example.com',
  CompanyWebsiteUrl: 'https://www.example.com',
  TagKey: 'team',
  TagValue: 'blue',
  TaggableResourceArn: 'arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O1234567',
  ResourceSnapshotJobRoleArn: 'arn:aws:iam::111111111111:role/snapshots',
  ResourceSnapshotJobRoleIdentifier: 'snapshots',
  EngagementInvitationArnOrIdentifier: 'engi-0000000000000',
};

const AWS_ACCOUNTS = ['111111111111', '222222222222', '333333333333'];

function lengthOf(c: Constraints): { min: number; max: number } {
  return { min: c.length?.min ?? 0, max: c.length?.max ?? 40 };
}

/** A pattern without a leading `(?=…)` length lookahead, which fast-check cannot generate from. */
function generatablePattern(pattern: string): string {
  return pattern.replace(/^\^\(\?=[^)]*\)/, '^');
}

/** Member-level constraints override the target's (Smithy applies both; the validator checks both). */
function merged(def: ShapeDef, own: Constraints): Constraints {
  return { length: own.length ?? def.length, pattern: own.pattern ?? def.pattern, range: own.range ?? def.range };
}

/**
 * Builds arbitraries of valid values per shape. Recursion is bounded by depth: below `maxDepth` only required
 * members are generated and lists are empty (when allowed).
 */
export class ValidValues {
  private readonly cache = new Map<string, fc.Arbitrary<Json>>();

  constructor(private readonly targets: () => SeededTargets) {}

  input(operation: OperationName): fc.Arbitrary<JsonObject> {
    const name = operations[operation].input;
    if (!name) return fc.constant({});
    return this.shape(name, {}, 0) as fc.Arbitrary<JsonObject>;
  }

  member(def: MemberDef, depth: number): fc.Arbitrary<Json> {
    return this.shape(def.target, def, depth);
  }

  shape(name: string, own: Constraints, depth: number): fc.Arbitrary<Json> {
    const key = `${name}|${own.pattern ?? ''}|${JSON.stringify(own.length ?? '')}|${JSON.stringify(own.range ?? '')}|${Math.min(depth, 4)}`;
    let arb = this.cache.get(key);
    if (!arb) {
      arb = this.build(name, own, depth);
      this.cache.set(key, arb);
    }
    return arb;
  }

  private build(name: string, own: Constraints, depth: number): fc.Arbitrary<Json> {
    if (name === 'smithy.api#String') return this.string(name, own);
    if (name === 'smithy.api#Integer') return fc.integer({ min: own.range?.min ?? -1000, max: own.range?.max ?? 1000 });
    if (name === 'smithy.api#Boolean') return fc.boolean();
    const def = shapes[name];
    if (!def) return fc.constant(null);
    const c = merged(def, own);
    const shallow = depth >= 4;
    switch (def.type) {
      case 'structure': {
        const members = Object.entries(def.members).filter(([, m]) => m.required || !shallow);
        const record: Record<string, fc.Arbitrary<Json>> = {};
        for (const [member, m] of members) record[member] = fc.constant(null).chain(() => this.member(m, depth + 1));
        const requiredKeys = members.filter(([, m]) => m.required).map(([member]) => member);
        return fc.record(record, { requiredKeys }) as fc.Arbitrary<Json>;
      }
      case 'union':
        return fc.oneof(...Object.entries(def.members).map(([member, m]) => this.member(m, depth + 1).map((v) => ({ [member]: v }))));
      case 'list': {
        const { min, max } = { min: c.length?.min ?? 0, max: c.length?.max ?? 3 };
        const upper = Math.max(min, Math.min(max, shallow ? min : 3));
        return fc.array(fc.constant(null).chain(() => this.member(def.member, depth + 1)), { minLength: min, maxLength: upper });
      }
      case 'map':
        return fc.dictionary(this.member(def.key, depth + 1) as fc.Arbitrary<string>, this.member(def.value, depth + 1), { maxKeys: 3 });
      case 'enum':
        return fc.constantFrom(...def.values);
      case 'string':
        return this.string(name, c);
      case 'integer':
      case 'long':
        return fc.integer({ min: c.range?.min ?? -1000, max: c.range?.max ?? 1000 });
      case 'float':
      case 'double':
        return fc.double({ min: c.range?.min ?? -1e6, max: c.range?.max ?? 1e6, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'timestamp':
        return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
      default:
        return fc.constant(null);
    }
  }

  private string(name: string, c: Constraints): fc.Arbitrary<Json> {
    if (name === 'CatalogIdentifier') return fc.constantFrom('Sandbox', 'Sandbox', 'Sandbox', 'AWS');
    if (name === 'ClientToken') return fc.uuid();
    if (name === 'AwsAccount') return fc.constantFrom(...AWS_ACCOUNTS);
    const { min, max } = lengthOf(c);
    let generated: fc.Arbitrary<string>;
    if (c.pattern === undefined) {
      generated = fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)) });
    } else {
      const full = compilePattern(c.pattern);
      const fallback = KNOWN_GOOD[name] ?? 'x'.repeat(Math.max(1, min));
      let raw: fc.Arbitrary<string>;
      const dotAll = /^\^\(\?s\)\.\{(\d+),(\d+)\}\$$/.exec(c.pattern);
      if (dotAll) {
        const lo = Math.max(min, Number(dotAll[1]));
        raw = fc.string({ minLength: lo, maxLength: Math.max(lo, Math.min(Number(dotAll[2]), max, 60)), unit: 'grapheme' });
      } else {
        try {
          raw = fc.stringMatching(generatorRegExp(generatablePattern(c.pattern)));
        } catch {
          raw = fc.constant(fallback);
        }
      }
      // Keep what satisfies the whole pattern and the length bounds; otherwise the known-good value.
      generated = raw.map((s) => {
        const n = [...s].length;
        return n >= min && n <= (c.length?.max ?? Infinity) && n <= 300 && full.test(s) ? s : fallback;
      });
    }
    if (!SEEDED_SHAPES.includes(name)) return generated;
    return fc.oneof(
      { weight: 4, arbitrary: fc.nat().map((i) => pick(this.targets()[name], i) ?? KNOWN_GOOD[name] ?? '') },
      { weight: 1, arbitrary: generated },
    ).filter((s) => s !== '');
  }
}

function pick<T>(list: readonly T[] | undefined, i: number): T | undefined {
  return list && list.length > 0 ? list[i % list.length] : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Hostile values and mutations

/** A path into a JSON value: member names and list indices. */
type Path = Array<string | number>;

function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), pathsOf(v, [...prefix, i], out)));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([...prefix, k]), pathsOf(v, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: Path, replace: (old: Json | undefined) => Json | undefined): Json {
  if (path.length === 0) return replace(root) ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(root) && typeof head === 'number') {
    const copy = [...root];
    const next = rest.length === 0 ? replace(copy[head]) : setAt(copy[head] ?? null, rest, replace);
    if (next === undefined) copy.splice(head, 1);
    else copy[head] = next;
    return copy;
  }
  if (root !== null && typeof root === 'object' && !Array.isArray(root) && typeof head === 'string') {
    const copy: JsonObject = { ...root };
    const next = rest.length === 0 ? replace(copy[head]) : setAt(copy[head] ?? null, rest, replace);
    if (next === undefined) delete copy[head];
    else copy[head] = next;
    return copy;
  }
  return root;
}

/** Strings that make a backtracking matcher work hard: near-matches repeated, then a character that fails late. */
function patternStress(profile: FuzzProfile): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 1, max: profile.patternStressRepeats }), fc.constantFrom('.a', 'a.', '-a', 'aa', 'a/', '=.', '@a', '0.', 'a'), fc.constantFrom('!', ' ', '\u0000', '$', '..', '@@', 'é'))
    .map(([n, unit, tail]) => `a${unit.repeat(n)}${tail}`);
}

function hostileValue(profile: FuzzProfile, old: Json | undefined): fc.Arbitrary<[string, Json]> {
  const text = typeof old === 'string' ? old : 'x';
  return fc.oneof(
    fc.constant<[string, Json]>(['null', null]),
    fc.constantFrom<[string, Json]>(['wrong-type', 42], ['wrong-type', true], ['wrong-type', []], ['wrong-type', {}], ['wrong-type', 'text'], ['wrong-type', [text]], ['wrong-type', { value: text }]),
    fc.constantFrom<[string, Json]>(['out-of-range', -1], ['out-of-range', 0], ['out-of-range', 2 ** 53 + 2], ['out-of-range', -1e308], ['out-of-range', 1e308], ['out-of-range', 1.5], ['out-of-range', 5e-324]),
    fc.integer({ min: 1, max: profile.longStringLength }).map<[string, Json]>((n) => ['over-long', text.repeat(Math.ceil(n / Math.max(1, text.length))).slice(0, n)]),
    patternStress(profile).map<[string, Json]>((s) => ['pattern-stress', s]),
    fc.constantFrom<[string, Json]>(['odd-string', ''], ['odd-string', ' '], ['odd-string', '\u0000'], ['odd-string', 'é'], ['odd-string', '😀'.repeat(90)], ['odd-string', '\u202e'], ['odd-string', 'O1\n'], ['odd-string', text + '\u0000'], ['odd-string', ` ${text} `], ['odd-string', text.toUpperCase()], ['odd-string', '../../etc/passwd'], ['odd-string', "'; DROP TABLE opportunities; --"]),
    fc.integer({ min: 2, max: profile.hugeListLength }).map<[string, Json]>((n) => ['huge-list', Array.from({ length: n }, (_, i) => (i % 2 ? {} : 7))]),
    fc.integer({ min: 2, max: profile.hugeListLength }).map<[string, Json]>((n) => ['huge-list-valid', Array.from({ length: n }, () => old ?? text)]),
  );
}

function deepNesting(depth: number, kind: 'list' | 'object'): string {
  return kind === 'list' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

interface Body {
  kind: string;
  body: Buffer;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** Mutations of a valid input, still sent with a well-formed envelope. */
function mutatedBody(valid: JsonObject, operation: OperationName, profile: FuzzProfile): fc.Arbitrary<Body> {
  const paths = pathsOf(valid);
  const inputShape = operations[operation].input;
  const required = inputShape ? Object.entries((shapes[inputShape] as { members: Record<string, MemberDef> }).members).filter(([, m]) => m.required).map(([k]) => k) : [];
  const label = (p: Path) => p.filter((s) => typeof s === 'string').join('.') || '<root>';
  const options: fc.Arbitrary<Body>[] = [
    fc.constant<Body>({ kind: 'valid', body: json(valid) }),
    fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(fc.constant<Json>('x'), fc.integer().map<Json>((n) => n), fc.integer({ min: 1, max: profile.longStringLength }).map<Json>((n) => 'u'.repeat(n))))
      .map(([k, v]) => ({ kind: 'unknown-member', body: json({ ...valid, [`Zz${k}`]: v }) })),
    fc.constantFrom('list', 'object' as const).map((k) => ({ kind: `deep-nesting-${k}`, body: Buffer.from(`{"Deep":${deepNesting(profile.nestingDepth, k as 'list' | 'object')},${JSON.stringify(valid).slice(1)}`) })),
  ];
  if (paths.length > 0) {
    options.push(
      fc.constantFrom(...paths).chain((path) => {
        let old: Json | undefined = valid;
        for (const step of path) old = old === null || typeof old !== 'object' ? undefined : (old as Record<string | number, Json>)[step];
        return hostileValue(profile, old).map(([how, value]) => ({ kind: `mutate:${how} ${label(path)}`, body: json(setAt(valid, path, () => value)) }));
      }),
      fc.constantFrom(...paths).map((path) => ({ kind: `drop ${label(path)}`, body: json(setAt(valid, path, () => undefined)) })),
    );
  }
  if (required.length > 0) {
    options.push(fc.constantFrom(...required).map((k) => ({ kind: `drop-required ${k}`, body: json(setAt(valid, [k], () => undefined)) })));
  }
  // Raw JSON the serializer would never produce.
  const text = JSON.stringify(valid);
  const firstKey = Object.keys(valid)[0];
  options.push(
    fc.constantFrom<Body>(
      { kind: 'raw:truncated', body: Buffer.from(text.slice(0, Math.max(1, text.length - 2))) },
      { kind: 'raw:trailing-garbage', body: Buffer.from(`${text}}x`) },
      { kind: 'raw:not-an-object', body: Buffer.from('[]') },
      { kind: 'raw:not-an-object', body: Buffer.from('null') },
      { kind: 'raw:not-an-object', body: Buffer.from('"Sandbox"') },
      { kind: 'raw:not-an-object', body: Buffer.from('12') },
      { kind: 'raw:empty', body: Buffer.alloc(0) },
      { kind: 'raw:bom', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) },
      { kind: 'raw:invalid-utf8', body: Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from(',"Zz":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]) },
      { kind: 'raw:nul-bytes', body: Buffer.concat([Buffer.from(text), Buffer.alloc(8)]) },
      { kind: 'raw:single-quotes', body: Buffer.from(text.replace(/"/g, "'")) },
      { kind: 'raw:number-overflow', body: Buffer.from(`{"MaxResults":1${'0'.repeat(400)},${text.slice(1)}`) },
    ),
  );
  if (firstKey !== undefined) {
    options.push(
      fc.constantFrom('"x"', '7', 'null', '{}', JSON.stringify(valid[firstKey])).map((dup) => ({ kind: `raw:duplicate-key ${firstKey}`, body: Buffer.from(`{${JSON.stringify(firstKey)}:${dup},${text.slice(1)}`) })),
    );
  }
  // Lone surrogates: valid JSON escapes, invalid Unicode. Put one into every string member we can find.
  const stringPaths = paths.filter((p) => {
    let v: Json | undefined = valid;
    for (const s of p) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string | number, Json>)[s];
    return typeof v === 'string';
  });
  if (stringPaths.length > 0) {
    // Patterns are checked on strings, so aim pattern-stressing values at string members more often.
    options.push(fc.tuple(fc.constantFrom(...stringPaths), patternStress(profile)).map(([path, s]) => ({ kind: `mutate:pattern-stress ${label(path)}`, body: json(setAt(valid, path, () => s)) })));
    options.push(
      fc.tuple(fc.constantFrom(...stringPaths), fc.constantFrom('\\ud800', '\\udfff', 'a\\ud83d', '\\udc00\\ud800')).map(([path, surrogate]) => {
        const marker = '\u0001SURROGATE\u0001';
        const body = JSON.stringify(setAt(valid, path, (old) => `${typeof old === 'string' ? old.slice(0, 8) : ''}${marker}`)).replace(JSON.stringify(marker).slice(1, -1), surrogate);
        return { kind: `raw:lone-surrogate ${label(path)}`, body: Buffer.from(body) };
      }),
    );
  }
  return fc.oneof(...options);
}

function authHeaders(account: string): Record<string, string> {
  const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return {
    'x-amz-date': now,
    authorization: `AWS4-HMAC-SHA256 Credential=${account}/${now.slice(0, 8)}/us-east-1/partnercentral-selling/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
  };
}

interface Envelope {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** Routing, content type and authentication around the body: mostly right, sometimes wrong on purpose. */
function envelope(operation: OperationName): fc.Arbitrary<Envelope> {
  type Routed = { kind: string; path: string; headers: Record<string, string> };
  const awsJson: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSPartnerCentralSelling.${operation}` };
  const rest: Record<string, string> = { 'content-type': 'application/json' };
  const routing = fc.oneof(
    { weight: 4, arbitrary: fc.constant<Routed>({ kind: 'awsJson', path: '/', headers: awsJson }) },
    { weight: 3, arbitrary: fc.constant<Routed>({ kind: 'rest', path: `/${operation}`, headers: rest }) },
    { weight: 1, arbitrary: fc.constantFrom<Routed>(
      { kind: 'content-type:text/plain', path: '/', headers: { ...awsJson, 'content-type': 'text/plain' } },
      { kind: 'content-type:none', path: `/${operation}`, headers: {} },
      { kind: 'content-type:xml', path: `/${operation}`, headers: { 'content-type': 'application/xml' } },
      { kind: 'content-type:x-amz-json-1.1', path: '/', headers: { ...awsJson, 'content-type': 'application/x-amz-json-1.1' } },
      { kind: 'content-type:multipart', path: `/${operation}`, headers: { 'content-type': 'multipart/form-data; boundary=x' } },
      { kind: 'rest-trailing-slash', path: `/${operation}/`, headers: rest },
    ) },
  );
  type Signed = { kind: string; headers: Record<string, string> };
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant<Signed>({ kind: '', headers: authHeaders(AWS_ACCOUNTS[0]!) }) },
    { weight: 1, arbitrary: fc.constantFrom(...AWS_ACCOUNTS.slice(1)).map((a): Signed => ({ kind: ' other-account', headers: authHeaders(a) })) },
    { weight: 1, arbitrary: fc.constantFrom<Signed>(
      { kind: ' auth:none', headers: {} },
      { kind: ' auth:garbage', headers: { authorization: 'Bearer nope' } },
      { kind: ' auth:no-date', headers: { authorization: authHeaders(AWS_ACCOUNTS[0]!).authorization! } },
      { kind: ' auth:bad-credential', headers: { ...authHeaders(AWS_ACCOUNTS[0]!), authorization: 'AWS4-HMAC-SHA256 Credential=/, SignedHeaders=, Signature=' } },
    ) },
  );
  return fc.tuple(routing, auth).map(([r, a]) => ({ kind: `${r.kind}${a.kind}`, method: 'POST', path: r.path, headers: { ...r.headers, ...a.headers } }));
}

/** Requests for no operation: unknown names, wrong prefixes, wrong methods and paths. */
function unknownOperationRequest(): fc.Arbitrary<FuzzRequest> {
  const auth = authHeaders(AWS_ACCOUNTS[0]!);
  return fc.tuple(fc.constantFrom(...operationNames), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[\x21-\x7e]+$/.test(s) && !s.includes('?') && !s.includes('#'))).chain(([op, junk]) =>
    fc.constantFrom<FuzzRequest>(
      { operation: null, kind: 'unknown:target', method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSPartnerCentralSelling.${junk}`, ...auth }, body: Buffer.from('{}') },
      { operation: null, kind: 'unknown:prefix', method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `PartnerCentral.${op}`, ...auth }, body: Buffer.from('{}') },
      { operation: null, kind: 'unknown:lowercase', method: 'POST', path: `/${op.toLowerCase()}`, headers: { 'content-type': 'application/json', ...auth }, body: Buffer.from('{}') },
      { operation: null, kind: 'unknown:path', method: 'POST', path: `/${encodeURIComponent(junk)}`, headers: { 'content-type': 'application/json', ...auth }, body: Buffer.from('{}') },
      { operation: null, kind: 'unknown:nested-path', method: 'POST', path: `/${op}/extra`, headers: { 'content-type': 'application/json', ...auth }, body: Buffer.from('{}') },
      { operation: null, kind: 'unknown:root-no-target', method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0', ...auth }, body: Buffer.from('{}') },
      { operation: null, kind: 'unknown:method', method: 'GET', path: `/${op}`, headers: { ...auth }, body: Buffer.alloc(0) },
      { operation: null, kind: 'unknown:method', method: 'PUT', path: '/', headers: { 'x-amz-target': `AWSPartnerCentralSelling.${op}`, ...auth }, body: Buffer.from('{}') },
    ),
  );
}

/**
 * Any request: for a random operation, a valid or mutated body inside a right or wrong envelope; sometimes an
 * operation that does not exist. `targets` is read at generation time, so the harness may refresh it.
 */
export function fuzzRequest(values: ValidValues, profile: FuzzProfile): fc.Arbitrary<FuzzRequest> {
  const known = fc.constantFrom(...operationNames).chain((operation) =>
    fc.tuple(values.input(operation).chain((valid) => mutatedBody(valid, operation, profile)), envelope(operation)).map(([b, e]): FuzzRequest => ({
      operation,
      kind: `${b.kind} [${e.kind}]`,
      method: e.method,
      path: e.path,
      headers: e.headers,
      body: b.body,
    })),
  );
  return fc.oneof({ weight: 19, arbitrary: known }, { weight: 1, arbitrary: unknownOperationRequest() });
}
