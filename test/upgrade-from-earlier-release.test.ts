// A database written by the release before the unit-of-work store (schema v2: tables `opportunities`, `tasks`,
// …) opens with this one and shows every record through the API: migration 4 moves the documents into the record
// tables (fields computed from them) and drops the old tables. The fixture was made with that release's server
// through its API (test/fixtures/make-release-fixture.mjs).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  GetEngagementCommand,
  GetOpportunityCommand,
  GetResourceSnapshotJobCommand,
  ListEngagementByAcceptingInvitationTasksCommand,
  ListEngagementInvitationsCommand,
  ListEngagementMembersCommand,
  ListEngagementResourceAssociationsCommand,
  ListEngagementsCommand,
  ListOpportunitiesCommand,
  ListResourceSnapshotsCommand,
  ListTagsForResourceCommand,
  type PartnerCentralSellingClient,
} from '@aws-sdk/client-partnercentral-selling';
import { clientFor, controlOk, pollUntil, REPO_ROOT, startTestServer } from './helpers.js';
import type { RunningServer } from '../src/server.js';
import { latestSqliteVersion } from '../src/store/schema/sqlite.js';

const FIXTURE = join(REPO_ROOT, 'test/fixtures/release-0.1-schema-v2.db');
const ACCOUNT = '111111111111';
const KNOWN = {
  opportunities: ['O5000001', 'O5000002', 'O5000003'],
  accepted: { taskId: 'task-wvpta8hch10f1', opportunityId: 'O5000004', jobId: 'job-znur35f0g8d7s', invitationId: 'engi-3w5vq7en4kw0x', engagementId: 'eng-2j0nbt7hdkqv81' },
  pending: { taskId: 'task-qkh6juqcfqxno', invitationId: 'engi-gv2w7bv5xupb6' },
  partnerInvitation: 'engi-l9icsch9avpy7',
};

