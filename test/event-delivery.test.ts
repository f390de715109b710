// Event delivery from the outbox: the live stream (Server-Sent Events over raw HTTP), webhooks to a local
// receiver (signatures, order, retries, dead letters, deletion, a restart on a file database), and EventBridge
// forwarding into moto (bus, rule, SQS target), skipped when python3 with moto is not installed.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateOpportunityCommand, StartEngagementByAcceptingInvitationTaskCommand } from '@aws-sdk/client-partnercentral-selling';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { RunningServer } from '../src/server.js';
import { clientFor, control, controlOk, eventsOf, pollUntil, rawRequest, startTestServer } from './helpers.js';
import { minimalOpportunityInput } from './fixtures.js';

const B = '222222222222';
const C = '333333333333';
const FAST_RETRY = { initialMs: 10, maxMs: 40, maxAttempts: 5, timeoutMs: 5000 };

type Envelope = Record<string, unknown> & { id: string; 'detail-type': string; account: string };

/** An AWS referral to `account`, accepted by the accept task: a dozen events for two accounts' worth of resources. */
async function referralAccepted(endpoint: string, account = B): Promise<void> {
  const sent = await controlOk(endpoint, 'referrals', { receiverAccountId: account, catalog: 'Sandbox' });
  const client = clientFor(endpoint, account);
  try {
    const task = await client.send(
      new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: sent.invitationId as string, ClientToken: `accept-${sent.invitationId}` }),
    );
    assert.equal(task.TaskStatus, 'COMPLETE');
  } finally {
    client.destroy();
  }
}

