// Concurrency (issue #2, item 9): concurrent accepts of one invitation, with the same ClientToken or different
// ones, yield exactly one opportunity; the same holds with async progression, for CreateOpportunity replays,
// and for two server processes sharing one SQLite file (BEGIN IMMEDIATE + busy_timeout serialize them).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateOpportunityCommand,
  GetEngagementInvitationCommand,
  GetOpportunityCommand,
  ListEngagementByAcceptingInvitationTasksCommand,
  ListOpportunitiesCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  UpdateOpportunityCommand,
  type CreateOpportunityCommandInput,
  type PartnerCentralSellingClient,
  type StartEngagementByAcceptingInvitationTaskCommandOutput,
} from '@aws-sdk/client-partnercentral-selling';
import { killAllChildren, startCli, type ChildServer } from './child-server.js';
import { createReferralInFreshAccount, minimalOpportunityInput } from './fixtures.js';
import { clientFor, control, eventsOf, pollUntil, startTestServer } from './helpers.js';
import type { RunningServer } from '../src/server.js';

const PARALLEL = 20;

let accountCounter = 0;
/** A fresh 12-digit account per test, so lists and events only hold that test's data. */
function freshAccount(): string {
  accountCounter += 1;
  return `4200000${String(accountCounter).padStart(5, '0')}`;
}

const RACING_CORP = { company: 'Racing Corp', title: 'Racing project', businessProblem: 'Many clients accept the same invitation at once.' };
const opportunityInput = (clientToken: string, overrides: Partial<CreateOpportunityCommandInput> = {}) =>
  minimalOpportunityInput(clientToken, RACING_CORP, overrides);

/** A simulated AWS referral to the client's account; returns the hidden opportunity and its invitation. */
const createReferral = (client: PartnerCentralSellingClient, token: string) =>
  createReferralInFreshAccount(client, opportunityInput(token, { Origin: 'AWS Referral' }));

function accept(client: PartnerCentralSellingClient, invitationId: string, token: string): Promise<StartEngagementByAcceptingInvitationTaskCommandOutput> {
  return client.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', ClientToken: token, Identifier: invitationId }));
}

async function tasksOf(client: PartnerCentralSellingClient) {
  return (await client.send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', MaxResults: 100 }))).TaskSummaries ?? [];
}

/** Polls (bounded) until none of the account's tasks is IN_PROGRESS any more. */
async function settledTasks(clients: PartnerCentralSellingClient[]) {
  return pollUntil(
    async () => {
      const views = await Promise.all(clients.map(tasksOf));
      return views.every((tasks) => tasks.every((t) => t.TaskStatus !== 'IN_PROGRESS')) ? views[0]! : undefined;
    },
    { attempts: 400, intervalMs: 25 },
  );
}

/** Exactly one opportunity, the invitation ACCEPTED, one Opportunity Created and one acceptance event. */
async function assertOneOutcome(endpoint: string, client: PartnerCentralSellingClient, account: string, ids: { opportunityId: string; invitationId: string }) {
  const listed = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
  assert.deepEqual((listed.OpportunitySummaries ?? []).map((o) => o.Id), [ids.opportunityId], 'exactly one opportunity');
  const invitation = await client.send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: ids.invitationId }));
  assert.equal(invitation.Status, 'ACCEPTED');
  const created = await eventsOf(endpoint, { detailType: 'Opportunity Created', account });
  assert.equal(created.length, 1, 'exactly one Opportunity Created event');
  const acceptedEvents = await eventsOf(endpoint, { detailType: 'Engagement Invitation Accepted', account });
  assert.equal(acceptedEvents.length, 1, 'exactly one Engagement Invitation Accepted event');
  const members = await eventsOf(endpoint, { detailType: 'Engagement Member Added', account });
  assert.equal(members.length, 1, 'the caller joined the engagement once');
}

