// Operating the emulator (issue 8, item 6): the request log in text and JSON, the us-east-1 rule for credential
// scopes, and the complete customer and project a bare referral seed gets. Log lines are captured through the
// `logSink` option, so nothing is written to the test's own output.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetOpportunityCommand,
  ListOpportunitiesCommand,
  PartnerCentralSellingClient,
  StartEngagementByAcceptingInvitationTaskCommand,
} from '@aws-sdk/client-partnercentral-selling';
import type { CredentialEntry } from '../src/auth/authenticate.js';
import type { LogFormat, LogLevel } from '../src/config.js';
import { validateShape } from '../src/model/validate.js';
import type { RunningServer } from '../src/server.js';
import { callRaw, clientFor, control, controlOk, rawRequest, sdkError, startTestServer } from './helpers.js';

const ACCOUNT = '222222222222';
const RECEIVER = '333333333333';
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TEXT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

interface Logged {
  server: RunningServer;
  lines: string[];
  /** Runs `call` and returns the log lines it produced. */
  linesOf(call: () => Promise<unknown>): Promise<string[]>;
}

async function loggedServer(format: LogFormat, logLevel: LogLevel = 'info', extra: Parameters<typeof startTestServer>[0] = {}): Promise<Logged> {
  const lines: string[] = [];
  const server = await startTestServer({ logLevel, logFormat: format, logSink: (line) => lines.push(line), ...extra });
  return {
    server,
    lines,
    async linesOf(call) {
      const from = lines.length;
      await call().catch(() => undefined);
      return lines.slice(from);
    },
  };
}

function regionClient(endpoint: string, region: string, credentials = { accessKeyId: ACCOUNT, secretAccessKey: 'x' }): PartnerCentralSellingClient {
  return new PartnerCentralSellingClient({ endpoint, region, credentials, maxAttempts: 1 });
}

describe('request log, text format', () => {
  let logged: Logged;
  let client: PartnerCentralSellingClient;
  before(async () => {
    logged = await loggedServer('text');
    client = clientFor(logged.server.endpoint, ACCOUNT);
  });
  after(async () => {
    client.destroy();
    await logged.server.close();
  });

  it('writes one compact line per API call: operation, status, latency, account, catalog, request id', async () => {
    const [line, ...more] = await logged.linesOf(() => client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' })));
    assert.deepEqual(more, []);
    assert.match(line!, TEXT_TIME);
    assert.match(line!, / INFO  ListOpportunities 200 \d+(\.\d+)?ms account=222222222222 catalog=Sandbox id=[0-9a-f-]{36}$/);
  });

  it('names the error code of a refused call, and the request id the client saw', async () => {
    let requestId: string | undefined;
    const lines = await logged.linesOf(async () => {
      const err = await sdkError(client.send(new GetOpportunityCommand({ Catalog: 'AWS', Identifier: 'O1234567' })), 'ResourceNotFoundException');
      requestId = err.$metadata.requestId;
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, / GetOpportunity 404 ResourceNotFoundException \d+(\.\d+)?ms account=222222222222 catalog=AWS id=/);
    assert.ok(requestId !== undefined && lines[0]!.endsWith(`id=${requestId}`), lines[0]);
  });

  it('logs a call refused before validation without a catalog, and an unroutable one by method and path', async () => {
    const [invalid] = await logged.linesOf(() => callRaw(logged.server.endpoint, 'GetOpportunity', { Catalog: 'Elsewhere' }, ACCOUNT));
    assert.match(invalid!, / GetOpportunity 400 ValidationException \d+(\.\d+)?ms account=222222222222 id=/);
    const [unroutable] = await logged.linesOf(() => rawRequest(logged.server.endpoint, { path: '/nowhere', body: '{}' }));
    assert.match(unroutable!, / INFO  POST \/nowhere 400 UnknownOperationException \d+(\.\d+)?ms id=[0-9a-f-]{36}$/);
  });

  it('logs control-plane calls by method and path, with their status', async () => {
    const lines = await logged.linesOf(async () => {
      await controlOk(logged.server.endpoint, 'health');
      await controlOk(logged.server.endpoint, 'clock', { advance: '1h' });
      await control(logged.server.endpoint, 'no-such-route');
    });
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.match(lines[0]!, / INFO  GET \/_emulator\/health 200 \d+(\.\d+)?ms id=[0-9a-f-]{36}$/);
    assert.match(lines[1]!, / INFO  POST \/_emulator\/clock 200 \d+(\.\d+)?ms id=/);
    assert.match(lines[2]!, / INFO  GET \/_emulator\/no-such-route 404 \d+(\.\d+)?ms id=/);
  });
});

describe('request log, JSON format', () => {
  let logged: Logged;
  let client: PartnerCentralSellingClient;
  before(async () => {
    logged = await loggedServer('json');
    client = clientFor(logged.server.endpoint, ACCOUNT);
  });
  after(async () => {
    client.destroy();
    await logged.server.close();
  });

  it('writes one JSON object per request with time, level, msg and the request fields', async () => {
    const lines = await logged.linesOf(async () => {
      await client.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }));
      await sdkError(client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O7654321' })), 'ResourceNotFoundException');
      await controlOk(logged.server.endpoint, 'health');
    });
    assert.equal(lines.length, 3, lines.join('\n'));
    const [list, get, health] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const entry of [list, get, health]) {
      assert.ok(!Number.isNaN(Date.parse(String(entry!.time))));
      assert.equal(entry!.level, 'info');
      assert.equal(entry!.msg, 'request');
      assert.match(String(entry!.requestId), REQUEST_ID);
      assert.equal(typeof entry!.latencyMs, 'number');
      assert.ok((entry!.latencyMs as number) >= 0);
    }
    const { time: _t, requestId: _r, latencyMs: _l, ...listFields } = list!;
    assert.deepEqual(listFields, { level: 'info', msg: 'request', operation: 'ListOpportunities', account: ACCOUNT, catalog: 'AWS', status: 200 });
    const { time: _t2, requestId: _r2, latencyMs: _l2, ...getFields } = get!;
    assert.deepEqual(getFields, {
      level: 'info',
      msg: 'request',
      operation: 'GetOpportunity',
      account: ACCOUNT,
      catalog: 'Sandbox',
      status: 404,
      error: 'ResourceNotFoundException',
    });
    const { time: _t3, requestId: _r3, latencyMs: _l3, ...healthFields } = health!;
    assert.deepEqual(healthFields, { level: 'info', msg: 'request', method: 'GET', path: '/_emulator/health', status: 200 });
  });

  it('writes other entries as JSON too, with their structured fields', async () => {
    const eu = regionClient(logged.server.endpoint, 'eu-west-1');
    const lines = await logged.linesOf(() => eu.send(new ListOpportunitiesCommand({ Catalog: 'AWS' })));
    eu.destroy();
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.level === 'warn');
    assert.ok(warning, lines.join('\n'));
    assert.equal(warning.region, 'eu-west-1');
    assert.match(String(warning.msg), /only in us-east-1/);
  });
});

