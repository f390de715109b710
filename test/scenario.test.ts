// Scenarios: examples/scenario.json loaded through POST /_emulator/scenario and at start-up with --seed-file
// (the real CLI), read back with the official SDK as each account; invalid scenarios answered 400 naming the
// exact path, with nothing changed; a step that fails midway says where and what was applied before it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  GetOpportunityCommand,
  ListEngagementInvitationsCommand,
  ListOpportunitiesCommand,
  type PartnerCentralSellingClient,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { killAllChildren, startCli, waitExit } from './child-server.js';
import { clientFor, control, controlOk, eventsOf, REPO_ROOT, startTestServer } from './helpers.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'scenario.json');
const example = (): Record<string, any> => JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, any>;
const ANY = '222222222222';
const EXAMPLE_SOLUTIONS = '333333333333';

/** What the example scenario must look like to the two accounts, through the SDK. */
async function assertExampleLoaded(endpoint: string): Promise<void> {
  const any: PartnerCentralSellingClient = clientFor(endpoint, ANY);
  const other: PartnerCentralSellingClient = clientFor(endpoint, EXAMPLE_SOLUTIONS);
  try {
    const { OpportunitySummaries = [] } = await any.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
    const details = await Promise.all(OpportunitySummaries.map((o) => any.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: o.Id }))));
    // Its own, the one behind its invitation to 333333333333, and the accepted referral (the pending one stays hidden).
    assert.deepEqual(details.map((o) => o.Project?.Title).sort(), ['Joint delivery for Octank', 'Migration of a logistics platform', 'Octank data platform']);
    const own = details.find((o) => o.Project?.Title === 'Octank data platform')!;
    assert.equal(own.Customer?.Account?.CompanyName, 'Octank Retail');
    assert.equal(own.LifeCycle?.Stage, 'Qualified');
    assert.equal(own.CreatedDate?.toISOString(), '2026-03-02T09:00:00.000Z', 'created on the scenario clock');
    const accepted = details.find((o) => o.Project?.Title === 'Migration of a logistics platform')!;
    assert.equal(accepted.LifeCycle?.ReviewStatus, 'Approved');

    const received = await any.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }));
    assert.deepEqual(received.EngagementInvitationSummaries?.map((i) => i.Status).sort(), ['ACCEPTED', 'PENDING']);
    assert.ok(received.EngagementInvitationSummaries?.every((i) => i.SenderAwsAccountId === 'aws'));

    const invited = await other.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }));
    assert.equal(invited.EngagementInvitationSummaries?.length, 1);
    const [invitation] = invited.EngagementInvitationSummaries!;
    assert.equal(invitation!.Status, 'PENDING');
    assert.equal(invitation!.SenderAwsAccountId, ANY);
    assert.equal(invitation!.SenderCompanyName, 'Anycompany Consulting', 'the account name from the scenario');
  } finally {
    any.destroy();
    other.destroy();
  }
  const clock = await controlOk(endpoint, 'clock');
  assert.equal(clock.now, '2026-03-02T09:00:00.000Z');
  assert.equal(clock.frozen, true);
}