describe('a database of the release before the unit-of-work store', () => {
  let dir: string;
  let file: string;
  let server: RunningServer;
  let client: PartnerCentralSellingClient;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-upgrade-'));
    file = join(dir, 'state.db');
    copyFileSync(FIXTURE, file);
    const old = new Database(file, { readonly: true });
    assert.equal(old.pragma('user_version', { simple: true }), 2, 'the fixture is a schema-v2 file');
    old.close();
    server = await startTestServer({ inMemory: false, dbPath: file, seed: undefined });
    client = clientFor(server.endpoint, ACCOUNT);
  });
  after(async () => {
    client.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is migrated in place: the old tables are gone, the records are in the record tables', () => {
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('user_version', { simple: true }), latestSqliteVersion);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).sort();
      for (const old of ['opportunities', 'engagements', 'engagement_members', 'engagement_invitations', 'tasks', 'tags']) assert.ok(!tables.includes(old), old);
      assert.equal(db.prepare('SELECT count(*) FROM rec_opportunity').pluck().get(), 6, 'three created, two referrals (one accepted), one partner source');
    } finally {
      db.close();
    }
  });

  it('keeps the saved business clock and the identifier seed', async () => {
    const clock = await controlOk(server.endpoint, 'clock');
    assert.equal(clock.now, '2026-01-05T13:00:00.000Z');
    assert.equal(clock.frozen, true);
  });

  it('shows the opportunities, filtered and sorted in the database, with their tags', async () => {
    const all = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', Sort: { SortBy: 'Identifier', SortOrder: 'ASCENDING' } }));
    assert.deepEqual(all.OpportunitySummaries!.map((o) => o.Id), [...KNOWN.opportunities, KNOWN.accepted.opportunityId]);
    const byDate = await client.send(
      new ListOpportunitiesCommand({ Catalog: 'Sandbox', TargetCloseDate: { AfterTargetCloseDate: '2026-04-01' }, Sort: { SortBy: 'TargetCloseDate', SortOrder: 'DESCENDING' } }),
    );
    const dated = byDate.OpportunitySummaries!.map((o) => o.Id!).filter((id) => KNOWN.opportunities.includes(id));
    assert.deepEqual(dated, ['O5000003', 'O5000002'], 'O5000001 closes before the range; the others newest first');
    const byCompany = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', CustomerCompanyName: ['Fixture Co 1'] }));
    assert.deepEqual(byCompany.OpportunitySummaries!.map((o) => o.Id), ['O5000002']);
    const one = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O5000002' }));
    assert.equal(one.Project?.Title, 'Fixture 1');
    const tags = await client.send(new ListTagsForResourceCommand({ ResourceArn: one.Arn! }));
    assert.deepEqual(tags.Tags, [{ Key: 'k', Value: 'v1' }]);
  });

  it('shows the accepted referral: task, engagement, members, snapshot job and snapshot', async () => {
    const { accepted } = KNOWN;
    const tasks = await client.send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', TaskIdentifier: [accepted.taskId] }));
    const task = tasks.TaskSummaries![0]!;
    assert.deepEqual([task.TaskStatus, task.OpportunityId, task.ResourceSnapshotJobId, task.EngagementInvitationId], ['COMPLETE', accepted.opportunityId, accepted.jobId, accepted.invitationId]);
    const engagement = await client.send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: accepted.engagementId }));
    assert.equal(engagement.MemberCount, 2);
    const members = await client.send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: accepted.engagementId }));
    assert.deepEqual(members.EngagementMemberList!.map((m) => m.AccountId), ['aws', ACCOUNT]);
    // Schema 5 copied the engagement's list fields onto member records and links onto per-member rows.
    const listed = await client.send(new ListEngagementsCommand({ Catalog: 'Sandbox', CreatedBy: ['aws'], ExcludeContextTypes: ['Lead'] }));
    assert.ok(listed.EngagementSummaryList!.some((e) => e.Id === accepted.engagementId && e.CreatedAt?.getTime() === engagement.CreatedAt?.getTime()));
    const links = await client.send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', EngagementIdentifier: accepted.engagementId }));
    assert.deepEqual(links.EngagementResourceAssociationSummaries!.map((l) => [l.ResourceId, l.CreatedBy]), [[accepted.opportunityId, ACCOUNT]]);
    const job = await client.send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: accepted.jobId }));
    assert.equal(job.Status, 'Running');
    const snapshots = await client.send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: accepted.engagementId }));
    assert.deepEqual(snapshots.ResourceSnapshotSummaries!.map((s) => [s.ResourceId, s.Revision]), [[accepted.opportunityId, 1]]);
    const tagged = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: accepted.opportunityId }));
    assert.deepEqual((await client.send(new ListTagsForResourceCommand({ ResourceArn: tagged.Arn! }))).Tags, [{ Key: 'from', Value: 'task' }]);
  });

  it('shows the invitations, and the task left in progress completes when its time comes', async () => {
    const received = await client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }));
    const byId = new Map(received.EngagementInvitationSummaries!.map((i) => [i.Id, i.Status]));
    assert.equal(byId.get(KNOWN.accepted.invitationId), 'ACCEPTED');
    assert.equal(byId.get(KNOWN.pending.invitationId), 'PENDING');
    assert.equal(byId.get(KNOWN.partnerInvitation), 'PENDING');
    const list = () => client.send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', TaskIdentifier: [KNOWN.pending.taskId] }));
    assert.equal((await list()).TaskSummaries![0]!.TaskStatus, 'IN_PROGRESS');
    await controlOk(server.endpoint, 'clock', { advance: '2d' });
    const done = await pollUntil(async () => {
      const t = (await list()).TaskSummaries![0]!;
      return t.TaskStatus === 'IN_PROGRESS' ? undefined : t;
    });
    assert.equal(done.TaskStatus, 'COMPLETE');
    assert.ok(done.OpportunityId);
  });
});
