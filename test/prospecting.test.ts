// Prospecting tasks (decision 20, behavior.md §8.1) through the official SDK: several engagements with some
// failing, the ProspectingResult contexts (deterministic or supplied by the control plane), PENDING →
// IN_PROGRESS → COMPLETED/FAILED under each progression setting, idempotency, the list's filters, sorts and
// pages, isolation and events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEngagementCommand,
  GetEngagementCommand,
  GetProspectingFromEngagementTaskCommand,
  ListProspectingFromEngagementTasksCommand,
  StartProspectingFromEngagementTaskCommand,
  type EngagementContextDetails,
} from '@aws-sdk/client-partnercentral-selling';
import { AccountClients, control, controlOk as controlOkAt, eventsOf, pollUntil, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2026-01-15T10:00:00.000Z';
const PARTNER = '111111111111';
const OTHER = '222222222222';
const TASK_ID = /^task-[0-9a-z]{14}$/;
const MISSING = 'eng-00000000000000';
const taskArn = (id: string) => `arn:aws:partnercentral-selling:us-east-1::catalog/Sandbox/prospecting-from-engagement-task/${id}`;

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const configure = (body: Record<string, unknown>) => controlOk('config', body);
const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();

const LEAD: EngagementContextDetails = {
  Type: 'Lead',
  Payload: {
    Lead: {
      Customer: { CompanyName: 'Example Motors', Industry: 'Automotive', Address: { CountryCode: 'DE' } },
      Interactions: [{ SourceType: 'Event', BusinessProblem: 'Needs a faster parts search.', Contact: { BusinessTitle: 'CTO', Email: 'cto@motors.example.com', FirstName: 'Ada', LastName: 'Lovelace' } }],
    },
  },
} as EngagementContextDetails;
const PROJECT: EngagementContextDetails = {
  Type: 'CustomerProject',
  Payload: {
    CustomerProject: {
      Customer: { CompanyName: 'Example Foods', Industry: 'Agriculture', WebsiteUrl: 'https://foods.example.com', CountryCode: 'FR' },
      Project: { Title: 'Supply chain analytics', BusinessProblem: 'The customer needs supply chain analytics.', TargetCompletionDate: '2026-09-30' },
    },
  },
};

async function engagement(account: string, token: string, contexts: EngagementContextDetails[]): Promise<string> {
  return (await as(account).send(new CreateEngagementCommand({ Catalog: 'Sandbox', ClientToken: token, Title: `Engagement ${token}`, Contexts: contexts }))).Id!;
}

function start(account: string, identifiers: string[], name: string, token: string) {
  return as(account).send(new StartProspectingFromEngagementTaskCommand({ Catalog: 'Sandbox', ClientToken: token, Identifiers: identifiers, TaskName: name }));
}
function get(account: string, taskId: string, catalog = 'Sandbox') {
  return as(account).send(new GetProspectingFromEngagementTaskCommand({ Catalog: catalog, TaskIdentifier: taskId }));
}
async function list(account: string, filter: Record<string, unknown> = {}) {
  return as(account).send(new ListProspectingFromEngagementTasksCommand({ Catalog: 'Sandbox', ...filter }));
}
function strip<T extends object>(value: T) {
  const { $metadata: _m, ...rest } = value as T & { $metadata?: unknown };
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

describe('prospecting over several engagements', () => {
  it('completes those the caller is a member of, fails the others, and writes one ProspectingResult context each', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    const project = await engagement(PARTNER, 'project', [PROJECT]);
    const foreign = await engagement(OTHER, 'foreign', [LEAD]);
    await controlOk('prospecting-results', {
      accountId: PARTNER,
      catalog: 'Sandbox',
      engagementId: project,
      result: { Aws: { Customer: { AccountName: 'Example Foods SA', Segment: 'Enterprise' }, Insights: { MarketplaceEngagementScore: 'High', SolutionCategory: 'Analytics' } } },
    });
    const before = (await eventsOf(endpoint, { account: PARTNER })).length;

    // A duplicate counts once (the model's pattern admits engagement ids only).
    const started = await start(PARTNER, [lead, project, foreign, MISSING, lead], 'Q1 prospecting', 'run-1');
    assert.match(started.TaskId!, TASK_ID);
    assert.deepEqual(strip(started), {
      TaskId: started.TaskId,
      TaskArn: taskArn(started.TaskId!),
      TaskName: 'Q1 prospecting',
      StartTime: new Date(T0),
      TaskStatus: 'COMPLETED',
      Identifiers: [lead, project, foreign, MISSING],
    });

    const task = await get(PARTNER, started.TaskId!);
    assert.deepEqual(strip(task), {
      TaskId: started.TaskId,
      TaskArn: taskArn(started.TaskId!),
      TaskName: 'Q1 prospecting',
      StartTime: new Date(T0),
      EndTime: new Date(T0),
      Engagements: [
        { EngagementIdentifier: lead, EngagementContextId: '2', Status: 'COMPLETED' },
        { EngagementIdentifier: project, EngagementContextId: '2', Status: 'COMPLETED' },
        { EngagementIdentifier: foreign, Status: 'FAILED', ReasonCode: 'AccessDenied', Message: `You are not a member of engagement ${foreign}.` },
        { EngagementIdentifier: MISSING, Status: 'FAILED', ReasonCode: 'ResourceNotFound', Message: `Engagement ${MISSING} does not exist in this catalog.` },
      ],
    });

    const taskFields = { TaskId: started.TaskId, TaskArn: taskArn(started.TaskId!), TaskName: 'Q1 prospecting', StartTime: new Date(T0), EndTime: new Date(T0) };
    const leadContexts = (await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: lead }))).Contexts!;
    assert.deepEqual(leadContexts[1], {
      Id: '2',
      Type: 'ProspectingResult',
      Payload: { ProspectingResult: { Aws: { Customer: { AccountName: 'Example Motors', Country: 'DE', Industry: 'Automotive' }, ...taskFields } } },
    });
    const projectContexts = (await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: project }))).Contexts!;
    assert.deepEqual(projectContexts[1], {
      Id: '2',
      Type: 'ProspectingResult',
      Payload: {
        ProspectingResult: {
          Aws: { Customer: { AccountName: 'Example Foods SA', Segment: 'Enterprise' }, Insights: { MarketplaceEngagementScore: 'High', SolutionCategory: 'Analytics' }, ...taskFields },
        },
      },
    });
    // The other account's engagement is untouched.
    assert.equal((await as(OTHER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: foreign }))).Contexts!.length, 1);

    const events = (await eventsOf(endpoint, { account: PARTNER })).slice(before);
    assert.deepEqual(events.map((e) => [e['detail-type'], (e.detail as Record<string, any>).engagement.engagementId]), [
      ['Engagement Updated', lead],
      ['Engagement Updated', project],
    ]);
    assert.deepEqual((events[0]!.detail as Record<string, any>).engagement.ContextTypes, ['Lead', 'ProspectingResult']);

    const summaries = (await list(PARTNER)).TaskSummaries!;
    assert.deepEqual(summaries.map(strip), [{ ...taskFields, TotalEngagementCount: 4, CompletedEngagementCount: 2, FailedEngagementCount: 2 }]);
  });

  it('FAILED when no engagement could be prospected, with their common ReasonCode', async () => {
    const foreign = await engagement(OTHER, 'foreign', [LEAD]);
    const missing = await start(PARTNER, [MISSING, 'eng-11111111111111'], 'nothing there', 'a');
    assert.equal(missing.TaskStatus, 'FAILED');
    assert.equal(missing.ReasonCode, 'ResourceNotFound');
    assert.equal(missing.Message, "None of the task's 2 engagements could be prospected.");
    const mixed = await start(PARTNER, [MISSING, foreign], 'mixed', 'b');
    assert.equal(mixed.TaskStatus, 'FAILED');
    assert.equal(mixed.ReasonCode, undefined);
    const empty = await start(PARTNER, [], 'empty', 'c');
    assert.deepEqual([empty.TaskStatus, empty.Identifiers, empty.Message], ['FAILED', [], 'The task named no engagements to prospect.']);
  });

  it('a forced failure fails every engagement with its ReasonCode', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    await configure({ forcedTaskFailure: { reasonCode: 'RequestThrottled', message: 'Slow down.' } });
    const task = await start(PARTNER, [lead], 'forced', 'f');
    assert.deepEqual([task.TaskStatus, task.ReasonCode], ['FAILED', 'RequestThrottled']);
    assert.deepEqual((await get(PARTNER, task.TaskId!)).Engagements, [{ EngagementIdentifier: lead, Status: 'FAILED', ReasonCode: 'RequestThrottled', Message: 'Slow down.' }]);
    assert.equal((await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: lead }))).Contexts!.length, 1);
  });

  it('the control plane refuses a result that is not a ProspectingResult', async () => {
    const res = await control(endpoint, 'prospecting-results', { accountId: PARTNER, engagementId: MISSING, result: { Aws: { Customer: { Country: 'Narnia' } } } });
    assert.equal(res.status, 400);
    assert.match(res.json().error as string, /^'result' is not a valid ProspectingResult/);
  });
});

