// The operation registry: built from the generated model, handed to startServer, never patched in place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetOpportunityCommand } from '@aws-sdk/client-partnercentral-selling';
import { buildRegistry, defaultRegistry } from '../src/operations/registry.js';
import { operationNames, operations } from '../src/model/generated/operations.js';
import { handlers } from '../src/resources/index.js';
import { clientFor, startTestServer } from './helpers.js';

describe('operation registry', () => {
  it('takes the idempotency token, paging members and read-only trait of every operation from the model', () => {
    for (const operation of operationNames) {
      const entry = defaultRegistry[operation];
      assert.equal(entry.operation, operation);
      assert.equal(entry.idempotencyToken, operations[operation].idempotencyToken, operation);
      assert.deepEqual(entry.paginated, operations[operation].paginated, operation);
      assert.equal(entry.readOnly, operations[operation].readonly, operation);
      // Only model reads are ever cached.
      if (entry.reads !== null) assert.equal(entry.readOnly, true, `${operation} is cached but not @readonly`);
    }
    assert.equal(defaultRegistry.CreateOpportunity.idempotencyToken, 'ClientToken');
    assert.equal(defaultRegistry.ListOpportunities.paginated?.pageSize, 'MaxResults');
    assert.deepEqual(defaultRegistry.GetOpportunity.reads, ['opportunity']);
  });

  it('is frozen, and so is the handler table it is built from', () => {
    assert.ok(Object.isFrozen(defaultRegistry));
    assert.ok(Object.isFrozen(defaultRegistry.GetOpportunity));
    assert.ok(Object.isFrozen(handlers));
    assert.throws(() => {
      (handlers as Record<string, unknown>).GetOpportunity = () => ({});
    }, TypeError);
  });

  it('builds with overrides: replaced handlers are not cached, removed ones answer 501, others unchanged', async () => {
    const stub = () => ({ Catalog: 'Sandbox', Id: 'O1234567890', LastModifiedDate: '2025-01-15T12:00:00.000Z', CreatedDate: '2025-01-15T12:00:00.000Z', RelatedEntityIdentifiers: {} });
    const registry = buildRegistry({ GetOpportunity: stub, ListOpportunities: null });
    assert.equal(registry.GetOpportunity.handler, stub);
    assert.equal(registry.GetOpportunity.reads, null);
    assert.equal(registry.ListOpportunities.handler, undefined);
    assert.equal(registry.CreateOpportunity.handler, defaultRegistry.CreateOpportunity.handler);

    const [custom, plain] = await Promise.all([startTestServer({ registry, auth: 'off' }), startTestServer()]);
    try {
      const got = await clientFor(custom.endpoint).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' }));
      assert.equal(got.Id, 'O1234567890');
      const missing = await fetch(`${custom.endpoint}/ListOpportunities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"Catalog":"Sandbox"}' });
      assert.equal(missing.status, 501);
      // Another server in the same process still has the emulator's own handler.
      await assert.rejects(clientFor(plain.endpoint).send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: 'O1234567890' })), { name: 'ResourceNotFoundException' });
    } finally {
      await Promise.all([custom.close(), plain.close()]);
    }
  });
});
