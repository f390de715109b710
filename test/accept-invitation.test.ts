// The heart of the product: StartEngagementByAcceptingInvitationTask and ListEngagementByAcceptingInvitationTasks,
// black-box through the official SDK (raw HTTP where the SDK hides things) and the control plane. Spec:
// decisions 9–19 of ../shared/spec/README.md and behavior.md §1, §2.2, §4, §5, §6.
//
// Every test starts from a reset server with the business clock frozen at T0, so every timestamp is exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateOpportunityCommand,
  GetEngagementCommand,
  GetEngagementInvitationCommand,
  GetOpportunityCommand,
  GetResourceSnapshotCommand,
  GetResourceSnapshotJobCommand,
  ListEngagementByAcceptingInvitationTasksCommand,
  ListEngagementInvitationsCommand,
  ListEngagementMembersCommand,
  ListEngagementResourceAssociationsCommand,
  ListOpportunitiesCommand,
  ListResourceSnapshotJobsCommand,
  ListResourceSnapshotsCommand,
  ListTagsForResourceCommand,
  RejectEngagementInvitationCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  paginateListEngagementByAcceptingInvitationTasks,
  type CreateOpportunityCommandInput,
  type ListEngagementInvitationsCommandInput,
  type ListEngagementByAcceptingInvitationTaskSummary,
  type StartEngagementByAcceptingInvitationTaskCommandOutput,
  type Tag,
} from '@aws-sdk/client-partnercentral-selling';
import { awsReferralInput, createReferralAndFindInvitation, EMPTY_RELATED_ENTITIES, partnerOpportunity } from './fixtures.js';
import { AccountClients, callRaw, control, controlOk as controlOkAt, eventsOf, pollUntil, sdkError, serverPerSuite } from './helpers.js';

// ------------------------------------------------------------------------------------------------------------
// Fixtures

const T0 = '2025-01-24T20:48:50.000Z';
const RECEIVER = '111111111111';
const SENDER = '222222222222';
const OUTSIDER = '333333333333';

const DAY = 86_400_000;
const TASK_ID = /^task-[0-9a-z]{13}$/;
const JOB_ID = /^job-[0-9a-z]{13}$/;
const INVITATION_ID = /^engi-[0-9a-z]{13}$/;
const ENGAGEMENT_ID = /^eng-[0-9a-z]{14}$/;
const OPPORTUNITY_ID = /^O[0-9]{1,19}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AWS_REFERRAL_MESSAGE =
  'This invite is for an AWS originated referral. Accepting this invitation will create an AWS originated opportunity in your pipeline.';
