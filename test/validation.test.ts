// Request validation (ValidationException, Reason REQUEST_VALIDATION_FAILED): one case per constraint kind,
// AWS-style field paths, several problems at once. Through the official SDK (which does not validate on the
// client, so bad values reach the server), raw HTTP for what the SDK cannot express, and validateInput directly
// for every operation of the model.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEngagementInvitationCommand,
  CreateOpportunityCommand,
  ListEngagementInvitationsCommand,
  ListOpportunitiesCommand,
  ValidationException as SdkValidationException,
  type CreateOpportunityCommandInput,
  type ListEngagementInvitationsCommandInput,
  type ParticipantType,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { ValidationException, type FieldError } from '../src/errors.js';
import { operationNames, operations } from '../src/model/generated/operations.js';
import { shapes } from '../src/model/generated/shapes.js';
import { compilePattern, parseTimestamp, validateInput, validateShape } from '../src/model/validate.js';
import { callRaw, clientFor, fakeSigV4Headers, rawRequest, startTestServer, type RawResponse } from './helpers.js';

type Entry = { FieldName: string; Code: string; Message: string };

/** The top-level Message: AWS framework style, one clause per field. */
function expectedMessage(list: Entry[]): string {
  // Clauses are joined with "; " and only the last keeps its closing period.
  const clauses = list.map((e, i) => `Value at '${e.FieldName}' failed to satisfy constraint: ${i < list.length - 1 ? e.Message.replace(/\.$/, '') : e.Message}`);
  return `${list.length} validation error${list.length === 1 ? '' : 's'} detected: ${clauses.join('; ')}`;
}

function entry(FieldName: string, Code: string, Message: string): Entry {
  return { FieldName, Message, Code };
}

const required = (field: string): Entry => entry(field, 'REQUIRED_FIELD_MISSING', 'Member must not be null.');
const pattern = (field: string, value: string, regex: string): Entry =>
  entry(field, 'INVALID_STRING_FORMAT', `Value '${value}' must satisfy regular expression pattern: ${regex}.`);

function enumValues(shape: string): string {
  const def = shapes[shape];
  assert.ok(def && def.type === 'enum', `${shape} is an enum`);
  return def.values.join(', ');
}

async function expectSdkValidation(promise: Promise<unknown>, list: Entry[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SdkValidationException, `expected ValidationException, got ${String(err)}`);
    assert.equal(err.name, 'ValidationException');
    assert.equal(err.Reason, 'REQUEST_VALIDATION_FAILED');
    assert.deepEqual(err.ErrorList, list);
    for (const e of err.ErrorList ?? []) assert.deepEqual(Object.keys(e).sort(), ['Code', 'FieldName', 'Message']);
    assert.equal(err.message, expectedMessage(list));
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
}

function expectRawValidation(reply: RawResponse, list: Entry[]): void {
  assert.equal(reply.status, 400, reply.body);
  assert.equal(reply.headers['x-amzn-errortype'], 'ValidationException');
  assert.deepEqual(reply.json(), {
    __type: 'com.amazonaws.partnercentralselling#ValidationException',
    Message: expectedMessage(list),
    Reason: 'REQUEST_VALIDATION_FAILED',
    ErrorList: list,
  });
}

