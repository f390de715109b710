// TagResource, UntagResource, ListTagsForResource on the two taggable resources (opportunities and resource
// snapshot jobs), through the official SDK.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AccessDeniedException,
  CreateOpportunityCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  StartEngagementByAcceptingInvitationTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-partnercentral-selling';
import type { RunningServer } from '../src/server.js';
import { callRaw, clientFor, control, startTestServer } from './helpers.js';

const A = '111111111111';
const B = '222222222222';
const oppArn = (account: string, catalog: string, id: string) => `arn:aws:partnercentral:us-east-1:${account}:catalog/${catalog}/opportunity/${id}`;

describe('tags', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('CreateOpportunity tags are listed; TagResource overwrites and adds; UntagResource removes and ignores unknown keys', async () => {
    const a = clientFor(server.endpoint, A);
    const { Id } = await a.send(
      new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: 't1', Project: { Title: 'Tagged' }, Tags: [{ Key: 'Env', Value: 'Dev' }] }),
    );
    const ResourceArn = oppArn(A, 'Sandbox', Id!);
    assert.deepEqual((await a.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, [{ Key: 'Env', Value: 'Dev' }]);

    const tagged = await callRaw(server.endpoint, 'TagResource', { ResourceArn, Tags: [{ Key: 'Env', Value: 'Prod' }, { Key: 'Team', Value: 'Blue' }] }, A);
    assert.equal(tagged.status, 200);
    assert.equal(tagged.body, '{}', 'a modeled output with no members is an empty JSON object');
    assert.deepEqual((await a.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, [
      { Key: 'Env', Value: 'Prod' },
      { Key: 'Team', Value: 'Blue' },
    ]);

    await a.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['Env', 'Missing'] }));
    assert.deepEqual((await a.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, [{ Key: 'Team', Value: 'Blue' }]);
  });

  it('resource snapshot jobs are taggable too', async () => {
    const sent = (await control(server.endpoint, 'invitations', { receiverAccountId: A, catalog: 'AWS' })).json();
    const a = clientFor(server.endpoint, A);
    const task = await a.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'AWS', Identifier: String(sent.invitationId) }));
    const ResourceArn = `arn:aws:partnercentral:us-east-1:${A}:catalog/AWS/resource-snapshot-job/${task.ResourceSnapshotJobId}`;
    await a.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: 'Owner', Value: 'Sales' }] }));
    assert.deepEqual((await a.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags, [{ Key: 'Owner', Value: 'Sales' }]);
  });

  it("refuses other accounts' resources, unknown resources, hidden referrals and untaggable ARNs", async () => {
    const a = clientFor(server.endpoint, A);
    const b = clientFor(server.endpoint, B);
    const { Id } = await a.send(new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: 't2', Project: { Title: 'Mine' } }));
    await assert.rejects(b.send(new ListTagsForResourceCommand({ ResourceArn: oppArn(A, 'Sandbox', Id!) })), AccessDeniedException);
    await assert.rejects(a.send(new ListTagsForResourceCommand({ ResourceArn: oppArn(A, 'AWS', Id!) })), ResourceNotFoundException);
    await assert.rejects(a.send(new TagResourceCommand({ ResourceArn: oppArn(A, 'Sandbox', 'O999999999'), Tags: [{ Key: 'k', Value: 'v' }] })), ResourceNotFoundException);

    const hidden = await a.send(
      new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: 't3', Origin: 'AWS Referral', Project: { Title: 'Referral' } }),
    );
    await assert.rejects(a.send(new ListTagsForResourceCommand({ ResourceArn: oppArn(A, 'Sandbox', hidden.Id!) })), ResourceNotFoundException);

    // Engagement ARNs have no account: the model's TaggableResourceArn pattern rejects them.
    await assert.rejects(
      a.send(new ListTagsForResourceCommand({ ResourceArn: 'arn:aws:partnercentral:us-east-1::catalog/Sandbox/engagement/eng-abcdefghijklmn' })),
      (err: unknown) => {
        assert.ok(err instanceof ValidationException);
        assert.equal(err.ErrorList?.[0]?.FieldName, 'resourceArn');
        assert.equal(err.ErrorList?.[0]?.Code, 'INVALID_STRING_FORMAT');
        return true;
      },
    );
  });

  it('a resource holds at most 200 tags', async () => {
    const a = clientFor(server.endpoint, A);
    const { Id } = await a.send(new CreateOpportunityCommand({ Catalog: 'AWS', ClientToken: 't4', Project: { Title: 'Many tags' } }));
    const ResourceArn = oppArn(A, 'AWS', Id!);
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${from + i}`, Value: 'v' }));
    await a.send(new TagResourceCommand({ ResourceArn, Tags: batch(0, 150) }));
    await assert.rejects(a.send(new TagResourceCommand({ ResourceArn, Tags: batch(150, 51) })), (err: unknown) => {
      assert.ok(err instanceof ValidationException);
      assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
      assert.equal(err.ErrorList?.[0]?.Code, 'TOO_MANY_VALUES');
      return true;
    });
    assert.equal((await a.send(new ListTagsForResourceCommand({ ResourceArn }))).Tags?.length, 150, 'state unchanged');
  });
});
