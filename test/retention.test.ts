// Retention: idempotency records go once their window has passed, the event outbox keeps a time window and a
// count cap, and the sweep deletes in batches, serving requests in between. Also: a version-1 database file
// upgrades to the schema the sweep needs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateOpportunityCommand, type PartnerCentralSellingClient } from '@aws-sdk/client-partnercentral-selling';
import { clientFor, controlOk, DEFAULT_ACCOUNT, eventsOf, rawRequest, startTestServer } from './helpers.js';
import { minimalOpportunityInput } from './fixtures.js';
import type { RunningServer } from '../src/server.js';
import type { EventEnvelope } from '../src/events/envelope.js';
import { openStore } from '../src/store/open.js';
import { latestSqliteVersion, sqliteMigrations } from '../src/store/schema/sqlite.js';
import { RETENTION_BATCH } from '../src/retention.js';
import { freePort, killAllChildren, spawnCli, startCli, waitExit } from './child-server.js';

const START = '2025-06-01T09:00:00.000Z';
const SUBJECT = { company: 'Retention Co', title: 'Kept for a while', businessProblem: 'Data that must not pile up forever.' };

function envelope(id: string, account: string, time: string): EventEnvelope {
  return { version: '0', id, 'detail-type': 'Opportunity Created', source: 'aws.partnercentral-selling', account, time, region: 'us-east-1', resources: [], detail: { catalog: 'Sandbox' } };
}

async function create(client: PartnerCentralSellingClient, token: string): Promise<string> {
  return (await client.send(new CreateOpportunityCommand(minimalOpportunityInput(token, SUBJECT)))).Id!;
}

