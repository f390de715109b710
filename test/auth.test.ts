// SigV4 authentication: each mode, account derivation, every Coral-style failure, and real signatures in the
// shapes the JS SDK, botocore and Postman (aws4) produce.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { GetOpportunityCommand, PartnerCentralSellingClient } from '@aws-sdk/client-partnercentral-selling';
import {
  accountForAccessKey,
  authenticate,
  loadCredentialsFile,
  type AuthMode,
  type AuthSettings,
  type CredentialEntry,
  type SignedRequest,
} from '../src/auth/authenticate.js';
import { FrameworkError } from '../src/errors.js';
import { TestSha256 } from './signing.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0); // 20250115T120000Z
const MINUTE = 60_000;
const DEFAULT_ACCOUNT = '111111111111';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const CREDENTIALS: ReadonlyMap<string, CredentialEntry> = new Map<string, CredentialEntry>([
  ['AKIDCONFIGURED', { secretAccessKey: 'configured-secret', accountId: '222222222222' }],
  ['333333333333', { secretAccessKey: 'twelve-digit-secret' }],
  ['AKIDNOACCOUNT', { secretAccessKey: 'no-account-secret' }],
  ['ASIATEMPORARY', { secretAccessKey: 'temporary-secret', accountId: '444444444444', sessionToken: 'session-token-1' }],
]);

function settings(mode: AuthMode, wallClock: () => number = () => NOW): AuthSettings {
  return { mode, credentials: CREDENTIALS, defaultAccountId: DEFAULT_ACCOUNT, maxSkewMs: 15 * MINUTE, wallClock };
}

type ClientStyle = 'js' | 'boto' | 'postman';

interface SignOptions {
  style: ClientStyle;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  body?: string;
  date?: number;
  region?: string;
  service?: string;
  query?: Record<string, string>;
}

const GET_OPPORTUNITY_BODY = '{"Catalog":"AWS","Identifier":"O1234567"}';
const HOST = 'localhost:4566';

/** Signs a request the way the named client does; headers a client adds after signing are added unsigned. */
async function signRequest(options: SignOptions): Promise<SignedRequest> {
  const body = options.body ?? GET_OPPORTUNITY_BODY;
  const contentLength = String(Buffer.byteLength(body));
  const path = options.style === 'postman' ? '/GetOpportunity' : '/';
  let toSign: Record<string, string>;
  let addedAfterSigning: Record<string, string>;
  switch (options.style) {
    case 'js':
      toSign = {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity',
        'content-length': contentLength,
        host: HOST,
        'amz-sdk-invocation-id': '0b6bd1f6-7a0c-4a53-a0a5-0d9f3e5e2a11',
        'amz-sdk-request': 'attempt=1; max=3',
        'x-amz-user-agent': 'aws-sdk-js/3.1124.0',
      };
      addedAfterSigning = { 'user-agent': 'aws-sdk-js/3.1124.0 ua/2.1 os/linux lang/js md/nodejs#20.19.0' };
      break;
    case 'boto':
      toSign = {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity',
        host: HOST,
      };
      addedAfterSigning = {
        'content-length': contentLength,
        'amz-sdk-invocation-id': '5a1f7c2e-1111-4222-8333-944445555666',
        'amz-sdk-request': 'attempt=1',
        'user-agent': 'Boto3/1.38.46 md/Botocore#1.38.46 ua/2.1 os/linux',
      };
      break;
    case 'postman':
      toSign = { accept: 'application/json', 'content-length': contentLength, 'content-type': 'application/json', host: HOST };
      addedAfterSigning = {
        'user-agent': 'PostmanRuntime/7.43.0',
        'postman-token': '9d2b7e4c-0000-4000-8000-000000000001',
        'cache-control': 'no-cache',
        'accept-encoding': 'gzip, deflate, br',
        connection: 'keep-alive',
      };
      break;
  }
  const signer = new SignatureV4({
    service: options.service ?? 'partnercentral-selling',
    region: options.region ?? 'us-east-1',
    credentials: {
      accessKeyId: options.accessKeyId ?? 'AKIDCONFIGURED',
      secretAccessKey: options.secretAccessKey ?? 'configured-secret',
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    sha256: TestSha256,
    // Only the JS SDK sends x-amz-content-sha256; botocore and aws4 hash the body into the canonical request.
    applyChecksum: options.style === 'js',
  });
  const signed = await signer.sign(
    { method: 'POST', protocol: 'http:', hostname: 'localhost', port: 4566, path, query: options.query ?? {}, headers: toSign, body },
    { signingDate: new Date(options.date ?? NOW) },
  );
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries({ ...signed.headers, ...addedAfterSigning })) headers[name.toLowerCase()] = value;
  const query = new URLSearchParams(options.query ?? {}).toString();
  return { method: 'POST', path, query, headers, body: Buffer.from(body) };
}

