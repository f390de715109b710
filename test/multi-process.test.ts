// Many processes, one database (issue 6, item 4): real CLI processes on one PostgreSQL schema behave as one
// server — idempotency and optimistic concurrency hold across them, and when one of two dies (kill -9) amid
// hundreds of async accept tasks the survivor completes every task, none twice. The kill test runs on SQLite
// (two processes on one file) too. The PostgreSQL half is skipped, not failed, without a reachable PostgreSQL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateOpportunityCommand,
  GetOpportunityCommand,
  ListOpportunitiesCommand,
  ListEngagementByAcceptingInvitationTasksCommand,
  ListEngagementInvitationsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  UpdateOpportunityCommand,
  type PartnerCentralSellingClient,
} from '@aws-sdk/client-partnercentral-selling';
import { killAllChildren, startCli, type ChildServer } from './child-server.js';
import { minimalOpportunityInput } from './fixtures.js';
import { clientFor, eventsOf, freshPostgresSchema, pollUntil, postgresUnreachable } from './helpers.js';

const TASKS = 200;
/** Races: how many tokens (or opportunities) are raced at once, and by how many requests each. */
const RACE_ROUNDS = 12;
const RACERS = 8;
const SHARED_CORP = { company: 'Shared Corp', title: 'Shared project', businessProblem: 'Two servers share one database.' };
const input = (token: string, title = SHARED_CORP.title, origin?: 'AWS Referral') =>
  minimalOpportunityInput(token, { ...SHARED_CORP, title }, origin ? { Origin: origin } : {});

let accountCounter = 0;
/** A fresh 12-digit account per test, so lists and events only hold that test's data. */
const freshAccount = () => `43000000${String(++accountCounter).padStart(4, '0')}`;

async function kill9(child: ChildServer): Promise<void> {
  child.proc.kill('SIGKILL');
  assert.equal((await child.exited).signal, 'SIGKILL');
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) {
    results.push(...(await Promise.all(items.slice(i, i + width).map((item, j) => work(item, i + j)))));
  }
  return results;
}

async function pendingInvitationIds(client: PartnerCentralSellingClient): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER', MaxResults: 50, NextToken }));
    for (const i of page.EngagementInvitationSummaries ?? []) if (i.Status === 'PENDING') ids.push(i.Id!);
    NextToken = page.NextToken;
  } while (NextToken);
  return ids;
}

async function taskStatuses(client: PartnerCentralSellingClient): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', MaxResults: 100, NextToken }));
    for (const t of page.TaskSummaries ?? []) statuses.set(t.TaskId!, t.TaskStatus!);
    NextToken = page.NextToken;
  } while (NextToken);
  return statuses;
}

/**
 * kill -9 of one of two processes while TASKS async accepts are in flight: the survivor completes them all
 * (tasks claimed by the dead process come back when their lease lapses), each exactly once.
 */
async function killOneOfTwoDuringTasks(db: string): Promise<void> {
  const args = ['--task-progression', 'async', '--task-delay', '1500ms'];
  const [a, b] = [await startCli(db, args), await startCli(db, args)];
  const account = freshAccount();
  const [viaA, viaB] = [clientFor(a.endpoint, account), clientFor(b.endpoint, account)];
  try {
    const referrals = await inBatches(Array.from({ length: TASKS }, (_, i) => i), 20, (i) =>
      (i % 2 ? viaA : viaB).send(new CreateOpportunityCommand(input(`referral-${i}`, `Referral ${i}`, 'AWS Referral'))),
    );
    const invitations = await pendingInvitationIds(viaB);
    assert.equal(invitations.length, TASKS, 'one pending invitation per referral');
    const started = await inBatches(invitations, 20, (id, i) =>
      (i % 2 ? viaA : viaB).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', ClientToken: `accept-${i}`, Identifier: id })),
    );
    assert.equal(new Set(started.map((t) => t.TaskId)).size, TASKS);
    const acceptedEvents = async () => (await eventsOf(b.endpoint, { detailType: 'Engagement Invitation Accepted', account, limit: '1000' })).length;
    // Kill A once tasks have started to complete, so that it dies holding claims.
    await pollUntil(async () => ((await acceptedEvents()) > 0 ? true : undefined), { attempts: 400, intervalMs: 25 });
    await kill9(a);
    const killedAt = Date.now();
    // Bounded wait for the survivor: well under a minute (task leases last seconds).
    await pollUntil(async () => ((await acceptedEvents()) === TASKS ? true : undefined), { attempts: 300, intervalMs: 100 });
    console.log(`# ${db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite'}: ${TASKS} tasks complete ${Date.now() - killedAt} ms after kill -9 of one of two processes`);

    const statuses = await taskStatuses(viaB);
    assert.equal(statuses.size, TASKS);
    assert.ok([...statuses.values()].every((s) => s === 'COMPLETE'), 'every task complete');
    const created = await eventsOf(b.endpoint, { detailType: 'Opportunity Created', account, limit: '1000' });
    const perOpportunity = new Map<string, number>();
    for (const e of created) {
      const id = (e.detail as { opportunity?: { identifier?: string } }).opportunity?.identifier ?? '';
      perOpportunity.set(id, (perOpportunity.get(id) ?? 0) + 1);
    }
    for (const r of referrals) assert.equal(perOpportunity.get(r.Id!), 1, `one Opportunity Created for ${r.Id}`);
    assert.equal(created.length, TASKS, 'no other Opportunity Created event');
    assert.equal(await acceptedEvents(), TASKS, 'no invitation accepted twice');
  } finally {
    viaA.destroy();
    viaB.destroy();
    await kill9(b);
  }
}