describe('quiet levels', () => {
  it('writes no request lines at warn', async () => {
    const logged = await loggedServer('text', 'warn');
    const client = clientFor(logged.server.endpoint, ACCOUNT);
    try {
      const lines = await logged.linesOf(async () => {
        await client.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }));
        await controlOk(logged.server.endpoint, 'health');
      });
      assert.deepEqual(lines, []);
    } finally {
      client.destroy();
      await logged.server.close();
    }
  });
});

describe('region of the credential scope', () => {
  it('structural mode serves another region and warns once per region', async () => {
    const logged = await loggedServer('text', 'warn');
    const eu = regionClient(logged.server.endpoint, 'eu-west-1');
    const ap = regionClient(logged.server.endpoint, 'ap-south-1');
    const us = regionClient(logged.server.endpoint, 'us-east-1');
    try {
      const lines = await logged.linesOf(async () => {
        for (let i = 0; i < 3; i++) assert.equal((await eu.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }))).$metadata.httpStatusCode, 200);
        await ap.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }));
        await ap.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
        await us.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }));
      });
      assert.equal(lines.length, 2, lines.join('\n'));
      assert.match(lines[0]!, / WARN  a request was signed for region 'eu-west-1'; AWS serves .* only in us-east-1 .* region=eu-west-1$/);
      assert.match(lines[1]!, /region 'ap-south-1'/);
    } finally {
      for (const c of [eu, ap, us]) c.destroy();
      await logged.server.close();
    }
  });

  it('strict mode refuses it with InvalidSignatureException, as AWS refuses a scope it does not serve', async () => {
    const credentials = new Map<string, CredentialEntry>([['AKIDOPS', { secretAccessKey: 'ops-secret', accountId: ACCOUNT }]]);
    const logged = await loggedServer('json', 'info', { auth: 'strict', credentials });
    const keys = { accessKeyId: 'AKIDOPS', secretAccessKey: 'ops-secret' };
    const eu = regionClient(logged.server.endpoint, 'eu-west-1', keys);
    const us = regionClient(logged.server.endpoint, 'us-east-1', keys);
    try {
      const lines = await logged.linesOf(async () => {
        const err = await sdkError(eu.send(new ListOpportunitiesCommand({ Catalog: 'AWS' })), 'InvalidSignatureException');
        assert.equal(err.$metadata.httpStatusCode, 403);
        assert.equal(err.message, "Credential should be scoped to a valid region, not 'eu-west-1'. ");
        assert.equal((await us.send(new ListOpportunitiesCommand({ Catalog: 'AWS' }))).$metadata.httpStatusCode, 200);
      });
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      // Refused, not warned about: two request lines, no warning.
      assert.deepEqual(
        entries.map((e) => [e.level, e.operation, e.status, e.error]),
        [
          ['info', 'ListOpportunities', 403, 'InvalidSignatureException'],
          ['info', 'ListOpportunities', 200, undefined],
        ],
      );
    } finally {
      eu.destroy();
      us.destroy();
      await logged.server.close();
    }
  });
});

