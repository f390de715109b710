// The wire contract of the protocol layer (spec decisions 1–6, protocol.md §1–§4), black-box over raw HTTP and
// through the official JS SDK. Handlers are mostly stubbed or absent here: the assertions are about routing,
// parsing, rendering and headers, which must hold whatever the business logic answers.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import {
  GetOpportunityCommand,
  ListOpportunitiesCommand,
  PartnerCentralSellingClient,
  PartnerCentralSellingServiceException,
  StartEngagementByAcceptingInvitationTaskCommand,
  SubmitOpportunityCommand,
  ValidationException,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import type { AnyHandler } from '../src/operations/registry.js';
import { FrameworkError } from '../src/errors.js';
import { readBody } from '../src/protocol/body.js';
import { clientFor, control, fakeSigV4Headers, startTestServer } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TARGET = 'AWSPartnerCentralSelling.';
const SERVICE_NS = 'com.amazonaws.partnercentralselling#';
const CORAL_NS = 'com.amazon.coral.service#';
const UNKNOWN_OPERATION_MESSAGE = 'The action or operation requested is invalid. Verify that the action is typed correctly.';
const MAX_BODY = 5 * 1024 * 1024;
const GET_VALID = '{"Catalog":"Sandbox","Identifier":"O1234567890"}';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  body: string;
  json: () => Record<string, unknown>;
}

interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Stream this many bytes of spaces with chunked transfer encoding (no Content-Length). */
  chunkedBytes?: number;
}

/** Raw HTTP with the raw header list. Errors after the answer arrived (EPIPE on an oversize body) are ignored. */
function send(endpoint: string, options: SendOptions = {}): Promise<Reply> {
  const url = new URL(options.path ?? '/', endpoint);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        answered = true;
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body,
          json: () => JSON.parse(body) as Record<string, unknown>,
        });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (options.chunkedBytes !== undefined) {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = options.chunkedBytes;
      while (left > 0) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        req.write(piece);
        left -= piece.length;
      }
    } else if (options.body !== undefined) {
      req.write(options.body);
    }
    req.end();
  });
}

