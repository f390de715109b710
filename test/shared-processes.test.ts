// Several processes on one database behave as one server for the business clock, the run-time configuration
// and webhook delivery: two servers (startServer twice) on one SQLite file, and on PostgreSQL when one is
// reachable (PCL_TEST_POSTGRES_URL, a fresh schema per run, dropped after; skipped, not failed, without one).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateOpportunityCommand } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import type { PostgresUnitOfWorkStore } from '../src/store/engines/postgres.js';
import { minimalOpportunityInput } from './fixtures.js';
import { clientFor, control, controlOk, eventsOf, pollUntil, postgresUnreachable, startTestServer, TEST_POSTGRES_URL } from './helpers.js';

const PG_URL = TEST_POSTGRES_URL;


async function createOpportunity(endpoint: string, title: string): Promise<{ id: string; created: Date }> {
  const client = clientFor(endpoint);
  try {
    const out = await client.send(
      new CreateOpportunityCommand(minimalOpportunityInput(randomUUID(), { company: 'Shared Clock AG', title, businessProblem: 'Two processes must agree on the date and time.' })),
    );
    return { id: String(out.Id), created: out.LastModifiedDate! };
  } finally {
    client.destroy();
  }
}

/** A webhook receiver that remembers every event id it received; `holdNext` keeps the next answer back. */
class Receiver {
  readonly ids: string[] = [];
  /** While set, the next request is recorded at once and answered only when this resolves. */
  holdNext: Promise<void> | null = null;
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.ids.push(String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string }).id));
      const hold = this.holdNext;
      this.holdNext = null;
      if (hold) void hold.then(() => res.writeHead(200).end('ok'));
      else res.writeHead(200).end('ok');
    });
  });
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Database {
  name: string;
  skip?: string | Promise<string | undefined>;
  location(): string;
  cleanup(last: RunningServer): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'pcl-shared-'));
