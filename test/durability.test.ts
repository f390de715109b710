// Durability (issue #2, item 9): the real CLI as a child process on a database file, killed with SIGKILL and
// restarted on the same file. An answered write survives; a task in flight completes exactly once after the
// restart; a database from a newer version is refused and left untouched.
//
// Restart semantics of a delayed task: its schedule (runAfterMs, business time) is part of the task, fixed when
// it started, so a restart keeps it whatever --task-progression the new process has (that option governs new
// tasks only, as changing it through /_emulator/config does). A task already due at start-up runs during
// recovery, before the first request is served; one not yet due runs when the (persisted) business clock
// reaches it, e.g. after POST /_emulator/clock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  CreateOpportunityCommand,
  GetEngagementInvitationCommand,
  GetOpportunityCommand,
  ListEngagementByAcceptingInvitationTasksCommand,
  ListOpportunitiesCommand,
  ResourceNotFoundException,
  StartEngagementByAcceptingInvitationTaskCommand,
  type CreateOpportunityCommandInput,
  type PartnerCentralSellingClient,
} from '@aws-sdk/client-partnercentral-selling';
import { freePort, killAllChildren, spawnCli, startCli, waitExit, type ChildServer } from './child-server.js';
import { createReferralInFreshAccount, minimalOpportunityInput } from './fixtures.js';
import { clientFor, control, DEFAULT_ACCOUNT, eventsOf, pollUntil, startTestServer } from './helpers.js';
import type { RunningServer } from '../src/server.js';
import { acceptInvitationTask } from '../src/tasks/engagement-by-accepting-invitation.js';
import { taskKind } from '../src/store/kinds.js';

// ---------------------------------------------------------------------------------------------------------
// Crash helpers

/** kill -9, and proof that the signal is what ended the process. */
async function kill9(child: ChildServer): Promise<void> {
  child.proc.kill('SIGKILL');
  const { signal } = await child.exited;
  assert.equal(signal, 'SIGKILL');
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------
// API helpers

const DURABLE_CORP = { company: 'Durable Corp', title: 'Durable project', businessProblem: 'The customer needs its data to survive a crash.' };
const opportunityInput = (clientToken: string, overrides: Partial<CreateOpportunityCommandInput> = {}) =>
  minimalOpportunityInput(clientToken, DURABLE_CORP, overrides);
const createReferral = (client: PartnerCentralSellingClient, token: string) =>
  createReferralInFreshAccount(client, opportunityInput(token, { Origin: 'AWS Referral' }), 'the referral invitation is listed');

async function tasksOf(client: PartnerCentralSellingClient) {
  const res = await client.send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox' }));
  return res.TaskSummaries ?? [];
}

async function invitationStatus(client: PartnerCentralSellingClient, id: string): Promise<string | undefined> {
  return (await client.send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: id }))).Status;
}

async function opportunityCreatedEvents(endpoint: string, opportunityId: string) {
  const events = await eventsOf(endpoint, { detailType: 'Opportunity Created', account: DEFAULT_ACCOUNT });
  return events.filter((e) => (e.detail as { opportunity?: { identifier?: string } }).opportunity?.identifier === opportunityId);
}

