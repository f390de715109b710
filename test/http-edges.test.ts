// HTTP at the socket level (issue 5, items 6, 8, 9): slow clients get an AWS-shaped 408 and lose their socket,
// Expect/Upgrade/CONNECT get AWS-shaped answers and leave no socket open, a refused upload is answered in a
// way a client that writes its whole body before reading can read, and strict auth refuses UNSIGNED-PAYLOAD.
// Driven over raw sockets (what the SDKs hide), Python's http.client where python3 is present, and raw HTTP
// signed with @smithy/signature-v4.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RunningServer } from '../src/server.js';
import type { CredentialEntry } from '../src/auth/authenticate.js';
import { fakeSigV4Headers, rawRequest, startTestServer, type RawResponse } from './helpers.js';
import { run } from './python.js';
import { TestSha256 } from './signing.js';

const CORAL_NS = 'com.amazon.coral.service#';
const MAX_BODY = 5 * 1024 * 1024;
const GET_BODY = '{"Catalog":"Sandbox","Identifier":"O1234567890"}';

/** One HTTP answer parsed from raw bytes (status line, headers, body of Content-Length bytes). */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseAnswers(bytes: string): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
    const length = Number(headers['content-length'] ?? 0);
    answers.push({ status: Number(statusLine!.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return answers;
}

/** Asserts an AWS-shaped framework error answer. */
function assertShaped(answer: RawAnswer | undefined, status: number, code: string, message?: RegExp): void {
  assert.ok(answer, 'no answer');
  assert.equal(answer.status, status, JSON.stringify(answer));
  assert.equal(answer.headers['x-amzn-errortype'], code);
  assert.match(answer.headers['x-amzn-requestid'] ?? '', /^[0-9a-f-]{36}$/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  assert.equal(body.__type, `${CORAL_NS}${code}`);
  assert.equal(typeof body.Message, 'string');
  if (message) assert.match(String(body.Message), message);
}

interface Conversation {
  answers: RawAnswer[];
  /** The server ended the connection (FIN or reset) before `waitMs` ran out. */
  closedByServer: boolean;
  error?: string;
}

/**
 * Sends `text` (string or chunks) on a fresh socket and collects what comes back until the server ends the
 * connection or `waitMs` passes (then the socket is still open: a failure wherever the server should close).
 */
function converse(endpoint: string, text: string | Buffer, waitMs = 5000): Promise<Conversation> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (closedByServer: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const result: Conversation = { answers: parseAnswers(Buffer.concat(chunks).toString('latin1')), closedByServer };
      if (error !== undefined) result.error = error;
      resolve(result);
    };
    const timer = setTimeout(() => settle(false), waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => settle(true));
    socket.on('error', (err: NodeJS.ErrnoException) => settle(true, err.code));
    socket.write(text);
  });
}

function apiHead(path: string, extra: string, contentLength?: number): string {
  const sig = fakeSigV4Headers();
  return (
    `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nx-amz-date: ${sig['x-amz-date']}\r\n` +
    `Authorization: ${sig.authorization}\r\n${extra}${contentLength === undefined ? '' : `Content-Length: ${contentLength}\r\n`}\r\n`
  );
}

/** A valid GetOpportunity that reaches the handler: an unknown id answers 404 ResourceNotFoundException. */
async function assertServed(endpoint: string): Promise<void> {
  const reply: RawResponse = await rawRequest(endpoint, {
    path: '/GetOpportunity',
    headers: { 'content-type': 'application/json', ...fakeSigV4Headers() },
    body: GET_BODY,
  });
  assert.equal(reply.status, 404, reply.body);
  assert.equal(reply.headers['x-amzn-errortype'], 'ResourceNotFoundException');
}

