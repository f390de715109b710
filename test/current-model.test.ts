// What the current (October 2026) model added since April, end to end over HTTP with the official SDK:
// ExpectedContractDuration through Create/Get/List/Update, the accept task and snapshots; the new enum values
// and dropped required flags where inputs carry them; the three prospecting operations routed and validated. See ../shared/models/README.md and spec decisions 20–22.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateOpportunityCommand,
  PutSellingSystemSettingsCommand,
  CreateEngagementCommand,
  CreateEngagementContextCommand,
  CreateEngagementInvitationCommand,
  CreateOpportunityCommand,
  DisassociateOpportunityCommand,
  GetOpportunityCommand,
  GetProspectingFromEngagementTaskCommand,
  GetResourceSnapshotCommand,
  ListEngagementsCommand,
  ListOpportunitiesCommand,
  ListProspectingFromEngagementTasksCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  StartProspectingFromEngagementTaskCommand,
  UpdateEngagementContextCommand,
  UpdateOpportunityCommand,
  type CreateOpportunityCommandInput,
  type GetOpportunityCommandOutput,
  type PartnerCentralSellingClient,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { awsReferralInput, createReferralAndFindInvitation, minimalOpportunityInput, selfSpend } from './fixtures.js';
import { callRaw, clientFor, fakeSigV4Headers, rawRequest, sdkError, startTestServer, type RawResponse } from './helpers.js';

const TWO_YEARS = { Term: 'Months', Value: '24' } as const;
const SERVICE_NS = 'com.amazonaws.partnercentralselling#';

/** The update body that sends back what GetOpportunity returned, with the partner's changes applied. */
function updateFrom(got: GetOpportunityCommandOutput, project: Record<string, unknown>): ConstructorParameters<typeof UpdateOpportunityCommand>[0] {
  return {
    Catalog: 'Sandbox',
    Identifier: got.Id!,
    LastModifiedDate: got.LastModifiedDate!,
    Customer: got.Customer,
    LifeCycle: { Stage: got.LifeCycle?.Stage, TargetCloseDate: got.LifeCycle?.TargetCloseDate },
    Project: project,
  };
}

function assertValidation(reply: RawResponse, fields: string[]): void {
  assert.equal(reply.status, 400, reply.body);
  assert.equal(reply.json().__type, `${SERVICE_NS}ValidationException`);
  const list = reply.json().ErrorList as Array<{ FieldName: string }>;
  assert.deepEqual(list.map((e) => e.FieldName).sort(), [...fields].sort(), reply.body);
}

/** The same body over both routings: X-Amz-Target on `/` and `POST /<Op>`. */
async function bothRoutings(endpoint: string, operation: string, body: unknown): Promise<RawResponse[]> {
  const rest = await rawRequest(endpoint, {
    path: `/${operation}`,
    headers: { 'content-type': 'application/json', ...fakeSigV4Headers() },
    body: JSON.stringify(body),
  });
  return [await callRaw(endpoint, operation, body), rest];
}