/** Everything that proves the accept ran exactly once, checked against a running server. */
async function assertAcceptedOnce(endpoint: string, ids: { opportunityId: string; invitationId: string; taskId: string }): Promise<void> {
  const client = clientFor(endpoint);
  const tasks = await tasksOf(client);
  assert.equal(tasks.length, 1, 'one task');
  assert.equal(tasks[0]!.TaskId, ids.taskId);
  assert.equal(tasks[0]!.TaskStatus, 'COMPLETE');
  assert.equal(tasks[0]!.OpportunityId, ids.opportunityId, 'the referral opportunity itself is revealed');
  assert.ok(tasks[0]!.ResourceSnapshotJobId);
  const opportunity = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: ids.opportunityId }));
  assert.equal(opportunity.LifeCycle?.ReviewStatus, 'Approved');
  const listed = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
  assert.deepEqual((listed.OpportunitySummaries ?? []).map((o) => o.Id), [ids.opportunityId], 'exactly one opportunity');
  assert.equal(await invitationStatus(client, ids.invitationId), 'ACCEPTED');
  assert.equal((await opportunityCreatedEvents(endpoint, ids.opportunityId)).length, 1, 'exactly one Opportunity Created event');
  const accepted = await eventsOf(endpoint, { detailType: 'Engagement Invitation Accepted', account: DEFAULT_ACCOUNT });
  assert.equal(accepted.length, 1, 'exactly one Engagement Invitation Accepted event');
}

// ---------------------------------------------------------------------------------------------------------

