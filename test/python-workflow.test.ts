// The referral → accept workflow end to end with boto3 (test/py/workflow.py) and with the AWS CLI pointed at
// the server only through AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING (issue #2). Skipped when python3+boto3 or
// the aws CLI is not installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListEngagementByAcceptingInvitationTasksCommand } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { clientFor, DEFAULT_ACCOUNT, eventsOf, startTestServer } from './helpers.js';
import { cleanAwsEnv, hasAwsCli, hasBoto3, PY_DIR, run as runCommand } from './python.js';

const SCRIPT = join(PY_DIR, 'workflow.py');
const CLI_ACCOUNT = '222222222222';

/** A fresh AWS user's environment, one attempt per call (workflow.py configures its own credentials). */
const cleanEnv = (extra: Record<string, string>) => cleanAwsEnv({ AWS_MAX_ATTEMPTS: '1', ...extra });
const run = (command: string, args: string[], env: NodeJS.ProcessEnv) => runCommand(command, args, env, 30_000);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => v as Json;
const list = (v: unknown): Json[] => v as Json[];

describe('boto3: the referral → accept workflow', { skip: hasBoto3() ? false : 'python3 with boto3 is not installed' }, () => {
  let server: RunningServer;
  let out: Json;
  before(async () => {
    server = await startTestServer();
    const r = await run('python3', [SCRIPT, server.endpoint], cleanEnv({}));
    assert.equal(r.code, 0, `workflow.py failed:\n${r.stderr}`);
    out = JSON.parse(r.stdout) as Json;
  });
  after(() => server?.close());

  it('creates a hidden AWS referral and lists and gets its PENDING invitation', () => {
    const opportunityId = obj(out.createOpportunity).Id as string;
    assert.match(opportunityId, /^O\d+$/);
    assert.deepEqual(obj(out.hiddenBeforeAccept), {
      class: 'ResourceNotFoundException',
      code: 'ResourceNotFoundException',
      message: obj(out.hiddenBeforeAccept).message,
      status: 404,
    });
    const summaries = list(obj(out.listEngagementInvitations).EngagementInvitationSummaries);
    assert.equal(summaries.length, 1);
    assert.equal(summaries[0]!.Status, 'PENDING');
    assert.equal(summaries[0]!.SenderAwsAccountId, 'aws');
    assert.equal(summaries[0]!.PayloadType, 'OpportunityInvitation');
    const invitation = obj(out.getEngagementInvitation);
    assert.equal(invitation.Id, summaries[0]!.Id);
    assert.equal(invitation.Status, 'PENDING');
    assert.equal(invitation.EngagementId, summaries[0]!.EngagementId);
    const payload = obj(obj(invitation.Payload).OpportunityInvitation);
    assert.equal(obj(payload.Customer).CompanyName, 'Boto Corp');
  });

  it('accepts it: COMPLETE at once, the same task on replay, the opportunity Approved', () => {
    const opportunityId = obj(out.createOpportunity).Id;
    const invitationId = obj(out.getEngagementInvitation).Id;
    const task = obj(out.startTask);
    assert.equal(task.TaskStatus, 'COMPLETE');
    assert.equal(task.OpportunityId, opportunityId, 'the referral opportunity itself is revealed');
    assert.equal(task.EngagementInvitationId, invitationId);
    assert.match(task.ResourceSnapshotJobId as string, /^job-/);
    assert.deepEqual(out.startTaskReplay, task);
    assert.deepEqual(list(obj(out.listTasks).TaskSummaries).map((t) => t.TaskId), [task.TaskId]);
    const opportunity = obj(out.getOpportunity);
    assert.equal(opportunity.Id, opportunityId);
    assert.deepEqual([obj(opportunity.LifeCycle).ReviewStatus, obj(opportunity.LifeCycle).Stage], ['Approved', 'Prospect']);
  });

  it('shows the engagement, both members, the Running snapshot job and snapshot revision 1', () => {
    const opportunityId = obj(out.createOpportunity).Id;
    const engagementId = obj(out.getEngagementInvitation).EngagementId;
    const engagement = obj(out.getEngagement);
    assert.deepEqual([engagement.Id, engagement.CreatedBy, engagement.MemberCount], [engagementId, 'aws', 2]);
    const members = list(obj(out.listEngagementMembers).EngagementMemberList).map((m) => m.AccountId).sort();
    assert.deepEqual(members, [DEFAULT_ACCOUNT, 'aws']);
    const job = obj(out.getResourceSnapshotJob);
    assert.equal(job.Id, obj(out.startTask).ResourceSnapshotJobId);
    assert.deepEqual(
      [job.Status, job.EngagementId, job.ResourceType, job.ResourceId, job.ResourceSnapshotTemplateName],
      ['Running', engagementId, 'Opportunity', opportunityId, 'OpportunitySummaryView'],
    );
    const snapshot = obj(out.getResourceSnapshot);
    assert.deepEqual([snapshot.Revision, snapshot.EngagementId, snapshot.ResourceId], [1, engagementId, opportunityId]);
    assert.equal(obj(obj(obj(snapshot.Payload).OpportunitySummary).Lifecycle).ReviewStatus, 'Approved');
  });

  it('auto-fills distinct ClientTokens and paginates with PageSize 1', () => {
    const ids = out.autoTokenIds as string[];
    assert.equal(new Set(ids).size, 3, 'each call without ClientToken is a new opportunity');
    const pages = list(out.paginatorPages);
    assert.equal(pages.length, 3);
    for (const page of pages) assert.equal((page.ids as string[]).length, 1);
    assert.deepEqual(pages.map((p) => p.hasNextToken), [true, true, false]);
    const seen = pages.flatMap((p) => p.ids as string[]);
    assert.equal(new Set(seen).size, 3, 'no invitation repeated across pages');
    assert.ok(seen.includes(obj(out.getEngagementInvitation).Id as string));
    assert.deepEqual(pages.flatMap((p) => p.statuses as string[]).sort(), ['ACCEPTED', 'PENDING', 'PENDING']);
  });

  it('raises the client\'s modeled exception classes', () => {
    assert.deepEqual(obj(out.notFound), {
      class: 'ResourceNotFoundException',
      code: 'ResourceNotFoundException',
      message: 'Opportunity O9999999 was not found in catalog Sandbox.',
      status: 404,
    });
    assert.deepEqual(out.conflictSameBody, out.conflictFirst, 'same token, same body: the original answer');
    assert.deepEqual(obj(out.conflict), {
      class: 'ConflictException',
      code: 'ConflictException',
      message: 'Conflicting client token submitted for a new request body.',
      status: 409,
    });
    assert.equal(obj(out.acceptUnknown).class, 'ResourceNotFoundException');
  });

  it('a second accept is a FAILED task; one opportunity per accept and one Opportunity Created event', async () => {
    const again = obj(out.acceptAgain);
    assert.deepEqual([again.TaskStatus, again.ReasonCode, again.OpportunityId], ['FAILED', 'EngagementInvitationConflict', undefined]);
    const referralId = obj(out.createOpportunity).Id as string;
    assert.deepEqual((out.opportunitiesAfter as string[]).slice().sort(), [referralId, obj(out.conflictFirst).Id as string].sort());
    const created = await eventsOf(server.endpoint, { detailType: 'Opportunity Created', account: DEFAULT_ACCOUNT });
    const forReferral = created.filter((e) => obj(obj(e.detail).opportunity).identifier === referralId);
    assert.equal(forReferral.length, 1);
  });
});

