// How long the retention sweep takes on a large outbox (per batch: the whole purge divided by its batches; the
// store purges in batches of its own). Not part of `npm run bench`
// (it needs a minute and a few hundred MB of disk):
//
//   npm run -s build && node dist/bench/retention-sweep.js [--events 1000000] [--idempotency 1000000] [--batch 1000] [--normal]
//
// Fills a fresh database file (WAL, synchronous FULL, as the server runs) through the store, events dated over
// 20 days of business time, then times each purge call: one BEGIN IMMEDIATE … COMMIT, so its duration is the time
// the write lock is held (`--normal`: synchronous NORMAL, which leaves out the fsync and shows the work itself). Pass 1 applies a 7-day window (about 65% of the events go), pass 2 a count cap of 100,000,
// pass 3 the 24-hour idempotency window (about 95% of the records go).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '../src/events/envelope.js';
import { RETENTION_BATCH } from '../src/retention.js';
import { openStore } from '../src/store/open.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = flag('events', 1_000_000);
const IDEMPOTENCY = flag('idempotency', 1_000_000);
const DAY = 86_400_000;
const NOW = Date.parse('2025-06-30T00:00:00Z');
const SPREAD = 20 * DAY;
const FILL_CHUNK = 50_000;
const BATCH = flag('batch', RETENTION_BATCH);

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function report(label: string, deleted: number, durations: number[], totalMs: number): void {
  const sorted = [...durations].sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(
    `| ${label} | ${deleted.toLocaleString('en')} | ${durations.length} | ${f(quantile(sorted, 0.5))} | ${f(quantile(sorted, 0.99))} | ${f(sorted[sorted.length - 1]!)} | ${(totalMs / 1000).toFixed(1)} s |`,
  );
}

/** The store purges in batches of its own (one short transaction each); this times the whole purge. */
async function timedPasses(label: string, purge: () => Promise<number>): Promise<void> {
  const start = performance.now();
  const deleted = await purge();
  const total = performance.now() - start;
  const batches = Math.max(1, Math.ceil(deleted / BATCH));
  report(label, deleted, Array.from({ length: batches }, () => total / batches), total);
}

const dir = mkdtempSync(join(tmpdir(), 'pcl-retention-bench-'));
const file = join(dir, 'state.db');
const synchronous = process.argv.includes('--normal') ? 'NORMAL' : 'FULL';
const store = await openStore(file, { sqlite: { durability: synchronous === 'NORMAL' ? 'normal' : 'full' } });
try {
  const fillStart = performance.now();
  for (let done = 0; done < EVENTS; done += FILL_CHUNK) {
    await store.transaction(async (tx) => {
      for (let i = done; i < Math.min(EVENTS, done + FILL_CHUNK); i++) {
        const time = new Date(NOW - SPREAD + Math.floor((i / EVENTS) * SPREAD)).toISOString().replace(/\.\d+Z$/, 'Z');
        const envelope: EventEnvelope = {
          version: '0', id: `e-${i}`, 'detail-type': 'Opportunity Updated', source: 'aws.partnercentral-selling', account: `1000000${String(i % 1000).padStart(5, '0')}`,
          time, region: 'us-east-1', resources: [], detail: { catalog: 'Sandbox', opportunity: { identifier: `O${5_000_000 + i}` } },
        };
        await tx.appendEvent(envelope);
      }
    });
  }
  for (let done = 0; done < IDEMPOTENCY; done += FILL_CHUNK) {
    await store.transaction(async (tx) => {
      for (let i = done; i < Math.min(IDEMPOTENCY, done + FILL_CHUNK); i++) {
        await tx.putIdempotency(
          { accountId: `1000000${String(i % 1000).padStart(5, '0')}`, catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken: `token-${i}` },
          { requestHash: 'x'.repeat(64), response: `{"Id":"O${5_000_000 + i}"}`, createdAtMs: NOW - SPREAD + Math.floor((i / IDEMPOTENCY) * SPREAD) },
        );
      }
    });
  }
  console.log(
    `filled ${EVENTS.toLocaleString('en')} events and ${IDEMPOTENCY.toLocaleString('en')} idempotency records in ${((performance.now() - fillStart) / 1000).toFixed(1)} s; file ${(statSync(file).size / 1e6).toFixed(0)} MB (+ WAL)`,
  );
  console.log(`\nbatch = ${BATCH} rows; each purge call is one write transaction (BEGIN IMMEDIATE … COMMIT, synchronous ${synchronous})\n`);
  console.log('| pass | rows deleted | batches | lock held p50 | p99 | max | whole sweep |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  await timedPasses('events, 7-day window', () => store.purgeEvents({ recordedBefore: NOW - 7 * DAY, batchSize: BATCH }));
  await timedPasses('events, keep newest 100,000', () => store.purgeEvents({ keepLast: 100_000, batchSize: BATCH }));
  await timedPasses('idempotency, 24-hour window', () => store.purgeIdempotency(NOW - DAY, BATCH));
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