const VALID_OPPORTUNITY_INVITATION = {
  ReceiverResponsibilities: ['Co-Sell Facilitator'],
  Customer: { Industry: 'Aerospace', CompanyName: 'Acme', WebsiteUrl: 'https://acme.example.com', CountryCode: 'US' },
  Project: {
    BusinessProblem: 'The customer needs a bigger data platform.',
    Title: 'Data platform',
    TargetCompletionDate: '2026-06-30',
    ExpectedCustomerSpend: [{ Amount: '1000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'Acme' }],
  },
};
const VALID_LEAD_INVITATION = {
  Customer: { CompanyName: 'Acme', CountryCode: 'US' },
  Interaction: { SourceType: 'Event', SourceId: 'e-1', SourceName: 'Summit', ContactBusinessTitle: 'CTO' },
};

function invitationRequest(payload: unknown): Record<string, unknown> {
  return {
    Catalog: 'Sandbox',
    ClientToken: 'token-1',
    EngagementIdentifier: 'eng-abcdefghij0123',
    Invitation: { Message: 'Hello', Receiver: { Account: { AwsAccountId: '222222222222' } }, Payload: payload },
  };
}

describe('request validation on the wire', () => {
  let server: RunningServer;
  let endpoint: string;
  before(async () => {
    server = await startTestServer();
    endpoint = server.endpoint;
  });
  after(() => server.close());

  it('required: a missing nested member is REQUIRED_FIELD_MISSING at its dotted path', async () => {
    const input = { Catalog: 'Sandbox', Customer: { Account: { Industry: 'Aerospace' } } } as unknown as CreateOpportunityCommandInput;
    await expectSdkValidation(clientFor(endpoint).send(new CreateOpportunityCommand(input)), [required('customer.account.companyName')]);
  });

  it('enum: an unknown value is INVALID_ENUM_VALUE (customer.account.address.countryCode)', async () => {
    const input = {
      Catalog: 'Sandbox',
      Customer: { Account: { CompanyName: 'Acme', Address: { CountryCode: 'ZZ' } } },
    } as unknown as CreateOpportunityCommandInput;
    await expectSdkValidation(clientFor(endpoint).send(new CreateOpportunityCommand(input)), [
      entry('customer.account.address.countryCode', 'INVALID_ENUM_VALUE', `Value 'ZZ' is not one of: ${enumValues('CountryCode')}.`),
    ]);
    const participant: ListEngagementInvitationsCommandInput = { Catalog: 'Sandbox', ParticipantType: 'BOGUS' as ParticipantType };
    await expectSdkValidation(clientFor(endpoint).send(new ListEngagementInvitationsCommand(participant)), [
      entry('participantType', 'INVALID_ENUM_VALUE', "Value 'BOGUS' is not one of: SENDER, RECEIVER."),
    ]);
  });

  it('enum inside a list: each element is checked, the path has no index', async () => {
    await expectSdkValidation(
      clientFor(endpoint).send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', LifeCycleStage: ['Prospect', 'Nope' as 'Prospect'] })),
      [entry('lifeCycleStage', 'INVALID_ENUM_VALUE', `Value 'Nope' is not one of: ${enumValues('Stage')}.`)],
    );
  });

  it('string length (the model states lengths as patterns such as ^(?s).{0,255}$)', async () => {
    const title = 'T'.repeat(256);
    const input = { Catalog: 'Sandbox', Project: { Title: title } } as CreateOpportunityCommandInput;
    await expectSdkValidation(clientFor(endpoint).send(new CreateOpportunityCommand(input)), [
      pattern('project.title', `${'T'.repeat(97)}...`, '^(?s).{0,255}$'),
    ]);
    const tooShort = { Catalog: 'Sandbox', Project: { CustomerBusinessProblem: 'too short' } } as CreateOpportunityCommandInput;
    await expectSdkValidation(clientFor(endpoint).send(new CreateOpportunityCommand(tooShort)), [
      pattern('project.customerBusinessProblem', 'too short', '^(?s).{20,2000}$'),
    ]);
  });

  it('pattern: INVALID_STRING_FORMAT at project.expectedCustomerSpend.amount (list elements carry no index)', async () => {
    const input = {
      Catalog: 'Sandbox',
      Project: {
        ExpectedCustomerSpend: [
          { Amount: '10.00', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'Acme' },
          { Amount: '12,5', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'Acme' },
        ],
      },
    } as CreateOpportunityCommandInput;
    await expectSdkValidation(clientFor(endpoint).send(new CreateOpportunityCommand(input)), [
      pattern('project.expectedCustomerSpend.amount', '12,5', '^((0|([1-9][0-9]{0,30}))(\\.[0-9]{0,2})?)?$'),
    ]);
  });

  it('integer range: MaxResults outside 1..100 is VALUE_OUT_OF_RANGE', async () => {
    const client = clientFor(endpoint);
    await expectSdkValidation(client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 0 })), [
      entry('maxResults', 'VALUE_OUT_OF_RANGE', 'Member must have value greater than or equal to 1.'),
    ]);
    await expectSdkValidation(client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', MaxResults: 101 })), [
      entry('maxResults', 'VALUE_OUT_OF_RANGE', 'Member must have value less than or equal to 100.'),
    ]);
  });

  it('list too short (NOT_ENOUGH_VALUES) and too long (TOO_MANY_VALUES)', async () => {
    const client = clientFor(endpoint);
    await expectSdkValidation(
      client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER', SenderAwsAccountId: [] })),
      [entry('senderAwsAccountId', 'NOT_ENOUGH_VALUES', 'Member must have length greater than or equal to 1.')],
    );
    const ids = Array.from({ length: 21 }, (_, i) => `O${1000 + i}`);
    await expectSdkValidation(client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox', Identifier: ids })), [
      entry('identifier', 'TOO_MANY_VALUES', 'Member must have length less than or equal to 20.'),
    ]);
  });

  it('union: none set, two set, and a bad value inside the one set (invitation.payload…)', async () => {
    const names = 'OpportunityInvitation, LeadInvitation';
    expectRawValidation(await callRaw(endpoint, 'CreateEngagementInvitation', invitationRequest({})), [
      entry('invitation.payload', 'INVALID_VALUE', `Exactly one of ${names} must be set, but found none.`),
    ]);
    expectRawValidation(await callRaw(endpoint, 'CreateEngagementInvitation', invitationRequest({ OpportunityInvitation: null, LeadInvitation: null })), [
      entry('invitation.payload', 'INVALID_VALUE', `Exactly one of ${names} must be set, but found none.`),
    ]);
    expectRawValidation(
      await callRaw(endpoint, 'CreateEngagementInvitation', invitationRequest({ OpportunityInvitation: VALID_OPPORTUNITY_INVITATION, LeadInvitation: VALID_LEAD_INVITATION })),
      [entry('invitation.payload', 'INVALID_VALUE', `Exactly one of ${names} must be set, but found OpportunityInvitation and LeadInvitation.`)],
    );
    expectRawValidation(await callRaw(endpoint, 'CreateEngagementInvitation', invitationRequest('OpportunityInvitation')), [
      entry('invitation.payload', 'INVALID_VALUE', `Expected an object with exactly one of ${names} but found a string.`),
    ]);
    // Through the SDK: the union member set, with an invalid enum deep inside it.
    const payload = { OpportunityInvitation: { ...VALID_OPPORTUNITY_INVITATION, Customer: { ...VALID_OPPORTUNITY_INVITATION.Customer, CountryCode: 'ZZ' } } };
    const input = invitationRequest(payload) as unknown as ConstructorParameters<typeof CreateEngagementInvitationCommand>[0];
    await expectSdkValidation(clientFor(endpoint).send(new CreateEngagementInvitationCommand(input)), [
      entry('invitation.payload.opportunityInvitation.customer.countryCode', 'INVALID_ENUM_VALUE', `Value 'ZZ' is not one of: ${enumValues('CountryCode')}.`),
    ]);
  });

  it('timestamp format: DateTime members take RFC 3339 strings only', async () => {
    const update = (value: unknown) => ({ Catalog: 'Sandbox', Identifier: 'O1234567', LastModifiedDate: value });
    for (const bad of ['2025-01-15', '2025-01-15 12:00:00Z', '2025-01-15T12:00:00', '2025-02-30T00:00:00Z', '2025-01-15T24:00:00Z', '20250115T120000Z']) {
      expectRawValidation(await callRaw(endpoint, 'UpdateOpportunity', update(bad)), [
        entry('lastModifiedDate', 'INVALID_STRING_FORMAT', `Value '${bad}' is not an RFC 3339 date-time such as 2025-01-31T12:00:00Z.`),
      ]);
    }
    expectRawValidation(await callRaw(endpoint, 'UpdateOpportunity', update(1736942400)), [
      entry('lastModifiedDate', 'INVALID_VALUE', 'Expected an RFC 3339 date-time string but found a number.'),
    ]);
    expectRawValidation(await callRaw(endpoint, 'ListOpportunities', { Catalog: 'Sandbox', CreatedDate: { AfterCreatedDate: 'yesterday' } }), [
      entry('createdDate.afterCreatedDate', 'INVALID_STRING_FORMAT', "Value 'yesterday' is not an RFC 3339 date-time such as 2025-01-31T12:00:00Z."),
    ]);
  });

  it('type mismatches the SDK cannot express are INVALID_VALUE', async () => {
    expectRawValidation(
      await callRaw(endpoint, 'ListOpportunities', {
        Catalog: 'Sandbox',
        MaxResults: '10',
        Sort: 'LastModifiedDate',
        LastModifiedDate: [],
        Identifier: 'O1234567',
        LifeCycleStage: [5, null],
        CustomerCompanyName: [{ Name: 'Acme' }],
      }),
      [
        entry('maxResults', 'INVALID_VALUE', 'Expected an integer but found a string.'),
        entry('sort', 'INVALID_VALUE', 'Expected an object but found a string.'),
        entry('lastModifiedDate', 'INVALID_VALUE', 'Expected an object but found a list.'),
        entry('identifier', 'INVALID_VALUE', 'Expected a list but found a string.'),
        entry('lifeCycleStage', 'INVALID_VALUE', 'Expected a string but found a number.'),
        entry('lifeCycleStage', 'INVALID_VALUE', 'List elements must not be null.'),
        entry('customerCompanyName', 'INVALID_VALUE', 'Expected a string but found an object.'),
      ],
    );
    expectRawValidation(await callRaw(endpoint, 'ListOpportunities', { Catalog: 7, MaxResults: 2.5 }), [
      entry('catalog', 'INVALID_VALUE', 'Expected a string but found a number.'),
      entry('maxResults', 'INVALID_VALUE', 'Expected an integer but found a number.'),
    ]);
    expectRawValidation(await callRaw(endpoint, 'CreateOpportunity', { Catalog: 'Sandbox', ClientToken: 't', Customer: true, Project: null }), [
      entry('customer', 'INVALID_VALUE', 'Expected an object but found a boolean.'),
    ]);
  });

  it('reports several problems at once, in model member order, through the SDK', async () => {
    const input = {
      Catalog: 'Sandbox',
      Customer: { Account: { WebsiteUrl: 'x', Address: { CountryCode: 'ZZ', PostalCode: '1'.repeat(21) } } },
      Project: {
        ExpectedCustomerSpend: [{ Amount: 'abc', CurrencyCode: 'USD', Frequency: 'Weekly', TargetCompany: 'Acme' }],
        Title: 'x'.repeat(300),
      },
      OpportunityTeam: Array.from({ length: 11 }, () => ({ Email: 'a@example.com' })),
      Tags: [],
    } as unknown as CreateOpportunityCommandInput;
    await expectSdkValidation(clientFor(endpoint).send(new CreateOpportunityCommand(input)), [
      required('customer.account.companyName'),
      pattern('customer.account.websiteUrl', 'x', '^(?s).{4,255}$'),
      pattern('customer.account.address.postalCode', '1'.repeat(21), '^(?s).{0,20}$'),
      entry('customer.account.address.countryCode', 'INVALID_ENUM_VALUE', `Value 'ZZ' is not one of: ${enumValues('CountryCode')}.`),
      pattern('project.expectedCustomerSpend.amount', 'abc', '^((0|([1-9][0-9]{0,30}))(\\.[0-9]{0,2})?)?$'),
      entry('project.expectedCustomerSpend.frequency', 'INVALID_ENUM_VALUE', "Value 'Weekly' is not one of: Monthly, None."),
      pattern('project.title', `${'x'.repeat(97)}...`, '^(?s).{0,255}$'),
      entry('opportunityTeam', 'TOO_MANY_VALUES', 'Member must have length less than or equal to 10.'),
      entry('tags', 'NOT_ENOUGH_VALUES', 'Member must have length greater than or equal to 1.'),
    ]);
  });

  it('answers {} to every operation, on both routes, with its required members missing', async () => {
    for (const operation of operationNames) {
      const input = operations[operation].input;
      assert.ok(input, `${operation} has an input`);
      const def = shapes[input];
      assert.ok(def && def.type === 'structure');
      const list = Object.entries(def.members)
        .filter(([, m]) => m.required)
        .map(([name]) => required(name.charAt(0).toLowerCase() + name.slice(1)));
      expectRawValidation(await callRaw(endpoint, operation, {}), list);
      const rest = await rawRequest(endpoint, { path: `/${operation}`, headers: { 'content-type': 'application/json', ...fakeSigV4Headers() }, body: '{}' });
      expectRawValidation(rest, list);
    }
  });
});