describe('AWS CLI: accepting a referral via AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING', { skip: hasAwsCli() ? false : 'the aws CLI is not installed' }, () => {
  let server: RunningServer;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    server = await startTestServer();
    // No --endpoint-url anywhere below: the service-specific endpoint variable is the only pointer.
    env = cleanEnv({ AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING: server.endpoint, AWS_ACCESS_KEY_ID: CLI_ACCOUNT });
  });
  after(() => server?.close());

  async function aws(...args: string[]): Promise<Json> {
    const r = await run('aws', ['partnercentral-selling', ...args, '--output', 'json'], env);
    assert.equal(r.code, 0, `aws ${args[0]} exited ${r.code}:\n${r.stderr}`);
    return JSON.parse(r.stdout) as Json;
  }

  it('create-opportunity → list-engagement-invitations → start-engagement-by-accepting-invitation-task → get-opportunity', async () => {
    const created = await aws(
      'create-opportunity',
      '--catalog', 'Sandbox',
      '--origin', 'AWS Referral',
      '--customer', JSON.stringify({ Account: { CompanyName: 'Cli Corp', Industry: 'Automotive', Address: { CountryCode: 'DE' } } }),
      '--project', JSON.stringify({ Title: 'CLI referral', CustomerBusinessProblem: 'The customer scripts everything with the AWS CLI.' }),
      '--life-cycle', JSON.stringify({ Stage: 'Prospect', TargetCloseDate: '2030-09-30' }),
    );
    const opportunityId = created.Id as string;
    assert.match(opportunityId, /^O\d+$/);

    const invitations = list((await aws('list-engagement-invitations', '--catalog', 'Sandbox', '--participant-type', 'RECEIVER')).EngagementInvitationSummaries);
    assert.equal(invitations.length, 1);
    assert.equal(obj(obj(invitations[0]!.Receiver).Account).AwsAccountId, CLI_ACCOUNT, 'the account is the access key id');
    const invitationId = invitations[0]!.Id as string;

    const startArgs = ['start-engagement-by-accepting-invitation-task', '--catalog', 'Sandbox', '--identifier', invitationId, '--client-token', 'cli-accept-1'];
    const task = await aws(...startArgs);
    assert.equal(task.TaskStatus, 'COMPLETE');
    assert.equal(task.OpportunityId, opportunityId);
    assert.equal(task.EngagementInvitationId, invitationId);
    const replay = await aws(...startArgs);
    assert.deepEqual(replay, task, 'the same token answers the same task');

    const opportunity = await aws('get-opportunity', '--catalog', 'Sandbox', '--identifier', opportunityId);
    assert.equal(obj(opportunity.LifeCycle).ReviewStatus, 'Approved');
    assert.match(opportunity.Arn as string, new RegExp(`:${CLI_ACCOUNT}:catalog/Sandbox/opportunity/${opportunityId}$`));

    // The server saw these calls as account 222222222222 (and only that account sees the task).
    const asCliAccount = await clientFor(server.endpoint, CLI_ACCOUNT).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox' }));
    assert.deepEqual(asCliAccount.TaskSummaries?.map((t) => t.TaskId), [task.TaskId]);
    const asDefault = await clientFor(server.endpoint).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox' }));
    assert.deepEqual(asDefault.TaskSummaries, []);
  });

  it('reports a modeled error on stderr with a non-zero exit code', async () => {
    const r = await run('aws', ['partnercentral-selling', 'get-opportunity', '--catalog', 'Sandbox', '--identifier', 'O9999999', '--output', 'json'], env);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /An error occurred \(ResourceNotFoundException\) when calling the GetOpportunity operation: Opportunity O9999999 was not found/);
  });
});
