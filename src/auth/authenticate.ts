// Who is calling: SigV4 checks in the order Coral front ends apply them (protocol.md §4.2, §5), then the
// caller's account (decision 7). Modes (decision 8): `off` never fails, `structural` checks everything but the
// signature bytes, `strict` also recomputes the signature from configured secrets.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { frameworkErrors } from '../errors.js';
import type { CredentialEntry } from './credentials.js';
import { expectedSignature, formatAmzDate, parseAmzDate, sha256Hex, SIGNING_SERVICE } from './sigv4.js';

export type { CredentialEntry } from './credentials.js';
export { loadCredentialsFile } from './credentials.js';

export type AuthMode = 'off' | 'structural' | 'strict';

export interface AuthSettings {
  mode: AuthMode;
  /** Access key id → entry. */
  credentials: ReadonlyMap<string, CredentialEntry>;
  /** Account for keys that are neither 12 digits nor configured ('111111111111'). */
  defaultAccountId: string;
  /** Allowed distance between the request's time stamp and wallClock (15 min). */
  maxSkewMs: number;
  /** Real time in ms. Never the emulator's business clock: clients sign with real time. */
  wallClock: () => number;
  /** `strict` only: accept `x-amz-content-sha256: UNSIGNED-PAYLOAD`, which leaves the body out of the signature. */
  allowUnsignedPayload?: boolean;
}

export interface Caller {
  accountId: string;
  accessKeyId?: string;
  region?: string;
  /** How the account was found; 'control-plane' when `POST /_emulator/call` acts as an account without credentials. */
  accountSource: 'access-key' | 'credentials-file' | 'default' | 'control-plane';
}

export interface SignedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const TWELVE_DIGITS = /^\d{12}$/;
const AWS4_PREFIX = /^\s*AWS4-/;
const ALGORITHM_AND_PARAMETERS = /^\s*(\S+)\s*([^]*)$/;
const TRAILING_SLASHES = /\/+$/;
// Coral accepts only known regions; an emulator is pointed at with any region name the user configured.
const REGION = /^[a-z0-9][a-z0-9-]*$/;
/** The only region AWS serves the Partner Central Selling API in (endpoint partnercentral-selling.us-east-1.api.aws). */
export const SERVED_REGION = 'us-east-1';
const SIGNATURE_HEX = /^[0-9a-f]{64}$/;
// For `off`: take whatever key id (and region) the header carries, however broken the rest is.
const LOOSE_CREDENTIAL = /Credential=([^/,\s]+)(?:\/[^/,\s]*\/([^/,\s]+))?/;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MS_PER_MINUTE = 60_000;

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const CONTENT_SHA256_MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed.";
const HOST_NOT_SIGNED = "'Host' must be a 'SignedHeader' in the AWS Authorization.";
const UNSIGNED_PAYLOAD_REFUSED =
  "The request signature does not cover the payload: 'x-amz-content-sha256: UNSIGNED-PAYLOAD' is not accepted by this service. Sign the payload's SHA-256 instead (partnercentral-local: or start with --allow-unsigned-payload).";

/** Decision 7: a 12-digit key id is the account; else the account configured for the key; else the default. */
export function accountForAccessKey(
  accessKeyId: string | undefined,
  settings: AuthSettings,
): { accountId: string; source: Caller['accountSource'] } {
  if (accessKeyId !== undefined) {
    if (TWELVE_DIGITS.test(accessKeyId)) return { accountId: accessKeyId, source: 'access-key' };
    const configured = settings.credentials.get(accessKeyId)?.accountId;
    if (configured !== undefined) return { accountId: configured, source: 'credentials-file' };
  }
  return { accountId: settings.defaultAccountId, source: 'default' };
}

