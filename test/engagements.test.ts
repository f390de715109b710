// Engagements and what hangs off them after invitations are accepted: GetEngagement, ListEngagements,
// ListEngagementMembers, ListEngagementResourceAssociations, Get/ListResourceSnapshotJob(s) and
// Get/ListResourceSnapshot(s), black-box through the official SDK and the control plane.
// Spec: behavior.md §4, §5, §6 and decisions 13, 19.
//
// Every test starts from a reset server with the business clock frozen at T0, so every timestamp is exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetEngagementCommand,
  GetOpportunityCommand,
  GetResourceSnapshotCommand,
  GetResourceSnapshotJobCommand,
  ListEngagementMembersCommand,
  ListEngagementResourceAssociationsCommand,
  ListEngagementsCommand,
  ListResourceSnapshotJobsCommand,
  ListResourceSnapshotsCommand,
  PutSellingSystemSettingsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  UpdateOpportunityCommand,
  paginateListEngagementMembers,
  paginateListEngagementResourceAssociations,
  paginateListEngagements,
  paginateListResourceSnapshotJobs,
  paginateListResourceSnapshots,
  type CreateOpportunityCommandInput,
  type GetResourceSnapshotCommandInput,
  type ListEngagementsCommandInput,
} from '@aws-sdk/client-partnercentral-selling';
import { awsReferralInput, createReferralAndFindInvitation, EMPTY_RELATED_ENTITIES, partnerOpportunity } from './fixtures.js';
import { AccountClients, controlOk as controlOkAt, eventsOf, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2025-02-12T00:16:20.244Z';
const SENDER = '222222222222';
const RECEIVER = '111111111111';
const OUTSIDER = '999999999999';
/** Five more partners joining SENDER's engagement after RECEIVER. */
const PARTNERS = ['300000000001', '300000000002', '300000000003', '300000000004', '300000000005'];
const MINUTE = 60_000;

const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const engagementArn = (catalog: string, id: string) => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement/${id}`;
const jobArn = (account: string, id: string) => `arn:aws:partnercentral:us-east-1:${account}:catalog/Sandbox/resource-snapshot-job/${id}`;
const snapshotArn = (eng: string, opp: string, revision: number) =>
  `${engagementArn('Sandbox', eng)}/resource/Opportunity/${opp}/template/OpportunitySummaryView/snapshot/${revision}`;

const referralInput = (title: string): CreateOpportunityCommandInput =>
  awsReferralInput(`referral-${title}`, title, {
    opportunity: { OpportunityType: 'Net New Business', NationalSecurity: 'No' },
    account: { Address: { City: 'Seattle', StateOrRegion: 'Washington', PostalCode: '98109', CountryCode: 'US' } },
    project: {
      CustomerUseCase: 'Migration / Database Migration',
      DeliveryModels: ['Professional Services'],
      ExpectedCustomerSpend: [{ Amount: '2500', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
    },
  });

const PARTNER_OPPORTUNITY = partnerOpportunity();

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const advance = (by: string | number) => controlOk('clock', { advance: by });

async function accept(account: string, invitationId: string) {
  const task = await as(account).send(
    new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: invitationId, ClientToken: `accept-${invitationId}` }),
  );
  assert.equal(task.TaskStatus, 'COMPLETE', task.Message);
  return { opportunityId: task.OpportunityId!, jobId: task.ResourceSnapshotJobId! };
}

/** An accepted Sandbox AWS referral. */
async function acceptedReferral(account: string, title: string) {
  const { invitation } = await createReferralAndFindInvitation(as(account), referralInput(title));
  const accepted = await accept(account, invitation.Id!);
  return { ...accepted, engagementId: invitation.EngagementId!, createdAt: invitation.InvitationDate!.toISOString() };
}

/**
 * The world most tests read, one minute per step:
 *   T0+0  SENDER invites RECEIVER (a new engagement "consortium", created by SENDER)
 *   T0+1  RECEIVER accepts
 *   T0+2… PARTNERS[i] are invited into the consortium and accept, one per minute (6 members in the end)
 *   then  RECEIVER accepts two Sandbox AWS referrals ("Deal A", "Deal B"), a minute apart
 */
async function world() {
  const first = await controlOk('invitations', { receiverAccountId: RECEIVER, senderAccountId: SENDER, catalog: 'Sandbox', opportunity: PARTNER_OPPORTUNITY });
  const consortium = first.engagementId as string;
  await advance(MINUTE);
  const receiver = await accept(RECEIVER, first.invitationId);
  const partners: Array<{ opportunityId: string; jobId: string }> = [];
  for (const p of PARTNERS) {
    await advance(MINUTE);
    const inv = await controlOk('invitations', { receiverAccountId: p, senderAccountId: SENDER, catalog: 'Sandbox', opportunity: PARTNER_OPPORTUNITY, engagementId: consortium });
    partners.push(await accept(p, inv.invitationId));
  }
  await advance(MINUTE);
  const dealA = await acceptedReferral(RECEIVER, 'Deal A');
  await advance(MINUTE);
  const dealB = await acceptedReferral(RECEIVER, 'Deal B');
  return { consortium, senderOpportunityId: first.sourceOpportunityId as string, receiver, partners, dealA, dealB };
}

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

describe('GetEngagement and ListEngagements', () => {
  it('GetEngagement: exact fields for a partner engagement and an AWS referral engagement, by id or ARN', async () => {
    const w = await world();
    const c = await as(SENDER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: w.consortium }));
    const { $metadata: _m, ...fields } = c;
    assert.deepEqual(fields, {
      Id: w.consortium,
      Arn: engagementArn('Sandbox', w.consortium),
      Title: 'Project32',
      Description: 'The customer needs to modernise its crop analytics platform.',
      CreatedAt: new Date(T0),
      CreatedBy: SENDER,
      MemberCount: 7,
      ModifiedAt: new Date(at(6 * MINUTE)),
      ModifiedBy: PARTNERS[4],
      Contexts: [],
    });
    const byArn = await as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: engagementArn('Sandbox', w.consortium) }));
    assert.equal(byArn.Id, w.consortium);
    assert.equal(byArn.MemberCount, 7);

    const ref = await as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: w.dealA.engagementId }));
    assert.equal(ref.CreatedBy, 'aws');
    assert.equal(ref.CreatedAt!.toISOString(), at(7 * MINUTE));
    assert.equal(ref.MemberCount, 2);
    assert.equal(ref.ModifiedBy, RECEIVER);
    assert.equal(ref.ModifiedAt!.toISOString(), at(7 * MINUTE));
    assert.equal(ref.Title, 'Deal A');
    assert.deepEqual(ref.Contexts, [
      {
        Id: '1',
        Type: 'CustomerProject',
        Payload: {
          CustomerProject: {
            Customer: { CompanyName: 'Test Corp', CountryCode: 'US', Industry: 'Financial Services', WebsiteUrl: 'https://www.test.com' },
            Project: { Title: 'Deal A', BusinessProblem: 'A very important problem goes here ValidAWSCreate', TargetCompletionDate: '2029-10-05' },
          },
        },
      },
    ]);
  });

  it('GetEngagement: a non-member → AccessDenied, unknown → ResourceNotFound, other catalog → ResourceNotFound', async () => {
    const w = await world();
    const denied = await sdkError(as(OUTSIDER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: w.consortium })), 'AccessDeniedException');
    assert.equal(denied.$metadata.httpStatusCode, 403);
    // A partner that is in another engagement is still no member of this one.
    await sdkError(as(SENDER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: w.dealA.engagementId })), 'AccessDeniedException');
    await sdkError(as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: 'eng-00000000000000' })), 'ResourceNotFoundException');
    await sdkError(as(RECEIVER).send(new GetEngagementCommand({ Catalog: 'AWS', Identifier: w.consortium })), 'ResourceNotFoundException');
  });

  it('ListEngagements: only engagements the caller is a member of, newest first; filters and sort', async () => {
    const w = await world();
    const q = async (account: string, input: Partial<ListEngagementsCommandInput> = {}) =>
      (await as(account).send(new ListEngagementsCommand({ Catalog: 'Sandbox', ...input }))).EngagementSummaryList!.map((e) => e.Id);
    const all = await as(RECEIVER).send(new ListEngagementsCommand({ Catalog: 'Sandbox' }));
    assert.equal(all.NextToken, undefined);
    assert.deepEqual(
      all.EngagementSummaryList!.map((e) => e.Id),
      [w.dealB.engagementId, w.dealA.engagementId, w.consortium],
    );
    assert.deepEqual(all.EngagementSummaryList![2], {
      Arn: engagementArn('Sandbox', w.consortium),
      Id: w.consortium,
      Title: 'Project32',
      CreatedAt: new Date(T0),
      CreatedBy: SENDER,
      MemberCount: 7,
      ModifiedAt: new Date(at(6 * MINUTE)),
      ModifiedBy: PARTNERS[4],
      ContextTypes: [],
    });
    assert.deepEqual(all.EngagementSummaryList![0]!.ContextTypes, ['CustomerProject']);
    assert.deepEqual(await q(RECEIVER, { Sort: { SortBy: 'CreatedDate', SortOrder: 'ASCENDING' } }), [w.consortium, w.dealA.engagementId, w.dealB.engagementId]);
    assert.deepEqual(await q(RECEIVER, { CreatedBy: ['aws'] }), [w.dealB.engagementId, w.dealA.engagementId]);
    assert.deepEqual(await q(RECEIVER, { CreatedBy: [SENDER, 'aws'] }), [w.dealB.engagementId, w.dealA.engagementId, w.consortium]);
    assert.deepEqual(await q(RECEIVER, { ExcludeCreatedBy: ['aws'] }), [w.consortium]);
    assert.deepEqual(await q(RECEIVER, { ContextTypes: ['CustomerProject'] }), [w.dealB.engagementId, w.dealA.engagementId]);
    assert.deepEqual(await q(RECEIVER, { ExcludeContextTypes: ['CustomerProject'] }), [w.consortium]);
    assert.deepEqual(await q(RECEIVER, { EngagementIdentifier: [w.dealA.engagementId, engagementArn('Sandbox', w.consortium)] }), [w.dealA.engagementId, w.consortium]);
    assert.deepEqual(await q(RECEIVER, { CreatedBy: ['aws'], EngagementIdentifier: [w.consortium] }), []);
    assert.deepEqual(await q(SENDER), [w.consortium]);
    assert.deepEqual(await q(OUTSIDER), []);
    assert.deepEqual(
      (await as(RECEIVER).send(new ListEngagementsCommand({ Catalog: 'AWS' }))).EngagementSummaryList,
      [],
    );
  });
});

describe('ListEngagementMembers', () => {
  it('members in join order; default page of 5; members only', async () => {
    const w = await world();
    const first = await as(PARTNERS[2]!).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: w.consortium }));
    assert.equal(first.EngagementMemberList!.length, 5);
    assert.deepEqual(first.EngagementMemberList![0], { AccountId: SENDER, CompanyName: `Partner ${SENDER}`, WebsiteUrl: `https://partner-${SENDER}.example.com` });
    assert.equal(typeof first.NextToken, 'string');
    const rest = await as(PARTNERS[2]!).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: engagementArn('Sandbox', w.consortium), NextToken: first.NextToken }));
    assert.equal(rest.NextToken, undefined);
    assert.deepEqual(
      [...first.EngagementMemberList!, ...rest.EngagementMemberList!].map((m) => m.AccountId),
      [SENDER, RECEIVER, ...PARTNERS],
    );
    await sdkError(as(OUTSIDER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: w.consortium })), 'AccessDeniedException');
    await sdkError(as(RECEIVER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: 'eng-00000000000000' })), 'ResourceNotFoundException');
    const refMembers = await as(RECEIVER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: w.dealA.engagementId }));
    assert.deepEqual(refMembers.EngagementMemberList!.map((m) => [m.AccountId, m.CompanyName, m.WebsiteUrl]), [
      ['aws', 'AWS', 'www.aws.com'],
      [RECEIVER, `Partner ${RECEIVER}`, `https://partner-${RECEIVER}.example.com`],
    ]);
  });

  it('paginator with pageSize 1 and 2: complete, no repeats, no token on the last page; foreign tokens refused', async () => {
    const w = await world();
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListEngagementMembers({ client: as(RECEIVER), pageSize }, { Catalog: 'Sandbox', Identifier: w.consortium })) pages.push(page);
      assert.equal(pages.length, Math.ceil(7 / pageSize));
      assert.deepEqual(pages.flatMap((p) => p.EngagementMemberList!.map((m) => m.AccountId)), [SENDER, RECEIVER, ...PARTNERS]);
      assert.equal(pages.at(-1)!.NextToken, undefined);
    }
    const first = await as(RECEIVER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: w.consortium, MaxResults: 2 }));
    const err = await sdkError(
      as(RECEIVER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: w.dealA.engagementId, MaxResults: 2, NextToken: first.NextToken })),
      'ValidationException',
    );
    assert.equal(err.ErrorList[0].FieldName, 'nextToken');
  });
});

