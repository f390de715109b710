// StartOpportunityFromEngagementTask and ListOpportunityFromEngagementTasks (lead conversion) through the official
// SDK: §9's defaults, the CustomerProject context, each ReasonCode, idempotency, progression, isolation and events;
// then the converted lead submitted with StartEngagementFromOpportunityTask in the lead's own engagement.
// Spec: behavior.md §9, §2.4.5, §1.3, §1.7, §3.6.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AssociateOpportunityCommand,
  CreateEngagementCommand,
  GetEngagementCommand,
  GetOpportunityCommand,
  GetResourceSnapshotJobCommand,
  ListEngagementResourceAssociationsCommand,
  ListOpportunityFromEngagementTasksCommand,
  ListTagsForResourceCommand,
  StartEngagementFromOpportunityTaskCommand,
  StartOpportunityFromEngagementTaskCommand,
  UpdateOpportunityCommand,
  type EngagementContextDetails,
  type ListOpportunityFromEngagementTaskSummary,
  type StartOpportunityFromEngagementTaskCommandOutput,
} from '@aws-sdk/client-partnercentral-selling';
import { AccountClients, controlOk as controlOkAt, eventsOf, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2026-01-15T10:00:00.000Z';
const PARTNER = '111111111111';
const OTHER = '222222222222';
const TASK_ID = /^task-[0-9a-z]{13}$/;
const JOB_ID = /^job-[0-9a-z]{13}$/;
const OPPORTUNITY_ID = /^O[0-9]+$/;

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const configure = (body: Record<string, unknown>) => controlOk('config', body);
const types = (list: Array<Record<string, unknown>>) => list.map((e) => e['detail-type']);

function leadContext(qualification?: string): EngagementContextDetails {
  return {
    Type: 'Lead',
    Payload: {
      Lead: {
        ...(qualification ? { QualificationStatus: qualification } : {}),
        Customer: { CompanyName: 'Example Motors', Industry: 'Computers & Electronics', WebsiteUrl: 'https://motors.example.com', Address: { CountryCode: 'DE', City: 'Berlin' } },
        Interactions: [
          { SourceType: 'Event', SourceName: 'Summit', BusinessProblem: 'The first problem the customer mentioned at the summit.', Contact: { BusinessTitle: 'CTO', Email: 'cto@motors.example.com', FirstName: 'Ada', LastName: 'Lovelace' } },
          { SourceType: 'Event', SourceName: 'Webinar', BusinessProblem: 'The customer needs to modernise its parts catalogue search.', Contact: { BusinessTitle: 'CTO', Email: 'cto@motors.example.com', FirstName: 'Ada', LastName: 'Lovelace' } },
        ],
      },
    },
  } as EngagementContextDetails;
}

async function leadEngagement(account = PARTNER, contexts: EngagementContextDetails[] = [leadContext()], token = 'eng-1'): Promise<string> {
  const out = await as(account).send(new CreateEngagementCommand({ Catalog: 'Sandbox', ClientToken: token, Title: 'Lead from the summit', Description: 'A lead AWS shared.', Contexts: contexts }));
  return out.Id!;
}

function start(account: string, engagementId: string, contextId: string, clientToken: string, extra: Record<string, unknown> = {}) {
  return as(account).send(new StartOpportunityFromEngagementTaskCommand({ Catalog: 'Sandbox', ClientToken: clientToken, Identifier: engagementId, ContextIdentifier: contextId, ...extra }));
}

function fields(t: StartOpportunityFromEngagementTaskCommandOutput | ListOpportunityFromEngagementTaskSummary) {
  const { $metadata: _m, ...rest } = t as StartOpportunityFromEngagementTaskCommandOutput;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

async function list(account: string, filter: Record<string, unknown> = {}) {
  return (await as(account).send(new ListOpportunityFromEngagementTasksCommand({ Catalog: 'Sandbox', ...filter }))).TaskSummaries ?? [];
}

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

describe('StartOpportunityFromEngagementTask: lead conversion', () => {
  it('creates the opportunity with §9 defaults, the CustomerProject context, link, job and snapshot', async () => {
    const engagementId = await leadEngagement();
    const before = (await eventsOf(endpoint, { account: PARTNER })).length;
    const task = await start(PARTNER, engagementId, '1', 'convert', { Tags: [{ Key: 'Source', Value: 'Lead' }] });
    assert.match(task.TaskId!, TASK_ID);
    assert.match(task.OpportunityId!, OPPORTUNITY_ID);
    assert.match(task.ResourceSnapshotJobId!, JOB_ID);
    assert.deepEqual(fields(task), {
      TaskId: task.TaskId,
      TaskArn: `arn:aws:partnercentral:us-east-1::catalog/Sandbox/opportunity-from-engagement-task/${task.TaskId}`,
      StartTime: new Date(T0),
      TaskStatus: 'COMPLETE',
      EngagementId: engagementId,
      OpportunityId: task.OpportunityId,
      ContextId: '2',
      ResourceSnapshotJobId: task.ResourceSnapshotJobId,
    });

    const opp = await as(PARTNER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: task.OpportunityId! }));
    assert.deepEqual(opp.Customer, {
      Account: { CompanyName: 'Example Motors', Industry: 'Computers and Electronics', WebsiteUrl: 'https://motors.example.com', Address: { CountryCode: 'DE' } },
      Contacts: [],
    });
    assert.deepEqual(opp.Project, { Title: 'Converted from Lead', CustomerBusinessProblem: 'The customer needs to modernise its parts catalogue search.', ExpectedCustomerSpend: [] });
    assert.deepEqual(opp.LifeCycle, { Stage: 'Prospect', ReviewStatus: 'Pending Submission', TargetCloseDate: '2026-04-15' });
    assert.equal(opp.OpportunityType, 'Net New Business');
    assert.equal(opp.NationalSecurity, 'No');
    assert.deepEqual(opp.Marketing, { Source: 'None' });
    assert.equal(opp.CreatedDate?.toISOString(), T0);
    const tags = await as(PARTNER).send(new ListTagsForResourceCommand({ ResourceArn: opp.Arn! }));
    assert.deepEqual(tags.Tags, [{ Key: 'Source', Value: 'Lead' }]);

    const engagement = await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: engagementId }));
    assert.deepEqual(engagement.Contexts?.map((c) => [c.Id, c.Type]), [['1', 'Lead'], ['2', 'CustomerProject']]);
    assert.deepEqual(engagement.Contexts![1]!.Payload, {
      CustomerProject: {
        Customer: { CompanyName: 'Example Motors', Industry: 'Computers and Electronics', WebsiteUrl: 'https://motors.example.com', CountryCode: 'DE' },
        Project: { Title: 'Converted from Lead', BusinessProblem: 'The customer needs to modernise its parts catalogue search.', TargetCompletionDate: '2026-04-15' },
      },
    });
    const links = await as(PARTNER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', ResourceIdentifier: task.OpportunityId! }));
    assert.deepEqual(links.EngagementResourceAssociationSummaries?.map((l) => l.EngagementId), [engagementId]);
    const job = await as(PARTNER).send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: task.ResourceSnapshotJobId! }));
    assert.equal(job.Status, 'Running');

    const events = (await eventsOf(endpoint, { account: PARTNER })).slice(before);
    assert.deepEqual(types(events), ['Opportunity Created', 'Engagement Updated', 'Engagement Resource Snapshot Created']);
    assert.deepEqual((events[0]!.detail as Record<string, any>).opportunity, { identifier: task.OpportunityId });
    // Events list the engagement's distinct context types, sorted (as ListEngagements reports them).
    assert.deepEqual((events[1]!.detail as Record<string, any>).engagement.ContextTypes, ['CustomerProject', 'Lead']);

    // The list, by every filter.
    assert.deepEqual((await list(PARTNER)).map(fields), [fields(task)]);
    for (const filter of [{ EngagementIdentifier: [engagementId] }, { OpportunityIdentifier: [task.OpportunityId!] }, { ContextIdentifier: ['2'] }, { TaskIdentifier: [task.TaskArn!] }, { TaskStatus: ['COMPLETE'] }]) {
      assert.equal((await list(PARTNER, filter)).length, 1, JSON.stringify(filter));
    }
    assert.deepEqual(await list(PARTNER, { ContextIdentifier: ['1'] }), []);
    assert.deepEqual(await list(OTHER), []);
  });

  it('a converted lead is completed and submitted in the lead\'s own engagement', async () => {
    const engagementId = await leadEngagement();
    const converted = await start(PARTNER, engagementId, '1', 'convert');
    const opp = await as(PARTNER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: converted.OpportunityId! }));
    await as(PARTNER).send(
      new UpdateOpportunityCommand({
        Catalog: 'Sandbox',
        Identifier: opp.Id!,
        LastModifiedDate: opp.LastModifiedDate,
        PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
        NationalSecurity: 'No',
        OpportunityType: 'Net New Business',
        Marketing: { Source: 'None' },
        Customer: { Account: { ...opp.Customer!.Account!, Address: { CountryCode: 'DE', PostalCode: '10115' } } },
        Project: {
          ...opp.Project,
          Title: 'Parts catalogue search',
          CustomerUseCase: 'Migration / Database Migration',
          DeliveryModels: ['SaaS or PaaS'],
          SalesActivities: ['Initialized discussions with customer'],
          ExpectedCustomerSpend: [{ Amount: '5000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
        },
        LifeCycle: { Stage: 'Prospect', TargetCloseDate: opp.LifeCycle!.TargetCloseDate },
      }),
    );
    await as(PARTNER).send(new AssociateOpportunityCommand({ Catalog: 'Sandbox', OpportunityIdentifier: opp.Id!, RelatedEntityType: 'Solutions', RelatedEntityIdentifier: 'S-1234567' }));
    const before = (await eventsOf(endpoint, { account: PARTNER })).length;
    const submitted = await as(PARTNER).send(
      new StartEngagementFromOpportunityTaskCommand({ Catalog: 'Sandbox', ClientToken: 'submit', Identifier: opp.Id!, AwsSubmission: { InvolvementType: 'Co-Sell' } }),
    );
    assert.equal(submitted.TaskStatus, 'COMPLETE', submitted.Message);
    assert.equal(submitted.EngagementId, engagementId);
    const after = await as(PARTNER).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opp.Id! }));
    assert.equal(after.LifeCycle?.ReviewStatus, 'Submitted');
    // The lead engagement already had its CustomerProject context: nothing created, nothing added.
    const engagement = await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: engagementId }));
    assert.deepEqual(engagement.Contexts?.map((c) => c.Type), ['Lead', 'CustomerProject']);
    assert.deepEqual(types((await eventsOf(endpoint, { account: PARTNER })).slice(before)), [
      'Engagement Resource Snapshot Created',
      'Engagement Invitation Created',
      'Opportunity Updated',
    ]);
  });
});

