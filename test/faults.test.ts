// Fault injection (issue 8, item 3): a rule makes matching requests answer a modeled error (or wait) instead of
// their normal answer, changing nothing; count rules expire; probability rules reproduce under a fixed seed;
// the rule API is strict and lists, reads and deletes rules.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpportunityCommand, ListOpportunitiesCommand, PartnerCentralSellingClient } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { callRaw, clientFor, control, controlOk, eventsOf, pollUntil, rawRequest, sdkError, startTestServer } from './helpers.js';

const A = '111111111111';
const B = '222222222222';

function create(token: string) {
  return new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: token, Project: { Title: token } });
}

async function opportunityCount(client: PartnerCentralSellingClient): Promise<number> {
  return (await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }))).OpportunitySummaries?.length ?? 0;
}

async function addFault(endpoint: string, rule: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await control(endpoint, 'faults', rule);
  assert.equal(res.status, 201, res.body);
  return res.json();
}

function remove(endpoint: string, path: string) {
  return rawRequest(endpoint, { method: 'DELETE', path: `/_emulator/${path}` });
}

describe('fault injection', () => {
  let server: RunningServer;
  let a: PartnerCentralSellingClient;
  let b: PartnerCentralSellingClient;
  before(async () => {
    server = await startTestServer();
    a = clientFor(server.endpoint, A);
    b = clientFor(server.endpoint, B);
  });
  after(async () => {
    a.destroy();
    b.destroy();
    await server.close();
  });
  beforeEach(async () => {
    await remove(server.endpoint, 'faults');
    await controlOk(server.endpoint, 'reset', {});
  });

  it('answers the chosen modeled error for one operation and account, and changes nothing', async () => {
    const rule = await addFault(server.endpoint, { operation: 'CreateOpportunity', account: A, error: { code: 'ConflictException', message: 'try later' } });
    assert.deepEqual(rule, { id: rule.id, operation: 'CreateOpportunity', account: A, error: { code: 'ConflictException', status: 409, message: 'try later' }, fired: 0 });

    const err = await sdkError(a.send(create('faulted')), 'ConflictException');
    assert.equal(err.message, 'try later');
    assert.equal(err.$metadata.httpStatusCode, 409);
    const raw = await callRaw(server.endpoint, 'CreateOpportunity', { Catalog: 'Sandbox', ClientToken: 'faulted-raw', Project: { Title: 'x' } }, A);
    assert.equal(raw.status, 409);
    assert.equal(raw.headers['x-amzn-errortype'], 'ConflictException');
    assert.deepEqual(raw.json(), { __type: 'com.amazonaws.partnercentralselling#ConflictException', Message: 'try later' });

    assert.equal(await opportunityCount(a), 0, 'no opportunity was created');
    assert.deepEqual(await eventsOf(server.endpoint, { account: A }), [], 'no event was emitted');
    // Other accounts and other operations are untouched.
    await b.send(create('other-account'));
    assert.equal(await opportunityCount(b), 1);
    assert.equal((await controlOk(server.endpoint, `faults/${rule.id}`)).fired, 2);
  });

  it('the model status is the default; a status and a catalog can be chosen', async () => {
    await addFault(server.endpoint, { operation: 'ListOpportunities', catalog: 'AWS', error: { code: 'InternalServerException', status: 503 } });
    const err = await sdkError(a.send(new ListOpportunitiesCommand({ Catalog: 'AWS' })), 'InternalServerException');
    assert.equal(err.$metadata.httpStatusCode, 503);
    assert.match(err.message, /fault rule fault-\d+/);
    assert.equal(await opportunityCount(a), 0, 'the Sandbox catalog is not matched');

    await addFault(server.endpoint, { operation: 'GetOpportunity', error: { code: 'ValidationException' } });
    const raw = await callRaw(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: 'O1234567' });
    assert.equal(raw.status, 400);
    assert.equal(raw.json().Reason, 'REQUEST_VALIDATION_FAILED');
  });

  it('a count rule fires N times then disappears: the SDK retries through it and creates exactly one opportunity', async () => {
    const rule = await addFault(server.endpoint, { operation: 'CreateOpportunity', count: 2, error: { code: 'InternalServerException' } });
    const retrying = new PartnerCentralSellingClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: A, secretAccessKey: 'x' }, maxAttempts: 3 });
    try {
      const created = await retrying.send(create('retried'));
      assert.equal(created.$metadata.attempts, 3, 'two injected 500s, then the real answer');
    } finally {
      retrying.destroy();
    }
    assert.equal((await control(server.endpoint, `faults/${rule.id}`)).status, 404, 'the spent rule is gone');
    assert.deepEqual((await controlOk(server.endpoint, 'faults')).faults, []);
    assert.equal(await opportunityCount(a), 1);
    assert.equal((await eventsOf(server.endpoint, { account: A, detailType: 'Opportunity Created' })).length, 1);
  });

  it('a latency rule delays the answer, which is then the normal one', async () => {
    const rule = await addFault(server.endpoint, { operation: 'ListOpportunities', account: A, latencyMs: '1s' });
    const order: string[] = [];
    const slow = a.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' })).then((out) => {
      order.push('delayed');
      return out;
    });
    // Once the delayed request is waiting in the server, another one is sent; it is answered first.
    await pollUntil(async () => ((await controlOk(server.endpoint, `faults/${rule.id}`)).fired === 1 ? true : undefined));
    await b.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' })).then(() => order.push('prompt'));
    const out = await slow;
    assert.deepEqual(out.OpportunitySummaries, []);
    assert.deepEqual(order, ['prompt', 'delayed']);
  });

  it('probability rules reproduce under the same seed', async () => {
    async function pattern(seed: string): Promise<string> {
      const s = await startTestServer({ seed });
      try {
        await addFault(s.endpoint, { operation: 'ListOpportunities', probability: 0.5, error: { code: 'ThrottlingException' } });
        let out = '';
        for (let i = 0; i < 24; i++) out += (await callRaw(s.endpoint, 'ListOpportunities', { Catalog: 'Sandbox' })).status === 429 ? 'x' : '.';
        return out;
      } finally {
        await s.close();
      }
    }
    const first = await pattern('fault-seed');
    assert.equal(await pattern('fault-seed'), first);
    assert.match(first, /x/);
    assert.match(first, /\./);
    assert.notEqual(await pattern('another-seed'), first);
  });

  it('rules are listed, read and deleted one by one or all at once', async () => {
    const one = await addFault(server.endpoint, { operation: 'GetOpportunity', error: { code: 'ResourceNotFoundException' } });
    const two = await addFault(server.endpoint, { account: B, probability: 0.25, error: { code: 'AccessDeniedException' }, latencyMs: 10 });
    assert.deepEqual((await controlOk(server.endpoint, 'faults')).faults.map((r: { id: string }) => r.id), [one.id, two.id]);
    assert.deepEqual(await controlOk(server.endpoint, `faults/${two.id}`), two);
    assert.equal((await remove(server.endpoint, `faults/${one.id}`)).status, 200);
    assert.equal((await remove(server.endpoint, `faults/${one.id}`)).status, 404);
    assert.equal((await control(server.endpoint, 'faults/fault-999')).status, 404);
    assert.deepEqual((await remove(server.endpoint, 'faults')).json(), { deleted: 1 });
    assert.deepEqual((await controlOk(server.endpoint, 'faults')).faults, []);
    // With no rules left, requests answer normally.
    await a.send(create('after-delete'));
    assert.equal(await opportunityCount(a), 1);
  });

  it('refuses bad rules with a 400 naming the problem, and adds nothing', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ operation: 'CreateOportunity', error: { code: 'ThrottlingException' } }, /did you mean|such as 'CreateOpportunity'.*'CreateOportunity' is not one/],
      [{ operation: 'createopportunity', error: { code: 'ThrottlingException' } }, /did you mean 'CreateOpportunity'/],
      [{ operation: 'CreateOpportunity', error: { code: 'ServiceQuotaExceededException' } }, /'error.code' must be an error CreateOpportunity declares/],
      [{ error: { code: 'ConflictException' } }, /'error.code' must be an error every operation declares/],
      [{ error: { code: 'NoSuchException' } }, /'error.code'/],
      [{ error: { code: 'ThrottlingException', status: 600 } }, /'error.status' must be an integer from 400 to 599/],
      [{ error: { code: 'ThrottlingException', status: 200 } }, /'error.status'/],
      [{ error: {} }, /'error.code' is required/],
      [{ probability: 0, error: { code: 'ThrottlingException' } }, /'probability' must be a number above 0/],
      [{ probability: 1.5, error: { code: 'ThrottlingException' } }, /'probability'/],
      [{ probability: 0.5, count: 2, error: { code: 'ThrottlingException' } }, /cannot be combined/],
      [{ count: 0, error: { code: 'ThrottlingException' } }, /'count'/],
      [{ operation: 'GetOpportunity' }, /needs 'error', 'latencyMs' or both/],
      [{ latencyMs: '2m' }, /'latencyMs' must be a duration from 0ms to 1m/],
      [{ account: '123', error: { code: 'ThrottlingException' } }, /'account' must be a 12-digit account id/],
      [{ catalog: 'Prod', error: { code: 'ThrottlingException' } }, /'catalog' must be 'AWS' or 'Sandbox'/],
      [{ error: { code: 'ThrottlingException' }, retries: 1 }, /Unknown key 'retries'/],
    ];
    for (const [body, expected] of cases) {
      const res = await control(server.endpoint, 'faults', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.body}`);
      const message = String(res.json().error);
      assert.match(message, expected, JSON.stringify(body));
      assert.ok(message.length < 600, `short message: ${message}`);
    }
    assert.deepEqual((await controlOk(server.endpoint, 'faults')).faults, []);
  });
});