function assertOneWinner(tasks: { TaskStatus?: string; ReasonCode?: string; OpportunityId?: string }[], opportunityId: string) {
  const complete = tasks.filter((t) => t.TaskStatus === 'COMPLETE');
  assert.equal(complete.length, 1, 'exactly one COMPLETE task');
  assert.equal(complete[0]!.OpportunityId, opportunityId);
  const failed = tasks.filter((t) => t.TaskStatus === 'FAILED');
  assert.equal(failed.length, tasks.length - 1, 'every other task FAILED');
  for (const t of failed) {
    assert.equal(t.ReasonCode, 'EngagementInvitationConflict');
    assert.equal(t.OpportunityId, undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------

describe('concurrent accepts (in-process, immediate progression)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it(`${PARALLEL} concurrent Starts with the same token: one task, one opportunity`, async () => {
    const account = freshAccount();
    const client = clientFor(server.endpoint, account);
    const ids = await createReferral(client, 'ref');
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => accept(client, ids.invitationId, 'same-token')));
    assert.equal(new Set(answers.map((a) => a.TaskId)).size, 1, 'one TaskId');
    for (const a of answers) assert.equal(a.TaskStatus, 'COMPLETE');
    const tasks = await tasksOf(client);
    assert.equal(tasks.length, 1);
    await assertOneOutcome(server.endpoint, client, account, ids);
  });

  it(`${PARALLEL} concurrent Starts with different tokens: one COMPLETE, the rest EngagementInvitationConflict`, async () => {
    const account = freshAccount();
    const client = clientFor(server.endpoint, account);
    const ids = await createReferral(client, 'ref');
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => accept(client, ids.invitationId, `token-${i}`)));
    assert.equal(new Set(answers.map((a) => a.TaskId)).size, PARALLEL, 'one task per token');
    assertOneWinner(answers, ids.opportunityId);
    assertOneWinner(await tasksOf(client), ids.opportunityId);
    await assertOneOutcome(server.endpoint, client, account, ids);
  });

  it(`${PARALLEL} concurrent CreateOpportunity calls with one ClientToken: one opportunity`, async () => {
    const account = freshAccount();
    const client = clientFor(server.endpoint, account);
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => client.send(new CreateOpportunityCommand(opportunityInput('create-once')))));
    assert.equal(new Set(answers.map((a) => a.Id)).size, 1);
    assert.equal(new Set(answers.map((a) => a.LastModifiedDate?.toISOString())).size, 1, 'replays answer the original response');
    const listed = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
    assert.equal(listed.OpportunitySummaries?.length, 1);
    assert.equal((await eventsOf(server.endpoint, { detailType: 'Opportunity Created', account })).length, 1);
  });
});

describe('concurrent accepts (in-process, async progression)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ runtime: { taskProgression: 'async', taskDelayMs: 3_600_000 } });
  });
  after(() => server.close());

  it(`${PARALLEL} concurrent Starts with the same token: one task that completes once`, async () => {
    const account = freshAccount();
    const client = clientFor(server.endpoint, account);
    const ids = await createReferral(client, 'ref');
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => accept(client, ids.invitationId, 'same-token')));
    assert.equal(new Set(answers.map((a) => a.TaskId)).size, 1);
    for (const a of answers) assert.equal(a.TaskStatus, 'IN_PROGRESS');
    assert.equal((await control(server.endpoint, 'clock', { advance: '2h' })).status, 200);
    const tasks = await settledTasks([client]);
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0]!.TaskStatus, 'COMPLETE');
    const replay = await accept(client, ids.invitationId, 'same-token');
    assert.deepEqual([replay.TaskId, replay.TaskStatus], [answers[0]!.TaskId, 'COMPLETE']);
    await assertOneOutcome(server.endpoint, client, account, ids);
  });

  it(`${PARALLEL} concurrent Starts with different tokens: all IN_PROGRESS, then exactly one COMPLETE`, async () => {
    const account = freshAccount();
    const client = clientFor(server.endpoint, account);
    const ids = await createReferral(client, 'ref');
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => accept(client, ids.invitationId, `token-${i}`)));
    assert.equal(new Set(answers.map((a) => a.TaskId)).size, PARALLEL);
    for (const a of answers) assert.equal(a.TaskStatus, 'IN_PROGRESS');
    assert.equal((await control(server.endpoint, 'clock', { advance: '2h' })).status, 200);
    const tasks = await settledTasks([client]);
    assert.equal(tasks.length, PARALLEL);
    assertOneWinner(tasks, ids.opportunityId);
    await assertOneOutcome(server.endpoint, client, account, ids);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Two CLI processes on one database file.