describe('the current model (October 2026)', () => {
  let server: RunningServer;
  let client: PartnerCentralSellingClient;

  before(async () => {
    server = await startTestServer();
    client = clientFor(server.endpoint);
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  describe('Project.ExpectedContractDuration (May 2026)', () => {
    it('round-trips through CreateOpportunity, GetOpportunity, ListOpportunities and UpdateOpportunity', async () => {
      const input: CreateOpportunityCommandInput = minimalOpportunityInput(
        'ecd-create',
        { company: 'Duration Corp', title: 'Two-year deal', businessProblem: 'The customer wants a two-year managed service.' },
      );
      // TCV mode (§3.5 [DOC D-DEAL]): the duration comes with the partner's Self entry.
      input.Project = { ...input.Project, ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [selfSpend('240000')] };
      const { Id } = await client.send(new CreateOpportunityCommand(input));
      const got = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: Id }));
      assert.deepEqual(got.Project?.ExpectedContractDuration, TWO_YEARS);

      const listed = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', Identifier: [Id!] }));
      assert.deepEqual(listed.OpportunitySummaries?.map((s) => s.Project?.ExpectedContractDuration), [TWO_YEARS]);

      // A new value replaces the stored one.
      await client.send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedContractDuration: { Term: 'Months', Value: '36' } })));
      const updated = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: Id }));
      assert.deepEqual(updated.Project?.ExpectedContractDuration, { Term: 'Months', Value: '36' });
      assert.equal(updated.Project?.Title, 'Two-year deal');

      // D-DEAL: omitting it is "no change" (a connector that predates the field does not wipe it)…
      const { ExpectedContractDuration: _omitted, ...withoutDuration } = updated.Project!;
      await client.send(new UpdateOpportunityCommand(updateFrom(updated, { ...withoutDuration, Title: 'Three-year deal' })));
      const kept = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: Id }));
      assert.equal(kept.Project?.Title, 'Three-year deal');
      assert.deepEqual(kept.Project?.ExpectedContractDuration, { Term: 'Months', Value: '36' });

      // …and an explicit null clears it (raw HTTP: the SDK never sends null), with only an AWS entry left.
      const monthly = { Amount: '8000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' } as const;
      const cleared = await callRaw(server.endpoint, 'UpdateOpportunity', {
        ...updateFrom(kept, { ...withoutDuration, Title: 'Three-year deal', ExpectedContractDuration: null, ExpectedCustomerSpend: [monthly] }),
      });
      assert.equal(cleared.status, 200, cleared.body);
      const afterClear = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: Id }));
      assert.equal(afterClear.Project?.ExpectedContractDuration, undefined);
      assert.deepEqual(afterClear.Project?.ExpectedCustomerSpend, [monthly]);
      assert.equal(afterClear.Project?.Title, 'Three-year deal');
    });

    it('needs Term and Value inside it, Term from the enum, Value 1–144 months; a refusal stores nothing', async () => {
      const countBefore = (await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries!.length;
      const base = minimalOpportunityInput('ecd-bad', { company: 'Bad Duration', title: 'Nope', businessProblem: 'Nothing to see here, really.' });
      const withDuration = (duration: unknown) => ({ ...base, Project: { ...base.Project, ExpectedContractDuration: duration, ExpectedCustomerSpend: [selfSpend('120000')] } });

      let reply = await callRaw(server.endpoint, 'CreateOpportunity', withDuration({ Value: '12' }));
      assertValidation(reply, ['project.expectedContractDuration.term']);
      assert.equal((reply.json().ErrorList as Array<{ Code: string }>)[0]!.Code, 'REQUIRED_FIELD_MISSING');
      reply = await callRaw(server.endpoint, 'CreateOpportunity', withDuration({ Term: 'Months' }));
      assertValidation(reply, ['project.expectedContractDuration.value']);
      reply = await callRaw(server.endpoint, 'CreateOpportunity', withDuration({}));
      assertValidation(reply, ['project.expectedContractDuration.term', 'project.expectedContractDuration.value']);
      reply = await callRaw(server.endpoint, 'CreateOpportunity', withDuration({ Term: 'Years', Value: '2' }));
      assertValidation(reply, ['project.expectedContractDuration.term']);
      assert.equal((reply.json().ErrorList as Array<{ Code: string }>)[0]!.Code, 'INVALID_ENUM_VALUE');

      for (const value of ['0', '145', '12.5', 'twelve', '']) {
        const err = await sdkError(
          client.send(new CreateOpportunityCommand(withDuration({ Term: 'Months', Value: value }) as CreateOpportunityCommandInput)),
          'ValidationException',
        );
        assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED', value);
        assert.deepEqual(err.ErrorList.map((e: { FieldName: string }) => e.FieldName), ['project.expectedContractDuration.value']);
      }
      // The same rules hold on UpdateOpportunity (Term required inside).
      const { Id } = await client.send(new CreateOpportunityCommand({ ...base, ClientToken: 'ecd-bad-update' }));
      const got = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: Id }));
      reply = await callRaw(server.endpoint, 'UpdateOpportunity', updateFrom(got, { ...got.Project, ExpectedContractDuration: { Value: '12' } }));
      assertValidation(reply, ['project.expectedContractDuration.term']);
      const unchanged = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: Id }));
      assert.equal(unchanged.LastModifiedDate?.toISOString(), got.LastModifiedDate?.toISOString());
      assert.equal((await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries!.length, countBefore + 1);
    });

    it('an AWS referral carries it onto the accepted opportunity and into snapshot revision 1; a change makes revision 2', async () => {
      const referral = awsReferralInput('ecd-referral', 'Referral with a duration', {
        project: {
          ExpectedContractDuration: TWO_YEARS,
          ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }, selfSpend('600000')],
        },
      });
      const { opportunityId, invitation } = await createReferralAndFindInvitation(client, referral);
      const task = await client.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: invitation.Arn, ClientToken: 'ecd-accept' }));
      assert.equal(task.TaskStatus, 'COMPLETE', task.Message);
      assert.equal(task.OpportunityId, opportunityId);

      const accepted = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opportunityId }));
      assert.deepEqual(accepted.Project?.ExpectedContractDuration, TWO_YEARS);
      assert.deepEqual(accepted.RelatedEntityIdentifiers?.AwsMarketplaceSolutions, []);
      assert.deepEqual(accepted.RelatedEntityIdentifiers?.AwsMarketplaceProducts, []);

      const snapshotOf = async (Revision?: number) =>
        client.send(
          new GetResourceSnapshotCommand({
            Catalog: 'Sandbox',
            EngagementIdentifier: invitation.EngagementId,
            ResourceType: 'Opportunity',
            ResourceIdentifier: opportunityId,
            ResourceSnapshotTemplateIdentifier: 'OpportunitySummaryView',
            Revision,
          }),
        );
      const first = await snapshotOf(1);
      assert.deepEqual(first.Payload?.OpportunitySummary?.Project?.ExpectedContractDuration, TWO_YEARS);

      // The running job takes a new revision when the duration changes (with a job role set), and it carries the new value.
      await client.send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: 'SnapshotJobRole' }));
      await client.send(new UpdateOpportunityCommand(updateFrom(accepted, { ...accepted.Project, ExpectedContractDuration: { Term: 'Months', Value: '48' } })));
      const latest = await snapshotOf();
      assert.equal(latest.Revision, 2);
      assert.deepEqual(latest.Payload?.OpportunitySummary?.Project?.ExpectedContractDuration, { Term: 'Months', Value: '48' });
    });
  });

  describe('new enum values and dropped required flags, where inputs carry them', () => {
    const lead = {
      // August 2026: no Address, free-text Industry and MarketSegment, interaction without source or action.
      Customer: { CompanyName: 'Lead Without Address', Industry: 'Vertical farming', MarketSegment: 'Mid-market (200-999)' },
      Interactions: [{ Contact: { BusinessTitle: 'CTO', Email: 'cto@lead.example.com', FirstName: 'Ada', LastName: 'Lovelace' } }],
    };

    it('CreateEngagement: no Title or Description, a Lead without address, a ProspectingResult context → valid', async () => {
      for (const reply of await bothRoutings(server.endpoint, 'CreateEngagement', {
        Catalog: 'Sandbox',
        ClientToken: 'lead-no-address',
        Contexts: [
          { Type: 'Lead', Payload: { Lead: lead } },
          { Type: 'ProspectingResult', Payload: { ProspectingResult: { Aws: { Customer: { AccountName: 'Lead Without Address', Country: 'US' } } } } },
        ],
      })) {
        assert.equal(reply.status, 200, reply.body);
        assert.match(String(reply.json().Id), /^eng-[0-9a-z]{14}$/);
      }
      const created = await client.send(new CreateEngagementCommand({ Catalog: 'Sandbox', Contexts: [{ Type: 'Lead', Payload: { Lead: lead } }] }));
      assert.match(created.Id!, /^eng-[0-9a-z]{14}$/);
      // Changed constraints: an empty title, a free-text email and a short business problem pass; an empty
      // contact BusinessTitle (April: 0–80 characters, now 1–255) does not.
      const contact = { BusinessTitle: 'CTO', Email: 'ada at lead', FirstName: 'Ada', LastName: 'Lovelace' };
      const relaxed = { Customer: { CompanyName: 'Relaxed' }, Interactions: [{ BusinessProblem: 'Too slow', Contact: contact }] };
      const [relaxedReply] = await bothRoutings(server.endpoint, 'CreateEngagement', {
        Catalog: 'Sandbox',
        ClientToken: 'relaxed',
        Title: '',
        Contexts: [{ Type: 'Lead', Payload: { Lead: relaxed } }],
      });
      assert.equal(relaxedReply!.status, 200, relaxedReply!.body);
      const tightened = { ...relaxed, Interactions: [{ Contact: { ...contact, BusinessTitle: '' } }] };
      assertValidation(
        await callRaw(server.endpoint, 'CreateEngagement', { Catalog: 'Sandbox', ClientToken: 'tight', Contexts: [{ Type: 'Lead', Payload: { Lead: tightened } }] }),
        ['contexts.payload.lead.interactions.contact.businessTitle'],
      );
      // What stayed required still is: the lead's company name and contact email.
      const reply = await callRaw(server.endpoint, 'CreateEngagement', {
        Catalog: 'Sandbox',
        ClientToken: 'lead-incomplete',
        Contexts: [{ Type: 'Lead', Payload: { Lead: { Customer: {}, Interactions: [{ Contact: { BusinessTitle: 'CTO', FirstName: 'A', LastName: 'B' } }] } } }],
      });
      assertValidation(reply, ['contexts.payload.lead.customer.companyName', 'contexts.payload.lead.interactions.contact.email']);
    });

    it('CreateEngagementContext and UpdateEngagementContext take ProspectingResult; unknown context types are refused', async () => {
      const prospecting = { ProspectingResult: { Aws: { Insights: { MarketplaceEngagementScore: 'High' } } } };
      await sdkError(
        client.send(new CreateEngagementContextCommand({ Catalog: 'Sandbox', EngagementIdentifier: 'eng-abcdefghij0123', Type: 'ProspectingResult', Payload: prospecting })),
        'ResourceNotFoundException',
      );
      await sdkError(
        client.send(
          new UpdateEngagementContextCommand({
            Catalog: 'Sandbox',
            EngagementIdentifier: 'eng-abcdefghij0123',
            ContextIdentifier: '1',
            EngagementLastModifiedAt: new Date('2026-10-01T00:00:00Z'),
            Type: 'ProspectingResult',
            Payload: prospecting,
          }),
        ),
        'ResourceNotFoundException',
      );
      const reply = await callRaw(server.endpoint, 'CreateEngagementContext', {
        Catalog: 'Sandbox',
        EngagementIdentifier: 'eng-abcdefghij0123',
        ClientToken: 't',
        Type: 'Prospecting',
        Payload: prospecting,
      });
      assertValidation(reply, ['type']);
    });

    it('CreateEngagementInvitation: a LeadInvitation without CountryCode or source fields, free-text industry → valid (then: no such engagement)', async () => {
      const err = await sdkError(
        client.send(
          new CreateEngagementInvitationCommand({
            Catalog: 'Sandbox',
            EngagementIdentifier: 'eng-abcdefghij0123',
            Invitation: {
              Message: 'A lead for you',
              Receiver: { Account: { AwsAccountId: '222222222222' } },
              Payload: { LeadInvitation: { Customer: { CompanyName: 'Acme', Industry: 'Space tourism' }, Interaction: { ContactBusinessTitle: 'CTO' } } },
            },
          }),
        ),
        // Past validation, the operation looks for the engagement (implemented since issue 7).
        'ResourceNotFoundException',
      );
      assert.match(err.message, /eng-abcdefghij0123/);
    });

    it('Associate/DisassociateOpportunity take AwsMarketplaceSolutions and AwsMarketplaceProducts past validation; other types are refused', async () => {
      const cases = [
        ['AwsMarketplaceSolutions', 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Solution/soln-abcdef123456'],
        ['AwsMarketplaceProducts', 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/AmiProduct/prod-abcdef123456'],
      ] as const;
      for (const [RelatedEntityType, RelatedEntityIdentifier] of cases) {
        const input = { Catalog: 'Sandbox', OpportunityIdentifier: 'O1234567', RelatedEntityType, RelatedEntityIdentifier };
        // Valid input reaches the handler, which does not know O1234567 (opportunity-lifecycle.test.ts associates them).
        await sdkError(client.send(new AssociateOpportunityCommand(input)), 'ResourceNotFoundException');
        await sdkError(client.send(new DisassociateOpportunityCommand(input)), 'ResourceNotFoundException');
      }
      const reply = await callRaw(server.endpoint, 'AssociateOpportunity', {
        Catalog: 'Sandbox',
        OpportunityIdentifier: 'O1234567',
        RelatedEntityType: 'AwsMarketplaceListings',
        RelatedEntityIdentifier: 'x',
      });
      assertValidation(reply, ['relatedEntityType']);
    });

    it('ListEngagements filters on the ProspectingResult context type', async () => {
      const all = (await client.send(new ListEngagementsCommand({ Catalog: 'Sandbox' }))).EngagementSummaryList!;
      assert.ok(all.length > 0, 'the accepted referral above made the caller a member of an engagement');
      // CreateEngagement above made one with a ProspectingResult context; the referral's has none.
      const withType = all.filter((e) => e.ContextTypes?.includes('ProspectingResult')).map((e) => e.Id).sort();
      assert.equal(withType.length, 1);
      const prospected = await client.send(new ListEngagementsCommand({ Catalog: 'Sandbox', ContextTypes: ['ProspectingResult'] }));
      assert.deepEqual(prospected.EngagementSummaryList?.map((e) => e.Id).sort(), withType);
      const others = await client.send(new ListEngagementsCommand({ Catalog: 'Sandbox', ExcludeContextTypes: ['ProspectingResult'] }));
      assert.deepEqual(others.EngagementSummaryList?.map((e) => e.Id).sort(), all.filter((e) => !withType.includes(e.Id)).map((e) => e.Id).sort());
    });
  });

  describe('the prospecting operations (June 2026) are routed and validated', () => {
    const good = {
      StartProspectingFromEngagementTask: { Catalog: 'Sandbox', Identifiers: ['eng-abcdefghij0123'], TaskName: 'Q4 prospecting', ClientToken: 'prospect-1' },
      GetProspectingFromEngagementTask: { Catalog: 'Sandbox', TaskIdentifier: 'task-abcdefghij0123' },
      ListProspectingFromEngagementTasks: { Catalog: 'Sandbox', MaxResults: 10, Sort: { SortBy: 'FailedEngagementCount', SortOrder: 'DESCENDING' } },
    };
    const bad: Record<keyof typeof good, [Record<string, unknown>, string[]]> = {
      StartProspectingFromEngagementTask: [
        { Catalog: 'Sandbox', Identifiers: ['eng-1', ...Array(100).fill('eng-abcdefghij0123')], TaskName: '', ClientToken: 'prospect-2' },
        ['identifiers', 'identifiers', 'taskName'],
      ],
      GetProspectingFromEngagementTask: [{ Catalog: 'Sandbox', TaskIdentifier: 'task-TOO-SHORT' }, ['taskIdentifier']],
      ListProspectingFromEngagementTasks: [
        { Catalog: 'Sandbox', MaxResults: 0, TaskName: Array(11).fill('n'), Sort: { SortBy: 'EndTime', SortOrder: 'ASCENDING' } },
        ['maxResults', 'taskName', 'sort.sortBy'],
      ],
    };

    for (const operation of Object.keys(good) as Array<keyof typeof good>) {
      it(`${operation} over both routings: a valid input is answered, an invalid one → ValidationException`, async () => {
        for (const reply of await bothRoutings(server.endpoint, operation, good[operation])) {
          // The task named here does not exist: a valid Get is answered ResourceNotFoundException.
          const expected = operation === 'GetProspectingFromEngagementTask' ? 404 : 200;
          assert.equal(reply.status, expected, reply.body);
        }
        const [input, fields] = bad[operation];
        for (const reply of await bothRoutings(server.endpoint, operation, input)) assertValidation(reply, fields);
      });
    }

    it('with the official SDK (which knows them since 3.1124.0)', async () => {
      const started = await client.send(new StartProspectingFromEngagementTaskCommand({ Catalog: 'Sandbox', Identifiers: ['eng-abcdefghij0123'], TaskName: 'Q4' }));
      assert.match(started.TaskId!, /^task-[0-9a-z]{14}$/);
      await sdkError(client.send(new GetProspectingFromEngagementTaskCommand({ Catalog: 'Sandbox', TaskIdentifier: 'task-abcdefghij0123' })), 'ResourceNotFoundException');
      const listed = await client.send(new ListProspectingFromEngagementTasksCommand({ Catalog: 'Sandbox', StartAfter: new Date('2026-06-01T00:00:00Z') }));
      assert.ok(listed.TaskSummaries!.some((t) => t.TaskId === started.TaskId));
      const err = await sdkError(
        client.send(new StartProspectingFromEngagementTaskCommand({ Catalog: 'Sandbox', Identifiers: ['engagement-1'], TaskName: 'Q4' })),
        'ValidationException',
      );
      assert.equal(err.Reason, 'REQUEST_VALIDATION_FAILED');
      assert.deepEqual(err.ErrorList.map((e: { FieldName: string }) => e.FieldName), ['identifiers']);
    });
  });
});
