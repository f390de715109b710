// Throttling at AWS's documented quotas (issue 8 item 3, decision 23): off by default; with `aws`, per account
// and operation class, per second and per rolling 24 hours of business time, an exceeded quota answers
// ThrottlingException 429 as AWS does, and the SDK's own retries run. The business clock is frozen so that no
// second rolls by unasked.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpportunityCommand, GetEngagementCommand, PartnerCentralSellingClient } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { callRaw, clientFor, controlOk, sdkError, startTestServer } from './helpers.js';

const A = '111111111111';
const B = '222222222222';
const T0 = '2030-01-01T00:00:00.000Z';
const THROTTLED = { __type: 'com.amazonaws.partnercentralselling#ThrottlingException', Message: 'Rate exceeded' };

function create(token: string) {
  return new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: token, Project: { Title: token } });
}

function createRaw(endpoint: string, token: string, account = A) {
  return callRaw(endpoint, 'CreateOpportunity', { Catalog: 'Sandbox', ClientToken: token, Project: { Title: token } }, account);
}

function retryingClient(endpoint: string, maxAttempts: number): PartnerCentralSellingClient {
  return new PartnerCentralSellingClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: A, secretAccessKey: 'x' }, maxAttempts });
}

async function listed(endpoint: string, account = A): Promise<number> {
  const res = await callRaw(endpoint, 'ListOpportunities', { Catalog: 'Sandbox' }, account);
  assert.equal(res.status, 200, res.body);
  return (res.json().OpportunitySummaries as unknown[]).length;
}

describe('throttling at AWS quotas', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  beforeEach(async () => {
    await controlOk(server.endpoint, 'config', { throttling: 'off' });
    await controlOk(server.endpoint, 'reset', {});
    await controlOk(server.endpoint, 'clock', { set: T0, freeze: true });
  });

  it('is off by default: writes in the same instant all succeed', async () => {
    assert.equal((await controlOk(server.endpoint, 'config')).throttling, 'off');
    for (let i = 0; i < 5; i++) assert.equal((await createRaw(server.endpoint, `off-${i}`)).status, 200);
  });

  it('the second write in the same second is throttled as AWS answers it; the next second admits one more', async () => {
    const config = await controlOk(server.endpoint, 'config', { throttling: 'aws' });
    assert.equal(config.throttling, 'aws');
    assert.deepEqual(config.throttlingQuotas.write, { perSecond: 1, per24Hours: 10_000, operations: config.throttlingQuotas.write.operations });

    assert.equal((await createRaw(server.endpoint, 'w1')).status, 200);
    const throttled = await createRaw(server.endpoint, 'w2');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['x-amzn-errortype'], 'ThrottlingException');
    assert.ok(throttled.headers['x-amzn-requestid']);
    assert.deepEqual(throttled.json(), THROTTLED);
    assert.equal(await listed(server.endpoint), 1, 'the throttled write created nothing');

    // Per account: B has its own quota. Per class: reads are not writes.
    assert.equal((await createRaw(server.endpoint, 'b1', B)).status, 200);
    await controlOk(server.endpoint, 'clock', { advance: '999ms' });
    assert.equal((await createRaw(server.endpoint, 'w3')).status, 429, 'the bucket is not full again before a whole second');
    await controlOk(server.endpoint, 'clock', { advance: '1ms' });
    assert.equal((await createRaw(server.endpoint, 'w4')).status, 200);
    assert.equal(await listed(server.endpoint), 2);
  });

  it('reads allow 10 a second per account; operations without a documented quota are never throttled', async () => {
    await controlOk(server.endpoint, 'config', { throttling: 'aws' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await callRaw(server.endpoint, 'ListOpportunities', { Catalog: 'Sandbox' })).status);
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    assert.equal((await callRaw(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: 'O1234567' })).status, 429, 'one class');
    const client = clientFor(server.endpoint, A);
    try {
      for (let i = 0; i < 30; i++) await sdkError(client.send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: 'eng-abcdefghijklmn' })), 'ResourceNotFoundException');
    } finally {
      client.destroy();
    }
  });

  it('invalid requests count (AWS throttles at its front end, before validation)', async () => {
    await controlOk(server.endpoint, 'config', { throttling: 'aws' });
    const invalid = await callRaw(server.endpoint, 'CreateOpportunity', { Catalog: 'Nowhere' });
    assert.equal(invalid.status, 400);
    assert.equal((await createRaw(server.endpoint, 'after-invalid')).status, 429);
  });

  it('the SDK retries a throttled call and succeeds once the clock has moved on', async () => {
    await controlOk(server.endpoint, 'config', { throttling: 'aws' });
    assert.equal((await createRaw(server.endpoint, 'first')).status, 200);
    const client = retryingClient(server.endpoint, 3);
    // Runs on every attempt (inside the SDK's retry loop): before a retry, one business second passes.
    let attempts = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        if (++attempts > 1) await controlOk(server.endpoint, 'clock', { advance: '1s' });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    try {
      const out = await client.send(create('retried'));
      assert.equal(out.$metadata.attempts, 2);
      assert.equal(attempts, 2);
    } finally {
      client.destroy();
    }
    assert.equal(await listed(server.endpoint), 2);
  });

  it('without capacity the SDK gives up with ThrottlingException 429 after its attempts', async () => {
    await controlOk(server.endpoint, 'config', { throttling: 'aws' });
    assert.equal((await createRaw(server.endpoint, 'first')).status, 200);
    const client = retryingClient(server.endpoint, 2);
    try {
      const err = await sdkError(client.send(create('never')), 'ThrottlingException');
      assert.equal(err.$metadata.httpStatusCode, 429);
      assert.equal(err.$metadata.attempts, 2, 'the SDK retried it');
      assert.equal(err.message, 'Rate exceeded');
      assert.equal(err.$fault, 'client');
    } finally {
      client.destroy();
    }
  });

  it('a reset forgets the counters; switching throttling off lets everything through', async () => {
    await controlOk(server.endpoint, 'config', { throttling: 'aws' });
    assert.equal((await createRaw(server.endpoint, 'r1')).status, 200);
    assert.equal((await createRaw(server.endpoint, 'r2')).status, 429);
    await controlOk(server.endpoint, 'reset', { accountId: A });
    assert.equal((await createRaw(server.endpoint, 'r3')).status, 200);
    await controlOk(server.endpoint, 'config', { throttling: 'off' });
    assert.equal((await createRaw(server.endpoint, 'r4')).status, 200);
  });
});

