import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetOpportunityCommand, ResourceNotFoundException } from '@aws-sdk/client-partnercentral-selling';
import { clientFor, startTestServer } from './helpers.js';
import type { RunningServer } from '../src/server.js';

describe('smoke', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers GetOpportunity for an unknown id with ResourceNotFoundException', async () => {
    const client = clientFor(server.endpoint);
    await assert.rejects(client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1' })), (err: unknown) => {
      assert.ok(err instanceof ResourceNotFoundException, String(err));
      assert.equal(err.message, 'Opportunity O1 was not found in catalog Sandbox.');
      assert.equal(err.$metadata.httpStatusCode, 404);
      return true;
    });
  });
});