describe('StartOpportunityFromEngagementTask: each ReasonCode, nothing written', () => {
  async function assertFailed(task: StartOpportunityFromEngagementTaskCommandOutput, reasonCode: string, message: string) {
    assert.equal(task.TaskStatus, 'FAILED');
    assert.equal(task.ReasonCode, reasonCode);
    assert.equal(task.Message, message);
    assert.equal(task.OpportunityId, undefined);
    assert.equal(task.ContextId, undefined);
  }

  it('ContextNotFound, CustomerProjectContextNotPermitted, DisqualifiedLeadNotPermitted, EngagementAccessDenied', async () => {
    const engagementId = await leadEngagement(PARTNER, [leadContext(), leadContext(' disqualified ')]);
    await assertFailed(await start(PARTNER, engagementId, '9', 'a'), 'ContextNotFound', `Engagement ${engagementId} has no context 9.`);
    await assertFailed(await start(PARTNER, engagementId, '2', 'b'), 'DisqualifiedLeadNotPermitted', 'The lead in context 2 is Disqualified.');
    await assertFailed(await start(OTHER, engagementId, '1', 'c'), 'EngagementAccessDenied', `You are not a member of engagement ${engagementId}.`);
    const count = (await eventsOf(endpoint, { account: PARTNER })).length;
    const engagement = await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: engagementId }));
    assert.equal(engagement.Contexts?.length, 2);

    const done = await start(PARTNER, engagementId, '1', 'd');
    assert.equal(done.TaskStatus, 'COMPLETE');
    await assertFailed(await start(PARTNER, engagementId, '3', 'e'), 'CustomerProjectContextNotPermitted', 'Context 3 is a CustomerProject context; only a Lead context can be converted.');
    await assertFailed(
      await start(PARTNER, engagementId, '1', 'f'),
      'CustomerProjectContextNotPermitted',
      `Engagement ${engagementId} already has a CustomerProject context: its lead was converted already.`,
    );
    assert.equal((await eventsOf(endpoint, { account: PARTNER })).length, count + 3);
    assert.deepEqual((await list(PARTNER, { TaskStatus: ['FAILED'] })).map((t) => t.ReasonCode).sort(), [
      'ContextNotFound',
      'CustomerProjectContextNotPermitted',
      'CustomerProjectContextNotPermitted',
      'DisqualifiedLeadNotPermitted',
    ]);
    // OTHER's failed task is OTHER's alone.
    assert.deepEqual((await list(OTHER)).map((t) => t.ReasonCode), ['EngagementAccessDenied']);
  });

  it('a sixth context → ServiceQuotaExceeded; a forced failure → its ReasonCode', async () => {
    const full = await leadEngagement(PARTNER, [leadContext(), leadContext(), leadContext(), leadContext(), leadContext()]);
    const task = await start(PARTNER, full, '1', 'quota');
    assert.equal(task.TaskStatus, 'FAILED');
    assert.equal(task.ReasonCode, 'ServiceQuotaExceeded');
    const other = await leadEngagement(PARTNER, [leadContext()], 'eng-2');
    await configure({ forcedTaskFailure: { reasonCode: 'RequestThrottled', message: 'Slow down.' } });
    await assertFailed(await start(PARTNER, other, '1', 'forced'), 'RequestThrottled', 'Slow down.');
  });

  it('an unknown engagement is a synchronous ResourceNotFoundException and no task', async () => {
    const err = await sdkError(start(PARTNER, 'eng-00000000000000', '1', 'x'), 'ResourceNotFoundException');
    assert.equal(err.message, 'Engagement eng-00000000000000 was not found in catalog Sandbox.');
    assert.deepEqual(await list(PARTNER), []);
  });
});