describe('the rolling 24-hour quota', () => {
  let server: RunningServer;
  before(async () => {
    // AWS's daily write quota is 10,000; a testing knob makes it 3 so the window is cheap to fill.
    server = await startTestServer({ runtime: { throttling: 'aws' }, throttlingQuotas: { write: { per24Hours: 3 } } });
  });
  after(() => server.close());

  it('refuses the write beyond the daily quota until 24 hours of business time have passed', async () => {
    await controlOk(server.endpoint, 'clock', { set: T0, freeze: true });
    const config = await controlOk(server.endpoint, 'config');
    assert.equal(config.throttling, 'aws');
    assert.equal(config.throttlingQuotas.write.per24Hours, 3);
    // One a second keeps the per-second limit out of the way.
    for (let i = 1; i <= 3; i++) {
      assert.equal((await createRaw(server.endpoint, `d${i}`)).status, 200);
      await controlOk(server.endpoint, 'clock', { advance: '1s' });
    }
    assert.deepEqual((await createRaw(server.endpoint, 'd4')).json(), THROTTLED);
    await controlOk(server.endpoint, 'clock', { set: '2030-01-01T23:59:30.000Z', freeze: true });
    assert.equal((await createRaw(server.endpoint, 'd5')).status, 429, 'still within 24 hours of the first write');
    assert.equal((await createRaw(server.endpoint, 'd5', B)).status, 200, 'another account has its own day');
    await controlOk(server.endpoint, 'clock', { set: '2030-01-02T00:00:00.000Z', freeze: true });
    assert.equal((await createRaw(server.endpoint, 'd6')).status, 200, 'the first minute has left the window');
    assert.equal(await listed(server.endpoint), 4);
    // A clock moved backwards empties the window (documented).
    await controlOk(server.endpoint, 'clock', { set: T0, freeze: true });
    assert.equal((await createRaw(server.endpoint, 'd7')).status, 200);
  });
});
