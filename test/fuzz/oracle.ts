// The fuzz oracle: what every answer must look like, whatever the request. Statuses come from the model (the
// operation's declared errors) plus the documented framework errors; a 500 is always a finding, even though
// InternalServerException is modeled, because nothing a client sends should make the emulator fail.
import type { IncomingHttpHeaders } from 'node:http';
import { operations } from '../../src/model/generated/operations.js';
import { shapes } from '../../src/model/generated/shapes.js';
import { handlers } from '../../src/resources/index.js';
import type { FuzzRequest, Json } from './arbitraries.js';

export type FindingKind =
  | 'crash'
  | 'stalled'
  | 'transport-error'
  | 'unmodeled-5xx'
  | 'undeclared-status'
  | 'malformed-answer'
  | 'oversized-error'
  | 'accepted-invalid'
  | 'state-changed-by-rejection'
  | 'invalid-utf8-stored';

export interface Finding {
  kind: FindingKind;
  detail: string;
  request: FuzzRequest;
  status?: number;
  /** Set when the finding matches a known, tracked issue (see known-issues.ts). */
  knownIssue?: string;
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Error bodies must stay small whatever the request: a list of problems is capped, not echoed in full. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Errors raised in front of the operation (protocol, authentication, not-implemented), with their statuses. */
const FRAMEWORK_ERRORS: Readonly<Record<string, readonly number[]>> = {
  SerializationException: [400],
  ValidationException: [400],
  UnknownOperationException: [400],
  MalformedHttpRequestException: [400],
  RequestAbortedException: [400],
  MissingAuthenticationTokenException: [403],
  IncompleteSignatureException: [400],
  InvalidSignatureException: [400, 403],
  UnrecognizedClientException: [403],
  RequestEntityTooLargeException: [413],
  NotImplementedException: [501],
};

/** Kinds of request that no server may answer 200 (a prefix of FuzzRequest.kind). */
const MUST_REJECT = ['drop-required', 'unknown:', 'raw:not-an-object', 'raw:truncated', 'raw:trailing-garbage', 'raw:single-quotes', 'raw:nul-bytes'];
const MUST_REJECT_ENVELOPE = [' auth:none]', ' auth:garbage]', ' auth:bad-credential]'];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseObject(body: Buffer): Record<string, Json> | null {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, Json>) : null;
  } catch {
    return null;
  }
}

/** Required members present and JSON types right, recursively, for a success body against its output shape. */
function outputProblems(shapeName: string, value: Json | undefined, path: string, out: string[], depth = 0): void {
  if (out.length >= 5 || depth > 12 || value === undefined) return;
  const def = shapes[shapeName];
  const kind = Array.isArray(value) ? 'list' : value === null ? 'null' : typeof value;
  const expect = (want: string) => {
    if (kind !== want) out.push(`${path || '<root>'}: expected ${want}, got ${kind}`);
    return kind === want;
  };
  if (!def) {
    if (shapeName === 'smithy.api#String') expect('string');
    else if (shapeName === 'smithy.api#Integer') expect('number');
    else if (shapeName === 'smithy.api#Boolean') expect('boolean');
    return;
  }
  switch (def.type) {
    case 'structure':
    case 'union':
      if (!expect('object')) return;
      for (const [member, m] of Object.entries(def.members)) {
        const v = (value as Record<string, Json>)[member];
        if (v === undefined && def.type === 'structure' && m.required) out.push(`${path}${path ? '.' : ''}${member}: required member missing`);
        outputProblems(m.target, v, `${path}${path ? '.' : ''}${member}`, out, depth + 1);
      }
      return;
    case 'list':
      if (expect('list')) (value as Json[]).slice(0, 50).forEach((v) => outputProblems(def.member.target, v, `${path}[]`, out, depth + 1));
      return;
    case 'map':
      expect('object');
      return;
    case 'enum':
    case 'string':
    case 'timestamp':
      expect('string');
      return;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      expect('number');
      return;
    case 'boolean':
      expect('boolean');
      return;
    default:
      return;
  }
}

/** Everything wrong with one answer (empty when it is fine). */
export function judge(request: FuzzRequest, answer: Answer): Array<{ kind: FindingKind; detail: string }> {
  const problems: Array<{ kind: FindingKind; detail: string }> = [];
  const { status, headers, body } = answer;
  const op = request.operation ? operations[request.operation] : null;
  if (!header(headers, 'x-amzn-requestid')) problems.push({ kind: 'malformed-answer', detail: 'no x-amzn-RequestId header' });
  if (!header(headers, 'date')) problems.push({ kind: 'malformed-answer', detail: 'no Date header' });

  if (status === 200) {
    if (MUST_REJECT.some((k) => request.kind.startsWith(k)) || MUST_REJECT_ENVELOPE.some((k) => request.kind.endsWith(k))) {
      problems.push({ kind: 'accepted-invalid', detail: `answered 200 to a request that must be rejected (${request.kind})` });
    }
    if (!op) {
      problems.push({ kind: 'undeclared-status', detail: 'answered 200 for an unknown operation' });
    } else if (op.output === null) {
      if (body.length > 0 && body.toString('utf8') !== '{}') problems.push({ kind: 'malformed-answer', detail: 'non-empty body for an operation without output' });
    } else {
      const parsed = parseObject(body);
      if (!parsed) problems.push({ kind: 'malformed-answer', detail: `success body is not a JSON object: ${body.subarray(0, 200).toString('utf8')}` });
      else {
        const wrong: string[] = [];
        outputProblems(op.output, parsed, '', wrong);
        for (const w of wrong) problems.push({ kind: 'malformed-answer', detail: `output ${w}` });
      }
    }
    return problems;
  }

  if (body.length > MAX_ERROR_BODY_BYTES) problems.push({ kind: 'oversized-error', detail: `error body of ${body.length} bytes (request body ${request.body.length} bytes)` });
  const parsed = parseObject(body);
  const type = parsed && typeof parsed.__type === 'string' ? parsed.__type : null;
  if (!type) {
    problems.push({ kind: 'malformed-answer', detail: `error body without __type: ${body.subarray(0, 200).toString('utf8')}` });
    if (status >= 500) problems.push({ kind: 'unmodeled-5xx', detail: `status ${status}` });
    return problems;
  }
  const code = type.slice(type.indexOf('#') + 1);
  if (typeof parsed!.Message !== 'string') problems.push({ kind: 'malformed-answer', detail: `${code} without a Message` });
  if (header(headers, 'x-amzn-errortype')?.split(':')[0] !== code) problems.push({ kind: 'malformed-answer', detail: `x-amzn-ErrorType ${header(headers, 'x-amzn-errortype')} does not name ${code}` });

  const notImplemented = code === 'NotImplementedException' && request.operation !== null && handlers[request.operation] === undefined;
  if (status >= 500 && !notImplemented) {
    problems.push({ kind: 'unmodeled-5xx', detail: `${status} ${code}: ${String(parsed!.Message).slice(0, 300)}` });
    return problems;
  }
  const modeled = op?.errors.includes(code) ? shapes[code] : undefined;
  const declared = modeled && modeled.type === 'structure' ? [modeled.httpStatus ?? 400] : FRAMEWORK_ERRORS[code];
  const frameworkOk = code in FRAMEWORK_ERRORS && (op !== null || ['UnknownOperationException', 'MalformedHttpRequestException'].includes(code));
  if ((!modeled && !frameworkOk) || !declared?.includes(status)) {
    problems.push({ kind: 'undeclared-status', detail: `${status} ${code} is not declared for ${request.operation ?? 'an unknown operation'}` });
  }
  return problems;
}
