// Bad control-plane input never hurts (issue 5, item 2): every body and query is checked whole before anything
// changes; unknown keys, wrong types and out-of-range values answer 400 naming the field; the business clock
// can never be moved outside what dates can show, and a bad clock saved by an older version is ignored.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateOpportunityCommand, ListEngagementInvitationsCommand, ListOpportunitiesCommand } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { clientFor, control, controlOk, eventsOf, rawRequest, startTestServer } from './helpers.js';

const A = '111111111111';
const T0 = '2030-01-01T00:00:00.000Z';

function awsReferral(token: string) {
  return new CreateOpportunityCommand({
    Catalog: 'Sandbox',
    ClientToken: token,
    Origin: 'AWS Referral',
    Customer: { Account: { CompanyName: 'Test Corp', Industry: 'Financial Services', WebsiteUrl: 'https://www.test.com', Address: { CountryCode: 'US' } } },
    Project: { Title: 'Referral', CustomerBusinessProblem: 'A very important problem goes here for the customer.' },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2029-10-05' },
  });
}

/** Asserts a 400 `{"error": ...}` whose message names `field` (quoted, as every message does). */
async function refused(res: Promise<Awaited<ReturnType<typeof control>>>, field: string): Promise<string> {
  const answer = await res;
  assert.equal(answer.status, 400, `${field}: ${answer.body}`);
  const error = String(answer.json().error);
  assert.ok(error.includes(`'${field}'`), `the message names '${field}': ${error}`);
  assert.ok(typeof answer.headers['x-amzn-requestid'] === 'string');
  return error;
}

/** A normal API write followed by a read: the server still works. */
async function stillWorks(endpoint: string, token: string): Promise<void> {
  const client = clientFor(endpoint, A);
  try {
    const created = await client.send(new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: token, Project: { Title: token } }));
    const listed = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
    assert.ok(listed.OpportunitySummaries?.some((s) => s.Id === created.Id));
    assert.equal((await rawRequest(endpoint, { method: 'GET', path: '/_emulator/health' })).status, 200);
  } finally {
    client.destroy();
  }
}

