// The emulator's own surface under /_emulator/: health, reset (whole or scoped), clock, config, the event feed
// and its filters, and the invitation simulation with a referral delay.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateOpportunityCommand,
  GetEngagementCommand,
  ListEngagementInvitationsCommand,
  ListOpportunitiesCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { clientFor, control, eventsOf, fakeSigV4Headers, rawRequest, startTestServer } from './helpers.js';

const A = '111111111111';
const B = '222222222222';

function referral(token: string) {
  return new CreateOpportunityCommand({
    Catalog: 'Sandbox',
    ClientToken: token,
    Origin: 'AWS Referral',
    Customer: { Account: { CompanyName: 'Test Corp', Industry: 'Financial Services', WebsiteUrl: 'https://www.test.com', Address: { CountryCode: 'US' } } },
    Project: { Title: 'Referral', CustomerBusinessProblem: 'A very important problem goes here for the customer.' },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2029-10-05' },
  });
}

describe('control plane', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  beforeEach(async () => {
    await control(server.endpoint, 'reset', {});
    await control(server.endpoint, 'config', { taskProgression: 'immediate', referralDelayMs: 0, forcedTaskFailure: null, taskPolls: null });
  });

  it('health answers 200 JSON and echoes the account a credential maps to', async () => {
    const res = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/health', headers: fakeSigV4Headers(B) });
    assert.equal(res.status, 200);
    assert.equal(res.json().status, 'ok');
    assert.equal(res.headers['x-partnercentral-local-account'], `${B} (access-key)`);
    const anonymous = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/health' });
    assert.equal(anonymous.headers['x-partnercentral-local-account'], '111111111111 (default)');
  });

  it('unknown control routes and bad bodies are 4xx JSON errors', async () => {
    const missing = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/nope' });
    assert.equal(missing.status, 404);
    assert.match(String(missing.json().error), /No control-plane route GET \/_emulator\/nope/);
    const bad = await rawRequest(server.endpoint, { method: 'POST', path: '/_emulator/clock', body: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error, 'The body must be a JSON object.');
    const badConfig = await control(server.endpoint, 'config', { taskProgression: 'later' });
    assert.equal(badConfig.status, 400);
    assert.equal(badConfig.json().error, "'taskProgression' must be 'immediate' or 'async'.");
    const badFailure = await control(server.endpoint, 'config', { forcedTaskFailure: { reasonCode: 'Nope', message: 'x' } });
    assert.equal(badFailure.status, 400);
  });

  it('clock: advance, set and freeze, reset; the HTTP Date header stays real time', async () => {
    const frozen = await control(server.endpoint, 'clock', { set: '2030-01-01T00:00:00Z', freeze: true });
    assert.equal(frozen.json().now, '2030-01-01T00:00:00.000Z');
    assert.equal(frozen.json().frozen, true);
    const advanced = await control(server.endpoint, 'clock', { advance: '15d' });
    assert.equal(advanced.json().now, '2030-01-16T00:00:00.000Z');
    assert.ok(Math.abs(Date.parse(String(advanced.headers.date)) - Date.now()) < 5000, 'Date is wall-clock time');
    const bad = await control(server.endpoint, 'clock', { advance: 'soon' });
    assert.equal(bad.status, 400);
    const reset = await control(server.endpoint, 'clock', { reset: true });
    assert.equal(reset.json().frozen, false);
    assert.ok(Math.abs(Date.parse(String(reset.json().now)) - Date.now()) < 5000);
  });

  it('config reads the effective settings and changes task progression at run time', async () => {
    const before = (await control(server.endpoint, 'config')).json();
    assert.equal(before.taskProgression, 'immediate');
    assert.equal(before.auth, 'structural');
    // postgres-e2e.test.ts re-runs this suite on a fresh PostgreSQL schema.
    if (process.env.PCL_TEST_ENGINE === 'postgres') assert.match(String(before.database), /^postgres:\/\/.* \(schema t_[0-9a-f]+\)$/);
    else assert.equal(before.database, 'in memory');
    const changed = (await control(server.endpoint, 'config', { taskProgression: 'async', taskDelayMs: '5s' })).json();
    assert.equal(changed.taskProgression, 'async');
    assert.equal(changed.taskDelayMs, 5000);
  });

  it('events: filters by account, detail-type and catalog, and reads after a given event id', async () => {
    const a = clientFor(server.endpoint, A);
    await a.send(referral('r1'));
    await a.send(new CreateOpportunityCommand({ Catalog: 'AWS', ClientToken: 'p1', Project: { Title: 'Partner deal' } }));
    const all = await eventsOf(server.endpoint, { account: A });
    assert.deepEqual(
      all.map((e) => [e['detail-type'], (e.detail as { catalog: string }).catalog]),
      [
        ['Engagement Invitation Created', 'Sandbox'],
        ['Opportunity Created', 'AWS'],
      ],
    );
    assert.equal((await eventsOf(server.endpoint, { account: A, catalog: 'AWS' })).length, 1);
    assert.equal((await eventsOf(server.endpoint, { detailType: 'Opportunity Created' })).length, 1);
    assert.equal((await eventsOf(server.endpoint, { account: B })).length, 0);
    const afterFirst = await eventsOf(server.endpoint, { after: String(all[0]!.id) });
    assert.deepEqual(afterFirst.map((e) => e.id), [all[1]!.id]);
    const unknown = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/events?after=nope' });
    assert.equal(unknown.status, 404);
  });

  it('a referral delay holds back the invitation and its event until it arrives on the business clock', async () => {
    await control(server.endpoint, 'clock', { set: '2030-01-01T00:00:00Z', freeze: true });
    await control(server.endpoint, 'config', { referralDelayMs: '5s' });
    const a = clientFor(server.endpoint, A);
    await a.send(referral('delayed'));
    const list = () => a.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }));
    assert.deepEqual((await list()).EngagementInvitationSummaries, []);
    assert.equal((await eventsOf(server.endpoint, { account: A })).length, 0);
    await control(server.endpoint, 'clock', { advance: '5s' });
    const arrived = (await list()).EngagementInvitationSummaries!;
    assert.equal(arrived.length, 1);
    assert.equal(arrived[0]!.InvitationDate?.toISOString(), '2030-01-01T00:00:05.000Z');
    const events = await eventsOf(server.endpoint, { account: A });
    assert.deepEqual(events.map((e) => [e['detail-type'], e.time]), [['Engagement Invitation Created', '2030-01-01T00:00:05Z']]);
  });

  it('invitations: AWS referrals in the AWS catalog and partner invitations, with clear errors for bad input', async () => {
    const sent = await control(server.endpoint, 'invitations', { receiverAccountId: A, catalog: 'AWS' });
    assert.equal(sent.status, 201);
    const body = sent.json();
    assert.equal(body.senderAccountId, 'aws');
    assert.equal(body.catalog, 'AWS');
    const a = clientFor(server.endpoint, A);
    const task = await a.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'AWS', Identifier: String(body.invitationArn) }));
    assert.equal(task.TaskStatus, 'COMPLETE');
    assert.equal(task.OpportunityId, body.sourceOpportunityId);
    for (const [bad, message] of [
      [{ receiverAccountId: 'x' }, "'receiverAccountId' must be a 12-digit account id."],
      [{ receiverAccountId: A, senderAccountId: A }, 'An account cannot invite itself.'],
      [{ receiverAccountId: A, catalog: 'Prod' }, "'catalog' must be 'AWS' or 'Sandbox'."],
    ] as const) {
      const res = await control(server.endpoint, 'invitations', bad);
      assert.equal(res.status, 400);
      assert.equal(res.json().error, message);
    }
    const badOpportunity = await control(server.endpoint, 'invitations', { receiverAccountId: A, opportunity: { Project: { Title: 7 } } });
    assert.equal(badOpportunity.status, 400);
    assert.match(String(badOpportunity.json().error), /project\.title/);
  });

  it('reset of one account keeps the engagements other partners still share', async () => {
    const sent = (await control(server.endpoint, 'invitations', { receiverAccountId: B, senderAccountId: A, catalog: 'Sandbox' })).json();
    const b = clientFor(server.endpoint, B);
    await b.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: String(sent.invitationId) }));
    const a = clientFor(server.endpoint, A);
    await a.send(new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: 'a-own', Project: { Title: 'A only' } }));

    const res = await control(server.endpoint, 'reset', { accountId: A });
    assert.equal(res.status, 200);
    assert.deepEqual((await a.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries, []);
    const engagement = await b.send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: String(sent.engagementId) }));
    assert.equal(engagement.MemberCount, 1, "B keeps the engagement; only A's membership went");
    assert.equal((await b.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries?.length, 1);
    assert.equal((await eventsOf(server.endpoint, { account: A })).length, 0);
    assert.ok((await eventsOf(server.endpoint, { account: B })).length > 0);
  });

  it('reset of one catalog leaves the other catalog alone', async () => {
    const a = clientFor(server.endpoint, A);
    await a.send(new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: 's', Project: { Title: 'S' } }));
    await a.send(new CreateOpportunityCommand({ Catalog: 'AWS', ClientToken: 'w', Project: { Title: 'W' } }));
    await control(server.endpoint, 'reset', { catalog: 'Sandbox' });
    assert.equal((await a.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries?.length, 0);
    assert.equal((await a.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }))).OpportunitySummaries?.length, 1);
  });
});