/** awsJson1_0: POST / + X-Amz-Target, structurally signed (auth mode `structural`). */
function viaTarget(endpoint: string, operation: string, body: string | Buffer, extra: Record<string, string> = {}): Promise<Reply> {
  return send(endpoint, {
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${TARGET}${operation}`, ...fakeSigV4Headers(), ...extra },
    body,
  });
}

/** REST style: POST /<Op>, as AWS's Postman collection sends it. */
function viaPath(endpoint: string, path: string, body: string | Buffer, extra: Record<string, string> = {}): Promise<Reply> {
  return send(endpoint, { path, headers: { 'content-type': 'application/json; charset=UTF-8', ...fakeSigV4Headers(), ...extra }, body });
}

function headerCount(reply: Reply, name: string): number {
  return reply.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === name).length;
}

/** Every answer carries exactly one uuid x-amzn-RequestId and one real-time Date (decision 6). */
function assertStandardHeaders(reply: Reply): void {
  assert.equal(headerCount(reply, 'x-amzn-requestid'), 1, 'one x-amzn-RequestId');
  assert.match(String(reply.headers['x-amzn-requestid']), UUID);
  assert.equal(headerCount(reply, 'date'), 1, 'one Date');
  const date = Date.parse(String(reply.headers.date));
  assert.ok(Math.abs(date - Date.now()) < 5_000, `Date ${String(reply.headers.date)} is wall-clock time`);
  assert.equal(String(reply.headers.date), new Date(date).toUTCString(), 'RFC 7231 IMF-fixdate');
  assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
}

/** A JSON error answer: status, __type, header, Message, and nothing else unless `members` says so. */
function assertError(reply: Reply, status: number, namespace: string, code: string, message: string | RegExp, members: Record<string, unknown> = {}): void {
  assert.equal(reply.status, status, reply.body);
  assert.equal(reply.headers['x-amzn-errortype'], code);
  assertStandardHeaders(reply);
  const body = reply.json();
  assert.equal(body.__type, `${namespace}${code}`);
  if (typeof message === 'string') assert.equal(body.Message, message);
  else assert.match(String(body.Message), message);
  assert.deepEqual(Object.keys(body), ['__type', 'Message', ...Object.keys(members)]);
  for (const [key, value] of Object.entries(members)) assert.deepEqual(body[key], value, key);
}

/** A valid GetOpportunity of an unknown id reaches the handler: 404, never a protocol error. */
function assertReachedHandler(reply: Reply): void {
  assert.equal(reply.status, 404, `expected 404, got ${reply.status} ${reply.body}`);
  assert.equal(reply.json().__type, `${SERVICE_NS}ResourceNotFoundException`);
  assert.equal(reply.headers['x-amzn-errortype'], 'ResourceNotFoundException');
}

/**
 * Runs `body` against a server of its own whose `operation` is answered by `handler` (undefined: not
 * implemented); the other operations keep the emulator's handlers.
 */
async function withHandler(operation: string, handler: AnyHandler | undefined, body: (endpoint: string) => Promise<void>): Promise<void> {
  const server = await startTestServer({ handlers: { [operation]: handler ?? null } });
  try {
    await body(server.endpoint);
  } finally {
    await server.close();
  }
}

const BAD_IDENTIFIER_ERROR = {
  FieldName: 'identifier',
  Message: "Value 'bad' must satisfy regular expression pattern: ^O[0-9]{1,19}$.",
  Code: 'INVALID_STRING_FORMAT',
};
const BAD_IDENTIFIER_MESSAGE =
  "1 validation error detected: Value at 'identifier' failed to satisfy constraint: Value 'bad' must satisfy regular expression pattern: ^O[0-9]{1,19}$.";
const MISSING_CATALOG_AND_IDENTIFIER = {
  message:
    "2 validation errors detected: Value at 'catalog' failed to satisfy constraint: Member must not be null; Value at 'identifier' failed to satisfy constraint: Member must not be null.",
  errorList: [
    { FieldName: 'catalog', Message: 'Member must not be null.', Code: 'REQUIRED_FIELD_MISSING' },
    { FieldName: 'identifier', Message: 'Member must not be null.', Code: 'REQUIRED_FIELD_MISSING' },
  ],
};

describe('protocol layer', () => {
  let server: RunningServer;
  let endpoint: string;
  before(async () => {
    server = await startTestServer();
    endpoint = server.endpoint;
  });
  after(() => server.close());

  describe('routing (decision 1)', () => {
    it('answers POST / + X-Amz-Target and POST /<Op> (with and without trailing slash) identically', async () => {
      for (const body of [GET_VALID, '{"Catalog":"Sandbox","Identifier":"bad"}', '{"Catalog":"Sandbox"}']) {
        const replies = [
          await viaTarget(endpoint, 'GetOpportunity', body),
          await viaTarget(endpoint, 'GetOpportunity', body, { 'content-type': 'application/x-amz-json-1.0; charset=utf-8' }),
          await viaPath(endpoint, '/GetOpportunity', body),
          await viaPath(endpoint, '/GetOpportunity/', body),
          await viaPath(endpoint, '/GetOpportunity', body, { 'content-type': 'application/json' }),
          await viaPath(endpoint, '/GetOpportunity', body, { 'content-type': 'application/x-amz-json-1.0' }),
        ];
        for (const reply of replies) {
          assertStandardHeaders(reply);
          assert.equal(reply.status, replies[0]!.status, `${body}: ${reply.body}`);
          assert.equal(reply.body, replies[0]!.body, body);
          assert.equal(reply.headers['x-amzn-errortype'], replies[0]!.headers['x-amzn-errortype']);
        }
        if (body === GET_VALID) assertReachedHandler(replies[0]!);
        else assert.equal(replies[0]!.status, 400);
      }
    });

    it('answers awsJson requests as application/x-amz-json-1.0 and REST-style ones as application/json', async () => {
      assert.equal((await viaTarget(endpoint, 'GetOpportunity', GET_VALID)).headers['content-type'], 'application/x-amz-json-1.0');
      assert.equal((await viaPath(endpoint, '/GetOpportunity', GET_VALID)).headers['content-type'], 'application/json');
      assert.equal((await viaPath(endpoint, '/Nope', GET_VALID)).headers['content-type'], 'application/json');
      assert.equal((await viaTarget(endpoint, 'Nope', GET_VALID)).headers['content-type'], 'application/x-amz-json-1.0');
    });

    it('prefers X-Amz-Target when it and the path name different operations', async () => {
      const reply = await send(endpoint, {
        path: '/ListOpportunities',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${TARGET}GetOpportunity`, ...fakeSigV4Headers() },
        body: '{"Catalog":"Sandbox"}',
      });
      // GetOpportunity requires Identifier; ListOpportunities would not.
      assertError(reply, 400, SERVICE_NS, 'ValidationException', "1 validation error detected: Value at 'identifier' failed to satisfy constraint: Member must not be null.", {
        Reason: 'REQUEST_VALIDATION_FAILED',
        ErrorList: [{ FieldName: 'identifier', Message: 'Member must not be null.', Code: 'REQUIRED_FIELD_MISSING' }],
      });
    });

    it('ignores Content-Type parameters and accepts a missing Content-Type', async () => {
      const plain = await viaTarget(endpoint, 'GetOpportunity', GET_VALID);
      for (const contentType of ['application/x-amz-json-1.0; charset=utf-8', 'application/x-amz-json-1.0;charset=UTF-8;foo=bar', 'application/json; charset=UTF-8']) {
        const reply = await viaTarget(endpoint, 'GetOpportunity', GET_VALID, { 'content-type': contentType });
        assert.equal(reply.status, plain.status, contentType);
        assert.equal(reply.body, plain.body, contentType);
      }
      const bare = await send(endpoint, { path: '/GetOpportunity', headers: fakeSigV4Headers(), body: GET_VALID });
      assert.equal(bare.status, plain.status);
      assert.equal(bare.body, plain.body);
    });
  });

  describe('empty body (decision 1)', () => {
    for (const [label, doSend] of [
      ['awsJson', (e: string) => viaTarget(e, 'GetOpportunity', '')],
      ['REST', (e: string) => viaPath(e, '/GetOpportunity', '')],
      ['REST without Content-Type', (e: string) => send(e, { path: '/GetOpportunity', headers: fakeSigV4Headers() })],
    ] as const) {
      it(`is {} on the ${label} route, so the required members are reported missing`, async () => {
        assertError(await doSend(endpoint), 400, SERVICE_NS, 'ValidationException', MISSING_CATALOG_AND_IDENTIFIER.message, {
          Reason: 'REQUEST_VALIDATION_FAILED',
          ErrorList: MISSING_CATALOG_AND_IDENTIFIER.errorList,
        });
      });
    }

    it('equals an explicit {}', async () => {
      const empty = await viaTarget(endpoint, 'ListOpportunities', '');
      const object = await viaTarget(endpoint, 'ListOpportunities', '{}');
      assert.equal(empty.status, 400);
      assert.equal(empty.body, object.body);
      assert.deepEqual(empty.json().ErrorList, [{ FieldName: 'catalog', Message: 'Member must not be null.', Code: 'REQUIRED_FIELD_MISSING' }]);
    });
  });

  describe('headers (decision 6)', () => {
    it('sends x-amzn-RequestId (a fresh uuid) and Date on successes and on every kind of error', async () => {
      const replies = [
        await viaTarget(endpoint, 'GetOpportunity', GET_VALID),
        await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":"Sandbox","Identifier":"bad"}'),
        await viaTarget(endpoint, 'GetOpportunity', '{'),
        await viaTarget(endpoint, 'Nope', '{}'),
        await send(endpoint, { method: 'GET', path: '/' }),
        await send(endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${TARGET}GetOpportunity` }, body: GET_VALID }),
        await send(endpoint, { path: '/GetOpportunity', headers: { 'content-length': String(MAX_BODY + 1) }, body: '{}' }),
        await send(endpoint, { path: '/_emulator/health', method: 'GET' }),
      ];
      const ids = new Set<string>();
      for (const reply of replies) {
        assertStandardHeaders(reply);
        ids.add(String(reply.headers['x-amzn-requestid']));
      }
      assert.equal(ids.size, replies.length, 'request ids are unique');
      await withHandler('SubmitOpportunity', () => undefined, async (endpoint) => {
        const ok = await viaTarget(endpoint, 'SubmitOpportunity', '{"Catalog":"Sandbox","Identifier":"O1","InvolvementType":"Co-Sell"}');
        assert.equal(ok.status, 200);
        assertStandardHeaders(ok);
      });
    });

    it('keeps Date on real wall-clock time after the emulator clock moved 30 days', async () => {
      const before = Date.now();
      const moved = await control(endpoint, 'clock', { advance: '30d' });
      assert.equal(moved.status, 200, moved.body);
      try {
        const businessNow = Date.parse(String(moved.json().now));
        assert.ok(businessNow - before >= 30 * 86_400_000 - 5_000, `business clock moved: ${String(moved.json().now)}`);
        const reply = await viaTarget(endpoint, 'GetOpportunity', GET_VALID);
        assertStandardHeaders(reply);
        const error = await viaTarget(endpoint, 'GetOpportunity', '{}');
        assertStandardHeaders(error);
        await withHandler('SubmitOpportunity', () => undefined, async (endpoint) => {
          assertStandardHeaders(await viaTarget(endpoint, 'SubmitOpportunity', '{"Catalog":"Sandbox","Identifier":"O1","InvolvementType":"Co-Sell"}'));
        });
        // The SDK samples Date to correct its signing clock; a skewed Date would make it shift x-amz-date.
        const client = clientFor(endpoint);
        await assert.rejects(client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })), (err: unknown) => {
          assert.ok(err instanceof PartnerCentralSellingServiceException);
          assert.equal((err.$metadata as { clockSkewCorrected?: boolean }).clockSkewCorrected, undefined);
          return true;
        });
        assert.ok(Math.abs(client.config.systemClockOffset) < 5_000, `systemClockOffset ${client.config.systemClockOffset}`);
      } finally {
        assert.equal((await control(endpoint, 'clock', { reset: true })).status, 200);
      }
    });
  });

  describe('error rendering (decision 2)', () => {
    it('renders ValidationException as __type, Message, Reason, ErrorList with x-amzn-ErrorType', async () => {
      const reply = await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":"Sandbox","Identifier":"bad"}');
      assertError(reply, 400, SERVICE_NS, 'ValidationException', BAD_IDENTIFIER_MESSAGE, {
        Reason: 'REQUEST_VALIDATION_FAILED',
        ErrorList: [BAD_IDENTIFIER_ERROR],
      });
      assert.equal(reply.headers['content-type'], 'application/x-amz-json-1.0');
    });

    it('surfaces it through the SDK as a ValidationException with Reason and ErrorList', async () => {
      const client = clientFor(endpoint);
      await assert.rejects(client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'bad' })), (err: unknown) => {
        assert.ok(err instanceof ValidationException, String(err));
        assert.equal(err.name, 'ValidationException');
        assert.equal(err.message, BAD_IDENTIFIER_MESSAGE);
        assert.equal(err.Reason, 'REQUEST_VALIDATION_FAILED');
        assert.deepEqual(err.ErrorList, [BAD_IDENTIFIER_ERROR]);
        assert.equal(err.$fault, 'client');
        assert.equal(err.$metadata.httpStatusCode, 400);
        assert.match(String(err.$metadata.requestId), UUID);
        return true;
      });
    });

    it('rejects an invalid Catalog value', async () => {
      const reply = await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":"Foo","Identifier":"O1234567890"}');
      const message = "Value 'Foo' is not one of: AWS, Sandbox.";
      assertError(reply, 400, SERVICE_NS, 'ValidationException', `1 validation error detected: Value at 'catalog' failed to satisfy constraint: ${message}`, {
        Reason: 'REQUEST_VALIDATION_FAILED',
        ErrorList: [{ FieldName: 'catalog', Message: message, Code: 'INVALID_ENUM_VALUE' }],
      });
      // Reported together with the other problems of the request.
      const both = await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":"Foo","Identifier":"bad"}');
      assert.deepEqual(
        (both.json().ErrorList as { FieldName: string }[]).map((e) => e.FieldName),
        ['catalog', 'identifier'],
      );
      const client = clientFor(endpoint);
      await assert.rejects(client.send(new ListOpportunitiesCommand({ Catalog: 'Foo' })), (err: unknown) => {
        assert.ok(err instanceof ValidationException);
        assert.deepEqual(err.ErrorList, [{ FieldName: 'catalog', Message: message, Code: 'INVALID_ENUM_VALUE' }]);
        return true;
      });
      const notLetters = await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":"AWS1","Identifier":"O1234567890"}');
      assert.equal(notLetters.status, 400);
      assert.deepEqual(notLetters.json().ErrorList, [
        { FieldName: 'catalog', Message: "Value 'AWS1' must satisfy regular expression pattern: ^[a-zA-Z]+$.", Code: 'INVALID_STRING_FORMAT' },
      ]);
    });
  });

  describe('SerializationException', () => {
    it('answers malformed JSON with 400 SerializationException', async () => {
      for (const body of ['{', '{"Catalog":"Sandbox",}', "{'Catalog':'Sandbox'}", '{"Catalog":"Sandbox"} trailing', '\u00ff\u00fe']) {
        for (const reply of [await viaTarget(endpoint, 'ListOpportunities', body), await viaPath(endpoint, '/ListOpportunities', body)]) {
          assertError(reply, 400, CORAL_NS, 'SerializationException', /^The request body is not valid JSON: /);
        }
      }
    });

    it('answers JSON that is not an object with 400 SerializationException', async () => {
      for (const body of ['[]', '[{"Catalog":"Sandbox"}]', '"Sandbox"', '42', 'null', 'true']) {
        assertError(await viaTarget(endpoint, 'ListOpportunities', body), 400, CORAL_NS, 'SerializationException', 'The request body must be a JSON object.');
      }
    });

    it('answers the JS SDK ClientToken:null body ({"ClientToken":}) with SerializationException', async () => {
      const raw = await viaTarget(endpoint, 'StartEngagementByAcceptingInvitationTask', '{"Catalog":"Sandbox","Identifier":"engi-1234567890abc","ClientToken":}');
      assertError(raw, 400, CORAL_NS, 'SerializationException', /^The request body is not valid JSON: /);

      const client = clientFor(endpoint);
      const sent: string[] = [];
      client.middlewareStack.add(
        (next) => async (args) => {
          const body = (args.request as { body?: unknown }).body;
          sent.push(typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : `<${typeof body}>`);
          return next(args);
        },
        { step: 'finalizeRequest', name: 'captureBody' },
      );
      const input = { Catalog: 'Sandbox', Identifier: 'engi-1234567890abc', ClientToken: null } as unknown as ConstructorParameters<
        typeof StartEngagementByAcceptingInvitationTaskCommand
      >[0];
      await assert.rejects(client.send(new StartEngagementByAcceptingInvitationTaskCommand(input)), (err: unknown) => {
        assert.ok(err instanceof PartnerCentralSellingServiceException, String(err));
        assert.equal(err.name, 'SerializationException');
        assert.equal(err.$metadata.httpStatusCode, 400);
        return true;
      });
      assert.deepEqual(sent, ['{"Catalog":"Sandbox","Identifier":"engi-1234567890abc","ClientToken":}']);
    });
  });

  describe('UnknownOperationException', () => {
    it('answers an unknown operation or a wrong prefix in X-Amz-Target', async () => {
      for (const target of [`${TARGET}Nope`, `${TARGET}getOpportunity`, 'AWSPartnerCentralSellingV2.GetOpportunity', 'GetOpportunity', 'awspartnercentralselling.GetOpportunity', `${TARGET}`, `${TARGET}GetOpportunity.x`]) {
        const reply = await send(endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, ...fakeSigV4Headers() }, body: GET_VALID });
        assertError(reply, 400, CORAL_NS, 'UnknownOperationException', UNKNOWN_OPERATION_MESSAGE);
      }
    });

    it('answers an unknown path, and / without X-Amz-Target', async () => {
      for (const path of ['/Nope', '/getopportunity', '/GetOpportunity/extra', '/x/GetOpportunity', '/', '/GetOpportunity/x/']) {
        assertError(await viaPath(endpoint, path, GET_VALID), 400, CORAL_NS, 'UnknownOperationException', UNKNOWN_OPERATION_MESSAGE);
      }
    });

    it('answers methods other than POST, whatever the route', async () => {
      for (const [method, path, target] of [
        ['GET', '/', `${TARGET}GetOpportunity`],
        ['GET', '/GetOpportunity', undefined],
        ['PUT', '/GetOpportunity', undefined],
        ['DELETE', '/', `${TARGET}GetOpportunity`],
      ] as const) {
        const headers: Record<string, string> = { ...fakeSigV4Headers() };
        if (target !== undefined) headers['x-amz-target'] = target;
        const reply = await send(endpoint, { method, path, headers });
        assertError(reply, 400, CORAL_NS, 'UnknownOperationException', `Only POST is supported; got ${method} ${path}.`);
      }
    });
  });

  describe('body size limit', () => {
    async function assertHealthy(): Promise<void> {
      const health = await send(endpoint, { method: 'GET', path: '/_emulator/health' });
      assert.equal(health.status, 200);
      assertReachedHandler(await viaTarget(endpoint, 'GetOpportunity', GET_VALID));
    }

    it('refuses a declared Content-Length over 5 MiB with 413 and stays healthy', async () => {
      const body = Buffer.alloc(MAX_BODY + 1, 0x20);
      const reply = await viaTarget(endpoint, 'GetOpportunity', body);
      assertError(reply, 413, CORAL_NS, 'RequestEntityTooLargeException', `Request entity too large: the body exceeds ${MAX_BODY} bytes.`);
      await assertHealthy();
    });

    it('refuses a chunked body that grows over 5 MiB with 413 and stays healthy', async () => {
      const reply = await send(endpoint, {
        path: '/GetOpportunity',
        headers: { 'content-type': 'application/json', ...fakeSigV4Headers() },
        chunkedBytes: MAX_BODY + 64 * 1024,
      });
      assert.equal(reply.headers['transfer-encoding'], undefined);
      assertError(reply, 413, CORAL_NS, 'RequestEntityTooLargeException', `Request entity too large: the body exceeds ${MAX_BODY} bytes.`);
      await assertHealthy();
    });

    it('accepts a body of exactly 5 MiB', async () => {
      const body = Buffer.alloc(MAX_BODY, 0x20);
      body.write(GET_VALID, 0);
      assertReachedHandler(await viaTarget(endpoint, 'GetOpportunity', body));
    });
  });

  describe('input leniency (decision 4)', () => {
    it('ignores unknown members and __type at any depth, and drops explicit nulls before the handler', async () => {
      const seen: Array<Record<string, unknown>> = [];
      const noisy = {
        __type: 'com.amazonaws.partnercentralselling#ListOpportunitiesRequest',
        Catalog: 'Sandbox',
        Unknown: { deep: [1, 2, 3] },
        NextToken: null,
        Sort: null,
        LastModifiedDate: { __type: 'com.amazon.partnerintegrationapi.common#LastModifiedDate', AfterLastModifiedDate: '2025-01-01T00:00:00Z', Extra: 'x', BeforeLastModifiedDate: null },
        LifeCycleStage: ['Prospect'],
      };
      // Both routes; a fresh recording handler each time, so the read cache (keyed by the validated input, which
      // is the same for both) cannot answer in place of the handler.
      for (const send of [(at: string) => viaTarget(at, 'ListOpportunities', JSON.stringify(noisy)), (at: string) => viaPath(at, '/ListOpportunities', JSON.stringify({ ...noisy, Unknown2: true }))]) {
        await withHandler(
          'ListOpportunities',
          (_ctx, input) => {
            seen.push(input);
            return { OpportunitySummaries: [] };
          },
          async (endpoint) => {
            const reply = await send(endpoint);
            assert.equal(reply.status, 200, reply.body);
            assertStandardHeaders(reply);
            assert.equal(reply.body, '{"OpportunitySummaries":[]}');
          },
        );
      }
      const clean = { Catalog: 'Sandbox', LastModifiedDate: { AfterLastModifiedDate: '2025-01-01T00:00:00Z' }, LifeCycleStage: ['Prospect'] };
      assert.deepEqual(seen, [clean, clean]);
    });

    it('gives the same answer with and without unknown members when the real handler (or none) runs', async () => {
      const plain = await viaTarget(endpoint, 'GetOpportunity', GET_VALID);
      const noisy = await viaTarget(endpoint, 'GetOpportunity', JSON.stringify({ __type: 'x#y', Catalog: 'Sandbox', Identifier: 'O1234567890', Extra: { __type: 'z' }, Arn: null }));
      assertReachedHandler(plain);
      assert.equal(noisy.status, plain.status);
      assert.equal(noisy.body, plain.body);
    });

    it('treats an explicit null required member as missing', async () => {
      assertError(await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":null,"Identifier":null}'), 400, SERVICE_NS, 'ValidationException', MISSING_CATALOG_AND_IDENTIFIER.message, {
        Reason: 'REQUEST_VALIDATION_FAILED',
        ErrorList: MISSING_CATALOG_AND_IDENTIFIER.errorList,
      });
    });
  });

  describe('successful answers (decision 5)', () => {
    it('renders a modeled output as JSON and a Unit output as 200 with an empty body', async () => {
      const output = {
        Catalog: 'Sandbox',
        Id: 'O1234567890',
        LastModifiedDate: '2025-01-15T12:00:00.123Z',
        CreatedDate: '2025-01-15T11:00:00.000Z',
        RelatedEntityIdentifiers: {},
      };
      await withHandler('GetOpportunity', () => output, async (endpoint) => {
        for (const reply of [await viaTarget(endpoint, 'GetOpportunity', GET_VALID), await viaPath(endpoint, '/GetOpportunity', GET_VALID)]) {
          assert.equal(reply.status, 200);
          assertStandardHeaders(reply);
          assert.equal(reply.headers['x-amzn-errortype'], undefined);
          assert.deepEqual(reply.json(), output);
        }
        const result = await clientFor(endpoint).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
        assert.equal(result.$metadata.httpStatusCode, 200);
        assert.match(String(result.$metadata.requestId), UUID);
        assert.equal(result.Id, 'O1234567890');
        assert.deepEqual(result.LastModifiedDate, new Date('2025-01-15T12:00:00.123Z'));
      });
      await withHandler('SubmitOpportunity', () => undefined, async (endpoint) => {
        const reply = await viaTarget(endpoint, 'SubmitOpportunity', '{"Catalog":"Sandbox","Identifier":"O1","InvolvementType":"Co-Sell"}');
        assert.equal(reply.status, 200);
        assert.equal(reply.body, '');
        assert.equal(reply.headers['content-length'], '0');
        assert.equal(reply.headers['content-type'], 'application/x-amz-json-1.0');
        const result = await clientFor(endpoint).send(new SubmitOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1', InvolvementType: 'Co-Sell' }));
        assert.equal(result.$metadata.httpStatusCode, 200);
      });
    });

    it('answers a handler crash with 500 InternalServerException and keeps serving', async () => {
      await withHandler(
        'GetOpportunity',
        () => {
          throw new TypeError('boom');
        },
        async (endpoint) => {
          const reply = await viaTarget(endpoint, 'GetOpportunity', GET_VALID);
          assertError(reply, 500, SERVICE_NS, 'InternalServerException', 'An internal error occurred. The request was not applied.');
          // The same server goes on answering: another operation reaches its handler.
          const after = await viaTarget(endpoint, 'GetEngagement', '{"Catalog":"Sandbox","Identifier":"eng-abcdefghij0123"}');
          assert.equal(after.status, 404, after.body);
        },
      );
    });
  });

  describe('not-implemented operations', () => {
    it('answer 501 NotImplementedException after validating input', async () => {
      await withHandler('GetOpportunity', undefined, async (endpoint) => {
        for (const reply of [await viaTarget(endpoint, 'GetOpportunity', GET_VALID), await viaPath(endpoint, '/GetOpportunity', GET_VALID)]) {
          assertError(reply, 501, SERVICE_NS, 'NotImplementedException', 'GetOpportunity is not implemented yet by partnercentral-local. Its input was valid; nothing was changed.');
        }
        // Validation comes first.
        assert.equal((await viaTarget(endpoint, 'GetOpportunity', '{"Catalog":"Sandbox","Identifier":"bad"}')).status, 400);
      });
    });

    it('surface in the SDK as name NotImplementedException, not retried (default maxAttempts)', async () => {
      await withHandler('GetOpportunity', undefined, async (endpoint) => {
        let requests = 0;
        const client = new PartnerCentralSellingClient({
          endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: '111111111111', secretAccessKey: 'x' },
        });
        client.middlewareStack.add(
          (next) => async (args) => {
            requests++;
            return next(args);
          },
          { step: 'finalizeRequest', name: 'countAttempts' },
        );
        assert.equal(await client.config.maxAttempts(), 3);
        await assert.rejects(client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })), (err: unknown) => {
          assert.ok(err instanceof PartnerCentralSellingServiceException, String(err));
          assert.equal(err.name, 'NotImplementedException');
          assert.equal(err.message, 'GetOpportunity is not implemented yet by partnercentral-local. Its input was valid; nothing was changed.');
          assert.equal(err.$metadata.httpStatusCode, 501);
          assert.equal(err.$metadata.attempts, 1);
          assert.equal(err.$metadata.totalRetryDelay, 0);
          return true;
        });
        assert.equal(requests, 1);
      });
    });
  });

  describe('robustness', () => {
    function rawSocket(text: string, { waitForClose = true } = {}): Promise<string> {
      const url = new URL(endpoint);
      return new Promise((resolve) => {
        const socket = connect(Number(url.port), url.hostname);
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.write(text, () => {
          if (!waitForClose) socket.destroy();
        });
      });
    }

    it('survives aborted uploads, garbage HTTP and abuse, and /_emulator/health still answers 200', async () => {
      const sig = fakeSigV4Headers();
      const head = (extra: string) =>
        `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: ${TARGET}GetOpportunity\r\nx-amz-date: ${sig['x-amz-date']}\r\nAuthorization: ${sig.authorization}\r\n${extra}\r\n`;
      // Body announced but cut off.
      assert.equal(await rawSocket(`${head('Content-Length: 1000\r\n')}{"Catalog":`, { waitForClose: false }), '');
      // Not HTTP at all.
      assert.match(await rawSocket('HELLO\r\n\r\n'), /^HTTP\/1\.1 400 /);
      // Bad chunk encoding.
      assert.match(await rawSocket(`${head('Transfer-Encoding: chunked\r\n')}zz\r\n`), /^HTTP\/1\.1 400 /);
      // Deeply nested JSON and huge numbers.
      const deep = `{"Catalog":"Sandbox","X":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      const deepReply = await viaTarget(endpoint, 'ListOpportunities', deep);
      assert.ok(deepReply.status < 500 || deepReply.status === 501, deepReply.body);
      const huge = await viaTarget(endpoint, 'ListOpportunities', '{"Catalog":"Sandbox","MaxResults":1e400}');
      assert.equal(huge.status, 400);
      assert.deepEqual(huge.json().ErrorList, [{ FieldName: 'maxResults', Message: 'Expected an integer but found a number.', Code: 'INVALID_VALUE' }]);
      const proto = await viaTarget(endpoint, 'GetOpportunity', '{"__proto__":{"Identifier":"O1"},"constructor":{"prototype":{}},"Catalog":"Sandbox"}');
      assert.equal(proto.status, 400);
      assert.deepEqual(proto.json().ErrorList, [{ FieldName: 'identifier', Message: 'Member must not be null.', Code: 'REQUIRED_FIELD_MISSING' }]);
      // Many concurrent bad requests.
      const burst = await Promise.all(Array.from({ length: 50 }, (_, i) => viaTarget(endpoint, i % 2 ? 'Nope' : 'GetOpportunity', i % 3 ? '{' : '[]')));
      for (const reply of burst) assert.equal(reply.status, 400);

      const health = await send(endpoint, { method: 'GET', path: '/_emulator/health' });
      assert.equal(health.status, 200);
      assert.equal(health.json().status, 'ok');
      assertReachedHandler(await viaTarget(endpoint, 'GetOpportunity', GET_VALID));
    });
  });
});

describe('readBody', () => {
  const fakeRequest = (headers: Record<string, string> = {}) => Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
  const isFrameworkError = (code: string, status: number, message: string) => (err: unknown) => {
    assert.ok(err instanceof FrameworkError, String(err));
    assert.equal(err.code, code);
    assert.equal(err.httpStatus, status);
    assert.equal(err.message, message);
    return true;
  };

  it('joins the chunks of a body within the cap', async () => {
    const req = fakeRequest();
    const body = readBody(req, 10);
    req.write('{"a":');
    req.end('1}');
    assert.equal((await body).toString(), '{"a":1}');
  });

  it('refuses a declared Content-Length over the cap before reading', async () => {
    await assert.rejects(readBody(fakeRequest({ 'content-length': '11' }), 10), isFrameworkError('RequestEntityTooLargeException', 413, 'Request entity too large: the body exceeds 10 bytes.'));
  });

  it('refuses a streamed body as soon as it crosses the cap', async () => {
    const req = fakeRequest();
    const body = readBody(req, 10);
    req.write('123456');
    req.write('78901');
    await assert.rejects(body, isFrameworkError('RequestEntityTooLargeException', 413, 'Request entity too large: the body exceeds 10 bytes.'));
  });

  it('turns a client abort into RequestAbortedException (400), not an internal failure', async () => {
    const req = fakeRequest({ 'content-length': '100' });
    const body = readBody(req, 1000);
    req.write('{"Cat');
    req.destroy(new Error('aborted'));
    await assert.rejects(body, isFrameworkError('RequestAbortedException', 400, 'The request was aborted before its body was received.'));
  });
});
