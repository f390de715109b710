// boto3 and the AWS CLI against an in-process server (protocol.md §3.3–§3.4): modeled exception classes, the
// extra members of ValidationException in e.response, CLI error text and exit codes, and both ways of pointing
// the CLI at an endpoint. Skipped when python3+boto3 or the aws CLI is not installed.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningServer } from '../src/server.js';
import { shapes } from '../src/model/generated/shapes.js';
import { startTestServer } from './helpers.js';
import { cleanAwsEnv, hasAwsCli, hasBoto3, PY_DIR, run as runCommand } from './python.js';

const script = join(PY_DIR, 'boto3_errors.py');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const skip = !hasBoto3() ? 'python3 with boto3 is not installed' : !hasAwsCli() ? 'the aws CLI is not installed' : false;

/** A fresh AWS user acting as the default account: boto3_errors.py takes its credentials from the environment. */
const cleanEnv = (extra: Record<string, string>) => cleanAwsEnv({ AWS_ACCESS_KEY_ID: '111111111111', ...extra });
const run = (command: string, args: string[], env: NodeJS.ProcessEnv) => runCommand(command, args, env, 60_000);

interface PyError {
  class: string;
  isModeledClass: boolean;
  codeIsModeled: boolean;
  code: string;
  errorMessage: string | null;
  Message: string | null;
  Reason: string | null;
  ErrorList: unknown;
  status: number;
  requestId: string | null;
  retryAttempts: number;
  str: string;
}
interface PyCall {
  error?: PyError;
  result?: Record<string, unknown>;
  status?: number;
  requestId?: string;
  retryAttempts?: number;
}

const BAD_IDENTIFIER_MESSAGE =
  "1 validation error detected: Value at 'identifier' failed to satisfy constraint: Value 'bad' must satisfy regular expression pattern: ^O[0-9]{1,19}$.";

function enumValues(shape: string): string {
  const def = shapes[shape];
  assert.ok(def && def.type === 'enum');
  return def.values.join(', ');
}

