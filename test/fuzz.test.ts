// The quick subset of the model-derived fuzz suite: a fixed-seed run across every operation, each answer
// judged by the oracle (test/fuzz/oracle.ts). The long run is `npm run fuzz -- --count 100000`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { operationNames } from '../src/model/generated/operations.js';
import { quickProfile } from './fuzz/arbitraries.js';
import { describeRequest, runFuzz, summarize } from './fuzz/harness.js';

const COUNT = 2_000;
const SEED = 20_250_501;

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