describe('durability (CLI child process, kill -9, restart)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-durability-'));
  });
  after(async () => {
    await killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an answered CreateOpportunity survives kill -9', async () => {
    const db = join(dir, 'answered.db');
    const first = await startCli(db);
    const client = clientFor(first.endpoint);
    const created = await client.send(new CreateOpportunityCommand(opportunityInput('durable-1')));
    await kill9(first);
    assert.ok(existsSync(`${db}-wal`), 'WAL mode: the commit sits in the write-ahead log when the process dies');

    const second = await startCli(db);
    const again = clientFor(second.endpoint);
    const got = await again.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! }));
    assert.equal(got.Id, created.Id);
    assert.equal(got.Project?.Title, 'Durable project');
    assert.equal(got.LastModifiedDate?.toISOString(), created.LastModifiedDate?.toISOString());
    // The idempotency record survived too: the same token answers the same opportunity, no second one.
    const replay = await again.send(new CreateOpportunityCommand(opportunityInput('durable-1')));
    assert.equal(replay.Id, created.Id);
    const listed = await again.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
    assert.equal(listed.OpportunitySummaries?.length, 1);
    await kill9(second);
  });

  it('answered writes of a group commit survive kill -9 in the middle of concurrent writes; none is applied twice', async () => {
    const db = join(dir, 'group.db');
    const first = await startCli(db);
    const client = clientFor(first.endpoint);
    // Many creates at once, so that they queue and commit in groups; the process dies while some are in flight.
    const tokens = Array.from({ length: 60 }, (_, i) => `group-${i}`);
    const answered = new Map<string, string>();
    let killing: Promise<void> | undefined;
    const sends = tokens.map((token) =>
      client.send(new CreateOpportunityCommand(opportunityInput(token))).then((out) => {
        answered.set(token, out.Id!);
        if (answered.size === 15) killing ??= kill9(first);
      }),
    );
    await Promise.allSettled(sends);
    await killing;
    assert.ok(answered.size >= 15, 'some creates were answered before the kill');

    const second = await startCli(db);
    const again = clientFor(second.endpoint);
    for (const [token, id] of answered) {
      const got = await again.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }));
      assert.equal(got.Id, id, `${token}: an acknowledged create is there`);
      // Its idempotency record is there too: the retry answers the same opportunity.
      assert.equal((await again.send(new CreateOpportunityCommand(opportunityInput(token)))).Id, id);
    }
    // Retrying the unanswered ones (what a client does) leaves exactly one opportunity per token.
    for (const token of tokens.filter((t) => !answered.has(t))) await again.send(new CreateOpportunityCommand(opportunityInput(token)));
    const ids = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = await again.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 100, NextToken: nextToken }));
      for (const o of page.OpportunitySummaries ?? []) ids.add(o.Id!);
      nextToken = page.NextToken;
    } while (nextToken);
    assert.equal(ids.size, tokens.length);
    await kill9(second);
  });

  it('an async accept in flight at kill -9 completes exactly once after restart (delay kept, clock moved)', async () => {
    const db = join(dir, 'in-flight.db');
    const first = await startCli(db, ['--task-progression', 'async', '--task-delay', '1h']);
    const client = clientFor(first.endpoint);
    const { opportunityId, invitationId } = await createReferral(client, 'referral-1');
    const start = { Catalog: 'Sandbox' as const, ClientToken: 'accept-1', Identifier: invitationId };
    const started = await client.send(new StartEngagementByAcceptingInvitationTaskCommand(start));
    assert.equal(started.TaskStatus, 'IN_PROGRESS');
    const taskId = started.TaskId!;
    await kill9(first);

    // The new process's --task-progression immediate does not rewrite the recorded schedule.
    const second = await startCli(db, ['--task-progression', 'immediate']);
    const client2 = clientFor(second.endpoint);
    const pending = await tasksOf(client2);
    assert.deepEqual(pending.map((t) => [t.TaskId, t.TaskStatus]), [[taskId, 'IN_PROGRESS']]);
    assert.equal(await invitationStatus(client2, invitationId), 'PENDING', 'no lost invitation state');
    await assert.rejects(client2.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opportunityId })), ResourceNotFoundException);

    const moved = await control(second.endpoint, 'clock', { advance: '2h' });
    assert.equal(moved.status, 200);
    await pollUntil(async () => ((await tasksOf(client2))[0]?.TaskStatus === 'COMPLETE' ? true : undefined), { attempts: 400, intervalMs: 25 });
    await assertAcceptedOnce(second.endpoint, { opportunityId, invitationId, taskId });

    const replay = await client2.send(new StartEngagementByAcceptingInvitationTaskCommand(start));
    assert.equal(replay.TaskId, taskId);
    assert.equal(replay.TaskStatus, 'COMPLETE');
    assert.equal(replay.OpportunityId, opportunityId);

    // A further crash and recovery runs nothing again.
    await kill9(second);
    const third = await startCli(db);
    await assertAcceptedOnce(third.endpoint, { opportunityId, invitationId, taskId });
    await kill9(third);
  });

  it('a task that fell due while the process was down runs during recovery, before the first request', async () => {
    const db = join(dir, 'due.db');
    const delayMs = 2000;
    const first = await startCli(db, ['--task-progression', 'async', '--task-delay', `${delayMs}ms`]);
    const client = clientFor(first.endpoint);
    const { opportunityId, invitationId } = await createReferral(client, 'referral-2');
    const started = await client.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', ClientToken: 'accept-2', Identifier: invitationId }));
    assert.equal(started.TaskStatus, 'IN_PROGRESS');
    await kill9(first);

    // The task really was in flight when the process died (read the file without writing it).
    const peek = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const status = peek.prepare('SELECT status FROM rec_task WHERE id = ?').pluck().get(started.TaskId) as string;
      assert.equal(status, 'IN_PROGRESS', 'the task had not run before kill -9');
    } finally {
      peek.close();
    }
    // Let its due time pass while no process runs (bounded: at most the delay).
    const due = started.StartTime!.getTime() + delayMs;
    await pollUntil(async () => (Date.now() > due ? true : undefined), { attempts: Math.ceil(delayMs / 25) + 40, intervalMs: 25 });

    const second = await startCli(db);
    // No polling: recovery ran it before the server answered health.
    await assertAcceptedOnce(second.endpoint, { opportunityId, invitationId, taskId: started.TaskId! });
    await kill9(second);
  });

  it('refuses a database with a newer schema (exit 1, clear message) and leaves the file unchanged', async () => {
    const db = join(dir, 'original.db');
    const server = await startCli(db);
    await clientFor(server.endpoint).send(new CreateOpportunityCommand(opportunityInput('schema-1')));
    server.proc.kill('SIGTERM');
    assert.deepEqual(await waitExit(server), { code: 0, signal: null }, 'graceful stop checkpoints the WAL');

    for (const journal of ['WAL', 'DELETE'] as const) {
      const newer = join(dir, `newer-${journal}.db`);
      copyFileSync(db, newer);
      const handle = new Database(newer);
      handle.pragma(`journal_mode = ${journal}`);
      handle.pragma('user_version = 99');
      handle.close();
      assert.equal(existsSync(`${newer}-wal`), false);
      const before = sha256(newer);

      const port = await freePort();
      const refused = spawnCli(['--port', String(port), '--db', newer, '--log-level', 'warn', '--seed', 'x']);
      const { code } = await waitExit(refused);
      assert.equal(code, 1, `${journal}: exit code; stderr: ${refused.stderr()}`);
      assert.match(refused.stderr(), /schema version 99, newer than this partnercentral-local understands \(\d+\)/);
      assert.doesNotMatch(refused.stderr(), /\n\s+at /, 'a message, not a stack trace');
      assert.equal(sha256(newer), before, `${journal}: the refused file is byte-for-byte unchanged`);
      assert.equal(existsSync(`${newer}-wal`), false, `${journal}: no write-ahead log left behind`);
      const check = new Database(newer, { readonly: true });
      assert.equal(check.pragma('user_version', { simple: true }), 99);
      check.close();
    }
  });

  it('refuses a file that is not a SQLite database with a clear message and leaves it unchanged', async () => {
    const junk = join(dir, 'not-a-database.db');
    writeFileSync(junk, 'This is a text file that somebody passed as --db by mistake.\n'.repeat(20));
    const before = sha256(junk);
    const refused = spawnCli(['--port', String(await freePort()), '--db', junk, '--log-level', 'warn']);
    const { code } = await waitExit(refused);
    assert.equal(code, 1, refused.stderr());
    assert.match(refused.stderr(), /could not start: the file .*not-a-database\.db is not a partnercentral-local database .*move it aside/);
    assert.doesNotMatch(refused.stderr(), /\n\s+at /, 'a message, not a stack trace');
    assert.equal(sha256(junk), before);
  });
});