describe('POST /_emulator/scenario', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ seed: 'scenario-test' });
  });
  after(() => server.close());

  it('loads the example scenario through the public pipeline and answers what it created', async () => {
    await controlOk(server.endpoint, 'reset', {});
    const res = await control(server.endpoint, 'scenario', example());
    assert.equal(res.status, 201, res.body);
    const result = JSON.parse(res.body) as Record<string, any>;
    assert.deepEqual(result.clock, { now: '2026-03-02T09:00:00.000Z', frozen: true });
    assert.equal(result.accounts.length, 2);
    const [any, other] = result.accounts;
    assert.equal(any.accountId, ANY);
    assert.match(any.opportunities[0].id, /^O\d+$/);
    assert.equal(any.opportunities[0].catalog, 'Sandbox');
    assert.equal(any.invitations.length, 2);
    assert.match(any.invitations[0].accepted.taskId, /^task-/);
    assert.equal(any.invitations[0].accepted.opportunityId, any.invitations[0].sourceOpportunityId, 'the referral opportunity is revealed');
    assert.equal(any.invitations[1].accepted, undefined);
    assert.equal(other.invitations[0].senderAccountId, ANY);
    await assertExampleLoaded(server.endpoint);
    // The calls went through the API: the events a client would have caused are in the outbox.
    const created = await eventsOf(server.endpoint, { account: ANY, detailType: 'Opportunity Created' });
    assert.equal(created.length, 2, 'its own opportunity and the accepted referral');
  });

  it('refuses an invalid scenario with 400 naming each problem by path, and changes nothing', async () => {
    await controlOk(server.endpoint, 'reset', {});
    const clockBefore = await controlOk(server.endpoint, 'clock', { set: '2030-01-01T00:00:00Z', freeze: true });
    const broken = (change: (s: Record<string, any>) => void) => {
      const s = example();
      change(s);
      return s;
    };
    const cases: [Record<string, unknown> | unknown[], RegExp[]][] = [
      [
        broken((s) => {
          s.accounts[1].opportunities = [{ Project: { Title: 'x'.repeat(256) } }];
        }),
        [/'accounts\[1\]\.opportunities\[0\]\.Project\.Title': Value 'x+.*' must satisfy regular expression pattern/],
      ],
      [
        broken((s) => {
          s.accounts[0].opportunities[0].Project.ExpectedCustomerSpend[0].Amont = '1';
          s.accounts[0].opportunities[0].LifeCycle.Stage = 'Dreaming';
        }),
        [
          /'accounts\[0\]\.opportunities\[0\]\.Project\.ExpectedCustomerSpend\[0\]\.Amont': Unknown member/,
          /'accounts\[0\]\.opportunities\[0\]\.LifeCycle\.Stage': Value 'Dreaming' is not one of/,
        ],
      ],
      [
        broken((s) => {
          s.accounts[0].invitations[0].opportunity = { Customer: { Account: { CompanyName: 42 } } };
        }),
        [/'accounts\[0\]\.invitations\[0\]\.opportunity\.Customer\.Account\.CompanyName': Expected a string but found a number/],
      ],
      [
        broken((s) => {
          s.accounts[0].opportunites = [];
          s.accounts[1].accountId = '12345';
          s.clock.freeze = 'yes';
        }),
        [/Unknown key 'accounts\[0\]\.opportunites'; accepted keys: accounts\[0\]\.accountId/, /'accounts\[1\]\.accountId' must be a 12-digit account id/, /'clock\.freeze' must be true or false/],
      ],
      [
        broken((s) => {
          s.accounts[1].accountId = ANY;
          s.accounts[1].invitations[0].senderAccountId = ANY;
        }),
        [/'accounts\[1\]\.accountId' repeats accounts\[0\]/, /'accounts\[1\]\.invitations\[0\]\.senderAccountId': an account cannot invite itself/],
      ],
      [broken((s) => (s.version = 2)), [/'version' must be 1: the scenario format this partnercentral-local reads \(found 2\)/]],
      [broken((s) => (s.solutions = [])), [/'solutions' is not supported yet/]],
      [broken((s) => (s.accounts[0].sellingSystemSettings = {})), [/'accounts\[0\]\.sellingSystemSettings' is not supported yet/]],
      [broken((s) => (s.config = { taskProgression: 'later' })), [/'config\.taskProgression' must be 'immediate' or 'async'/]],
      [[], [/must be a JSON object/]],
    ];
    for (const [body, messages] of cases) {
      const res = await control(server.endpoint, 'scenario', body);
      assert.equal(res.status, 400, res.body);
      const { error } = JSON.parse(res.body) as { error: string };
      for (const message of messages) assert.match(error, message);
    }
    assert.deepEqual(await eventsOf(server.endpoint), [], 'no event: nothing was created');
    const client = clientFor(server.endpoint, ANY);
    try {
      assert.deepEqual((await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries, []);
    } finally {
      client.destroy();
    }
    assert.equal((await controlOk(server.endpoint, 'clock')).now, clockBefore.now, 'the clock did not move');
  });

  it('stops at a step that fails while applying, naming it and what was applied before it', async () => {
    await controlOk(server.endpoint, 'reset', {});
    const scenario = {
      version: 1,
      accounts: [
        {
          accountId: ANY,
          opportunities: [{ Origin: 'Partner Referral' }],
          invitations: [{ catalog: 'Sandbox', senderAccountId: EXAMPLE_SOLUTIONS, engagementId: 'eng-doesnotexist' }],
        },
      ],
    };
    const res = await control(server.endpoint, 'scenario', scenario);
    assert.equal(res.status, 400, res.body);
    const body = JSON.parse(res.body) as Record<string, any>;
    assert.equal(body.failedAt, 'accounts[0].invitations[0]');
    assert.match(body.error, /stopped at 'accounts\[0\]\.invitations\[0\]': Engagement eng-doesnotexist does not exist/);
    assert.equal(body.applied.accounts[0].opportunities.length, 1);
    const client = clientFor(server.endpoint, ANY);
    try {
      const { OpportunitySummaries = [] } = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
      assert.deepEqual(OpportunitySummaries.map((o) => o.Id), [body.applied.accounts[0].opportunities[0].id]);
    } finally {
      client.destroy();
    }
  });

  it('applies settings after loading: an async config does not keep referrals from being accepted', async () => {
    await controlOk(server.endpoint, 'reset', {});
    await controlOk(server.endpoint, 'config', { taskProgression: 'async', taskDelayMs: '1h' });
    const res = await control(server.endpoint, 'scenario', {
      version: 1,
      config: { taskProgression: 'async', taskDelayMs: '5m' },
      accounts: [{ accountId: ANY, invitations: [{ catalog: 'Sandbox', accept: true }] }],
    });
    assert.equal(res.status, 201, res.body);
    assert.ok((JSON.parse(res.body) as Record<string, any>).accounts[0].invitations[0].accepted.opportunityId);
    const config = await controlOk(server.endpoint, 'config');
    assert.equal(config.taskProgression, 'async');
    assert.equal(config.taskDelayMs, 300_000);
    await controlOk(server.endpoint, 'config', { taskProgression: 'immediate' });
  });
});

