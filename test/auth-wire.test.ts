// SigV4 on the wire (spec decisions 7–8, protocol.md §4–§5): servers in auth modes off, structural and strict,
// driven by the official JS SDK and by raw HTTP signed the way the SDK and Postman sign.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  GetOpportunityCommand,
  PartnerCentralSellingClient,
  PartnerCentralSellingServiceException,
  ResourceNotFoundException,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import type { CredentialEntry } from '../src/auth/authenticate.js';
import type { RequestContext } from '../src/context.js';
import { defaultRegistry } from '../src/operations/registry.js';
import { clientFor, fakeSigV4Headers, rawRequest, startTestServer, type RawResponse } from './helpers.js';
import { TestSha256 } from './signing.js';

const CORAL_NS = 'com.amazon.coral.service#';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const CONTENT_SHA256_MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed.";
const UNRECOGNIZED = 'The security token included in the request is invalid.';
const BODY = '{"Catalog":"Sandbox","Identifier":"O1234567890"}';
const MINUTE = 60_000;
const CREDENTIALS: ReadonlyMap<string, CredentialEntry> = new Map([['AKIDEXAMPLE', { secretAccessKey: 'secret', accountId: '222222222222' }]]);

interface SignSpec {
  endpoint: string;
  /** 'sdk': POST / + X-Amz-Target with x-amz-content-sha256; 'postman': POST /GetOpportunity, body hashed. */
  style: 'sdk' | 'postman';
  accessKeyId?: string;
  secretAccessKey?: string;
  body?: string;
  date?: number;
  region?: string;
  /** Path to sign when it should differ from the one sent. */
  signedPath?: string;
}

/** Signs like the named client; returns the path and headers to send (the body is sent separately). */
async function sign(spec: SignSpec): Promise<{ path: string; headers: Record<string, string> }> {
  const url = new URL(spec.endpoint);
  const body = spec.body ?? BODY;
  const path = spec.style === 'sdk' ? '/' : '/GetOpportunity';
  const toSign: Record<string, string> =
    spec.style === 'sdk'
      ? { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity', 'content-length': String(Buffer.byteLength(body)), host: url.host }
      : { accept: 'application/json, text/javascript, */*; q=0.01', 'content-type': 'application/json; charset=UTF-8', 'content-length': String(Buffer.byteLength(body)), host: url.host };
  const signer = new SignatureV4({
    service: 'partnercentral-selling',
    region: spec.region ?? 'us-east-1',
    credentials: { accessKeyId: spec.accessKeyId ?? 'AKIDEXAMPLE', secretAccessKey: spec.secretAccessKey ?? 'secret' },
    sha256: TestSha256,
    applyChecksum: spec.style === 'sdk',
  });
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: spec.signedPath ?? path, query: {}, headers: toSign, body },
    { signingDate: new Date(spec.date ?? Date.now()) },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
  return { path, headers };
}

async function sendSigned(spec: SignSpec, bodyToSend?: string): Promise<RawResponse> {
  const { path, headers } = await sign(spec);
  return rawRequest(spec.endpoint, { path, headers, body: bodyToSend ?? spec.body ?? BODY });
}

