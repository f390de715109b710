// CreateResourceSnapshot, GetResourceSnapshot and the snapshot job operations (Create, Start, Stop, Delete),
// black-box through the official SDK: revisions, template rules, who may create and read, idempotency, the
// events members receive, and a running job that writes a revision only when its template's fields change
// and only with the account's job role set. Spec: behavior.md §4.4, §4.5, §5.4, §8.2.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateResourceSnapshotCommand,
  CreateResourceSnapshotJobCommand,
  DeleteResourceSnapshotJobCommand,
  GetOpportunityCommand,
  GetResourceSnapshotCommand,
  GetResourceSnapshotJobCommand,
  ListEngagementResourceAssociationsCommand,
  ListResourceSnapshotsCommand,
  ListTagsForResourceCommand,
  PutSellingSystemSettingsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  StartResourceSnapshotJobCommand,
  StopResourceSnapshotJobCommand,
  UpdateOpportunityCommand,
  type CreateResourceSnapshotCommandInput,
  type GetOpportunityCommandOutput,
} from '@aws-sdk/client-partnercentral-selling';
import { awsReferralInput, createReferralAndFindInvitation, partnerOpportunity } from './fixtures.js';
import { AccountClients, callRaw, controlOk as controlOkAt, eventsOf, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2026-03-02T10:00:00.000Z';
const SENDER = '222222222222';
const RECEIVER = '111111111111';
const OUTSIDER = '999999999999';
const MINUTE = 60_000;
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const snapshotArn = (eng: string, opp: string, revision: number) =>
  `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/${eng}/resource/Opportunity/${opp}/template/OpportunitySummaryView/snapshot/${revision}`;

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const advance = (by: number) => controlOk('clock', { advance: by });
const detailTypes = async (account: string, from: number) => (await eventsOf(endpoint, { account })).slice(from).map((e) => e['detail-type']);
const eventCount = async (account: string) => (await eventsOf(endpoint, { account })).length;

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

async function accept(account: string, invitationId: string) {
  const task = await as(account).send(
    new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: invitationId, ClientToken: `accept-${invitationId}` }),
  );
  assert.equal(task.TaskStatus, 'COMPLETE', task.Message);
  return { opportunityId: task.OpportunityId!, jobId: task.ResourceSnapshotJobId! };
}

/** SENDER invites RECEIVER (partner to partner); RECEIVER accepts: both are members, RECEIVER's revision 1 exists. */
async function partnerEngagement() {
  const sent = await controlOk('invitations', { receiverAccountId: RECEIVER, senderAccountId: SENDER, catalog: 'Sandbox', opportunity: partnerOpportunity() });
  const accepted = await accept(RECEIVER, sent.invitationId);
  return { engagementId: sent.engagementId as string, senderOpportunityId: sent.sourceOpportunityId as string, ...accepted };
}

/** An accepted AWS referral of RECEIVER: members aws and RECEIVER, a Running job, revision 1. */
async function referralEngagement() {
  const input = awsReferralInput('snap-referral', 'Snapshot deal', {
    opportunity: { OpportunityType: 'Net New Business', NationalSecurity: 'No' },
    account: { Address: { City: 'Seattle', StateOrRegion: 'Washington', PostalCode: '98109', CountryCode: 'US' } },
    project: {
      CustomerUseCase: 'Migration / Database Migration',
      DeliveryModels: ['Professional Services'],
      ExpectedCustomerSpend: [{ Amount: '2500', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
    },
  });
  const { invitation } = await createReferralAndFindInvitation(as(RECEIVER), input);
  const accepted = await accept(RECEIVER, invitation.Id!);
  return { engagementId: invitation.EngagementId!, ...accepted };
}

const snapshotInput = (engagementId: string, opportunityId: string, ClientToken: string, template = 'OpportunitySummaryView'): CreateResourceSnapshotCommandInput => ({
  Catalog: 'Sandbox',
  EngagementIdentifier: engagementId,
  ResourceType: 'Opportunity',
  ResourceIdentifier: opportunityId,
  ResourceSnapshotTemplateIdentifier: template,
  ClientToken,
});

const latestOf = (account: string, engagementId: string, opportunityId: string, Revision?: number) =>
  as(account).send(
    new GetResourceSnapshotCommand({
      Catalog: 'Sandbox',
      EngagementIdentifier: engagementId,
      ResourceType: 'Opportunity',
      ResourceIdentifier: opportunityId,
      ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView',
      Revision,
    }),
  );

async function update(account: string, opportunityId: string, change: (o: GetOpportunityCommandOutput) => Partial<ConstructorParameters<typeof UpdateOpportunityCommand>[0]>) {
  const o = await as(account).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opportunityId }));
  await as(account).send(
    new UpdateOpportunityCommand({
      Catalog: 'Sandbox',
      Identifier: opportunityId,
      LastModifiedDate: o.LastModifiedDate,
      Customer: o.Customer,
      Project: o.Project,
      OpportunityType: o.OpportunityType,
      NationalSecurity: o.NationalSecurity,
      Marketing: o.Marketing,
      LifeCycle: { Stage: o.LifeCycle?.Stage, TargetCloseDate: o.LifeCycle?.TargetCloseDate },
      ...change(o),
    }),
  );
}