describe('control-plane validation', () => {
  let server: RunningServer;
  let endpoint: string;
  before(async () => {
    server = await startTestServer();
    endpoint = server.endpoint;
  });
  after(() => server.close());
  beforeEach(async () => {
    await controlOk(endpoint, 'reset', {});
    await controlOk(endpoint, 'config', { taskProgression: 'immediate', taskDelayMs: '2s', referralDelayMs: 0, forcedTaskFailure: null, taskPolls: null });
    await controlOk(endpoint, 'clock', { set: T0, freeze: true });
  });

  it("the issue's clock request: a huge advance is refused, nothing is saved, writes and health still work", async () => {
    const before = (await controlOk(endpoint, 'clock')).now;
    const error = await refused(control(endpoint, 'clock', { advance: '99999999999d' }), 'advance');
    assert.match(error, /duration from/);
    // Within the duration bound but past the year 9999: refused by the clock's own guard.
    const beyond = await refused(control(endpoint, 'clock', { advance: '2920000d' }), 'advance');
    assert.match(beyond, /outside 1970-01-01T00:00:00\.000Z … 9999-12-31T23:59:59\.999Z/);
    assert.equal((await controlOk(endpoint, 'clock')).now, before);
    await stillWorks(endpoint, 'after-huge-advance');
  });

  it("the issue's config request: a huge referral delay is refused and AWS referrals keep working", async () => {
    const before = await controlOk(endpoint, 'config');
    await refused(control(endpoint, 'config', { referralDelayMs: '99999999999d' }), 'referralDelayMs');
    assert.deepEqual(await controlOk(endpoint, 'config'), before);
    const client = clientFor(endpoint, A);
    await client.send(awsReferral('referral-after-refusal'));
    const invitations = await client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }));
    assert.equal(invitations.EngagementInvitationSummaries?.length, 1);
    client.destroy();
  });

  it("the issue's unknown key: refused with the accepted keys and a hint, nothing changed", async () => {
    const before = await controlOk(endpoint, 'config');
    const res = await control(endpoint, 'config', { taskprogression: 'async' });
    assert.equal(res.status, 400);
    assert.equal(
      res.json().error,
      "Unknown key 'taskprogression' (did you mean 'taskProgression'?); accepted keys: taskProgression, taskDelayMs, taskPolls, referralDelayMs, forcedTaskFailure, throttling.",
    );
    assert.deepEqual(await controlOk(endpoint, 'config'), before);
  });

  it('every config field: wrong types, out-of-range, negative and huge values answer 400 naming it, and change nothing', async () => {
    const before = await controlOk(endpoint, 'config');
    const cases: Array<[string, unknown]> = [
      ['taskProgression', 'later'],
      ['taskProgression', 1],
      ['taskProgression', null],
      ['taskDelayMs', -1],
      ['taskDelayMs', '-5s'],
      ['taskDelayMs', '3651d'],
      ['taskDelayMs', 1e300],
      ['taskDelayMs', '9'.repeat(30)],
      ['taskDelayMs', '0.5ms'],
      ['taskDelayMs', 1.5],
      ['taskDelayMs', 'soon'],
      ['taskDelayMs', true],
      ['taskDelayMs', null],
      ['taskDelayMs', `1${' '.repeat(100_000)}x`],
      ['taskPolls', 0],
      ['taskPolls', -3],
      ['taskPolls', 2.5],
      ['taskPolls', '3'],
      ['taskPolls', 1_000_001],
      ['referralDelayMs', -1],
      ['referralDelayMs', '99999999999d'],
      ['referralDelayMs', {}],
      ['forcedTaskFailure', 'InternalError'],
      ['forcedTaskFailure', []],
      ['forcedTaskFailure.reasonCode', { reasonCode: 'Nope', message: 'x' }],
      ['forcedTaskFailure.reasonCode', { message: 'x' }],
      ['forcedTaskFailure.message', { reasonCode: 'InternalError', message: '' }],
      ['forcedTaskFailure.message', { reasonCode: 'InternalError', message: 'x'.repeat(1001) }],
      ['forcedTaskFailure.message', { reasonCode: 'InternalError' }],
      ['forcedTaskFailure.extra', { reasonCode: 'InternalError', message: 'x', extra: 1 }],
      ['throttling', 'AWS'],
      ['throttling', true],
      ['throttling', null],
    ];
    for (const [field, value] of cases) {
      const top = field.split('.')[0]!;
      await refused(control(endpoint, 'config', { [top]: value }), field);
    }
    assert.deepEqual(await controlOk(endpoint, 'config'), before);
  });

  it('a body with one bad field applies none of its good ones, and lists every problem', async () => {
    const before = await controlOk(endpoint, 'config');
    const error = await refused(control(endpoint, 'config', { taskProgression: 'async', taskDelayMs: -1, taskPolls: 0 }), 'taskDelayMs');
    assert.ok(error.includes("'taskPolls'"), error);
    assert.deepEqual(await controlOk(endpoint, 'config'), before);
  });

  it('good config values still apply, with exact duration arithmetic and the documented bounds', async () => {
    const set = await controlOk(endpoint, 'config', { taskDelayMs: '1.001s', referralDelayMs: '3650d', taskPolls: 1_000_000 });
    assert.equal(set.taskDelayMs, 1001);
    assert.equal(set.referralDelayMs, 3650 * 86_400_000);
    assert.equal(set.taskPolls, 1_000_000);
    const failure = await controlOk(endpoint, 'config', { forcedTaskFailure: { reasonCode: 'InternalError', message: 'boom' } });
    assert.deepEqual(failure.forcedTaskFailure, { reasonCode: 'InternalError', message: 'boom' });
  });

  it('every clock field: bad instants, huge or fractional durations, wrong types and unknown keys change nothing', async () => {
    const before = (await controlOk(endpoint, 'clock')).now;
    const cases: Array<[string, Record<string, unknown>]> = [
      ['set', { set: 'tomorrow' }],
      ['set', { set: '+275760-09-13T00:00:00.000Z' }],
      ['set', { set: '+275760-09-13T00:00:00.001Z' }],
      ['set', { set: '10000-01-01T00:00:00Z' }],
      ['set', { set: '1969-12-31T23:59:59Z' }],
      ['set', { set: '2030-02-30T00:00:00Z' }],
      ['set', { set: 1_900_000_000_000 }],
      ['set', { set: null }],
      ['advance', { advance: '99999999999d' }],
      ['advance', { advance: Number.MAX_VALUE }],
      ['advance', { advance: -1e20 }],
      ['advance', { advance: '-30000d' }], // before 1970 from 2030
      ['advance', { advance: '0.1ms' }],
      ['advance', { advance: 'soon' }],
      ['advance', { advance: [] }],
      ['freeze', { freeze: 'yes' }],
      ['reset', { reset: 1 }],
      ['reset', { reset: true, advance: '1d' }],
      ['frozen', { frozen: true }],
    ];
    for (const [field, body] of cases) await refused(control(endpoint, 'clock', body), field);
    // A good step followed by a bad one applies neither.
    await refused(control(endpoint, 'clock', { set: '9999-12-31T00:00:00Z', freeze: true, advance: '2d' }), 'advance');
    assert.equal((await controlOk(endpoint, 'clock')).now, before);
    await stillWorks(endpoint, 'after-bad-clocks');
    // The edges themselves are fine.
    assert.equal((await controlOk(endpoint, 'clock', { set: '9999-12-31T23:59:59.999Z', freeze: true })).now, '9999-12-31T23:59:59.999Z');
    assert.equal((await controlOk(endpoint, 'clock', { set: '1970-01-01T00:00:00Z', freeze: true, advance: '1h' })).now, '1970-01-01T01:00:00.000Z');
  });

  it('reset: bad account ids, catalogs and unknown keys delete nothing', async () => {
    await stillWorks(endpoint, 'kept');
    for (const [field, body] of [
      ['accountId', { accountId: 'x' }],
      ['accountId', { accountId: 111111111111 }],
      ['accountId', { accountId: '1111111111111' }],
      ['catalog', { catalog: 'Prod' }],
      ['catalog', { catalog: null }],
      ['account', { account: A }],
    ] as const) {
      await refused(control(endpoint, 'reset', body), field);
    }
    const client = clientFor(endpoint, A);
    assert.equal((await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries?.length, 1);
    client.destroy();
    const notObject = await rawRequest(endpoint, { method: 'POST', path: '/_emulator/reset', body: '[]' });
    assert.equal(notObject.status, 400);
    assert.equal(notObject.json().error, 'The body must be a JSON object.');
  });

  it('events: limit, account, catalog and unknown or repeated parameters answer 400 naming them', async () => {
    await stillWorks(endpoint, 'one-event');
    const get = (qs: string) => rawRequest(endpoint, { method: 'GET', path: `/_emulator/events?${qs}` });
    for (const [field, qs] of [
      ['limit', 'limit=0'],
      ['limit', 'limit=10001'],
      ['limit', 'limit=1.5'],
      ['limit', 'limit=abc'],
      ['limit', 'limit=-1'],
      ['limit', `limit=${'9'.repeat(40)}`],
      ['limit', 'limit=1&limit=2'],
      ['account', 'account=me'],
      ['catalog', 'catalog=Prod'],
      ['detailtype', 'detailtype=Opportunity%20Created'],
    ] as const) {
      await refused(get(qs), field);
    }
    assert.equal((await eventsOf(endpoint, { limit: '1', account: A, catalog: 'Sandbox' })).length, 1);
    assert.equal((await eventsOf(endpoint, { 'detail-type': 'Opportunity Created' })).length, 1);
  });

  it('invitations: unknown and mistyped top-level keys are refused and nothing is sent', async () => {
    for (const [field, body] of [
      ['receiver', { receiver: A }],
      ['receiverAccountId', {}],
      ['receiverAccountId', { receiverAccountId: 111111111111 }],
      ['senderAccountId', { receiverAccountId: A, senderAccountId: 'bob' }],
      ['catalog', { receiverAccountId: A, catalog: 'aws' }],
      ['opportunity', { receiverAccountId: A, opportunity: 'big deal' }],
      ['engagementId', { receiverAccountId: A, engagementId: 7 }],
      ['message', { receiverAccountId: A, message: '' }],
      ['message', { receiverAccountId: A, message: 'x'.repeat(256) }],
    ] as const) {
      await refused(control(endpoint, 'invitations', body), field);
      await refused(control(endpoint, 'referrals', body), field);
    }
    assert.deepEqual(await eventsOf(endpoint, { account: A }), []);
    assert.equal((await control(endpoint, 'referrals', { receiverAccountId: A, catalog: 'Sandbox', message: 'Welcome' })).status, 201);
  });

  it('the router: 405 with Allow for a known path, query parameters refused where none are taken, trailing slashes fine', async () => {
    const wrongMethod = await rawRequest(endpoint, { method: 'DELETE', path: '/_emulator/clock' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.allow, 'GET, POST');
    assert.match(String(wrongMethod.json().error), /Method DELETE is not allowed on \/_emulator\/clock; allowed: GET, POST\./);
    const getReset = await rawRequest(endpoint, { method: 'GET', path: '/_emulator/reset' });
    assert.equal(getReset.status, 405);
    assert.equal(getReset.headers.allow, 'POST');
    await refused(rawRequest(endpoint, { method: 'GET', path: '/_emulator/config?verbose=1' }), 'verbose');
    await refused(rawRequest(endpoint, { method: 'POST', path: '/_emulator/reset?accountId=111111111111', body: '{}' }), 'accountId');
    assert.equal((await rawRequest(endpoint, { method: 'GET', path: '/_emulator/clock///' })).status, 200);
    assert.equal((await rawRequest(endpoint, { method: 'GET', path: `/_emulator/${'/'.repeat(8000)}x` })).status, 404);
  });
});