const CONFLICTING_TOKEN = 'Conflicting client token submitted for a new request body.';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (offsetMs: number) => iso(Date.parse(T0) + offsetMs);
/** EventBridge `time`: second precision with `Z`. */
const eventTime = (isoTime: string) => isoTime.replace(/\.\d{3}Z$/, 'Z');
const taskArn = (catalog: string, id: string) => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement-by-accepting-invitation-task/${id}`;
const invitationArn = (catalog: string, id: string) => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement-invitation/${id}`;
const engagementArn = (catalog: string, id: string) => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement/${id}`;
const opportunityArn = (account: string, catalog: string, id: string) => `arn:aws:partnercentral:us-east-1:${account}:catalog/${catalog}/opportunity/${id}`;
const snapshotArn = (catalog: string, eng: string, opp: string, revision: number) =>
  `${engagementArn(catalog, eng)}/resource/Opportunity/${opp}/template/OpportunitySummaryView/snapshot/${revision}`;

/** A realistic simulate-an-AWS-referral payload (behavior.md §2.2), PII included. */
function referralInput(clientToken: string, title = 'New Business Deal - 5372'): CreateOpportunityCommandInput {
  return awsReferralInput(clientToken, title, {
    opportunity: {
      OpportunityType: 'Net New Business',
      NationalSecurity: 'No',
      PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
      OpportunityTeam: [{ BusinessTitle: 'PartnerAccountManager', Email: 'pat.manager@partner.example.com', FirstName: 'Pat', LastName: 'Manager' }],
    },
    account: { AwsAccountId: '123456789012' },
    contact: { BusinessTitle: 'CTO', Phone: '+12065550100' },
    project: {
      CustomerUseCase: 'AI Machine Learning and Analytics',
      SalesActivities: ['Initialized discussions with customer'],
      OtherSolutionDescription: 'A custom data pipeline',
    },
  });
}

/** A partner's opportunity as the control plane takes it for partner→partner invitations. */
const PARTNER_OPPORTUNITY = partnerOpportunity({
  address: { StreetAddress: '1 Farm Road', City: 'Des Moines', PostalCode: '50309', StateOrRegion: 'Iowa' },
  project: { ExpectedCustomerSpend: [{ Amount: '10000.00', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
});

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const advance = (by: string | number) => controlOk('clock', { advance: by });
const configure = (body: Record<string, unknown>) => controlOk('config', body);

/** Simulates an AWS referral to `account` in the Sandbox; returns the referral opportunity's id and the invitation. */
async function sandboxReferral(account = RECEIVER, title?: string) {
  const { opportunityId, invitation } = await createReferralAndFindInvitation(as(account), referralInput(`referral-${Math.random()}`, title), {
    filter: { Status: ['PENDING'] },
  });
  return { opportunityId, invitationId: invitation.Id!, invitationArn: invitation.Arn!, engagementId: invitation.EngagementId! };
}

interface ControlInvitation {
  invitationId: string;
  invitationArn: string;
  engagementId: string;
  sourceOpportunityId: string;
  invitationDate: string;
  expirationDate: string;
}

/** A partner→partner (or, with sender 'aws', an AWS) invitation through the control plane. */
async function invitation(receiverAccountId: string, senderAccountId: string, extra: Record<string, unknown> = {}): Promise<ControlInvitation> {
  return (await controlOk('invitations', { receiverAccountId, senderAccountId, catalog: 'Sandbox', opportunity: PARTNER_OPPORTUNITY, ...extra })) as unknown as ControlInvitation;
}

function start(account: string, identifier: string, clientToken: string, extra: { Tags?: Tag[]; Catalog?: string } = {}) {
  return as(account).send(
    new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: extra.Catalog ?? 'Sandbox', Identifier: identifier, ClientToken: clientToken, Tags: extra.Tags }),
  );
}

/** The fields of a task answer (Start output or List summary) without SDK metadata. */
function taskFields(t: StartEngagementByAcceptingInvitationTaskCommandOutput | ListEngagementByAcceptingInvitationTaskSummary) {
  const { $metadata: _m, ...rest } = t as StartEngagementByAcceptingInvitationTaskCommandOutput;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

async function events(account: string) {
  return eventsOf(endpoint, { account });
}
async function allEventCount(): Promise<number> {
  return (await eventsOf(endpoint)).length;
}
const types = (list: Array<Record<string, unknown>>) => list.map((e) => e['detail-type']);

async function opportunityIds(account: string): Promise<string[]> {
  const out = await as(account).send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
  return (out.OpportunitySummaries ?? []).map((o) => o.Id!).sort();
}

async function tasksOf(account: string, catalog = 'Sandbox') {
  const out = await as(account).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: catalog }));
  return out.TaskSummaries ?? [];
}

async function invitationStatus(account: string, id: string): Promise<string | undefined> {
  return (await as(account).send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: id }))).Status;
}

async function memberIds(account: string, engagementId: string): Promise<string[]> {
  const out = await as(account).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: engagementId, MaxResults: 10 }));
  return (out.EngagementMemberList ?? []).map((m) => m.AccountId!);
}

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

// ------------------------------------------------------------------------------------------------------------

describe('the Postman AWS-referral workflow (decisions 13, 14, 16)', () => {
  it('referral → list → get → accept → opportunity, engagement, members, association, job, snapshot, task list, events', async () => {
    // AWS's invitation arrives ~5 s after the simulate call, as observed (behavior.md §2.2).
    await configure({ referralDelayMs: 5000 });
    const created = await as(RECEIVER).send(new CreateOpportunityCommand(referralInput('postman-referral')));
    assert.match(created.Id!, OPPORTUNITY_ID);
    assert.equal(created.LastModifiedDate!.toISOString(), T0);
    // Hidden until accepted (decision 16), and the invitation has not arrived yet.
    await sdkError(as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! })), 'ResourceNotFoundException');
    const listQuery: ListEngagementInvitationsCommandInput = {
      Catalog: 'Sandbox',
      ParticipantType: 'RECEIVER',
      Status: ['PENDING'],
      Sort: { SortBy: 'InvitationDate', SortOrder: 'DESCENDING' },
    };
    assert.deepEqual((await as(RECEIVER).send(new ListEngagementInvitationsCommand(listQuery))).EngagementInvitationSummaries, []);
    await advance('5s');

    // ListEngagementInvitations as the Postman collection calls it.
    const list = await as(RECEIVER).send(new ListEngagementInvitationsCommand(listQuery));
    assert.equal(list.NextToken, undefined);
    assert.equal(list.EngagementInvitationSummaries!.length, 1);
    const summary = list.EngagementInvitationSummaries![0]!;
    const invitationId = summary.Id!;
    const engagementId = summary.EngagementId!;
    assert.match(invitationId, INVITATION_ID);
    assert.match(engagementId, ENGAGEMENT_ID);
    const invitationDate = at(5000);
    const expirationDate = at(5000 + 15 * DAY);
    assert.deepEqual(
      { ...summary, InvitationDate: summary.InvitationDate!.toISOString(), ExpirationDate: summary.ExpirationDate!.toISOString() },
      {
        Arn: invitationArn('Sandbox', invitationId),
        Catalog: 'Sandbox',
        Id: invitationId,
        EngagementId: engagementId,
        EngagementTitle: 'New Business Deal - 5372',
        PayloadType: 'OpportunityInvitation',
        Status: 'PENDING',
        InvitationDate: invitationDate,
        ExpirationDate: expirationDate,
        SenderAwsAccountId: 'aws',
        SenderCompanyName: 'AWS',
        Receiver: { Account: { AwsAccountId: RECEIVER, Alias: `Partner account ${RECEIVER}` } },
        ParticipantType: 'RECEIVER',
      },
    );

    // GetEngagementInvitation by ARN: the customer's address, contacts and AWS account id stay hidden.
    const inv = await as(RECEIVER).send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: summary.Arn! }));
    assert.equal(inv.Id, invitationId);
    assert.equal(inv.Status, 'PENDING');
    assert.equal(inv.InvitationMessage, AWS_REFERRAL_MESSAGE);
    assert.equal(inv.SenderCompanyName, 'AWS');
    assert.equal(inv.SenderAwsAccountId, 'aws');
    assert.deepEqual(inv.ExistingMembers, [{ CompanyName: 'AWS', WebsiteUrl: 'www.aws.com' }]);
    assert.equal(inv.InvitationDate!.toISOString(), invitationDate);
    assert.equal(inv.ExpirationDate!.getTime() - inv.InvitationDate!.getTime(), 15 * DAY);
    assert.equal(inv.EngagementTitle, 'New Business Deal - 5372');
    assert.equal(inv.EngagementDescription, 'A very important problem goes here ValidAWSCreate');
    assert.equal(inv.RejectionReason, undefined);
    assert.deepEqual(inv.Payload, {
      OpportunityInvitation: {
        SenderContacts: [{ BusinessTitle: 'PDM', Email: 'pdm@aws.example.com', FirstName: 'AWS', LastName: 'Partner Development Manager' }],
        ReceiverResponsibilities: ['Services Partner', 'Software Partner'],
        Customer: { CompanyName: 'Test Corp', CountryCode: 'US', Industry: 'Financial Services', WebsiteUrl: 'https://www.test.com' },
        Project: {
          Title: 'New Business Deal - 5372',
          BusinessProblem: 'A very important problem goes here ValidAWSCreate',
          TargetCompletionDate: '2029-10-05',
          ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
        },
      },
    });
    const rawInvitation = (await callRaw(endpoint, 'GetEngagementInvitation', { Catalog: 'Sandbox', Identifier: invitationId }, RECEIVER)).body;
    for (const hidden of ['410 Terry Ave N', 'Seattle', '98109', '123456789012', 'jane.doe@test.com', 'A custom data pipeline']) {
      assert.ok(!rawInvitation.includes(hidden), `the invitation must not reveal ${hidden}`);
    }

    // Accept with the ARN, 8m17.499s later (the real capture's pace).
    await advance(8 * 60_000 + 17_499);
    const acceptTime = at(5000 + 8 * 60_000 + 17_499);
    const task = await start(RECEIVER, summary.Arn!, 'postman-accept');
    assert.equal(task.$metadata.httpStatusCode, 200);
    assert.match(task.TaskId!, TASK_ID);
    assert.match(task.ResourceSnapshotJobId!, JOB_ID);
    assert.deepEqual(taskFields(task), {
      TaskId: task.TaskId,
      TaskArn: taskArn('Sandbox', task.TaskId!),
      StartTime: new Date(acceptTime),
      TaskStatus: 'COMPLETE',
      EngagementInvitationId: invitationId, // the bare id although the ARN was sent (decision 14)
      OpportunityId: created.Id, // the referral opportunity itself (behavior.md §1.5(a))
      ResourceSnapshotJobId: task.ResourceSnapshotJobId,
    });
    const opportunityId = created.Id!;
    const jobId = task.ResourceSnapshotJobId!;

    // GetOpportunity: Approved, Prospect, every detail the invitation hid, CreatedDate before the invitation.
    const opp = await as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opportunityId }));
    const input = referralInput('unused');
    assert.equal(opp.Id, opportunityId);
    assert.equal(opp.Arn, opportunityArn(RECEIVER, 'Sandbox', opportunityId));
    assert.equal(opp.Catalog, 'Sandbox');
    assert.deepEqual(opp.LifeCycle, { Stage: 'Prospect', TargetCloseDate: '2029-10-05', ReviewStatus: 'Approved' });
    assert.deepEqual(opp.Customer, input.Customer);
    assert.deepEqual(opp.Project, input.Project);
    assert.deepEqual(opp.Marketing, { Source: 'None' });
    assert.deepEqual(opp.PrimaryNeedsFromAws, ['Co-Sell - Architectural Validation']);
    assert.equal(opp.OpportunityTeam!.length, 2);
    assert.equal(opp.OpportunityTeam![0]!.BusinessTitle, 'OpportunityOwner');
    assert.deepEqual(opp.OpportunityTeam![1], input.OpportunityTeam![0]);
    assert.deepEqual(opp.RelatedEntityIdentifiers, EMPTY_RELATED_ENTITIES);
    assert.equal(opp.CreatedDate!.toISOString(), T0);
    assert.ok(opp.CreatedDate!.getTime() < Date.parse(invitationDate));
    assert.equal(opp.LastModifiedDate!.toISOString(), acceptTime);

    // GetEngagement: AWS's engagement, now with the caller as its second member.
    const eng = await as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: engagementId }));
    assert.equal(eng.Id, engagementId);
    assert.equal(eng.Arn, engagementArn('Sandbox', engagementId));
    assert.equal(eng.Title, 'New Business Deal - 5372');
    assert.equal(eng.Description, 'A very important problem goes here ValidAWSCreate');
    assert.equal(eng.CreatedBy, 'aws');
    assert.equal(eng.CreatedAt!.toISOString(), T0);
    assert.equal(eng.MemberCount, 2);
    assert.equal(eng.ModifiedBy, RECEIVER);
    assert.equal(eng.ModifiedAt!.toISOString(), acceptTime);

    const members = await as(RECEIVER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: engagementId }));
    assert.deepEqual(members.EngagementMemberList, [
      { AccountId: 'aws', CompanyName: 'AWS', WebsiteUrl: 'www.aws.com' },
      { AccountId: RECEIVER, CompanyName: `Partner ${RECEIVER}`, WebsiteUrl: `https://partner-${RECEIVER}.example.com` },
    ]);
    assert.equal(members.NextToken, undefined);

    // How a partner finds the engagement from its opportunity.
    const assoc = await as(RECEIVER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', ResourceIdentifier: opportunityId }));
    assert.deepEqual(assoc.EngagementResourceAssociationSummaries, [
      { Catalog: 'Sandbox', EngagementId: engagementId, ResourceType: 'Opportunity', ResourceId: opportunityId, CreatedBy: RECEIVER },
    ]);

    const job = await as(RECEIVER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: jobId }));
    const { $metadata: _jm, ...jobFields } = job;
    assert.deepEqual(jobFields, {
      Catalog: 'Sandbox',
      Id: jobId,
      Arn: `arn:aws:partnercentral:us-east-1:${RECEIVER}:catalog/Sandbox/resource-snapshot-job/${jobId}`,
      EngagementId: engagementId,
      ResourceType: 'Opportunity',
      ResourceId: opportunityId,
      ResourceArn: opportunityArn(RECEIVER, 'Sandbox', opportunityId),
      ResourceSnapshotTemplateName: 'OpportunitySummaryView',
      CreatedAt: new Date(acceptTime),
      Status: 'Running',
      // Its first run is the revision-1 snapshot, taken at acceptance.
      LastSuccessfulExecutionDate: new Date(acceptTime),
    });
    const jobs = await as(RECEIVER).send(new ListResourceSnapshotJobsCommand({ Catalog: 'Sandbox' }));
    assert.deepEqual(jobs.ResourceSnapshotJobSummaries, [{ Id: jobId, Arn: job.Arn, EngagementId: engagementId, Status: 'Running' }]);

    const snap = await as(RECEIVER).send(
      new GetResourceSnapshotCommand({
        Catalog: 'Sandbox',
        EngagementIdentifier: engagementId,
        ResourceType: 'Opportunity',
        ResourceIdentifier: opportunityId,
        ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView',
      }),
    );
    assert.equal(snap.Revision, 1);
    assert.equal(snap.Arn, snapshotArn('Sandbox', engagementId, opportunityId, 1));
    assert.equal(snap.CreatedBy, RECEIVER);
    assert.equal(snap.CreatedAt!.toISOString(), acceptTime);
    assert.equal(snap.EngagementId, engagementId);
    assert.equal(snap.ResourceType, 'Opportunity');
    assert.equal(snap.ResourceId, opportunityId);
    assert.equal(snap.ResourceSnapshotTemplateName, 'OpportunitySummaryView');
    assert.deepEqual(snap.TargetMemberAccounts, ['aws']);
    const view = snap.Payload!.OpportunitySummary!;
    assert.deepEqual(view.Lifecycle, { Stage: 'Prospect', TargetCloseDate: '2029-10-05', ReviewStatus: 'Approved' }); // `Lifecycle`, lowercase c
    assert.deepEqual(view.Customer, input.Customer);
    assert.equal(view.OpportunityType, 'Net New Business');
    assert.deepEqual(view.PrimaryNeedsFromAws, ['Co-Sell - Architectural Validation']);
    assert.deepEqual(view.Project, {
      CustomerUseCase: 'AI Machine Learning and Analytics',
      DeliveryModels: ['SaaS or PaaS'],
      ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      OtherSolutionDescription: 'A custom data pipeline',
      SalesActivities: ['Initialized discussions with customer'],
    });
    const rawSnapshot = (
      await callRaw(
        endpoint,
        'GetResourceSnapshot',
        { Catalog: 'Sandbox', EngagementIdentifier: engagementId, ResourceType: 'Opportunity', ResourceIdentifier: opportunityId, ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView' },
        RECEIVER,
      )
    ).json() as { Payload: { OpportunitySummary: Record<string, unknown> } };
    assert.ok('Lifecycle' in rawSnapshot.Payload.OpportunitySummary && !('LifeCycle' in rawSnapshot.Payload.OpportunitySummary));
    const snaps = await as(RECEIVER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: engagementId }));
    assert.deepEqual(snaps.ResourceSnapshotSummaries, [
      { Arn: snap.Arn, Revision: 1, ResourceType: 'Opportunity', ResourceId: opportunityId, ResourceSnapshotTemplateName: 'OpportunitySummaryView', CreatedBy: RECEIVER },
    ]);

    const tasks = await tasksOf(RECEIVER);
    assert.deepEqual(tasks.map(taskFields), [taskFields(task)]);

    // Events to the receiver, in order (decision 13); AWS as sender gets none.
    const received = await events(RECEIVER);
    assert.deepEqual(types(received), [
      'Engagement Invitation Created',
      'Engagement Invitation Accepted',
      'Engagement Member Added',
      'Opportunity Created',
      'Opportunity Updated',
      'Engagement Resource Snapshot Created',
    ]);
    assert.deepEqual(await events('aws'), []);
    assert.equal(await allEventCount(), 6);
    for (const e of received) {
      assert.equal(e.version, '0');
      assert.match(String(e.id), UUID);
      assert.equal(e.source, 'aws.partnercentral-selling');
      assert.equal(e.account, RECEIVER);
      assert.equal(e.region, 'us-east-1');
    }
    const invArn = invitationArn('Sandbox', invitationId);
    const engArn = engagementArn('Sandbox', engagementId);
    const [createdEv, acceptedEv, memberEv, oppCreatedEv, oppUpdatedEv, snapEv] = received;
    assert.deepEqual(createdEv!.resources, [invArn]);
    assert.deepEqual(createdEv!.detail, {
      catalog: 'Sandbox',
      schemaVersion: '1.0',
      engagementInvitation: {
        arn: invArn,
        id: invitationId,
        engagementId,
        senderAccountId: 'aws',
        receiverAccountId: RECEIVER,
        senderCompanyName: 'AWS',
        expirationDate,
        participantType: 'RECEIVER',
        payloadType: 'OpportunityInvitation',
      },
    });
    const acceptedAt = eventTime(acceptTime);
    assert.deepEqual(
      { time: acceptedEv!.time, resources: acceptedEv!.resources, detail: acceptedEv!.detail },
      {
        time: acceptedAt,
        resources: [invArn],
        detail: {
          catalog: 'Sandbox',
          engagementInvitation: {
            arn: invArn,
            id: invitationId,
            engagementId,
            senderAccountId: 'aws',
            receiverAccountId: RECEIVER,
            participantType: 'RECEIVER',
            payloadType: 'OpportunityInvitation',
          },
        },
      },
    );
    assert.deepEqual(
      { time: memberEv!.time, resources: memberEv!.resources, detail: memberEv!.detail },
      {
        time: acceptedAt,
        resources: [engArn],
        detail: { catalog: 'Sandbox', engagement: { id: engagementId }, engagementMember: { accountId: RECEIVER, companyName: `Partner ${RECEIVER}` } },
      },
    );
    for (const ev of [oppCreatedEv!, oppUpdatedEv!]) {
      assert.deepEqual(
        { time: ev.time, resources: ev.resources, detail: ev.detail },
        { time: acceptedAt, resources: [], detail: { schemaVersion: '1', catalog: 'Sandbox', opportunity: { identifier: opportunityId } } },
      );
    }
    assert.deepEqual(
      { time: snapEv!.time, resources: snapEv!.resources, detail: snapEv!.detail },
      {
        time: acceptedAt,
        resources: [engArn],
        detail: {
          schemaVersion: '1',
          catalog: 'Sandbox',
          resourceSnapshot: {
            arn: snapshotArn('Sandbox', engagementId, opportunityId, 1),
            engagementId,
            resourceId: opportunityId,
            resourceType: 'Opportunity',
            resourceSnapshotTemplateName: 'OpportunitySummaryView',
            createdBy: RECEIVER,
            targetMemberAccounts: ['aws'],
          },
        },
      },
    );

    // The invitation now reads ACCEPTED and no longer lists as PENDING.
    assert.equal(await invitationStatus(RECEIVER, invitationId), 'ACCEPTED');
    assert.deepEqual((await as(RECEIVER).send(new ListEngagementInvitationsCommand(listQuery))).EngagementInvitationSummaries, []);
  });
});