describe('ListEngagementResourceAssociations', () => {
  it("every member sees the engagement's associations; filters narrow them; non-members see none", async () => {
    const w = await world();
    const q = async (account: string, input: Record<string, string> = {}) =>
      (await as(account).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', ...input }))).EngagementResourceAssociationSummaries!;
    const bySender = await q(SENDER);
    // The sender's own opportunity comes first: the control plane's simulated sender is associated from the start.
    assert.deepEqual(
      bySender.map((a) => [a.EngagementId, a.ResourceId, a.CreatedBy]),
      [
        [w.consortium, w.senderOpportunityId, SENDER],
        [w.consortium, w.receiver.opportunityId, RECEIVER],
        ...w.partners.map((p, i) => [w.consortium, p.opportunityId, PARTNERS[i]]),
      ],
    );
    assert.deepEqual(bySender[1], { Catalog: 'Sandbox', EngagementId: w.consortium, ResourceType: 'Opportunity', ResourceId: w.receiver.opportunityId, CreatedBy: RECEIVER });
    assert.deepEqual(
      (await q(RECEIVER)).map((a) => a.ResourceId),
      [w.senderOpportunityId, w.receiver.opportunityId, ...w.partners.map((p) => p.opportunityId), w.dealA.opportunityId, w.dealB.opportunityId],
    );
    assert.deepEqual((await q(RECEIVER, { ResourceIdentifier: w.dealB.opportunityId })).map((a) => a.EngagementId), [w.dealB.engagementId]);
    assert.deepEqual((await q(RECEIVER, { EngagementIdentifier: w.dealA.engagementId })).map((a) => a.ResourceId), [w.dealA.opportunityId]);
    assert.deepEqual((await q(SENDER, { CreatedBy: PARTNERS[1]! })).map((a) => a.ResourceId), [w.partners[1]!.opportunityId]);
    assert.deepEqual((await q(RECEIVER, { CreatedBy: RECEIVER, EngagementIdentifier: w.consortium })).map((a) => a.ResourceId), [w.receiver.opportunityId]);
    assert.deepEqual((await q(RECEIVER, { ResourceType: 'Opportunity', EngagementIdentifier: w.dealB.engagementId })).map((a) => a.ResourceId), [w.dealB.opportunityId]);
    // SENDER is no member of RECEIVER's referral engagements.
    assert.deepEqual(await q(SENDER, { ResourceIdentifier: w.dealA.opportunityId }), []);
    assert.deepEqual(await q(OUTSIDER), []);
  });

  it('paginator with pageSize 1 and 2; foreign tokens refused', async () => {
    const w = await world();
    const expected = [w.senderOpportunityId, w.receiver.opportunityId, ...w.partners.map((p) => p.opportunityId)];
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListEngagementResourceAssociations({ client: as(SENDER), pageSize }, { Catalog: 'Sandbox', EngagementIdentifier: w.consortium })) {
        pages.push(page);
      }
      assert.equal(pages.length, Math.ceil(expected.length / pageSize));
      assert.deepEqual(pages.flatMap((p) => p.EngagementResourceAssociationSummaries!.map((a) => a.ResourceId)), expected);
      assert.equal(pages.at(-1)!.NextToken, undefined);
    }
    const first = await as(SENDER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', EngagementIdentifier: w.consortium, MaxResults: 1 }));
    const err = await sdkError(
      as(SENDER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken, CreatedBy: RECEIVER })),
      'ValidationException',
    );
    assert.equal(err.ErrorList[0].FieldName, 'nextToken');
  });
});