async function createOpportunity(endpoint: string, account: string, token: string): Promise<void> {
  const client = clientFor(endpoint, account);
  try {
    await client.send(new CreateOpportunityCommand(minimalOpportunityInput(token, { company: 'Delivery Test GmbH', title: `Delivery ${token}`, businessProblem: 'Events must reach the connector in order, even across restarts.' })));
  } finally {
    client.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// A raw Server-Sent Events reader

interface SseEvent {
  id: string;
  data: Envelope;
}

class SseReader {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  private buffer = '';
  private waiters: Array<() => void> = [];
  private readonly req;
  readonly opened: Promise<void>;

  constructor(endpoint: string, path: string, headers: Record<string, string> = {}) {
    let resolveOpened!: () => void;
    this.opened = new Promise((resolve) => (resolveOpened = resolve));
    this.req = request(new URL(path, endpoint), { method: 'GET', headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        this.buffer += chunk;
        this.parse();
        resolveOpened();
      });
      res.on('end', () => resolveOpened());
    });
    this.req.on('error', () => resolveOpened());
    this.req.end();
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let id = '';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) this.events.push({ id, data: JSON.parse(data) as Envelope });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Waits until `n` events have arrived in all (bounded by the test runner's timeout). */
  async count(n: number): Promise<SseEvent[]> {
    while (this.events.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.events.slice(0, n);
  }

  close(): void {
    this.req.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// A webhook receiver

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

class Receiver {
  readonly requests: Received[] = [];
  /** Chooses the status of each answer. */
  answer: (r: Omit<Received, 'status'>) => number = () => 200;
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.socket.destroyed) return; // dropped (see dropConnections): never answered, so never acknowledged
      const seen = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const status = this.answer(seen);
      this.requests.push({ ...seen, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Envelopes answered 2xx on `path`, in arrival order. */
  delivered(path: string): Envelope[] {
    return this.requests.filter((r) => r.path === path && r.status < 300).map((r) => JSON.parse(r.body) as Envelope);
  }

  /**
   * Drops every open connection, with any request still unread on it: a request a stopped server had sent
   * before it aborted cannot be answered by the receiver's next behaviour.
   */
  dropConnections(): void {
    this.server.closeAllConnections();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ids = (events: ReadonlyArray<{ id: string }>) => events.map((e) => e.id);

describe('live event stream', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());
  beforeEach(async () => {
    await controlOk(server.endpoint, 'reset', {});
  });

  it('pushes each new event in outbox order, with the event id as the SSE id and the envelope as data', async () => {
    const stream = new SseReader(server.endpoint, '/_emulator/events/stream');
    await stream.opened;
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
    assert.equal(stream.headers['cache-control'], 'no-cache');
    await referralAccepted(server.endpoint);
    const outbox = (await eventsOf(server.endpoint)) as Envelope[];
    assert.ok(outbox.length >= 5, `an accepted referral produces many events (${outbox.length})`);
    const got = await stream.count(outbox.length);
    assert.deepEqual(ids(got), ids(outbox));
    assert.deepEqual(got.map((e) => e.id), got.map((e) => e.data.id));
    assert.deepEqual(got.map((e) => e.data), outbox);
    stream.close();
  });

  it('resumes after Last-Event-ID (or ?after=) with exactly the events it missed', async () => {
    await referralAccepted(server.endpoint);
    const seen = 3;
    for (const how of ['header', 'query'] as const) {
      const outbox = (await eventsOf(server.endpoint)) as Envelope[];
      const lastSeen = outbox[seen - 1]!.id;
      const missed = outbox.slice(seen);
      const stream =
        how === 'header'
          ? new SseReader(server.endpoint, '/_emulator/events/stream', { 'last-event-id': lastSeen })
          : new SseReader(server.endpoint, `/_emulator/events/stream?after=${encodeURIComponent(lastSeen)}`);
      const got = await stream.count(missed.length);
      assert.deepEqual(ids(got), ids(missed), how);
      // Nothing else came in between: the next event is the one created now.
      await createOpportunity(server.endpoint, C, `sentinel-${how}`);
      const [sentinel] = (await eventsOf(server.endpoint, { account: C })).slice(-1) as Envelope[];
      const next = await stream.count(missed.length + 1);
      assert.equal(next.at(-1)!.id, sentinel!.id, how);
      stream.close();
    }
    const unknown = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/events/stream', headers: { 'last-event-id': 'no-such-event' } });
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.json().error), /No event with id 'no-such-event'/);
  });

  it('filters by account, catalog and detail-type as GET /_emulator/events does, and refuses bad filters', async () => {
    const stream = new SseReader(server.endpoint, `/_emulator/events/stream?account=${B}&catalog=Sandbox&detailType=${encodeURIComponent('Opportunity Updated')}`);
    await stream.opened;
    await referralAccepted(server.endpoint);
    const expected = await eventsOf(server.endpoint, { account: B, catalog: 'Sandbox', detailType: 'Opportunity Updated' });
    assert.ok(expected.length >= 1);
    const got = await stream.count(expected.length);
    assert.deepEqual(got.map((e) => e.data), expected);
    assert.ok(got.every((e) => e.data.account === B && e.data['detail-type'] === 'Opportunity Updated'));
    // An event for another account or type never shows: the next one is B's next Opportunity Updated.
    await createOpportunity(server.endpoint, C, 'other-account');
    await referralAccepted(server.endpoint);
    const all = await eventsOf(server.endpoint, { account: B, detailType: 'Opportunity Updated' });
    const more = await stream.count(all.length);
    assert.deepEqual(ids(more), ids(all as Envelope[]));
    stream.close();

    const bad = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/events/stream?account=12&colour=red' });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json().error), /'account' must be a 12-digit account id/);
    assert.match(String(bad.json().error), /Unknown query parameter 'colour'/);
  });

  it('stream ends when the server closes', async () => {
    const own = await startTestServer();
    const stream = new SseReader(own.endpoint, '/_emulator/events/stream');
    await stream.opened;
    const ended = new Promise<void>((resolve) => (stream as unknown as { req: { on(e: string, f: () => void): void } }).req.on('close', resolve));
    await own.close();
    await ended;
    assert.equal(stream.status, 200);
  });
});

describe('webhooks', () => {
  let server: RunningServer;
  let receiver: Receiver;
  let base: string;
  before(async () => {
    server = await startTestServer({ deliveryRetry: FAST_RETRY });
    receiver = new Receiver();
    base = await receiver.listen();
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await controlOk(server.endpoint, 'reset', {});
    for (const w of (await controlOk(server.endpoint, 'webhooks')).webhooks as Array<{ id: string }>) {
      await rawRequest(server.endpoint, { method: 'DELETE', path: `/_emulator/webhooks/${w.id}` });
    }
    receiver.answer = () => 200;
  });

  it('delivers every event appended after registration, in outbox order, signed with HMAC-SHA256 of the raw body', async () => {
    await createOpportunity(server.endpoint, C, 'before-registration');
    const before = (await eventsOf(server.endpoint)).length;
    const secret = 'shh-its-a-secret';
    const created = await control(server.endpoint, 'webhooks', { url: `${base}/signed`, secret });
    assert.equal(created.status, 201);
    const hook = created.json();
    assert.match(String(hook.id), /^wh-[0-9a-f]{16}$/);
    assert.equal(hook.url, `${base}/signed`);
    assert.equal(hook.signed, true);
    assert.equal(hook.secret, undefined, 'the secret is never shown back');
    const unsigned = await controlOk(server.endpoint, 'webhooks', { url: `${base}/unsigned`, detailTypes: ['Opportunity Created'], accounts: [B] });

    await referralAccepted(server.endpoint);
    const outbox = ((await eventsOf(server.endpoint)) as Envelope[]).slice(before);
    const delivered = await pollUntil(async () => (receiver.delivered('/signed').length >= outbox.length ? receiver.delivered('/signed') : undefined));
    assert.deepEqual(delivered, outbox);
    for (const r of receiver.requests.filter((x) => x.path === '/signed')) {
      assert.equal(r.headers['content-type'], 'application/json');
      const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
      assert.equal(r.headers['x-partnercentral-local-signature'], expected);
    }
    const wanted = outbox.filter((e) => e['detail-type'] === 'Opportunity Created' && e.account === B);
    assert.equal(wanted.length, 1);
    const filtered = await pollUntil(async () => (receiver.delivered('/unsigned').length >= 1 ? receiver.delivered('/unsigned') : undefined));
    assert.deepEqual(filtered, wanted);
    assert.equal(receiver.requests.find((r) => r.path === '/unsigned')!.headers['x-partnercentral-local-signature'], undefined);

    const listed = (await controlOk(server.endpoint, 'webhooks')).webhooks as Array<Record<string, unknown>>;
    assert.deepEqual(listed.map((w) => w.id), [hook.id, unsigned.id]);
    assert.deepEqual(listed[1]!.detailTypes, ['Opportunity Created']);
    assert.deepEqual(await controlOk(server.endpoint, `webhooks/${hook.id}`), hook);
  });

  it('retries a failing delivery with backoff and keeps the order; gives up after maxAttempts into the dead letters', async () => {
    let failures = 3;
    receiver.answer = (r) => (r.path === '/flaky' && failures-- > 0 ? 500 : r.path === '/dead' && r.body.includes('"Engagement Invitation Created"') ? 503 : 200);
    const flaky = await controlOk(server.endpoint, 'webhooks', { url: `${base}/flaky` });
    const dead = await controlOk(server.endpoint, 'webhooks', { url: `${base}/dead`, maxAttempts: 2 });
    assert.equal(dead.maxAttempts, 2);
    await referralAccepted(server.endpoint);
    const outbox = (await eventsOf(server.endpoint)) as Envelope[];

    const got = await pollUntil(async () => (receiver.delivered('/flaky').length >= outbox.length ? receiver.delivered('/flaky') : undefined));
    assert.deepEqual(ids(got), ids(outbox), 'each event once, in order, after the retries');
    const first = receiver.requests.filter((r) => r.path === '/flaky' && (JSON.parse(r.body) as Envelope).id === outbox[0]!.id);
    assert.deepEqual(first.map((r) => r.status), [500, 500, 500, 200]);
    assert.deepEqual(first.map((r) => r.headers['x-partnercentral-local-attempt']), ['1', '2', '3', '4']);

    const invitationEvents = outbox.filter((e) => e['detail-type'] === 'Engagement Invitation Created');
    const rest = outbox.filter((e) => e['detail-type'] !== 'Engagement Invitation Created');
    const deliveredDead = await pollUntil(async () => (receiver.delivered('/dead').length >= rest.length ? receiver.delivered('/dead') : undefined));
    assert.deepEqual(ids(deliveredDead), ids(rest), 'delivery moves on past a dead-lettered event');
    const letters = (await controlOk(server.endpoint, `webhooks/${dead.id}/dead-letters`)).deadLetters as Array<Record<string, any>>;
    assert.deepEqual(letters.map((l) => l.event.id), ids(invitationEvents));
    assert.ok(letters.every((l) => l.attempts === 2 && l.lastError === 'HTTP 503'));
    assert.equal(receiver.requests.filter((r) => r.path === '/dead' && r.status === 503).length, 2 * invitationEvents.length);
    assert.deepEqual((await controlOk(server.endpoint, `webhooks/${flaky.id}/dead-letters`)).deadLetters, []);
  });

  it('a deleted webhook receives nothing more; unknown ids are 404', async () => {
    const gone = await controlOk(server.endpoint, 'webhooks', { url: `${base}/gone` });
    const kept = await controlOk(server.endpoint, 'webhooks', { url: `${base}/kept` });
    const deleted = await rawRequest(server.endpoint, { method: 'DELETE', path: `/_emulator/webhooks/${gone.id}` });
    assert.equal(deleted.status, 200);
    assert.deepEqual(deleted.json(), { deleted: gone.id });
    await referralAccepted(server.endpoint);
    const outbox = await eventsOf(server.endpoint);
    await pollUntil(async () => (receiver.delivered('/kept').length >= outbox.length ? true : undefined));
    assert.equal(receiver.requests.filter((r) => r.path === '/gone').length, 0);
    for (const path of [`/_emulator/webhooks/${gone.id}`, `/_emulator/webhooks/${gone.id}/dead-letters`]) {
      assert.equal((await rawRequest(server.endpoint, { method: 'GET', path })).status, 404);
    }
    assert.equal((await rawRequest(server.endpoint, { method: 'DELETE', path: `/_emulator/webhooks/${gone.id}` })).status, 404);
    assert.deepEqual(((await controlOk(server.endpoint, 'webhooks')).webhooks as Array<{ id: string }>).map((w) => w.id), [kept.id]);
  });

  it('an event held back by the business clock (a delayed referral) is delivered once it arrives, not lost', async () => {
    await controlOk(server.endpoint, 'config', { referralDelayMs: 3_600_000 });
    try {
      await controlOk(server.endpoint, 'webhooks', { url: `${base}/delayed` });
      const stream = new SseReader(server.endpoint, '/_emulator/events/stream');
      await stream.opened;
      await controlOk(server.endpoint, 'referrals', { receiverAccountId: B, catalog: 'Sandbox' });
      await createOpportunity(server.endpoint, C, 'while-the-referral-waits');
      const now = (await eventsOf(server.endpoint)) as Envelope[];
      assert.deepEqual(now.map((e) => e['detail-type']), ['Opportunity Created'], 'the invitation is not available yet');
      await pollUntil(async () => (receiver.delivered('/delayed').length >= 1 ? true : undefined));
      assert.deepEqual(ids(await stream.count(1)), ids(now));
      await controlOk(server.endpoint, 'clock', { advance: '1h' });
      const later = (await eventsOf(server.endpoint)) as Envelope[];
      const arrived = later.filter((e) => e['detail-type'] === 'Engagement Invitation Created');
      assert.equal(arrived.length, 1);
      const delivered = await pollUntil(async () => (receiver.delivered('/delayed').length >= 2 ? receiver.delivered('/delayed') : undefined));
      assert.deepEqual(ids(delivered), [now[0]!.id, arrived[0]!.id]);
      assert.deepEqual(ids(await stream.count(2)), [now[0]!.id, arrived[0]!.id]);
      stream.close();
    } finally {
      await controlOk(server.endpoint, 'config', { referralDelayMs: 0 });
      await controlOk(server.endpoint, 'clock', { reset: true });
    }
  });

  it('refuses bad registrations with the field named, and registers nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{}, /'url' is required/],
      [{ url: 'ftp://example.com/x' }, /'url' must use http or https, not 'ftp'/],
      [{ url: 'not a url' }, /'url' must be an absolute http or https URL/],
      [{ url: `${base}/x`, detailTypes: ['Opportunity Engagement Invitation Created'] }, /'detailTypes\[0\]' must be 'Opportunity Created'/],
      [{ url: `${base}/x`, detailTypes: [] }, /'detailTypes' must be a list of 1 to 10 entries/],
      [{ url: `${base}/x`, accounts: ['12'] }, /'accounts\[0\]' must be a 12-digit account id/],
      [{ url: `${base}/x`, maxAttempts: 0 }, /'maxAttempts' must be an integer from 1 to 100/],
      [{ url: `${base}/x`, secret: '' }, /'secret' must be 1 to 256 characters long/],
      [{ url: `${base}/x`, colour: 'red' }, /Unknown key 'colour'/],
    ];
    for (const [body, message] of cases) {
      const res = await control(server.endpoint, 'webhooks', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(String(res.json().error), message);
    }
    assert.deepEqual((await controlOk(server.endpoint, 'webhooks')).webhooks, []);
  });
});

describe('webhooks across a restart', () => {
  it('resume after the last acknowledged event: nothing lost, nothing repeated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcl-delivery-'));
    const dbPath = join(dir, 'state.db');
    const receiver = new Receiver();
    const base = await receiver.listen();
    try {
      let accepted = 0;
      receiver.answer = () => (accepted < 3 ? (accepted++, 200) : 503);
      const first = await startTestServer({ inMemory: false, dbPath, deliveryRetry: { ...FAST_RETRY, maxAttempts: 1000 } });
      const hook = await controlOk(first.endpoint, 'webhooks', { url: `${base}/hook`, secret: 's' });
      await referralAccepted(first.endpoint);
      const outbox = (await eventsOf(first.endpoint)) as Envelope[];
      // Three acknowledged, then the receiver fails: the fourth is being retried when the server stops.
      await pollUntil(async () => (receiver.requests.some((r) => r.status === 503) ? true : undefined));
      await first.close();
      assert.deepEqual(ids(receiver.delivered('/hook')), ids(outbox.slice(0, 3)));

      receiver.dropConnections();
      receiver.answer = () => 200;
      const second = await startTestServer({ inMemory: false, dbPath, deliveryRetry: FAST_RETRY });
      try {
        assert.deepEqual(((await controlOk(second.endpoint, 'webhooks')).webhooks as Array<{ id: string }>).map((w) => w.id), [hook.id]);
        const all = await pollUntil(async () => (receiver.delivered('/hook').length >= outbox.length ? receiver.delivered('/hook') : undefined));
        assert.deepEqual(ids(all), ids(outbox), 'every event exactly once, in order, across the restart');
        // And new events still flow to it.
        await createOpportunity(second.endpoint, C, 'after-restart');
        const latest = ((await eventsOf(second.endpoint)) as Envelope[]).at(-1)!;
        await pollUntil(async () => (receiver.delivered('/hook').at(-1)?.id === latest.id ? true : undefined));
        assert.equal(receiver.delivered('/hook').length, outbox.length + 1);
      } finally {
        await second.close();
      }
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// EventBridge, against moto

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts moto on a free port; undefined when python3 or moto is not installed. */
async function startMoto(): Promise<{ endpoint: string; child: ChildProcess } | undefined> {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  let exited = false;
  child.on('error', () => (exited = true));
  child.on('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200 && !exited; i++) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      await res.body?.cancel();
      return { endpoint, child };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill();
  return undefined;
}

/** One SQS call in the JSON protocol (moto reads it unsigned). */
async function sqs(endpoint: string, action: string, input: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as Record<string, any>;
  assert.equal(res.status, 200, `SQS ${action}: ${JSON.stringify(body)}`);
  return body;
}

describe('EventBridge forwarding', () => {
  it('puts every event on the configured bus, where a rule on source aws.partnercentral-selling routes it to SQS', async (t) => {
    const moto = await startMoto();
    if (!moto) {
      t.skip('python3 with moto is not installed (pip install "moto[server]")');
      return;
    }
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const eventBridge = new EventBridgeClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials });
    let server: RunningServer | undefined;
    try {
      await eventBridge.send(new CreateEventBusCommand({ Name: 'partner-bus' }));
      await eventBridge.send(new PutRuleCommand({ Name: 'partner-central', EventBusName: 'partner-bus', EventPattern: JSON.stringify({ source: ['aws.partnercentral-selling'] }) }));
      const queue = await sqs(moto.endpoint, 'CreateQueue', { QueueName: 'partner-events' });
      const attributes = await sqs(moto.endpoint, 'GetQueueAttributes', { QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] });
      await eventBridge.send(
        new PutTargetsCommand({ Rule: 'partner-central', EventBusName: 'partner-bus', Targets: [{ Id: 'queue', Arn: attributes.Attributes.QueueArn as string }] }),
      );

      server = await startTestServer({
        deliveryRetry: FAST_RETRY,
        eventBridge: { endpoint: moto.endpoint, bus: 'partner-bus', source: 'aws.partnercentral-selling', credentials },
      });
      const status = await controlOk(server.endpoint, 'eventbridge');
      assert.equal(status.enabled, true);
      assert.equal(status.bus, 'partner-bus');
      await referralAccepted(server.endpoint);
      const outbox = (await eventsOf(server.endpoint)) as Envelope[];

      const messages: Array<Record<string, any>> = [];
      await pollUntil(
        async () => {
          const got = await sqs(moto.endpoint, 'ReceiveMessage', { QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
          for (const m of (got.Messages ?? []) as Array<{ Body: string; ReceiptHandle: string }>) {
            messages.push(JSON.parse(m.Body) as Record<string, any>);
            await sqs(moto.endpoint, 'DeleteMessage', { QueueUrl: queue.QueueUrl, ReceiptHandle: m.ReceiptHandle });
          }
          return messages.length >= outbox.length ? true : undefined;
        },
        { attempts: 400, intervalMs: 50 },
      );
      // What a connector's rule sees: the envelope's detail-type, source, detail and resources.
      const shape = (e: Record<string, any>) => JSON.stringify({ detailType: e['detail-type'], source: e.source, detail: e.detail, resources: e.resources });
      assert.deepEqual(messages.map(shape).sort(), outbox.map(shape).sort());
      assert.ok(messages.every((m) => m.region === 'us-east-1'));
      assert.deepEqual((await controlOk(server.endpoint, 'eventbridge')).deadLetters, []);
    } finally {
      await server?.close();
      eventBridge.destroy();
      moto.child.kill();
    }
  });
});