function withHeaders(req: SignedRequest, changes: Record<string, string | undefined>): SignedRequest {
  const headers: IncomingHttpHeaders = { ...req.headers };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return { ...req, headers };
}

function authorizationOf(req: SignedRequest): string {
  const value = req.headers.authorization;
  assert.equal(typeof value, 'string');
  return value as string;
}

function signedHeadersOf(req: SignedRequest): string {
  return /SignedHeaders=([^,]+)/.exec(authorizationOf(req))?.[1] ?? '';
}

function toBuffer(body: unknown): Buffer {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(typeof body === 'string' ? body : '');
}

async function rejectsWith(promise: Promise<unknown>, code: string, httpStatus: number, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof FrameworkError, `expected a FrameworkError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.httpStatus, httpStatus);
    assert.equal(err.message, message);
    return true;
  });
}

const FAKE_SIGNATURE = 'a'.repeat(64);
const WELL_FORMED =
  'AWS4-HMAC-SHA256 Credential=AKIDCONFIGURED/20250115/us-east-1/partnercentral-selling/aws4_request, ' +
  `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${FAKE_SIGNATURE}`;

/** A request with a hand-written Authorization header, for structural checks. */
function handWritten(authorization: string | undefined, extraHeaders: Record<string, string> = {}): SignedRequest {
  const headers: IncomingHttpHeaders = {
    host: HOST,
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': 'AWSPartnerCentralSelling.GetOpportunity',
    'x-amz-date': '20250115T120000Z',
    ...extraHeaders,
  };
  if (authorization !== undefined) headers.authorization = authorization;
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(GET_OPPORTUNITY_BODY) };
}

describe('accountForAccessKey (decision 7)', () => {
  const config = settings('structural');
  it('takes a 12-digit access key id as the account', () => {
    assert.deepEqual(accountForAccessKey('999999999999', config), { accountId: '999999999999', source: 'access-key' });
  });
  it('prefers the 12-digit key over any configured account', () => {
    assert.deepEqual(accountForAccessKey('333333333333', config), { accountId: '333333333333', source: 'access-key' });
  });
  it('uses the account configured for the key', () => {
    assert.deepEqual(accountForAccessKey('AKIDCONFIGURED', config), { accountId: '222222222222', source: 'credentials-file' });
  });
  it('falls back to the default for configured keys without an account, unknown keys and no key', () => {
    for (const key of ['AKIDNOACCOUNT', 'AKIAUNKNOWN', '12345678901', undefined]) {
      assert.deepEqual(accountForAccessKey(key, config), { accountId: DEFAULT_ACCOUNT, source: 'default' });
    }
  });
});

describe("mode 'off'", () => {
  const config = settings('off');
  it('answers unsigned requests as the default account', async () => {
    assert.deepEqual(await authenticate(handWritten(undefined), config), { accountId: DEFAULT_ACCOUNT, accountSource: 'default' });
  });
  it('uses the access key of a parsable header, however stale or wrongly signed', async () => {
    const req = await signRequest({ style: 'js', accessKeyId: '555555555555', secretAccessKey: 'whatever', date: NOW - 24 * 60 * MINUTE });
    assert.deepEqual(await authenticate(req, config), {
      accountId: '555555555555',
      accessKeyId: '555555555555',
      region: 'us-east-1',
      accountSource: 'access-key',
    });
  });
  it('maps a configured key to its account', async () => {
    const caller = await authenticate(handWritten('AWS4-HMAC-SHA256 Credential=AKIDCONFIGURED/garbage'), config);
    assert.equal(caller.accountId, '222222222222');
    assert.equal(caller.accountSource, 'credentials-file');
  });
  it('ignores headers it cannot parse', async () => {
    const caller = await authenticate(handWritten('Bearer abc'), config);
    assert.deepEqual(caller, { accountId: DEFAULT_ACCOUNT, accountSource: 'default' });
  });
});

describe("mode 'structural'", () => {
  const config = settings('structural');

  it('accepts a well-formed JS SDK request and derives the caller', async () => {
    const req = await signRequest({ style: 'js' });
    assert.deepEqual(await authenticate(req, config), {
      accountId: '222222222222',
      accessKeyId: 'AKIDCONFIGURED',
      region: 'us-east-1',
      accountSource: 'credentials-file',
    });
  });

  it('does not check the signature bytes, the secret or whether the key is known', async () => {
    const req = await signRequest({ style: 'boto', accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'anything', region: 'eu-west-1' });
    assert.deepEqual(await authenticate(req, config), {
      accountId: DEFAULT_ACCOUNT,
      accessKeyId: 'AKIAUNKNOWN',
      region: 'eu-west-1',
      accountSource: 'default',
    });
    const caller = await authenticate(handWritten(WELL_FORMED), config);
    assert.equal(caller.accountId, '222222222222');
  });

  it('takes a 12-digit key as the account', async () => {
    const req = await signRequest({ style: 'postman', accessKeyId: '777777777777', secretAccessKey: 'x' });
    const caller = await authenticate(req, config);
    assert.equal(caller.accountId, '777777777777');
    assert.equal(caller.accountSource, 'access-key');
  });

  it('accepts the parts in any order, with or without spaces after commas', async () => {
    const reordered =
      `AWS4-HMAC-SHA256 Signature=${FAKE_SIGNATURE},SignedHeaders=host;x-amz-date,` +
      'Credential=AKIDCONFIGURED/20250115/us-east-1/partnercentral-selling/aws4_request';
    assert.equal((await authenticate(handWritten(reordered), config)).accountId, '222222222222');
  });

  it('answers a request without Authorization with MissingAuthenticationTokenException', async () => {
    await rejectsWith(authenticate(handWritten(undefined), config), 'MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
    await rejectsWith(authenticate(handWritten(''), config), 'MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  });

  it('treats a non-SigV4 Authorization header as missing', async () => {
    await rejectsWith(authenticate(handWritten('Bearer abc'), config), 'MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  });

  describe('incomplete headers list every missing part', () => {
    const cases: Array<[string, string, string]> = [
      [
        'Credential',
        `AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=${FAKE_SIGNATURE}`,
        "Authorization header requires 'Credential' parameter. ",
      ],
      [
        'Signature',
        'AWS4-HMAC-SHA256 Credential=AKIDCONFIGURED/20250115/us-east-1/partnercentral-selling/aws4_request, SignedHeaders=host;x-amz-date',
        "Authorization header requires 'Signature' parameter. ",
      ],
      [
        'SignedHeaders',
        `AWS4-HMAC-SHA256 Credential=AKIDCONFIGURED/20250115/us-east-1/partnercentral-selling/aws4_request, Signature=${FAKE_SIGNATURE}`,
        "Authorization header requires 'SignedHeaders' parameter. ",
      ],
      [
        'Credential and Signature',
        'AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date',
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. ",
      ],
      [
        'an empty Signature',
        'AWS4-HMAC-SHA256 Credential=AKIDCONFIGURED/20250115/us-east-1/partnercentral-selling/aws4_request, SignedHeaders=host, Signature=',
        "Authorization header requires 'Signature' parameter. ",
      ],
    ];
    for (const [what, header, expected] of cases) {
      it(`missing ${what}`, async () => {
        await rejectsWith(authenticate(handWritten(header), config), 'IncompleteSignatureException', 400, `${expected}Authorization=${header}`);
      });
    }

    it('missing everything, including a date header', async () => {
      const req = withHeaders(handWritten('AWS4-HMAC-SHA256'), { 'x-amz-date': undefined });
      await rejectsWith(
        authenticate(req, config),
        'IncompleteSignatureException',
        400,
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. " +
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
      );
    });

    it('missing only the date header', async () => {
      const req = withHeaders(handWritten(WELL_FORMED), { 'x-amz-date': undefined });
      await rejectsWith(
        authenticate(req, config),
        'IncompleteSignatureException',
        400,
        `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${WELL_FORMED}`,
      );
    });
  });

  it('rejects a part without an equal sign', async () => {
    const header = `AWS4-HMAC-SHA256 Credential, SignedHeaders=host, Signature=${FAKE_SIGNATURE}`;
    await rejectsWith(
      authenticate(handWritten(header), config),
      'IncompleteSignatureException',
      400,
      `'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
    );
  });

  it('rejects a malformed x-amz-date', async () => {
    for (const bad of ['2025-01-15T12:00:00Z', '20250231T120000Z', '20250115T250000Z']) {
      await rejectsWith(
        authenticate(handWritten(WELL_FORMED, { 'x-amz-date': bad }), config),
        'IncompleteSignatureException',
        400,
        `Date must be in ISO-8601 'basic format'. Got '${bad}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
  });

  it('accepts a Date header when x-amz-date is absent', async () => {
    const req = withHeaders(handWritten(WELL_FORMED), { 'x-amz-date': undefined, date: 'Wed, 15 Jan 2025 12:05:00 GMT' });
    assert.equal((await authenticate(req, config)).accountId, '222222222222');
  });

  it('rejects an unsupported algorithm', async () => {
    const header = WELL_FORMED.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA25');
    await rejectsWith(
      authenticate(handWritten(header), config),
      'IncompleteSignatureException',
      400,
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ",
    );
  });

  it('rejects a credential without exactly 5 elements', async () => {
    const header = WELL_FORMED.replace('/aws4_request', '');
    await rejectsWith(
      authenticate(handWritten(header), config),
      'IncompleteSignatureException',
      400,
      "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDCONFIGURED/20250115/us-east-1/partnercentral-selling'",
    );
  });

  it('ignores trailing slashes after the credential', async () => {
    const header = WELL_FORMED.replace('aws4_request', 'aws4_request//');
    assert.equal((await authenticate(handWritten(header), config)).accountId, '222222222222');
  });

  it('rejects a credential scoped to another service (real signature from another service name)', async () => {
    const req = await signRequest({ style: 'js', service: 'dynamodb' });
    await rejectsWith(
      authenticate(req, config),
      'InvalidSignatureException',
      403,
      "Credential should be scoped to correct service: 'partnercentral-selling'. ",
    );
  });

  it('reports every wrong scope element at once', async () => {
    const header = WELL_FORMED.replace('20250115/us-east-1/partnercentral-selling/aws4_request', '20250114/US_EAST/dynamodb/aws5_request');
    await rejectsWith(
      authenticate(handWritten(header), config),
      'InvalidSignatureException',
      403,
      "Credential should be scoped to a valid region, not 'US_EAST'. " +
        "Credential should be scoped to correct service: 'partnercentral-selling'. " +
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250114' != '20250115', from '20250115T120000Z'.",
    );
  });

  it('requires the scope date to equal the x-amz-date day', async () => {
    const req = withHeaders(handWritten(WELL_FORMED), { 'x-amz-date': '20250116T000500Z' });
    await rejectsWith(
      authenticate(req, settings('structural', () => Date.UTC(2025, 0, 16, 0, 0, 0))),
      'InvalidSignatureException',
      403,
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250115' != '20250116', from '20250116T000500Z'.",
    );
  });

  it("requires 'host' among the signed headers", async () => {
    const header = WELL_FORMED.replace('content-type;host;x-amz-date', 'content-type;x-amz-date');
    await rejectsWith(
      authenticate(handWritten(header), config),
      'InvalidSignatureException',
      403,
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('rejects a signature that is not 64 lowercase hex digits', async () => {
    const header = WELL_FORMED.replace(FAKE_SIGNATURE, 'A'.repeat(64));
    await rejectsWith(authenticate(handWritten(header), config), 'InvalidSignatureException', 403, SIGNATURE_MISMATCH);
  });

  it('rejects an empty access key id', async () => {
    const header = WELL_FORMED.replace('AKIDCONFIGURED/', '/');
    await rejectsWith(
      authenticate(handWritten(header), config),
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid.',
    );
  });

  describe('clock skew (wall clock injected)', () => {
    it('answers a request older than 15 minutes with "Signature expired"', async () => {
      const req = await signRequest({ style: 'js' });
      await rejectsWith(
        authenticate(req, settings('structural', () => NOW + 15 * MINUTE + 1000)),
        'InvalidSignatureException',
        400,
        'Signature expired: 20250115T120000Z is now earlier than 20250115T120001Z (20250115T121501Z - 15 min.)',
      );
    });

    it("reproduces Coral's captured message", async () => {
      const header = WELL_FORMED.replace('20250115', '20130301');
      const req = handWritten(header, { 'x-amz-date': '20130301T000000Z' });
      await rejectsWith(
        authenticate(req, settings('structural', () => Date.UTC(2013, 5, 9, 10, 0, 15, 400))),
        'InvalidSignatureException',
        400,
        'Signature expired: 20130301T000000Z is now earlier than 20130609T094515Z (20130609T100015Z - 15 min.)',
      );
    });

    it('answers a request more than 15 minutes ahead with "Signature not yet current"', async () => {
      const req = await signRequest({ style: 'boto' });
      await rejectsWith(
        authenticate(req, settings('structural', () => NOW - 15 * MINUTE - 1000)),
        'InvalidSignatureException',
        400,
        'Signature not yet current: 20250115T120000Z is still later than 20250115T115959Z (20250115T114459Z + 15 min.)',
      );
    });

    it('accepts requests exactly 15 minutes off either way', async () => {
      const req = await signRequest({ style: 'js' });
      await authenticate(req, settings('structural', () => NOW + 15 * MINUTE));
      await authenticate(req, settings('structural', () => NOW - 15 * MINUTE));
    });

    it('applies the same window to a Date header', async () => {
      const req = withHeaders(handWritten(WELL_FORMED), { 'x-amz-date': undefined, date: 'Wed, 15 Jan 2025 11:00:00 GMT' });
      await rejectsWith(
        authenticate(req, config),
        'InvalidSignatureException',
        400,
        'Signature expired: 20250115T110000Z is now earlier than 20250115T114500Z (20250115T120000Z - 15 min.)',
      );
    });
  });

  describe('x-amz-content-sha256', () => {
    it('rejects a body changed after signing', async () => {
      const req = await signRequest({ style: 'js' });
      const tampered = { ...req, body: Buffer.from('{"Catalog":"Sandbox","Identifier":"O1234567"}') };
      await rejectsWith(
        authenticate(tampered, config),
        'InvalidSignatureException',
        403,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    });

    it('accepts UNSIGNED-PAYLOAD', async () => {
      const req = handWritten(WELL_FORMED, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
      assert.equal((await authenticate(req, config)).accountId, '222222222222');
    });
  });
});

describe("mode 'strict'", () => {
  const config = settings('strict');

  it('verifies a JS SDK signature (x-amz-content-sha256 sent and signed)', async () => {
    const req = await signRequest({ style: 'js' });
    assert.equal(
      signedHeadersOf(req),
      'amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent',
    );
    assert.deepEqual(await authenticate(req, config), {
      accountId: '222222222222',
      accessKeyId: 'AKIDCONFIGURED',
      region: 'us-east-1',
      accountSource: 'credentials-file',
    });
  });

  it('verifies a botocore signature (no content-sha256 header; headers added after signing)', async () => {
    const req = await signRequest({ style: 'boto', accessKeyId: '333333333333', secretAccessKey: 'twelve-digit-secret' });
    assert.equal(signedHeadersOf(req), 'content-type;host;x-amz-date;x-amz-target');
    assert.equal(req.headers['x-amz-content-sha256'], undefined);
    assert.deepEqual(await authenticate(req, config), {
      accountId: '333333333333',
      accessKeyId: '333333333333',
      region: 'us-east-1',
      accountSource: 'access-key',
    });
  });

  it('refuses a correct signature scoped to a region other than us-east-1, where AWS serves this API', async () => {
    const req = await signRequest({ style: 'boto', accessKeyId: '333333333333', secretAccessKey: 'twelve-digit-secret', region: 'eu-central-1' });
    await rejectsWith(authenticate(req, config), 'InvalidSignatureException', 403, "Credential should be scoped to a valid region, not 'eu-central-1'. ");
    // The structural mode serves it (the server warns instead).
    assert.equal((await authenticate(req, settings('structural'))).region, 'eu-central-1');
  });

  it('verifies a Postman (aws4) REST-style signature on /GetOpportunity', async () => {
    const req = await signRequest({ style: 'postman', accessKeyId: 'AKIDNOACCOUNT', secretAccessKey: 'no-account-secret' });
    assert.equal(signedHeadersOf(req), 'accept;content-length;content-type;host;x-amz-date');
    assert.deepEqual(await authenticate(req, config), {
      accountId: DEFAULT_ACCOUNT,
      accessKeyId: 'AKIDNOACCOUNT',
      region: 'us-east-1',
      accountSource: 'default',
    });
  });

  it('verifies a signed query string, whether spaces arrive as %20 or +', async () => {
    const req = await signRequest({ style: 'boto', query: { b: 'two words', a: 'x/y' } });
    assert.equal((await authenticate(req, config)).accountId, '222222222222');
    assert.equal((await authenticate({ ...req, query: 'a=x%2Fy&b=two%20words' }, config)).accountId, '222222222222');
    await rejectsWith(authenticate({ ...req, query: 'a=x%2Fy&b=other' }, config), 'InvalidSignatureException', 403, SIGNATURE_MISMATCH);
  });

  it('verifies a request captured from the real JS client', async () => {
    let captured: SignedRequest | undefined;
    const client = new PartnerCentralSellingClient({
      region: 'us-east-1',
      endpoint: `http://${HOST}`,
      credentials: { accessKeyId: 'ASIATEMPORARY', secretAccessKey: 'temporary-secret', sessionToken: 'session-token-1' },
      maxAttempts: 1,
      requestHandler: {
        async handle(request: { method: string; path: string; headers: Record<string, string>; body?: unknown }) {
          const headers: IncomingHttpHeaders = {};
          for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
          captured = { method: request.method, path: request.path, query: '', headers, body: toBuffer(request.body) };
          throw new Error('captured');
        },
      },
    });
    await assert.rejects(client.send(new GetOpportunityCommand({ Catalog: 'AWS', Identifier: 'O1234567' })), /captured/);
    assert.ok(captured !== undefined);
    assert.match(signedHeadersOf(captured), /x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target/);
    const caller = await authenticate(captured, settings('strict', Date.now));
    assert.deepEqual(caller, { accountId: '444444444444', accessKeyId: 'ASIATEMPORARY', region: 'us-east-1', accountSource: 'credentials-file' });
  });

  it('answers an unknown access key id with UnrecognizedClientException', async () => {
    for (const accessKeyId of ['AKIAUNKNOWN', '999999999999']) {
      const req = await signRequest({ style: 'js', accessKeyId, secretAccessKey: 'whatever' });
      await rejectsWith(authenticate(req, config), 'UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
    }
  });

  it('answers a wrong secret with a signature mismatch', async () => {
    for (const style of ['js', 'boto', 'postman'] as const) {
      const req = await signRequest({ style, secretAccessKey: 'not-the-secret' });
      await rejectsWith(authenticate(req, config), 'InvalidSignatureException', 403, SIGNATURE_MISMATCH);
    }
  });

  it('catches a signed header changed after signing', async () => {
    const req = await signRequest({ style: 'boto' });
    const retargeted = withHeaders(req, { 'x-amz-target': 'AWSPartnerCentralSelling.DeleteResourceSnapshotJob' });
    await rejectsWith(authenticate(retargeted, config), 'InvalidSignatureException', 403, SIGNATURE_MISMATCH);
  });

  it('catches a body changed after signing when no content-sha256 header protects it', async () => {
    const req = await signRequest({ style: 'boto' });
    const tampered = { ...req, body: Buffer.from('{"Catalog":"Sandbox","Identifier":"O1234567"}') };
    await rejectsWith(authenticate(tampered, config), 'InvalidSignatureException', 403, SIGNATURE_MISMATCH);
  });

  it('catches a body changed after signing in a JS request via x-amz-content-sha256', async () => {
    const req = await signRequest({ style: 'js' });
    const tampered = { ...req, body: Buffer.from('{}') };
    await rejectsWith(
      authenticate(tampered, config),
      'InvalidSignatureException',
      403,
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it('ignores unsigned headers added after signing', async () => {
    const req = await signRequest({ style: 'postman' });
    const decorated = withHeaders(req, { 'x-forwarded-for': '10.0.0.1', 'user-agent': 'something-else' });
    assert.equal((await authenticate(decorated, config)).accountId, '222222222222');
  });

  describe('session tokens', () => {
    const temporary = { accessKeyId: 'ASIATEMPORARY', secretAccessKey: 'temporary-secret' } as const;

    it('accepts the configured token (JS, boto and Postman styles)', async () => {
      for (const style of ['js', 'boto', 'postman'] as const) {
        const req = await signRequest({ style, ...temporary, sessionToken: 'session-token-1' });
        assert.match(signedHeadersOf(req), /x-amz-security-token/);
        const caller = await authenticate(req, config);
        assert.equal(caller.accountId, '444444444444');
        assert.equal(caller.accountSource, 'credentials-file');
      }
    });

    it('rejects a wrong token, even when correctly signed', async () => {
      const req = await signRequest({ style: 'js', ...temporary, sessionToken: 'session-token-2' });
      await rejectsWith(authenticate(req, config), 'UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
    });

    it('rejects a missing token', async () => {
      const req = await signRequest({ style: 'boto', ...temporary });
      await rejectsWith(authenticate(req, config), 'UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
    });

    it('structural mode does not check tokens', async () => {
      const req = await signRequest({ style: 'js', ...temporary, sessionToken: 'session-token-2' });
      assert.equal((await authenticate(req, settings('structural'))).accountId, '444444444444');
    });
  });

  it('still applies the structural checks first', async () => {
    const req = await signRequest({ style: 'js' });
    await rejectsWith(
      authenticate(req, settings('strict', () => NOW + 60 * MINUTE)),
      'InvalidSignatureException',
      400,
      'Signature expired: 20250115T120000Z is now earlier than 20250115T124500Z (20250115T130000Z - 15 min.)',
    );
    await rejectsWith(authenticate(withHeaders(req, { authorization: undefined }), config), 'MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  });
});

describe('loadCredentialsFile', () => {
  const directory = mkdtempSync(join(tmpdir(), 'pcl-auth-'));
  let counter = 0;
  const fileWith = (content: string): string => {
    const path = join(directory, `credentials-${counter++}.json`);
    writeFileSync(path, content);
    return path;
  };

  it('reads the object form', () => {
    const path = fileWith(
      JSON.stringify({
        AKIDONE: { secretAccessKey: 's1', accountId: '222222222222' },
        ASIATWO: { secretAccessKey: 's2', accountId: '333333333333', sessionToken: 't2' },
        AKIDTHREE: { secretAccessKey: 's3' },
      }),
    );
    assert.deepEqual(
      loadCredentialsFile(path),
      new Map<string, CredentialEntry>([
        ['AKIDONE', { secretAccessKey: 's1', accountId: '222222222222' }],
        ['ASIATWO', { secretAccessKey: 's2', accountId: '333333333333', sessionToken: 't2' }],
        ['AKIDTHREE', { secretAccessKey: 's3' }],
      ]),
    );
  });

  it('reads the array form', () => {
    const path = fileWith(
      JSON.stringify([
        { accessKeyId: 'AKIDONE', secretAccessKey: 's1', accountId: '222222222222' },
        { accessKeyId: '444444444444', secretAccessKey: 's4', sessionToken: 't4' },
      ]),
    );
    assert.deepEqual(
      loadCredentialsFile(path),
      new Map<string, CredentialEntry>([
        ['AKIDONE', { secretAccessKey: 's1', accountId: '222222222222' }],
        ['444444444444', { secretAccessKey: 's4', sessionToken: 't4' }],
      ]),
    );
  });

  it('rejects bad files with a message naming the file and the entry', () => {
    const cases: Array<[string, string]> = [
      ['{ not json', 'not valid JSON'],
      ['"AKID"', 'expected a JSON object keyed by access key id or an array of entries, got "AKID"'],
      [JSON.stringify({ AKIDONE: { secretAccessKey: 's', accountId: 'aws' } }), 'entry "AKIDONE": "accountId" must be a string of exactly 12 digits, got "aws"'],
      [JSON.stringify({ AKIDONE: { secretAccessKey: 's', accountId: 222222222222 } }), 'entry "AKIDONE": "accountId" must be a string of exactly 12 digits, got number 222222222222'],
      [JSON.stringify({ AKIDONE: { secretAccessKey: '' } }), 'entry "AKIDONE": "secretAccessKey" must be a non-empty string'],
      [JSON.stringify({ AKIDONE: { accountId: '222222222222' } }), 'entry "AKIDONE": "secretAccessKey" must be a non-empty string'],
      [JSON.stringify({ AKIDONE: 'secret' }), 'entry "AKIDONE": expected an object, got "secret"'],
      [JSON.stringify({ AKIDONE: { secretAccessKey: 's', secretKey: 'x' } }), 'entry "AKIDONE": unknown field "secretKey"'],
      [JSON.stringify({ AKIDONE: { secretAccessKey: 's', sessionToken: '' } }), 'entry "AKIDONE": "sessionToken", when given, must be a non-empty string'],
      [JSON.stringify([{ secretAccessKey: 's' }]), 'entry 0: "accessKeyId" must be a non-empty string'],
      [JSON.stringify([{ accessKeyId: 'A', secretAccessKey: 's' }, { accessKeyId: 'A', secretAccessKey: 't' }]), 'entry 1: access key id "A" appears more than once'],
      [JSON.stringify([{ accessKeyId: 'A', secretAccessKey: 's', accountId: '12345' }]), 'entry 0 ("A"): "accountId" must be a string of exactly 12 digits, got "12345"'],
      [JSON.stringify({ '555555555555': { secretAccessKey: 's', accountId: '666666666666' } }), 'a 12-digit access key id is itself the account id'],
    ];
    for (const [content, expected] of cases) {
      const path = fileWith(content);
      assert.throws(
        () => loadCredentialsFile(path),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.ok(err.message.startsWith(`Credentials file ${path}: `), err.message);
          assert.ok(err.message.includes(expected), `"${err.message}" should contain "${expected}"`);
          return true;
        },
      );
    }
  });

  it('names a file that cannot be read', () => {
    const path = join(directory, 'absent.json');
    assert.throws(() => loadCredentialsFile(path), new RegExp(`^Error: Credentials file ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot be read`));
  });
});
