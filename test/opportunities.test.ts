// CreateOpportunity, GetOpportunity, ListOpportunities and UpdateOpportunity, black-box through the official SDK
// (raw HTTP where the wire matters: Postman-style bodies, absent members). Each test works in its own account so
// lists never see another test's data; the business clock is frozen and moved explicitly, never slept on.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConflictException,
  CreateOpportunityCommand,
  GetOpportunityCommand,
  ListOpportunitiesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  UpdateOpportunityCommand,
  ValidationException,
  paginateListOpportunities,
  type CreateOpportunityCommandInput,
  type GetOpportunityCommandOutput,
  type ListOpportunitiesCommandInput,
  type PartnerCentralSellingClient,
  type UpdateOpportunityCommandInput,
} from '@aws-sdk/client-partnercentral-selling';
import { callRaw, clientFor, control, eventsOf, startTestServer } from './helpers.js';
import { EMPTY_RELATED_ENTITIES, submitForReview } from './fixtures.js';
import type { RunningServer } from '../src/server.js';

const START = Date.parse('2025-03-01T10:00:00.000Z');

let accountCounter = 0;
/** A fresh 12-digit account per test, so lists and events only hold that test's data. */
function freshAccount(): string {
  accountCounter += 1;
  return `3000000${String(accountCounter).padStart(5, '0')}`;
}

let tokenCounter = 0;
function token(): string {
  tokenCounter += 1;
  return `token-${tokenCounter}`;
}

function fullInput(clientToken: string): CreateOpportunityCommandInput {
  return {
    Catalog: 'Sandbox',
    ClientToken: clientToken,
    PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation', 'Co-Sell - Pricing Assistance'],
    NationalSecurity: 'Yes',
    PartnerOpportunityIdentifier: 'CRM-0001',
    Customer: {
      Account: {
        Industry: 'Government',
        CompanyName: 'Example Agency',
        WebsiteUrl: 'https://agency.example.com',
        AwsAccountId: '123456789012',
        Duns: '123456789',
        Address: { City: 'Seattle', PostalCode: '98101', StateOrRegion: 'Washington', CountryCode: 'US', StreetAddress: '410 Terry Ave N' },
      },
      Contacts: [{ Email: 'buyer@agency.example.com', FirstName: 'Ada', LastName: 'Buyer', BusinessTitle: 'CTO', Phone: '+12065550100' }],
    },
    Project: {
      DeliveryModels: ['SaaS or PaaS', 'Professional Services'],
      ExpectedCustomerSpend: [
        {
          Amount: '10000.00',
          CurrencyCode: 'EUR',
          Frequency: 'Monthly',
          TargetCompany: 'AWS',
          EstimationUrl: `https://calculator.aws/#/estimate?id=${'a1'.repeat(20)}`,
        },
      ],
      Title: 'Data platform migration',
      ApnPrograms: ['Migration Acceleration Program'],
      CustomerBusinessProblem: 'The agency needs to retire its on-premises data warehouse before the lease ends.',
      CustomerUseCase: 'Migration / Database Migration',
      RelatedOpportunityIdentifier: 'O1234567',
      SalesActivities: ['Initialized discussions with customer', 'Conducted POC / Demo'],
      CompetitorName: '*Other',
      OtherCompetitorNames: 'Local hosting',
      OtherSolutionDescription: 'Custom ETL tooling',
      AdditionalComments: 'Budget approved for FY25.',
      AwsPartition: 'aws-eusc',
    },
    OpportunityType: 'Expansion',
    Marketing: {
      CampaignName: 'Spring campaign',
      Source: 'Marketing Activity',
      UseCases: ['AI/ML'],
      Channels: ['Email', 'Live Event'],
      AwsFundingUsed: 'No',
    },
    SoftwareRevenue: {
      DeliveryModel: 'Subscription',
      Value: { Amount: '1200', CurrencyCode: 'USD' },
      EffectiveDate: '2025-04-01',
      ExpirationDate: '2026-03-31',
    },
    LifeCycle: {
      Stage: 'Qualified',
      NextSteps: 'Schedule the architecture review.',
      TargetCloseDate: '2025-12-31',
      // AWS-owned members: ignored on create.
      ReviewStatus: 'Approved',
      ReviewComments: 'not for the partner to set',
    },
    Origin: 'Partner Referral',
    OpportunityTeam: [{ Email: 'pam@partner.example.com', FirstName: 'Pam', LastName: 'Manager', BusinessTitle: 'PartnerAccountManager' }],
    Tags: [{ Key: 'Environment', Value: 'Test' }],
  };
}

function minimalInput(overrides: Partial<CreateOpportunityCommandInput> = {}): CreateOpportunityCommandInput {
  return {
    Catalog: 'Sandbox',
    ClientToken: token(),
    Customer: { Account: { CompanyName: 'Minimal Corp', Industry: 'Automotive', Address: { CountryCode: 'DE' } } },
    Project: { Title: 'Minimal project', CustomerBusinessProblem: 'A problem that is long enough to describe.' },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2025-09-30' },
    ...overrides,
  };
}

