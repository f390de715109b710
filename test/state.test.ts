// State export and import (src/state/export.ts) at the store level: a state with records of every kind,
// idempotency records, events (one held back), sequences and metadata is exported from one engine, imported
// into a fresh store on the other, and exported again: the two exports are the same document. Refused
// imports (another version, a malformed document) change nothing. The HTTP routes need the unit-of-work
// store in `services` (see the skipped case at the end).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { postgresUnreachable, TEST_POSTGRES_URL } from './helpers.js';
import type { EventEnvelope } from '../src/events/envelope.js';
import { startServer } from '../src/server.js';
import type { PostgresUnitOfWorkStore } from '../src/store/engines/postgres.js';
import {
  engagementKind,
  engagementMemberKind,
  engagementResourceKind,
  invitationKind,
  opportunityKind,
  resourceSnapshotJobKind,
  resourceSnapshotKind,
  tagSetKind,
  taskKind,
} from '../src/store/kinds.js';
import { openStore } from '../src/store/open.js';
import type { UnitOfWorkStore } from '../src/store/unit-of-work.js';
import { exportState, importState, STATE_FORMAT, StateFormatError } from '../src/state/export.js';

const PG_URL = TEST_POSTGRES_URL;

const postgresSkip = await postgresUnreachable();
const pgUrl = (name: string) => `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=pcl_state_${name}_${process.pid}_${randomUUID().slice(0, 8)}`;

