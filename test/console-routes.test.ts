// The control-plane routes behind the web console: POST /_emulator/call (the API pipeline without signing),
// GET /_emulator/accounts, and the console's static files under /_emulator/ui/ (types, caching, no traversal).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { GetOpportunityCommand } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { callRaw, clientFor, control, controlOk, eventsOf, rawRequest, startTestServer } from './helpers.js';

const A = '111111111111';
const B = '222222222222';

const OPPORTUNITY = {
  Catalog: 'Sandbox',
  ClientToken: 'console-routes-1',
  Customer: { Account: { CompanyName: 'Call Corp', Industry: 'Financial Services', WebsiteUrl: 'https://www.call.example', Address: { CountryCode: 'US' } } },
  Project: { Title: 'Called', CustomerBusinessProblem: 'A problem long enough to be a valid business problem.' },
  LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2029-10-05' },
};

/** GET with the path exactly as written (no URL normalisation of `..` or `%2e`). */
function getVerbatim(endpoint: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('console routes', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  beforeEach(async () => {
    await controlOk(server.endpoint, 'reset', {});
  });

  describe('POST /_emulator/call', () => {
    it('runs an operation as the account, as a signed request would', async () => {
      const created = await controlOk(server.endpoint, 'call', { account: B, operation: 'CreateOpportunity', input: OPPORTUNITY });
      assert.equal(created.status, 200);
      assert.match(created.output.Id, /^O\d+$/);
      assert.match(created.requestId, /^[0-9a-f-]{36}$/);
      // The SDK, signed as B, sees what the call created; A does not.
      const got = await clientFor(server.endpoint, B).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.output.Id }));
      assert.equal(got.Customer?.Account?.CompanyName, 'Call Corp');
      const asA = await controlOk(server.endpoint, 'call', { account: A, operation: 'GetOpportunity', input: { Catalog: 'Sandbox', Identifier: created.output.Id } });
      assert.equal(asA.status, 404);
      assert.equal(asA.errorType, 'ResourceNotFoundException');
      // Same answer, byte for byte, as the API's.
      const viaCall = await controlOk(server.endpoint, 'call', { account: B, operation: 'GetOpportunity', input: { Catalog: 'Sandbox', Identifier: created.output.Id } });
      const viaApi = await callRaw(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: created.output.Id }, B);
      assert.deepEqual(viaCall.output, JSON.parse(viaApi.body));
      assert.equal((await eventsOf(server.endpoint, { account: B, detailType: 'Opportunity Created' })).length, 1);
    });

    it('answers AWS errors with their status and body, and a rejected call changes nothing', async () => {
      const bad = await controlOk(server.endpoint, 'call', { account: B, operation: 'CreateOpportunity', input: { ...OPPORTUNITY, LifeCycle: { Stage: 'Nope' } } });
      assert.equal(bad.status, 400);
      assert.equal(bad.errorType, 'ValidationException');
      assert.equal(bad.error.__type, 'com.amazonaws.partnercentralselling#ValidationException');
      assert.equal(bad.error.Reason, 'REQUEST_VALIDATION_FAILED');
      assert.ok(bad.error.ErrorList.some((e: { FieldName: string }) => e.FieldName === 'lifeCycle.stage'));
      const list = await controlOk(server.endpoint, 'call', { account: B, operation: 'ListOpportunities', input: { Catalog: 'Sandbox' } });
      assert.deepEqual(list.output.OpportunitySummaries, []);
      // An operation without input members gets `{}`; the missing Catalog is the API's own ValidationException.
      const empty = await controlOk(server.endpoint, 'call', { account: B, operation: 'ListOpportunities' });
      assert.equal(empty.errorType, 'ValidationException');
    });

    it('refuses a malformed call as a control-plane error', async () => {
      for (const [body, field] of [
        [{ operation: 'ListOpportunities' }, 'account'],
        [{ account: '12', operation: 'ListOpportunities' }, 'account'],
        [{ account: A, operation: 'DropTables' }, 'operation'],
        [{ account: A, operation: 'ListOpportunities', input: [] }, 'input'],
        [{ account: A, operation: 'ListOpportunities', extra: 1 }, 'extra'],
      ] as const) {
        const res = await control(server.endpoint, 'call', body);
        assert.equal(res.status, 400, res.body);
        assert.match(String(res.json().error), new RegExp(field));
      }
    });
  });

  it('GET /_emulator/accounts lists the accounts present, with their catalogs, read-only', async () => {
    assert.deepEqual((await controlOk(server.endpoint, 'accounts')).accounts, [{ accountId: A, catalogs: [] }]);
    await controlOk(server.endpoint, 'referrals', { receiverAccountId: B, catalog: 'AWS' });
    await controlOk(server.endpoint, 'call', { account: '333333333333', operation: 'CreateOpportunity', input: OPPORTUNITY });
    assert.deepEqual((await controlOk(server.endpoint, 'accounts')).accounts, [
      { accountId: A, catalogs: [] },
      { accountId: B, catalogs: ['AWS'] },
      { accountId: '333333333333', catalogs: ['Sandbox'] },
    ]);
    assert.equal((await control(server.endpoint, 'accounts', {})).status, 405);
  });

  describe('GET /_emulator/ui/', () => {
    it('serves the console with its content types, revalidation and a strict CSP', async () => {
      const bare = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/ui' });
      assert.equal(bare.status, 301);
      assert.equal(bare.headers.location, '/_emulator/ui/');
      const index = await getVerbatim(server.endpoint, '/_emulator/ui/');
      assert.equal(index.status, 200);
      assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(index.headers['cache-control'], 'no-cache');
      assert.match(String(index.headers['content-security-policy']), /default-src 'self'/);
      assert.match(index.body.toString(), /<script type="module" src="app.js">/);
      assert.deepEqual((await getVerbatim(server.endpoint, '/_emulator/ui/index.html')).body, index.body);
      const again = await getVerbatim(server.endpoint, '/_emulator/ui/', { 'if-none-match': String(index.headers.etag) });
      assert.equal(again.status, 304);
      assert.equal(again.body.length, 0);
      assert.equal((await getVerbatim(server.endpoint, '/_emulator/ui/style.css')).headers['content-type'], 'text/css; charset=utf-8');
    });

    it('serves every module the console imports', async () => {
      const pending = ['app.js'];
      const seen = new Set<string>();
      while (pending.length > 0) {
        const name = pending.pop()!;
        if (seen.has(name)) continue;
        seen.add(name);
        const res = await getVerbatim(server.endpoint, `/_emulator/ui/${name}`);
        assert.equal(res.status, 200, name);
        assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8', name);
        for (const m of res.body.toString().matchAll(/from '\.\/([\w-]+\.js)'/g)) pending.push(m[1]!);
      }
      assert.ok(seen.size >= 4, [...seen].join());
    });

    it('answers only its own files: no traversal, no other methods', async () => {
      for (const path of [
        '/_emulator/ui/../../package.json',
        '/_emulator/ui/%2e%2e/%2e%2e/package.json',
        '/_emulator/ui/..%2f..%2fpackage.json',
        '/_emulator/ui/../routes/ui.js',
        '/_emulator/ui//etc/passwd',
        '/_emulator/ui/nope.js',
        '/_emulator/ui/app.js.map',
      ]) {
        const res = await getVerbatim(server.endpoint, path);
        assert.equal(res.status, 404, path);
        assert.match(JSON.parse(res.body.toString()).error, /No console file/);
      }
      assert.equal((await rawRequest(server.endpoint, { method: 'POST', path: '/_emulator/ui/', body: '{}' })).status, 405);
      assert.equal((await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/ui/?x=1' })).status, 400);
    });
  });
});
