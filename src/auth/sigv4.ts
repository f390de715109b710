// SigV4 mechanics the authenticator needs: time stamps in ISO-8601 basic format and recomputing a client's
// signature. Re-signing goes through @smithy/signature-v4, the signer the JS SDK itself uses, so canonicalisation
// (path escaping, header trimming, query ordering) matches the clients bit for bit.

import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SignatureV4 } from '@smithy/signature-v4';

type SignerModule = typeof import('@smithy/signature-v4');
/** Loaded on first use: only `--auth strict` verifies signatures, and loading it costs ~25 ms of start-up. */
let signerModule: Promise<SignerModule> | undefined;
function loadSigner(): Promise<SignerModule> {
  return (signerModule ??= import('@smithy/signature-v4'));
}

export const SIGNING_SERVICE = 'partnercentral-selling';

type BinaryData = string | ArrayBuffer | ArrayBufferView;

/** The hash the signer asks for: SHA-256, or HMAC-SHA-256 when given a key. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: BinaryData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: BinaryData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function toBytes(data: BinaryData): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const ISO_PUNCTUATION = /[-:]/g;

/** The last stamp parsed: a client signs every request of one second with the same stamp. */
let lastStamp: { value: string; ms: number | undefined } = { value: '', ms: undefined };

/** Parses `YYYYMMDDTHHMMSSZ`; undefined when malformed or not a real calendar time. */
export function parseAmzDate(value: string): number | undefined {
  if (value === lastStamp.value) return lastStamp.ms;
  const ms = parseStamp(value);
  lastStamp = { value, ms };
  return ms;
}

function parseStamp(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = [+match[1]!, +match[2]!, +match[3]!, +match[4]!, +match[5]!, +match[6]!];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March; a real stamp survives the round trip.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** Formats epoch ms as `YYYYMMDDTHHMMSSZ` (seconds truncated), as Coral prints times in auth errors. */
export function formatAmzDate(ms: number): string {
  return `${new Date(ms).toISOString().replace(ISO_PUNCTUATION, '').slice(0, 15)}Z`;
}

export interface SignatureInput {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  method: string;
  path: string;
  query: string;
  /** Lowercase names exactly as listed in the client's SignedHeaders. */
  signedHeaderNames: readonly string[];
  headers: IncomingHttpHeaders;
  body: Buffer;
  signingDateMs: number;
}

const SIGNER_PLACEHOLDER_REGION = 'us-east-1';
// The signer always stamps x-amz-date onto the request; when the client signed only `Date`, keep it out.
const UNSIGNABLE_AMZ_DATE = new Set(['x-amz-date']);
const NEEDS_EXPLICIT_SIGNING = /^(?:proxy-|sec-)/;
const SIGNATURE_HEX_LENGTH = 64;
const PLUS = /\+/g;

// One signer per configured credential: constructing one per request would be wasted work.
const signers = new WeakMap<object, { accessKeyId: string; signer: SignatureV4 }>();

function signerFor(lib: SignerModule, accessKeyId: string, secretAccessKey: string, cacheKey: object): SignatureV4 {
  const cached = signers.get(cacheKey);
  if (cached !== undefined && cached.accessKeyId === accessKeyId) return cached.signer;
  const signer = new lib.SignatureV4({
    service: SIGNING_SERVICE,
    region: SIGNER_PLACEHOLDER_REGION,
    credentials: { accessKeyId, secretAccessKey },
    sha256: NodeSha256,
    // The client's own x-amz-content-sha256 (if it signed one) is among the headers passed in; add nothing.
    applyChecksum: false,
    uriEscapePath: true,
  });
  signers.set(cacheKey, { accessKeyId, signer });
  return signer;
}

/**
 * The signature the client should have sent, recomputed from exactly the headers it says it signed, with their
 * received values. `cacheKey` identifies the credential (its entry object) for signer reuse.
 */
export async function expectedSignature(input: SignatureInput, cacheKey: object): Promise<string> {
  const lib = await loadSigner();
  const headers: Record<string, string> = {};
  let signsAmzDate = false;
  let signableOverrides: Set<string> | undefined;
  for (const name of input.signedHeaderNames) {
    const value = input.headers[name];
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(', ');
    if (name === 'x-amz-date') signsAmzDate = true;
    // Headers the signer normally skips (user-agent, proxy-*, …) still count when the client chose to sign them.
    if (Object.hasOwn(lib.ALWAYS_UNSIGNABLE_HEADERS, name) || NEEDS_EXPLICIT_SIGNING.test(name)) {
      (signableOverrides ??= new Set()).add(name);
    }
  }
  const signed = await signerFor(lib, input.accessKeyId, input.secretAccessKey, cacheKey).sign(
    {
      method: input.method,
      protocol: 'https:',
      hostname: headers['host'] ?? '',
      path: input.path,
      query: parseQuery(input.query),
      headers,
      body: input.body,
    },
    {
      signingDate: new Date(input.signingDateMs),
      signingRegion: input.region,
      signingService: SIGNING_SERVICE,
      unsignableHeaders: signsAmzDate ? undefined : UNSIGNABLE_AMZ_DATE,
      signableHeaders: signableOverrides,
    },
  );
  const authorization = signed.headers['authorization'] ?? '';
  return authorization.slice(authorization.length - SIGNATURE_HEX_LENGTH);
}

/** Query string → the signer's bag; repeated keys become arrays. '+' means space, as aws4 (Postman) reads it. */
function parseQuery(query: string): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = {};
  const text = query.startsWith('?') ? query.slice(1) : query;
  if (text === '') return bag;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    const existing = bag[key];
    if (existing === undefined) bag[key] = value;
    else if (typeof existing === 'string') bag[key] = [existing, value];
    else existing.push(value);
  }
  return bag;
}

function decode(component: string): string {
  const text = component.includes('+') ? component.replace(PLUS, ' ') : component;
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // malformed escapes: sign what was sent; a mismatch is the honest outcome
  }
}
