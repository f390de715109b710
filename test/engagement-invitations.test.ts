// Engagement invitations: ListEngagementInvitations, GetEngagementInvitation, RejectEngagementInvitation and
// AcceptEngagementInvitation, the Sandbox AWS-referral simulation (decision 16) and expiry (decision 18),
// black-box through the official SDK, raw HTTP and the control plane. Spec: behavior.md §1.6, §2.2, §4.3, §5.
//
// Every test starts from a reset server with the business clock frozen at T0, so every timestamp is exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AcceptEngagementInvitationCommand,
  CreateOpportunityCommand,
  GetEngagementInvitationCommand,
  GetOpportunityCommand,
  ListEngagementInvitationsCommand,
  ListEngagementMembersCommand,
  RejectEngagementInvitationCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  paginateListEngagementInvitations,
  type CreateOpportunityCommandInput,
  type EngagementInvitationSummary,
  type ListEngagementInvitationsCommandInput,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { invitationKind } from '../src/store/kinds.js';
import { queryAll } from '../src/store/query-all.js';
import { awsReferralInput, createReferralAndFindInvitation, partnerOpportunity } from './fixtures.js';
import { AccountClients, callRaw, controlOk as controlOkAt, eventsOf, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2025-02-15T20:39:07.444Z';
const RECEIVER = '111111111111';
const SENDER = '222222222222';
const OUTSIDER = '333333333333';
const DAY = 86_400_000;
const AWS_REFERRAL_MESSAGE =
  'This invite is for an AWS originated referral. Accepting this invitation will create an AWS originated opportunity in your pipeline.';

const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const invitationArn = (catalog: string, id: string) => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement-invitation/${id}`;

const referralInput = (title: string): CreateOpportunityCommandInput =>
  awsReferralInput(`referral-${title}`, title, { account: { AwsAccountId: '123456789012' }, contact: { BusinessTitle: 'CTO' } });

const PARTNER_OPPORTUNITY = partnerOpportunity({ address: { PostalCode: '50309' } });

let server: RunningServer;
let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const advance = (by: string | number) => controlOk('clock', { advance: by });

/** A Sandbox AWS referral to `account`; returns the referral opportunity id and its invitation's summary. */
async function referral(title: string, account = RECEIVER) {
  const { opportunityId, invitation } = await createReferralAndFindInvitation(as(account), referralInput(title), {
    message: `one new invitation for ${title}`,
  });
  return { opportunityId, id: invitation.Id!, arn: invitation.Arn!, engagementId: invitation.EngagementId! };
}

async function partnerInvitation(receiverAccountId = RECEIVER, senderAccountId = SENDER, extra: Record<string, unknown> = {}) {
  const r = await controlOk('invitations', { receiverAccountId, senderAccountId, catalog: 'Sandbox', opportunity: PARTNER_OPPORTUNITY, ...extra });
  return { id: r.invitationId as string, arn: r.invitationArn as string, engagementId: r.engagementId as string };
}

const list = (account: string, input: Partial<ListEngagementInvitationsCommandInput> = {}) =>
  as(account).send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER', ...input }));
const ids = (summaries: EngagementInvitationSummary[] | undefined) => (summaries ?? []).map((s) => s.Id);
const get = (account: string, identifier: string, catalog = 'Sandbox') =>
  as(account).send(new GetEngagementInvitationCommand({ Catalog: catalog, Identifier: identifier }));
const reject = (account: string, identifier: string, reason?: string) =>
  as(account).send(new RejectEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: identifier, RejectionReason: reason }));
const eventCount = async () => (await eventsOf(endpoint)).length;

serverPerSuite(T0, (started) => {
  server = started;
  endpoint = started.endpoint;
}, clients);

describe('the Sandbox AWS-referral simulation (decision 16)', () => {
  it('CreateOpportunity with Origin "AWS Referral" sends a PENDING OpportunityInvitation from AWS, and hides the opportunity', async () => {
    const ref = await referral('A Partner Project Title - this field is now longer than forty characters');
    const inv = await get(RECEIVER, ref.id);
    const { $metadata: _m, ...fields } = inv;
    assert.deepEqual(fields, {
      Arn: invitationArn('Sandbox', ref.id),
      Catalog: 'Sandbox',
      Id: ref.id,
      EngagementId: ref.engagementId,
      // Truncated to the 40 characters an engagement title may have (behavior.md §2.2).
      EngagementTitle: 'A Partner Project Title - this field is ',
      EngagementDescription: 'A very important problem goes here ValidAWSCreate',
      PayloadType: 'OpportunityInvitation',
      Status: 'PENDING',
      InvitationDate: new Date(T0),
      ExpirationDate: new Date(at(15 * DAY)),
      SenderAwsAccountId: 'aws',
      SenderCompanyName: 'AWS',
      Receiver: { Account: { AwsAccountId: RECEIVER, Alias: `Partner account ${RECEIVER}` } },
      InvitationMessage: AWS_REFERRAL_MESSAGE,
      ExistingMembers: [{ CompanyName: 'AWS', WebsiteUrl: 'www.aws.com' }],
      Payload: {
        OpportunityInvitation: {
          SenderContacts: [{ BusinessTitle: 'PDM', Email: 'pdm@aws.example.com', FirstName: 'AWS', LastName: 'Partner Development Manager' }],
          ReceiverResponsibilities: ['Services Partner', 'Software Partner'],
          Customer: { CompanyName: 'Test Corp', CountryCode: 'US', Industry: 'Financial Services', WebsiteUrl: 'https://www.test.com' },
          Project: {
            Title: 'A Partner Project Title - this field is now longer than forty characters',
            BusinessProblem: 'A very important problem goes here ValidAWSCreate',
            TargetCompletionDate: '2029-10-05',
            ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
          },
        },
      },
    });
    await sdkError(as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: ref.opportunityId })), 'ResourceNotFoundException');
    const events = await eventsOf(endpoint, { account: RECEIVER });
    assert.deepEqual(
      events.map((e) => e['detail-type']),
      ['Engagement Invitation Created'],
    );
    assert.equal(events[0]!.time, '2025-02-15T20:39:07Z');
    assert.deepEqual(await eventsOf(endpoint, { account: 'aws' }), []);
  });

  it('in the AWS catalog, Origin "AWS Referral" is a ValidationException and nothing is sent', async () => {
    const err = await sdkError(as(RECEIVER).send(new CreateOpportunityCommand({ ...referralInput('Prod'), Catalog: 'AWS' })), 'ValidationException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.deepEqual(ids((await as(RECEIVER).send(new ListEngagementInvitationsCommand({ Catalog: 'AWS', ParticipantType: 'RECEIVER' }))).EngagementInvitationSummaries), []);
    assert.equal(await eventCount(), 0);
  });

  it('a configured referral delay keeps the invitation invisible to its receiver until InvitationDate', async () => {
    await controlOk('config', { referralDelayMs: '5s' });
    await as(RECEIVER).send(new CreateOpportunityCommand(referralInput('Delayed')));
    assert.deepEqual(ids((await list(RECEIVER)).EngagementInvitationSummaries), []);
    // The receiver has no way to learn the id yet; read it from the store.
    const hidden = await server.services.store.transaction((uow) => queryAll(uow, invitationKind, { where: { catalog: 'Sandbox' } }), { readOnly: true });
    assert.equal(hidden.length, 1);
    await sdkError(get(RECEIVER, hidden[0]!.id), 'ResourceNotFoundException');
    await sdkError(
      as(RECEIVER).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: hidden[0]!.id, ClientToken: 'too-early' })),
      'ResourceNotFoundException',
    );
    await advance(4999);
    assert.deepEqual(ids((await list(RECEIVER)).EngagementInvitationSummaries), []);
    await advance(1);
    const arrived = (await list(RECEIVER)).EngagementInvitationSummaries!;
    assert.deepEqual(ids(arrived), [hidden[0]!.id]);
    assert.equal(arrived[0]!.InvitationDate!.toISOString(), at(5000));
    assert.equal(arrived[0]!.ExpirationDate!.toISOString(), at(5000 + 15 * DAY));
  });
});

describe('ListEngagementInvitations', () => {
  /** Three invitations to RECEIVER one minute apart: two AWS referrals and one from SENDER; plus noise. */
  async function fixture() {
    const a = await referral('Deal A');
    await advance('1m');
    const b = await partnerInvitation();
    await advance('1m');
    const c = await referral('Deal C');
    await advance('1m');
    // Noise: an invitation SENDER sent to someone else, one to OUTSIDER from AWS, one in the AWS catalog.
    const toOutsider = await partnerInvitation(OUTSIDER, SENDER);
    await referral('Outsider deal', OUTSIDER);
    await controlOk('invitations', { receiverAccountId: RECEIVER, catalog: 'AWS', opportunity: PARTNER_OPPORTUNITY });
    return { a, b, c, toOutsider };
  }

  it('a receiver sees the invitations sent to it, newest first by default, with exact summaries', async () => {
    const { a, b, c } = await fixture();
    const out = await list(RECEIVER);
    assert.deepEqual(ids(out.EngagementInvitationSummaries), [c.id, b.id, a.id]);
    assert.equal(out.NextToken, undefined);
    assert.deepEqual(out.EngagementInvitationSummaries![1], {
      Arn: b.arn,
      Catalog: 'Sandbox',
      Id: b.id,
      EngagementId: b.engagementId,
      EngagementTitle: 'Project32',
      PayloadType: 'OpportunityInvitation',
      Status: 'PENDING',
      InvitationDate: new Date(at(60_000)),
      ExpirationDate: new Date(at(60_000 + 15 * DAY)),
      SenderAwsAccountId: SENDER,
      SenderCompanyName: `Partner ${SENDER}`,
      Receiver: { Account: { AwsAccountId: RECEIVER, Alias: `Partner account ${RECEIVER}` } },
      ParticipantType: 'RECEIVER',
    });
    assert.deepEqual(ids((await list(RECEIVER, { Sort: { SortBy: 'InvitationDate', SortOrder: 'ASCENDING' } })).EngagementInvitationSummaries), [a.id, b.id, c.id]);
    assert.deepEqual(ids((await list(RECEIVER, { Sort: { SortBy: 'InvitationDate', SortOrder: 'DESCENDING' } })).EngagementInvitationSummaries), [c.id, b.id, a.id]);
  });

  it('a sender sees what it sent as SENDER, and nobody else sees it', async () => {
    const { b, toOutsider } = await fixture();
    const sent = await list(SENDER, { ParticipantType: 'SENDER' });
    assert.deepEqual(ids(sent.EngagementInvitationSummaries), [toOutsider.id, b.id]);
    assert.ok(sent.EngagementInvitationSummaries!.every((s) => s.ParticipantType === 'SENDER'));
    assert.deepEqual(ids((await list(SENDER)).EngagementInvitationSummaries), []);
    assert.deepEqual(ids((await list(RECEIVER, { ParticipantType: 'SENDER' })).EngagementInvitationSummaries), []);
    // The SenderAwsAccountId filter narrows the caller's own scope; it never opens someone else's.
    assert.deepEqual(ids((await list(OUTSIDER, { ParticipantType: 'SENDER', SenderAwsAccountId: [SENDER] })).EngagementInvitationSummaries), []);
    assert.deepEqual(ids((await list(SENDER, { ParticipantType: 'SENDER', SenderAwsAccountId: [SENDER] })).EngagementInvitationSummaries), [toOutsider.id, b.id]);
    assert.deepEqual(ids((await list(OUTSIDER, { SenderAwsAccountId: [SENDER] })).EngagementInvitationSummaries), [toOutsider.id]);
  });

  it('filters: Status, PayloadType, EngagementIdentifier (id or ARN), SenderAwsAccountId — AND across, OR within', async () => {
    const { a, b, c } = await fixture();
    await reject(RECEIVER, a.id, 'Other');
    const q = async (input: Partial<ListEngagementInvitationsCommandInput>) => ids((await list(RECEIVER, input)).EngagementInvitationSummaries);
    assert.deepEqual(await q({ Status: ['PENDING'] }), [c.id, b.id]);
    assert.deepEqual(await q({ Status: ['REJECTED'] }), [a.id]);
    assert.deepEqual(await q({ Status: ['REJECTED', 'PENDING'] }), [c.id, b.id, a.id]);
    assert.deepEqual(await q({ Status: ['ACCEPTED', 'EXPIRED'] }), []);
    assert.deepEqual(await q({ PayloadType: ['OpportunityInvitation'] }), [c.id, b.id, a.id]);
    assert.deepEqual(await q({ PayloadType: ['LeadInvitation'] }), []);
    assert.deepEqual(await q({ EngagementIdentifier: [a.engagementId, `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/${b.engagementId}`] }), [b.id, a.id]);
    assert.deepEqual(await q({ SenderAwsAccountId: ['aws'] }), [c.id, a.id]);
    assert.deepEqual(await q({ SenderAwsAccountId: [SENDER, 'aws'] }), [c.id, b.id, a.id]);
    assert.deepEqual(await q({ SenderAwsAccountId: ['aws'], Status: ['PENDING'] }), [c.id]);
    assert.deepEqual(await q({ SenderAwsAccountId: [SENDER], EngagementIdentifier: [a.engagementId] }), []);
  });

  it('catalogs are separate: Sandbox invitations are invisible under AWS, and the reverse', async () => {
    const { a } = await fixture();
    const aws = await as(RECEIVER).send(new ListEngagementInvitationsCommand({ Catalog: 'AWS', ParticipantType: 'RECEIVER' }));
    assert.equal(aws.EngagementInvitationSummaries!.length, 1);
    assert.equal(aws.EngagementInvitationSummaries![0]!.Catalog, 'AWS');
    assert.equal(aws.EngagementInvitationSummaries![0]!.SenderAwsAccountId, 'aws');
    assert.ok(!ids((await list(RECEIVER)).EngagementInvitationSummaries).includes(aws.EngagementInvitationSummaries![0]!.Id));
    await sdkError(get(RECEIVER, a.id, 'AWS'), 'ResourceNotFoundException');
    await sdkError(get(RECEIVER, a.arn, 'AWS'), 'ResourceNotFoundException');
    await sdkError(get(RECEIVER, aws.EngagementInvitationSummaries![0]!.Id!), 'ResourceNotFoundException');
    // An ARN naming the other catalog is not found either, even though the id exists in this one.
    await sdkError(get(RECEIVER, invitationArn('AWS', a.id)), 'ResourceNotFoundException');
  });

  it('paginates with the SDK paginator; a token used with other filters → ValidationException on nextToken', async () => {
    const { a, b, c } = await fixture();
    for (const pageSize of [1, 2]) {
      const pages = [];
      for await (const page of paginateListEngagementInvitations({ client: as(RECEIVER), pageSize }, { Catalog: 'Sandbox', ParticipantType: 'RECEIVER' })) {
        pages.push(page);
      }
      assert.equal(pages.length, Math.ceil(3 / pageSize));
      assert.deepEqual(pages.flatMap((p) => ids(p.EngagementInvitationSummaries)), [c.id, b.id, a.id]);
      assert.equal(pages.at(-1)!.NextToken, undefined);
    }
    const first = await list(RECEIVER, { MaxResults: 1 });
    assert.equal(typeof first.NextToken, 'string');
    for (const other of [{ Status: ['PENDING' as const] }, { ParticipantType: 'SENDER' as const }, { Sort: { SortBy: 'InvitationDate' as const, SortOrder: 'ASCENDING' as const } }]) {
      const err = await sdkError(list(RECEIVER, { MaxResults: 1, NextToken: first.NextToken, ...other }), 'ValidationException');
      assert.equal(err.ErrorList[0].FieldName, 'nextToken');
    }
    await sdkError(list(OUTSIDER, { MaxResults: 1, NextToken: first.NextToken }), 'ValidationException');
    await sdkError(list(RECEIVER, { MaxResults: 1, NextToken: 'not-a-token' }), 'ValidationException');
  });
});

describe('GetEngagementInvitation', () => {
  it('answers the receiver and the sender by id or ARN, with the members at read time', async () => {
    const inv = await partnerInvitation();
    const byId = await get(RECEIVER, inv.id);
    const byArn = await get(RECEIVER, inv.arn);
    const bySender = await get(SENDER, inv.id);
    const { $metadata: _a, ...fields } = byId;
    const { $metadata: _b, ...arnFields } = byArn;
    const { $metadata: _c, ...senderFields } = bySender;
    assert.deepEqual(arnFields, fields);
    assert.deepEqual(senderFields, fields);
    assert.equal(fields.InvitationMessage, `Partner ${SENDER} invites you to co-sell.`);
    assert.deepEqual(fields.ExistingMembers, [{ CompanyName: `Partner ${SENDER}`, WebsiteUrl: `https://partner-${SENDER}.example.com` }]);
    assert.equal(fields.EngagementTitle, 'Project32');
    assert.equal(fields.EngagementDescription, 'The customer needs to modernise its crop analytics platform.');
    assert.deepEqual(fields.Payload!.OpportunityInvitation!.Customer, {
      CompanyName: 'Company20',
      CountryCode: 'US',
      Industry: 'Agriculture',
      WebsiteUrl: 'https://www.company20.example.com',
    });
    assert.equal(fields.ExpirationDate!.getTime() - fields.InvitationDate!.getTime(), 15 * DAY);
  });

  it('anyone else → ResourceNotFoundException; a malformed Identifier → ValidationException', async () => {
    const inv = await partnerInvitation();
    const err = await sdkError(get(OUTSIDER, inv.id), 'ResourceNotFoundException');
    assert.equal(err.message, `Engagement invitation ${inv.id} was not found in catalog Sandbox.`);
    assert.equal(err.$metadata.httpStatusCode, 404);
    await sdkError(get(OUTSIDER, inv.arn), 'ResourceNotFoundException');
    await sdkError(get(RECEIVER, 'engi-0000000000000'), 'ResourceNotFoundException');
    for (const bad of [
      'engi-1',
      'eng-aaaaaaaaaaaaaa',
      'arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement-invitation/nope',
      `arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/${inv.id}`,
    ]) {
      const v = await sdkError(get(RECEIVER, bad), 'ValidationException');
      assert.equal(v.ErrorList[0].FieldName, 'identifier');
    }
  });

  it('reads EXPIRED once the clock passes ExpirationDate, with Expired to both sides', async () => {
    const inv = await partnerInvitation();
    await advance('15d');
    const read = await get(RECEIVER, inv.id);
    assert.equal(read.Status, 'EXPIRED');
    assert.deepEqual(ids((await list(RECEIVER, { Status: ['EXPIRED'] })).EngagementInvitationSummaries), [inv.id]);
    assert.deepEqual(ids((await list(RECEIVER, { Status: ['PENDING'] })).EngagementInvitationSummaries), []);
    for (const [account, role] of [[RECEIVER, 'RECEIVER'], [SENDER, 'SENDER']] as const) {
      const expired = (await eventsOf(endpoint, { account, detailType: 'Engagement Invitation Expired' }))!;
      assert.equal(expired.length, 1);
      assert.deepEqual(expired[0]!.resources, [inv.arn]);
      assert.equal(expired[0]!.time, '2025-03-02T20:39:07Z');
      assert.equal((expired[0]!.detail as { engagementInvitation: { participantType: string } }).engagementInvitation.participantType, role);
    }
    // Reading it again emits nothing more.
    await get(SENDER, inv.id);
    await list(RECEIVER);
    assert.equal((await eventsOf(endpoint, { detailType: 'Engagement Invitation Expired' })).length, 2);
    assert.ok(read.Payload?.OpportunityInvitation, "an expired partner invitation keeps its details");
  });

  it('an expired AWS referral no longer shows its details', async () => {
    const ref = await referral('Expiring referral');
    assert.ok((await get(RECEIVER, ref.id)).Payload?.OpportunityInvitation);
    await advance('15d');
    const read = await get(RECEIVER, ref.id);
    assert.equal(read.Status, 'EXPIRED');
    assert.equal(read.Payload, undefined);
  });
});

