// The read cache of pure reads: a short body keys it as it is (with operation and caller), a long one by the
// validated input (padding a request with unknown members cannot grow it); bounded in bytes, least-recently-used
// answers evicted first, never stale after a write.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpportunityCommand, GetOpportunityCommand, UpdateOpportunityCommand } from '@aws-sdk/client-partnercentral-selling';
import { callRaw, clientFor, startTestServer } from './helpers.js';
import { minimalOpportunityInput } from './fixtures.js';
import type { RunningServer } from '../src/server.js';

const SUBJECT = { company: 'Cache Co', title: 'Cached project', businessProblem: 'Reads the same opportunity over and over again.' };

async function createOpportunity(server: RunningServer, token: string): Promise<string> {
  const client = clientFor(server.endpoint);
  try {
    return (await client.send(new CreateOpportunityCommand(minimalOpportunityInput(token, SUBJECT)))).Id!;
  } finally {
    client.destroy();
  }
}

describe('read cache', () => {
  describe('with the default budget', () => {
    let server: RunningServer;
    before(async () => {
      server = await startTestServer();
    });
    after(() => server.close());

    it('keeps one small entry for requests padded with different unknown members', async () => {
      const id = await createOpportunity(server, 'padded');
      const padding = 'x'.repeat(256 * 1024);
      let first: string | undefined;
      for (let i = 0; i < 24; i++) {
        // Every body is different (its own unknown member name and padding), the validated input the same.
        const reply = await callRaw(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: id, [`Pad${i}`]: `${i}${padding}`, Nested: { [`n${i}`]: padding } });
        assert.equal(reply.status, 200, reply.body);
        first ??= reply.body;
        assert.equal(reply.body, first);
      }
      const stats = server.readCache.stats();
      assert.equal(stats.entries, 1);
      assert.ok(stats.bytes < 16 * 1024, `cache holds ${stats.bytes} bytes`);
      assert.ok(stats.hits >= 23, `hits ${stats.hits}`);
    });

    it('keys a short body as sent: per caller, never for an invalid body, the same answer as the validated path', async () => {
      const id = await createOpportunity(server, 'short-body');
      const body = `{"Catalog":"Sandbox","Identifier":"${id}"}`;
      const reordered = `{ "Identifier": "${id}", "Catalog": "Sandbox" }`;
      const first = await callRaw(server.endpoint, 'GetOpportunity', body);
      assert.equal(first.status, 200, first.body);
      const before = server.readCache.stats();
      const again = await callRaw(server.endpoint, 'GetOpportunity', body);
      assert.equal(again.body, first.body);
      assert.equal(server.readCache.stats().hits, before.hits + 1, 'the same bytes: a hit');
      // Other bytes for the same input: an entry of their own, the same answer.
      assert.equal((await callRaw(server.endpoint, 'GetOpportunity', reordered)).body, first.body);
      assert.equal(server.readCache.stats().entries, before.entries + 1);
      // Another caller sending the same bytes is answered for its own account, not from the cache.
      const foreign = await callRaw(server.endpoint, 'GetOpportunity', body, '222222222222');
      assert.equal(foreign.status, 404, foreign.body);
      // An invalid short body is refused every time and never stored.
      const stats = server.readCache.stats();
      for (let i = 0; i < 2; i++) {
        const refused = await callRaw(server.endpoint, 'GetOpportunity', `{"Catalog":"Nowhere","Identifier":"${id}"}`);
        assert.equal(refused.status, 400, refused.body);
        assert.match(refused.body, /ValidationException/);
      }
      assert.equal(server.readCache.stats().entries, stats.entries);
      assert.equal(server.readCache.stats().hits, stats.hits);
    });

    it('never answers from a stale entry after a write', async () => {
      const client = clientFor(server.endpoint);
      try {
        const id = await createOpportunity(server, 'fresh-after-write');
        const get = () => client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }));
        const before = await get();
        await get(); // now answered from the cache
        await client.send(
          new UpdateOpportunityCommand({
            Catalog: 'Sandbox',
            Identifier: id,
            LastModifiedDate: before.LastModifiedDate!,
            Customer: { Account: { CompanyName: 'Renamed Co', Industry: 'Automotive', Address: { CountryCode: 'DE' } } },
            Project: { Title: SUBJECT.title, CustomerBusinessProblem: SUBJECT.businessProblem },
            LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2030-09-30' },
          }),
        );
        assert.equal((await get()).Customer?.Account?.CompanyName, 'Renamed Co');
      } finally {
        client.destroy();
      }
    });
  });

  describe('with a small budget', () => {
    const BUDGET = 32 * 1024;
    let server: RunningServer;
    before(async () => {
      server = await startTestServer({ readCacheBytes: BUDGET });
      await createOpportunity(server, 'small-budget');
    });
    after(() => server.close());

    /** Distinct valid inputs with answers of the same size: the page size differs, the one opportunity fits all. */
    const list = async (maxResults: number) => {
      const reply = await callRaw(server.endpoint, 'ListOpportunities', { Catalog: 'Sandbox', MaxResults: maxResults });
      assert.equal(reply.status, 200, reply.body);
    };
    const hitsAfter = async (read: () => Promise<void>) => {
      const before = server.readCache.stats().hits;
      await read();
      return server.readCache.stats().hits - before;
    };

    it('stays within its byte budget and evicts the least recently used answers first', async () => {
      await list(1);
      const entrySize = server.readCache.stats().bytes;
      assert.ok(entrySize > 0 && entrySize <= server.readCache.stats().maxEntryBytes, `entry of ${entrySize} bytes`);
      const capacity = Math.floor(BUDGET / entrySize);
      assert.ok(capacity >= 4 && capacity < 90, `capacity ${capacity}`);
      // Fill well past capacity, reading MaxResults=1 again between insertions so it stays the most recent.
      for (let n = 2; n <= capacity + 8; n++) {
        await list(n);
        assert.equal(await hitsAfter(() => list(1)), 1, `MaxResults=1 still cached after inserting ${n}`);
        const stats = server.readCache.stats();
        assert.ok(stats.bytes <= BUDGET, `${stats.bytes} bytes over the ${BUDGET} budget`);
      }
      assert.equal(server.readCache.stats().entries, capacity);
      // The oldest untouched answers went first; the newest stayed.
      assert.equal(await hitsAfter(() => list(2)), 0);
      assert.equal(await hitsAfter(() => list(capacity + 8)), 1);
    });
  });
});

