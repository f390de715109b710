// The quick subset of the model-derived fuzz suite: a fixed-seed run across every operation, each answer
// judged by the oracle (test/fuzz/oracle.ts). The long run is `npm run fuzz -- --count 100000`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operationNames } from '../src/model/generated/operations.js';
import { quickProfile, type FuzzRequest } from './fuzz/arbitraries.js';
import { describeRequest, runFuzz, summarize } from './fuzz/harness.js';
import { judge, MAX_ERROR_BODY_BYTES } from './fuzz/oracle.js';

const COUNT = 2_000;
const SEED = 1;

describe('fuzz (quick subset, fixed seed)', () => {
  it(`${COUNT} model-derived requests: no crash, no stall, no 500, well-formed answers, rejected requests change nothing`, async (t) => {
    const report = await runFuzz({ count: COUNT, seed: SEED, profile: quickProfile, timeoutMs: 10_000 });
    const { fresh, known } = summarize(report);
    for (const [ref, n] of known) t.diagnostic(`known issue ${ref}: ${n} finding(s)`);
    t.diagnostic(`${report.requests} requests in ${report.elapsedMs} ms, ${report.findings.length} finding(s), ${fresh.length} new`);
    assert.equal(report.requests, COUNT);
    // Every operation was exercised, and some requests of each were accepted or rejected for cause.
    const exercised = new Set([...report.byOperationAndStatus.keys()].map((k) => k.split(' ')[0]));
    for (const op of operationNames) assert.ok(exercised.has(op), `${op} never exercised`);
    const statuses = new Set([...report.byOperationAndStatus.keys()].map((k) => k.split(' ')[1]));
    assert.ok(statuses.has('200') && statuses.has('400'), `statuses seen: ${[...statuses].join(', ')}`);
    assert.deepEqual(
      fresh.slice(0, 10).map((f) => `${f.kind}: ${f.detail}\n    ${describeRequest(f.request)}`),
      [],
      `${fresh.length} finding(s); the first ones are listed`,
    );
  });
});

describe('fuzz oracle', () => {
  const request: FuzzRequest = { operation: 'GetOpportunity', kind: 'valid [awsJson]', method: 'POST', path: '/', headers: {}, body: Buffer.from('{}') };
  const headers = { 'x-amzn-requestid': 'r', date: 'Thu, 01 Jan 2026 00:00:00 GMT', 'x-amzn-errortype': 'ValidationException' };
  const error = (code: string, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ __type: `com.amazonaws.partnercentralselling#${code}`, Message: 'm', ...extra }));

  it('accepts a declared error and flags 500s, undeclared statuses, missing headers and __type, oversized bodies', () => {
    assert.deepEqual(judge(request, { status: 400, headers, body: error('ValidationException') }), []);
    const kinds = (status: number, h: Record<string, string>, body: Buffer) => judge(request, { status, headers: h, body }).map((p) => p.kind);
    assert.deepEqual(kinds(500, { ...headers, 'x-amzn-errortype': 'InternalServerException' }, error('InternalServerException')), ['unmodeled-5xx']);
    assert.deepEqual(kinds(409, { ...headers, 'x-amzn-errortype': 'ConflictException' }, error('ConflictException')), ['undeclared-status']);
    assert.deepEqual(kinds(400, { 'x-amzn-errortype': 'ValidationException' }, error('ValidationException')), ['malformed-answer', 'malformed-answer']);
    assert.deepEqual(kinds(417, headers, Buffer.from('')), ['malformed-answer']);
    assert.deepEqual(kinds(400, headers, error('ValidationException', { ErrorList: 'x'.repeat(MAX_ERROR_BODY_BYTES) })), ['oversized-error']);
  });

  it('flags a success body that lacks a required output member, and a 200 to a request that must be rejected', () => {
    assert.deepEqual(judge(request, { status: 200, headers, body: Buffer.from('{"Catalog":"Sandbox"}') }).map((p) => p.kind).slice(0, 1), ['malformed-answer']);
    const dropped = { ...request, kind: 'drop-required Catalog [rest]' };
    assert.ok(judge(dropped, { status: 200, headers, body: Buffer.from('{}') }).some((p) => p.kind === 'accepted-invalid'));
  });
});