describe('validateInput (every operation of the model)', () => {
  it('knows the current model\'s 45 operations, 42 of which take Catalog', () => {
    assert.equal(operationNames.length, 45);
    const withCatalog = operationNames.filter((op) => shapes[operations[op].input!]?.type === 'structure' && 'Catalog' in (shapes[operations[op].input!] as { members: object }).members);
    assert.equal(withCatalog.length, 42);
    assert.deepEqual(
      operationNames.filter((op) => !withCatalog.includes(op)),
      ['ListTagsForResource', 'TagResource', 'UntagResource'],
    );
  });

  for (const operation of operationNames) {
    it(`${operation}: {} reports every required member (catalog first where present)`, () => {
      const def = shapes[operations[operation].input!];
      assert.ok(def && def.type === 'structure');
      const requiredMembers = Object.entries(def.members).filter(([, m]) => m.required).map(([name]) => name);
      const expected: FieldError[] = requiredMembers.map((name) => ({
        FieldName: name.charAt(0).toLowerCase() + name.slice(1),
        Message: 'Member must not be null.',
        Code: 'REQUIRED_FIELD_MISSING',
      }));
      assert.ok(expected.length > 0);
      assert.throws(
        () => validateInput(operation, {}),
        (err: unknown) => {
          assert.ok(err instanceof ValidationException);
          assert.equal(err.reason, 'REQUEST_VALIDATION_FAILED');
          assert.equal(err.httpStatus, 400);
          assert.deepEqual(err.errorList, expected);
          if ('Catalog' in def.members) {
            assert.deepEqual(err.errorList[0], { FieldName: 'catalog', Message: 'Member must not be null.', Code: 'REQUIRED_FIELD_MISSING' });
          }
          return true;
        },
      );
    });
  }
});