describe('two server processes sharing one database file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-concurrency-'));
  });
  after(async () => {
    await killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  async function pair(name: string, extra: string[] = []): Promise<[ChildServer, ChildServer]> {
    // Both start at once on a fresh file: they also race to create the schema.
    const db = join(dir, `${name}.db`);
    return Promise.all([startCli(db, extra), startCli(db, extra)]);
  }

  async function stop(servers: ChildServer[]) {
    for (const s of servers) s.proc.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
  }

  it('racing accepts (same token and different tokens) across both processes yield one opportunity', async () => {
    const servers = await pair('immediate');
    const [a, b] = servers;
    const account = freshAccount();
    const clients = [clientFor(a.endpoint, account), clientFor(b.endpoint, account)];
    const ids = await createReferral(clients[0]!, 'ref');
    // The other process sees the invitation at once (same file).
    const seen = await clients[1]!.send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: ids.invitationId }));
    assert.equal(seen.Status, 'PENDING');

    const same = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => accept(clients[i % 2]!, ids.invitationId, 'shared-token')));
    assert.equal(new Set(same.map((t) => t.TaskId)).size, 1, 'one TaskId across both processes');
    const different = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => accept(clients[i % 2]!, ids.invitationId, `token-${i}`)));
    for (const t of different) {
      assert.equal(t.TaskStatus, 'FAILED');
      assert.equal(t.ReasonCode, 'EngagementInvitationConflict');
    }
    const tasks = await settledTasks(clients);
    assert.equal(tasks.length, PARALLEL + 1);
    assertOneWinner(tasks, ids.opportunityId);
    assert.equal(tasks.find((t) => t.TaskStatus === 'COMPLETE')!.TaskId, same[0]!.TaskId);
    for (const endpoint of [a.endpoint, b.endpoint]) {
      await assertOneOutcome(endpoint, clientFor(endpoint, account), account, ids);
    }
    await stop(servers);
  });

  it("a process's cached reads never hide a write acknowledged by the other process", async () => {
    const servers = await pair('read-cache');
    const account = freshAccount();
    const [viaA, viaB] = servers.map((s) => clientFor(s.endpoint, account)) as [PartnerCentralSellingClient, PartnerCentralSellingClient];
    const created = await viaA.send(new CreateOpportunityCommand(opportunityInput('cache-1')));
    const get = () => viaA.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! }));
    for (let round = 1; round <= 5; round++) {
      const before = await get();
      await get(); // warm: A answers this one from its read cache
      const title = `Renamed by B, round ${round}`;
      const updated = await viaB.send(
        new UpdateOpportunityCommand({
          Catalog: 'Sandbox',
          Identifier: created.Id!,
          LastModifiedDate: before.LastModifiedDate!,
          Project: { ...before.Project, Title: title },
          Customer: before.Customer,
          LifeCycle: before.LifeCycle,
        }),
      );
      const after = await get();
      assert.equal(after.Project?.Title, title, `round ${round}: A sees B's acknowledged write`);
      assert.equal(after.LastModifiedDate?.toISOString(), updated.LastModifiedDate?.toISOString());
    }
    await stop(servers);
  });

  it('racing async accepts with different tokens, completed by both processes at once, yield one opportunity', async () => {
    const servers = await pair('async', ['--task-progression', 'async', '--task-delay', '300ms']);
    const account = freshAccount();
    const clients = servers.map((s) => clientFor(s.endpoint, account));
    const ids = await createReferral(clients[0]!, 'ref');
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => accept(clients[i % 2]!, ids.invitationId, `token-${i}`)));
    assert.equal(new Set(answers.map((t) => t.TaskId)).size, PARALLEL);
    // Both processes' timers and the List reads of both (which run due tasks) race to run each task.
    const tasks = await settledTasks(clients);
    assert.equal(tasks.length, PARALLEL);
    assertOneWinner(tasks, ids.opportunityId);
    for (const s of servers) await assertOneOutcome(s.endpoint, clientFor(s.endpoint, account), account, ids);
    await stop(servers);
  });
});