describe('RejectEngagementInvitation', () => {
  it('needs a RejectionReason for an opportunity invitation', async () => {
    const ref = await referral('Needs a reason');
    const before = await eventCount();
    const err = await sdkError(reject(RECEIVER, ref.id), 'ValidationException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
    assert.deepEqual(err.ErrorList, [
      { FieldName: 'rejectionReason', Code: 'REQUIRED_FIELD_MISSING', Message: 'A RejectionReason is required to reject an opportunity invitation.' },
    ]);
    assert.equal((await get(RECEIVER, ref.id)).Status, 'PENDING');
    assert.equal(await eventCount(), before);
  });

  it('REJECTED with an empty 200; events to both sides; the payload is gone, the reason stays; a second reject conflicts', async () => {
    const inv = await partnerInvitation();
    await advance('2h');
    const raw = await callRaw(endpoint, 'RejectEngagementInvitation', { Catalog: 'Sandbox', Identifier: inv.arn, RejectionReason: 'Customer problem unclear' }, RECEIVER);
    assert.equal(raw.status, 200);
    assert.equal(raw.body, '');

    const read = await get(RECEIVER, inv.id);
    assert.equal(read.Status, 'REJECTED');
    assert.equal(read.RejectionReason, 'Customer problem unclear');
    assert.equal(read.Payload, undefined);
    assert.equal((await get(SENDER, inv.id)).RejectionReason, 'Customer problem unclear');
    const summary = (await list(RECEIVER)).EngagementInvitationSummaries![0]!;
    assert.equal(summary.Status, 'REJECTED');

    for (const [account, role] of [[RECEIVER, 'RECEIVER'], [SENDER, 'SENDER']] as const) {
      // The simulated sender also heard of its own snapshot (src/simulations/partner-invitation.ts).
      const evs = (await eventsOf(endpoint, { account })).filter((e) => e['detail-type'] !== 'Engagement Resource Snapshot Created');
      assert.deepEqual(evs.map((e) => e['detail-type']), ['Engagement Invitation Created', 'Engagement Invitation Rejected']);
      const rejected = evs[1]!;
      assert.equal(rejected.time, '2025-02-15T22:39:07Z');
      assert.deepEqual(rejected.resources, [inv.arn]);
      assert.deepEqual(rejected.detail, {
        catalog: 'Sandbox',
        engagementInvitation: {
          arn: inv.arn,
          id: inv.id,
          engagementId: inv.engagementId,
          senderAccountId: SENDER,
          receiverAccountId: RECEIVER,
          participantType: role,
          payloadType: 'OpportunityInvitation',
        },
      });
    }
    // Nobody joined the engagement.
    const members = await as(SENDER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: inv.engagementId }));
    assert.deepEqual(members.EngagementMemberList!.map((m) => m.AccountId), [SENDER]);

    const before = await eventCount();
    const again = await sdkError(reject(RECEIVER, inv.id, 'Other'), 'ConflictException');
    assert.equal(again.$metadata.httpStatusCode, 409);
    assert.equal(again.message, `Engagement invitation ${inv.id} is REJECTED and can no longer be rejected.`);
    assert.equal((await get(RECEIVER, inv.id)).RejectionReason, 'Customer problem unclear');
    assert.equal(await eventCount(), before);
  });

  it('a rejected AWS referral never exposes its opportunity; AWS gets no event', async () => {
    const ref = await referral('Rejected referral');
    await reject(RECEIVER, ref.arn, 'Duplicate of partner referral');
    await sdkError(as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: ref.opportunityId })), 'ResourceNotFoundException');
    assert.deepEqual(
      (await eventsOf(endpoint, { account: RECEIVER })).map((e) => e['detail-type']),
      ['Engagement Invitation Created', 'Engagement Invitation Rejected'],
    );
    assert.deepEqual(await eventsOf(endpoint, { account: 'aws' }), []);
  });

  it('the sender cannot reject (AccessDenied); others cannot see it (ResourceNotFound); accepted or expired ones conflict', async () => {
    const inv = await partnerInvitation();
    const denied = await sdkError(reject(SENDER, inv.id, 'Other'), 'AccessDeniedException');
    assert.equal(denied.$metadata.httpStatusCode, 403);
    assert.equal(denied.message, `Only the receiver of engagement invitation ${inv.id} can reject it; account ${SENDER} is its sender.`);
    await sdkError(reject(OUTSIDER, inv.id, 'Other'), 'ResourceNotFoundException');
    assert.equal((await get(RECEIVER, inv.id)).Status, 'PENDING');

    const task = await as(RECEIVER).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: inv.id, ClientToken: 'accept-first' }));
    assert.equal(task.TaskStatus, 'COMPLETE');
    const accepted = await sdkError(reject(RECEIVER, inv.id, 'Other'), 'ConflictException');
    assert.equal(accepted.message, `Engagement invitation ${inv.id} is ACCEPTED and can no longer be rejected.`);

    const late = await partnerInvitation(OUTSIDER);
    await advance('15d');
    const expired = await sdkError(reject(OUTSIDER, late.id, 'Other'), 'ConflictException');
    assert.equal(expired.message, `Engagement invitation ${late.id} is EXPIRED and can no longer be rejected.`);
  });
});