describe('a task step that throws (in-process)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('rolls back every effect of the step and ends FAILED InternalError, so a later accept still works', async () => {
    const client = clientFor(server.endpoint, '555555555555');
    const { opportunityId, invitationId } = await createReferral(client, 'referral-throw');
    const eventsBefore = (await eventsOf(server.endpoint, { account: '555555555555' })).length;
    // Simulates a crash in the middle of the step: every effect written, then an exception before commit.
    const real = acceptInvitationTask(server.services);
    server.services.tasks.register({
      type: real.type,
      async execute(uow, task) {
        await real.execute(uow, task);
        throw new Error('simulated failure after the effects were written');
      },
      failed: real.failed,
    });
    try {
      const failed = await client.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', ClientToken: 'throw-1', Identifier: invitationId }));
      assert.deepEqual([failed.TaskStatus, failed.ReasonCode, failed.OpportunityId], ['FAILED', 'InternalError', undefined]);
      assert.ok(failed.Message);
    } finally {
      server.services.tasks.register(real);
    }
    assert.equal(await invitationStatus(client, invitationId), 'PENDING');
    await assert.rejects(client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opportunityId })), ResourceNotFoundException);
    assert.equal((await eventsOf(server.endpoint, { account: '555555555555' })).length, eventsBefore, 'no event escaped the rollback');
    const inProgress = await server.services.store.transaction((uow) => uow.count(taskKind, { status: 'IN_PROGRESS' }), { readOnly: true });
    assert.equal(inProgress, 0, 'nothing left in progress to retry');

    const ok = await client.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', ClientToken: 'throw-2', Identifier: invitationId }));
    assert.deepEqual([ok.TaskStatus, ok.OpportunityId], ['COMPLETE', opportunityId]);
    assert.equal((await eventsOf(server.endpoint, { detailType: 'Opportunity Created', account: '555555555555' })).length, 1);
  });
});