describe('control-plane validation on a database file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pcl-control-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a refused clock is never saved: the next start on the same file runs and writes', async () => {
    const dbPath = join(dir, 'refused.db');
    const first = await startTestServer({ inMemory: false, dbPath });
    try {
      await controlOk(first.endpoint, 'clock', { set: T0, freeze: true });
      await refused(control(first.endpoint, 'clock', { advance: '99999999999d' }), 'advance');
      await refused(control(first.endpoint, 'clock', { set: '+275760-09-13T00:00:00.000Z' }), 'set');
    } finally {
      await first.close();
    }
    const second = await startTestServer({ inMemory: false, dbPath });
    try {
      assert.equal((await controlOk(second.endpoint, 'clock')).now, T0);
      await stillWorks(second.endpoint, 'after-restart');
    } finally {
      await second.close();
    }
  });

  it('an unrepresentable clock saved by an older version is ignored at start-up', async () => {
    const dbPath = join(dir, 'old-version.db');
    const first = await startTestServer({ inMemory: false, dbPath });
    // What versions before the bound wrote for {"advance":"99999999999d"}.
    await first.services.store.transaction((uow) => uow.setMeta('clock', JSON.stringify({ offsetMs: 99999999999 * 86_400_000, frozenAtMs: null })));
    await first.close();
    const second = await startTestServer({ inMemory: false, dbPath });
    try {
      const clock = await controlOk(second.endpoint, 'clock');
      assert.equal(clock.frozen, false);
      assert.equal(clock.offsetMs, 0);
      assert.ok(Math.abs(Date.parse(String(clock.now)) - Date.now()) < 60_000, 'business time is real time again');
      await stillWorks(second.endpoint, 'after-old-clock');
    } finally {
      await second.close();
    }
  });
});