const setRole = (account: string, role = 'SnapshotJobRole') =>
  as(account).send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: role }));

describe('CreateResourceSnapshot', () => {
  it('writes the next revision, tells every member, and GetResourceSnapshot reads the latest or a given one', async () => {
    const e = await partnerEngagement();
    await advance(MINUTE);
    const [senderBefore, receiverBefore] = [await eventCount(SENDER), await eventCount(RECEIVER)];
    const created = await as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 'snap-1')));
    assert.equal(created.Revision, 2, 'the accept task wrote revision 1');
    assert.equal(created.Arn, snapshotArn(e.engagementId, e.opportunityId, 2));
    assert.deepEqual(await detailTypes(SENDER, senderBefore), ['Engagement Resource Snapshot Created']);
    assert.deepEqual(await detailTypes(RECEIVER, receiverBefore), ['Engagement Resource Snapshot Created']);
    const event = (await eventsOf(endpoint, { account: SENDER })).at(-1)!;
    assert.deepEqual((event.detail as Record<string, any>).resourceSnapshot, {
      arn: created.Arn,
      engagementId: e.engagementId,
      resourceId: e.opportunityId,
      resourceType: 'Opportunity',
      resourceSnapshotTemplateName: 'OpportunitySummaryView',
      createdBy: RECEIVER,
      targetMemberAccounts: [SENDER],
    });

    // Every member reads it, latest without Revision, and any revision by number.
    const latest = await latestOf(SENDER, e.engagementId, e.opportunityId);
    assert.equal(latest.Revision, 2);
    assert.equal(latest.CreatedBy, RECEIVER);
    assert.equal(latest.CreatedAt!.toISOString(), at(MINUTE));
    assert.deepEqual(latest.TargetMemberAccounts, [SENDER]);
    assert.equal(latest.Payload!.OpportunitySummary!.Customer!.Account!.CompanyName, 'Company20');
    const first = await latestOf(RECEIVER, e.engagementId, e.opportunityId, 1);
    assert.equal(first.Revision, 1);
    assert.equal(first.CreatedAt!.toISOString(), at(0));
    await sdkError(latestOf(RECEIVER, e.engagementId, e.opportunityId, 3), 'ResourceNotFoundException');

    const third = await as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 'snap-2')));
    assert.equal(third.Revision, 3, 'an explicit request writes a revision even when nothing changed');
  });

  it('is idempotent by ClientToken: the same answer and no second revision; another body → ConflictException', async () => {
    const e = await partnerEngagement();
    const first = await as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 'same')));
    const before = await eventCount(SENDER);
    const again = await as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 'same')));
    assert.deepEqual([again.Arn, again.Revision], [first.Arn, first.Revision]);
    assert.equal(await eventCount(SENDER), before);
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, first.Revision);
    await sdkError(
      as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 'same', 'AwsOpportunitySummaryFullView'))),
      'ValidationException',
    );
    const other = await e2eConflict(e.engagementId, e.senderOpportunityId);
    assert.equal(other.name, 'ConflictException');
  });

  it('refuses unknown and AWS-written templates, non-members, and another account\'s opportunity', async () => {
    const e = await partnerEngagement();
    const unknown = await sdkError(as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 't1', 'Opportunity'))), 'ValidationException');
    assert.equal(unknown.Reason, 'BUSINESS_VALIDATION_FAILED');
    assert.deepEqual(unknown.ErrorList.map((x: { FieldName: string; Code: string }) => [x.FieldName, x.Code]), [['resourceSnapshotTemplateIdentifier', 'INVALID_VALUE']]);
    const awsView = await sdkError(
      as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 't2', 'AwsOpportunitySummaryFullView'))),
      'ValidationException',
    );
    assert.equal(awsView.ErrorList[0].Code, 'ACTION_NOT_PERMITTED');
    await sdkError(as(OUTSIDER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 't3'))), 'AccessDeniedException');
    // A member may not snapshot another member's opportunity: only the owner does (§4.4).
    await sdkError(as(SENDER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.opportunityId, 't4'))), 'ResourceNotFoundException');
    await sdkError(as(RECEIVER).send(new CreateResourceSnapshotCommand(snapshotInput('eng-00000000000000', e.opportunityId, 't5'))), 'ResourceNotFoundException');
    // Catalog isolation: the engagement is a Sandbox one.
    await sdkError(as(RECEIVER).send(new CreateResourceSnapshotCommand({ ...snapshotInput(e.engagementId, e.opportunityId, 't6'), Catalog: 'AWS' })), 'ResourceNotFoundException');
    // Nothing was written by any refusal.
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 1);
    const unknownGet = await sdkError(
      as(RECEIVER).send(
        new GetResourceSnapshotCommand({ Catalog: 'Sandbox', EngagementIdentifier: e.engagementId, ResourceType: 'Opportunity', ResourceIdentifier: e.opportunityId, ResourceSnapshotTemplateIdentifier: 'Opportunity' }),
      ),
      'ValidationException',
    );
    assert.equal(unknownGet.ErrorList[0].FieldName, 'resourceSnapshotTemplateIdentifier');
  });

  it("the sender's first snapshot of its own opportunity links it to the engagement for every member", async () => {
    const e = await partnerEngagement();
    const created = await as(SENDER).send(new CreateResourceSnapshotCommand(snapshotInput(e.engagementId, e.senderOpportunityId, 'sender-1')));
    assert.ok(created.Revision! >= 1);
    const seen = await as(RECEIVER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', EngagementIdentifier: e.engagementId }));
    assert.ok(seen.EngagementResourceAssociationSummaries!.some((a) => a.ResourceId === e.senderOpportunityId && a.CreatedBy === SENDER));
    const read = await latestOf(RECEIVER, e.engagementId, e.senderOpportunityId);
    assert.equal(read.Revision, created.Revision);
    assert.equal(read.CreatedBy, SENDER);
  });

  // Same token, another body (another opportunity) → ConflictException.
  async function e2eConflict(engagementId: string, senderOpportunityId: string) {
    await as(SENDER).send(new CreateResourceSnapshotCommand(snapshotInput(engagementId, senderOpportunityId, 'conflict')));
    return sdkError(as(SENDER).send(new CreateResourceSnapshotCommand({ ...snapshotInput(engagementId, senderOpportunityId, 'conflict'), ResourceIdentifier: 'O1' })), 'ConflictException');
  }
});