describe('Python clients (boto3, AWS CLI)', { skip }, () => {
  let server: RunningServer;

  before(async () => {
    // Deterministic answers for the protocol cases, whatever the resource modules implement by now.
    server = await startTestServer({
      handlers: {
        ListSolutions: null,
        SubmitOpportunity: () => undefined,
        GetEngagement: () => ({
          Id: 'eng-abcdefghij0123',
          Title: 'Stubbed engagement',
          CreatedAt: '2025-01-15T12:00:00.123Z',
          CreatedBy: '111111111111',
          MemberCount: 1,
        }),
      },
    });
  });
  after(() => server.close());

  it('boto3: modeled exception classes with Reason, ErrorList and Message in e.response; unmodeled codes as ClientError', async () => {
    const py = await run('python3', [script, server.endpoint], cleanEnv({}));
    assert.equal(py.code, 0, py.stderr);
    const out = JSON.parse(py.stdout) as Record<string, PyCall> & { modeledExceptions: string[] };

    for (const name of ['AccessDeniedException', 'ConflictException', 'InternalServerException', 'ResourceNotFoundException', 'ServiceQuotaExceededException', 'ThrottlingException', 'ValidationException']) {
      assert.ok(out.modeledExceptions.includes(name), `botocore models ${name}`);
    }

    const validation = out.validation!.error!;
    assert.equal(validation.class, 'ValidationException');
    assert.equal(validation.isModeledClass, true);
    assert.equal(validation.code, 'ValidationException');
    assert.equal(validation.errorMessage, BAD_IDENTIFIER_MESSAGE);
    assert.equal(validation.Message, BAD_IDENTIFIER_MESSAGE);
    assert.equal(validation.Reason, 'REQUEST_VALIDATION_FAILED');
    assert.deepEqual(validation.ErrorList, [
      { FieldName: 'identifier', Message: "Value 'bad' must satisfy regular expression pattern: ^O[0-9]{1,19}$.", Code: 'INVALID_STRING_FORMAT' },
    ]);
    assert.equal(validation.status, 400);
    assert.match(String(validation.requestId), UUID);
    assert.equal(validation.retryAttempts, 0);
    assert.equal(validation.str, `An error occurred (ValidationException) when calling the GetOpportunity operation: ${BAD_IDENTIFIER_MESSAGE}`);

    const several = out.severalErrors!.error!;
    assert.equal(several.class, 'ValidationException');
    assert.deepEqual(several.ErrorList, [
      { FieldName: 'participantType', Message: "Value 'BOGUS' is not one of: SENDER, RECEIVER.", Code: 'INVALID_ENUM_VALUE' },
      { FieldName: 'status', Message: `Value 'NOPE' is not one of: ${enumValues('InvitationStatus')}.`, Code: 'INVALID_ENUM_VALUE' },
    ]);
    assert.match(String(several.Message), /^2 validation errors detected: /);

    const catalog = out.badCatalog!.error!;
    assert.equal(catalog.class, 'ValidationException');
    assert.deepEqual(catalog.ErrorList, [{ FieldName: 'catalog', Message: "Value 'Foo' is not one of: AWS, Sandbox.", Code: 'INVALID_ENUM_VALUE' }]);

    const unknown = out.unknownOpportunity!.error!;
    assert.equal(unknown.code, 'ResourceNotFoundException');
    assert.equal(unknown.class, 'ResourceNotFoundException');
    assert.equal(unknown.isModeledClass, true);
    assert.equal(unknown.status, 404);
    assert.ok(unknown.errorMessage && unknown.errorMessage === unknown.Message, 'Message reaches e.response');
    assert.equal(unknown.retryAttempts, 0);

    const notImplemented = out.notImplemented!.error!;
    assert.equal(notImplemented.class, 'ClientError');
    assert.equal(notImplemented.codeIsModeled, false);
    assert.equal(notImplemented.code, 'NotImplementedException');
    assert.equal(notImplemented.status, 501);
    assert.equal(notImplemented.retryAttempts, 0, '501 is never retried');
    assert.equal(notImplemented.errorMessage, 'ListSolutions is not implemented yet by partnercentral-local. Its input was valid; nothing was changed.');

    assert.deepEqual(out.unitOutput, { result: {}, status: 200, requestId: out.unitOutput!.requestId, retryAttempts: 0 });
    assert.match(String(out.unitOutput!.requestId), UUID);
    assert.deepEqual(out.modeledOutput!.result, {
      Id: 'eng-abcdefghij0123',
      Title: 'Stubbed engagement',
      CreatedAt: '2025-01-15T12:00:00.123000+00:00',
      CreatedBy: '111111111111',
      MemberCount: 1,
    });
  });

  it('aws CLI: --endpoint-url and AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING both reach the server; a bad call exits non-zero', async () => {
    const endpoint = server.endpoint;
    const list = ['partnercentral-selling', 'list-opportunities', '--catalog', 'Sandbox', '--output', 'json'];
    const [viaFlag, viaEnv, bad] = await Promise.all([
      run('aws', [...list, '--endpoint-url', endpoint], cleanEnv({})),
      run('aws', list, cleanEnv({ AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING: endpoint })),
      run('aws', ['partnercentral-selling', 'get-opportunity', '--catalog', 'Sandbox', '--identifier', 'bad', '--endpoint-url', endpoint], cleanEnv({})),
    ]);
    for (const [label, result] of [['--endpoint-url', viaFlag], ['AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING', viaEnv]] as const) {
      assert.equal(result.code, 0, `${label}: ${result.stderr}`);
      assert.deepEqual(JSON.parse(result.stdout), { OpportunitySummaries: [] }, label);
    }
    assert.ok(bad.code === 254 || bad.code === 255, `exit code ${bad.code}`);
    assert.equal(bad.stdout, '');
    assert.ok(
      bad.stderr.includes(`An error occurred (ValidationException) when calling the GetOpportunity operation: ${BAD_IDENTIFIER_MESSAGE}`),
      bad.stderr,
    );
  });
});
