// boto3 (botocore's own model of the service, which knows every operation but prospecting) through each family
// of operations implemented after the accept workflow, each family one Python process with two partner accounts
// on one server: test/py/opportunity_lifecycle.py, engagements_leads.py and snapshots_solutions.py record what
// botocore parsed; the assertions are here. Skipped when python3 with boto3 is not installed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningServer } from '../src/server.js';
import { controlOk, eventsOf, startTestServer } from './helpers.js';
import { cleanAwsEnv, hasBoto3, PY_DIR, run } from './python.js';

const T0 = '2026-01-15T10:00:00.000Z';
const DAY = 24 * 3600 * 1000;
const TASK_ID = /^task-[0-9a-z]{13}$/;
const JOB_ID = /^job-[0-9a-z]{13}$/;
const ENGAGEMENT_ID = /^eng-[0-9a-z]{14}$/;
const INVITATION_ID = /^engi-[0-9a-z]{13}$/;
const OPPORTUNITY_ID = /^O\d+$/;
/** How pcl.py prints the datetimes botocore parsed: UTC, milliseconds, Z. */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

type Json = Record<string, any>;
const skip = hasBoto3() ? false : 'python3 with boto3 is not installed';

/**
 * One server per family, its business clock running from T0, and the family's script run once against it.
 * `out()` is what the script printed; `endpoint()` the server, for the events it recorded.
 */
function family(script: string): { out: () => Json; endpoint: () => string } {
  let server: RunningServer;
  let out: Json;
  before(async () => {
    server = await startTestServer();
    await controlOk(server.endpoint, 'clock', { set: T0 });
    const r = await run('python3', [join(PY_DIR, script), server.endpoint], cleanAwsEnv({ AWS_MAX_ATTEMPTS: '1' }), 60_000);
    assert.equal(r.code, 0, `${script} failed:\n${r.stderr}`);
    out = JSON.parse(r.stdout) as Json;
  });
  after(() => server?.close());
  return { out: () => out, endpoint: () => server.endpoint };
}

/** A modeled error as pcl.error_of recorded it: botocore raised the client's own exception class. */
function assertModeled(error: Json, code: string, status: number, message?: RegExp): void {
  assert.equal(error.unexpected, undefined, `expected ${code}, the call succeeded: ${JSON.stringify(error.unexpected)}`);
  assert.deepEqual([error.class, error.modeled, error.code, error.status], [code, true, code, status], JSON.stringify(error));
  if (message) assert.match(error.message, message);
}

/** A business-rule ValidationException with exactly these (FieldName, Code) entries. */
function assertBusiness(error: Json, entries: Array<[string, string]>): void {
  assertModeled(error, 'ValidationException', 400);
  assert.equal(error.Reason, 'BUSINESS_VALIDATION_FAILED');
  assert.deepEqual((error.ErrorList as Json[]).map((e) => [e.FieldName, e.Code]), entries);
}

const ids = (list: Json[], key = 'Id') => list.map((item) => item[key]);
const pageIds = (pages: Json[], key = 'Id') => pages.map((p) => ids(p.items as Json[], key));
const tokens = (pages: Json[]) => pages.map((p) => p.hasNextToken);