const postgresSkip = await postgresUnreachable();

describe('two processes on one PostgreSQL', { skip: postgresSkip }, () => {
  const fresh = freshPostgresSchema('mp');
  let a: ChildServer;
  let b: ChildServer;
  let viaA: PartnerCentralSellingClient;
  let viaB: PartnerCentralSellingClient;
  before(async () => {
    [a, b] = [await startCli(fresh.url), await startCli(fresh.url)];
    const account = freshAccount();
    [viaA, viaB] = [clientFor(a.endpoint, account), clientFor(b.endpoint, account)];
  });
  after(async () => {
    viaA?.destroy();
    viaB?.destroy();
    await killAllChildren();
    await fresh.drop();
  });

  it('the same ClientToken on both processes creates one opportunity; another body under it is a ConflictException', async () => {
    const answers = await Promise.all([viaA, viaB, viaA, viaB].map((c) => c.send(new CreateOpportunityCommand(input('same-token')))));
    assert.equal(new Set(answers.map((o) => o.Id)).size, 1, 'every replay answers the one opportunity');
    const other = await Promise.allSettled([viaA, viaB].map((c) => c.send(new CreateOpportunityCommand(input('same-token', 'Another title')))));
    for (const outcome of other) {
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.reason instanceof ConflictException, String(outcome.reason));
    }
    const seen = await viaB.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: answers[0]!.Id! }));
    assert.equal(seen.Project?.Title, SHARED_CORP.title);
  });

  it('two updates with the same LastModifiedDate, one per process: one wins, the other is a ConflictException', async () => {
    const created = await viaA.send(new CreateOpportunityCommand(input('occ-1')));
    const before = await viaB.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! }));
    const update = (client: PartnerCentralSellingClient, title: string) =>
      client.send(
        new UpdateOpportunityCommand({
          Catalog: 'Sandbox',
          Identifier: created.Id!,
          LastModifiedDate: before.LastModifiedDate!,
          Project: { ...before.Project, Title: title },
          Customer: before.Customer,
          LifeCycle: before.LifeCycle,
        }),
      );
    const outcomes = await Promise.allSettled([update(viaA, 'Title by A'), update(viaB, 'Title by B')]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(won.length, 1, 'exactly one update wins');
    assert.ok(lost[0]!.reason instanceof ConflictException, String(lost[0]!.reason));
    const winner = outcomes[0]!.status === 'fulfilled' ? 'Title by A' : 'Title by B';
    for (const client of [viaA, viaB]) {
      const after = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! }));
      assert.equal(after.Project?.Title, winner);
    }
  });

  it(`${RACE_ROUNDS} tokens, each raced by ${RACERS} requests at once over both processes with two bodies: one opportunity per token, one body wins`, async () => {
    const account = freshAccount();
    const [raceA, raceB] = [clientFor(a.endpoint, account), clientFor(b.endpoint, account)];
    try {
      const rounds = await Promise.all(
        Array.from({ length: RACE_ROUNDS }, async (_, round) => {
          const token = `race-${round}`;
          const titles = [`Race ${round} body X`, `Race ${round} body Y`];
          // Every request leaves at once; half carry one body and half the other, spread over both processes.
          const outcomes = await Promise.allSettled(
            Array.from({ length: RACERS }, (_, k) => (k % 2 ? raceA : raceB).send(new CreateOpportunityCommand(input(token, titles[(k >> 1) % 2])))),
          );
          return { titles, outcomes };
        }),
      );
      const ids = new Set<string>();
      for (const { titles, outcomes } of rounds) {
        const bodyOf = (k: number) => titles[(k >> 1) % 2]!;
        const won = outcomes.flatMap((o, k) => (o.status === 'fulfilled' ? [{ id: o.value.Id!, title: bodyOf(k) }] : []));
        assert.ok(won.length >= RACERS / 2, 'at least every request with the first body to commit succeeds');
        assert.equal(new Set(won.map((w) => w.id)).size, 1, 'one opportunity per token');
        assert.equal(new Set(won.map((w) => w.title)).size, 1, 'one body wins the token');
        outcomes.forEach((o, k) => {
          if (o.status === 'rejected') {
            assert.ok(o.reason instanceof ConflictException, String(o.reason));
            assert.notEqual(bodyOf(k), won[0]!.title, 'only the other body is refused');
          }
        });
        const stored = await raceB.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: won[0]!.id }));
        assert.equal(stored.Project?.Title, won[0]!.title);
        ids.add(won[0]!.id);
      }
      assert.equal(ids.size, RACE_ROUNDS, 'different tokens, different opportunities');
      const listed = await raceA.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 100 }));
      assert.deepEqual(new Set(listed.OpportunitySummaries?.map((o) => o.Id)), ids, 'no opportunity beyond one per token');
      const created = await eventsOf(b.endpoint, { detailType: 'Opportunity Created', account, limit: '1000' });
      assert.equal(created.length, RACE_ROUNDS, 'one Opportunity Created per token');
    } finally {
      raceA.destroy();
      raceB.destroy();
    }
  });

  it(`${RACE_ROUNDS} opportunities, each updated by ${RACERS} requests at once over both processes with one LastModifiedDate: one wins, the rest are refused`, async () => {
    const account = freshAccount();
    const [raceA, raceB] = [clientFor(a.endpoint, account), clientFor(b.endpoint, account)];
    try {
      const opportunities = await Promise.all(
        Array.from({ length: RACE_ROUNDS }, async (_, round) => {
          const created = await raceA.send(new CreateOpportunityCommand(input(`occ-race-${round}`)));
          return raceB.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! }));
        }),
      );
      const update = (client: PartnerCentralSellingClient, before: (typeof opportunities)[number], title: string) =>
        client.send(
          new UpdateOpportunityCommand({
            Catalog: 'Sandbox',
            Identifier: before.Id!,
            LastModifiedDate: before.LastModifiedDate!,
            Project: { ...before.Project, Title: title },
            Customer: before.Customer,
            LifeCycle: before.LifeCycle,
          }),
        );
      // Every update of every opportunity leaves at once.
      const rounds = await Promise.all(
        opportunities.map(async (before, round) => {
          const titles = Array.from({ length: RACERS }, (_, k) => `Round ${round} update ${k}`);
          return { before, titles, outcomes: await Promise.allSettled(titles.map((t, k) => update(k % 2 ? raceA : raceB, before, t))) };
        }),
      );
      for (const { before, titles, outcomes } of rounds) {
        const won = outcomes.flatMap((o, k) => (o.status === 'fulfilled' ? [{ k, answer: o.value }] : []));
        assert.equal(won.length, 1, `exactly one update of ${before.Id} wins`);
        for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof ConflictException, String(o.reason));
        for (const client of [raceA, raceB]) {
          const after = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: before.Id! }));
          assert.equal(after.Project?.Title, titles[won[0]!.k], 'the winner is what is stored');
          assert.equal(after.LastModifiedDate?.getTime(), won[0]!.answer.LastModifiedDate?.getTime());
        }
      }
      const updated = await eventsOf(b.endpoint, { detailType: 'Opportunity Updated', account, limit: '1000' });
      assert.equal(updated.length, RACE_ROUNDS, 'one Opportunity Updated per opportunity: no refused update left a trace');
    } finally {
      raceA.destroy();
      raceB.destroy();
    }
  });

  it(`kill -9 of one of two processes during ${TASKS} async accepts: the survivor completes all, none twice`, async () => {
    await killOneOfTwoDuringTasks(fresh.url);
  });
});

describe('two processes on one SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcl-multi-'));
  after(async () => {
    await killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`kill -9 of one of two processes during ${TASKS} async accepts: the survivor completes all, none twice`, async () => {
    await killOneOfTwoDuringTasks(join(dir, 'shared.db'));
  });
});
