// boto3 and the AWS CLI against an in-process server (protocol.md §3.3–§3.4): modeled exception classes, the
// extra members of ValidationException in e.response, CLI error text and exit codes, and both ways of pointing
// the CLI at an endpoint; then the CLI through operations added after the accept workflow, as the README shows
// them (solutions, engagements, snapshot jobs, settings, a partner opportunity reviewed with --cli-input-json).
// Skipped when python3+boto3 or the aws CLI is not installed.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RunningServer } from '../src/server.js';
import { shapes } from '../src/model/generated/shapes.js';
import {
  AssociateOpportunityCommand,
  CreateEngagementCommand,
  CreateOpportunityCommand,
  GetOpportunityCommand,
  GetResourceSnapshotJobCommand,
  type CreateOpportunityCommandInput,
  type PartnerCentralSellingClient,
} from '@aws-sdk/client-partnercentral-selling';
import { clientFor, controlOk, sdkError, startTestServer } from './helpers.js';
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

describe('AWS CLI: the operations added after the accept workflow', { skip, concurrency: true }, () => {
  // Setup goes through the JavaScript SDK; the CLI runs only the calls under test (each one a Python start-up).
  let server: RunningServer;
  let sdk: PartnerCentralSellingClient;
  const ACCOUNT = '888888888888';
  before(async () => {
    server = await startTestServer();
    await controlOk(server.endpoint, 'clock', { set: '2026-01-15T10:00:00.000Z' });
    sdk = clientFor(server.endpoint, ACCOUNT);
  });
  after(async () => {
    sdk.destroy();
    await server.close();
  });

  /** `aws partnercentral-selling <args> --output json` as ACCOUNT (or `account`), through the endpoint variable. */
  async function aws(args: string[], account = ACCOUNT): Promise<{ code: number; json: Record<string, any>; stderr: string }> {
    const r = await run('aws', ['partnercentral-selling', ...args, '--output', 'json'], cleanEnv({ AWS_ACCESS_KEY_ID: account, AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING: server.endpoint }));
    return { code: r.code, json: r.stdout.trim() === '' ? {} : (JSON.parse(r.stdout) as Record<string, any>), stderr: r.stderr };
  }
  async function ok(...args: string[]): Promise<Record<string, any>> {
    const r = await aws(args);
    assert.equal(r.code, 0, `aws ${args[0]} exited ${r.code}:\n${r.stderr}`);
    return r.json;
  }
  async function opportunity(company: string, extra: Partial<CreateOpportunityCommandInput> = {}): Promise<string> {
    const created = await sdk.send(
      new CreateOpportunityCommand({
        Catalog: 'Sandbox',
        ClientToken: company,
        Origin: 'Partner Referral',
        Customer: { Account: { CompanyName: company, Industry: 'Automotive', Address: { CountryCode: 'DE' } } },
        Project: { Title: company, CustomerBusinessProblem: 'The customer shares its pipeline with a partner.' },
        ...extra,
      }),
    );
    return created.Id!;
  }

  it('list-solutions: filters and sorts; --max-items pages with the CLI\'s own token; each account its own catalogue', async () => {
    const sort = ['--status', 'Active', '--sort', 'SortBy=Name,SortOrder=DESCENDING'];
    const [first, other] = await Promise.all([
      ok('list-solutions', '--catalog', 'Sandbox', ...sort, '--max-items', '2'),
      aws(['list-solutions', '--catalog', 'Sandbox', '--identifier', 'S-0070007'], '999999999999'),
    ]);
    const names = (list: Array<Record<string, string>>) => list.map((s) => s.Name);
    assert.deepEqual(names(first.SolutionSummaries), ['Sandbox Default Solution', 'Managed Kubernetes Operations']);
    assert.equal(typeof first.NextToken, 'string');
    const rest = await ok('list-solutions', '--catalog', 'Sandbox', ...sort, '--max-items', '2', '--starting-token', first.NextToken as string);
    assert.deepEqual(names(rest.SolutionSummaries), ['Data Lake Migration']);
    assert.equal(rest.NextToken, undefined);
    assert.deepEqual(other.json.SolutionSummaries.map((s: Record<string, string>) => [s.Id, s.Status]), [['S-0070007', 'Draft']]);
    assert.match(other.json.SolutionSummaries[0].Arn, /:999999999999:catalog\/Sandbox\/solution\/S-0070007$/);
  });

  it('create-engagement with a context, create-engagement-context, get-engagement', async () => {
    const customerProject = (title: string) => ({
      CustomerProject: {
        Customer: { CompanyName: 'Cli Motors', CountryCode: 'DE', Industry: 'Automotive', WebsiteUrl: 'https://cli-motors.example.com' },
        Project: { Title: title, BusinessProblem: 'The customer wants its parts catalogue searchable.', TargetCompletionDate: '2030-06-30' },
      },
    });
    const created = await ok(
      'create-engagement', '--catalog', 'Sandbox', '--title', 'Cli Motors', '--description', 'Made with the AWS CLI.',
      '--contexts', JSON.stringify([{ Type: 'CustomerProject', Payload: customerProject('Search') }]),
    );
    assert.match(created.Id, /^eng-[0-9a-z]{14}$/);
    const context = await ok('create-engagement-context', '--catalog', 'Sandbox', '--engagement-identifier', created.Id, '--type', 'CustomerProject', '--payload', JSON.stringify(customerProject('Recommendations')));
    assert.deepEqual([context.EngagementId, context.ContextId], [created.Id, '2']);
    const engagement = await ok('get-engagement', '--catalog', 'Sandbox', '--identifier', created.Id);
    assert.deepEqual([engagement.Title, engagement.CreatedBy, engagement.MemberCount, engagement.ModifiedAt], ['Cli Motors', ACCOUNT, 1, context.EngagementLastModifiedAt]);
    assert.deepEqual(engagement.Contexts.map((c: Record<string, any>) => [c.Id, c.Payload.CustomerProject.Project.Title]), [['1', 'Search'], ['2', 'Recommendations']]);
  });

  it('create-resource-snapshot-job → start → (delete refused while running) → stop → delete', async () => {
    const opportunityId = await opportunity('Cli Snapshots');
    const engagement = await sdk.send(new CreateEngagementCommand({ Catalog: 'Sandbox', ClientToken: 'cli-snapshots', Title: 'CLI snapshots', Description: 'Snapshots from the CLI.' }));
    const job = await ok(
      'create-resource-snapshot-job', '--catalog', 'Sandbox', '--engagement-identifier', engagement.Id!, '--resource-type', 'Opportunity',
      '--resource-identifier', opportunityId, '--resource-snapshot-template-identifier', 'OpportunitySummaryView', '--tags', 'Key=team,Value=cli',
    );
    assert.match(job.Id, /^job-[0-9a-z]{13}$/);
    assert.equal(job.Arn, `arn:aws:partnercentral:us-east-1:${ACCOUNT}:catalog/Sandbox/resource-snapshot-job/${job.Id}`);
    const jobArgs = ['--catalog', 'Sandbox', '--resource-snapshot-job-identifier', job.Id];
    assert.deepEqual(await ok('start-resource-snapshot-job', ...jobArgs), {});
    const listed = await ok('list-resource-snapshot-jobs', '--catalog', 'Sandbox', '--engagement-identifier', engagement.Id!);
    assert.deepEqual(listed.ResourceSnapshotJobSummaries.map((j: Record<string, string>) => [j.Id, j.Status]), [[job.Id, 'Running']]);
    const deleteRunning = await aws(['delete-resource-snapshot-job', ...jobArgs]);
    assert.notEqual(deleteRunning.code, 0);
    assert.match(deleteRunning.stderr, /\(ConflictException\) when calling the DeleteResourceSnapshotJob operation: .*stop it with StopResourceSnapshotJob/);
    assert.deepEqual(await ok('stop-resource-snapshot-job', ...jobArgs), {});
    assert.deepEqual(await ok('delete-resource-snapshot-job', ...jobArgs), {});
    await sdkError(sdk.send(new GetResourceSnapshotJobCommand({ Catalog: 'Sandbox', ResourceSnapshotJobIdentifier: job.Id })), 'ResourceNotFoundException');
  });

  it('submit-opportunity, then a review as AWS: get-opportunity sent back through --cli-input-json (LifeCycle alone is refused)', async () => {
    const id = await opportunity('Cli Review Corp', {
      PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
      Customer: {
        Account: { CompanyName: 'Cli Review Corp', Industry: 'Financial Services', WebsiteUrl: 'https://review.example.com', Address: { City: 'Seattle', PostalCode: '98109', StateOrRegion: 'Washington', CountryCode: 'US' } },
        Contacts: [{ Email: 'cto@review.example.com', FirstName: 'Lee', LastName: 'Review', BusinessTitle: 'CTO' }],
      },
      Project: {
        Title: 'CLI review',
        CustomerBusinessProblem: 'The customer must move its trading analytics to the cloud.',
        CustomerUseCase: 'Migration / Database Migration',
        DeliveryModels: ['SaaS or PaaS'],
        SalesActivities: ['Initialized discussions with customer'],
        ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      },
      LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2029-10-05' },
      Marketing: { Source: 'None' },
    });
    await sdk.send(new AssociateOpportunityCommand({ Catalog: 'Sandbox', OpportunityIdentifier: id, RelatedEntityType: 'Solutions', RelatedEntityIdentifier: 'S-1234567' }));
    assert.deepEqual(await ok('submit-opportunity', '--catalog', 'Sandbox', '--identifier', id, '--involvement-type', 'Co-Sell'), {});

    // A reviewer who sends only LifeCycle would blank the rest (UpdateOpportunity replaces it all): refused, saying so.
    const got = await ok('get-opportunity', '--catalog', 'Sandbox', '--identifier', id);
    const partial = await aws(['update-opportunity', '--catalog', 'Sandbox', '--identifier', id, '--last-modified-date', got.LastModifiedDate, '--life-cycle', JSON.stringify({ ...got.LifeCycle, ReviewStatus: 'Approved' })]);
    assert.notEqual(partial.code, 0);
    assert.match(
      partial.stderr,
      /\(ValidationException\) when calling the UpdateOpportunity operation: Opportunity O\d+ is Submitted: a review may change LifeCycle.ReviewStatus and its comments only, .*send the rest back as GetOpportunity returns it; this request changes customer/,
    );

    // The README's recipe (with jq there): GetOpportunity's answer without its read-only members, Id as Identifier.
    const { Id, Arn: _arn, CreatedDate: _created, OpportunityTeam: _team, RelatedEntityIdentifiers: _related, ...rest } = got;
    const review = { Identifier: Id, ...rest, LifeCycle: { ...got.LifeCycle, ReviewStatus: 'Approved', ReviewComments: 'Looks good.' } };
    assert.equal((await ok('update-opportunity', '--cli-input-json', JSON.stringify(review))).Id, id);
    const summary = await ok('get-aws-opportunity-summary', '--catalog', 'Sandbox', '--related-opportunity-identifier', id);
    assert.deepEqual([summary.RelatedOpportunityId, summary.InvolvementType, summary.RelatedEntityIds.Solutions], [id, 'Co-Sell', ['S-1234567']]);
    const approved = await sdk.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: id }));
    assert.deepEqual([approved.LifeCycle?.ReviewStatus, approved.LifeCycle?.ReviewComments], ['Approved', 'Looks good.']);
    assert.deepEqual(approved.Customer, got.Customer, 'the review changed nothing else');
  });
});
