// Start-up time: from spawn() of `node bin/partnercentral-local.js start …` to the first 200 on
// GET /_emulator/health (polled every 5 ms on fresh connections), on a fresh database and on an existing,
// populated one; the baseline is the bare node:http server spawned and polled the same way.
import { join } from 'node:path';
import { controlPost, distribution, removeTempDir, round, spawnServer, tempDir, type Distribution } from './common.js';

export interface StartupOptions {
  runs: number;
  pollIntervalMs: number;
  /** Invitations (each with its opportunity and engagement) written to the existing database first. */
  existingRecords: number;
  log: (line: string) => void;
}

export interface StartupResult {
  runs: number;
  pollIntervalMs: number;
  baselineMs: Distribution;
  freshDbMs: Distribution;
  existingDbMs: Distribution;
  existingRecords: number;
  /** emulator median ÷ baseline median. */
  freshMedianRatio: number;
  existingMedianRatio: number;
}

export async function benchStartup(options: StartupOptions): Promise<StartupResult> {
  const poll = { pollIntervalMs: options.pollIntervalMs };

  // The existing database: migrated and holding some state, as after a day of tests.
  const existingDir = tempDir();
  const existingDb = join(existingDir, 'state.db');
  options.log(`  populating an existing database with ${options.existingRecords} invitations`);
  const seeder = await spawnServer('emulator', { db: existingDb });
  for (let i = 0; i < options.existingRecords; i++) {
    await controlPost(seeder.endpoint, 'invitations', { receiverAccountId: '111111111111', catalog: i % 2 === 0 ? 'Sandbox' : 'AWS' });
  }
  await seeder.stop();

  // One unmeasured spawn of each kind first, so every measured run finds the same warm file cache.
  await (await spawnServer('baseline', poll)).stop();
  const warmDir = tempDir();
  await (await spawnServer('emulator', { ...poll, db: join(warmDir, 'state.db') })).stop();
  removeTempDir(warmDir);

  options.log(`  ${options.runs} runs each: bare server, emulator on a fresh database, emulator on the existing database`);
  const baseline: number[] = [];
  const fresh: number[] = [];
  const existing: number[] = [];
  // Interleaved, so drift on the machine affects the three series alike.
  for (let i = 0; i < options.runs; i++) {
    const b = await spawnServer('baseline', poll);
    baseline.push(b.startupMs);
    await b.stop();

    const dir = tempDir();
    const f = await spawnServer('emulator', { ...poll, db: join(dir, 'state.db') });
    fresh.push(f.startupMs);
    await f.stop();
    removeTempDir(dir);

    const e = await spawnServer('emulator', { ...poll, db: existingDb });
    existing.push(e.startupMs);
    await e.stop();
  }
  removeTempDir(existingDir);

  const baselineMs = distribution(baseline);
  const freshDbMs = distribution(fresh);
  const existingDbMs = distribution(existing);
  return {
    runs: options.runs,
    pollIntervalMs: options.pollIntervalMs,
    baselineMs,
    freshDbMs,
    existingDbMs,
    existingRecords: options.existingRecords,
    freshMedianRatio: round(freshDbMs.p50 / baselineMs.p50, 2),
    existingMedianRatio: round(existingDbMs.p50 / baselineMs.p50, 2),
  };
}