describe('a partner → partner invitation', () => {
  it("builds the receiver's opportunity from the payload; the sender gets Accepted and Member Added only", async () => {
    const sent = await invitation(RECEIVER, SENDER);
    assert.equal(sent.invitationDate, T0);
    const inv = await as(RECEIVER).send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: sent.invitationId }));
    assert.equal(inv.SenderAwsAccountId, SENDER);
    assert.equal(inv.SenderCompanyName, `Partner ${SENDER}`);
    assert.deepEqual(inv.ExistingMembers, [{ CompanyName: `Partner ${SENDER}`, WebsiteUrl: `https://partner-${SENDER}.example.com` }]);
    assert.equal(inv.ExpirationDate!.toISOString(), at(15 * DAY));

    await advance('1m');
    const task = await start(RECEIVER, sent.invitationId, 'p2p-accept');
    assert.equal(task.TaskStatus, 'COMPLETE');
    assert.equal(task.EngagementInvitationId, sent.invitationId);
    assert.match(task.OpportunityId!, OPPORTUNITY_ID);
    assert.notEqual(task.OpportunityId, sent.sourceOpportunityId);

    const opp = await as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: task.OpportunityId! }));
    const { $metadata: _m, ...fields } = opp;
    assert.deepEqual(fields, {
      Catalog: 'Sandbox',
      Id: task.OpportunityId,
      Arn: opportunityArn(RECEIVER, 'Sandbox', task.OpportunityId!),
      Customer: {
        Account: { CompanyName: 'Company20', Industry: 'Agriculture', WebsiteUrl: 'https://www.company20.example.com', Address: { CountryCode: 'US' } },
        Contacts: [],
      },
      Project: {
        Title: 'Project32',
        CustomerBusinessProblem: 'The customer needs to modernise its crop analytics platform.',
        ExpectedCustomerSpend: [{ Amount: '10000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      },
      // The sender's opportunity is Submitted, so the receiver's copy is too (behavior.md §1.5(b)).
      LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2025-10-04', ReviewStatus: 'Submitted' },
      PrimaryNeedsFromAws: ['Do Not Need Support from AWS Sales Rep'],
      NationalSecurity: 'No',
      OpportunityType: 'Net New Business',
      Marketing: { Source: 'None' },
      OpportunityTeam: [{ BusinessTitle: 'OpportunityOwner', Email: `alliance-lead-${RECEIVER}@example.com`, FirstName: 'Alliance', LastName: 'Lead' }],
      RelatedEntityIdentifiers: EMPTY_RELATED_ENTITIES,
      CreatedDate: new Date(at(60_000)),
      LastModifiedDate: new Date(at(60_000)),
    });

    const eng = await as(SENDER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: sent.engagementId }));
    assert.equal(eng.CreatedBy, SENDER);
    assert.equal(eng.MemberCount, 2);
    assert.equal(eng.ModifiedBy, RECEIVER);
    assert.equal(eng.ModifiedAt!.toISOString(), at(60_000));
    assert.deepEqual(await memberIds(SENDER, sent.engagementId), [SENDER, RECEIVER]);

    const invArn = invitationArn('Sandbox', sent.invitationId);
    const toSender = await events(SENDER);
    // The simulated sender is complete: its own snapshot (revision 1) came first (src/simulations/partner-invitation.ts).
    assert.deepEqual(types(toSender), ['Engagement Resource Snapshot Created', 'Engagement Invitation Created', 'Engagement Invitation Accepted', 'Engagement Member Added']);
    assert.deepEqual(toSender[2]!.detail, {
      catalog: 'Sandbox',
      engagementInvitation: {
        arn: invArn,
        id: sent.invitationId,
        engagementId: sent.engagementId,
        senderAccountId: SENDER,
        receiverAccountId: RECEIVER,
        participantType: 'SENDER',
        payloadType: 'OpportunityInvitation',
      },
    });
    assert.deepEqual(toSender[3]!.detail, {
      catalog: 'Sandbox',
      engagement: { id: sent.engagementId },
      engagementMember: { accountId: RECEIVER, companyName: `Partner ${RECEIVER}` },
    });
    for (const e of toSender) assert.equal(e.account, SENDER);
    assert.deepEqual(types(await events(RECEIVER)), [
      'Engagement Invitation Created',
      'Engagement Invitation Accepted',
      'Engagement Member Added',
      'Opportunity Created',
      'Opportunity Updated',
      'Engagement Resource Snapshot Created',
    ]);
    // The snapshot is shared with the sender (a member) even though it is not notified; the sender's own is there too.
    const snaps = await as(SENDER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: sent.engagementId }));
    assert.deepEqual(
      snaps.ResourceSnapshotSummaries!.map((s) => [s.ResourceId, s.Revision, s.CreatedBy]).sort(),
      [[task.OpportunityId, 1, RECEIVER], [sent.sourceOpportunityId, 1, SENDER]].sort(),
    );
  });

  it('a receiver joining a bigger engagement: every existing member hears Member Added', async () => {
    const first = await invitation(RECEIVER, SENDER);
    await start(RECEIVER, first.invitationId, 'join-1');
    const second = await invitation(OUTSIDER, SENDER, { engagementId: first.engagementId });
    const before = { sender: (await events(SENDER)).length, receiver: (await events(RECEIVER)).length };
    const task = await start(OUTSIDER, second.invitationId, 'join-2');
    assert.equal(task.TaskStatus, 'COMPLETE');
    const senderNew = (await events(SENDER)).slice(before.sender);
    const receiverNew = (await events(RECEIVER)).slice(before.receiver);
    assert.deepEqual(types(senderNew), ['Engagement Invitation Accepted', 'Engagement Member Added']);
    assert.deepEqual(types(receiverNew), ['Engagement Member Added']);
    assert.deepEqual(receiverNew[0]!.detail, {
      catalog: 'Sandbox',
      engagement: { id: first.engagementId },
      engagementMember: { accountId: OUTSIDER, companyName: `Partner ${OUTSIDER}` },
    });
    assert.deepEqual(await memberIds(RECEIVER, first.engagementId), [SENDER, RECEIVER, OUTSIDER]);
  });

  it('AWS inviting a second partner into its referral engagement: the revealed opportunity is that partner\'s own', async () => {
    const ref = await sandboxReferral();
    await start(RECEIVER, ref.invitationId, 'first-partner');
    const second = (await controlOk('invitations', {
      receiverAccountId: OUTSIDER,
      catalog: 'Sandbox',
      opportunity: PARTNER_OPPORTUNITY,
      engagementId: ref.engagementId,
    })) as unknown as ControlInvitation;
    const inv = await as(OUTSIDER).send(new GetEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: second.invitationId }));
    assert.equal(inv.SenderAwsAccountId, 'aws');
    assert.equal(inv.InvitationMessage, AWS_REFERRAL_MESSAGE);
    assert.deepEqual(inv.ExistingMembers, [
      { CompanyName: 'AWS', WebsiteUrl: 'www.aws.com' },
      { CompanyName: `Partner ${RECEIVER}`, WebsiteUrl: `https://partner-${RECEIVER}.example.com` },
    ]);
    await sdkError(as(OUTSIDER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: second.sourceOpportunityId })), 'ResourceNotFoundException');
    const receiverEvents = (await events(RECEIVER)).length;
    const task = await start(OUTSIDER, second.invitationId, 'second-partner');
    assert.equal(task.OpportunityId, second.sourceOpportunityId);
    assert.equal((await as(OUTSIDER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: task.OpportunityId! }))).LifeCycle!.ReviewStatus, 'Approved');
    assert.deepEqual(await memberIds(OUTSIDER, ref.engagementId), ['aws', RECEIVER, OUTSIDER]);
    // The first partner, a member, hears of the newcomer; AWS as sender hears nothing.
    assert.deepEqual(types((await events(RECEIVER)).slice(receiverEvents)), ['Engagement Member Added']);
    assert.deepEqual(await events('aws'), []);
  });

  it('the control plane will not invite a member, or a partner already invited, into the same engagement again', async () => {
    const first = await invitation(RECEIVER, SENDER);
    const body = { receiverAccountId: RECEIVER, senderAccountId: SENDER, catalog: 'Sandbox', opportunity: PARTNER_OPPORTUNITY, engagementId: first.engagementId };
    const pending = await control(endpoint, 'invitations', body);
    assert.equal(pending.status, 400);
    assert.deepEqual(pending.json(), { error: `The receiver ${RECEIVER} already has a PENDING invitation to engagement ${first.engagementId}.` });
    await start(RECEIVER, first.invitationId, 'member-once');
    const member = await control(endpoint, 'invitations', body);
    assert.equal(member.status, 400);
    assert.deepEqual(member.json(), { error: `The receiver ${RECEIVER} is already a member of engagement ${first.engagementId}.` });
    // So a partner never holds two opportunities in one engagement.
    const links = await as(SENDER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', EngagementIdentifier: first.engagementId }));
    // The simulated sender's opportunity is associated from the start (src/simulations/partner-invitation.ts).
    assert.deepEqual(links.EngagementResourceAssociationSummaries!.map((l) => l.CreatedBy), [SENDER, RECEIVER]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('idempotency (decision 9)', () => {
  it('same token and body → the same task with its current status; no second opportunity, no new events', async () => {
    const ref = await sandboxReferral();
    const first = await start(RECEIVER, ref.invitationArn, 'replay-token');
    assert.equal(first.TaskStatus, 'COMPLETE');
    const eventsBefore = await allEventCount();
    await advance('1h');
    const again = await start(RECEIVER, ref.invitationArn, 'replay-token');
    assert.deepEqual(taskFields(again), taskFields(first));
    assert.deepEqual(await opportunityIds(RECEIVER), [ref.opportunityId]);
    assert.equal(await allEventCount(), eventsBefore);
    assert.equal((await tasksOf(RECEIVER)).length, 1);
    assert.equal((await as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: ref.engagementId }))).MemberCount, 2);
  });

  it('a replay while the task runs shows IN_PROGRESS, then COMPLETE with the same TaskId, TaskArn and StartTime', async () => {
    const ref = await sandboxReferral();
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const first = await start(RECEIVER, ref.invitationId, 'replay-async');
    assert.equal(first.TaskStatus, 'IN_PROGRESS');
    const replayed = await start(RECEIVER, ref.invitationId, 'replay-async');
    assert.deepEqual(taskFields(replayed), taskFields(first));
    await advance('61s');
    const done = await start(RECEIVER, ref.invitationId, 'replay-async');
    assert.equal(done.TaskStatus, 'COMPLETE');
    assert.equal(done.TaskId, first.TaskId);
    assert.equal(done.TaskArn, first.TaskArn);
    assert.equal(done.StartTime!.toISOString(), T0);
    assert.equal(done.OpportunityId, ref.opportunityId);
    assert.match(done.ResourceSnapshotJobId!, JOB_ID);
    assert.equal((await tasksOf(RECEIVER)).length, 1);
  });

  it('the same token with another body → ConflictException, and nothing happens', async () => {
    const ref = await sandboxReferral();
    const first = await start(RECEIVER, ref.invitationId, 'conflict-token');
    const eventsBefore = await allEventCount();
    const err = await sdkError(start(RECEIVER, ref.invitationId, 'conflict-token', { Tags: [{ Key: 'Team', Value: 'Alliances' }] }), 'ConflictException');
    assert.equal(err.message, CONFLICTING_TOKEN);
    assert.equal(err.$metadata.httpStatusCode, 409);
    // The same token with the ARN instead of the id is another body too.
    const raw = await callRaw(endpoint, 'StartEngagementByAcceptingInvitationTask', { Catalog: 'Sandbox', Identifier: ref.invitationArn, ClientToken: 'conflict-token' }, RECEIVER);
    assert.equal(raw.status, 409);
    assert.deepEqual(raw.json(), { __type: 'com.amazonaws.partnercentralselling#ConflictException', Message: CONFLICTING_TOKEN });
    assert.equal(await allEventCount(), eventsBefore);
    assert.deepEqual((await tasksOf(RECEIVER)).map((t) => t.TaskId), [first.TaskId]);
    // The original body still replays.
    assert.deepEqual(taskFields(await start(RECEIVER, ref.invitationId, 'conflict-token')), taskFields(first));
  });

  it('Tags on the request go on the created opportunity', async () => {
    const ref = await sandboxReferral();
    const tags = [
      { Key: 'Environment', Value: 'Production' },
      { Key: 'CostCenter', Value: '123' },
    ];
    const task = await start(RECEIVER, ref.invitationId, 'tagged', { Tags: tags });
    assert.equal(task.TaskStatus, 'COMPLETE');
    const arn = opportunityArn(RECEIVER, 'Sandbox', task.OpportunityId!);
    const listed = await as(RECEIVER).send(new ListTagsForResourceCommand({ ResourceArn: arn }));
    assert.deepEqual(listed.Tags, tags);
  });

  it("Tags merge with the referral opportunity's own tags; the request's value wins for the same key", async () => {
    const created = await as(RECEIVER).send(
      new CreateOpportunityCommand({ ...referralInput('tagged-referral'), Tags: [{ Key: 'Source', Value: 'Referral' }, { Key: 'Team', Value: 'Old' }] }),
    );
    const [inv] = (await as(RECEIVER).send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }))).EngagementInvitationSummaries!;
    const task = await start(RECEIVER, inv!.Id!, 'tag-merge', { Tags: [{ Key: 'Team', Value: 'Alliances' }] });
    assert.equal(task.OpportunityId, created.Id);
    const listed = await as(RECEIVER).send(new ListTagsForResourceCommand({ ResourceArn: opportunityArn(RECEIVER, 'Sandbox', created.Id!) }));
    assert.deepEqual(listed.Tags, [
      { Key: 'Source', Value: 'Referral' },
      { Key: 'Team', Value: 'Alliances' },
    ]);
  });

  it('unknown members and explicit nulls do not make another body (decisions 4 and 9)', async () => {
    const ref = await sandboxReferral();
    const first = await callRaw(endpoint, 'StartEngagementByAcceptingInvitationTask', { Catalog: 'Sandbox', Identifier: ref.invitationId, ClientToken: 'raw-token' }, RECEIVER);
    assert.equal(first.status, 200);
    // Decision 4: an unset member is omitted, never null.
    assert.deepEqual(Object.keys(first.json()).sort(), ['EngagementInvitationId', 'OpportunityId', 'ResourceSnapshotJobId', 'StartTime', 'TaskArn', 'TaskId', 'TaskStatus']);
    const again = await callRaw(
      endpoint,
      'StartEngagementByAcceptingInvitationTask',
      { Catalog: 'Sandbox', Identifier: ref.invitationId, ClientToken: 'raw-token', Tags: null, SomethingElse: 'ignored' },
      RECEIVER,
    );
    assert.equal(again.status, 200);
    assert.deepEqual(again.json(), first.json());
  });

  it('a token is remembered for 24 hours, then it starts a new task', async () => {
    const ref = await sandboxReferral();
    const first = await start(RECEIVER, ref.invitationId, 'day-token');
    await advance(24 * 3_600_000 - 1);
    assert.equal((await start(RECEIVER, ref.invitationId, 'day-token')).TaskId, first.TaskId);
    await advance(1);
    const later = await start(RECEIVER, ref.invitationId, 'day-token');
    assert.notEqual(later.TaskId, first.TaskId);
    assert.equal(later.TaskStatus, 'FAILED');
    assert.equal(later.ReasonCode, 'EngagementInvitationConflict');
    assert.deepEqual(await opportunityIds(RECEIVER), [ref.opportunityId]);
  });

  it('tokens are scoped by account and catalog', async () => {
    const mine = await sandboxReferral(RECEIVER);
    const theirs = await sandboxReferral(OUTSIDER);
    const a = await start(RECEIVER, mine.invitationId, 'shared-token');
    const b = await start(OUTSIDER, theirs.invitationId, 'shared-token');
    assert.equal(a.TaskStatus, 'COMPLETE');
    assert.equal(b.TaskStatus, 'COMPLETE');
    assert.notEqual(a.TaskId, b.TaskId);
    const aws = await controlOk('invitations', { receiverAccountId: RECEIVER, catalog: 'AWS', opportunity: PARTNER_OPPORTUNITY });
    const c = await start(RECEIVER, String(aws.invitationId), 'shared-token', { Catalog: 'AWS' });
    assert.equal(c.TaskStatus, 'COMPLETE');
    assert.equal(c.TaskArn, taskArn('AWS', c.TaskId!));
    assert.notEqual(c.TaskId, a.TaskId);
    // An AWS-catalog referral reveals the opportunity AWS prepared, as in the Sandbox.
    assert.equal(c.OpportunityId, aws.sourceOpportunityId);
    const opp = await as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'AWS', Identifier: c.OpportunityId! }));
    assert.deepEqual(opp.LifeCycle, { Stage: 'Prospect', TargetCloseDate: '2025-10-04', ReviewStatus: 'Approved' });
  });

  it('a request refused synchronously does not use up its token', async () => {
    await sdkError(start(RECEIVER, 'engi-0000000000000', 'retry-token'), 'ResourceNotFoundException');
    const ref = await sandboxReferral();
    const task = await start(RECEIVER, ref.invitationId, 'retry-token');
    assert.equal(task.TaskStatus, 'COMPLETE');
  });
});

