// Validation that bad input cannot turn against the server (issue 5 #1, #4, #10): a pattern that backtracks
// exponentially in RegExp answers at once while other clients are served; half a million bad values give a
// small, capped error list; a lone surrogate is refused instead of being stored as bytes no reader can decode.
// Raw HTTP where the SDK cannot send or would hide what matters.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateOpportunityCommand, GetOpportunityCommand, ListOpportunitiesCommand } from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { ERROR_LIST_CAP } from '../src/model/validate.js';
import { AccountClients, callRaw, rawRequest, startTestServer } from './helpers.js';
import { minimalOpportunityInput } from './fixtures.js';

const OTHER_ACCOUNT = '222222222222';

describe('validation limits', () => {
  let server: RunningServer;
  const clients = new AccountClients(() => server.endpoint);

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    clients.destroyAll();
    await server.close();
  });

  it('answers the CompanyWebsiteUrl backtracking request promptly while another client is served', async () => {
    const created = await clients.of(OTHER_ACCOUNT).send(new CreateOpportunityCommand(minimalOpportunityInput('limits-other', { company: 'Other Corp', title: 'Served meanwhile', businessProblem: 'A problem that is long enough to be valid.' })));
    const websiteUrl = `a${'.a'.repeat(31)}!`; // ~70 s of RegExp backtracking before the fix
    const body = JSON.stringify({
      Catalog: 'Sandbox', ClientToken: 't', Title: 'T', Description: 'D',
      Contexts: [{ Type: 'CustomerProject', Payload: { CustomerProject: { Customer: { Industry: 'Other', CompanyName: 'C', WebsiteUrl: websiteUrl, CountryCode: 'US' } } } }],
    });
    assert.ok(body.length < 300, `${body.length} bytes`); // one small request
    const started = performance.now();
    const timed = <T>(p: Promise<T>): Promise<[T, number]> => p.then((v) => [v, performance.now() - started]);
    const [[attack, attackMs], [other, otherMs], [health, healthMs]] = await Promise.all([
      timed(callRaw(server.endpoint, 'CreateEngagement', body)),
      timed(clients.of(OTHER_ACCOUNT).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: created.Id! }))),
      timed(rawRequest(server.endpoint, { method: 'GET', path: '/_emulator/health' })),
    ]);
    assert.equal(attack.status, 400);
    assert.match(String(attack.json().__type), /#ValidationException$/);
    assert.deepEqual(attack.json().ErrorList, [{
      FieldName: 'contexts.payload.customerProject.customer.websiteUrl',
      Message: `Value '${websiteUrl}' must satisfy regular expression pattern: ^(?=.{4,255}$)((http|https)://)??(www[.])??([a-zA-Z0-9]|-)+?([.][a-zA-Z0-9(-|/|=|?)??]+?)+?$.`,
      Code: 'INVALID_STRING_FORMAT',
    }]);
    assert.equal(other.Id, created.Id);
    assert.equal(health.status, 200);
    // Generous bounds (a shared CI machine); before the fix each of these took over a minute.
    for (const [what, ms] of [['attack', attackMs], ['GetOpportunity', otherMs], ['health', healthMs]] as const) {
      assert.ok(ms < 2000, `${what} answered after ${ms.toFixed(0)} ms`);
    }
  });

  it('caps ErrorList and states the total: 500,000 invalid TagKeys answer a small ValidationException', async () => {
    const count = 500_000;
    const body = `{"ResourceArn":"arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/O1234567","TagKeys":[${'"#",'.repeat(count - 1)}"#"]}`;
    const res = await callRaw(server.endpoint, 'UntagResource', body);
    assert.equal(res.status, 400);
    assert.equal(res.headers['x-amzn-errortype'], 'ValidationException');
    assert.ok(res.body.length < 64 * 1024, `${res.body.length} bytes for a ${body.length}-byte request`);
    const error = res.json() as { __type: string; Message: string; Reason: string; ErrorList: Array<{ FieldName: string; Code: string }> };
    assert.match(error.__type, /ValidationException$/);
    assert.equal(error.Reason, 'REQUEST_VALIDATION_FAILED');
    assert.equal(error.ErrorList.length, ERROR_LIST_CAP);
    assert.deepEqual(error.ErrorList[0], { FieldName: 'tagKeys', Message: 'Member must have length less than or equal to 50.', Code: 'TOO_MANY_VALUES' });
    assert.ok(error.ErrorList.slice(1).every((e) => e.FieldName === 'tagKeys' && e.Code === 'INVALID_STRING_FORMAT'));
    const total = count + 1; // the list's length, then every key
    assert.ok(error.Message.startsWith(`${total} validation errors detected (the first ${ERROR_LIST_CAP} are listed): Value at 'tagKeys' failed`), error.Message.slice(0, 120));
    assert.equal(error.Message.split('; Value at ').length, ERROR_LIST_CAP);
  });

  it('refuses a lone surrogate in any string member as INVALID_STRING_FORMAT and stores nothing', async () => {
    const escapedRequest = (overrides: Record<string, unknown>, raw: Record<string, string>): string => {
      // JSON.stringify would write the surrogate itself; the wire form is the escape `\ud800`.
      const input = minimalOpportunityInput('placeholder', { company: 'Surrogate Corp', title: 'Lone surrogate', businessProblem: 'A problem that is long enough to be valid.' });
      input.Project!.DeliveryModels = ['SaaS or PaaS'];
      let text = JSON.stringify({ ...input, ...overrides });
      for (const [from, to] of Object.entries(raw)) text = text.replace(from, to);
      return text;
    };
    const lone = (FieldName: string, unit: string) => ({ FieldName, Code: 'INVALID_STRING_FORMAT', Message: `Value must be well-formed Unicode, but it contains a lone surrogate (U+${unit}).` });

    const token = await callRaw(server.endpoint, 'CreateOpportunity', escapedRequest({}, { '"placeholder"': '"tok\\ud800en"' }));
    assert.equal(token.status, 400, token.body);
    assert.match(String(token.json().__type), /ValidationException$/);
    assert.deepEqual(token.json().ErrorList, [lone('clientToken', 'D800')]);

    // Anywhere in the input: a nested member, a tag key, a list element; each one reported on its own field.
    const nested = escapedRequest(
      { ClientToken: 'surrogates-everywhere', Tags: [{ Key: 'KEY', Value: 'v' }] },
      { '"Lone surrogate"': '"\\udc00 title"', '"KEY"': '"k\\udfff"', '"SaaS or PaaS"': '"\\ud83d"' },
    );
    const many = await callRaw(server.endpoint, 'CreateOpportunity', nested);
    assert.equal(many.status, 400, many.body);
    const list = many.json().ErrorList as Array<{ FieldName: string; Code: string; Message: string }>;
    const byField = (a: { FieldName: string }, b: { FieldName: string }): number => a.FieldName.localeCompare(b.FieldName);
    assert.deepEqual(list.filter((e) => e.FieldName !== 'project.deliveryModels').sort(byField), [lone('project.title', 'DC00'), lone('tags.key', 'DFFF')], many.body);
    assert.ok(list.some((e) => e.FieldName === 'project.deliveryModels'), 'an enum value with a lone surrogate is refused too');

    const { OpportunitySummaries } = await clients.of('111111111111').send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
    assert.deepEqual(OpportunitySummaries, [], 'nothing was stored');

    // A surrogate pair is one well-formed character (an emoji), accepted as before.
    const paired = await callRaw(server.endpoint, 'CreateOpportunity', escapedRequest({ ClientToken: 'pair' }, { '"Lone surrogate"': '"\\ud83d\\ude00 deal"' }));
    assert.equal(paired.status, 200, paired.body);
    const after = await clients.of('111111111111').send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
    assert.equal(after.OpportunitySummaries?.length, 1);
    const stored = await clients.of('111111111111').send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: after.OpportunitySummaries![0]!.Id! }));
    assert.equal(stored.Project?.Title, '\u{1F600} deal');
  });
});