function unsigned(endpoint: string, route: 'target' | 'path', extra: Record<string, string> = {}): Promise<RawResponse> {
  return route === 'target'
    ? rawRequest(endpoint, { headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity', ...extra }, body: BODY })
    : rawRequest(endpoint, { path: '/GetOpportunity', headers: { 'content-type': 'application/json; charset=UTF-8', ...extra }, body: BODY });
}

function assertAuthError(reply: RawResponse, status: number, code: string, message: string | RegExp): void {
  assert.equal(reply.status, status, reply.body);
  assert.equal(reply.headers['x-amzn-errortype'], code);
  const body = reply.json();
  assert.deepEqual(Object.keys(body), ['__type', 'Message']);
  assert.equal(body.__type, `${CORAL_NS}${code}`);
  if (typeof message === 'string') assert.equal(body.Message, message);
  else assert.match(String(body.Message), message);
}

/** Past authentication: GetOpportunity for an unknown id reaches the handler, which answers 404. */
function assertPassedAuth(reply: RawResponse): void {
  assert.equal(reply.status, 404, `expected 404, got ${reply.status} ${reply.body}`);
  assert.equal(reply.headers['x-amzn-errortype'], 'ResourceNotFoundException');
}

function isPastAuth(err: unknown): boolean {
  return err instanceof ResourceNotFoundException;
}

async function expectSdkError(promise: Promise<unknown>, name: string, status: number, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof PartnerCentralSellingServiceException, String(err));
    assert.equal(err.name, name);
    assert.equal(err.$metadata.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Who called GetOpportunity, while a `recordingCallers` body runs (null: not recording). */
let recorded: RequestContext['caller'][] | null = null;

/**
 * While `recorded` is set, the suite's servers answer GetOpportunity with a fixed opportunity and record the
 * caller; otherwise the emulator's own handler answers. Overriding handlers are never answered from the cache.
 */
const recordingRegistry = {
  GetOpportunity: (ctx: RequestContext, input: Record<string, unknown>) => {
    if (recorded === null) return defaultRegistry.GetOpportunity.handler!(ctx, input);
    recorded.push(ctx.caller);
    return { Catalog: 'Sandbox', Id: 'O1234567890', LastModifiedDate: '2025-01-15T12:00:00.000Z', CreatedDate: '2025-01-15T12:00:00.000Z', RelatedEntityIdentifiers: {} };
  },
};

/** Records who calls GetOpportunity for the duration of `body`. */
async function recordingCallers(body: (callers: RequestContext['caller'][]) => Promise<void>): Promise<void> {
  const callers: RequestContext['caller'][] = [];
  recorded = callers;
  try {
    await body(callers);
  } finally {
    recorded = null;
  }
}

describe('SigV4 on the wire', () => {
  let off: RunningServer;
  let structural: RunningServer;
  let strict: RunningServer;
  before(async () => {
    [off, structural, strict] = await Promise.all([
      startTestServer({ auth: 'off', credentials: CREDENTIALS, handlers: recordingRegistry }),
      startTestServer({ auth: 'structural', credentials: CREDENTIALS, handlers: recordingRegistry }),
      startTestServer({ auth: 'strict', credentials: CREDENTIALS, handlers: recordingRegistry }),
    ]);
  });
  after(() => Promise.all([off.close(), structural.close(), strict.close()]));

  describe('unsigned requests', () => {
    it('are MissingAuthenticationTokenException (403) in structural and strict, on both routes', async () => {
      for (const server of [structural, strict]) {
        for (const route of ['target', 'path'] as const) {
          assertAuthError(await unsigned(server.endpoint, route), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
          assertAuthError(await unsigned(server.endpoint, route, { authorization: 'Bearer abc' }), 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
        }
      }
    });

    it('are authentication failures before they are validation failures', async () => {
      const reply = await rawRequest(structural.endpoint, { headers: { 'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity' }, body: '{}' });
      assertAuthError(reply, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    });

    it('pass in mode off, as the default account', async () => {
      assertPassedAuth(await unsigned(off.endpoint, 'target'));
      assertPassedAuth(await unsigned(off.endpoint, 'path'));
      await recordingCallers(async (callers) => {
        assert.equal((await unsigned(off.endpoint, 'target')).status, 200);
        assert.deepEqual(callers, [{ accountId: '111111111111', accountSource: 'default' }]);
      });
    });
  });

  describe('malformed Authorization', () => {
    it('is IncompleteSignatureException (400) naming every missing part', async () => {
      const stamp = amzDate(Date.now());
      const partial = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${stamp.slice(0, 8)}/us-east-1/partnercentral-selling/aws4_request`;
      for (const server of [structural, strict]) {
        assertAuthError(
          await unsigned(server.endpoint, 'target', { authorization: partial, 'x-amz-date': stamp }),
          400,
          'IncompleteSignatureException',
          `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${partial}`,
        );
        assertAuthError(
          await unsigned(server.endpoint, 'path', { authorization: 'AWS4-HMAC-SHA256 ' }),
          400,
          'IncompleteSignatureException',
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
        );
        assertAuthError(
          await unsigned(server.endpoint, 'target', { authorization: `${partial}, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`, 'x-amz-date': 'yesterday' }),
          400,
          'IncompleteSignatureException',
          "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601",
        );
      }
    });

    it('is ignored in mode off', async () => {
      assertPassedAuth(await unsigned(off.endpoint, 'target', { authorization: 'AWS4-HMAC-SHA256 Credential=garbage' }));
    });
  });

  describe('clock skew', () => {
    it('answers an x-amz-date over 15 minutes old with InvalidSignatureException "Signature expired…" (400)', async () => {
      const stamp = amzDate(Date.now() - 20 * MINUTE);
      const headers = {
        'x-amz-date': stamp,
        authorization: `AWS4-HMAC-SHA256 Credential=111111111111/${stamp.slice(0, 8)}/us-east-1/partnercentral-selling/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      };
      const expired = new RegExp(`^Signature expired: ${stamp} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 15 min\\.\\)$`);
      for (const server of [structural, strict]) assertAuthError(await unsigned(server.endpoint, 'target', headers), 400, 'InvalidSignatureException', expired);
      // Signed for real and verified in strict: still expired.
      assertAuthError(await sendSigned({ endpoint: strict.endpoint, style: 'sdk', date: Date.now() - 20 * MINUTE }), 400, 'InvalidSignatureException', /^Signature expired: /);
      assertPassedAuth(await unsigned(off.endpoint, 'target', headers));
    });

    it('answers an x-amz-date over 15 minutes ahead with "Signature not yet current…"', async () => {
      const stamp = amzDate(Date.now() + 20 * MINUTE);
      assertAuthError(
        await sendSigned({ endpoint: strict.endpoint, style: 'postman', date: Date.now() + 20 * MINUTE }),
        400,
        'InvalidSignatureException',
        new RegExp(`^Signature not yet current: ${stamp} is still later than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z \\+ 15 min\\.\\)$`),
      );
    });

    it('accepts skew within 15 minutes', async () => {
      assertPassedAuth(await sendSigned({ endpoint: strict.endpoint, style: 'sdk', date: Date.now() - 10 * MINUTE }));
      assertPassedAuth(await sendSigned({ endpoint: strict.endpoint, style: 'postman', date: Date.now() + 10 * MINUTE }));
    });

    it('lets the SDK correct a skewed clock from the Date header and succeed on its retry', async () => {
      const skewed = () =>
        new PartnerCentralSellingClient({
          endpoint: strict.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          systemClockOffset: -20 * MINUTE,
          maxAttempts: 1,
        });
      await expectSdkError(skewed().send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })), 'InvalidSignatureException', 400, /^Signature expired: /);
      await recordingCallers(async (callers) => {
        const client = new PartnerCentralSellingClient({
          endpoint: strict.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          systemClockOffset: -20 * MINUTE,
        });
        const result = await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
        assert.equal(result.$metadata.attempts, 2);
        assert.equal(result.Id, 'O1234567890');
        assert.ok(Math.abs(client.config.systemClockOffset) < 5_000, `corrected offset ${client.config.systemClockOffset}`);
        assert.equal(callers.length, 1);
      });
    });
  });

  describe('strict signature verification', () => {
    it('passes a correct SDK signature and derives the configured account', async () => {
      await recordingCallers(async (callers) => {
        const result = await clientFor(strict.endpoint, 'AKIDEXAMPLE', 'secret').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
        assert.equal(result.$metadata.httpStatusCode, 200);
        const euClient = new PartnerCentralSellingClient({
          endpoint: strict.endpoint,
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
          maxAttempts: 1,
        });
        // AWS serves this API only in us-east-1: a correct signature for another region is refused, like a bad scope.
        await expectSdkError(
          euClient.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567891' })),
          'InvalidSignatureException',
          403,
          "Credential should be scoped to a valid region, not 'eu-west-1'. ",
        );
        euClient.destroy();
        assert.deepEqual(callers, [{ accountId: '222222222222', accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', accountSource: 'credentials-file' }]);
      });
      await assert.rejects(clientFor(strict.endpoint, 'AKIDEXAMPLE', 'secret').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })), (err: unknown) => {
        assert.ok(isPastAuth(err), String(err));
        return true;
      });
    });

    it('passes correct raw signatures on both routes (SDK style and Postman style)', async () => {
      assertPassedAuth(await sendSigned({ endpoint: strict.endpoint, style: 'sdk' }));
      assertPassedAuth(await sendSigned({ endpoint: strict.endpoint, style: 'postman' }));
    });

    it('rejects a wrong secret with InvalidSignatureException (403)', async () => {
      await expectSdkError(
        clientFor(strict.endpoint, 'AKIDEXAMPLE', 'not-the-secret').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })),
        'InvalidSignatureException',
        403,
        SIGNATURE_MISMATCH,
      );
      assertAuthError(await sendSigned({ endpoint: strict.endpoint, style: 'postman', secretAccessKey: 'wrong' }), 403, 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('rejects a signature computed for another path (the canonical URI is the real path)', async () => {
      assertAuthError(await sendSigned({ endpoint: strict.endpoint, style: 'postman', signedPath: '/' }), 403, 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });

    it('rejects an unknown access key with UnrecognizedClientException (403), 12-digit keys included', async () => {
      for (const key of ['AKIDUNKNOWN', '333333333333']) {
        await expectSdkError(
          clientFor(strict.endpoint, key, 'secret').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })),
          'UnrecognizedClientException',
          403,
          UNRECOGNIZED,
        );
      }
    });

    it('rejects a body changed after signing: stale x-amz-content-sha256, or a hash that no longer fits the signature', async () => {
      const tampered = BODY.replace('O1234567890', 'O9999999999');
      assert.equal(tampered.length, BODY.length);
      for (const server of [structural, strict]) {
        assertAuthError(await sendSigned({ endpoint: server.endpoint, style: 'sdk' }, tampered), 403, 'InvalidSignatureException', CONTENT_SHA256_MISMATCH);
      }
      // The attacker also fixes the hash header: the signature no longer matches.
      const { path, headers } = await sign({ endpoint: strict.endpoint, style: 'sdk' });
      headers['x-amz-content-sha256'] = createHash('sha256').update(tampered).digest('hex');
      assertAuthError(await rawRequest(strict.endpoint, { path, headers, body: tampered }), 403, 'InvalidSignatureException', SIGNATURE_MISMATCH);
      // Postman style has no hash header: the body is in the canonical request.
      assertAuthError(await sendSigned({ endpoint: strict.endpoint, style: 'postman' }, tampered), 403, 'InvalidSignatureException', SIGNATURE_MISMATCH);
    });
  });

  describe('structural and off modes', () => {
    it('structural checks the shape but not the signature bytes', async () => {
      await assert.rejects(clientFor(structural.endpoint, 'AKIDEXAMPLE', 'not-the-secret').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })), (err: unknown) => {
        assert.ok(isPastAuth(err), String(err));
        return true;
      });
      assertPassedAuth(await rawRequest(structural.endpoint, { path: '/GetOpportunity', headers: { 'content-type': 'application/json', ...fakeSigV4Headers('AKIDUNKNOWN') }, body: BODY }));
      const wrongService = fakeSigV4Headers();
      wrongService.authorization = wrongService.authorization!.replace('/partnercentral-selling/', '/dynamodb/');
      assertAuthError(await unsigned(structural.endpoint, 'target', wrongService), 403, 'InvalidSignatureException', "Credential should be scoped to correct service: 'partnercentral-selling'. ");
    });

    it('off accepts anything, even a wrong secret, and still takes the account from the key', async () => {
      await recordingCallers(async (callers) => {
        const result = await clientFor(off.endpoint, '444444444444', 'anything').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
        assert.equal(result.$metadata.httpStatusCode, 200);
        assert.deepEqual(callers, [{ accountId: '444444444444', accessKeyId: '444444444444', region: 'us-east-1', accountSource: 'access-key' }]);
      });
    });
  });

  describe('account derivation (decision 7)', () => {
    async function accountHeader(server: RunningServer, authorization?: string): Promise<string> {
      const reply = await rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/health', headers: authorization === undefined ? {} : { authorization } });
      assert.equal(reply.status, 200);
      return String(reply.headers['x-partnercentral-local-account']);
    }
    const auth = (key: string) => `AWS4-HMAC-SHA256 Credential=${key}/20250115/us-east-1/partnercentral-selling/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

    it('echoes the account on GET /_emulator/health: 12-digit key, configured key, default', async () => {
      for (const server of [off, structural, strict]) {
        assert.equal(await accountHeader(server, auth('222233334444')), '222233334444 (access-key)');
        assert.equal(await accountHeader(server, auth('AKIDEXAMPLE')), '222222222222 (credentials-file)');
        assert.equal(await accountHeader(server, auth('AKIAUNKNOWN')), '111111111111 (default)');
        assert.equal(await accountHeader(server, auth('12345678901')), '111111111111 (default)');
        assert.equal(await accountHeader(server), '111111111111 (default)');
      }
    });

    it('gives handlers the same account the health echo names', async () => {
      await recordingCallers(async (callers) => {
        await clientFor(structural.endpoint, '222233334444').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
        await clientFor(structural.endpoint, 'AKIAUNKNOWN').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
        assert.deepEqual(
          callers.map((c) => `${c.accountId} (${c.accountSource})`),
          ['222233334444 (access-key)', '111111111111 (default)'],
        );
      });
    });
  });
});