// ------------------------------------------------------------------------------------------------------------

/** Everything a failed accept must leave as it was. */
async function stateOf(receiver: string, inv: { invitationId: string; engagementId: string }, reader = receiver) {
  return {
    status: await invitationStatus(receiver, inv.invitationId),
    members: await memberIds(reader, inv.engagementId),
    opportunities: await opportunityIds(receiver),
    events: await allEventCount(),
  };
}

function assertFailed(task: StartEngagementByAcceptingInvitationTaskCommandOutput, reasonCode: string, message: string, invitationId: string) {
  assert.match(task.TaskId!, TASK_ID);
  assert.deepEqual(taskFields(task), {
    TaskId: task.TaskId,
    TaskArn: taskArn('Sandbox', task.TaskId!),
    StartTime: task.StartTime,
    TaskStatus: 'FAILED',
    ReasonCode: reasonCode,
    Message: message,
    EngagementInvitationId: invitationId,
  });
  // One sentence.
  assert.match(message, /^[A-Z][^.]*(\.[^ .][^.]*)*\.$/);
}

describe('failure outcomes are FAILED tasks (decision 12)', () => {
  it('the sender accepting its own invitation → InvitationAccessDenied', async () => {
    const sent = await invitation(RECEIVER, SENDER);
    const before = await stateOf(RECEIVER, sent, SENDER);
    const task = await start(SENDER, sent.invitationArn, 'sender-accepts');
    assertFailed(
      task,
      'InvitationAccessDenied',
      `Only the receiver of engagement invitation ${sent.invitationId} can accept it; account ${SENDER} is its sender.`,
      sent.invitationId,
    );
    assert.equal(task.StartTime!.toISOString(), T0);
    assert.deepEqual(await stateOf(RECEIVER, sent, SENDER), before);
    assert.deepEqual(before.members, [SENDER]);
    assert.deepEqual(await opportunityIds(SENDER), [sent.sourceOpportunityId]);
    // The FAILED task is the sender's, listed for the sender only.
    assert.deepEqual((await tasksOf(SENDER)).map(taskFields), [taskFields(task)]);
    assert.deepEqual(await tasksOf(RECEIVER), []);
  });

  it('an already ACCEPTED invitation with a new token → EngagementInvitationConflict', async () => {
    const ref = await sandboxReferral();
    const first = await start(RECEIVER, ref.invitationId, 'accept-1');
    const before = await stateOf(RECEIVER, ref);
    const second = await start(RECEIVER, ref.invitationId, 'accept-2');
    assertFailed(
      second,
      'EngagementInvitationConflict',
      `Engagement invitation ${ref.invitationId} is already ACCEPTED and cannot be accepted again.`,
      ref.invitationId,
    );
    assert.notEqual(second.TaskId, first.TaskId);
    assert.deepEqual(await stateOf(RECEIVER, ref), before);
    assert.deepEqual(before.opportunities, [ref.opportunityId]);
    assert.deepEqual(before.members, ['aws', RECEIVER]);
  });

  it('a REJECTED invitation → EngagementInvitationConflict', async () => {
    const ref = await sandboxReferral();
    await as(RECEIVER).send(new RejectEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: ref.invitationId, RejectionReason: 'Customer problem unclear' }));
    const eventsBefore = await allEventCount();
    const task = await start(RECEIVER, ref.invitationArn, 'accept-rejected');
    assertFailed(
      task,
      'EngagementInvitationConflict',
      `Engagement invitation ${ref.invitationId} is already REJECTED and cannot be accepted again.`,
      ref.invitationId,
    );
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'REJECTED');
    assert.deepEqual(await opportunityIds(RECEIVER), []);
    assert.equal(await allEventCount(), eventsBefore);
    // Still no member of AWS's engagement.
    await sdkError(as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: ref.engagementId })), 'AccessDeniedException');
  });

  it('expired by moving the clock 15 days → InvitationValidationFailed; EXPIRED, with the Expired event to both sides', async () => {
    const sent = await invitation(RECEIVER, SENDER);
    const ref = await sandboxReferral();
    // One millisecond before ExpirationDate nothing expires.
    await advance(15 * DAY - 1);
    assert.equal(await invitationStatus(RECEIVER, sent.invitationId), 'PENDING');
    assert.deepEqual(types(await events(SENDER)), ['Engagement Resource Snapshot Created', 'Engagement Invitation Created']);
    await advance(1);
    // Moving the clock expired both; the events are already there before anyone reads the invitations.
    const toSender = await events(SENDER);
    assert.deepEqual(types(toSender), ['Engagement Resource Snapshot Created', 'Engagement Invitation Created', 'Engagement Invitation Expired']);
    assert.deepEqual(toSender[2]!.detail, {
      catalog: 'Sandbox',
      engagementInvitation: {
        arn: sent.invitationArn,
        id: sent.invitationId,
        engagementId: sent.engagementId,
        senderAccountId: SENDER,
        receiverAccountId: RECEIVER,
        participantType: 'SENDER',
        payloadType: 'OpportunityInvitation',
      },
    });
    assert.equal(toSender[2]!.time, eventTime(at(15 * DAY)));
    const toReceiver = await events(RECEIVER);
    assert.deepEqual(
      toReceiver.map((e) => [e['detail-type'], (e.detail as { engagementInvitation: { id: string } }).engagementInvitation.id]).sort(),
      [
        ['Engagement Invitation Created', ref.invitationId],
        ['Engagement Invitation Created', sent.invitationId],
        ['Engagement Invitation Expired', ref.invitationId],
        ['Engagement Invitation Expired', sent.invitationId],
      ].sort(),
    );
    assert.equal(await invitationStatus(RECEIVER, sent.invitationId), 'EXPIRED');
    assert.equal(await invitationStatus(SENDER, sent.invitationId), 'EXPIRED');

    const before = await stateOf(RECEIVER, sent, SENDER);
    for (const [inv, token] of [[sent, 'late-1'], [ref, 'late-2']] as const) {
      const task = await start(RECEIVER, inv.invitationId, token);
      assertFailed(
        task,
        'InvitationValidationFailed',
        `Engagement invitation ${inv.invitationId} expired on ${at(15 * DAY)} and can no longer be accepted.`,
        inv.invitationId,
      );
    }
    assert.deepEqual(await stateOf(RECEIVER, sent, SENDER), before);
    assert.deepEqual(before.opportunities, []);
    assert.deepEqual(before.members, [SENDER]);
  });

  it('an engagement already at 10 members → ServiceQuotaExceeded for the 11th', async () => {
    const partners = Array.from({ length: 10 }, (_, i) => String(400000000001 + i));
    const first = await invitation(partners[0]!, SENDER);
    const invitations = [first];
    for (const p of partners.slice(1)) invitations.push(await invitation(p, SENDER, { engagementId: first.engagementId }));
    for (let i = 0; i < 9; i++) {
      const t = await start(partners[i]!, invitations[i]!.invitationId, `quota-${i}`);
      assert.equal(t.TaskStatus, 'COMPLETE', `accept #${i + 1}: ${t.Message}`);
    }
    const eng = await as(SENDER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: first.engagementId }));
    assert.equal(eng.MemberCount, 10);
    const last = partners[9]!;
    const lastInvitation = invitations[9]!;
    const before = await stateOf(last, lastInvitation, SENDER);
    const task = await start(last, lastInvitation.invitationId, 'quota-11th');
    assertFailed(
      task,
      'ServiceQuotaExceeded',
      `Engagement ${first.engagementId} already has 10 members, the most an engagement can have.`,
      lastInvitation.invitationId,
    );
    assert.deepEqual(await stateOf(last, lastInvitation, SENDER), before);
    assert.equal(before.status, 'PENDING');
    assert.equal(before.members.length, 10);
    assert.ok(!before.members.includes(last));
    assert.deepEqual(before.opportunities, []);
  });

  it('a forced failure (control plane) → FAILED with the configured ReasonCode and Message; clearing it restores success', async () => {
    const ref = await sandboxReferral();
    await configure({ forcedTaskFailure: { reasonCode: 'InternalError', message: 'The engagement service is unavailable.' } });
    const eventsBefore = await allEventCount();
    const task = await start(RECEIVER, ref.invitationId, 'forced');
    assertFailed(task, 'InternalError', 'The engagement service is unavailable.', ref.invitationId);
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'PENDING');
    assert.deepEqual(await opportunityIds(RECEIVER), []);
    assert.equal(await allEventCount(), eventsBefore);
    await sdkError(as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: ref.opportunityId })), 'ResourceNotFoundException');
    await sdkError(as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: ref.engagementId })), 'AccessDeniedException');
    // The forced outcome belongs to the task: replaying it stays FAILED even after the fault is cleared.
    await configure({ forcedTaskFailure: null });
    assert.deepEqual(taskFields(await start(RECEIVER, ref.invitationId, 'forced')), taskFields(task));
    const retry = await start(RECEIVER, ref.invitationId, 'forced-retry');
    assert.equal(retry.TaskStatus, 'COMPLETE');
    assert.equal(retry.OpportunityId, ref.opportunityId);
  });
});