describe('resource snapshot jobs', () => {
  const jobInput = (engagementId: string, opportunityId: string, ClientToken: string) => ({
    Catalog: 'Sandbox' as const,
    EngagementIdentifier: engagementId,
    ResourceType: 'Opportunity' as const,
    ResourceIdentifier: opportunityId,
    ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView',
    ClientToken,
  });
  const job = (account: string, id: string) => as(account).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: id }));
  const jobCall = (account: string, op: 'Start' | 'Stop' | 'Delete', id: string) => {
    const input = { Catalog: 'Sandbox' as const, ResourceSnapshotJobIdentifier: id };
    return as(account).send(
      op === 'Start' ? new StartResourceSnapshotJobCommand(input) : op === 'Stop' ? new StopResourceSnapshotJobCommand(input) : new DeleteResourceSnapshotJobCommand(input),
    );
  };

  it('a Running job cannot be deleted; stopped, it can; a second job for the same resource → ConflictException', async () => {
    const e = await referralEngagement();
    await sdkError(as(RECEIVER).send(new CreateResourceSnapshotJobCommand(jobInput(e.engagementId, e.opportunityId, 'dup'))), 'ConflictException');
    await sdkError(jobCall(RECEIVER, 'Delete', e.jobId), 'ConflictException');
    await sdkError(jobCall(RECEIVER, 'Stop', e.jobId).then(() => jobCall(RECEIVER, 'Stop', e.jobId)), 'ValidationException');
    assert.equal((await job(RECEIVER, e.jobId)).Status, 'Stopped');
    await sdkError(jobCall(OUTSIDER, 'Delete', e.jobId), 'ResourceNotFoundException');
    await jobCall(RECEIVER, 'Delete', e.jobId);
    await sdkError(job(RECEIVER, e.jobId), 'ResourceNotFoundException');
    await sdkError(jobCall(RECEIVER, 'Start', e.jobId), 'ResourceNotFoundException');
  });

  it('Start, Stop and Delete answer 200 with an empty body (decision 5)', async () => {
    const e = await referralEngagement();
    for (const op of ['StopResourceSnapshotJob', 'StartResourceSnapshotJob', 'StopResourceSnapshotJob', 'DeleteResourceSnapshotJob']) {
      const reply = await callRaw(endpoint, op, { Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: e.jobId }, RECEIVER);
      assert.equal(reply.status, 200, `${op}: ${reply.body}`);
      assert.equal(reply.body, '');
    }
  });

  it('CreateResourceSnapshotJob: created Stopped with its tags, idempotent by ClientToken; Stopped writes nothing', async () => {
    const e = await referralEngagement();
    await jobCall(RECEIVER, 'Stop', e.jobId);
    await jobCall(RECEIVER, 'Delete', e.jobId);
    await setRole(RECEIVER);
    const input = { ...jobInput(e.engagementId, e.opportunityId, 'job-1'), Tags: [{ Key: 'Team', Value: 'Alliances' }] };
    const created = await as(RECEIVER).send(new CreateResourceSnapshotJobCommand(input));
    assert.match(created.Id!, /^job-[0-9a-z]{13}$/);
    assert.equal(created.Arn, `arn:aws:partnercentral:us-east-1:${RECEIVER}:catalog/Sandbox/resource-snapshot-job/${created.Id}`);
    const again = await as(RECEIVER).send(new CreateResourceSnapshotJobCommand(input));
    assert.deepEqual([again.Id, again.Arn], [created.Id, created.Arn]);
    await sdkError(as(RECEIVER).send(new CreateResourceSnapshotJobCommand({ ...input, Tags: undefined })), 'ConflictException');
    const got = await job(RECEIVER, created.Id!);
    assert.equal(got.Status, 'Stopped');
    assert.equal(got.LastSuccessfulExecutionDate, undefined);
    assert.equal(got.ResourceSnapshotTemplateName, 'OpportunitySummaryView');
    assert.deepEqual((await as(RECEIVER).send(new ListTagsForResourceCommand({ ResourceArn: created.Arn! }))).Tags, [{ Key: 'Team', Value: 'Alliances' }]);
    await sdkError(job(SENDER, created.Id!), 'ResourceNotFoundException');

    // Stopped: a change to the view writes nothing.
    await update(RECEIVER, e.opportunityId, () => ({ LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2029-10-05' } }));
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 1);
    // Started: it runs once straight away and catches up with the change.
    await advance(MINUTE);
    await jobCall(RECEIVER, 'Start', created.Id!);
    const latest = await latestOf(RECEIVER, e.engagementId, e.opportunityId);
    assert.equal(latest.Revision, 2);
    assert.equal(latest.Payload!.OpportunitySummary!.Lifecycle!.Stage, 'Qualified');
    const ran = await job(RECEIVER, created.Id!);
    assert.equal(ran.Status, 'Running');
    assert.equal(ran.LastSuccessfulExecutionDate!.toISOString(), at(MINUTE));
    await jobCall(RECEIVER, 'Start', created.Id!); // already running: nothing more
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 2);
  });

  it('a Running job writes a revision only when its template fields change, and announces it', async () => {
    const e = await referralEngagement();
    await setRole(RECEIVER);
    await advance(MINUTE);
    let before = await eventCount(RECEIVER);
    // Outside the template: no revision.
    await update(RECEIVER, e.opportunityId, (o) => ({ Marketing: { ...o.Marketing, Source: 'None', AwsFundingUsed: o.Marketing?.AwsFundingUsed === 'Yes' ? 'No' : 'Yes' } }));
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 1);
    assert.deepEqual(await detailTypes(RECEIVER, before), ['Opportunity Updated']);
    // Inside: revision 2, to every member (AWS receives no events).
    before = await eventCount(RECEIVER);
    await update(RECEIVER, e.opportunityId, (o) => ({ Project: { ...o.Project, CustomerUseCase: 'Migration / Mainframe Migration' } }));
    const latest = await latestOf(RECEIVER, e.engagementId, e.opportunityId);
    assert.equal(latest.Revision, 2);
    assert.equal(latest.Payload!.OpportunitySummary!.Project!.CustomerUseCase, 'Migration / Mainframe Migration');
    assert.deepEqual(await detailTypes(RECEIVER, before), ['Opportunity Updated', 'Engagement Resource Snapshot Created']);
    assert.equal((await job(RECEIVER, e.jobId)).LastSuccessfulExecutionDate!.toISOString(), at(MINUTE));
    // Stopped again: changes write nothing.
    await jobCall(RECEIVER, 'Stop', e.jobId);
    await update(RECEIVER, e.opportunityId, () => ({ LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2029-10-05' } }));
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 2);
  });

  it('without a job role a Running job records LastFailure and writes nothing; with one it succeeds', async () => {
    const e = await referralEngagement();
    const before = await eventCount(RECEIVER);
    await update(RECEIVER, e.opportunityId, () => ({ LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2029-10-05' } }));
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 1);
    assert.deepEqual(await detailTypes(RECEIVER, before), ['Opportunity Updated']);
    const failed = await job(RECEIVER, e.jobId);
    assert.equal(failed.Status, 'Running');
    assert.match(failed.LastFailure!, /no role.*PutSellingSystemSettings/);
    assert.equal(failed.LastSuccessfulExecutionDate!.toISOString(), at(0), 'only the accept task\'s run succeeded');
    // A role in the other catalog does not help.
    await as(RECEIVER).send(new PutSellingSystemSettingsCommand({ Catalog: 'AWS', ResourceSnapshotJobRoleIdentifier: 'SnapshotJobRole' }));
    await update(RECEIVER, e.opportunityId, () => ({ LifeCycle: { Stage: 'Technical Validation', TargetCloseDate: '2029-10-05' } }));
    assert.equal((await latestOf(RECEIVER, e.engagementId, e.opportunityId)).Revision, 1);
    await setRole(RECEIVER);
    await update(RECEIVER, e.opportunityId, () => ({ LifeCycle: { Stage: 'Business Validation', TargetCloseDate: '2029-10-05' } }));
    const latest = await latestOf(RECEIVER, e.engagementId, e.opportunityId);
    assert.equal(latest.Revision, 2);
    assert.equal(latest.Payload!.OpportunitySummary!.Lifecycle!.Stage, 'Business Validation');
    const listed = await as(RECEIVER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: e.engagementId }));
    assert.deepEqual(listed.ResourceSnapshotSummaries!.map((s) => s.Revision), [1, 2]);
  });
});