const dir = mkdtempSync(join(tmpdir(), 'pcl-state-'));
const opened: UnitOfWorkStore[] = [];
after(async () => {
  for (const store of opened) {
    if (store.engine === 'postgres') await (store as PostgresUnitOfWorkStore).dropSchema().catch(() => {});
    await store.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function open(location: string): Promise<UnitOfWorkStore> {
  const store = await openStore(location);
  opened.push(store);
  return store;
}

const A = '111111111111';
const B = '222222222222';
const at = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();

function envelope(n: number, account: string): EventEnvelope {
  return {
    version: '0',
    id: `event-${n}`,
    'detail-type': n % 2 ? 'Opportunity Updated' : 'Opportunity Created',
    source: 'aws.partnercentral-selling',
    account,
    time: at(n),
    region: 'us-east-1',
    resources: [`arn:aws:partnercentral:us-east-1:${account}:catalog/Sandbox/opportunity/O${5000000 + n}`],
    detail: { catalog: 'Sandbox', opportunity: { identifier: `O${5000000 + n}` } },
  };
}

/** Puts a little of everything into `store`: 13 opportunities (more than a page of 5), every other kind, the rest. */
async function populate(store: UnitOfWorkStore): Promise<void> {
  await store.transaction(async (uow) => {
    for (let n = 1; n <= 13; n++) {
      await uow.put(opportunityKind, {
        catalog: n % 3 ? 'Sandbox' : 'AWS',
        id: `O${5000000 + n}`,
        accountId: n % 2 ? A : B,
        visible: n !== 7,
        origin: n === 7 ? 'AWS Referral' : 'Partner Referral',
        createdAt: at(n),
        lastModifiedAt: at(n + 1),
        data: {
          Customer: { Account: { CompanyName: `Company ${n} — Ünïcode`, WebsiteUrl: 'https://example.com' } },
          Project: { Title: `Project ${n}`, ExpectedCustomerSpend: [{ Amount: '100', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
          LifeCycle: { Stage: 'Prospect', ReviewStatus: 'Pending Submission', TargetCloseDate: '2026-12-31' },
          RelatedEntityIdentifiers: {},
        },
      });
    }
    await uow.put(engagementKind, { catalog: 'Sandbox', id: 'eng-1', title: 'Engagement', createdAt: at(1), createdBy: 'aws', modifiedAt: at(1), modifiedBy: 'aws', contexts: [] });
    await uow.put(engagementMemberKind, { catalog: 'Sandbox', engagementId: 'eng-1', accountId: A, companyName: 'Partner A', joinedAt: at(2), position: 1 });
    await uow.put(invitationKind, {
      catalog: 'Sandbox',
      id: 'engi-1',
      engagementId: 'eng-1',
      engagementTitle: 'Engagement',
      senderAccountId: 'aws',
      senderCompanyName: 'AWS',
      receiverAccountId: A,
      status: 'ACCEPTED',
      payloadType: 'OpportunityInvitation',
      payload: { OpportunityInvitation: { Customer: { CompanyName: 'Company 7', CountryCode: 'US', Industry: 'Other', WebsiteUrl: 'https://example.com' }, Project: { Title: 'P', BusinessProblem: 'A problem', ExpectedCustomerSpend: [] }, ReceiverResponsibilities: ['Services Partner'], SenderContacts: [] } },
      invitationMessage: 'Hello',
      invitationDate: at(1),
      expirationDate: at(60 * 24 * 15),
      referralOpportunityId: 'O5000007',
    } as never);
    await uow.put(taskKind, {
      catalog: 'Sandbox',
      id: 'task-1',
      type: 'engagement-by-accepting-invitation',
      accountId: A,
      status: 'IN_PROGRESS',
      startTime: at(3),
      dueAtMs: Date.parse(at(5)),
      leaseOwner: 'another-process',
      leaseExpiresAtMs: Date.parse(at(4)),
      subject: { invitationId: 'engi-1' },
      payload: { tags: [] },
    });
    await uow.put(resourceSnapshotJobKind, { catalog: 'Sandbox', id: 'job-1', accountId: A, engagementId: 'eng-1', resourceType: 'Opportunity' as const, resourceId: 'O5000007', templateName: 'OpportunitySummaryView', status: 'Running', createdAt: at(3) });
    await uow.put(resourceSnapshotKind, { catalog: 'Sandbox', engagementId: 'eng-1', resourceType: 'Opportunity', resourceId: 'O5000007', templateName: 'OpportunitySummaryView', revision: 1, createdBy: A, createdAt: at(3), payload: { OpportunitySummary: {} } } as never);
    await uow.put(engagementResourceKind, { catalog: 'Sandbox', engagementId: 'eng-1', resourceType: 'Opportunity' as const, resourceId: 'O5000007', createdBy: A, createdAt: at(3) });
    await uow.put(tagSetKind, { catalog: 'Sandbox', accountId: A, resourceArn: 'arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O5000001', tags: [{ Key: 'k', Value: 'v' }] });
    for (let i = 0; i < 7; i++) {
      await uow.putIdempotency({ accountId: i % 2 ? A : B, catalog: 'Sandbox', operation: 'CreateOpportunity', clientToken: `token-${i}` }, { requestHash: `hash-${i}`, response: `{"Id":"O${5000000 + i}"}`, createdAtMs: Date.parse(at(i)) });
    }
    for (let n = 0; n < 12; n++) await uow.appendEvent(envelope(n, n % 2 ? A : B), n === 11 ? Date.parse(at(999)) : 0);
    for (let n = 0; n < 13; n++) await uow.nextSequence('opportunity');
    await uow.setSequence('event', 12);
    await uow.setMeta('clock', JSON.stringify({ offsetMs: 12345, frozenAtMs: null }));
    await uow.setMeta('id_seed', 'state-test');
  });
}

/** The export as a string, written in pages of `pageSize`; also checks it arrived in more than one chunk. */
async function exportText(store: UnitOfWorkStore, pageSize = 5): Promise<string> {
  const chunks: string[] = [];
  await exportState(store, (chunk) => {
    chunks.push(chunk);
  }, pageSize);
  assert.ok(chunks.length > 10, 'written incrementally');
  return chunks.join('');
}

/** The export without the engine that wrote it (the only member allowed to differ between engines). */
function comparable(text: string): unknown {
  const { engine: _engine, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return rest;
}

const pairs: { name: string; skip?: string; from: () => Promise<UnitOfWorkStore>; to: () => Promise<UnitOfWorkStore> }[] = [
  { name: 'SQLite file → PostgreSQL', skip: postgresSkip, from: () => open(join(dir, 'from.db')), to: () => open(pgUrl('to')) },
  { name: 'PostgreSQL → SQLite in memory', skip: postgresSkip, from: () => open(pgUrl('from')), to: () => open(':memory:') },
  { name: 'SQLite in memory → SQLite file', from: () => open(':memory:'), to: () => open(join(dir, 'to.db')) },
];

for (const pair of pairs) {
  describe(`state round trip, ${pair.name}`, { skip: pair.skip }, () => {
    it('exports everything, imports it into a fresh store and exports the same document again', async () => {
      const source = await pair.from();
      const target = await pair.to();
      await populate(source);
      const first = await exportText(source);
      const doc = JSON.parse(first) as Record<string, unknown>;
      assert.equal(doc.format, STATE_FORMAT);
      assert.equal(doc.version, 1);
      assert.equal(doc.engine, source.engine);
      const records = doc.records as Record<string, unknown[]>;
      assert.equal(records.opportunity!.length, 13);
      for (const kind of ['engagement', 'engagement_member', 'engagement_invitation', 'task', 'resource_snapshot_job', 'resource_snapshot', 'engagement_resource', 'tag_set']) {
        assert.equal(records[kind]!.length, 1, kind);
      }
      assert.equal((doc.idempotency as unknown[]).length, 7);
      assert.equal((doc.events as unknown[]).length, 12);
      assert.deepEqual(doc.sequences, { event: 12, opportunity: 13 });

      const summary = await importState(target, JSON.parse(first));
      assert.equal(summary.records.opportunity, 13);
      assert.equal(summary.events, 12);
      const second = await exportText(target);
      const expected = comparable(first) as { records: { task: Record<string, unknown>[] } };
      // An imported task's lease is dropped: the process that held it is gone.
      delete expected.records.task[0]!.leaseOwner;
      delete expected.records.task[0]!.leaseExpiresAtMs;
      assert.deepEqual(comparable(second), expected);

      // The imported store works: sequences continue, the held-back event stays held back, queries see the data.
      assert.equal(await target.transaction((uow) => uow.nextSequence('opportunity')), 14);
      assert.equal((await target.readEvents({ limit: 100, availableBy: Date.parse(at(100)) })).length, 11);
      assert.equal(await target.transaction((uow) => uow.count(opportunityKind, { accountId: A, catalog: 'Sandbox', visible: true })), 4);
      assert.equal(await target.readMeta('id_seed'), 'state-test');
      const claimed = await target.claimDueTasks({ dueBy: Date.parse(at(10)), owner: 'me', leaseMs: 1000, limit: 5, now: Date.parse(at(0)) });
      assert.deepEqual(claimed.map((t) => t.id), ['task-1'], 'the old lease does not hold the task');
    });
  });
}

describe('state import refusals', () => {
  it('refuses another format or version, and a malformed document, naming the member, and changes nothing', async () => {
    const source = await open(':memory:');
    const target = await open(':memory:');
    await populate(source);
    await populate(target);
    const good = JSON.parse(await exportText(source)) as Record<string, unknown>;
    const before = await exportText(target);

    const refusals: [unknown, RegExp][] = [
      ['not an object', /must be a JSON object/],
      [{ ...good, format: 'something-else' }, /'format' must be 'partnercentral-local-state'/],
      [{ ...good, version: 2 }, /'version' 2 is not supported: this partnercentral-local reads state version 1 only/],
      [{ ...good, extra: true }, /Unknown key 'extra'/],
      [{ ...good, schema: { kinds: { ...(good.schema as { kinds: object }).kinds, widget: ['id'] } } }, /'schema.kinds.widget': this version stores no such record kind/],
      [{ ...good, records: { ...(good.records as object), opportunity: [{ catalog: 'Sandbox' }] } }, /'records.opportunity\[0\]' lacks/],
      [{ ...good, sequences: { opportunity: -1 } }, /'sequences.opportunity' must be a non-negative integer/],
      [{ ...good, events: [{ availableAt: 0, envelope: { id: 'x' } }] }, /'events\[0\]' must be/],
      [{ ...good, idempotency: [{ accountId: A }] }, /'idempotency\[0\]' must have/],
    ];
    for (const [input, message] of refusals) {
      await assert.rejects(importState(target, input), (err: unknown) => err instanceof StateFormatError && message.test(err.message));
    }
    assert.equal(await exportText(target), before, 'nothing changed');
  });

  it('rolls back an import that fails while writing', { skip: postgresSkip }, async () => {
    const target = await open(pgUrl('rollback'));
    await populate(target);
    const before = await exportText(target);
    const state = JSON.parse(before) as { records: { opportunity: { data: { Customer: { Account: { CompanyName: string } } } }[] } };
    // Well-formed, so the check lets it through; PostgreSQL refuses a NUL character in a text column, so the
    // write fails on the last opportunity, after everything was deleted and half of it written again.
    state.records.opportunity.at(-1)!.data.Customer.Account.CompanyName = 'nul \u0000 inside';
    await assert.rejects(importState(target, state));
    assert.equal(await exportText(target), before);
  });
});

describe('state routes', () => {
  it('export over HTTP and import into another server reproduce the same state', async () => {
    const source = await startServer({ port: 0, inMemory: true, logLevel: 'silent', seed: 'state-routes' });
    const target = await startServer({ port: 0, inMemory: true, logLevel: 'silent', seed: 'other-seed' });
    try {
      // A referral, accepted: opportunities, an engagement, a task, a snapshot, events.
      const referral = await fetch(`${source.endpoint}/_emulator/referrals`, {
        method: 'POST',
        body: JSON.stringify({ receiverAccountId: A, catalog: 'Sandbox' }),
      });
      assert.equal(referral.status, 201);
      const exported = await fetch(`${source.endpoint}/_emulator/state`);
      assert.equal(exported.status, 200);
      const text = await exported.text();
      const document = JSON.parse(text) as { format: string; version: number; records: Record<string, unknown[]>; events: unknown[] };
      assert.equal(document.format, 'partnercentral-local-state');
      assert.equal(document.version, 1);
      assert.ok(document.records.opportunity!.length >= 1 && document.events.length >= 1);

      const imported = await fetch(`${target.endpoint}/_emulator/state`, { method: 'PUT', body: text });
      assert.equal(imported.status, 200, await imported.clone().text());
      const again = JSON.parse(await (await fetch(`${target.endpoint}/_emulator/state`)).text()) as Record<string, unknown>;
      // The importing server writes its (real-time) clock into the metadata; everything else is the same.
      const { engine: _e1, meta: _m1, ...left } = document as unknown as Record<string, unknown>;
      const { engine: _e2, meta: _m2, ...right } = again;
      assert.deepEqual(right, left);
      // The imported invitation is visible to its receiver through the public API.
      const listed = await fetch(`${target.endpoint}/_emulator/call`, {
        method: 'POST',
        body: JSON.stringify({ account: A, operation: 'ListEngagementInvitations', input: { Catalog: 'Sandbox', ParticipantType: 'RECEIVER' } }),
      });
      const answer = (await listed.json()) as { status: number; output: { EngagementInvitationSummaries: unknown[] } };
      assert.equal(answer.status, 200);
      assert.equal(answer.output.EngagementInvitationSummaries.length, 1);

      const refused = await fetch(`${target.endpoint}/_emulator/state`, { method: 'PUT', body: JSON.stringify({ format: 'x' }) });
      assert.equal(refused.status, 400);
    } finally {
      await source.close();
      await target.close();
    }
  });
});
