// StartEngagementFromOpportunityTask and ListEngagementFromOpportunityTasks through the official SDK: the
// engagement created (or reused), snapshot, running job, invitation to AWS and submission, each failure a FAILED
// task with its ReasonCode, idempotency, progression settings, isolation and the exact events.
// Spec: behavior.md §3.6, §1.3, §1.7, §5.4; decisions 9, 11, 12, 15.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateOpportunityCommand,
  CreateOpportunityCommand,
  GetEngagementCommand,
  GetOpportunityCommand,
  GetResourceSnapshotCommand,
  GetResourceSnapshotJobCommand,
  ListEngagementFromOpportunityTasksCommand,
  ListEngagementInvitationsCommand,
  ListEngagementMembersCommand,
  ListEngagementResourceAssociationsCommand,
  ListTagsForResourceCommand,
  StartEngagementFromOpportunityTaskCommand,
  UpdateOpportunityCommand,
  type CreateOpportunityCommandInput,
  type StartEngagementFromOpportunityTaskCommandOutput,
  type ListEngagementFromOpportunityTaskSummary,
} from '@aws-sdk/client-partnercentral-selling';
import { AccountClients, controlOk as controlOkAt, eventsOf, pollUntil, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2026-01-15T10:00:00.000Z';
const PARTNER = '111111111111';
const OTHER = '222222222222';
const TASK_ID = /^task-[0-9a-z]{13}$/;
const ENGAGEMENT_ID = /^eng-[0-9a-z]{14}$/;
const INVITATION_ID = /^engi-[0-9a-z]{13}$/;
const JOB_ID = /^job-[0-9a-z]{13}$/;
const taskArn = (catalog: string, id: string) => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement-from-opportunity-task/${id}`;

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const configure = (body: Record<string, unknown>) => controlOk('config', body);
const types = (list: Array<Record<string, unknown>>) => list.map((e) => e['detail-type']);

/** An opportunity with everything AWS needs to review it (behavior.md §3.4), but no solution yet. */
export function submittableInput(clientToken: string, title = 'Data platform migration'): CreateOpportunityCommandInput {
  return {
    Catalog: 'Sandbox',
    ClientToken: clientToken,
    PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
    NationalSecurity: 'No',
    OpportunityType: 'Net New Business',
    Customer: {
      Account: {
        Industry: 'Automotive',
        CompanyName: 'Example Motors',
        WebsiteUrl: 'https://motors.example.com',
        Address: { City: 'Berlin', PostalCode: '10115', CountryCode: 'DE' },
      },
    },
    Project: {
      Title: title,
      CustomerBusinessProblem: 'The customer needs to retire its on-premises data warehouse before the lease ends.',
      CustomerUseCase: 'Migration / Database Migration',
      DeliveryModels: ['SaaS or PaaS'],
      SalesActivities: ['Initialized discussions with customer'],
      ExpectedCustomerSpend: [{ Amount: '10000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
    },
    Marketing: { Source: 'None' },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2026-12-31' },
  };
}

async function opportunity(account = PARTNER, token = 'opp-1', withSolution = true, input?: CreateOpportunityCommandInput): Promise<string> {
  const created = await as(account).send(new CreateOpportunityCommand(input ?? submittableInput(token)));
  if (withSolution) {
    await as(account).send(new AssociateOpportunityCommand({ Catalog: 'Sandbox', OpportunityIdentifier: created.Id!, RelatedEntityType: 'Solutions', RelatedEntityIdentifier: 'S-1234567' }));
  }
  return created.Id!;
}

function start(account: string, opportunityId: string, clientToken: string, extra: Record<string, unknown> = {}) {
  return as(account).send(
    new StartEngagementFromOpportunityTaskCommand({ Catalog: 'Sandbox', ClientToken: clientToken, Identifier: opportunityId, AwsSubmission: { InvolvementType: 'Co-Sell', Visibility: 'Full' }, ...extra }),
  );
}

function fields(t: StartEngagementFromOpportunityTaskCommandOutput | ListEngagementFromOpportunityTaskSummary) {
  const { $metadata: _m, ...rest } = t as StartEngagementFromOpportunityTaskCommandOutput;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

async function list(account: string, filter: Record<string, unknown> = {}) {
  return (await as(account).send(new ListEngagementFromOpportunityTasksCommand({ Catalog: 'Sandbox', ...filter }))).TaskSummaries ?? [];
}

async function reviewStatus(account: string, id: string) {
  return (await as(account).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }))).LifeCycle?.ReviewStatus;
}

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

describe('StartEngagementFromOpportunityTask: success', () => {
  it('creates the engagement, snapshot, running job and invitation to AWS, and submits the opportunity', async () => {
    const oppId = await opportunity();
    const before = (await eventsOf(endpoint, { account: PARTNER })).length;
    const task = await start(PARTNER, oppId, 'task-1', { Tags: [{ Key: 'Team', Value: 'Alliances' }] });
    assert.match(task.TaskId!, TASK_ID);
    assert.match(task.EngagementId!, ENGAGEMENT_ID);
    assert.match(task.EngagementInvitationId!, INVITATION_ID);
    assert.match(task.ResourceSnapshotJobId!, JOB_ID);
    assert.deepEqual(fields(task), {
      TaskId: task.TaskId,
      TaskArn: taskArn('Sandbox', task.TaskId!),
      StartTime: new Date(T0),
      TaskStatus: 'COMPLETE',
      OpportunityId: oppId,
      EngagementId: task.EngagementId,
      EngagementInvitationId: task.EngagementInvitationId,
      ResourceSnapshotJobId: task.ResourceSnapshotJobId,
    });

    assert.equal(await reviewStatus(PARTNER, oppId), 'Submitted');
    const engagement = await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: task.EngagementId! }));
    assert.equal(engagement.Title, 'Data platform migration');
    assert.equal(engagement.Description, 'The customer needs to retire its on-premises data warehouse before the lease ends.');
    assert.equal(engagement.CreatedBy, PARTNER);
    assert.equal(engagement.MemberCount, 1);
    assert.deepEqual(engagement.Contexts, [
      {
        Id: '1',
        Type: 'CustomerProject',
        Payload: {
          CustomerProject: {
            Customer: { CompanyName: 'Example Motors', CountryCode: 'DE', Industry: 'Automotive', WebsiteUrl: 'https://motors.example.com' },
            Project: { Title: 'Data platform migration', BusinessProblem: 'The customer needs to retire its on-premises data warehouse before the lease ends.', TargetCompletionDate: '2026-12-31' },
          },
        },
      },
    ]);
    const members = await as(PARTNER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: task.EngagementId! }));
    assert.deepEqual(members.EngagementMemberList?.map((m) => m.AccountId), [PARTNER]);
    const links = await as(PARTNER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', ResourceIdentifier: oppId }));
    assert.deepEqual(links.EngagementResourceAssociationSummaries?.map((l) => l.EngagementId), [task.EngagementId]);

    const sent = await as(PARTNER).send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'SENDER' }));
    assert.deepEqual(
      sent.EngagementInvitationSummaries?.map((i) => [i.Id, i.EngagementId, i.Status, i.PayloadType]),
      [[task.EngagementInvitationId, task.EngagementId, 'PENDING', 'OpportunityInvitation']],
    );
    const job = await as(PARTNER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: task.ResourceSnapshotJobId! }));
    assert.equal(job.Status, 'Running');
    assert.equal(job.ResourceId, oppId);
    assert.equal(job.ResourceSnapshotTemplateName, 'OpportunitySummaryView');
    assert.equal(job.LastSuccessfulExecutionDate?.toISOString(), T0);
    const snapshot = await as(PARTNER).send(
      new GetResourceSnapshotCommand({ Catalog: 'Sandbox', EngagementIdentifier: task.EngagementId!, ResourceType: 'Opportunity', ResourceIdentifier: oppId, ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView' }),
    );
    assert.equal(snapshot.Revision, 1);
    assert.equal(snapshot.Payload?.OpportunitySummary?.Lifecycle?.ReviewStatus, 'Submitted');
    const tags = await as(PARTNER).send(new ListTagsForResourceCommand({ ResourceArn: job.Arn! }));
    assert.deepEqual(tags.Tags, [{ Key: 'Team', Value: 'Alliances' }]);

    // behavior.md §5.4: all to the acting partner (AWS, the invitation's receiver, gets none).
    const events = (await eventsOf(endpoint, { account: PARTNER })).slice(before);
    assert.deepEqual(types(events), ['Engagement Created', 'Engagement Member Added', 'Engagement Resource Snapshot Created', 'Engagement Invitation Created', 'Opportunity Updated']);
    assert.deepEqual((events[3]!.detail as Record<string, any>).engagementInvitation.participantType, 'SENDER');
    assert.deepEqual(await eventsOf(endpoint, { account: OTHER }), []);

    // The list finds it by each filter, and not by others.
    const [listed] = await list(PARTNER, { OpportunityIdentifier: [oppId] });
    assert.deepEqual(fields(listed!), fields(task));
    assert.equal((await list(PARTNER, { EngagementIdentifier: [task.EngagementId!] })).length, 1);
    assert.equal((await list(PARTNER, { TaskIdentifier: [task.TaskArn!] })).length, 1);
    assert.equal((await list(PARTNER, { TaskStatus: ['FAILED'] })).length, 0);
  });

  it('after Action Required, a new task resubmits in the same engagement, job and pending invitation', async () => {
    const oppId = await opportunity();
    const first = await start(PARTNER, oppId, 'first');
    const got = await as(PARTNER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: oppId }));
    await as(PARTNER).send(
      new UpdateOpportunityCommand({
        Catalog: 'Sandbox',
        Identifier: oppId,
        LastModifiedDate: got.LastModifiedDate,
        PrimaryNeedsFromAws: got.PrimaryNeedsFromAws,
        NationalSecurity: got.NationalSecurity,
        Customer: got.Customer,
        Project: got.Project,
        OpportunityType: got.OpportunityType,
        Marketing: got.Marketing,
        LifeCycle: { ...got.LifeCycle, ReviewStatus: 'Action Required', ReviewComments: 'Add more detail.' },
      }),
    );
    assert.equal(await reviewStatus(PARTNER, oppId), 'Action Required');
    const second = await start(PARTNER, oppId, 'second');
    assert.equal(second.TaskStatus, 'COMPLETE');
    assert.notEqual(second.TaskId, first.TaskId);
    assert.equal(second.EngagementId, first.EngagementId);
    assert.equal(second.ResourceSnapshotJobId, first.ResourceSnapshotJobId);
    assert.equal(second.EngagementInvitationId, first.EngagementInvitationId);
    assert.equal(await reviewStatus(PARTNER, oppId), 'Submitted');
    const sent = await as(PARTNER).send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'SENDER' }));
    assert.equal(sent.EngagementInvitationSummaries?.length, 1);
    const snapshot = await as(PARTNER).send(
      new GetResourceSnapshotCommand({ Catalog: 'Sandbox', EngagementIdentifier: first.EngagementId!, ResourceType: 'Opportunity', ResourceIdentifier: oppId, ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView' }),
    );
    // 1: the first task; 2: the resubmission. (The running job wrote nothing at Action Required: the account
    // has no job role, behavior.md §4.5; the task's own revisions need none.)
    assert.equal(snapshot.Revision, 2);
    assert.equal(snapshot.Payload?.OpportunitySummary?.Lifecycle?.ReviewStatus, 'Submitted');
    // DESCENDING by default, ASCENDING on request (same StartTime on the frozen clock: ties go by task id).
    const descending = (await list(PARTNER)).map((t) => t.TaskId);
    const ascending = (await list(PARTNER, { Sort: { SortBy: 'StartTime', SortOrder: 'ASCENDING' } })).map((t) => t.TaskId);
    assert.deepEqual(descending, [...ascending].reverse());
    assert.deepEqual(new Set(descending), new Set([first.TaskId, second.TaskId]));
    const page1 = await as(PARTNER).send(new ListEngagementFromOpportunityTasksCommand({ Catalog: 'Sandbox', MaxResults: 1, Sort: { SortBy: 'StartTime', SortOrder: 'ASCENDING' } }));
    const page2 = await as(PARTNER).send(new ListEngagementFromOpportunityTasksCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: page1.NextToken, Sort: { SortBy: 'StartTime', SortOrder: 'ASCENDING' } }));
    assert.deepEqual(new Set([page1.TaskSummaries![0]!.TaskId, page2.TaskSummaries![0]!.TaskId]), new Set([first.TaskId, second.TaskId]));
    assert.equal(page2.NextToken, undefined);
  });
});

describe('StartEngagementFromOpportunityTask: failures are FAILED tasks that change nothing', () => {
  async function assertNothingChanged(oppId: string, eventCount: number) {
    assert.equal(await reviewStatus(PARTNER, oppId), 'Pending Submission');
    assert.equal((await eventsOf(endpoint, { account: PARTNER })).length, eventCount);
    const links = await as(PARTNER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', ResourceIdentifier: oppId }));
    assert.deepEqual(links.EngagementResourceAssociationSummaries, []);
  }

  it('no solution → OpportunitySubmissionFailed', async () => {
    const oppId = await opportunity(PARTNER, 'opp', false);
    const count = (await eventsOf(endpoint, { account: PARTNER })).length;
    const task = await start(PARTNER, oppId, 't');
    assert.deepEqual(fields(task), {
      TaskId: task.TaskId,
      TaskArn: task.TaskArn,
      StartTime: new Date(T0),
      TaskStatus: 'FAILED',
      OpportunityId: oppId,
      ReasonCode: 'OpportunitySubmissionFailed',
      Message: `Opportunity ${oppId} has no associated solution; associate one before submitting.`,
    });
    await assertNothingChanged(oppId, count);
  });

  it('missing what AWS reviews → OpportunityValidationFailed naming the fields', async () => {
    const input = submittableInput('opp');
    delete input.Project!.DeliveryModels;
    delete input.Project!.SalesActivities;
    const oppId = await opportunity(PARTNER, 'opp', true, input);
    const count = (await eventsOf(endpoint, { account: PARTNER })).length;
    const task = await start(PARTNER, oppId, 't');
    assert.equal(task.TaskStatus, 'FAILED');
    assert.equal(task.ReasonCode, 'OpportunityValidationFailed');
    assert.equal(task.Message, `Opportunity ${oppId} is missing what AWS needs to review it: project.deliveryModels, project.salesActivities.`);
    await assertNothingChanged(oppId, count);
  });

  it('already Submitted (a new ClientToken) → OpportunitySubmissionFailed, and no second engagement', async () => {
    const oppId = await opportunity();
    const first = await start(PARTNER, oppId, 'a');
    const again = await start(PARTNER, oppId, 'b');
    assert.equal(again.TaskStatus, 'FAILED');
    assert.equal(again.ReasonCode, 'OpportunitySubmissionFailed');
    assert.equal(again.Message, `Opportunity ${oppId} is Submitted; only Pending Submission or Action Required opportunities can be submitted.`);
    assert.equal(again.EngagementId, undefined);
    const links = await as(PARTNER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', ResourceIdentifier: oppId }));
    assert.deepEqual(links.EngagementResourceAssociationSummaries?.map((l) => l.EngagementId), [first.EngagementId]);
    assert.deepEqual((await list(PARTNER, { TaskStatus: ['FAILED'] })).map((t) => t.TaskId), [again.TaskId]);
  });

  it('a forced failure (control plane) → the configured ReasonCode and Message', async () => {
    const oppId = await opportunity();
    const count = (await eventsOf(endpoint, { account: PARTNER })).length;
    await configure({ forcedTaskFailure: { reasonCode: 'ResourceSnapshotJobAccessDenied', message: 'No job role is configured.' } });
    const task = await start(PARTNER, oppId, 't');
    assert.equal(task.TaskStatus, 'FAILED');
    assert.equal(task.ReasonCode, 'ResourceSnapshotJobAccessDenied');
    assert.equal(task.Message, 'No job role is configured.');
    await assertNothingChanged(oppId, count);
  });

  it('an unknown opportunity, or another account\'s, is a synchronous ResourceNotFoundException and no task', async () => {
    const oppId = await opportunity(OTHER);
    await sdkError(start(PARTNER, 'O999999999', 't1'), 'ResourceNotFoundException');
    const err = await sdkError(start(PARTNER, oppId, 't2'), 'ResourceNotFoundException');
    assert.equal(err.message, `Opportunity ${oppId} was not found in catalog Sandbox.`);
    assert.deepEqual(await list(PARTNER), []);
  });
});

describe('StartEngagementFromOpportunityTask: idempotency, progression, isolation', () => {
  it('the same ClientToken returns the same task; a different body with it is a ConflictException', async () => {
    const oppId = await opportunity();
    const first = await start(PARTNER, oppId, 'same');
    const again = await start(PARTNER, oppId, 'same');
    assert.deepEqual(fields(again), fields(first));
    const err = await sdkError(start(PARTNER, oppId, 'same', { AwsSubmission: { InvolvementType: 'For Visibility Only' } }), 'ConflictException');
    assert.equal(err.message, 'Conflicting client token submitted for a new request body.');
    assert.equal((await list(PARTNER)).length, 1);
  });

  it('async: IN_PROGRESS with nothing done; advancing the clock completes it', async () => {
    const oppId = await opportunity();
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const task = await start(PARTNER, oppId, 't');
    assert.deepEqual(fields(task), { TaskId: task.TaskId, TaskArn: task.TaskArn, StartTime: new Date(T0), TaskStatus: 'IN_PROGRESS', OpportunityId: oppId });
    assert.equal(await reviewStatus(PARTNER, oppId), 'Pending Submission');
    await controlOk('clock', { advance: '2m' });
    const done = await pollUntil(async () => {
      const [t] = await list(PARTNER);
      return t?.TaskStatus === 'COMPLETE' ? t : undefined;
    });
    assert.match(done.EngagementId!, ENGAGEMENT_ID);
    assert.equal(await reviewStatus(PARTNER, oppId), 'Submitted');
  });

  it('polls: only reads of the task itself count, and the read that exhausts them completes it', async () => {
    const a = await opportunity(PARTNER, 'a');
    const b = await opportunity(PARTNER, 'b');
    await configure({ taskProgression: 'async', taskPolls: 2 });
    const ta = await start(PARTNER, a, 'ta');
    const tb = await start(PARTNER, b, 'tb');
    assert.equal(ta.TaskStatus, 'IN_PROGRESS');
    // Reading only task b twice completes b; a was never returned, so it is still waiting.
    assert.equal((await list(PARTNER, { TaskIdentifier: [tb.TaskId!] }))[0]!.TaskStatus, 'IN_PROGRESS');
    assert.equal((await list(PARTNER, { TaskIdentifier: [tb.TaskId!] }))[0]!.TaskStatus, 'COMPLETE');
    assert.equal(await reviewStatus(PARTNER, b), 'Submitted');
    assert.equal(await reviewStatus(PARTNER, a), 'Pending Submission');
    // A replay of Start is a read too.
    assert.equal((await start(PARTNER, a, 'ta')).TaskStatus, 'IN_PROGRESS');
    assert.equal((await start(PARTNER, a, 'ta')).TaskStatus, 'COMPLETE');
  });

  it('a Start with a new ClientToken while the opportunity\'s task is in progress returns that task (the Postman polling loop ends)', async () => {
    const oppId = await opportunity();
    await configure({ taskProgression: 'async', taskPolls: 2 });
    // AWS's collection re-sends Start with a fresh token until it reads COMPLETE (behavior.md §1.4).
    const first = await start(PARTNER, oppId, 'loop-1');
    assert.equal(first.TaskStatus, 'IN_PROGRESS');
    const second = await start(PARTNER, oppId, 'loop-2');
    assert.equal(second.TaskId, first.TaskId);
    assert.equal(second.TaskStatus, 'IN_PROGRESS');
    const third = await start(PARTNER, oppId, 'loop-3');
    assert.equal(third.TaskId, first.TaskId);
    assert.equal(third.TaskStatus, 'COMPLETE');
    assert.equal((await list(PARTNER)).length, 1);
    assert.equal(await reviewStatus(PARTNER, oppId), 'Submitted');
    // Each token stays bound to that task; once it is done, a new token starts a new one (which fails: submitted).
    assert.equal((await start(PARTNER, oppId, 'loop-2')).TaskId, first.TaskId);
    const after = await start(PARTNER, oppId, 'loop-4');
    assert.notEqual(after.TaskId, first.TaskId);
  });

  it('lists only the caller\'s tasks in the catalog asked for', async () => {
    const oppId = await opportunity();
    await start(PARTNER, oppId, 't');
    assert.equal((await list(PARTNER)).length, 1);
    assert.deepEqual(await list(OTHER), []);
    const inAws = await as(PARTNER).send(new ListEngagementFromOpportunityTasksCommand({ Catalog: 'AWS' }));
    assert.deepEqual(inAws.TaskSummaries, []);
  });
});