describe('slow clients', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ headerTimeoutMs: 300, bodyTimeoutMs: 300 });
  });
  after(() => server.close());

  it('answer 408 RequestTimeoutException and lose their sockets, while a normal client is served', async () => {
    // Observe the server's own sockets: a half-closed socket (the old behaviour) never emits 'close' while the
    // client keeps its side open, as these clients do (allowHalfOpen).
    // Server-side sockets by the client's port, so the normal client's keep-alive socket is not waited for.
    const serverSocketClosed = new Map<number, Promise<void>>();
    const onConnection = (socket: Socket) => serverSocketClosed.set(socket.remotePort!, new Promise((done) => socket.once('close', () => done())));
    server.server.on('connection', onConnection);
    const url = new URL(server.endpoint);
    const SLOW = 50;
    const replies: Array<Promise<string>> = [];
    const clients: Socket[] = [];
    for (let i = 0; i < SLOW; i++) {
      const socket = connect({ port: Number(url.port), host: url.hostname, allowHalfOpen: true });
      clients.push(socket);
      const received: Buffer[] = [];
      socket.on('data', (c: Buffer) => received.push(c));
      socket.on('error', () => {});
      replies.push(new Promise((done) => socket.once('end', () => done(Buffer.concat(received).toString('latin1')))));
      // Half of them stall inside the headers, half send full headers and then only part of the body.
      socket.write(i % 2 === 0 ? 'POST /GetOpportunity HTTP/1.1\r\nHost: localhost\r\nX-Slow: ' : `${apiHead('/GetOpportunity', '', 1000)}{"Catalog":`);
    }
    try {
      await assertServed(server.endpoint);
      const texts = await Promise.all(replies);
      for (const [i, text] of texts.entries()) {
        const [answer, extra] = parseAnswers(text);
        assertShaped(answer, 408, 'RequestTimeoutException', i % 2 === 0 ? /request headers timed out/ : /request body timed out/);
        assert.equal(answer!.headers.connection, 'close');
        assert.equal(extra, undefined, 'exactly one answer');
      }
      // Every slow socket was closed by the server (the client never closed its side).
      server.server.off('connection', onConnection);
      const closing = clients.map((socket) => serverSocketClosed.get(socket.localPort!));
      assert.ok(closing.every((promise) => promise !== undefined));
      await Promise.all(closing);
      await assertServed(server.endpoint);
    } finally {
      for (const socket of clients) socket.destroy();
    }
  });
});

