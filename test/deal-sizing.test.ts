// Deal sizing over HTTP with the official SDK (behavior.md §3.5 [DOC D-DEAL]): every TCV rule refused with AWS's
// FieldName, Code and Message and nothing stored; TCV create/update round trips (the stored Self entry taken back,
// the AWS MRR entry derived, an explicit null clearing TCV mode); the EstimationUrl outcomes. Then what AWS shows
// of it: the Partner insights source only beside an EstimationUrl (§3.9), and AWS's owner-only
// AwsOpportunitySummaryFullView snapshots, hidden from a multi-partner receiver by Get and List alike (§4.4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateOpportunityCommand,
  GetAwsOpportunitySummaryCommand,
  GetOpportunityCommand,
  GetResourceSnapshotCommand,
  ListOpportunitiesCommand,
  ListResourceSnapshotsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  UpdateOpportunityCommand,
  type CreateOpportunityCommandInput,
  type ExpectedCustomerSpend,
  type GetOpportunityCommandOutput,
  type PaymentFrequency,
  type Project,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { minimalOpportunityInput, partnerOpportunity, selfSpend } from './fixtures.js';
import { AccountClients, callRaw, controlOk, eventsOf, sdkError, serverPerSuite } from './helpers.js';

const PARTNER = '111111111111';
const SENDER = '222222222222';
const RECEIVER = '333333333333';
const T0 = '2026-11-02T09:00:00.000Z';

const TWO_YEARS = { Term: 'Months', Value: '24' } as const;
const VALID_URL = `https://calculator.aws/#/estimate?id=${'0123456789abcdef'.repeat(2)}abcd1234`;
const EU_URL = `https://pricing.calculator.aws.eu/#/estimate?id=${'ab'.repeat(16)}`;
const INVALID_URL = 'https://calculator.aws/#/estimate?id=invalid';