describe('prospecting: progression, idempotency, isolation', () => {
  it('polls: PENDING, then IN_PROGRESS, then COMPLETED, one step per exhausted count', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    await configure({ taskProgression: 'async', taskPolls: 1 });
    const started = await start(PARTNER, [lead], 'polled', 'p');
    assert.equal(started.TaskStatus, 'PENDING');
    assert.deepEqual((await get(PARTNER, started.TaskId!)).Engagements, [{ EngagementIdentifier: lead, Status: 'IN_PROGRESS' }]);
    assert.equal((await start(PARTNER, [lead], 'polled', 'p')).TaskStatus, 'COMPLETED');
    const done = await get(PARTNER, started.TaskId!);
    assert.deepEqual(done.Engagements, [{ EngagementIdentifier: lead, EngagementContextId: '2', Status: 'COMPLETED' }]);
  });

  it('async delay: each step waits for the delay on the business clock', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    await configure({ taskProgression: 'async', taskDelayMs: 60_000 });
    const started = await start(PARTNER, [lead], 'delayed', 'd');
    assert.equal(started.TaskStatus, 'PENDING');
    await controlOk('clock', { advance: '1m' });
    await pollUntil(async () => ((await get(PARTNER, started.TaskId!)).Engagements![0]!.Status === 'IN_PROGRESS' ? true : undefined));
    await controlOk('clock', { advance: '1m' });
    const done = await pollUntil(async () => {
      const t = await get(PARTNER, started.TaskId!);
      return t.EndTime ? t : undefined;
    });
    assert.equal(done.EndTime?.toISOString(), at(120_000));
    assert.equal(done.Engagements![0]!.Status, 'COMPLETED');
  });

  it('the same ClientToken returns the same task; a changed body is a ConflictException', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    const first = await start(PARTNER, [lead], 'once', 'same');
    assert.deepEqual(strip(await start(PARTNER, [lead], 'once', 'same')), strip(first));
    await sdkError(start(PARTNER, [lead], 'twice', 'same'), 'ConflictException');
    assert.equal((await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: lead }))).Contexts!.length, 2);
  });

  it('another account, or another catalog, does not see the task', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    const task = await start(PARTNER, [lead], 'mine', 'm');
    const err = await sdkError(get(OTHER, task.TaskId!), 'ResourceNotFoundException');
    assert.equal(err.message, `Prospecting task ${task.TaskId} was not found in catalog Sandbox.`);
    await sdkError(get(PARTNER, task.TaskId!, 'AWS'), 'ResourceNotFoundException');
    assert.deepEqual((await list(OTHER)).TaskSummaries, []);
  });

  it('lists by name and start time, sorts by StartTime, TaskName and FailedEngagementCount, and pages', async () => {
    const lead = await engagement(PARTNER, 'lead', [LEAD]);
    const b = await start(PARTNER, [lead, MISSING], 'bravo', '1'); // 1 failed, at T0
    await controlOk('clock', { advance: '1m' });
    const a = await start(PARTNER, [lead], 'alpha', '2'); // 0 failed, at T0+1m
    await controlOk('clock', { advance: '1m' });
    const c = await start(PARTNER, [MISSING, 'eng-11111111111111'], 'charlie', '3'); // 2 failed, at T0+2m
    const ids = async (filter: Record<string, unknown>) => ((await list(PARTNER, filter)).TaskSummaries ?? []).map((t) => t.TaskName);

    assert.deepEqual(await ids({}), ['charlie', 'alpha', 'bravo']);
    assert.deepEqual(await ids({ Sort: { SortBy: 'StartTime', SortOrder: 'ASCENDING' } }), ['bravo', 'alpha', 'charlie']);
    assert.deepEqual(await ids({ Sort: { SortBy: 'TaskName', SortOrder: 'ASCENDING' } }), ['alpha', 'bravo', 'charlie']);
    assert.deepEqual(await ids({ Sort: { SortBy: 'FailedEngagementCount', SortOrder: 'DESCENDING' } }), ['charlie', 'bravo', 'alpha']);
    assert.deepEqual(await ids({ TaskName: ['alpha', 'charlie'], Sort: { SortBy: 'TaskName', SortOrder: 'ASCENDING' } }), ['alpha', 'charlie']);
    assert.deepEqual(await ids({ TaskIdentifier: [b.TaskId!, c.TaskId!] }), ['charlie', 'bravo']);
    assert.deepEqual(await ids({ StartAfter: new Date(T0) }), ['charlie', 'alpha']);
    assert.deepEqual(await ids({ StartBefore: new Date(at(120_000)) }), ['alpha', 'bravo']);
    assert.deepEqual(await ids({ StartAfter: new Date(T0), StartBefore: new Date(at(120_000)) }), ['alpha']);

    const page1 = await list(PARTNER, { MaxResults: 2, Sort: { SortBy: 'TaskName', SortOrder: 'DESCENDING' } });
    assert.deepEqual(page1.TaskSummaries!.map((t) => t.TaskName), ['charlie', 'bravo']);
    const page2 = await list(PARTNER, { MaxResults: 2, NextToken: page1.NextToken, Sort: { SortBy: 'TaskName', SortOrder: 'DESCENDING' } });
    assert.deepEqual(page2.TaskSummaries!.map((t) => t.TaskId), [a.TaskId]);
    assert.equal(page2.NextToken, undefined);
    // A token is bound to its request.
    await sdkError(list(PARTNER, { MaxResults: 2, NextToken: page1.NextToken }), 'ValidationException');
  });
});