describe('resource snapshot jobs', () => {
  it("GetResourceSnapshotJob answers the job's owner only", async () => {
    const w = await world();
    const job = await as(RECEIVER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: w.receiver.jobId }));
    const { $metadata: _m, ...fields } = job;
    assert.deepEqual(fields, {
      Catalog: 'Sandbox',
      Id: w.receiver.jobId,
      Arn: jobArn(RECEIVER, w.receiver.jobId),
      EngagementId: w.consortium,
      ResourceType: 'Opportunity',
      ResourceId: w.receiver.opportunityId,
      ResourceArn: `arn:aws:partnercentral:us-east-1:${RECEIVER}:catalog/Sandbox/opportunity/${w.receiver.opportunityId}`,
      ResourceSnapshotTemplateName: 'OpportunitySummaryView',
      CreatedAt: new Date(at(MINUTE)),
      Status: 'Running',
      LastSuccessfulExecutionDate: new Date(at(MINUTE)),
    });
    // Jobs are account-scoped: a fellow member of the engagement cannot read it.
    await sdkError(as(SENDER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: w.receiver.jobId })), 'ResourceNotFoundException');
    await sdkError(as(RECEIVER).send(new GetResourceSnapshotJobCommand({ Catalog: 'AWS', ResourceSnapshotJobIdentifier: w.receiver.jobId })), 'ResourceNotFoundException');
    await sdkError(as(RECEIVER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: 'job-0000000000000' })), 'ResourceNotFoundException');
  });

  it("ListResourceSnapshotJobs: the caller's jobs, newest first; Status and EngagementIdentifier filters; sort", async () => {
    const w = await world();
    const q = async (input: Record<string, unknown> = {}) =>
      (await as(RECEIVER).send(new ListResourceSnapshotJobsCommand({ Catalog: 'Sandbox', ...input }))).ResourceSnapshotJobSummaries!;
    const all = await q();
    assert.deepEqual(all, [
      { Id: w.dealB.jobId, Arn: jobArn(RECEIVER, w.dealB.jobId), EngagementId: w.dealB.engagementId, Status: 'Running' },
      { Id: w.dealA.jobId, Arn: jobArn(RECEIVER, w.dealA.jobId), EngagementId: w.dealA.engagementId, Status: 'Running' },
      { Id: w.receiver.jobId, Arn: jobArn(RECEIVER, w.receiver.jobId), EngagementId: w.consortium, Status: 'Running' },
    ]);
    assert.deepEqual((await q({ Sort: { SortBy: 'CreatedDate', SortOrder: 'ASCENDING' } })).map((j) => j.Id), [w.receiver.jobId, w.dealA.jobId, w.dealB.jobId]);
    assert.deepEqual((await q({ Status: 'Running' })).map((j) => j.Id), [w.dealB.jobId, w.dealA.jobId, w.receiver.jobId]);
    assert.deepEqual(await q({ Status: 'Stopped' }), []);
    assert.deepEqual((await q({ EngagementIdentifier: w.consortium })).map((j) => j.Id), [w.receiver.jobId]);
    // The simulated sender's own job (src/simulations/partner-invitation.ts).
    const sender = await as(SENDER).send(new ListResourceSnapshotJobsCommand({ Catalog: 'Sandbox' }));
    assert.deepEqual(sender.ResourceSnapshotJobSummaries!.map((j) => [j.EngagementId, j.Status]), [[w.consortium, 'Running']]);
  });

  it('paginator with pageSize 1 and 2; foreign tokens refused', async () => {
    const w = await world();
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListResourceSnapshotJobs({ client: as(RECEIVER), pageSize }, { Catalog: 'Sandbox' })) pages.push(page);
      assert.equal(pages.length, Math.ceil(3 / pageSize));
      assert.deepEqual(pages.flatMap((p) => p.ResourceSnapshotJobSummaries!.map((j) => j.Id)), [w.dealB.jobId, w.dealA.jobId, w.receiver.jobId]);
      assert.equal(pages.at(-1)!.NextToken, undefined);
    }
    const first = await as(RECEIVER).send(new ListResourceSnapshotJobsCommand({ Catalog: 'Sandbox', MaxResults: 1 }));
    const err = await sdkError(
      as(RECEIVER).send(new ListResourceSnapshotJobsCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken, Status: 'Running' })),
      'ValidationException',
    );
    assert.equal(err.ErrorList[0].FieldName, 'nextToken');
  });
});

