// GetOpportunity answers with the view opportunities.ts rendered when it saved the record (RecordKind.view):
// the bytes must be exactly those of rendering the record at read time, which is what a record saved without a
// view (an older file, a bulk import) still gets. Driven over raw HTTP, where the bytes are visible.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { callRaw, startTestServer } from './helpers.js';
import { minimalOpportunityInput, type MinimalOpportunitySubject } from './fixtures.js';
import { opportunityView } from '../src/resources/opportunities.js';
import { opportunityKind } from '../src/store/kinds.js';
import type { OpportunityRecord } from '../src/store/records.js';
import type { RunningServer } from '../src/server.js';

const OTHER_ACCOUNT = '222222222222';

describe('GetOpportunity from the stored view', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  const get = async (id: string, accountId?: string) => callRaw(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: id }, accountId);
  const storedView = (id: string) => server.services.store.transaction((uow) => uow.getView(opportunityKind, ['Sandbox', id]), { readOnly: true });
  /** Creates an opportunity through the API; returns its id. */
  const create = async (token: string, subject: MinimalOpportunitySubject) => {
    const created = await callRaw(server.endpoint, 'CreateOpportunity', minimalOpportunityInput(token, subject));
    assert.equal(created.status, 200, created.body);
    return created.json().Id as string;
  };
  /** Saves the record again without a view, as a file written before views existed holds it. */
  const dropView = (id: string) =>
    server.services.store.transaction(async (uow) => {
      const record = await uow.get(opportunityKind, ['Sandbox', id]);
      assert.ok(record);
      await uow.put(opportunityKind, record);
    });

  it('answers the same bytes from the view as from rendering the record, after creation and after each change', async () => {
    const id = await create('view-1', { company: 'Viewco', title: 'Stored view', businessProblem: 'The customer wants answers that parse nothing on the way out.' });

    const fromView = await get(id);
    assert.equal(fromView.status, 200, fromView.body);
    assert.equal(await storedView(id), fromView.body, 'the answer is the stored view');
    await dropView(id);
    assert.equal(await storedView(id), null);
    const rendered = await get(id);
    assert.equal(rendered.body, fromView.body);

    // A change writes a new view (and the fallback, after dropping it, agrees with it).
    const update = await callRaw(server.endpoint, 'UpdateOpportunity', {
      Catalog: 'Sandbox',
      Identifier: id,
      LastModifiedDate: fromView.json().LastModifiedDate,
      Customer: { Account: { CompanyName: 'Viewco Renamed', Industry: 'Automotive', Address: { CountryCode: 'DE' } } },
      Project: { Title: 'Stored view, changed', CustomerBusinessProblem: 'The customer wants answers that parse nothing on the way out.' },
      LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2030-09-30' },
    });
    assert.equal(update.status, 200, update.body);
    const changed = await get(id);
    assert.equal(await storedView(id), changed.body);
    const answer = changed.json() as { Customer: { Account: { CompanyName: string } }; LifeCycle: { Stage: string }; LastModifiedDate: string };
    assert.equal(answer.Customer.Account.CompanyName, 'Viewco Renamed');
    assert.equal(answer.LifeCycle.Stage, 'Qualified');
    assert.equal(answer.LastModifiedDate, update.json().LastModifiedDate);
    await dropView(id);
    assert.equal((await get(id)).body, changed.body);
  });

  it('answers ResourceNotFoundException to another account, with or without a stored view', async () => {
    const id = await create('view-2', { company: 'Hiddenco', title: 'Not yours', businessProblem: 'The customer wants its data kept to the owning account.' });
    for (const stage of ['with a view', 'without a view']) {
      const refused = await get(id, OTHER_ACCOUNT);
      assert.equal(refused.status, 404, stage);
      assert.equal(refused.headers['x-amzn-errortype'], 'ResourceNotFoundException', stage);
      assert.equal(refused.json().Message, `Opportunity ${id} was not found in catalog Sandbox.`, stage);
      await dropView(id);
    }
  });

  it('hides a record that is not visible even when it has a view', async () => {
    const id = await create('view-3', { company: 'Ghostco', title: 'Hidden referral', businessProblem: 'The customer stands for an AWS referral nobody accepted yet.' });
    await server.services.store.transaction(async (uow) => {
      const record = (await uow.get(opportunityKind, ['Sandbox', id]))!;
      await uow.put(opportunityKind, { ...record, visible: false }, JSON.stringify(opportunityView(record)));
    });
    const refused = await get(id);
    assert.equal(refused.headers['x-amzn-errortype'], 'ResourceNotFoundException');
  });
});

describe('the rendering stored views are made with', () => {
  // Stored views are rendered when a record is saved. If opportunityView renders the same record differently,
  // views already on disk are stale: add a migration clearing them (UPDATE rec_opportunity SET view = NULL, both
  // engines, see src/store/schema/), then update the pinned digest below.
  it('renders this record exactly as when the stored views were introduced', () => {
    const record: OpportunityRecord = {
      catalog: 'Sandbox',
      id: 'O1234567',
      accountId: '111111111111',
      visible: true,
      origin: 'Partner Referral',
      createdAt: '2026-01-02T03:04:05.006Z',
      lastModifiedAt: '2026-02-03T04:05:06.007Z',
      data: {
        PartnerOpportunityIdentifier: 'crm-1',
        Customer: { Account: { CompanyName: 'Pinned', Industry: 'Other', Address: { CountryCode: 'US' } } },
        Project: { Title: 'Pin', CustomerBusinessProblem: 'A problem the pin keeps in place.', ExpectedCustomerSpend: [{ Amount: '10', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
        LifeCycle: { Stage: 'Prospect', ReviewStatus: 'Pending Submission', TargetCloseDate: '2030-01-01' },
        RelatedEntityIdentifiers: { Solutions: ['S-0000001'] },
      } as OpportunityRecord['data'],
    };
    const text = JSON.stringify(opportunityView(record));
    assert.equal(createHash('sha256').update(text).digest('hex').slice(0, 16), PINNED_VIEW_DIGEST, `opportunityView now renders: ${text}`);
  });
});

const PINNED_VIEW_DIGEST = '4b315bb7eb4d1d61';
