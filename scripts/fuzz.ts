// The long fuzz run: `npm run fuzz -- --count 100000 [--seed N] [--timeout-ms 5000] [--quick]`.
// Drives the CLI in a child process with model-derived requests (test/fuzz/), prints totals by operation and
// status and every finding by kind, and exits 1 when there is a finding not tracked in known-issues.ts
// (2 when there are only known ones, so CI can tell them apart).
import { parseArgs } from 'node:util';
import { longProfile, quickProfile } from '../test/fuzz/arbitraries.js';
import { describeRequest, runFuzz, summarize, type FuzzReport } from '../test/fuzz/harness.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    'timeout-ms': { type: 'string', default: '5000' },
    quick: { type: 'boolean', default: false },
    'show': { type: 'string', default: '5' },
  },
});

const count = Number(values.count);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const timeoutMs = Number(values['timeout-ms']);
const show = Number(values.show);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !(timeoutMs > 0)) {
  console.error('usage: npm run fuzz -- [--count N] [--seed N] [--timeout-ms MS] [--quick] [--show N]');
  process.exit(64);
}

const progress = (done: number, report: FuzzReport) => {
  if (done % 10_000 === 0) console.error(`  ${done} requests, ${(report.elapsedMs / 1000).toFixed(0)} s, ${report.findings.length} finding(s)`);
};

console.log(`fuzz: ${count} requests, seed ${seed}, ${values.quick ? 'quick' : 'long'} profile, timeout ${timeoutMs} ms`);
const report = await runFuzz({
  count,
  seed,
  profile: values.quick ? quickProfile : longProfile,
  timeoutMs,
  maxStallsPerKind: 2,
  onProgress: progress,
});
const { fresh, known, byKind } = summarize(report);

const byOperation = new Map<string, Map<string, number>>();
for (const [key, n] of report.byOperationAndStatus) {
  const [op, status] = key.split(' ') as [string, string];
  const row = byOperation.get(op) ?? new Map<string, number>();
  row.set(status, n);
  byOperation.set(op, row);
}
console.log('\nrequests by operation and status:');
for (const [op, row] of [...byOperation].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`  ${op.padEnd(42)} ${[...row].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}:${n}`).join('  ')}`);
}
const perSecond = report.requests / (report.elapsedMs / 1000);
console.log(`\n${report.requests} requests in ${(report.elapsedMs / 1000).toFixed(1)} s (${perSecond.toFixed(0)}/s), ${report.skipped} skipped after repeated stalls, ${report.restarts} server restart(s), seed ${seed}`);
console.log('findings by kind:', byKind.size === 0 ? 'none' : [...byKind].map(([k, n]) => `${k} ${n}`).join(', '));
for (const [ref, n] of known) console.log(`  known: ${ref}: ${n}`);

const groups = new Map<string, typeof fresh>();
for (const f of fresh) {
  const key = `${f.kind} ${f.request.operation ?? '-'} ${f.detail.slice(0, 60)}`;
  groups.set(key, [...(groups.get(key) ?? []), f]);
}
if (fresh.length > 0) console.log(`\n${fresh.length} new finding(s) in ${groups.size} group(s):`);
for (const [key, list] of groups) {
  console.log(`- ${key} (${list.length}×)`);
  for (const f of list.slice(0, show)) console.log(`    ${f.status ?? ''} ${f.detail.slice(0, 300)}\n      ${describeRequest(f.request)}`);
}
process.exit(fresh.length > 0 ? 1 : report.findings.length > 0 ? 2 : 0);