describe('resource snapshots', () => {
  const snapshotQuery = (engagementId: string, opportunityId: string, revision?: number): GetResourceSnapshotCommandInput => ({
    Catalog: 'Sandbox',
    EngagementIdentifier: engagementId,
    ResourceType: 'Opportunity',
    ResourceIdentifier: opportunityId,
    ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView',
    Revision: revision,
  });

  it("every member reads every member's snapshot; the payload is the OpportunitySummaryView of the opportunity", async () => {
    const w = await world();
    const snap = await as(SENDER).send(new GetResourceSnapshotCommand(snapshotQuery(w.consortium, w.partners[0]!.opportunityId)));
    const { $metadata: _m, ...fields } = snap;
    assert.deepEqual(fields, {
      Catalog: 'Sandbox',
      Arn: snapshotArn(w.consortium, w.partners[0]!.opportunityId, 1),
      CreatedBy: PARTNERS[0],
      CreatedAt: new Date(at(2 * MINUTE)),
      EngagementId: w.consortium,
      ResourceType: 'Opportunity',
      ResourceId: w.partners[0]!.opportunityId,
      ResourceSnapshotTemplateName: 'OpportunitySummaryView',
      Revision: 1,
      // Everyone who was a member when it was taken, except its owner.
      TargetMemberAccounts: [SENDER, RECEIVER],
      Payload: {
        OpportunitySummary: {
          OpportunityType: 'Net New Business',
          Lifecycle: { Stage: 'Prospect', TargetCloseDate: '2025-10-04', ReviewStatus: 'Submitted' },
          OpportunityTeam: [{ BusinessTitle: 'OpportunityOwner', Email: `alliance-lead-${PARTNERS[0]}@example.com`, FirstName: 'Alliance', LastName: 'Lead' }],
          PrimaryNeedsFromAws: ['Do Not Need Support from AWS Sales Rep'],
          Customer: {
            Account: { CompanyName: 'Company20', Industry: 'Agriculture', WebsiteUrl: 'https://www.company20.example.com', Address: { CountryCode: 'US' } },
            Contacts: [],
          },
          // The seed sent no spend: the referral defaults' (deterministic for this opportunity id) fill it in.
          Project: { ExpectedCustomerSpend: [{ Amount: '21000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
          RelatedEntityIdentifiers: EMPTY_RELATED_ENTITIES,
        },
      },
    });
    const explicit = await as(RECEIVER).send(new GetResourceSnapshotCommand(snapshotQuery(w.consortium, w.partners[0]!.opportunityId, 1)));
    assert.deepEqual(explicit.Payload, snap.Payload);
    await sdkError(as(RECEIVER).send(new GetResourceSnapshotCommand(snapshotQuery(w.consortium, w.partners[0]!.opportunityId, 2))), 'ResourceNotFoundException');
    await sdkError(
      as(RECEIVER).send(new GetResourceSnapshotCommand({ ...snapshotQuery(w.consortium, w.partners[0]!.opportunityId), ResourceSnapshotTemplateIdentifier: 'AwsOpportunitySummaryFullView' })),
      'ResourceNotFoundException',
    );
    await sdkError(as(RECEIVER).send(new GetResourceSnapshotCommand(snapshotQuery(w.consortium, w.dealA.opportunityId))), 'ResourceNotFoundException');
    await sdkError(as(OUTSIDER).send(new GetResourceSnapshotCommand(snapshotQuery(w.consortium, w.partners[0]!.opportunityId))), 'AccessDeniedException');
    await sdkError(as(SENDER).send(new GetResourceSnapshotCommand(snapshotQuery(w.dealA.engagementId, w.dealA.opportunityId))), 'AccessDeniedException');
  });

  it('ListResourceSnapshots: filters by resource, creator, template and type; members only', async () => {
    const w = await world();
    const q = async (account: string, input: Record<string, string> = {}) =>
      (await as(account).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: w.consortium, ...input }))).ResourceSnapshotSummaries!;
    const all = await q(SENDER);
    // The simulated sender's snapshot is there too (its opportunity was created first, so its id sorts first).
    const everyone = [w.senderOpportunityId, w.receiver.opportunityId, ...w.partners.map((x) => x.opportunityId)];
    assert.deepEqual(all.map((s) => s.ResourceId), everyone);
    assert.deepEqual(all[1], {
      Arn: snapshotArn(w.consortium, w.receiver.opportunityId, 1),
      Revision: 1,
      ResourceType: 'Opportunity',
      ResourceId: w.receiver.opportunityId,
      ResourceSnapshotTemplateName: 'OpportunitySummaryView',
      CreatedBy: RECEIVER,
    });
    assert.deepEqual((await q(RECEIVER, { CreatedBy: PARTNERS[3]! })).map((s) => s.ResourceId), [w.partners[3]!.opportunityId]);
    assert.deepEqual((await q(RECEIVER, { ResourceIdentifier: w.partners[1]!.opportunityId })).map((s) => s.CreatedBy), [PARTNERS[1]]);
    assert.deepEqual((await q(RECEIVER, { ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView', ResourceType: 'Opportunity' })).length, 7);
    assert.deepEqual(await q(RECEIVER, { ResourceSnapshotTemplateIdentifier: 'AwsOpportunitySummaryFullView' }), []);
    assert.deepEqual((await q(RECEIVER, { CreatedBy: SENDER })).map((s) => s.ResourceId), [w.senderOpportunityId]);
    await sdkError(q(OUTSIDER), 'AccessDeniedException');
  });

  it('paginator with pageSize 1 and 2; foreign tokens refused', async () => {
    const w = await world();
    const everyone = [w.senderOpportunityId, w.receiver.opportunityId, ...w.partners.map((x) => x.opportunityId)];
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListResourceSnapshots({ client: as(PARTNERS[4]!), pageSize }, { Catalog: 'Sandbox', EngagementIdentifier: w.consortium })) pages.push(page);
      assert.equal(pages.length, Math.ceil(everyone.length / pageSize));
      assert.deepEqual(pages.flatMap((p) => p.ResourceSnapshotSummaries!.map((s) => s.ResourceId)), everyone);
      assert.equal(pages.at(-1)!.NextToken, undefined);
    }
    const first = await as(SENDER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: w.consortium, MaxResults: 1 }));
    const err = await sdkError(
      as(SENDER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: w.consortium, MaxResults: 1, NextToken: first.NextToken, CreatedBy: RECEIVER })),
      'ValidationException',
    );
    assert.equal(err.ErrorList[0].FieldName, 'nextToken');
  });

  it('a change to the shared view makes revision 2 (job Running); the latest is returned without Revision', async () => {
    const deal = await acceptedReferral(RECEIVER, 'Deal R');
    // A running job writes revisions only with the account's job role set (behavior.md §4.5).
    await as(RECEIVER).send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: 'SnapshotJobRole' }));
    await advance('1h');
    const opp = await as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: deal.opportunityId }));
    const before = (await eventsOf(endpoint, { account: RECEIVER })).length;
    await as(RECEIVER).send(
      new UpdateOpportunityCommand({
        Catalog: 'Sandbox',
        Identifier: deal.opportunityId,
        LastModifiedDate: opp.LastModifiedDate,
        Customer: opp.Customer,
        Project: opp.Project,
        OpportunityType: opp.OpportunityType,
        NationalSecurity: opp.NationalSecurity,
        Marketing: opp.Marketing,
        LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2029-10-05' },
      }),
    );
    const latest = await as(RECEIVER).send(new GetResourceSnapshotCommand(snapshotQuery(deal.engagementId, deal.opportunityId)));
    assert.equal(latest.Revision, 2);
    assert.equal(latest.Arn, snapshotArn(deal.engagementId, deal.opportunityId, 2));
    assert.equal(latest.CreatedAt!.toISOString(), at(60 * MINUTE));
    assert.deepEqual(latest.Payload!.OpportunitySummary!.Lifecycle, { Stage: 'Qualified', TargetCloseDate: '2029-10-05', ReviewStatus: 'Approved' });
    const first = await as(RECEIVER).send(new GetResourceSnapshotCommand(snapshotQuery(deal.engagementId, deal.opportunityId, 1)));
    assert.deepEqual(first.Payload!.OpportunitySummary!.Lifecycle, { Stage: 'Prospect', TargetCloseDate: '2029-10-05', ReviewStatus: 'Approved' });
    const listed = await as(RECEIVER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: deal.engagementId }));
    assert.deepEqual(listed.ResourceSnapshotSummaries!.map((s) => s.Revision), [1, 2]);
    const job = await as(RECEIVER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: deal.jobId }));
    assert.equal(job.Status, 'Running');
    assert.equal(job.LastSuccessfulExecutionDate!.toISOString(), at(60 * MINUTE));
    assert.deepEqual(
      (await eventsOf(endpoint, { account: RECEIVER })).slice(before).map((e) => e['detail-type']),
      ['Opportunity Updated', 'Engagement Resource Snapshot Created'],
    );
  });
});

describe('ListEngagements paginator', () => {
  it('pageSize 1 and 2 over three engagements; foreign tokens refused', async () => {
    const w = await world();
    const expected = [w.dealB.engagementId, w.dealA.engagementId, w.consortium];
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListEngagements({ client: as(RECEIVER), pageSize }, { Catalog: 'Sandbox' })) pages.push(page);
      assert.equal(pages.length, Math.ceil(3 / pageSize));
      assert.deepEqual(pages.flatMap((p) => p.EngagementSummaryList!.map((e) => e.Id)), expected);
      assert.equal(pages.at(-1)!.NextToken, undefined);
    }
    const first = await as(RECEIVER).send(new ListEngagementsCommand({ Catalog: 'Sandbox', MaxResults: 1 }));
    const err = await sdkError(
      as(RECEIVER).send(new ListEngagementsCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken, CreatedBy: ['aws'] })),
      'ValidationException',
    );
    assert.equal(err.ErrorList[0].FieldName, 'nextToken');
    await sdkError(as(SENDER).send(new ListEngagementsCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken })), 'ValidationException');
  });
});