describe('synchronous refusals (decision 10)', () => {
  it('an unknown invitation → ResourceNotFoundException, and no task', async () => {
    const err = await sdkError(start(RECEIVER, 'engi-0000000000000', 'unknown'), 'ResourceNotFoundException');
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.equal(err.message, 'Engagement invitation engi-0000000000000 was not found in catalog Sandbox.');
    await sdkError(start(RECEIVER, invitationArn('Sandbox', 'engi-0000000000000'), 'unknown-arn'), 'ResourceNotFoundException');
    assert.deepEqual(await tasksOf(RECEIVER), []);
  });

  it('an account that is neither sender nor receiver → ResourceNotFoundException, and the invitation is untouched', async () => {
    const sent = await invitation(RECEIVER, SENDER);
    const eventsBefore = await allEventCount();
    for (const id of [sent.invitationId, sent.invitationArn]) {
      const err = await sdkError(start(OUTSIDER, id, `outsider-${id.length}`), 'ResourceNotFoundException');
      assert.equal(err.message, `Engagement invitation ${sent.invitationId} was not found in catalog Sandbox.`);
    }
    assert.deepEqual(await tasksOf(OUTSIDER), []);
    assert.equal(await invitationStatus(RECEIVER, sent.invitationId), 'PENDING');
    assert.equal(await allEventCount(), eventsBefore);
  });

  it('a malformed Identifier → ValidationException', async () => {
    const ref = await sandboxReferral();
    for (const bad of [
      'engi-123',
      'ENGI-ABCDEFGHIJKLM',
      'O1234567',
      'arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement-invitation/not-an-id',
      // ARNs of other resource types, even when they end in a real invitation id.
      `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/${ref.invitationId}`,
      `arn:aws:partnercentral:us-east-1:${RECEIVER}:catalog/Sandbox/opportunity/${ref.invitationId}`,
      `arn:aws:s3:::bucket/${ref.invitationId}`,
    ]) {
      const err = await sdkError(start(RECEIVER, bad, `bad-${bad}`), 'ValidationException');
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.ErrorList[0].FieldName, 'identifier');
      assert.equal(err.ErrorList[0].Code, 'INVALID_STRING_FORMAT');
    }
    assert.deepEqual(await tasksOf(RECEIVER), []);
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'PENDING');
  });

  it('catalogs are separate: a Sandbox invitation cannot be accepted under AWS', async () => {
    const ref = await sandboxReferral();
    await sdkError(start(RECEIVER, ref.invitationId, 'wrong-catalog', { Catalog: 'AWS' }), 'ResourceNotFoundException');
    await sdkError(start(RECEIVER, ref.invitationArn, 'wrong-catalog-arn', { Catalog: 'AWS' }), 'ResourceNotFoundException');
    assert.deepEqual(await tasksOf(RECEIVER, 'AWS'), []);
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'PENDING');
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('async progression (decision 11)', () => {
  it('Start answers IN_PROGRESS; advancing the clock past taskDelayMs completes the task', async () => {
    const ref = await sandboxReferral();
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const task = await start(RECEIVER, ref.invitationArn, 'async-1');
    assert.deepEqual(taskFields(task), {
      TaskId: task.TaskId,
      TaskArn: taskArn('Sandbox', task.TaskId!),
      StartTime: new Date(T0),
      TaskStatus: 'IN_PROGRESS',
      EngagementInvitationId: ref.invitationId,
    });
    // Nothing has happened yet.
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'PENDING');
    assert.deepEqual(await opportunityIds(RECEIVER), []);
    assert.deepEqual(types(await events(RECEIVER)), ['Engagement Invitation Created']);
    assert.equal((await tasksOf(RECEIVER))[0]!.TaskStatus, 'IN_PROGRESS');

    await advance('2m');
    const done = await pollUntil(async () => {
      const [t] = await tasksOf(RECEIVER);
      return t?.TaskStatus === 'COMPLETE' ? t : undefined;
    });
    assert.deepEqual(taskFields(done), {
      TaskId: task.TaskId,
      TaskArn: task.TaskArn,
      StartTime: new Date(T0),
      TaskStatus: 'COMPLETE',
      EngagementInvitationId: ref.invitationId,
      OpportunityId: ref.opportunityId,
      ResourceSnapshotJobId: done.ResourceSnapshotJobId,
    });
    assert.match(done.ResourceSnapshotJobId!, JOB_ID);
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'ACCEPTED');
    // The work happened when the task ran (T0 + 2 min), not when it was started.
    const opp = await as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: ref.opportunityId }));
    assert.equal(opp.LastModifiedDate!.toISOString(), at(120_000));
    assert.equal(opp.LifeCycle!.ReviewStatus, 'Approved');
  });

  it('the task completes in the background: nobody has to read it', async () => {
    const ref = await sandboxReferral();
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const task = await start(RECEIVER, ref.invitationId, 'background');
    await advance('1m');
    // Watch the invitation and the event feed, never the task, so only the runner's timer can finish it.
    const accepted = await pollUntil(async () => ((await invitationStatus(RECEIVER, ref.invitationId)) === 'ACCEPTED' ? true : undefined));
    assert.equal(accepted, true);
    assert.deepEqual(types(await events(RECEIVER)).slice(1), [
      'Engagement Invitation Accepted',
      'Engagement Member Added',
      'Opportunity Created',
      'Opportunity Updated',
      'Engagement Resource Snapshot Created',
    ]);
    const [done] = await tasksOf(RECEIVER);
    assert.equal(done!.TaskId, task.TaskId);
    assert.equal(done!.TaskStatus, 'COMPLETE');
  });

  it('with the clock running, a short taskDelayMs elapses on its own', async () => {
    const ref = await sandboxReferral();
    await controlOk('clock', { freeze: false });
    await configure({ taskProgression: 'async', taskDelayMs: 300 });
    const task = await start(RECEIVER, ref.invitationId, 'real-time');
    assert.equal(task.TaskStatus, 'IN_PROGRESS');
    await pollUntil(async () => ((await invitationStatus(RECEIVER, ref.invitationId)) === 'ACCEPTED' ? true : undefined));
    assert.equal((await tasksOf(RECEIVER))[0]!.TaskStatus, 'COMPLETE');
  });

  it('taskPolls: 2 completes the task on its second read', async () => {
    const ref = await sandboxReferral();
    await configure({ taskProgression: 'async', taskPolls: 2 });
    const task = await start(RECEIVER, ref.invitationId, 'polls');
    assert.equal(task.TaskStatus, 'IN_PROGRESS');
    const read1 = await tasksOf(RECEIVER);
    assert.equal(read1[0]!.TaskStatus, 'IN_PROGRESS');
    assert.equal(read1[0]!.OpportunityId, undefined);
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'PENDING');
    const read2 = await tasksOf(RECEIVER);
    assert.equal(read2[0]!.TaskId, task.TaskId);
    assert.equal(read2[0]!.TaskStatus, 'COMPLETE');
    assert.equal(read2[0]!.OpportunityId, ref.opportunityId);
    assert.equal(await invitationStatus(RECEIVER, ref.invitationId), 'ACCEPTED');
  });

  it('taskPolls: a replayed Start counts as a read too', async () => {
    const ref = await sandboxReferral();
    await configure({ taskProgression: 'async', taskPolls: 2 });
    const task = await start(RECEIVER, ref.invitationId, 'polls-replay');
    assert.equal((await start(RECEIVER, ref.invitationId, 'polls-replay')).TaskStatus, 'IN_PROGRESS');
    const read2 = await start(RECEIVER, ref.invitationId, 'polls-replay');
    assert.equal(read2.TaskId, task.TaskId);
    assert.equal(read2.TaskStatus, 'COMPLETE');
    assert.equal(read2.OpportunityId, ref.opportunityId);
  });

  it('an invitation rejected while the task waits → the task fails EngagementInvitationConflict', async () => {
    const ref = await sandboxReferral();
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const task = await start(RECEIVER, ref.invitationId, 'race-reject');
    await as(RECEIVER).send(new RejectEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: ref.invitationId, RejectionReason: 'Other' }));
    await advance('2m');
    const done = await pollUntil(async () => {
      const [t] = await tasksOf(RECEIVER);
      return t?.TaskStatus !== 'IN_PROGRESS' ? t : undefined;
    });
    assert.equal(done.TaskId, task.TaskId);
    assert.equal(done.TaskStatus, 'FAILED');
    assert.equal(done.ReasonCode, 'EngagementInvitationConflict');
    assert.equal(done.Message, `Engagement invitation ${ref.invitationId} is already REJECTED and cannot be accepted again.`);
    assert.deepEqual(await opportunityIds(RECEIVER), []);
  });

  it('two tasks waiting on one invitation: one completes, the other fails; one opportunity', async () => {
    const sent = await invitation(RECEIVER, SENDER);
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const a = await start(RECEIVER, sent.invitationId, 'twin-a');
    await advance('1s');
    const b = await start(RECEIVER, sent.invitationId, 'twin-b');
    await advance('2m');
    const done = await pollUntil(async () => {
      const list = await tasksOf(RECEIVER);
      return list.every((t) => t.TaskStatus !== 'IN_PROGRESS') ? list : undefined;
    });
    const byId = new Map(done.map((t) => [t.TaskId, t]));
    assert.equal(byId.get(a.TaskId)!.TaskStatus, 'COMPLETE');
    assert.equal(byId.get(b.TaskId)!.TaskStatus, 'FAILED');
    assert.equal(byId.get(b.TaskId)!.ReasonCode, 'EngagementInvitationConflict');
    assert.deepEqual(await opportunityIds(RECEIVER), [byId.get(a.TaskId)!.OpportunityId]);
    assert.deepEqual(await memberIds(RECEIVER, sent.engagementId), [SENDER, RECEIVER]);
  });
});