describe('referral seeds without opportunity details', () => {
  let server: RunningServer;
  let receiver: PartnerCentralSellingClient;
  before(async () => {
    server = await startTestServer({ seed: 'operations-seed' });
    receiver = clientFor(server.endpoint, RECEIVER);
    await controlOk(server.endpoint, 'clock', { set: '2031-03-10T09:00:00Z', freeze: true });
  });
  after(async () => {
    receiver.destroy();
    await server.close();
  });

  async function acceptedOpportunity(seed: Record<string, unknown>, catalog: 'AWS' | 'Sandbox') {
    const referral = await controlOk(server.endpoint, 'referrals', { receiverAccountId: RECEIVER, catalog, ...seed });
    const task = await receiver.send(
      new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: catalog, Identifier: String(referral.invitationId), ClientToken: `accept-${referral.invitationId}` }),
    );
    assert.equal(task.TaskStatus, 'COMPLETE', task.Message);
    assert.equal(task.OpportunityId, referral.sourceOpportunityId);
    return { id: task.OpportunityId!, sdk: await receiver.send(new GetOpportunityCommand({ Catalog: catalog, Identifier: task.OpportunityId! })) };
  }

  it('a bare seed becomes a complete, realistic opportunity that reads back with the SDK and fits the model', async () => {
    const { id, sdk: opp } = await acceptedOpportunity({}, 'AWS');
    const account = opp.Customer?.Account;
    assert.ok(account?.CompanyName && account.CompanyName.length > 3);
    assert.ok(account.Industry);
    assert.match(account.WebsiteUrl ?? '', /^https:\/\/www\.[a-z-]+\.example\.com$/);
    assert.ok(account.Address?.CountryCode && account.Address.PostalCode && account.Address.City && account.Address.StreetAddress && account.Address.StateOrRegion);
    const contact = opp.Customer?.Contacts?.[0];
    assert.ok(contact?.FirstName && contact.LastName && contact.BusinessTitle);
    assert.match(contact.Email ?? '', /@[a-z-]+\.example\.com$/);
    assert.ok(opp.Project?.Title);
    assert.ok((opp.Project.CustomerBusinessProblem ?? '').length >= 20);
    const spend = opp.Project.ExpectedCustomerSpend?.[0];
    assert.ok(spend && Number(spend.Amount) > 0 && spend.CurrencyCode === 'USD' && spend.Frequency === 'Monthly');
    assert.equal(opp.LifeCycle?.Stage, 'Prospect');
    assert.equal(opp.LifeCycle?.ReviewStatus, 'Approved');
    assert.ok(opp.LifeCycle.TargetCloseDate! > '2031-03-10', `target close ${opp.LifeCycle.TargetCloseDate} is after the business clock`);
    assert.equal(opp.OpportunityType, 'Net New Business');

    // The answer on the wire passes the model's output shape.
    const raw = await callRaw(server.endpoint, 'GetOpportunity', { Catalog: 'AWS', Identifier: id }, RECEIVER);
    assert.equal(raw.status, 200, raw.body);
    assert.deepEqual(validateShape('GetOpportunityResponse', raw.json()), []);
  });

  it('merges what the caller sent over the defaults', async () => {
    const { sdk: opp } = await acceptedOpportunity(
      { opportunity: { Project: { Title: 'Data platform for Acme' }, Customer: { Account: { CompanyName: 'Acme Corp' } } } },
      'Sandbox',
    );
    assert.equal(opp.Project?.Title, 'Data platform for Acme');
    assert.equal(opp.Customer?.Account?.CompanyName, 'Acme Corp');
    assert.ok((opp.Project?.CustomerBusinessProblem ?? '').length >= 20, 'the rest of the project is filled in');
    assert.ok(opp.Customer?.Account?.Address?.CountryCode, 'the rest of the customer is filled in');
    assert.ok(opp.LifeCycle?.TargetCloseDate);
  });

  it('the same seed gives the same customer', async () => {
    const customerOf = async () => {
      const s = await startTestServer({ seed: 'operations-seed' });
      try {
        const referral = await controlOk(s.endpoint, 'referrals', { receiverAccountId: RECEIVER, catalog: 'Sandbox' });
        const invitation = await callRaw(s.endpoint, 'GetEngagementInvitation', { Catalog: 'Sandbox', Identifier: referral.invitationId }, RECEIVER);
        return (invitation.json().Payload as Record<string, Record<string, unknown>>).OpportunityInvitation!.Customer;
      } finally {
        await s.close();
      }
    };
    const first = await customerOf();
    assert.ok(first);
    assert.deepEqual(await customerOf(), first);
  });
});