const databases: Database[] = [
  { name: 'one SQLite file', location: () => join(dir, `shared-${randomUUID().slice(0, 8)}.db`), cleanup: async () => {} },
  {
    name: 'one PostgreSQL schema',
    skip: await postgresUnreachable(),
    location: () => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=pcl_shared_${process.pid}_${randomUUID().slice(0, 8)}`,
    cleanup: (last) => (last.services.store as PostgresUnitOfWorkStore).dropSchema(),
  },
];

after(() => rmSync(dir, { recursive: true, force: true }));

for (const db of databases) {
  describe(`two processes on ${db.name}`, { skip: (db.skip as string | undefined) ?? false, timeout: 60_000 }, () => {
    let a: RunningServer;
    let b: RunningServer;
    const receiver = new Receiver();
    let hookUrl: string;
    let dbPath: string;
    before(async () => {
      dbPath = db.location();
      hookUrl = await receiver.listen();
      a = await startTestServer({ inMemory: false, dbPath, auth: 'off' });
      b = await startTestServer({ inMemory: false, dbPath, auth: 'off' });
    });
    after(async () => {
      // The receiver closes even when a failed test left a server closed, or the file would never exit.
      try {
        await b?.close();
        if (a) {
          await db.cleanup(a);
          await a.close();
        }
      } finally {
        await receiver.close();
      }
    });

    it('share the business clock: a move on one is what the other shows and stamps on records', async () => {
      const at = '2031-02-03T04:05:06.000Z';
      const moved = await controlOk(a.endpoint, 'clock', { set: at, freeze: true });
      assert.equal(moved.now, at);
      const seen = await controlOk(b.endpoint, 'clock');
      assert.equal(seen.now, at);
      assert.equal(seen.frozen, true);
      // B's request path uses the moved clock, not its own start-up copy.
      const created = await createOpportunity(b.endpoint, 'Stamped on B');
      assert.equal(created.created.toISOString(), at);
      await controlOk(b.endpoint, 'clock', { advance: '1d' });
      assert.equal((await controlOk(a.endpoint, 'clock')).now, '2031-02-04T04:05:06.000Z');
      await controlOk(a.endpoint, 'clock', { reset: true });
      assert.equal((await controlOk(b.endpoint, 'clock')).frozen, false);
    });

    it('share the run-time configuration: a change on one is the configuration of the other', async () => {
      const before = await controlOk(b.endpoint, 'config');
      assert.equal(before.taskProgression, 'immediate');
      const change = { taskProgression: 'async', taskDelayMs: '90s', taskPolls: 3, referralDelayMs: '1h', throttling: 'aws', forcedTaskFailure: { reasonCode: 'InternalError', message: 'forced' } };
      const changed = await controlOk(a.endpoint, 'config', change);
      const seen = await controlOk(b.endpoint, 'config');
      for (const key of ['taskProgression', 'taskDelayMs', 'taskPolls', 'referralDelayMs', 'throttling', 'forcedTaskFailure']) {
        assert.deepEqual(seen[key], changed[key], key);
      }
      assert.equal(seen.taskDelayMs, 90_000);
      assert.equal(seen.referralDelayMs, 3_600_000);
      // Back, from the other side.
      await controlOk(b.endpoint, 'config', { taskProgression: 'immediate', taskPolls: null, throttling: 'off', forcedTaskFailure: null });
      const back = await controlOk(a.endpoint, 'config');
      assert.equal(back.taskProgression, 'immediate');
      assert.equal(back.taskPolls, null);
      assert.equal(back.throttling, 'off');
      assert.equal(back.forcedTaskFailure, null);
      // A refused change changes nothing anywhere.
      assert.equal((await control(a.endpoint, 'config', { taskProgression: 'later' })).status, 400);
      assert.equal((await controlOk(b.endpoint, 'config')).taskProgression, 'immediate');
    });

    it('deliver each event to a webhook once, whichever process registered it or wrote the event; the other takes over', async () => {
      // The first process to start holds the delivery lease; the registration is made on the other one.
      assert.equal(a.services.delivery.isDeliverer, true);
      assert.equal(b.services.delivery.isDeliverer, false);
      const hook = await controlOk(b.endpoint, 'webhooks', { url: hookUrl });
      const listed = (await controlOk(a.endpoint, 'webhooks')).webhooks as Array<{ id: string }>;
      assert.deepEqual(listed.map((w) => w.id), [hook.id]);
      for (let i = 0; i < 3; i++) {
        await createOpportunity(a.endpoint, `On A ${i}`);
        await createOpportunity(b.endpoint, `On B ${i}`);
      }
      const marker = await createOpportunity(b.endpoint, 'Last');
      const outbox = (await eventsOf(a.endpoint)).map((e) => String(e.id));
      const last = outbox.at(-1)!;
      await pollUntil(async () => (receiver.ids.includes(last) ? true : undefined));
      assert.ok(marker.id);
      const sinceRegistration = outbox.slice(outbox.length - 7);
      assert.deepEqual(receiver.ids, sinceRegistration, 'each event once, in outbox order');

      // The deliverer stops: the other process takes the lease and goes on from the saved cursor.
      await a.close();
      await pollUntil(async () => (b.services.delivery.isDeliverer ? true : undefined), { attempts: 400 });
      await createOpportunity(b.endpoint, 'After the takeover');
      const latest = (await eventsOf(b.endpoint)).map((e) => String(e.id)).at(-1)!;
      await pollUntil(async () => (receiver.ids.includes(latest) ? true : undefined));
      assert.deepEqual(receiver.ids, [...sinceRegistration, latest], 'nothing repeated across the takeover');
      // Started again, it is no longer the deliverer (b holds the lease); `after` closes and cleans it up.
      a = await startTestServer({ inMemory: false, dbPath, auth: 'off' });
      assert.equal(a.services.delivery.isDeliverer, false);
    });

    it('a deliverer that stops while a webhook is still answering finishes that delivery, so the next one does not repeat it', async () => {
      // b delivers now (the previous test). The receiver gets the next event but answers only after b was told to stop.
      assert.equal(b.services.delivery.isDeliverer, true);
      let answer!: () => void;
      receiver.holdNext = new Promise<void>((resolve) => (answer = resolve));
      const before = receiver.ids.length;
      await createOpportunity(a.endpoint, 'Answered while its deliverer stops');
      const inFlight = (await eventsOf(a.endpoint)).map((e) => String(e.id)).at(-1)!;
      await pollUntil(async () => (receiver.ids.includes(inFlight) ? true : undefined));
      const stopping = b.close();
      // b is closing, its POST still open; the receiver answers it now.
      await new Promise((r) => setTimeout(r, 50));
      answer();
      await stopping;
      await pollUntil(async () => (a.services.delivery.isDeliverer ? true : undefined), { attempts: 400 });
      await createOpportunity(a.endpoint, 'After the second takeover');
      const latest = (await eventsOf(a.endpoint)).map((e) => String(e.id)).at(-1)!;
      await pollUntil(async () => (receiver.ids.includes(latest) ? true : undefined));
      assert.deepEqual(receiver.ids.slice(before), [inFlight, latest], 'the event answered during the stop is not sent again');
    });
  });
}