// ------------------------------------------------------------------------------------------------------------

describe('ListEngagementByAcceptingInvitationTasks (decision 15)', () => {
  /** Three referrals accepted one minute apart (the middle one twice), plus other accounts' and catalogs' tasks. */
  async function fixture() {
    const refs = [];
    for (let i = 0; i < 3; i++) refs.push(await sandboxReferral(RECEIVER, `Deal ${i}`));
    const t1 = await start(RECEIVER, refs[0]!.invitationId, 'list-1');
    await advance('1m');
    const t2 = await start(RECEIVER, refs[1]!.invitationId, 'list-2');
    await advance('1m');
    const t3 = await start(RECEIVER, refs[1]!.invitationId, 'list-3'); // FAILED: already accepted
    await advance('1m');
    const t4 = await start(RECEIVER, refs[2]!.invitationId, 'list-4');
    // Noise: another account's task and the caller's own task in the AWS catalog.
    const other = await sandboxReferral(OUTSIDER);
    await start(OUTSIDER, other.invitationId, 'list-other');
    const aws = await controlOk('invitations', { receiverAccountId: RECEIVER, catalog: 'AWS', opportunity: PARTNER_OPPORTUNITY });
    await start(RECEIVER, String(aws.invitationId), 'list-aws', { Catalog: 'AWS' });
    return { refs, t1, t2, t3, t4 };
  }
  const list = async (input: Record<string, unknown> = {}) =>
    (await as(RECEIVER).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', ...input }))).TaskSummaries!.map((t) => t.TaskId);

  it("lists only the caller's tasks in that catalog, newest first by default; ASCENDING reverses", async () => {
    const { t1, t2, t3, t4 } = await fixture();
    assert.equal(t3.TaskStatus, 'FAILED');
    const all = await as(RECEIVER).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox' }));
    assert.deepEqual(all.TaskSummaries!.map(taskFields), [t4, t3, t2, t1].map(taskFields));
    assert.equal(all.NextToken, undefined);
    assert.deepEqual(await list({ Sort: { SortBy: 'StartTime', SortOrder: 'DESCENDING' } }), [t4, t3, t2, t1].map((t) => t.TaskId));
    assert.deepEqual(await list({ Sort: { SortBy: 'StartTime', SortOrder: 'ASCENDING' } }), [t1, t2, t3, t4].map((t) => t.TaskId));
    assert.equal((await tasksOf(RECEIVER, 'AWS')).length, 1);
    assert.equal((await tasksOf(OUTSIDER)).length, 1);
    assert.deepEqual(await tasksOf(SENDER), []);
  });

  it('filters: AND across, OR within', async () => {
    const { refs, t1, t2, t3, t4 } = await fixture();
    const ids = (...ts: Array<{ TaskId?: string }>) => ts.map((t) => t.TaskId);
    assert.deepEqual(await list({ TaskStatus: ['FAILED'] }), ids(t3));
    assert.deepEqual(await list({ TaskStatus: ['COMPLETE', 'FAILED'] }), ids(t4, t3, t2, t1));
    assert.deepEqual(await list({ TaskStatus: ['IN_PROGRESS'] }), []);
    assert.deepEqual(await list({ OpportunityIdentifier: [refs[0]!.opportunityId, refs[2]!.opportunityId] }), ids(t4, t1));
    assert.deepEqual(await list({ EngagementInvitationIdentifier: [refs[1]!.invitationId] }), ids(t3, t2));
    assert.deepEqual(await list({ EngagementInvitationIdentifier: [refs[1]!.invitationArn, refs[0]!.invitationId] }), ids(t3, t2, t1));
    assert.deepEqual(await list({ TaskIdentifier: [t1.TaskId, t4.TaskArn] }), ids(t4, t1));
    // AND across filters.
    assert.deepEqual(await list({ EngagementInvitationIdentifier: [refs[1]!.invitationId], TaskStatus: ['COMPLETE'] }), ids(t2));
    assert.deepEqual(await list({ TaskIdentifier: [t1.TaskId, t2.TaskId], OpportunityIdentifier: [refs[1]!.opportunityId] }), ids(t2));
    assert.deepEqual(await list({ TaskIdentifier: [t1.TaskId], TaskStatus: ['FAILED'] }), []);
  });

  it('paginates with the SDK paginator; a token used with other filters → ValidationException on nextToken', async () => {
    const { t1, t2, t3, t4 } = await fixture();
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListEngagementByAcceptingInvitationTasks({ client: as(RECEIVER), pageSize }, { Catalog: 'Sandbox' })) pages.push(page);
      assert.equal(pages.length, Math.ceil(4 / pageSize));
      assert.deepEqual(pages.flatMap((p) => p.TaskSummaries!.map((t) => t.TaskId)), [t4, t3, t2, t1].map((t) => t.TaskId));
      assert.equal(pages.at(-1)!.NextToken, undefined);
      const tokens = pages.slice(0, -1).map((p) => p.NextToken);
      for (const t of tokens) assert.equal(typeof t, 'string');
      assert.equal(new Set(tokens).size, tokens.length, 'tokens are never repeated');
    }
    const first = await as(RECEIVER).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', MaxResults: 1 }));
    const err = await sdkError(
      as(RECEIVER).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken, TaskStatus: ['COMPLETE'] })),
      'ValidationException',
    );
    assert.equal(err.ErrorList[0].FieldName, 'nextToken');
    // Another account cannot continue the caller's listing either.
    await sdkError(
      as(OUTSIDER).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken })),
      'ValidationException',
    );
    // A changed MaxResults keeps the token valid.
    const rest = await as(RECEIVER).send(new ListEngagementByAcceptingInvitationTasksCommand({ Catalog: 'Sandbox', MaxResults: 10, NextToken: first.NextToken }));
    assert.deepEqual(rest.TaskSummaries!.map((t) => t.TaskId), [t3, t2, t1].map((t) => t.TaskId));
    assert.equal(rest.NextToken, undefined);
  });
});
