// ListSolutions over each account's catalogue (the seed, solutions added through the control plane, every
// filter and sort, paging) and Get/PutSellingSystemSettings, through the official SDK. Spec: behavior.md §8.2,
// §9 (ListSolutions), decision 5.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GetSellingSystemSettingsCommand,
  ListSolutionsCommand,
  PutSellingSystemSettingsCommand,
  paginateListSolutions,
  type ListSolutionsCommandInput,
} from '@aws-sdk/client-partnercentral-selling';
import { AccountClients, callRaw, control, controlOk as controlOkAt, serverPerSuite } from './helpers.js';

const A = '111111111111';
const B = '222222222222';
const SEED_IDS = ['S-0040001', 'S-0052021', 'S-0059631', 'S-0070007', 'S-1234567'];

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);

const list = async (account: string, input: Partial<ListSolutionsCommandInput> = {}) =>
  (await as(account).send(new ListSolutionsCommand({ Catalog: 'Sandbox', ...input }))).SolutionSummaries!;
const ids = async (account: string, input: Partial<ListSolutionsCommandInput> = {}) => (await list(account, input)).map((s) => s.Id);

serverPerSuite('2026-06-01T12:00:00.000Z', (started) => {
  endpoint = started.endpoint;
}, clients);

describe('ListSolutions', () => {
  it('every catalogue starts with the seed: S-1234567 Active and a few others, in Identifier order', async () => {
    const seeded = await list(A);
    assert.deepEqual(seeded.map((s) => s.Id), SEED_IDS);
    const defaultSolution = seeded.find((s) => s.Id === 'S-1234567')!;
    assert.deepEqual(
      { ...defaultSolution, CreatedDate: defaultSolution.CreatedDate!.toISOString() },
      {
        Catalog: 'Sandbox',
        Id: 'S-1234567',
        Arn: `arn:aws:partnercentral:us-east-1:${A}:catalog/Sandbox/solution/S-1234567`,
        Name: 'Sandbox Default Solution',
        Status: 'Active',
        Category: 'Software Product',
        CreatedDate: '2024-01-15T00:00:00.000Z',
      },
    );
    assert.deepEqual([...new Set(seeded.map((s) => s.Status))].sort(), ['Active', 'Draft', 'Inactive']);
  });

  it('filters by Status, Category, Identifier and AwsMarketplaceSolutionArn (each a list; they combine)', async () => {
    await controlOk('solutions', {
      accountId: A,
      catalog: 'Sandbox',
      solutions: [
        { id: 'S-900', name: 'Marketplace Analytics', category: 'Software Product', awsMarketplaceSolutionArn: 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Solution/soln-abc' },
      ],
    });
    assert.deepEqual(await ids(A, { Status: ['Active'] }), ['S-900', 'S-0052021', 'S-0059631', 'S-1234567']);
    assert.deepEqual(await ids(A, { Status: ['Inactive', 'Draft'] }), ['S-0040001', 'S-0070007']);
    assert.deepEqual(await ids(A, { Category: ['Software Product'] }), ['S-900', 'S-1234567']);
    assert.deepEqual(await ids(A, { Category: ['Software Product'], Status: ['Draft'] }), []);
    assert.deepEqual(await ids(A, { Identifier: ['S-1234567', 'S-0059631', 'S-7'] }), ['S-0059631', 'S-1234567']);
    assert.deepEqual(await ids(A, { AwsMarketplaceSolutionArn: ['arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Solution/soln-abc'] }), ['S-900']);
    const marketplace = (await list(A, { Identifier: ['S-900'] }))[0]!;
    assert.equal(marketplace.AwsMarketplaceSolutionArn, 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Solution/soln-abc');
    assert.equal(marketplace.CreatedDate!.toISOString(), '2026-06-01T12:00:00.000Z', 'added now by default');
  });

  it('sorts by every SortBy in both orders (Identifier numerically)', async () => {
    await controlOk('solutions', { accountId: A, solutions: [{ id: 'S-99', name: 'Zeta Support', status: 'Inactive', category: 'Consulting Service', createdDate: '2020-01-01T00:00:00Z' }] });
    const sorted = async (SortBy: 'Identifier' | 'Name' | 'Status' | 'Category' | 'CreatedDate', SortOrder: 'ASCENDING' | 'DESCENDING') =>
      list(A, { Sort: { SortBy, SortOrder } });
    assert.deepEqual((await sorted('Identifier', 'ASCENDING')).map((s) => s.Id), ['S-99', ...SEED_IDS]);
    assert.deepEqual((await sorted('Identifier', 'DESCENDING')).map((s) => s.Id), [...SEED_IDS].reverse().concat('S-99'));
    const names = (await sorted('Name', 'ASCENDING')).map((s) => s.Name!);
    assert.deepEqual(names, [...names].sort());
    assert.equal(names.at(-1), 'Zeta Support');
    assert.deepEqual((await sorted('Name', 'DESCENDING')).map((s) => s.Name), [...names].reverse());
    const statuses = (await sorted('Status', 'ASCENDING')).map((s) => s.Status!);
    assert.deepEqual(statuses, [...statuses].sort());
    const categories = (await sorted('Category', 'DESCENDING')).map((s) => s.Category!);
    assert.deepEqual(categories, [...categories].sort().reverse());
    const dates = (await sorted('CreatedDate', 'ASCENDING')).map((s) => s.CreatedDate!.getTime());
    assert.deepEqual(dates, [...dates].sort((x, y) => x - y));
    assert.equal((await sorted('CreatedDate', 'DESCENDING')).at(-1)!.Id, 'S-99');
  });

  it('pages in the store: MaxResults, NextToken, and a token of another query is refused', async () => {
    const solutions = Array.from({ length: 30 }, (_, i) => ({ id: `S-${5000 + i}`, name: `Solution ${i}` }));
    await controlOk('solutions', { accountId: A, solutions });
    const pages = [];
    for await (const page of paginateListSolutions({ client: as(A), pageSize: 7 }, { Catalog: 'Sandbox' })) pages.push(page);
    assert.equal(pages.length, Math.ceil(35 / 7));
    const all = pages.flatMap((p) => p.SolutionSummaries!.map((s) => s.Id));
    assert.equal(all.length, 35);
    assert.equal(new Set(all).size, 35);
    // Default page size: 20.
    const first = await as(A).send(new ListSolutionsCommand({ Catalog: 'Sandbox' }));
    assert.equal(first.SolutionSummaries!.length, 20);
    assert.ok(first.NextToken);
    const reply = await callRaw(endpoint, 'ListSolutions', { Catalog: 'Sandbox', NextToken: first.NextToken, Status: ['Draft'] }, A);
    assert.equal(reply.status, 400, reply.body);
    assert.equal(reply.headers['x-amzn-errortype'], 'ValidationException');
  });

  it('catalogues are per account and per catalog', async () => {
    await controlOk('solutions', { accountId: A, catalog: 'Sandbox', solutions: [{ id: 'S-1', name: 'Only A in Sandbox' }] });
    assert.ok((await ids(A)).includes('S-1'));
    assert.deepEqual(await ids(B), SEED_IDS);
    const aws = await list(A, { Catalog: 'AWS' });
    assert.deepEqual(aws.map((s) => s.Id), SEED_IDS);
    assert.ok(aws.every((s) => s.Catalog === 'AWS' && s.Arn!.includes(':catalog/AWS/')));
  });

  it('the control plane replaces a solution by id, keeps the seed, and refuses bad input with nothing written', async () => {
    const added = await controlOk('solutions', { accountId: A, solutions: [{ id: 'S-1234567', name: 'Renamed default', status: 'Inactive' }] });
    assert.equal(added.catalog, 'Sandbox');
    assert.equal(added.solutions[0].arn, `arn:aws:partnercentral:us-east-1:${A}:catalog/Sandbox/solution/S-1234567`);
    const all = await list(A);
    assert.deepEqual(all.map((s) => s.Id), SEED_IDS);
    assert.deepEqual([all.at(-1)!.Name, all.at(-1)!.Status], ['Renamed default', 'Inactive']);
    for (const body of [
      { solutions: [{ id: 'S-2', name: 'x' }] },
      { accountId: A, solutions: [] },
      { accountId: A, solutions: [{ id: 'X-2', name: 'x' }] },
      { accountId: A, solutions: [{ id: 'S-2' }] },
      { accountId: A, solutions: [{ id: 'S-2', name: 'x', status: 'Retired' }] },
      { accountId: A, solutions: [{ id: 'S-2', name: 'x', colour: 'red' }] },
      { accountId: A, solutions: [{ id: 'S-2', name: 'x' }, { id: 'S-2', name: 'y' }] },
      { accountId: A, catalog: 'Production', solutions: [{ id: 'S-2', name: 'x' }] },
    ]) {
      const res = await control(endpoint, 'solutions', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${res.body}`);
      assert.match(String(res.json().error), /\S/);
    }
    assert.ok(!(await ids(A)).includes('S-2'));
  });
});

describe('Get/PutSellingSystemSettings', () => {
  it('defaults to the catalog alone, stores per account and catalog, expands a bare role name', async () => {
    const initial = await as(A).send(new GetSellingSystemSettingsCommand({ Catalog: 'Sandbox' }));
    assert.equal(initial.Catalog, 'Sandbox');
    assert.equal(initial.ResourceSnapshotJobRoleArn, undefined);

    const put = await as(A).send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: 'PartnerSnapshotRole' }));
    assert.deepEqual([put.Catalog, put.ResourceSnapshotJobRoleArn], ['Sandbox', `arn:aws:iam::${A}:role/PartnerSnapshotRole`]);
    const arn = 'arn:aws:iam::333333333333:role/team/PartnerAccountManagementRole';
    await as(A).send(new PutSellingSystemSettingsCommand({ Catalog: 'AWS', ResourceSnapshotJobRoleIdentifier: arn }));
    assert.equal((await as(A).send(new GetSellingSystemSettingsCommand({ Catalog: 'Sandbox' }))).ResourceSnapshotJobRoleArn, `arn:aws:iam::${A}:role/PartnerSnapshotRole`);
    assert.equal((await as(A).send(new GetSellingSystemSettingsCommand({ Catalog: 'AWS' }))).ResourceSnapshotJobRoleArn, arn);
    assert.equal((await as(B).send(new GetSellingSystemSettingsCommand({ Catalog: 'Sandbox' }))).ResourceSnapshotJobRoleArn, undefined);

    // Put replaces: no role clears it.
    const cleared = await as(A).send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox' }));
    assert.equal(cleared.ResourceSnapshotJobRoleArn, undefined);
    assert.equal((await as(A).send(new GetSellingSystemSettingsCommand({ Catalog: 'Sandbox' }))).ResourceSnapshotJobRoleArn, undefined);
  });

  it('refuses a role identifier outside the model pattern, changing nothing', async () => {
    await as(A).send(new PutSellingSystemSettingsCommand({ Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: 'Kept' }));
    const reply = await callRaw(endpoint, 'PutSellingSystemSettings', { Catalog: 'Sandbox', ResourceSnapshotJobRoleIdentifier: 'arn:aws:iam::12:role/x y' }, A);
    assert.equal(reply.status, 400, reply.body);
    assert.equal(reply.headers['x-amzn-errortype'], 'ValidationException');
    assert.equal((await as(A).send(new GetSellingSystemSettingsCommand({ Catalog: 'Sandbox' }))).ResourceSnapshotJobRoleArn, `arn:aws:iam::${A}:role/Kept`);
  });
});