describe('retention', () => {
  describe('with the default windows', () => {
    let server: RunningServer;
    let client: PartnerCentralSellingClient;
    before(async () => {
      server = await startTestServer();
      client = clientFor(server.endpoint);
      await controlOk(server.endpoint, 'clock', { set: START, freeze: true });
    });
    after(async () => {
      client.destroy();
      await server.close();
    });

    it('deletes idempotency records once their 24 hours have passed', async () => {
      const scope = (clientToken: string) => ({ accountId: DEFAULT_ACCOUNT, catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken });
      const stored = (clientToken: string) => server.services.store.transaction((uow) => uow.getIdempotency(scope(clientToken)), { readOnly: true });
      const first = await create(client, 'old-token');
      await controlOk(server.endpoint, 'clock', { advance: '23h' });
      await create(client, 'young-token');
      await server.services.retention.sweep();
      assert.ok(await stored('old-token'), 'within its window the record stays');

      await controlOk(server.endpoint, 'clock', { advance: '2h' }); // old-token is now 25 h old, young-token 2 h
      await server.services.retention.sweep();
      assert.equal(await stored('old-token'), undefined, 'the expired record is gone from the store');
      assert.ok(await stored('young-token'), 'a record within its window stays');

      const again = await create(client, 'old-token');
      assert.notEqual(again, first, 'the token, forgotten, creates anew');
      assert.ok(stored('old-token'));
    });

    it('drops events older than the window (30 days by default) from the outbox', async () => {
      const account = '410000000001';
      const own = clientFor(server.endpoint, account);
      try {
        await create(own, 'event-old');
        await controlOk(server.endpoint, 'clock', { advance: '29d' });
        const youngAt = server.services.clock.now();
        await create(own, 'event-young');
        await server.services.retention.sweep();
        assert.equal((await eventsOf(server.endpoint, { account })).length, 2, 'both within 30 days');

        await controlOk(server.endpoint, 'clock', { advance: '2d' });
        await server.services.retention.sweep();
        const left = await eventsOf(server.endpoint, { account });
        assert.equal(left.length, 1, 'the 31-day-old event is gone');
        assert.equal(Date.parse(left[0]!.time as string), Math.floor(youngAt / 1000) * 1000);
      } finally {
        own.destroy();
      }
    });
  });

  describe('with a count cap', () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer({ eventRetentionCount: 3, eventRetentionMs: null });
    });
    after(() => server.close());

    it('keeps the newest N events and shows the settings in the configuration', async () => {
      const config = await controlOk(server.endpoint, 'config');
      assert.equal(config.eventRetentionCount, 3);
      assert.equal(config.eventRetentionMs, null);
      const client = clientFor(server.endpoint);
      try {
        for (let i = 0; i < 5; i++) await create(client, `capped-${i}`);
      } finally {
        client.destroy();
      }
      const all = await eventsOf(server.endpoint);
      assert.equal(all.length, 5);
      await server.services.retention.sweep();
      assert.deepEqual((await eventsOf(server.endpoint)).map((e) => e.id), all.slice(-3).map((e) => e.id));
    });
  });

  describe('over a large outbox', () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer({ eventRetentionCount: 1000 });
    });
    after(() => server.close());

    it('deletes in batches and serves requests between them', async () => {
      const total = 200_000;
      const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      await server.services.store.transaction(async (uow) => {
        for (let i = 0; i < total; i++) await uow.appendEvent(envelope(`bulk-${i}`, '420000000001', time));
      });
      let swept = false;
      const sweep = server.services.retention.sweep().then((result) => {
        swept = true;
        return result;
      });
      // A request sent once the sweep has started is answered before it ends: the sweep yields between batches.
      const health = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/health' });
      assert.equal(health.status, 200);
      assert.equal(swept, false, 'the request was answered while the sweep was still deleting');
      const result = await sweep;
      assert.equal(result.events, total - 1000);
      assert.ok(result.batches >= (total - 1000) / RETENTION_BATCH, `${result.batches} batches`);
      const left = await eventsOf(server.endpoint, { limit: '10000' });
      assert.equal(left.length, 1000);
      assert.equal(left[0]!.id, `bulk-${total - 1000}`, 'the newest 1,000 stay');
    });
  });

  describe('settings from the command line', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'pcl-retention-cli-'));
    });
    after(async () => {
      await killAllChildren();
      rmSync(dir, { recursive: true, force: true });
    });

    it('takes --event-retention and --event-retention-count, and refuses values that make no sense', async () => {
      const server = await startCli(join(dir, 'cli.db'), ['--event-retention', '36h', '--event-retention-count', '250']);
      const config = await controlOk(server.endpoint, 'config');
      assert.equal(config.eventRetentionMs, 36 * 3_600_000);
      assert.equal(config.eventRetentionCount, 250);
      server.proc.kill('SIGTERM');
      await waitExit(server);
      const off = await startCli(join(dir, 'cli.db'), ['--event-retention', 'off', '--event-retention-count', 'off']);
      const offConfig = await controlOk(off.endpoint, 'config');
      assert.equal(offConfig.eventRetentionMs, null);
      assert.equal(offConfig.eventRetentionCount, null);
      off.proc.kill('SIGTERM');
      await waitExit(off);
      for (const bad of [['--event-retention', '0s'], ['--event-retention', 'soon'], ['--event-retention-count', '-1'], ['--event-retention-count', '2.5']]) {
        const refused = spawnCli(['--port', String(await freePort()), '--in-memory', ...bad]);
        assert.equal((await waitExit(refused)).code, 2, bad.join(' '));
        assert.match(refused.stderr(), new RegExp(`${bad[0]} takes`));
      }
    });
  });

  describe('a version-1 database file', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'pcl-retention-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('migrates to the current schema, dating and counting the events it already holds', async () => {
      const file = join(dir, 'v1.db');
      const v1 = new Database(file);
      v1.exec(sqliteMigrations.find((m) => m.version === 1)!.sql);
      v1.pragma('user_version = 1');
      const insertEvent = v1.prepare('INSERT INTO events (id, account_id, catalog, detail_type, envelope) VALUES (?, ?, ?, ?, ?)');
      const times = ['2025-01-01T00:00:00Z', '2025-01-05T00:00:00Z', '2025-01-09T00:00:00Z'];
      times.forEach((t, i) => insertEvent.run(`v1-${i}`, '430000000001', 'Sandbox', 'Opportunity Created', JSON.stringify(envelope(`v1-${i}`, '430000000001', t))));
      v1.prepare(
        'INSERT INTO idempotency (account_id, catalog, operation, client_token, request_hash, response, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run('430000000001', 'Sandbox', 'CreateOpportunity', 'v1-token', 'hash', '{}', Date.parse('2025-01-01T00:00:00Z'));
      v1.close();

      const store = await openStore(file);
      try {
        const scope = { accountId: '430000000001', catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken: 'v1-token' };
        const read = () => store.transaction((uow) => uow.getIdempotency(scope), { readOnly: true });
        assert.ok(await read(), 'records survive the migration');
        assert.equal((await store.readEvents({ limit: 10 })).length, 3);
        // Dated from their envelopes: only the first is before 2025-01-03.
        assert.equal(await store.purgeEvents({ recordedBefore: Date.parse('2025-01-03T00:00:00Z'), batchSize: 10 }), 1);
        // Counted: of the two left, keeping the newest one deletes one.
        assert.equal(await store.purgeEvents({ keepLast: 1, batchSize: 10 }), 1);
        assert.deepEqual((await store.readEvents({ limit: 10 })).map((e) => e.envelope.id), ['v1-2']);
        assert.equal(await store.purgeIdempotency(Date.parse('2025-01-02T00:00:00Z'), 10), 1);
        assert.equal(await read(), undefined);
      } finally {
        await store.close();
      }
      const check = new Database(file, { readonly: true });
      assert.equal(check.pragma('user_version', { simple: true }), latestSqliteVersion);
      check.close();
    });
  });
});