describe('validator details', () => {
  it('returns the input projected onto the model: unknown members and nulls dropped at every depth', () => {
    const clean = validateInput('ListOpportunities', {
      Catalog: 'Sandbox',
      __type: 'x',
      NextToken: null,
      Sort: { SortOrder: 'ASCENDING', SortBy: 'LastModifiedDate', Extra: 1 },
      LifeCycleStage: ['Prospect'],
      CreatedDate: { AfterCreatedDate: '2025-01-01T00:00:00Z', BeforeCreatedDate: null, __type: 'y' },
    });
    assert.deepEqual(clean, {
      Catalog: 'Sandbox',
      Sort: { SortOrder: 'ASCENDING', SortBy: 'LastModifiedDate' },
      LifeCycleStage: ['Prospect'],
      CreatedDate: { AfterCreatedDate: '2025-01-01T00:00:00Z' },
    });
  });

  it('keeps only the union member that is set', () => {
    const clean = validateInput('CreateEngagementInvitation', invitationRequest({ OpportunityInvitation: VALID_OPPORTUNITY_INVITATION, LeadInvitation: null }));
    assert.deepEqual((clean.Invitation as { Payload: unknown }).Payload, { OpportunityInvitation: VALID_OPPORTUNITY_INVITATION });
  });

  it('accepts every RFC 3339 form: offsets, 0–9 fractional digits, lowercase t/z', () => {
    const cases: Array<[string, string]> = [
      ['2025-01-15T12:00:00Z', '2025-01-15T12:00:00.000Z'],
      ['2025-01-15T12:00:00.5Z', '2025-01-15T12:00:00.500Z'],
      ['2025-01-15T12:00:00.123Z', '2025-01-15T12:00:00.123Z'],
      ['2025-01-15T12:00:00.123456789Z', '2025-01-15T12:00:00.123Z'],
      ['2025-01-15T14:00:00+02:00', '2025-01-15T12:00:00.000Z'],
      ['2025-01-15T06:30:00.250-05:30', '2025-01-15T12:00:00.250Z'],
      ['2025-01-15t12:00:00z', '2025-01-15T12:00:00.000Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
      ['2000-02-29T23:59:59Z', '2000-02-29T23:59:59.000Z'],
    ];
    for (const [text, iso] of cases) {
      assert.equal(parseTimestamp(text), Date.parse(iso), text);
      assert.deepEqual(validateShape('DateTime', text), [], text);
    }
  });

  it('rejects impossible dates and times that Date.parse would roll over', () => {
    for (const text of [
      '2025-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-00-10T00:00:00Z',
      '2025-01-00T00:00:00Z',
      '2025-01-15T24:00:00Z',
      '2025-01-15T12:60:00Z',
      '2025-01-15T12:00:60Z',
      '2025-01-15T12:00:00+24:00',
      '2025-01-15T12:00:00+01:60',
      '2025-01-15T12:00:00.1234567890Z',
      '2025-01-15T12:00:00+0200',
    ]) {
      assert.equal(parseTimestamp(text), null, text);
      assert.deepEqual(validateShape('DateTime', text, 'at'), [
        { FieldName: 'at', Code: 'INVALID_STRING_FORMAT', Message: `Value '${text}' is not an RFC 3339 date-time such as 2025-01-31T12:00:00Z.` },
      ]);
    }
  });

  it('counts characters, not UTF-16 code units, in length patterns', () => {
    const emoji = '\u{1F600}';
    assert.equal(compilePattern('^(?s).{0,255}$').test(emoji.repeat(255)), true);
    assert.equal(compilePattern('^(?s).{0,255}$').test(emoji.repeat(256)), false);
    assert.equal(compilePattern('^(?s).{1,2}$').test('a\nb'.slice(0, 2)), true);
    const clean = validateInput('CreateOpportunity', { Catalog: 'Sandbox', ClientToken: 't', Project: { Title: emoji.repeat(255) } });
    assert.equal((clean.Project as { Title: string }).Title, emoji.repeat(255));
    assert.throws(() => validateInput('CreateOpportunity', { Catalog: 'Sandbox', ClientToken: 't', Project: { Title: emoji.repeat(256) } }), ValidationException);
  });

  it('applies \\p{…} patterns (tag keys) in Unicode mode', () => {
    assert.deepEqual(validateShape('TagKey', 'Ünïcode key_1'), []);
    assert.deepEqual(validateShape('TagKey', 'bad#key', 'tags.key'), [
      { FieldName: 'tags.key', Code: 'INVALID_STRING_FORMAT', Message: `Value 'bad#key' must satisfy regular expression pattern: ${(shapes.TagKey as { pattern: string }).pattern}.` },
    ]);
  });
});