function monthly(amount: string | undefined, extra: Partial<ExpectedCustomerSpend> = {}): ExpectedCustomerSpend {
  return { ...(amount === undefined ? {} : { Amount: amount }), CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS', ...extra };
}

let counter = 0;
function opportunityWith(project: Partial<Project>): CreateOpportunityCommandInput {
  const input = minimalOpportunityInput(`deal-${++counter}`, { company: 'Sizing Corp', title: `Deal ${counter}`, businessProblem: 'The customer needs its contract sized.' });
  return { ...input, Project: { ...input.Project, ...project } };
}

/** UpdateOpportunity sending back what GetOpportunity returned, with `project` as the new Project. */
function updateFrom(got: GetOpportunityCommandOutput, project: Record<string, unknown>) {
  return {
    Catalog: 'Sandbox' as const,
    Identifier: got.Id!,
    LastModifiedDate: got.LastModifiedDate!,
    Customer: got.Customer,
    LifeCycle: { Stage: got.LifeCycle?.Stage, TargetCloseDate: got.LifeCycle?.TargetCloseDate },
    Project: project,
  };
}

/** The update body as JSON, for raw HTTP (explicit nulls), dates as strings. */
function rawUpdateFrom(got: GetOpportunityCommandOutput, project: Record<string, unknown>) {
  return { ...updateFrom(got, project), LastModifiedDate: got.LastModifiedDate!.toISOString() };
}

interface Refusal {
  FieldName: string;
  Message: string;
}

describe('deal sizing (§3.5 D-DEAL)', () => {
  let server!: RunningServer;
  const clients = new AccountClients(() => server.endpoint);
  serverPerSuite(T0, (s) => (server = s), clients);
  const partner = () => clients.of(PARTNER);

  async function count(): Promise<number> {
    return (await partner().send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 100 }))).OpportunitySummaries!.length;
  }
  async function get(id: string) {
    return partner().send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }));
  }
  async function create(project: Partial<Project>) {
    const { Id } = await partner().send(new CreateOpportunityCommand(opportunityWith(project)));
    return get(Id!);
  }
  /** The SDK error of a refused request: a business ValidationException with exactly `errors`, all INVALID_VALUE. */
  async function refused(promise: Promise<unknown>, errors: Refusal[], message = errors.length === 1 ? errors[0]!.Message : undefined) {
    const err = await sdkError(promise, 'ValidationException');
    assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
    assert.deepEqual(err.ErrorList, errors.map((e) => ({ ...e, Code: 'INVALID_VALUE' })));
    if (message !== undefined) assert.equal(err.message, message);
  }

  describe('CreateOpportunity', () => {
    const self = selfSpend('240000');
    const cases: Array<[string, Partial<Project>, Refusal]> = [
      ['a Self entry without a duration', { ExpectedCustomerSpend: [monthly('100'), self] }, { FieldName: 'project.expectedContractDuration', Message: 'ExpectedContractDuration is required when a Self entry is present' }],
      ['a duration without a Self entry', { ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [monthly('100')] }, { FieldName: 'project.expectedCustomerSpend', Message: 'A Self entry is required when ExpectedContractDuration is present' }],
      ['two Self entries', { ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [self, self] }, { FieldName: 'project.expectedCustomerSpend', Message: 'Only one Self entry is allowed' }],
      [
        'another TargetCompany beside a duration',
        { ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [self, monthly('100', { TargetCompany: 'Partner' })] },
        { FieldName: 'project.expectedCustomerSpend.targetCompany', Message: "TargetCompany must be 'AWS' or 'Self'" },
      ],
      [
        'AWS and Self in different currencies',
        { ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [monthly('100', { CurrencyCode: 'EUR' }), self] },
        { FieldName: 'project.expectedCustomerSpend.currencyCode', Message: 'CurrencyCode must match between entries' },
      ],
      [
        'a Self entry and an EstimationUrl',
        { ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [monthly('100', { EstimationUrl: VALID_URL }), self] },
        { FieldName: 'project.expectedCustomerSpend.estimationUrl', Message: 'Self entry and EstimationUrl cannot coexist' },
      ],
      ['a currency other than USD or EUR', { ExpectedCustomerSpend: [monthly('100', { CurrencyCode: 'GBP' })] }, { FieldName: 'project.expectedCustomerSpend.currencyCode', Message: 'CurrencyCode must be USD or EUR' }],
      [
        'USD in the aws-eusc partition',
        { AwsPartition: 'aws-eusc', ExpectedCustomerSpend: [monthly('100')] },
        { FieldName: 'project.expectedCustomerSpend.currencyCode', Message: 'CurrencyCode must be EUR when AwsPartition is aws-eusc' },
      ],
      [
        'a Self entry with Frequency Monthly',
        { ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [{ ...self, Frequency: 'Monthly' }] },
        { FieldName: 'project.expectedCustomerSpend.frequency', Message: "Frequency must be 'None' for a Self entry" },
      ],
      [
        'an AWS entry with Frequency None',
        { ExpectedCustomerSpend: [monthly('100', { Frequency: 'None' as PaymentFrequency })] },
        { FieldName: 'project.expectedCustomerSpend.frequency', Message: "Frequency must be 'Monthly' for an AWS entry" },
      ],
      [
        'a duration of 145 months',
        { ExpectedContractDuration: { Term: 'Months', Value: '145' }, ExpectedCustomerSpend: [self] },
        { FieldName: 'project.expectedContractDuration.value', Message: 'ExpectedContractDuration.Value must be a whole number of months from 1 to 144.' },
      ],
    ];
    for (const [name, project, error] of cases) {
      it(`refuses ${name} and stores nothing`, async () => {
        const before = await count();
        await refused(partner().send(new CreateOpportunityCommand(opportunityWith(project))), [error]);
        assert.equal(await count(), before);
      });
    }

    it('reports every broken rule at once', async () => {
      await refused(
        partner().send(new CreateOpportunityCommand(opportunityWith({ ExpectedCustomerSpend: [self, self, monthly('1', { CurrencyCode: 'EUR' })] }))),
        [
          { FieldName: 'project.expectedContractDuration', Message: 'ExpectedContractDuration is required when a Self entry is present' },
          { FieldName: 'project.expectedCustomerSpend', Message: 'Only one Self entry is allowed' },
          { FieldName: 'project.expectedCustomerSpend.currencyCode', Message: 'CurrencyCode must match between entries' },
        ],
      );
    });

    it('stores a TCV project with the AWS MRR entry derived in front (Self amount / months)', async () => {
      const got = await create({ ExpectedContractDuration: { Term: 'Months', Value: '36' }, ExpectedCustomerSpend: [selfSpend('1200000.00')] });
      assert.deepEqual(got.Project?.ExpectedContractDuration, { Term: 'Months', Value: '36' });
      assert.deepEqual(got.Project?.ExpectedCustomerSpend, [
        { Amount: '33333.33', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' },
        { Amount: '1200000', CurrencyCode: 'USD', Frequency: 'None', TargetCompany: 'Self' },
      ]);
      // An AWS entry the partner sends is theirs and is kept; EUR throughout is fine.
      const eur = await create({ ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [monthly('9000', { CurrencyCode: 'EUR' }), selfSpend('240000', 'EUR')] });
      assert.deepEqual(eur.Project?.ExpectedCustomerSpend?.map((e) => [e.TargetCompany, e.Amount, e.CurrencyCode]), [
        ['AWS', '9000', 'EUR'],
        ['Self', '240000', 'EUR'],
      ]);
    });

    it('without a duration, any TargetCompany but Self is stored as AWS (model doc)', async () => {
      const got = await create({ ExpectedCustomerSpend: [monthly('500', { TargetCompany: 'Acme Consulting' })] });
      assert.deepEqual(got.Project?.ExpectedCustomerSpend, [monthly('500')]);
    });
  });

  describe('EstimationUrl', () => {
    it('keeps a valid URL (both calculator hosts)', async () => {
      const got = await create({ ExpectedCustomerSpend: [monthly('2500', { EstimationUrl: VALID_URL })] });
      assert.deepEqual(got.Project?.ExpectedCustomerSpend, [monthly('2500', { EstimationUrl: VALID_URL })]);
      const eu = await create({ ExpectedCustomerSpend: [monthly(undefined, { EstimationUrl: EU_URL })] });
      assert.deepEqual(eu.Project?.ExpectedCustomerSpend, [monthly(undefined, { EstimationUrl: EU_URL })]);
    });

    it('drops an invalid URL beside an Amount silently and keeps the Amount', async () => {
      const got = await create({ ExpectedCustomerSpend: [monthly('2500.00', { EstimationUrl: INVALID_URL })] });
      assert.deepEqual(got.Project?.ExpectedCustomerSpend, [monthly('2500')]);
    });

    it('refuses an invalid URL alone with AWS\'s message and stores nothing', async () => {
      const before = await count();
      await refused(
        partner().send(new CreateOpportunityCommand(opportunityWith({ ExpectedCustomerSpend: [monthly(undefined, { EstimationUrl: INVALID_URL })] }))),
        [{ FieldName: 'project.expectedCustomerSpend.estimationUrl', Message: `Invalid Estimation URL: ${INVALID_URL}` }],
        'The provided Estimation URL is invalid',
      );
      // Not the framework's pattern error: the same over raw HTTP, with the model's Reason.
      const raw = await callRaw(server.endpoint, 'CreateOpportunity', opportunityWith({ ExpectedCustomerSpend: [monthly(undefined, { EstimationUrl: 'not a url' })] }));
      assert.equal(raw.status, 400);
      assert.deepEqual(raw.json(), {
        __type: 'com.amazonaws.partnercentralselling#ValidationException',
        Message: 'The provided Estimation URL is invalid',
        Reason: 'BUSINESS_VALIDATION_FAILED',
        ErrorList: [{ FieldName: 'project.expectedCustomerSpend.estimationUrl', Message: 'Invalid Estimation URL: not a url', Code: 'INVALID_VALUE' }],
      });
      assert.equal(await count(), before);
    });

    it('outcomes hold on UpdateOpportunity too; a refused update changes nothing', async () => {
      const got = await create({ ExpectedCustomerSpend: [monthly('100')] });
      await refused(
        partner().send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedCustomerSpend: [monthly(undefined, { EstimationUrl: INVALID_URL })] }))),
        [{ FieldName: 'project.expectedCustomerSpend.estimationUrl', Message: `Invalid Estimation URL: ${INVALID_URL}` }],
        'The provided Estimation URL is invalid',
      );
      const unchanged = await get(got.Id!);
      assert.equal(unchanged.LastModifiedDate?.toISOString(), got.LastModifiedDate?.toISOString());
      await partner().send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedCustomerSpend: [monthly('300', { EstimationUrl: INVALID_URL })] })));
      assert.deepEqual((await get(got.Id!)).Project?.ExpectedCustomerSpend, [monthly('300')]);
    });
  });

  describe('UpdateOpportunity', () => {
    it('takes the stored Self entry back when the duration stays and no Self entry is sent', async () => {
      const got = await create({ ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [selfSpend('240000')] });
      // A connector that predates deal sizing: no duration (no change) and only its AWS entry.
      await partner().send(new UpdateOpportunityCommand(updateFrom(got, { Title: got.Project?.Title, CustomerBusinessProblem: got.Project?.CustomerBusinessProblem, ExpectedCustomerSpend: [monthly('12000')] })));
      const kept = await get(got.Id!);
      assert.deepEqual(kept.Project?.ExpectedContractDuration, TWO_YEARS);
      assert.deepEqual(kept.Project?.ExpectedCustomerSpend, [monthly('12000'), { Amount: '240000', CurrencyCode: 'USD', Frequency: 'None', TargetCompany: 'Self' }]);
      // A new duration with no Self entry: the stored one again.
      await partner().send(new UpdateOpportunityCommand(updateFrom(kept, { ...kept.Project, ExpectedContractDuration: { Term: 'Months', Value: '48' }, ExpectedCustomerSpend: [monthly('12000')] })));
      const longer = await get(got.Id!);
      assert.deepEqual(longer.Project?.ExpectedContractDuration, { Term: 'Months', Value: '48' });
      assert.equal(longer.Project?.ExpectedCustomerSpend?.find((e) => e.TargetCompany === 'Self')?.Amount, '240000');
    });

    it('refuses a duration when no Self entry is sent or stored, and changes nothing', async () => {
      const got = await create({ ExpectedCustomerSpend: [monthly('100')] });
      await refused(partner().send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedContractDuration: TWO_YEARS }))), [
        { FieldName: 'project.expectedCustomerSpend', Message: 'A Self entry is required when ExpectedContractDuration is present' },
      ]);
      const unchanged = await get(got.Id!);
      assert.equal(unchanged.LastModifiedDate?.toISOString(), got.LastModifiedDate?.toISOString());
      assert.equal(unchanged.Project?.ExpectedContractDuration, undefined);
    });

    it('switches to TCV on update and back with an explicit null (raw HTTP)', async () => {
      const got = await create({ ExpectedCustomerSpend: [monthly('100')] });
      await partner().send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [monthly('100'), selfSpend('2400')] })));
      const tcv = await get(got.Id!);
      assert.deepEqual(tcv.Project?.ExpectedContractDuration, TWO_YEARS);

      // null with the Self entry still sent: refused, nothing changes.
      const stillSelf = await callRaw(server.endpoint, 'UpdateOpportunity', rawUpdateFrom(tcv, { ...tcv.Project, ExpectedContractDuration: null }));
      assert.equal(stillSelf.status, 400, stillSelf.body);
      assert.deepEqual(stillSelf.json().ErrorList, [{ FieldName: 'project.expectedContractDuration', Message: 'ExpectedContractDuration is required when a Self entry is present', Code: 'INVALID_VALUE' }]);
      assert.equal((await get(got.Id!)).LastModifiedDate?.toISOString(), tcv.LastModifiedDate?.toISOString());

      // The documented switch back: null and only an AWS entry.
      const { ExpectedContractDuration: _d, ...rest } = tcv.Project!;
      const back = await callRaw(server.endpoint, 'UpdateOpportunity', rawUpdateFrom(tcv, { ...rest, ExpectedContractDuration: null, ExpectedCustomerSpend: [monthly('8000.00')] }));
      assert.equal(back.status, 200, back.body);
      const manual = await get(got.Id!);
      assert.equal(manual.Project?.ExpectedContractDuration, undefined);
      assert.deepEqual(manual.Project?.ExpectedCustomerSpend, [monthly('8000')]);
    });

    it('refuses each rule on update too, leaving the opportunity as it was', async () => {
      const got = await create({ ExpectedContractDuration: TWO_YEARS, ExpectedCustomerSpend: [selfSpend('2400')] });
      await refused(
        partner().send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedCustomerSpend: [monthly('100', { EstimationUrl: VALID_URL }), selfSpend('2400')] }))),
        [{ FieldName: 'project.expectedCustomerSpend.estimationUrl', Message: 'Self entry and EstimationUrl cannot coexist' }],
      );
      await refused(partner().send(new UpdateOpportunityCommand(updateFrom(got, { ...got.Project, ExpectedCustomerSpend: [selfSpend('2400'), selfSpend('10')] }))), [
        { FieldName: 'project.expectedCustomerSpend', Message: 'Only one Self entry is allowed' },
      ]);
      const unchanged = await get(got.Id!);
      assert.equal(unchanged.LastModifiedDate?.toISOString(), got.LastModifiedDate?.toISOString());
      assert.deepEqual(unchanged.Project, got.Project);
    });
  });

  describe('what AWS shows of it', () => {
    const spendInsights = {
      AwsProductsSpendInsightsBySource: {
        AWS: { CurrencyCode: 'USD', Frequency: 'Monthly', TotalAmountByCategory: {}, AwsProducts: [{ ProductCode: 'AmazonEC2', Categories: ['MAP Eligible'], Optimizations: [] }] },
        Partner: { CurrencyCode: 'USD', Frequency: 'Monthly', TotalAmount: '2500', TotalAmountByCategory: { 'MAP Eligible': '2500' }, AwsProducts: [{ ProductCode: 'AmazonEC2', ServiceCode: 'ec2', Categories: ['MAP Eligible'], Amount: '2500', Optimizations: [] }] },
      },
    };

    /** A partner-to-partner invitation from SENDER to RECEIVER, accepted; the sender's opportunity is Submitted. */
    async function multiPartner(spend: ExpectedCustomerSpend[]) {
      const base = partnerOpportunity();
      const sent = await controlOk(server.endpoint, 'invitations', {
        catalog: 'Sandbox',
        senderAccountId: SENDER,
        receiverAccountId: RECEIVER,
        opportunity: { ...base, Project: { ...base.Project, ExpectedCustomerSpend: spend } },
      });
      const task = await clients.of(RECEIVER).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: sent.invitationId, ClientToken: `accept-${sent.invitationId}` }));
      assert.equal(task.TaskStatus, 'COMPLETE', task.Message);
      return { engagementId: sent.engagementId as string, senderOpportunityId: sent.sourceOpportunityId as string, receiverOpportunityId: task.OpportunityId! };
    }

    it('GetAwsOpportunitySummary shows the Partner source only beside an EstimationUrl', async () => {
      const withUrl = await multiPartner([monthly('2500', { EstimationUrl: VALID_URL })]);
      const without = await multiPartner([monthly('2500')]);
      for (const { senderOpportunityId } of [withUrl, without]) {
        await controlOk(server.endpoint, 'aws-opportunity-data', { accountId: SENDER, catalog: 'Sandbox', opportunityId: senderOpportunityId, insights: spendInsights });
      }
      const sources = async (account: string, id: string) =>
        Object.keys((await clients.of(account).send(new GetAwsOpportunitySummaryCommand({ Catalog: 'Sandbox', RelatedOpportunityIdentifier: id }))).Insights?.AwsProductsSpendInsightsBySource ?? {}).sort();
      assert.deepEqual(await sources(SENDER, withUrl.senderOpportunityId), ['AWS', 'Partner']);
      assert.deepEqual(await sources(SENDER, without.senderOpportunityId), ['AWS']);
      // The receiver sees the sender's AWS opportunity, with the same rule.
      assert.deepEqual(await sources(RECEIVER, withUrl.receiverOpportunityId), ['AWS', 'Partner']);
      assert.deepEqual(await sources(RECEIVER, without.receiverOpportunityId), ['AWS']);
    });

    it('AwsOpportunitySummaryFullView snapshots: the owner lists and reads them, a receiver sees neither', async () => {
      const { engagementId, senderOpportunityId, receiverOpportunityId } = await multiPartner([monthly('2500', { EstimationUrl: VALID_URL })]);
      const receiverEventsBefore = (await eventsOf(server.endpoint, { account: RECEIVER })).length;
      const senderEventsBefore = (await eventsOf(server.endpoint, { account: SENDER })).length;
      await controlOk(server.endpoint, 'aws-opportunity-data', { accountId: SENDER, catalog: 'Sandbox', opportunityId: senderOpportunityId, insights: spendInsights });
      // The same data again writes no new revision.
      await controlOk(server.endpoint, 'aws-opportunity-data', { accountId: SENDER, catalog: 'Sandbox', opportunityId: senderOpportunityId, insights: spendInsights });

      const list = async (account: string, filter: Record<string, string> = {}) =>
        (await clients.of(account).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: engagementId, ...filter }))).ResourceSnapshotSummaries!.map(
          (s) => `${s.ResourceId} ${s.ResourceSnapshotTemplateName} ${s.Revision} ${s.CreatedBy}`,
        );
      const fullView = `${senderOpportunityId} AwsOpportunitySummaryFullView 1 aws`;
      const senderSees = await list(SENDER);
      assert.ok(senderSees.includes(fullView), senderSees.join('\n'));
      assert.deepEqual(await list(SENDER, { ResourceSnapshotTemplateIdentifier: 'AwsOpportunitySummaryFullView' }), [fullView]);

      const receiverSees = await list(RECEIVER);
      assert.deepEqual(receiverSees, senderSees.filter((s) => s !== fullView));
      assert.ok(receiverSees.some((s) => s.startsWith(`${senderOpportunityId} OpportunitySummaryView`)), 'the sender shares its summary view');
      assert.ok(receiverSees.some((s) => s.startsWith(`${receiverOpportunityId} OpportunitySummaryView`)));
      assert.deepEqual(await list(RECEIVER, { ResourceSnapshotTemplateIdentifier: 'AwsOpportunitySummaryFullView' }), []);
      assert.deepEqual(await list(RECEIVER, { ResourceIdentifier: senderOpportunityId, CreatedBy: 'aws' }), []);
      // Paged one at a time, the receiver still never meets it.
      const paged: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await clients.of(RECEIVER).send(new ListResourceSnapshotsCommand({ Catalog: 'Sandbox', EngagementIdentifier: engagementId, MaxResults: 1, NextToken }));
        paged.push(...page.ResourceSnapshotSummaries!.map((s) => `${s.ResourceId} ${s.ResourceSnapshotTemplateName} ${s.Revision} ${s.CreatedBy}`));
        NextToken = page.NextToken;
      } while (NextToken);
      assert.deepEqual(paged, receiverSees);

      const getFullView = (account: string) =>
        clients.of(account).send(
          new GetResourceSnapshotCommand({
            Catalog: 'Sandbox',
            EngagementIdentifier: engagementId,
            ResourceType: 'Opportunity',
            ResourceIdentifier: senderOpportunityId,
            ResourceSnapshotTemplateIdentifier: 'AwsOpportunitySummaryFullView',
          }),
        );
      const snapshot = await getFullView(SENDER);
      assert.equal(snapshot.CreatedBy, 'aws');
      assert.deepEqual(snapshot.TargetMemberAccounts, [SENDER]);
      assert.deepEqual(Object.keys(snapshot.Payload?.AwsOpportunitySummaryFullView?.Insights?.AwsProductsSpendInsightsBySource ?? {}).sort(), ['AWS', 'Partner']);
      assert.equal(snapshot.Payload?.AwsOpportunitySummaryFullView?.RelatedOpportunityId, senderOpportunityId);
      await sdkError(getFullView(RECEIVER), 'ResourceNotFoundException');

      // Announced to the owner alone.
      const snapshotEvents = (events: Array<Record<string, unknown>>) =>
        events
          .filter((e) => e['detail-type'] === 'Engagement Resource Snapshot Created')
          .map((e) => (e.detail as { resourceSnapshot: { resourceSnapshotTemplateName: string } }).resourceSnapshot.resourceSnapshotTemplateName);
      assert.deepEqual(snapshotEvents((await eventsOf(server.endpoint, { account: SENDER })).slice(senderEventsBefore)), ['AwsOpportunitySummaryFullView']);
      assert.deepEqual(snapshotEvents((await eventsOf(server.endpoint, { account: RECEIVER })).slice(receiverEventsBefore)), []);
    });
  });
});