/** Resolves the caller or throws the FrameworkError a real front end would answer with. */
/** Promise form of `authenticateRequest`, for callers that always await. */
export function authenticate(req: SignedRequest, settings: AuthSettings): Promise<Caller> {
  try {
    return Promise.resolve(authenticateRequest(req, settings));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Checks the request's credentials and returns the caller. Synchronous (it throws) except in `strict` mode,
 * where verifying the signature is asynchronous and a Promise is returned: the request path then only pays
 * for a promise when it has to.
 */
export function authenticateRequest(req: SignedRequest, settings: AuthSettings): Caller | Promise<Caller> {
  const authorization = headerText(req.headers.authorization);
  if (settings.mode === 'off') return looseCaller(authorization, settings);

  if (authorization === undefined || !AWS4_PREFIX.test(authorization)) {
    throw frameworkErrors.missingAuthenticationToken();
  }
  const { algorithm, credential, signedHeaders, signature } = parseAuthorization(authorization);
  const amzDate = headerText(req.headers['x-amz-date']);
  const dateText = amzDate ?? headerText(req.headers.date);
  if (!credential || !signature || !signedHeaders || dateText === undefined) {
    throw frameworkErrors.incompleteSignature(
      (credential ? '' : "Authorization header requires 'Credential' parameter. ") +
        (signature ? '' : "Authorization header requires 'Signature' parameter. ") +
        (signedHeaders ? '' : "Authorization header requires 'SignedHeaders' parameter. ") +
        (dateText !== undefined ? '' : "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ") +
        `Authorization=${authorization}`,
    );
  }

  const requestMs = amzDate !== undefined ? parseAmzDate(amzDate) : parseHttpDate(dateText);
  if (requestMs === undefined) {
    throw frameworkErrors.incompleteSignature(
      `Date must be in ISO-8601 'basic format'. Got '${dateText}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const requestStamp = amzDate ?? formatAmzDate(requestMs);
  checkClockSkew(requestMs, requestStamp, settings);

  const signedHeaderNames = signedHeaders.split(';');
  if (!signedHeaderNames.some((name) => name.toLowerCase() === 'host')) {
    throw frameworkErrors.invalidSignature(HOST_NOT_SIGNED);
  }
  if (algorithm !== ALGORITHM) {
    throw frameworkErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `);
  }

  const scope = credential.replace(TRAILING_SLASHES, '').split('/');
  if (scope.length !== 5) {
    throw frameworkErrors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = scope as [string, string, string, string, string];
  const requestDay = requestStamp.slice(0, 8);
  // Coral reports every wrong scope element at once. A region AWS does not serve this API in is refused with
  // the same words as a malformed one (protocol.md §4.2, "Bad credential scope": InvalidSignatureException
  // "Credential should be scoped to a valid region, not '…'."), but only in strict mode: the other modes serve
  // it and the server warns once per region.
  const regionServed = REGION.test(region) && (settings.mode !== 'strict' || region === SERVED_REGION);
  const scopeProblems =
    (regionServed ? '' : `Credential should be scoped to a valid region, not '${region}'. `) +
    (service === SIGNING_SERVICE ? '' : `Credential should be scoped to correct service: '${SIGNING_SERVICE}'. `) +
    (terminator === TERMINATOR ? '' : `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `) +
    (scopeDate === requestDay
      ? ''
      : `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${requestDay}', from '${requestStamp}'.`);
  if (scopeProblems !== '') throw frameworkErrors.invalidSignature(scopeProblems);
  if (accessKeyId === '') throw frameworkErrors.unrecognizedClient();

  // Anything other than 64 lowercase hex digits can never match a computed signature.
  if (!SIGNATURE_HEX.test(signature)) throw frameworkErrors.invalidSignature(SIGNATURE_MISMATCH);

  // The signer trusts this header instead of hashing the body, so a body altered after signing is caught only here.
  const contentSha256 = headerText(req.headers['x-amz-content-sha256']);
  if (contentSha256 !== undefined && contentSha256 !== UNSIGNED_PAYLOAD && contentSha256 !== sha256Hex(req.body)) {
    throw frameworkErrors.invalidSignature(CONTENT_SHA256_MISMATCH);
  }

  const account = accountForAccessKey(accessKeyId, settings);
  const caller: Caller = { accountId: account.accountId, accessKeyId, region, accountSource: account.source };
  if (settings.mode !== 'strict') return caller;

  // A signature over UNSIGNED-PAYLOAD verifies whatever body comes with it, so strict mode would accept a body
  // changed after signing. S3 is the AWS service that accepts unsigned payloads; Coral JSON services sign the
  // body, so the closest AWS answer is the one for any payload hash it will not accept: InvalidSignatureException
  // (403, as for the content-sha256 mismatch above), with a message saying what to change.
  if (contentSha256 === UNSIGNED_PAYLOAD && settings.allowUnsignedPayload !== true) {
    throw frameworkErrors.invalidSignature(UNSIGNED_PAYLOAD_REFUSED);
  }

  const entry = settings.credentials.get(accessKeyId);
  if (entry === undefined) throw frameworkErrors.unrecognizedClient();
  return verifySignature(req, signature, entry, {
    accessKeyId,
    region,
    signedHeaderNames,
    requestMs,
  }).then(() => caller);
}

async function verifySignature(
  req: SignedRequest,
  signature: string,
  entry: CredentialEntry,
  scope: { accessKeyId: string; region: string; signedHeaderNames: string[]; requestMs: number },
): Promise<void> {
  const { accessKeyId, region, signedHeaderNames, requestMs } = scope;
  {
    const expected = await expectedSignature(
      {
        accessKeyId,
        secretAccessKey: entry.secretAccessKey,
        region,
        method: req.method,
        path: req.path,
        query: req.query,
        signedHeaderNames,
        headers: req.headers,
        body: req.body,
        signingDateMs: requestMs,
      },
      entry,
    );
    if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(signature, 'latin1'))) {
      throw frameworkErrors.invalidSignature(SIGNATURE_MISMATCH);
    }
    // Like Coral, the token is checked after the signature (it is a signed header, not part of the key).
    if (entry.sessionToken !== undefined && headerText(req.headers['x-amz-security-token']) !== entry.sessionToken) {
      throw frameworkErrors.unrecognizedClient();
    }
  }
}

interface AuthorizationParts {
  algorithm: string;
  credential?: string;
  signedHeaders?: string;
  signature?: string;
}

/** Splits `ALG Credential=…, SignedHeaders=…, Signature=…` (any order, optional spaces after commas). */
function parseAuthorization(authorization: string): AuthorizationParts {
  const match = ALGORITHM_AND_PARAMETERS.exec(authorization);
  const parts: AuthorizationParts = { algorithm: match?.[1] ?? '' };
  const parameters = match?.[2] ?? '';
  if (parameters === '') return parts;
  for (const rawPair of parameters.split(',')) {
    const pair = rawPair.trim();
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    if (equals === -1) {
      throw frameworkErrors.incompleteSignature(
        `'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
      );
    }
    const value = pair.slice(equals + 1).trim();
    switch (pair.slice(0, equals).trim()) {
      case 'Credential':
        parts.credential = value;
        break;
      case 'SignedHeaders':
        parts.signedHeaders = value;
        break;
      case 'Signature':
        parts.signature = value;
        break;
    }
  }
  return parts;
}

function checkClockSkew(requestMs: number, requestStamp: string, settings: AuthSettings): void {
  const now = settings.wallClock();
  const skew = settings.maxSkewMs;
  if (requestMs >= now - skew && requestMs <= now + skew) return;
  const window = `${skew / MS_PER_MINUTE} min.`;
  if (requestMs < now - skew) {
    throw frameworkErrors.signatureExpired(
      `Signature expired: ${requestStamp} is now earlier than ${formatAmzDate(now - skew)} (${formatAmzDate(now)} - ${window})`,
    );
  }
  throw frameworkErrors.signatureExpired(
    `Signature not yet current: ${requestStamp} is still later than ${formatAmzDate(now + skew)} (${formatAmzDate(now)} + ${window})`,
  );
}

function parseHttpDate(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function looseCaller(authorization: string | undefined, settings: AuthSettings): Caller {
  const match = authorization === undefined ? null : LOOSE_CREDENTIAL.exec(authorization);
  const accessKeyId = match?.[1];
  const account = accountForAccessKey(accessKeyId, settings);
  const caller: Caller = { accountId: account.accountId, accountSource: account.source };
  if (accessKeyId !== undefined) caller.accessKeyId = accessKeyId;
  if (match?.[2] !== undefined) caller.region = match[2];
  return caller;
}

/** A header's text: Node joins most repeats with ", " already; an empty value counts as absent. */
function headerText(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : value.join(', ');
  return text === '' ? undefined : text;
}