describe('read cache off (`--read-cache off`, a budget of 0)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ readCacheBytes: 0 });
  });
  after(() => server.close());

  it('answers every read from the database and keeps nothing', async () => {
    const id = await createOpportunity(server, 'uncached');
    const body = `{"Catalog":"Sandbox","Identifier":"${id}"}`;
    const first = await callRaw(server.endpoint, 'GetOpportunity', body);
    assert.equal(first.status, 200, first.body);
    assert.equal((await callRaw(server.endpoint, 'GetOpportunity', body)).body, first.body);
    const client = clientFor(server.endpoint);
    try {
      const got = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }));
      await client.send(
        new UpdateOpportunityCommand({
          Catalog: 'Sandbox',
          Identifier: id,
          LastModifiedDate: got.LastModifiedDate!,
          Customer: { Account: { CompanyName: 'Renamed uncached', Industry: 'Automotive', Address: { CountryCode: 'DE' } } },
          Project: { Title: SUBJECT.title, CustomerBusinessProblem: SUBJECT.businessProblem },
          LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2030-09-30' },
        }),
      );
    } finally {
      client.destroy();
    }
    const renamed = await callRaw(server.endpoint, 'GetOpportunity', body);
    assert.match(renamed.body, /Renamed uncached/);
    assert.deepEqual(server.readCache.stats(), { entries: 0, bytes: 0, maxBytes: 0, maxEntryBytes: 0, hits: 0 });
  });
});