describe('Expect, Upgrade and CONNECT', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({});
  });
  after(() => server.close());

  it('answers an unsupported Expect with an AWS-shaped 417 and closes the connection', async () => {
    const reply = await converse(server.endpoint, apiHead('/GetOpportunity', 'Expect: foo\r\n', GET_BODY.length) + GET_BODY);
    assertShaped(reply.answers[0], 417, 'ExpectationFailedException', /'foo'/);
    assert.equal(reply.answers.length, 1);
    assert.ok(reply.closedByServer);
  });

  it('keeps Expect: 100-continue working, and refuses an oversize one with 413 before asking for the body', async () => {
    const ok = await converse(server.endpoint, apiHead('/GetOpportunity', 'Expect: 100-continue\r\nConnection: close\r\n', GET_BODY.length) + GET_BODY);
    assert.equal(ok.answers[0]?.status, 100);
    assert.equal(ok.answers[1]?.status, 404);
    assert.equal(ok.answers[1]?.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    // Only the headers: a client that waits for 100 Continue is told 413 instead and never uploads.
    const big = await converse(server.endpoint, apiHead('/GetOpportunity', 'Expect: 100-continue\r\n', MAX_BODY + 1));
    assertShaped(big.answers[0], 413, 'RequestEntityTooLargeException');
    assert.equal(big.answers.length, 1);
    assert.ok(big.closedByServer, 'the body is not coming: no reason to keep the socket');
  });

  it('answers a request offering an Upgrade normally, then closes the connection instead of leaving the next request unread', async () => {
    const upgrade = apiHead('/GetOpportunity', 'Connection: Upgrade\r\nUpgrade: websocket\r\n', GET_BODY.length) + GET_BODY;
    const next = apiHead('/GetOpportunity', '', GET_BODY.length) + GET_BODY;
    const reply = await converse(server.endpoint, upgrade + next);
    assert.ok(reply.closedByServer, 'the server must close the connection');
    assert.equal(reply.answers.length, 1);
    assert.equal(reply.answers[0]!.status, 404);
    assert.equal(reply.answers[0]!.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.equal(reply.answers[0]!.headers.connection, 'close');
    // curl --http2 against http:// offers h2c this way: served over HTTP/1.1.
    const h2c = await converse(server.endpoint, apiHead('/GetOpportunity', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n', GET_BODY.length) + GET_BODY);
    assert.equal(h2c.answers[0]?.status, 404);
    assert.ok(h2c.closedByServer);
    await assertServed(server.endpoint);
  });

  it('answers CONNECT with an AWS-shaped 400 and closes the connection', async () => {
    const reply = await converse(server.endpoint, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    assertShaped(reply.answers[0], 400, 'UnknownOperationException', /CONNECT/);
    assert.ok(reply.closedByServer);
  });

  it('answers garbage with an AWS-shaped 400 and destroys the socket', async () => {
    const reply = await converse(server.endpoint, 'HELLO\r\n\r\n');
    assertShaped(reply.answers[0], 400, 'MalformedHttpRequestException');
    assert.ok(reply.closedByServer);
  });
});

describe('oversize uploads', () => {
  let server: RunningServer;
  let small: RunningServer;
  before(async () => {
    [server, small] = await Promise.all([startTestServer({}), startTestServer({ maxBodyBytes: 1024, bodyTimeoutMs: 2000 })]);
  });
  after(() => Promise.all([server.close(), small.close()]));

  /** Writes the whole request (waiting until it is all handed over), and only then reads. */
  function writeAllThenRead(endpoint: string, head: string, body: Buffer): Promise<Conversation & { wroteAll: boolean }> {
    const url = new URL(endpoint);
    return new Promise((resolve) => {
      const socket = connect(Number(url.port), url.hostname);
      socket.pause(); // read nothing until the upload is done
      const chunks: Buffer[] = [];
      let wroteAll = false;
      const finish = (closedByServer: boolean, error?: string) => {
        socket.destroy();
        const result = { answers: parseAnswers(Buffer.concat(chunks).toString('latin1')), closedByServer, wroteAll };
        resolve(error === undefined ? result : { ...result, error });
      };
      socket.on('error', (err: NodeJS.ErrnoException) => finish(true, err.code));
      socket.write(head);
      socket.write(body, (err) => {
        if (err) return;
        wroteAll = true;
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.once('end', () => finish(true));
        socket.resume();
      });
    });
  }

  it('lets a client that writes 6 MiB before reading read the 413 (Content-Length)', async () => {
    const body = Buffer.alloc(6 * 1024 * 1024, 0x20);
    const reply = await writeAllThenRead(server.endpoint, apiHead('/GetOpportunity', '', body.length), body);
    assert.equal(reply.error, undefined, 'no broken pipe or reset');
    assert.ok(reply.wroteAll);
    assertShaped(reply.answers[0], 413, 'RequestEntityTooLargeException');
    assert.equal(reply.answers[0]!.headers.connection, 'close');
    assert.ok(reply.closedByServer);
    await assertServed(server.endpoint);
  });

  it('lets a client that writes 10 MiB chunked before reading read the 413', async () => {
    const piece = Buffer.alloc(64 * 1024, 0x20);
    const chunked = Buffer.concat([
      ...Array.from({ length: 160 }, () => Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')])),
      Buffer.from('0\r\n\r\n'),
    ]);
    const reply = await writeAllThenRead(server.endpoint, apiHead('/GetOpportunity', 'Transfer-Encoding: chunked\r\n'), chunked);
    assert.equal(reply.error, undefined, 'no broken pipe or reset');
    assertShaped(reply.answers[0], 413, 'RequestEntityTooLargeException');
    assert.ok(reply.closedByServer);
  });

  it('stops draining past its bound: the socket is cut once 4× the cap has arrived', async () => {
    const url = new URL(small.endpoint);
    const socket = connect(Number(url.port), url.hostname);
    const received: Buffer[] = [];
    socket.on('data', (c: Buffer) => received.push(c));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => {});
    socket.write(apiHead('/GetOpportunity', '', 1024 * 1024 * 1024));
    // Keep uploading (1 KiB cap, so the bound is 4 KiB) until the server cuts the connection.
    const piece = Buffer.alloc(16 * 1024, 0x20);
    const pump = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(piece);
    }, 5);
    await closed;
    clearInterval(pump);
    assertShaped(parseAnswers(Buffer.concat(received).toString('latin1'))[0], 413, 'RequestEntityTooLargeException');
    await assertServed(small.endpoint);
  });

  const python = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
  it('lets Python http.client, which writes the whole body before reading, read the 413', { skip: !python && 'python3 not found' }, async () => {
    const url = new URL(server.endpoint);
    const sig = fakeSigV4Headers();
    const script = [
      'import http.client, json, sys',
      `conn = http.client.HTTPConnection(${JSON.stringify(url.hostname)}, ${Number(url.port)}, timeout=30)`,
      `headers = {"Content-Type": "application/json", "x-amz-date": ${JSON.stringify(sig['x-amz-date'])}, "Authorization": ${JSON.stringify(sig.authorization)}}`,
      `conn.request("POST", "/GetOpportunity", body=b" " * ${6 * 1024 * 1024}, headers=headers)`,
      'r = conn.getresponse()',
      'print(json.dumps({"status": r.status, "type": r.getheader("x-amzn-ErrorType"), "body": json.loads(r.read())}))',
    ].join('\n');
    const result = await run('python3', ['-c', script], process.env, 60_000);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { status: number; type: string; body: Record<string, unknown> };
    assert.equal(out.status, 413);
    assert.equal(out.type, 'RequestEntityTooLargeException');
    assert.equal(out.body.__type, `${CORAL_NS}RequestEntityTooLargeException`);
  });
});

describe('strict auth and UNSIGNED-PAYLOAD', () => {
  const CREDENTIALS: ReadonlyMap<string, CredentialEntry> = new Map([['AKIDEXAMPLE', { secretAccessKey: 'secret', accountId: '222222222222' }]]);
  let strict: RunningServer;
  let allowing: RunningServer;
  before(async () => {
    [strict, allowing] = await Promise.all([
      startTestServer({ auth: 'strict', credentials: CREDENTIALS }),
      startTestServer({ auth: 'strict', credentials: CREDENTIALS, allowUnsignedPayload: true }),
    ]);
  });
  after(() => Promise.all([strict.close(), allowing.close()]));

  /** Signs GetOpportunity the way the JS SDK does, but with the payload declared unsigned. */
  async function signedUnsigned(endpoint: string): Promise<Record<string, string>> {
    const url = new URL(endpoint);
    const signer = new SignatureV4({
      service: 'partnercentral-selling',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      sha256: TestSha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        host: url.host,
      },
      body: GET_BODY,
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
    assert.match(headers.authorization!, /SignedHeaders=[^,]*x-amz-content-sha256/);
    return headers;
  }

  it('refuses a signed UNSIGNED-PAYLOAD with InvalidSignatureException (403), so a body changed after signing is not accepted', async () => {
    const tampered = GET_BODY.replace('O1234567890', 'O9999999999');
    for (const body of [GET_BODY, tampered]) {
      const reply = await rawRequest(strict.endpoint, { headers: await signedUnsigned(strict.endpoint), body });
      assert.equal(reply.status, 403, reply.body);
      assert.equal(reply.headers['x-amzn-errortype'], 'InvalidSignatureException');
      const error = reply.json();
      assert.equal(error.__type, `${CORAL_NS}InvalidSignatureException`);
      assert.match(String(error.Message), /UNSIGNED-PAYLOAD/);
    }
  });

  it('accepts it when allowed (--allow-unsigned-payload)', async () => {
    const reply = await rawRequest(allowing.endpoint, { headers: await signedUnsigned(allowing.endpoint), body: GET_BODY });
    assert.equal(reply.status, 404, reply.body);
    assert.equal(reply.headers['x-amzn-errortype'], 'ResourceNotFoundException');
  });
});
