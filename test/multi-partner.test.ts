// A partner's invitation accepted by another partner: the receiver's opportunity inherits the sender's review
// status and follows it to Approved when AWS approves the sender's opportunity (behavior.md §1.5(b), §2.3).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetOpportunityCommand,
  PutSellingSystemSettingsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  UpdateOpportunityCommand,
} from '@aws-sdk/client-partnercentral-selling';
import { clientFor, control, eventsOf, startTestServer } from './helpers.js';
import type { RunningServer } from '../src/server.js';

const SENDER = '222222222222';
const RECEIVER = '333333333333';

describe('multi-partner invitation', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('builds the receiver opportunity from the invitation and approves it with the sender', async () => {
    const sent = await control(server.endpoint, 'invitations', {
      catalog: 'Sandbox',
      senderAccountId: SENDER,
      receiverAccountId: RECEIVER,
      opportunity: {
        Customer: { Account: { CompanyName: 'Company20', Industry: 'Agriculture', WebsiteUrl: 'https://company20.example.com', Address: { CountryCode: 'DE', City: 'Berlin' } } },
        Project: {
          Title: 'Project32',
          CustomerBusinessProblem: 'The customer needs to modernise its farm analytics platform.',
          ExpectedCustomerSpend: [{ Amount: '10000.00', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
        },
        LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2027-10-04' },
      },
    });
    assert.equal(sent.status, 201, sent.body);
    // Both sides' running jobs write revisions only with a job role set (behavior.md §4.5).
    for (const account of [SENDER, RECEIVER]) {
      await clientFor(server.endpoint, account).send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: 'SnapshotJobRole' }));
    }
    const { invitationId, sourceOpportunityId } = sent.json() as { invitationId: string; sourceOpportunityId: string };

    const receiver = clientFor(server.endpoint, RECEIVER);
    const task = await receiver.send(
      new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: invitationId, ClientToken: 'accept-1' }),
    );
    assert.equal(task.TaskStatus, 'COMPLETE');
    assert.notEqual(task.OpportunityId, sourceOpportunityId, 'a partner invitation creates a new opportunity');

    const mine = await receiver.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: task.OpportunityId! }));
    assert.deepEqual(mine.Customer?.Account, {
      CompanyName: 'Company20',
      Industry: 'Agriculture',
      WebsiteUrl: 'https://company20.example.com',
      Address: { CountryCode: 'DE' },
    });
    assert.deepEqual(mine.Customer?.Contacts, []);
    assert.equal(mine.Project?.Title, 'Project32');
    assert.equal(mine.Project?.ExpectedCustomerSpend?.[0]?.Amount, '10000');
    assert.equal(mine.LifeCycle?.Stage, 'Prospect');
    assert.equal(mine.LifeCycle?.TargetCloseDate, '2027-10-04');
    assert.equal(mine.LifeCycle?.ReviewStatus, 'Submitted', 'inherits the sender opportunity status');
    assert.deepEqual(mine.PrimaryNeedsFromAws, ['Do Not Need Support from AWS Sales Rep']);
    assert.equal(mine.NationalSecurity, 'No');
    assert.equal(mine.OpportunityType, 'Net New Business');
    assert.equal(mine.OpportunityTeam?.length, 1);
    assert.equal(mine.OpportunityTeam?.[0]?.BusinessTitle, 'OpportunityOwner');

    // AWS approves the sender's opportunity (Sandbox review simulation): the receiver's copy follows.
    const sender = clientFor(server.endpoint, SENDER);
    const original = await sender.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: sourceOpportunityId }));
    const { $metadata: _m, Id: _id, Arn: _a, CreatedDate: _c, OpportunityTeam: _t, RelatedEntityIdentifiers: _r, ...body } = original;
    const before = (await eventsOf(server.endpoint, { account: RECEIVER })).length;
    await sender.send(
      new UpdateOpportunityCommand({
        ...body,
        Identifier: sourceOpportunityId,
        LifeCycle: { ...original.LifeCycle, ReviewStatus: 'Approved' },
      }),
    );
    const approved = await receiver.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: task.OpportunityId! }));
    assert.equal(approved.LifeCycle?.ReviewStatus, 'Approved');
    const newEvents = (await eventsOf(server.endpoint, { account: RECEIVER })).slice(before).map((e) => e['detail-type']);
    // The sender's running job snapshots its approved opportunity (shared with the receiver, a member), then the
    // receiver's copy is approved and snapshotted.
    assert.deepEqual(newEvents, ['Engagement Resource Snapshot Created', 'Opportunity Updated', 'Engagement Resource Snapshot Created']);

    // The receiver's Postman-style round trip keeps working with the observed PrimaryNeedsFromAws value.
    const { $metadata: _m2, Id: _i2, Arn: _a2, CreatedDate: _c2, OpportunityTeam: _t2, RelatedEntityIdentifiers: _r2, ...mineBody } = approved;
    const updated = await receiver.send(
      new UpdateOpportunityCommand({ ...mineBody, Identifier: task.OpportunityId!, LifeCycle: { ...approved.LifeCycle, NextSteps: 'Call the customer.' } }),
    );
    assert.ok(updated.LastModifiedDate! > approved.LastModifiedDate!);
  });
});
