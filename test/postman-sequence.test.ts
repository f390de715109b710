// AWS's published Postman collection drives the service over the REST-style route (`POST /<Op>`,
// `application/json; charset=UTF-8`, no X-Amz-Target) with hand-written bodies full of explicit nulls and
// members the model does not have. This replays its "accept an AWS-originated opportunity" and
// "simulate AWS review" sequences the way the collection's scripts do, asserting what its tests assert. The
// other workflow folders are replayed in postman-workflows.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GetOpportunityResponse } from '../src/model/generated/types.js';
import type { RunningServer } from '../src/server.js';
import { fakeSigV4Headers, rawRequest, startTestServer, type RawResponse } from './helpers.js';

const ACCOUNT = '111111111111';

/** A Postman request: REST route, the collection's headers, an awsv4-style Authorization (structural mode). */
function postman(endpoint: string, operation: string, body: unknown): Promise<RawResponse> {
  return rawRequest(endpoint, {
    path: `/${operation}`,
    headers: {
      accept: 'application/json, text/javascript, */*; q=0.01',
      'content-type': 'application/json; charset=UTF-8',
      ...fakeSigV4Headers(ACCOUNT),
    },
    body: JSON.stringify(body, null, 4),
  });
}

/** The collection's simulate-an-AWS-referral body: explicit nulls, read-only members, and keys the model lacks. */
function simulateReferralBody(clientToken: string) {
  return {
    Catalog: 'Sandbox',
    ClientToken: clientToken,
    Origin: 'AWS Referral',
    PartnerId: 'not-a-model-member',
    Customer: {
      Account: {
        Address: { City: null, CountryCode: 'US', PostalCode: '10001', StateOrRegion: 'New York', StreetAddress: null },
        AwsAccountId: '111111111112',
        CompanyName: 'ValidAWSCreate',
        Duns: '111100111',
        Industry: 'Financial Services',
        OtherIndustry: null,
        WebsiteUrl: 'veracode.com',
      },
      Contacts: [{ BusinessTitle: 'Executive', Email: 'test@test.com', FirstName: 'TestContact011', LastName: 'MLastName001', Phone: '+14444444444' }],
    },
    LifeCycle: {
      ClosedLostReason: null,
      NextSteps: 'Next steps on the opportunity.',
      NextStepsHistory: null,
      ReviewComments: null,
      ReviewStatus: 'Pending Submission',
      ReviewStatusReason: null,
      Stage: 'Prospect',
      TargetCloseDate: '2029-10-05',
    },
    Marketing: { AwsFundingUsed: 'Yes', CampaignName: 'TestCampaignName01', Channels: ['Content Syndication'], Source: 'Marketing Activity', UseCases: ['Analytics'] },
    NationalSecurity: 'No',
    OpportunityType: 'Net New Business',
    PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
    Project: {
      CustomerBusinessProblem: 'A very important problem goes here ValidAWSCreate',
      CustomerUseCase: 'AI Machine Learning and Analytics',
      DeliveryModels: ['SaaS or PaaS'],
      ExpectedCustomerSpend: [{ Amount: '25000.00', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      SalesActivities: ['Initialized discussions with customer'],
      Title: 'New Business Deal - 5372',
    },
    CreatedDate: '2024-11-14T19:32:03Z',
  };
}

describe("AWS's Postman sequences over the REST-style route", () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('accepting an AWS-originated opportunity: create (simulate) → list invitations → accept by ARN → get', async () => {
    const created = await postman(server.endpoint, 'CreateOpportunity', simulateReferralBody('7c1f0d1e-5f7a-4a51-9d63-6f1b3e1a0b01'));
    assert.equal(created.status, 200, created.body);
    assert.equal(created.headers['content-type'], 'application/json');
    const opportunityId = String(created.json().Id);

    const listed = await postman(server.endpoint, 'ListEngagementInvitations', {
      Catalog: 'Sandbox',
      ParticipantType: 'RECEIVER',
      Status: ['PENDING'],
      Sort: { SortBy: 'InvitationDate', SortOrder: 'DESCENDING' },
      MaxResults: 20,
    });
    assert.equal(listed.status, 200, listed.body);
    const [firstInvitation] = listed.json().EngagementInvitationSummaries as Array<{ Arn: string; Id: string }>;
    assert.ok(firstInvitation, 'the simulated referral arrived');

    const task = await postman(server.endpoint, 'StartEngagementByAcceptingInvitationTask', {
      Catalog: 'Sandbox',
      ClientToken: '0c8a3e2f-8b52-4f0c-93a1-1f2d3c4b5a69',
      Identifier: firstInvitation.Arn,
    });
    // The collection's tests: 200, OpportunityId present, TaskStatus not FAILED, TaskId/TaskArn/TaskStatus non-empty.
    assert.equal(task.status, 200, task.body);
    const t = task.json();
    assert.ok('OpportunityId' in t);
    assert.notEqual(t.TaskStatus, 'FAILED');
    for (const key of ['TaskId', 'TaskArn', 'TaskStatus']) assert.ok(String(t[key] ?? '').length > 0, key);
    assert.equal(t.EngagementInvitationId, firstInvitation.Id, 'the bare id even though an ARN was sent');

    const got = await postman(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: t.OpportunityId });
    assert.equal(got.status, 200, got.body);
    const opportunity = got.json() as unknown as GetOpportunityResponse & Record<string, unknown>;
    assert.equal(opportunity.Id, opportunityId, "the collection's test: GetOpportunity.Id equals the simulated opportunity's id");
    assert.equal(opportunity.LifeCycle?.ReviewStatus, 'Approved');
    assert.equal(opportunity.LifeCycle?.Stage, 'Prospect');
    assert.equal(opportunity.Customer?.Account?.Address?.PostalCode, '10001');
    assert.equal(opportunity.Customer?.Account?.Address?.City, undefined, 'explicit nulls were absent values');
    assert.equal(opportunity.Project?.ExpectedCustomerSpend?.[0]?.Amount, '25000');
    assert.equal(opportunity.PartnerId, undefined);
  });

  it('simulating AWS review: the whole GetOpportunity body goes back as UpdateOpportunity with Id renamed Identifier', async () => {
    const body = { ...simulateReferralBody('a5d0b8f2-3c41-4e7e-8f6a-2b9c0d1e2f30'), Origin: 'Partner Referral' };
    const created = await postman(server.endpoint, 'CreateOpportunity', body);
    assert.equal(created.status, 200, created.body);
    const id = String(created.json().Id);
    // The collection submits before simulating (with StartEngagementFromOpportunityTask); AWS only reviews a
    // submitted opportunity, so this test associates the Sandbox default solution and submits it first.
    for (const [operation, input] of [
      ['AssociateOpportunity', { Catalog: 'Sandbox', OpportunityIdentifier: id, RelatedEntityType: 'Solutions', RelatedEntityIdentifier: 'S-1234567' }],
      ['SubmitOpportunity', { Catalog: 'Sandbox', Identifier: id, InvolvementType: 'Co-Sell', Visibility: 'Full' }],
    ] as const) {
      const res = await postman(server.endpoint, operation, input);
      assert.equal(res.status, 200, res.body);
    }

    const read = async () =>
      (await postman(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: id })).json() as unknown as GetOpportunityResponse;
    const review = async (status: string, comments?: string) => {
      const current = await read();
      const { Id, ...rest } = current;
      const update = { ...rest, Identifier: Id, LifeCycle: { ...current.LifeCycle, ReviewStatus: status, ...(comments ? { ReviewComments: comments } : {}) } };
      const res = await postman(server.endpoint, 'UpdateOpportunity', update);
      assert.equal(res.status, 200, res.body);
      return read();
    };
    const actionRequired = await review('Action Required', 'Please update the customer business problem to give more details');
    assert.equal(actionRequired.LifeCycle?.ReviewStatus, 'Action Required');
    assert.ok(String(actionRequired.LifeCycle?.ReviewComments).length > 0);
    const approved = await review('Approved');
    assert.equal(approved.LifeCycle?.ReviewStatus, 'Approved');
  });
});