describe('AcceptEngagementInvitation', () => {
  it('on an OpportunityInvitation → ValidationException pointing to StartEngagementByAcceptingInvitationTask; nothing changes', async () => {
    const ref = await referral('Wrong operation');
    const before = await eventCount();
    const err = await sdkError(as(RECEIVER).send(new AcceptEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: ref.arn })), 'ValidationException');
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, `Engagement invitation ${ref.id} is an OpportunityInvitation; accept it with StartEngagementByAcceptingInvitationTask.`);
    assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
    assert.equal(err.ErrorList[0].FieldName, 'identifier');
    assert.equal((await get(RECEIVER, ref.id)).Status, 'PENDING');
    assert.equal(await eventCount(), before);
    await sdkError(as(RECEIVER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: ref.opportunityId })), 'ResourceNotFoundException');
  });

  it('the sender → AccessDenied; anyone else → ResourceNotFound; an accepted invitation → Conflict', async () => {
    const inv = await partnerInvitation();
    await sdkError(as(SENDER).send(new AcceptEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: inv.id })), 'AccessDeniedException');
    await sdkError(as(OUTSIDER).send(new AcceptEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: inv.id })), 'ResourceNotFoundException');
    await as(RECEIVER).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: inv.id, ClientToken: 'accept' }));
    await sdkError(as(RECEIVER).send(new AcceptEngagementInvitationCommand({ Catalog: 'Sandbox', Identifier: inv.id })), 'ConflictException');
  });
});