describe('StartOpportunityFromEngagementTask: idempotency and progression', () => {
  it('the same ClientToken returns the same task and converts once; a changed body is a ConflictException', async () => {
    const engagementId = await leadEngagement();
    const first = await start(PARTNER, engagementId, '1', 'same');
    assert.deepEqual(fields(await start(PARTNER, engagementId, '1', 'same')), fields(first));
    await sdkError(start(PARTNER, engagementId, '2', 'same'), 'ConflictException');
    assert.equal((await list(PARTNER)).length, 1);
  });

  it('polls: IN_PROGRESS until the configured number of reads, then COMPLETE', async () => {
    const engagementId = await leadEngagement();
    await configure({ taskProgression: 'async', taskPolls: 2 });
    const task = await start(PARTNER, engagementId, '1', 'polled');
    assert.deepEqual(fields(task), { TaskId: task.TaskId, TaskArn: task.TaskArn, StartTime: new Date(T0), TaskStatus: 'IN_PROGRESS', EngagementId: engagementId });
    assert.equal((await list(PARTNER))[0]!.TaskStatus, 'IN_PROGRESS');
    const [done] = await list(PARTNER);
    assert.equal(done!.TaskStatus, 'COMPLETE');
    assert.equal(done!.ContextId, '2');
  });
});