/** The UpdateOpportunity input that sends an opportunity back as it is (the Postman pattern, via the SDK). */
function asUpdate(got: GetOpportunityCommandOutput, changes: Partial<UpdateOpportunityCommandInput> = {}): UpdateOpportunityCommandInput {
  return {
    Catalog: got.Catalog,
    Identifier: got.Id,
    LastModifiedDate: got.LastModifiedDate,
    PrimaryNeedsFromAws: got.PrimaryNeedsFromAws,
    NationalSecurity: got.NationalSecurity,
    PartnerOpportunityIdentifier: got.PartnerOpportunityIdentifier,
    Customer: got.Customer,
    Project: got.Project,
    OpportunityType: got.OpportunityType,
    Marketing: got.Marketing,
    SoftwareRevenue: got.SoftwareRevenue,
    LifeCycle: got.LifeCycle,
    ...changes,
  };
}

async function rejectsWith<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E, check: (err: E) => void = () => {}) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    check(err);
    return true;
  });
}

describe('opportunities', () => {
  let server: RunningServer;
  let endpoint: string;

  async function setClock(atMs: number) {
    const res = await control(endpoint, 'clock', { set: new Date(atMs).toISOString(), freeze: true });
    assert.equal(res.status, 200);
  }
  async function advanceClock(ms: number) {
    const res = await control(endpoint, 'clock', { advance: ms });
    assert.equal(res.status, 200);
  }
  async function get(client: PartnerCentralSellingClient, id: string, catalog = 'Sandbox') {
    return client.send(new GetOpportunityCommand({ Catalog: catalog, Identifier: id }));
  }

  before(async () => {
    server = await startTestServer();
    endpoint = server.endpoint;
    await setClock(START);
  });
  after(() => server.close());

  describe('CreateOpportunity and GetOpportunity', () => {
    it('round-trips every field, forces Pending Submission, puts the owner first and normalises amounts', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      const input = fullInput(token());
      const created = await client.send(new CreateOpportunityCommand(input));
      assert.match(created.Id!, /^O\d+$/);
      assert.equal(created.PartnerOpportunityIdentifier, 'CRM-0001');
      assert.equal(created.LastModifiedDate?.toISOString(), new Date(START).toISOString());

      const got = await get(client, created.Id!);
      assert.equal(got.Id, created.Id);
      assert.equal(got.Catalog, 'Sandbox');
      assert.equal(got.Arn, `arn:aws:partnercentral:us-east-1:${account}:catalog/Sandbox/opportunity/${created.Id}`);
      assert.equal(got.CreatedDate?.toISOString(), created.LastModifiedDate?.toISOString());
      assert.equal(got.LastModifiedDate?.toISOString(), created.LastModifiedDate?.toISOString());
      assert.deepEqual(got.PrimaryNeedsFromAws, input.PrimaryNeedsFromAws);
      assert.equal(got.NationalSecurity, 'Yes');
      assert.equal(got.PartnerOpportunityIdentifier, 'CRM-0001');
      assert.deepEqual(got.Customer, input.Customer);
      assert.deepEqual(got.Project, {
        ...input.Project,
        ExpectedCustomerSpend: [{ ...input.Project!.ExpectedCustomerSpend![0]!, Amount: '10000' }],
      });
      assert.equal(got.OpportunityType, 'Expansion');
      assert.deepEqual(got.Marketing, input.Marketing);
      assert.deepEqual(got.SoftwareRevenue, input.SoftwareRevenue);
      assert.deepEqual(got.LifeCycle, {
        Stage: 'Qualified',
        NextSteps: 'Schedule the architecture review.',
        TargetCloseDate: '2025-12-31',
        ReviewStatus: 'Pending Submission',
        NextStepsHistory: [{ Value: 'Schedule the architecture review.', Time: new Date(START) }],
      });
      assert.deepEqual(got.OpportunityTeam, [
        server.services.accounts.profile(account).owner,
        ...input.OpportunityTeam!,
      ]);
      assert.equal(got.OpportunityTeam?.[0]?.BusinessTitle, 'OpportunityOwner');
      assert.deepEqual(got.RelatedEntityIdentifiers, EMPTY_RELATED_ENTITIES);

      // Tags land on the opportunity ARN.
      const tags = await client.send(new ListTagsForResourceCommand({ ResourceArn: got.Arn! }));
      assert.deepEqual(tags.Tags, [{ Key: 'Environment', Value: 'Test' }]);
    });

    it('never returns Origin and applies the documented defaults', async () => {
      const account = freshAccount();
      const created = await callRaw(endpoint, 'CreateOpportunity', { Catalog: 'Sandbox', ClientToken: token() }, account);
      assert.equal(created.status, 200, created.body);
      const createdBody = created.json();
      assert.deepEqual(Object.keys(createdBody).sort(), ['Id', 'LastModifiedDate']);
      assert.match(String(createdBody.LastModifiedDate), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const raw = await callRaw(endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: createdBody.Id }, account);
      assert.equal(raw.status, 200);
      const body = raw.json();
      assert.equal('Origin' in body, false);
      assert.equal(body.NationalSecurity, 'No');
      assert.equal(body.OpportunityType, 'Net New Business');
      assert.deepEqual(body.LifeCycle, { ReviewStatus: 'Pending Submission' });
      assert.deepEqual(body.RelatedEntityIdentifiers, EMPTY_RELATED_ENTITIES);
    });

    it('replays the same ClientToken with the same Id and creates one opportunity', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      const input = minimalInput();
      const first = await client.send(new CreateOpportunityCommand(input));
      await advanceClock(5);
      const second = await client.send(new CreateOpportunityCommand(input));
      assert.equal(second.Id, first.Id);
      assert.equal(second.LastModifiedDate?.toISOString(), first.LastModifiedDate?.toISOString());
      const list = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
      assert.equal(list.OpportunitySummaries?.length, 1);
      const created = (await eventsOf(endpoint, { account })).filter((e) => e['detail-type'] === 'Opportunity Created');
      assert.equal(created.length, 1);
    });

    it('answers ConflictException when a ClientToken comes back with another body', async () => {
      const client = clientFor(endpoint, freshAccount());
      const input = minimalInput();
      await client.send(new CreateOpportunityCommand(input));
      await rejectsWith(
        client.send(new CreateOpportunityCommand({ ...input, PartnerOpportunityIdentifier: 'different' })),
        ConflictException,
        (err) => assert.equal(err.message, 'Conflicting client token submitted for a new request body.'),
      );
    });

    it('scopes ClientTokens to the catalog', async () => {
      const client = clientFor(endpoint, freshAccount());
      const input = minimalInput();
      const sandbox = await client.send(new CreateOpportunityCommand(input));
      const aws = await client.send(new CreateOpportunityCommand({ ...input, Catalog: 'AWS' }));
      assert.notEqual(sandbox.Id, aws.Id);
    });

    it("rejects Origin 'AWS Referral' in the AWS catalog", async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      await rejectsWith(client.send(new CreateOpportunityCommand(minimalInput({ Catalog: 'AWS', Origin: 'AWS Referral' }))), ValidationException, (err) => {
        assert.equal(err.Reason, 'REQUEST_VALIDATION_FAILED');
        assert.equal(err.ErrorList?.[0]?.FieldName, 'origin');
        assert.equal(err.ErrorList?.[0]?.Code, 'INVALID_VALUE');
        assert.match(err.message, /only be simulated in the Sandbox catalog/);
      });
      const list = await client.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }));
      assert.deepEqual(list.OpportunitySummaries, []);
    });

    it('keeps a simulated AWS referral hidden from Get and List and announces no Opportunity Created', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      const created = await client.send(new CreateOpportunityCommand(minimalInput({ Origin: 'AWS Referral' })));
      assert.match(created.Id!, /^O\d+$/);
      await rejectsWith(get(client, created.Id!), ResourceNotFoundException);
      const list = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
      assert.deepEqual(list.OpportunitySummaries, []);
      const opportunityEvents = (await eventsOf(endpoint, { account })).filter((e) => String(e['detail-type']).startsWith('Opportunity'));
      assert.deepEqual(opportunityEvents, []);
    });

    it('isolates catalogs and accounts', async () => {
      const owner = clientFor(endpoint, freshAccount());
      const created = await owner.send(new CreateOpportunityCommand(minimalInput()));
      await rejectsWith(get(owner, created.Id!, 'AWS'), ResourceNotFoundException, (err) =>
        assert.equal(err.message, `Opportunity ${created.Id} was not found in catalog AWS.`),
      );
      const stranger = clientFor(endpoint, freshAccount());
      await rejectsWith(get(stranger, created.Id!), ResourceNotFoundException, (err) =>
        assert.equal(err.message, `Opportunity ${created.Id} was not found in catalog Sandbox.`),
      );
      const strangerList = await stranger.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
      assert.deepEqual(strangerList.OpportunitySummaries, []);
      await rejectsWith(
        stranger.send(new UpdateOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id, LastModifiedDate: created.LastModifiedDate })),
        ResourceNotFoundException,
      );
      await rejectsWith(get(owner, 'O999999999'), ResourceNotFoundException);
    });

    it('emits Opportunity Created to the owner with the EventBridge envelope', async () => {
      const account = freshAccount();
      const created = await clientFor(endpoint, account).send(new CreateOpportunityCommand(minimalInput()));
      const events = await eventsOf(endpoint, { account });
      assert.equal(events.length, 1);
      const event = events[0]!;
      assert.equal(event.version, '0');
      assert.equal(event['detail-type'], 'Opportunity Created');
      assert.equal(event.source, 'aws.partnercentral-selling');
      assert.equal(event.account, account);
      assert.equal(event.region, 'us-east-1');
      assert.match(String(event.time), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.match(String(event.id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.deepEqual(event.resources, []);
      assert.deepEqual(event.detail, { schemaVersion: '1', catalog: 'Sandbox', opportunity: { identifier: created.Id } });
    });
  });

  describe('ListOpportunities', () => {
    const account = freshAccount();
    let client: PartnerCentralSellingClient;
    /** Ids by name, created one second apart from `base`. */
    const ids: Record<string, string> = {};
    const base = START + 86_400_000;
    const specs = [
      { name: 'alpha', company: 'Alpha Inc', stage: 'Prospect', close: '2025-06-30' },
      { name: 'bravo', company: 'Bravo LLC', stage: 'Qualified', close: '2025-04-15' },
      { name: 'charlie', company: 'Charlie GmbH', stage: 'Qualified', close: '2025-09-01' },
      { name: 'delta', company: 'Delta SA', stage: 'Committed', close: '2025-01-20' },
      { name: 'echo', company: 'Echo Ltd', stage: 'Launched', close: '2026-02-28' },
    ] as const;

    async function listIds(input: Omit<ListOpportunitiesCommandInput, 'Catalog'>): Promise<string[]> {
      const out = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', ...input }));
      return (out.OpportunitySummaries ?? []).map((s) => s.Id!);
    }
    function named(...names: string[]): string[] {
      return names.map((n) => ids[n]!);
    }

    before(async () => {
      client = clientFor(endpoint, account);
      await setClock(base);
      for (const spec of specs) {
        const created = await client.send(
          new CreateOpportunityCommand(
            minimalInput({
              Customer: {
                Account: {
                  CompanyName: spec.company,
                  Industry: 'Automotive',
                  Address: { CountryCode: 'US', City: 'Austin', StreetAddress: '1 Main St', ...(spec.name === 'bravo' ? { PostalCode: '78701', StateOrRegion: 'Texas' } : {}) },
                  ...(spec.name === 'bravo' ? { WebsiteUrl: 'https://bravo.example.com' } : {}),
                },
                Contacts: [{ Email: 'c@example.com', FirstName: 'C', LastName: 'D' }],
              },
              LifeCycle: { Stage: spec.stage, TargetCloseDate: spec.close, NextSteps: 'Call back' },
              Project: {
                Title: `Project ${spec.name}`,
                CustomerBusinessProblem: 'A problem that is long enough to describe.',
                DeliveryModels: ['Resell'],
                ExpectedCustomerSpend: [{ Amount: '500.50', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
                // bravo goes to AWS's review below: it carries what submission needs.
                ...(spec.name === 'bravo' ? { CustomerUseCase: 'Migration / Database Migration', SalesActivities: ['Initialized discussions with customer'] } : {}),
              },
              ...(spec.name === 'bravo' ? { Marketing: { Source: 'None' }, PrimaryNeedsFromAws: ['Co-Sell - Deal Support'] } : {}),
              PartnerOpportunityIdentifier: `crm-${spec.name}`,
            }),
          ),
        );
        ids[spec.name] = created.Id!;
        await advanceClock(1000);
      }
      // Touch alpha last, so it is the most recently modified; simulate a review on bravo.
      const alpha = await get(client, ids.alpha!);
      await client.send(new UpdateOpportunityCommand(asUpdate(alpha, { NationalSecurity: 'No' })));
      await advanceClock(1000);
      await submitForReview(client, ids.bravo!);
      const bravo = await get(client, ids.bravo!);
      await client.send(new UpdateOpportunityCommand(asUpdate(bravo, { LifeCycle: { ...bravo.LifeCycle, ReviewStatus: 'Action Required' } })));
    });

    it('sorts by LastModifiedDate, newest first, by default', async () => {
      assert.deepEqual(await listIds({}), named('bravo', 'alpha', 'echo', 'delta', 'charlie'));
    });

    it('returns summaries carrying only the summary members', async () => {
      const out = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', Identifier: [ids.charlie!] }));
      const summary = out.OpportunitySummaries![0]!;
      const got = await get(client, ids.charlie!);
      assert.deepEqual(summary, {
        Catalog: 'Sandbox',
        Id: ids.charlie,
        Arn: got.Arn,
        PartnerOpportunityIdentifier: 'crm-charlie',
        OpportunityType: 'Net New Business',
        LastModifiedDate: got.LastModifiedDate,
        CreatedDate: got.CreatedDate,
        LifeCycle: { Stage: 'Qualified', NextSteps: 'Call back', TargetCloseDate: '2025-09-01', ReviewStatus: 'Pending Submission' },
        Customer: { Account: { CompanyName: 'Charlie GmbH', Industry: 'Automotive', Address: { CountryCode: 'US', City: 'Austin' } } },
        Project: { DeliveryModels: ['Resell'], ExpectedCustomerSpend: [{ Amount: '500.5', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
      });
      // And on the wire: no Contacts, StreetAddress, Title or NextStepsHistory leak into the summary.
      const raw = await callRaw(endpoint, 'ListOpportunities', { Catalog: 'Sandbox', Identifier: [ids.charlie] }, account);
      const text = raw.body;
      for (const leaked of ['Contacts', 'StreetAddress', 'Title', 'NextStepsHistory', 'OpportunityTeam', 'RelatedEntityIdentifiers', 'NationalSecurity']) {
        assert.equal(text.includes(`"${leaked}"`), false, `${leaked} leaked into the summary`);
      }
    });

    it('filters by Identifier, stage, review status and company name', async () => {
      assert.deepEqual((await listIds({ Identifier: named('charlie', 'alpha'), Sort: { SortBy: 'Identifier', SortOrder: 'ASCENDING' } })), named('alpha', 'charlie'));
      assert.deepEqual(
        await listIds({ LifeCycleStage: ['Qualified', 'Launched'], Sort: { SortBy: 'Identifier', SortOrder: 'ASCENDING' } }),
        named('bravo', 'charlie', 'echo'),
      );
      assert.deepEqual(await listIds({ LifeCycleReviewStatus: ['Action Required'] }), named('bravo'));
      assert.deepEqual(
        await listIds({ LifeCycleReviewStatus: ['Pending Submission'], Sort: { SortBy: 'Identifier', SortOrder: 'ASCENDING' } }),
        named('alpha', 'charlie', 'delta', 'echo'),
      );
      assert.deepEqual(await listIds({ CustomerCompanyName: ['Delta SA', 'Nobody'] }), named('delta'));
      assert.deepEqual(await listIds({ CustomerCompanyName: ['Delta SA'], LifeCycleStage: ['Prospect'] }), []);
    });

    it('filters by CreatedDate with an inclusive after and an exclusive before', async () => {
      const at = (i: number) => new Date(base + i * 1000);
      const sort = { SortBy: 'CreatedDate', SortOrder: 'ASCENDING' } as const;
      assert.deepEqual(await listIds({ CreatedDate: { AfterCreatedDate: at(2) }, Sort: sort }), named('charlie', 'delta', 'echo'));
      assert.deepEqual(await listIds({ CreatedDate: { BeforeCreatedDate: at(2) }, Sort: sort }), named('alpha', 'bravo'));
      assert.deepEqual(await listIds({ CreatedDate: { AfterCreatedDate: at(1), BeforeCreatedDate: at(3) }, Sort: sort }), named('bravo', 'charlie'));
    });

    it('filters by LastModifiedDate', async () => {
      const alpha = await get(client, ids.alpha!);
      assert.deepEqual(await listIds({ LastModifiedDate: { AfterLastModifiedDate: alpha.LastModifiedDate } }), named('bravo', 'alpha'));
      assert.deepEqual(
        await listIds({ LastModifiedDate: { BeforeLastModifiedDate: alpha.LastModifiedDate } }),
        named('echo', 'delta', 'charlie'),
      );
    });

    it('filters by TargetCloseDate', async () => {
      const sort = { SortBy: 'TargetCloseDate', SortOrder: 'ASCENDING' } as const;
      assert.deepEqual(await listIds({ TargetCloseDate: { AfterTargetCloseDate: '2025-06-30' }, Sort: sort }), named('alpha', 'charlie', 'echo'));
      assert.deepEqual(await listIds({ TargetCloseDate: { BeforeTargetCloseDate: '2025-06-30' }, Sort: sort }), named('delta', 'bravo'));
      assert.deepEqual(
        await listIds({ TargetCloseDate: { AfterTargetCloseDate: '2025-04-15', BeforeTargetCloseDate: '2025-09-02' }, Sort: sort }),
        named('bravo', 'alpha', 'charlie'),
      );
    });

    it('sorts by every sort name in both orders', async () => {
      const expectations: Record<string, string[]> = {
        Identifier: named('alpha', 'bravo', 'charlie', 'delta', 'echo'),
        CustomerCompanyName: named('alpha', 'bravo', 'charlie', 'delta', 'echo'),
        CreatedDate: named('alpha', 'bravo', 'charlie', 'delta', 'echo'),
        TargetCloseDate: named('delta', 'bravo', 'alpha', 'charlie', 'echo'),
        LastModifiedDate: named('charlie', 'delta', 'echo', 'alpha', 'bravo'),
      };
      for (const [sortBy, ascending] of Object.entries(expectations)) {
        const by = sortBy as 'Identifier';
        assert.deepEqual(await listIds({ Sort: { SortBy: by, SortOrder: 'ASCENDING' } }), ascending, `${sortBy} ascending`);
        assert.deepEqual(await listIds({ Sort: { SortBy: by, SortOrder: 'DESCENDING' } }), [...ascending].reverse(), `${sortBy} descending`);
      }
    });

    it('pages with the SDK paginator without repeats and ends without a NextToken', async () => {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListOpportunities({ client, pageSize: 2 }, { Catalog: 'Sandbox', Sort: { SortBy: 'Identifier', SortOrder: 'ASCENDING' } })) {
        pages += 1;
        seen.push(...(page.OpportunitySummaries ?? []).map((s) => s.Id!));
      }
      assert.equal(pages, 3);
      assert.deepEqual(seen, named('alpha', 'bravo', 'charlie', 'delta', 'echo'));

      const first = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 3 }));
      assert.ok(first.NextToken);
      const last = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 3, NextToken: first.NextToken }));
      assert.equal(last.OpportunitySummaries?.length, 2);
      assert.equal(last.NextToken, undefined);
      const exact = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 5 }));
      assert.equal(exact.NextToken, undefined);
    });

    it('refuses a NextToken reused with other filters', async () => {
      const first = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 2 }));
      assert.ok(first.NextToken);
      await rejectsWith(
        client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 2, NextToken: first.NextToken, LifeCycleStage: ['Qualified'] })),
        ValidationException,
        (err) => assert.equal(err.ErrorList?.[0]?.FieldName, 'nextToken'),
      );
      await rejectsWith(
        client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', NextToken: first.NextToken, Sort: { SortBy: 'Identifier', SortOrder: 'ASCENDING' } })),
        ValidationException,
      );
      // Another account cannot use it either.
      await rejectsWith(
        clientFor(endpoint, freshAccount()).send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 2, NextToken: first.NextToken })),
        ValidationException,
      );
    });

    it('returns 20 opportunities per page by default', async () => {
      const busy = clientFor(endpoint, freshAccount());
      for (let i = 0; i < 21; i++) await busy.send(new CreateOpportunityCommand(minimalInput()));
      const page = await busy.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
      assert.equal(page.OpportunitySummaries?.length, 20);
      assert.ok(page.NextToken);
    });
  });

  describe('UpdateOpportunity', () => {
    it('replaces every updatable member and keeps what Update cannot change', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      const created = await client.send(new CreateOpportunityCommand(fullInput(token())));
      const before = await get(client, created.Id!);
      await advanceClock(60_000);

      const updated = await client.send(
        new UpdateOpportunityCommand({
          Catalog: 'Sandbox',
          Identifier: created.Id,
          LastModifiedDate: before.LastModifiedDate,
          Customer: { Account: { CompanyName: 'Renamed Agency', Industry: 'Education', Address: { CountryCode: 'CA' } } },
          Project: {
            Title: 'New title',
            ExpectedCustomerSpend: [{ Amount: '2500.50', CurrencyCode: 'EUR', Frequency: 'Monthly', TargetCompany: 'AWS' }],
          },
          LifeCycle: { Stage: 'Technical Validation', NextSteps: 'Run the pilot.' },
        }),
      );
      assert.equal(updated.Id, created.Id);
      assert.equal(updated.LastModifiedDate?.getTime(), before.LastModifiedDate!.getTime() + 60_000);

      const after = await get(client, created.Id!);
      assert.equal(after.LastModifiedDate?.toISOString(), updated.LastModifiedDate?.toISOString());
      assert.equal(after.CreatedDate?.toISOString(), before.CreatedDate?.toISOString());
      assert.deepEqual(after.OpportunityTeam, before.OpportunityTeam);
      assert.deepEqual(after.RelatedEntityIdentifiers, before.RelatedEntityIdentifiers);
      assert.equal(after.Arn, before.Arn);
      assert.deepEqual(after.Customer, { Account: { CompanyName: 'Renamed Agency', Industry: 'Education', Address: { CountryCode: 'CA' } } });
      assert.deepEqual(after.Project, {
        Title: 'New title',
        ExpectedCustomerSpend: [{ Amount: '2500.5', CurrencyCode: 'EUR', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      });
      // Omitted members are cleared; the documented defaults come back.
      assert.equal(after.Marketing, undefined);
      assert.equal(after.SoftwareRevenue, undefined);
      assert.equal(after.PrimaryNeedsFromAws, undefined);
      assert.equal(after.PartnerOpportunityIdentifier, undefined);
      assert.equal(after.NationalSecurity, 'No');
      assert.equal(after.OpportunityType, 'Net New Business');
      assert.deepEqual(after.LifeCycle, {
        Stage: 'Technical Validation',
        NextSteps: 'Run the pilot.',
        ReviewStatus: 'Pending Submission',
        NextStepsHistory: [
          { Value: 'Schedule the architecture review.', Time: before.CreatedDate },
          { Value: 'Run the pilot.', Time: updated.LastModifiedDate },
        ],
      });

      const events = (await eventsOf(endpoint, { account })).map((e) => [e['detail-type'], e.detail]);
      assert.deepEqual(events, [
        ['Opportunity Created', { schemaVersion: '1', catalog: 'Sandbox', opportunity: { identifier: created.Id } }],
        ['Opportunity Updated', { schemaVersion: '1', catalog: 'Sandbox', opportunity: { identifier: created.Id } }],
      ]);
    });

    it('moves LastModifiedDate forward by at least 1 ms even when the clock stands still', async () => {
      const client = clientFor(endpoint, freshAccount());
      const created = await client.send(new CreateOpportunityCommand(minimalInput()));
      const first = await client.send(new UpdateOpportunityCommand(asUpdate(await get(client, created.Id!))));
      assert.equal(first.LastModifiedDate!.getTime(), created.LastModifiedDate!.getTime() + 1);
      const second = await client.send(new UpdateOpportunityCommand(asUpdate(await get(client, created.Id!))));
      assert.equal(second.LastModifiedDate!.getTime(), created.LastModifiedDate!.getTime() + 2);
    });

    it('refuses a stale LastModifiedDate with ConflictException and changes nothing', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      const created = await client.send(new CreateOpportunityCommand(minimalInput()));
      const original = await get(client, created.Id!);
      await client.send(new UpdateOpportunityCommand(asUpdate(original, { PartnerOpportunityIdentifier: 'first-writer' })));
      // The SDK writes whole seconds without fraction digits; the message echoes what was sent.
      const stale = original.LastModifiedDate!.toISOString().replace('.000Z', 'Z');
      await rejectsWith(
        client.send(new UpdateOpportunityCommand(asUpdate(original, { PartnerOpportunityIdentifier: 'second-writer' }))),
        ConflictException,
        (err) =>
          assert.equal(
            err.message,
            `The opportunity ${created.Id} was modified after the LastModifiedDate you provided (${stale}). Get the latest LastModifiedDate with GetOpportunity and try again.`,
          ),
      );
      assert.equal((await get(client, created.Id!)).PartnerOpportunityIdentifier, 'first-writer');
      const updates = (await eventsOf(endpoint, { account })).filter((e) => e['detail-type'] === 'Opportunity Updated');
      assert.equal(updates.length, 1);
    });

    it('accepts LastModifiedDate in any RFC 3339 form at millisecond precision', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      await advanceClock(38);
      const created = await client.send(new CreateOpportunityCommand(minimalInput()));
      const got = await callRaw(endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: created.Id }, account);
      const iso = String(got.json().LastModifiedDate);
      // What boto3 sends back: microseconds and a numeric offset.
      const pythonStyle = iso.replace(/\.(\d{3})Z$/, '.$1000+00:00');
      assert.notEqual(pythonStyle, iso);
      const res = await callRaw(endpoint, 'UpdateOpportunity', { Catalog: 'Sandbox', Identifier: created.Id, LastModifiedDate: pythonStyle }, account);
      assert.equal(res.status, 200, res.body);
    });

    it('blocks every update while the review is in progress (Submitted / In review)', async () => {
      const client = clientFor(endpoint, freshAccount());
      const created = await client.send(new CreateOpportunityCommand(fullInput(token())));
      await submitForReview(client, created.Id!);
      const submitted = await get(client, created.Id!);
      await client.send(new UpdateOpportunityCommand(asUpdate(submitted, { LifeCycle: { ...submitted.LifeCycle, ReviewStatus: 'In review' } })));
      const inReview = await get(client, created.Id!);
      assert.equal(inReview.LifeCycle?.ReviewStatus, 'In review');
      for (const attempt of [asUpdate(inReview), asUpdate(inReview, { PartnerOpportunityIdentifier: 'changed' })]) {
        await rejectsWith(client.send(new UpdateOpportunityCommand(attempt)), ValidationException, (err) => {
          assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
          assert.deepEqual(
            err.ErrorList?.map((e) => [e.FieldName, e.Code]),
            [['lifeCycle.reviewStatus', 'INVALID_RESOURCE_STATE']],
          );
        });
      }
      // A simulated review that also edits partner fields is refused too.
      await rejectsWith(
        client.send(
          new UpdateOpportunityCommand(
            asUpdate(inReview, { PartnerOpportunityIdentifier: 'changed', LifeCycle: { ...inReview.LifeCycle, ReviewStatus: 'Approved' } }),
          ),
        ),
        ValidationException,
      );
      assert.equal((await get(client, created.Id!)).LastModifiedDate?.toISOString(), inReview.LastModifiedDate?.toISOString());
    });

    it('simulates Action Required and Approved in Sandbox, with the field locks of each status', async () => {
      const client = clientFor(endpoint, freshAccount());
      const created = await client.send(new CreateOpportunityCommand(fullInput(token())));
      await submitForReview(client, created.Id!);
      const pending = await get(client, created.Id!);

      await client.send(
        new UpdateOpportunityCommand(
          asUpdate(pending, {
            LifeCycle: {
              ...pending.LifeCycle,
              ReviewStatus: 'Action Required',
              ReviewComments: 'Please update the customer business problem to give more details',
              ReviewStatusReason: 'Additional information needed',
            },
          }),
        ),
      );
      const actionRequired = await get(client, created.Id!);
      assert.equal(actionRequired.LifeCycle?.ReviewStatus, 'Action Required');
      assert.equal(actionRequired.LifeCycle?.ReviewComments, 'Please update the customer business problem to give more details');
      assert.equal(actionRequired.LifeCycle?.ReviewStatusReason, 'Additional information needed');

      // Only the listed fields may change while Action Required; every other change is named.
      await rejectsWith(
        client.send(
          new UpdateOpportunityCommand(
            asUpdate(actionRequired, {
              Project: { ...actionRequired.Project, Title: 'Another title' },
              LifeCycle: { ...actionRequired.LifeCycle, Stage: 'Committed' },
            }),
          ),
        ),
        ValidationException,
        (err) => {
          assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
          assert.deepEqual(err.ErrorList?.map((e) => [e.FieldName, e.Code]).sort(), [
            ['lifeCycle.stage', 'ACTION_NOT_PERMITTED'],
            ['project.title', 'ACTION_NOT_PERMITTED'],
          ]);
        },
      );
      await client.send(
        new UpdateOpportunityCommand(
          asUpdate(actionRequired, {
            Project: { ...actionRequired.Project, CustomerBusinessProblem: 'Updated with additional details about the customer problem' },
            Customer: {
              ...actionRequired.Customer,
              Account: { ...actionRequired.Customer!.Account!, WebsiteUrl: 'https://new.agency.example.com', Address: { CountryCode: 'US', PostalCode: '98109' } },
            },
            PartnerOpportunityIdentifier: 'CRM-0002',
          }),
        ),
      );
      const fixed = await get(client, created.Id!);
      assert.equal(fixed.Project?.CustomerBusinessProblem, 'Updated with additional details about the customer problem');
      // The partner's update keeps AWS's status and comments.
      assert.equal(fixed.LifeCycle?.ReviewStatus, 'Action Required');
      assert.equal(fixed.LifeCycle?.ReviewComments, 'Please update the customer business problem to give more details');

      await client.send(new UpdateOpportunityCommand(asUpdate(fixed, { LifeCycle: { ...fixed.LifeCycle, ReviewStatus: 'Approved', ReviewComments: undefined, ReviewStatusReason: undefined } })));
      const approved = await get(client, created.Id!);
      assert.equal(approved.LifeCycle?.ReviewStatus, 'Approved');
      assert.equal(approved.LifeCycle?.ReviewComments, undefined);

      // Approved locks the customer identity, the problem, the title and the partner's id.
      await rejectsWith(
        client.send(new UpdateOpportunityCommand(asUpdate(approved, { Project: { ...approved.Project, Title: 'Renamed after approval' } }))),
        ValidationException,
        (err) => assert.deepEqual(err.ErrorList?.map((e) => [e.FieldName, e.Code]), [['project.title', 'ACTION_NOT_PERMITTED']]),
      );
      await client.send(new UpdateOpportunityCommand(asUpdate(approved, { LifeCycle: { ...approved.LifeCycle, Stage: 'Technical Validation', NextSteps: 'Validate.' } })));
      const progressed = await get(client, created.Id!);
      assert.equal(progressed.LifeCycle?.Stage, 'Technical Validation');
      assert.equal(progressed.LifeCycle?.ReviewStatus, 'Approved');
    });

    it('makes a Rejected opportunity read-only', async () => {
      const client = clientFor(endpoint, freshAccount());
      const created = await client.send(new CreateOpportunityCommand(fullInput(token())));
      await submitForReview(client, created.Id!);
      const pending = await get(client, created.Id!);
      await client.send(new UpdateOpportunityCommand(asUpdate(pending, { LifeCycle: { ...pending.LifeCycle, ReviewStatus: 'Rejected', ReviewStatusReason: 'Duplicate' } })));
      const rejected = await get(client, created.Id!);
      assert.equal(rejected.LifeCycle?.ReviewStatus, 'Rejected');
      await rejectsWith(client.send(new UpdateOpportunityCommand(asUpdate(rejected, { PartnerOpportunityIdentifier: 'x' }))), ValidationException, (err) =>
        assert.equal(err.ErrorList?.[0]?.Code, 'INVALID_RESOURCE_STATE'),
      );
    });

    it('ignores review members in the AWS catalog and a sent Pending Submission / Submitted in Sandbox', async () => {
      const client = clientFor(endpoint, freshAccount());
      const created = await client.send(new CreateOpportunityCommand(minimalInput({ Catalog: 'AWS' })));
      const got = await get(client, created.Id!, 'AWS');
      await client.send(
        new UpdateOpportunityCommand(asUpdate(got, { LifeCycle: { ...got.LifeCycle, ReviewStatus: 'Approved', ReviewComments: 'self-approved' } })),
      );
      const after = await get(client, created.Id!, 'AWS');
      assert.equal(after.LifeCycle?.ReviewStatus, 'Pending Submission');
      assert.equal(after.LifeCycle?.ReviewComments, undefined);

      const sandbox = await client.send(new CreateOpportunityCommand(minimalInput()));
      const pending = await get(client, sandbox.Id!);
      await client.send(new UpdateOpportunityCommand(asUpdate(pending, { LifeCycle: { ...pending.LifeCycle, ReviewStatus: 'Submitted' } })));
      assert.equal((await get(client, sandbox.Id!)).LifeCycle?.ReviewStatus, 'Pending Submission');
    });

    it('accepts the whole GetOpportunity body sent back over raw HTTP, Postman style', async () => {
      const account = freshAccount();
      const client = clientFor(endpoint, account);
      const created = await client.send(new CreateOpportunityCommand(fullInput(token())));
      await submitForReview(client, created.Id!);
      const pending = await get(client, created.Id!);
      await client.send(new UpdateOpportunityCommand(asUpdate(pending, { LifeCycle: { ...pending.LifeCycle, ReviewStatus: 'In review' } })));

      async function postmanUpdate(edit: (body: Record<string, unknown>) => void) {
        const got = await callRaw(endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: created.Id }, account);
        const { Id, ...rest } = got.json();
        const body: Record<string, unknown> = { ...rest, Identifier: Id, PartnerId: 'p-123', TagKeys: ['x'], Origin: 'Partner Referral' };
        edit(body);
        return callRaw(endpoint, 'UpdateOpportunity', body, account);
      }
      const simulated = await postmanUpdate((body) => {
        const lifeCycle = body.LifeCycle as Record<string, unknown>;
        lifeCycle.ReviewStatus = 'Action Required';
        lifeCycle.ReviewComments = 'Please update the customer business problem to give more details';
      });
      assert.equal(simulated.status, 200, simulated.body);
      assert.deepEqual(Object.keys(simulated.json()).sort(), ['Id', 'LastModifiedDate']);
      const afterSimulation = await get(client, created.Id!);
      assert.equal(afterSimulation.LifeCycle?.ReviewStatus, 'Action Required');
      assert.ok(afterSimulation.LifeCycle?.ReviewComments);
      assert.deepEqual(afterSimulation.OpportunityTeam, pending.OpportunityTeam);
      assert.deepEqual(afterSimulation.Customer, pending.Customer);

      const partnerEdit = await postmanUpdate((body) => {
        (body.Project as Record<string, unknown>).CustomerBusinessProblem = 'Updated with additional details about the customer problem';
      });
      assert.equal(partnerEdit.status, 200, partnerEdit.body);
      assert.equal((await get(client, created.Id!)).Project?.CustomerBusinessProblem, 'Updated with additional details about the customer problem');

      const approval = await postmanUpdate((body) => {
        (body.LifeCycle as Record<string, unknown>).ReviewStatus = 'Approved';
      });
      assert.equal(approval.status, 200, approval.body);
      assert.equal((await get(client, created.Id!)).LifeCycle?.ReviewStatus, 'Approved');
    });
  });
});