describe('boto3: a partner-originated opportunity, submitted, sent back, approved, launched and shared', { skip }, () => {
  const A = '222222222222';
  const B = '333333333333';
  const { out, endpoint } = family('opportunity_lifecycle.py');

  it('creates idempotently and refuses submission without a solution (BUSINESS_VALIDATION_FAILED) and AWS’s view before it', () => {
    const o = out();
    assert.match(o.create.Id, OPPORTUNITY_ID);
    assert.match(o.create.LastModifiedDate, ISO);
    assert.deepEqual(o.createReplay, o.create, 'the same ClientToken and body: the same opportunity');
    assertBusiness(o.submitWithoutSolution, [['relatedEntityIdentifiers.solutions', 'NOT_ENOUGH_VALUES']]);
    assertModeled(o.summaryBeforeSubmission, 'ResourceNotFoundException', 404, /has no AWS opportunity yet/);
  });

  it('associates a solution, an AWS product and an offer, and disassociates the offer', () => {
    const o = out();
    const offer = 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/offer-abcdefghijklm';
    // botocore drops what its model does not know (the Marketplace solution and product lists of the current model).
    assert.deepEqual(o.associated, { AwsMarketplaceOffers: [offer], AwsMarketplaceOfferSets: [], Solutions: ['S-1234567'], AwsProducts: ['AmazonEC2Linux'] });
    assert.deepEqual(o.afterDisassociate, { AwsMarketplaceOffers: [], AwsMarketplaceOfferSets: [], Solutions: ['S-1234567'], AwsProducts: ['AmazonEC2Linux'] });
    assertModeled(o.disassociateAbsent, 'ResourceNotFoundException', 404, /is not associated with opportunity/);
  });

  it('submits with StartEngagementFromOpportunityTask: COMPLETE with every id, the same task on replay, listed for its owner only', () => {
    const o = out();
    const task = o.task;
    assert.match(task.TaskId, TASK_ID);
    assert.equal(task.TaskArn, `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement-from-opportunity-task/${task.TaskId}`);
    assert.deepEqual([task.TaskStatus, task.OpportunityId], ['COMPLETE', o.create.Id]);
    assert.match(task.EngagementId, ENGAGEMENT_ID);
    assert.match(task.EngagementInvitationId, INVITATION_ID);
    assert.match(task.ResourceSnapshotJobId, JOB_ID);
    assert.match(task.StartTime, ISO);
    assert.deepEqual(o.taskReplay, task);
    assert.deepEqual(o.taskList, { TaskSummaries: [task] });
    assert.deepEqual(o.taskListOtherAccount, { TaskSummaries: [] });
    assert.equal(o.submitted.ReviewStatus, 'Submitted');
  });

  it('is sent back (Action Required), fixed within the editable fields, resubmitted, then approved with AWS as a member', () => {
    const o = out();
    assert.deepEqual([o.actionRequiredLifeCycle.ReviewStatus, o.actionRequiredLifeCycle.ReviewComments], ['Action Required', 'The business problem needs more detail.']);
    assertBusiness(o.lockedInActionRequired, [['lifeCycle.nextSteps', 'ACTION_NOT_PERMITTED']]);
    assert.equal(o.fixed.LifeCycle.ReviewStatus, 'Action Required', 'an update alone leaves it in Action Required');
    assert.match(o.fixed.CustomerBusinessProblem, /starting with the risk models\.$/);
    assert.deepEqual(o.resubmit, {});
    assert.equal(o.resubmittedLifeCycle.ReviewStatus, 'Submitted');
    assertBusiness(o.submitTwice, [['lifeCycle.reviewStatus', 'INVALID_RESOURCE_STATE']]);
    assert.equal(o.approvedLifeCycle.ReviewStatus, 'Approved');
    assert.deepEqual(ids(o.membersAfterApproval.EngagementMemberList, 'AccountId'), [A, 'aws']);
    const toAws = o.invitationToAws;
    assert.deepEqual([toAws.Id, toAws.Status, toAws.EngagementId, toAws.SenderAwsAccountId, toAws.Receiver], [o.task.EngagementInvitationId, 'ACCEPTED', o.task.EngagementId, A, { Account: { AwsAccountId: 'aws' } }]);
    assert.equal(Date.parse(toAws.ExpirationDate) - Date.parse(toAws.InvitationDate), 15 * DAY);
    assert.equal(toAws.Payload.OpportunityInvitation.Project.Title, 'Boto lifecycle deal');
  });

  it('shows AWS’s side set through the control plane in GetAwsOpportunitySummary, as botocore models it', () => {
    const summary = out().awsSummary;
    assert.deepEqual(summary, {
      RelatedOpportunityId: out().create.Id,
      Origin: 'Partner Referral',
      InvolvementType: 'Co-Sell',
      Visibility: 'Full',
      LifeCycle: { Stage: 'Qualify', NextSteps: 'Architecture review.' },
      OpportunityTeam: [{ Email: 'pdm@aws.example.com', FirstName: 'Pat', LastName: 'Manager', BusinessTitle: 'PDM' }],
      Insights: { NextBestActions: 'Book a workshop.', EngagementScore: 'High' },
      RelatedEntityIds: { AwsProducts: ['AmazonEC2Linux'], Solutions: ['S-1234567'] },
      Customer: { Contacts: [{ Email: 'cto@lifecycle.example.com', FirstName: 'Lee', LastName: 'Cycle', BusinessTitle: 'CTO' }] },
      Project: { ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
      Catalog: 'Sandbox',
    });
  });

  it('assigns a new owner and advances to Launched', () => {
    const o = out();
    assert.deepEqual(o.teamAfterAssign, [{ Email: 'new.owner@partner.example.com', FirstName: 'Nia', LastName: 'Owner', BusinessTitle: 'OpportunityOwner' }]);
    assert.deepEqual([o.launchedLifeCycle.Stage, o.launchedLifeCycle.ReviewStatus], ['Launched', 'Approved']);
  });

  it('a second partner invited with an opportunity payload accepts with the task and follows the sender', () => {
    const o = out();
    assert.match(o.invitation.Id, INVITATION_ID);
    assert.deepEqual(o.bReceived.EngagementInvitationSummaries.map((s: Json) => [s.Id, s.Status, s.ParticipantType, s.SenderAwsAccountId]), [[o.invitation.Id, 'PENDING', 'RECEIVER', A]]);
    assert.deepEqual(o.aSent.EngagementInvitationSummaries.map((s: Json) => [s.Id, s.ParticipantType]).sort(), [[o.invitation.Id, 'SENDER'], [o.task.EngagementInvitationId, 'SENDER']].sort());
    assertModeled(o.bOpportunityOfA, 'ResourceNotFoundException', 404, /was not found in catalog Sandbox/);

    const accepted = o.accepted;
    assert.deepEqual([accepted.TaskStatus, accepted.EngagementInvitationId], ['COMPLETE', o.invitation.Id]);
    assert.notEqual(accepted.OpportunityId, o.create.Id, 'the receiver gets an opportunity of its own');
    const mine = o.bOpportunity;
    assert.equal(mine.Arn, `arn:aws:partnercentral:us-east-1:${B}:catalog/Sandbox/opportunity/${accepted.OpportunityId}`);
    assert.deepEqual([mine.LifeCycle.ReviewStatus, mine.Project.Title, mine.Customer.Account.CompanyName], ['Approved', 'Boto lifecycle deal', 'Boto Lifecycle Corp']);
    assert.deepEqual({ ...o.bAwsSummary, RelatedOpportunityId: undefined }, { ...o.awsSummary, RelatedOpportunityId: undefined }, 'the receiver sees its sender’s AWS opportunity');
    assert.equal(o.bAwsSummary.RelatedOpportunityId, accepted.OpportunityId);

    const snapshot = o.bSnapshotOfA;
    assert.deepEqual([snapshot.EngagementId, snapshot.ResourceId, snapshot.CreatedBy], [o.task.EngagementId, o.create.Id, A]);
    assert.ok(snapshot.Revision > 1, 'the sender’s running job wrote revisions as the opportunity changed');
    assert.deepEqual([snapshot.Payload.OpportunitySummary.Lifecycle.ReviewStatus, snapshot.Payload.OpportunitySummary.Lifecycle.Stage], ['Approved', 'Launched']);
    assert.deepEqual(pageIds(o.members, 'AccountId'), [[A, 'aws'], [B]]);
    assert.deepEqual(tokens(o.members), [true, false]);
    assert.deepEqual(o.submitTaskPages, [{ items: [o.task], hasNextToken: false }]);
    assert.deepEqual(o.acceptTaskPages, [{ items: [o.accepted], hasNextToken: false }]);
  });

  it('each account got its own events, AWS none', async () => {
    const received = async (account: string) => new Set((await eventsOf(endpoint(), { account })).map((e) => e['detail-type']));
    const a = await received(A);
    for (const type of ['Opportunity Created', 'Engagement Created', 'Engagement Invitation Created', 'Engagement Invitation Accepted', 'Engagement Member Added', 'Opportunity Updated', 'Engagement Resource Snapshot Created']) {
      assert.ok(a.has(type), `${A} got ${type}`);
    }
    const b = await received(B);
    for (const type of ['Engagement Invitation Created', 'Engagement Invitation Accepted', 'Opportunity Created']) assert.ok(b.has(type), `${B} got ${type}`);
    assert.deepEqual(await eventsOf(endpoint(), { account: 'aws' }), []);
  });
});

describe('boto3: engagements, contexts, a lead invitation between partners and the lead converted and submitted', { skip }, () => {
  const A = '444444444444';
  const B = '555555555555';
  const { out } = family('engagements_leads.py');

  it('creates an engagement idempotently and adds a Lead context; a non-member is refused', () => {
    const o = out();
    assert.match(o.create.Id, ENGAGEMENT_ID);
    assert.equal(o.create.Arn, `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/${o.create.Id}`);
    assert.deepEqual(o.createReplay, o.create);
    assert.deepEqual(o.createContext, { EngagementId: o.create.Id, EngagementArn: o.create.Arn, EngagementLastModifiedAt: o.createContext.EngagementLastModifiedAt, ContextId: '1' });
    assertModeled(o.nonMemberContext, 'AccessDeniedException', 403, /is not a member of engagement/);
    const got = o.getEngagement;
    assert.deepEqual([got.Title, got.Description, got.CreatedBy, got.MemberCount, got.ModifiedAt], ['Example Motors search', 'Parts catalogue search.', A, 1, o.createContext.EngagementLastModifiedAt]);
    assert.deepEqual(got.Contexts.map((c: Json) => [c.Id, c.Type, c.Payload.Lead.Customer.CompanyName]), [['1', 'Lead', 'Example Motors']]);
  });

  it('UpdateEngagementContext takes the ModifiedAt botocore parsed, and refuses it once stale (ConflictException)', () => {
    const o = out();
    assert.equal(o.updateContext.ContextId, '1');
    assert.ok(Date.parse(o.updateContext.EngagementLastModifiedAt) > Date.parse(o.getEngagement.ModifiedAt));
    assertModeled(o.updateStale, 'ConflictException', 409, /read it again and retry/);
    const [lead] = o.leadAfterUpdate as Json[];
    assert.equal(lead!.Payload.Lead.Interactions.length, 2, 'an update appends its interaction');
  });

  it('sends a LeadInvitation that the receiver sees and accepts with AcceptEngagementInvitation', () => {
    const o = out();
    assert.match(o.invitation.Id, INVITATION_ID);
    assertBusiness(o.inviteSelf, [['invitation.receiver.account.awsAccountId', 'INVALID_VALUE']]);
    const got = o.bInvitation;
    assert.deepEqual([got.PayloadType, got.Status, got.SenderAwsAccountId, got.EngagementId, got.InvitationMessage], ['LeadInvitation', 'PENDING', A, o.create.Id, 'A lead for you.']);
    assert.deepEqual(got.Payload.LeadInvitation.Interaction, { SourceType: 'Event', SourceId: 'summit-2026', SourceName: 'Summit', Usecase: 'Search', ContactBusinessTitle: 'CTO' });
    assert.deepEqual(got.ExistingMembers, [{ CompanyName: `Partner ${A}`, WebsiteUrl: `https://partner-${A}.example.com` }]);
    assert.deepEqual(o.bReceived.EngagementInvitationSummaries.map((s: Json) => [s.Id, s.ParticipantType]), [[o.invitation.Id, 'RECEIVER']]);
    assert.deepEqual(o.bEngagementsBefore, { EngagementSummaryList: [] });
    assert.deepEqual(o.accept, {});
    assertModeled(o.acceptAgain, 'ConflictException', 409, /is ACCEPTED and can no longer be accepted/);
    assert.equal(o.invitationAfter, 'ACCEPTED');
    assert.deepEqual(pageIds(o.members, 'AccountId'), [[A], [B]]);
    assert.deepEqual(tokens(o.members), [true, false]);
    assert.deepEqual(pageIds(o.bEngagements), [[o.create.Id]]);
    assert.equal(o.bEngagements[0].items[0].MemberCount, 2);
  });

  it('the receiver converts the lead with StartOpportunityFromEngagementTask: AWS’s defaults, a CustomerProject context', () => {
    const o = out();
    const task = o.convert;
    assert.match(task.TaskId, TASK_ID);
    assert.equal(task.TaskArn, `arn:aws:partnercentral:us-east-1::catalog/Sandbox/opportunity-from-engagement-task/${task.TaskId}`);
    assert.deepEqual([task.TaskStatus, task.EngagementId, task.ContextId], ['COMPLETE', o.create.Id, '2']);
    assert.match(task.OpportunityId, OPPORTUNITY_ID);
    assert.match(task.ResourceSnapshotJobId, JOB_ID);
    assert.deepEqual(o.convertReplay, task);
    assert.deepEqual([o.convertAgain.TaskStatus, o.convertAgain.ReasonCode], ['FAILED', 'CustomerProjectContextNotPermitted']);
    assertModeled(o.convertUnknown, 'ResourceNotFoundException', 404, /was not found in catalog Sandbox/);
    assert.deepEqual(pageIds(o.convertTasks, 'TaskId'), [[o.convertAgain.TaskId], [task.TaskId]], 'newest first, one per page');
    assert.deepEqual(o.convertTasksOfA, { TaskSummaries: [] });

    const opp = o.converted;
    assert.equal(opp.Arn, `arn:aws:partnercentral:us-east-1:${B}:catalog/Sandbox/opportunity/${task.OpportunityId}`);
    assert.deepEqual(opp.Project, { ExpectedCustomerSpend: [], Title: 'Converted from Lead', CustomerBusinessProblem: 'The customer needs to modernise its parts catalogue search.' });
    assert.deepEqual(opp.Customer.Account, { Industry: 'Automotive', CompanyName: 'Example Motors', WebsiteUrl: 'https://motors.example.com', Address: { CountryCode: 'DE' } });
    assert.deepEqual(opp.LifeCycle, { Stage: 'Prospect', TargetCloseDate: new Date(Date.parse(T0) + 90 * DAY).toISOString().slice(0, 10), ReviewStatus: 'Pending Submission' });
    assert.deepEqual([opp.OpportunityType, opp.NationalSecurity, opp.Marketing], ['Net New Business', 'No', { Source: 'None' }]);
    assert.deepEqual(o.contextsAfterConversion, [['1', 'Lead'], ['2', 'CustomerProject']]);
  });

  it('the converted lead, completed, is submitted in the lead’s own engagement', () => {
    const o = out();
    const submitted = o.submitTask;
    assert.deepEqual([submitted.TaskStatus, submitted.OpportunityId, submitted.EngagementId], ['COMPLETE', o.convert.OpportunityId, o.create.Id]);
    assert.equal(submitted.ResourceSnapshotJobId, o.convert.ResourceSnapshotJobId, 'the running job is reused');
    assert.equal(o.submittedReviewStatus, 'Submitted');
    assert.deepEqual(o.associations.flatMap((p: Json) => p.items.map((a: Json) => [a.ResourceId, a.CreatedBy])), [[o.convert.OpportunityId, B]]);
  });

  it('a sixth context is a ServiceQuotaExceededException', () => {
    assertModeled(out().sixthContext, 'ServiceQuotaExceededException', 402, /already has 5 contexts/);
  });
});

describe('boto3: resource snapshots and jobs, selling-system settings and solutions', { skip }, () => {
  const C = '666666666666';
  const { out } = family('snapshots_solutions.py');
  const snapshotArn = (o: Json, revision: number) =>
    `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/${o.latest.EngagementId}/resource/Opportunity/${o.latest.ResourceId}/template/OpportunitySummaryView/snapshot/${revision}`;

  it('CreateResourceSnapshot writes revisions 1 and 2 (idempotently); GetResourceSnapshot reads the latest or a given one', () => {
    const o = out();
    assert.deepEqual(o.snapshot1, { Arn: snapshotArn(o, 1), Revision: 1 });
    assert.deepEqual(o.snapshot1Replay, o.snapshot1);
    assert.deepEqual(o.snapshot2, { Arn: snapshotArn(o, 2), Revision: 2 });
    assert.deepEqual([o.latest.Revision, o.latest.Arn, o.latest.CreatedBy, o.latest.ResourceType, o.latest.ResourceSnapshotTemplateName], [2, snapshotArn(o, 2), C, 'Opportunity', 'OpportunitySummaryView']);
    assert.deepEqual(o.latest.Payload.OpportunitySummary.Customer.Account, { Industry: 'Automotive', CompanyName: 'Snapshot Corp', Address: { CountryCode: 'DE' } });
    assert.equal(o.revision1.Revision, 1);
    assert.ok(Date.parse(o.revision1.CreatedAt) <= Date.parse(o.latest.CreatedAt));
    assertBusiness(o.awsTemplate, [['resourceSnapshotTemplateIdentifier', 'ACTION_NOT_PERMITTED']]);
    assertModeled(o.nonMemberSnapshot, 'AccessDeniedException', 403);
    assertModeled(o.nonMemberRead, 'AccessDeniedException', 403);
  });

  it('a snapshot job is created Stopped with its tags; one per resource and template (ConflictException)', () => {
    const o = out();
    assert.match(o.job.Id, JOB_ID);
    assert.equal(o.job.Arn, `arn:aws:partnercentral:us-east-1:${C}:catalog/Sandbox/resource-snapshot-job/${o.job.Id}`);
    const job = o.jobCreated;
    assert.deepEqual([job.Status, job.EngagementId, job.ResourceId, job.ResourceSnapshotTemplateName, job.LastFailure], ['Stopped', o.latest.EngagementId, o.latest.ResourceId, 'OpportunitySummaryView', undefined]);
    assert.equal(job.ResourceArn, `arn:aws:partnercentral:us-east-1:${C}:catalog/Sandbox/opportunity/${o.latest.ResourceId}`);
    assert.deepEqual(o.jobTags, { Tags: [{ Key: 'team', Value: 'sync' }] });
    assertModeled(o.secondJob, 'ConflictException', 409, /already snapshots opportunity/);
  });

  it('started without a job role it records LastFailure and writes nothing; with the role it writes revision 3', () => {
    const o = out();
    assert.deepEqual([o.start, o.stop, o.delete], [{}, {}, {}]);
    assertModeled(o.deleteRunning, 'ConflictException', 409, /stop it with StopResourceSnapshotJob/);
    assert.equal(o.jobWithoutRole.Status, 'Running');
    assert.match(o.jobWithoutRole.LastFailure, /no role .*PutSellingSystemSettings/);
    assert.equal(o.jobWithoutRole.LastSuccessfulExecutionDate, undefined);
    assert.equal(o.latestWithoutRole, 2);
    assert.match(o.jobWithRole.LastSuccessfulExecutionDate, ISO);
    assert.deepEqual(pageIds(o.snapshots, 'Revision'), [[1, 2], [3]]);
    assert.deepEqual(tokens(o.snapshots), [true, false]);
    assert.equal(o.latestWithRole.Revision, 3);
    assert.equal(o.latestWithRole.CreatedAt, o.jobWithRole.LastSuccessfulExecutionDate);
    assert.deepEqual(o.latestWithRole.Payload.OpportunitySummary.Lifecycle, { TargetCloseDate: '2030-09-30', ReviewStatus: 'Pending Submission', Stage: 'Qualified', NextSteps: 'Workshop booked.' });
  });

  it('stops (a second Stop is INVALID_RESOURCE_STATE), lists and deletes the job', () => {
    const o = out();
    assertBusiness(o.stopAgain, [['resourceSnapshotJobIdentifier', 'INVALID_RESOURCE_STATE']]);
    assert.deepEqual(o.stoppedJobs.map((p: Json) => p.items.map((j: Json) => [j.Id, j.Status])), [[[o.job.Id, 'Stopped']]]);
    assert.deepEqual(o.jobsOfD, { ResourceSnapshotJobSummaries: [] });
    assertModeled(o.deleted, 'ResourceNotFoundException', 404);
  });

  it('Get/PutSellingSystemSettings: per account and catalog, a role name made an ARN, cleared by a Put without it', () => {
    const o = out();
    const role = `arn:aws:iam::${C}:role/SnapshotJobRole`;
    assert.deepEqual(o.settingsBefore, { Catalog: 'Sandbox' });
    assert.deepEqual(o.putSettings, { Catalog: 'Sandbox', ResourceSnapshotJobRoleArn: role });
    assert.deepEqual(o.settings, o.putSettings);
    assert.deepEqual(o.settingsOfD, { Catalog: 'Sandbox' });
    assert.deepEqual(o.settingsAwsCatalog, { Catalog: 'AWS' });
    assert.deepEqual(o.settingsCleared, { Catalog: 'Sandbox' });
    assertModeled(o.badRole, 'ValidationException', 400);
    assert.deepEqual(o.badRole.ErrorList.map((e: Json) => [e.FieldName, e.Code]), [['resourceSnapshotJobRoleIdentifier', 'INVALID_STRING_FORMAT']]);
  });

  it('ListSolutions: the seeded catalogue plus the control plane’s, filters, sorts, the paginator and a token bound to its filters', () => {
    const o = out();
    assert.equal(o.addSolutions.solutions[0].arn, `arn:aws:partnercentral:us-east-1:${C}:catalog/Sandbox/solution/S-0099999`);
    const all = o.solutionsDefault.SolutionSummaries as Json[];
    assert.deepEqual(ids(all), ['S-0040001', 'S-0052021', 'S-0059631', 'S-0070007', 'S-0099999', 'S-1234567'], 'by identifier, ascending');
    assert.deepEqual(all.at(-1), {
      Catalog: 'Sandbox',
      Id: 'S-1234567',
      Arn: `arn:aws:partnercentral:us-east-1:${C}:catalog/Sandbox/solution/S-1234567`,
      Name: 'Sandbox Default Solution',
      Status: 'Active',
      Category: 'Software Product',
      CreatedDate: '2024-01-15T00:00:00.000Z',
    });
    assert.deepEqual(pageIds(o.activeByNameDesc), [['S-1234567', 'S-0052021'], ['S-0059631', 'S-0099999']]);
    assert.deepEqual(o.activeByNameDesc.flatMap((p: Json) => p.items.map((s: Json) => s.Name)), ['Sandbox Default Solution', 'Managed Kubernetes Operations', 'Data Lake Migration', 'Boto Analytics']);
    assert.deepEqual(tokens(o.activeByNameDesc), [true, false]);
    assert.deepEqual(ids(o.byCategory.SolutionSummaries), ['S-0059631', 'S-0099999']);
    assert.deepEqual(o.byIdentifier.SolutionSummaries.map((s: Json) => [s.Id, s.Status]), [['S-0070007', 'Draft'], ['S-0040001', 'Inactive']]);
    assert.deepEqual(o.solutionsOfD, ['S-0040001', 'S-0052021', 'S-0059631', 'S-0070007', 'S-1234567'], 'another account has only the seed');
    assertModeled(o.tokenOtherFilter, 'ValidationException', 400);
    assert.deepEqual(o.tokenOtherFilter.ErrorList.map((e: Json) => [e.FieldName, e.Code]), [['nextToken', 'INVALID_VALUE']]);
  });
});
