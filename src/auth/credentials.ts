// The credentials file: which access keys exist, their secrets (for strict signature checks), the account each
// key belongs to, and an optional session token the key must be presented with.

import { readFileSync } from 'node:fs';

export interface CredentialEntry {
  secretAccessKey: string;
  accountId?: string;
  sessionToken?: string;
}

const ACCOUNT_ID = /^\d{12}$/;
const ENTRY_FIELDS = new Set(['accessKeyId', 'secretAccessKey', 'accountId', 'sessionToken']);

/**
 * Reads a JSON credentials file in either form:
 *   { "<accessKeyId>": { "secretAccessKey": "…", "accountId": "222222222222", "sessionToken": "…" }, … }
 *   [ { "accessKeyId": "…", "secretAccessKey": "…", "accountId": "…", "sessionToken": "…" }, … ]
 * Throws an Error naming the file and the entry on anything malformed, so a typo fails at startup rather than
 * surfacing later as a puzzling UnrecognizedClientException.
 */
export function loadCredentialsFile(path: string): Map<string, CredentialEntry> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Credentials file ${path}: cannot be read (${(err as Error).message})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new Error(`Credentials file ${path}: not valid JSON (${(err as Error).message})`);
  }

  const credentials = new Map<string, CredentialEntry>();
  const add = (accessKeyId: string, entry: CredentialEntry, where: string): void => {
    if (credentials.has(accessKeyId)) {
      throw new Error(`Credentials file ${path}: ${where}: access key id "${accessKeyId}" appears more than once`);
    }
    credentials.set(accessKeyId, entry);
  };

  if (Array.isArray(document)) {
    document.forEach((raw: unknown, index) => {
      const where = `entry ${index}`;
      const record = asRecord(raw, path, where);
      const accessKeyId = record['accessKeyId'];
      if (typeof accessKeyId !== 'string' || accessKeyId.trim() === '') {
        throw new Error(`Credentials file ${path}: ${where}: "accessKeyId" must be a non-empty string`);
      }
      add(accessKeyId, toEntry(record, accessKeyId, path, `${where} ("${accessKeyId}")`), where);
    });
  } else if (isRecord(document)) {
    for (const [accessKeyId, raw] of Object.entries(document)) {
      const where = `entry "${accessKeyId}"`;
      if (accessKeyId.trim() === '') throw new Error(`Credentials file ${path}: an entry has an empty access key id`);
      const record = asRecord(raw, path, where);
      // Tolerate a redundant accessKeyId inside the object form, but not a contradictory one.
      if (record['accessKeyId'] !== undefined && record['accessKeyId'] !== accessKeyId) {
        throw new Error(`Credentials file ${path}: ${where}: "accessKeyId" inside the entry differs from its key`);
      }
      add(accessKeyId, toEntry(record, accessKeyId, path, where), where);
    }
  } else {
    throw new Error(
      `Credentials file ${path}: expected a JSON object keyed by access key id or an array of entries, got ${describe(document)}`,
    );
  }
  return credentials;
}

function toEntry(record: Record<string, unknown>, accessKeyId: string, path: string, where: string): CredentialEntry {
  const prefix = `Credentials file ${path}: ${where}`;
  for (const field of Object.keys(record)) {
    if (!ENTRY_FIELDS.has(field)) {
      throw new Error(`${prefix}: unknown field "${field}" (allowed: ${[...ENTRY_FIELDS].join(', ')})`);
    }
  }
  const { secretAccessKey, accountId, sessionToken } = record;
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') {
    throw new Error(`${prefix}: "secretAccessKey" must be a non-empty string`);
  }
  const entry: CredentialEntry = { secretAccessKey };
  if (accountId !== undefined) {
    if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
      throw new Error(`${prefix}: "accountId" must be a string of exactly 12 digits, got ${describe(accountId)}`);
    }
    // A 12-digit key id is its own account (decision 7); a different configured account could never apply.
    if (ACCOUNT_ID.test(accessKeyId) && accountId !== accessKeyId) {
      throw new Error(
        `${prefix}: a 12-digit access key id is itself the account id, so "accountId" ${accountId} contradicts it`,
      );
    }
    entry.accountId = accountId;
  }
  if (sessionToken !== undefined) {
    if (typeof sessionToken !== 'string' || sessionToken === '') {
      throw new Error(`${prefix}: "sessionToken", when given, must be a non-empty string`);
    }
    entry.sessionToken = sessionToken;
  }
  return entry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown, path: string, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`Credentials file ${path}: ${where}: expected an object, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