describe('--seed-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcl-scenario-'));
  after(async () => {
    await killAllChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the scenario at start-up, once per database', async () => {
    const db = join(dir, 'seeded.db');
    const first = await startCli(db, ['--seed-file', EXAMPLE, '--log-level', 'info']);
    await assertExampleLoaded(first.endpoint);
    assert.match(first.stderr(), /seed file .*scenario\.json loaded: 2 accounts, 1 opportunities, 3 invitations/);
    first.proc.kill('SIGTERM');
    await waitExit(first);

    // A restart on the same database does not load it again.
    const second = await startCli(db, ['--seed-file', EXAMPLE, '--log-level', 'info']);
    assert.match(second.stderr(), /was loaded into this database on .*; not loading it again/);
    await assertExampleLoaded(second.endpoint);
    second.proc.kill('SIGTERM');
    await waitExit(second);
  });

  it('refuses to start on an invalid scenario file, naming the file and the path', async () => {
    const bad = example();
    bad.accounts[0].opportunities[0].Project.Title = 'x'.repeat(256);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    await assert.rejects(startCli(join(dir, 'bad.db'), ['--seed-file', file]), (err: Error) => {
      assert.match(err.message, /could not start: --seed-file .*bad\.json: The scenario is not valid: 'accounts\[0\]\.opportunities\[0\]\.Project\.Title'/);
      return true;
    });
  });
});
