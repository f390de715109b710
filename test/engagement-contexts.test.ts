// CreateEngagement, CreateEngagementContext, UpdateEngagementContext, and ListEngagements /
// ListEngagementResourceAssociations paged in the database, black-box through the official SDK (raw HTTP where
// the status code matters). Spec: behavior.md §4.1, §4.2, §5.3, §5.4, §6, §7.2; rules/quotas.ts.
//
// Every test starts from a reset server with the business clock frozen at T0, so every timestamp is exact.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEngagementCommand,
  CreateEngagementContextCommand,
  GetEngagementCommand,
  ListEngagementMembersCommand,
  ListEngagementResourceAssociationsCommand,
  ListEngagementsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  UpdateEngagementContextCommand,
  paginateListEngagementResourceAssociations,
  paginateListEngagements,
  type EngagementContextDetails,
  type EngagementContextPayload,
  type EngagementContextType,
  type ListEngagementsCommandInput,
} from '@aws-sdk/client-partnercentral-selling';
import { partnerOpportunity } from './fixtures.js';
import { AccountClients, callRaw, controlOk as controlOkAt, eventsOf, sdkError, serverPerSuite } from './helpers.js';

const T0 = '2026-10-01T08:00:00.125Z';
const OWNER = '111111111111';
const PARTNER = '222222222222';
const OUTSIDER = '999999999999';
const SERVICE_NS = 'com.amazonaws.partnercentralselling#';

const at = (offsetMs: number) => new Date(Date.parse(T0) + offsetMs).toISOString();
const engagementArn = (id: string, catalog = 'Sandbox') => `arn:aws:partnercentral:us-east-1::catalog/${catalog}/engagement/${id}`;

const customerProject = (title: string): EngagementContextPayload => ({
  CustomerProject: {
    Customer: { CompanyName: 'Orbital Farms', CountryCode: 'US', Industry: 'Agriculture' as const, WebsiteUrl: 'https://orbital.example.com' },
    Project: { Title: title, BusinessProblem: 'Crop analytics must move off the ageing on-premises cluster.', TargetCompletionDate: '2027-03-31' },
  },
});
const contact = { BusinessTitle: 'CTO', Email: 'cto@lead.example.com', FirstName: 'Ada', LastName: 'Lovelace' };
const lead = (company: string) => ({ Lead: { Customer: { CompanyName: company }, Interactions: [{ BusinessProblem: 'Slow reports', Contact: contact }] } });
const prospecting = { ProspectingResult: { Aws: { Customer: { AccountName: 'Orbital Farms', Country: 'US' } } } };
const payloadOf = { CustomerProject: customerProject('Project'), Lead: lead('Lead Co'), ProspectingResult: prospecting } as const;

let endpoint: string;
const clients = new AccountClients(() => endpoint);
const as = (account: string) => clients.of(account);
const controlOk = (path: string, body?: unknown) => controlOkAt(endpoint, path, body);
const advance = (by: number) => controlOk('clock', { advance: by });

async function create(account: string, token: string, contexts: EngagementContextDetails[] = [], extra: { Title?: string; Catalog?: string } = {}) {
  return as(account).send(
    new CreateEngagementCommand({ Catalog: extra.Catalog ?? 'Sandbox', ClientToken: token, Title: extra.Title ?? `Engagement ${token}`, Description: 'Shared work', Contexts: contexts }),
  );
}

/** PARTNER joins OWNER's engagement through a partner invitation accepted with the task. */
async function join(engagementId: string, account = PARTNER) {
  const inv = await controlOk('invitations', { receiverAccountId: account, senderAccountId: OWNER, catalog: 'Sandbox', opportunity: partnerOpportunity(), engagementId });
  const task = await as(account).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: inv.invitationId, ClientToken: `join-${inv.invitationId}` }));
  assert.equal(task.TaskStatus, 'COMPLETE', task.Message);
}

const engagementEvents = async (account: string) =>
  (await eventsOf(endpoint, { account })).filter((e) => String(e['detail-type']).startsWith('Engagement Created') || e['detail-type'] === 'Engagement Updated');

serverPerSuite(T0, (started) => {
  endpoint = started.endpoint;
}, clients);

describe('CreateEngagement', () => {
  it('creates the engagement with numbered contexts, the caller as its only member, and Engagement Created to the caller', async () => {
    const created = await create(OWNER, 'c1', [
      { Type: 'CustomerProject', Payload: customerProject('Crop analytics') },
      { Type: 'Lead', Payload: lead('Lead Co') },
    ]);
    assert.match(created.Id!, /^eng-[0-9a-z]{14}$/);
    assert.equal(created.Arn, engagementArn(created.Id!));
    assert.equal(created.ModifiedAt?.toISOString(), T0);

    const { $metadata: _m, ...got } = await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: created.Arn }));
    assert.deepEqual(got, {
      Id: created.Id,
      Arn: created.Arn,
      Title: 'Engagement c1',
      Description: 'Shared work',
      CreatedAt: new Date(T0),
      CreatedBy: OWNER,
      MemberCount: 1,
      ModifiedAt: new Date(T0),
      ModifiedBy: OWNER,
      Contexts: [
        { Id: '1', Type: 'CustomerProject', Payload: customerProject('Crop analytics') },
        { Id: '2', Type: 'Lead', Payload: lead('Lead Co') },
      ],
    });
    const members = await as(OWNER).send(new ListEngagementMembersCommand({ Catalog: 'Sandbox', Identifier: created.Id }));
    assert.deepEqual(members.EngagementMemberList?.map((m) => m.AccountId), [OWNER]);

    const events = await engagementEvents(OWNER);
    assert.equal(events.length, 1);
    assert.equal(events[0]!['detail-type'], 'Engagement Created');
    assert.deepEqual(events[0]!.resources, [created.Arn]);
    assert.deepEqual(events[0]!.detail, {
      catalog: 'Sandbox',
      engagement: { engagementArn: created.Arn, engagementId: created.Id, CreatedAt: T0, CreatedBy: OWNER, ContextTypes: ['CustomerProject', 'Lead'] },
    });
    assert.deepEqual(await engagementEvents(PARTNER), [], 'nobody else hears of it');
  });

  it('is idempotent by ClientToken per account; a reused token with another body is a ConflictException', async () => {
    const first = await create(OWNER, 'same');
    await advance(1000);
    const again = await create(OWNER, 'same');
    assert.equal(again.Id, first.Id);
    assert.equal(again.ModifiedAt?.toISOString(), T0);
    const err = await sdkError(create(OWNER, 'same', [], { Title: 'Another title' }), 'ConflictException');
    assert.equal(err.message, 'Conflicting client token submitted for a new request body.');
    const other = await create(PARTNER, 'same');
    assert.notEqual(other.Id, first.Id, 'tokens are scoped to the account');
    assert.equal((await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox' }))).EngagementSummaryList?.length, 1);
    assert.equal((await engagementEvents(OWNER)).length, 1, 'a replay emits nothing');
  });

  it('a context whose payload is of another type is refused and nothing is stored', async () => {
    const reply = await callRaw(endpoint, 'CreateEngagement', { Catalog: 'Sandbox', ClientToken: 'mismatch', Contexts: [{ Type: 'Lead', Payload: customerProject('x') }] }, OWNER);
    assert.equal(reply.status, 400, reply.body);
    assert.equal(reply.json().__type, `${SERVICE_NS}ValidationException`);
    assert.deepEqual((reply.json().ErrorList as Array<{ FieldName: string }>).map((e) => e.FieldName), ['contexts.payload']);
    assert.equal((await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox' }))).EngagementSummaryList?.length, 0);
    assert.deepEqual(await engagementEvents(OWNER), []);
  });

  it('is isolated by catalog: an AWS-catalog engagement is not found from Sandbox', async () => {
    const prod = await create(OWNER, 'prod', [], { Catalog: 'AWS' });
    assert.equal(prod.Arn, engagementArn(prod.Id!, 'AWS'));
    await sdkError(as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: prod.Id })), 'ResourceNotFoundException');
    assert.equal((await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox' }))).EngagementSummaryList?.length, 0);
    assert.equal((await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'AWS' }))).EngagementSummaryList?.[0]?.Id, prod.Id);
  });
});

describe('CreateEngagementContext', () => {
  it('adds the next context, moves ModifiedAt/ModifiedBy, and tells every member with Engagement Updated', async () => {
    const { Id } = await create(OWNER, 'ctx', [{ Type: 'Lead', Payload: lead('Lead Co') }]);
    await advance(60_000);
    await join(Id!);
    await advance(60_000);
    const before = { owner: (await eventsOf(endpoint, { account: OWNER })).length, partner: (await eventsOf(endpoint, { account: PARTNER })).length };
    const added = await as(PARTNER).send(
      new CreateEngagementContextCommand({ Catalog: 'Sandbox', EngagementIdentifier: engagementArn(Id!), ClientToken: 'add-1', Type: 'CustomerProject', Payload: customerProject('Phase 2') }),
    );
    const { $metadata: _m, ...fields } = added;
    assert.deepEqual(fields, { EngagementId: Id, EngagementArn: engagementArn(Id!), EngagementLastModifiedAt: new Date(at(120_000)), ContextId: '2' });

    const got = await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }));
    assert.deepEqual(got.Contexts?.map((c) => [c.Id, c.Type]), [['1', 'Lead'], ['2', 'CustomerProject']]);
    assert.equal(got.ModifiedAt?.toISOString(), at(120_000));
    assert.equal(got.ModifiedBy, PARTNER);
    assert.equal(got.MemberCount, 2);

    const expected = {
      'detail-type': 'Engagement Updated',
      resources: [engagementArn(Id!)],
      detail: {
        catalog: 'Sandbox',
        engagement: { engagementArn: engagementArn(Id!), engagementId: Id, LastModifiedAt: at(120_000), LastModifiedBy: PARTNER, ContextTypes: ['CustomerProject', 'Lead'] },
      },
    };
    for (const [account, from] of [[OWNER, before.owner], [PARTNER, before.partner]] as const) {
      const news = (await eventsOf(endpoint, { account })).slice(from);
      assert.deepEqual(news.map((e) => ({ 'detail-type': e['detail-type'], resources: e.resources, detail: e.detail })), [expected], account);
    }

    // Replay: same answer, no second context, no second event.
    await advance(1000);
    const replay = await as(PARTNER).send(
      new CreateEngagementContextCommand({ Catalog: 'Sandbox', EngagementIdentifier: engagementArn(Id!), ClientToken: 'add-1', Type: 'CustomerProject', Payload: customerProject('Phase 2') }),
    );
    assert.equal(replay.ContextId, '2');
    assert.equal(replay.EngagementLastModifiedAt?.toISOString(), at(120_000));
    assert.equal((await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).Contexts?.length, 2);
    assert.equal((await eventsOf(endpoint, { account: OWNER })).length, before.owner + 1);
  });

  it('non-member → AccessDeniedException, unknown or other-catalog engagement → ResourceNotFoundException, state unchanged', async () => {
    const { Id } = await create(OWNER, 'guarded');
    const add = (account: string, EngagementIdentifier: string, Catalog = 'Sandbox') =>
      as(account).send(new CreateEngagementContextCommand({ Catalog, EngagementIdentifier, ClientToken: `t-${account}-${Catalog}`, Type: 'Lead', Payload: lead('X') }));
    await sdkError(add(OUTSIDER, Id!), 'AccessDeniedException');
    await sdkError(add(OWNER, 'eng-abcdefghij0123'), 'ResourceNotFoundException');
    await sdkError(add(OWNER, Id!, 'AWS'), 'ResourceNotFoundException');
    const got = await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }));
    assert.deepEqual(got.Contexts, []);
    assert.equal(got.ModifiedAt?.toISOString(), T0);
    assert.deepEqual((await engagementEvents(OWNER)).map((e) => e['detail-type']), ['Engagement Created']);
  });

  it('a sixth context → ServiceQuotaExceededException (HTTP 402), nothing stored', async () => {
    const five = (['CustomerProject', 'Lead', 'ProspectingResult', 'Lead', 'CustomerProject'] as const).map((Type) => ({ Type, Payload: payloadOf[Type] }));
    const { Id } = await create(OWNER, 'full', five as EngagementContextDetails[]);
    const reply = await callRaw(endpoint, 'CreateEngagementContext', { Catalog: 'Sandbox', EngagementIdentifier: Id, ClientToken: 'sixth', Type: 'Lead', Payload: lead('Six') }, OWNER);
    assert.equal(reply.status, 402, reply.body);
    assert.equal(reply.json().__type, `${SERVICE_NS}ServiceQuotaExceededException`);
    assert.match(String(reply.json().Message), /already has 5 contexts; the most it can have is 5/);
    assert.equal((await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).Contexts?.length, 5);
    assert.deepEqual((await engagementEvents(OWNER)).map((e) => e['detail-type']), ['Engagement Created']);
  });

  it('an eleventh member → the accept task fails with ServiceQuotaExceeded', async () => {
    const { Id } = await create(OWNER, 'crowded');
    for (let i = 1; i <= 9; i++) await join(Id!, `30000000000${i}`);
    assert.equal((await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).MemberCount, 10);
    const inv = await controlOk('invitations', { receiverAccountId: PARTNER, senderAccountId: OWNER, catalog: 'Sandbox', opportunity: partnerOpportunity(), engagementId: Id });
    const task = await as(PARTNER).send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', Identifier: inv.invitationId, ClientToken: 'eleventh' }));
    assert.equal(task.TaskStatus, 'FAILED');
    assert.equal(task.ReasonCode, 'ServiceQuotaExceeded');
    assert.equal((await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).MemberCount, 10);
  });
});

describe('UpdateEngagementContext', () => {
  async function engagementWithLead() {
    const { Id } = await create(OWNER, 'upd', [{ Type: 'Lead', Payload: lead('Lead Co') }, { Type: 'CustomerProject', Payload: customerProject('One') }]);
    await advance(60_000);
    await join(Id!);
    await advance(60_000);
    return Id!;
  }
  const update = (account: string, Id: string, last: Date | string, extra: Partial<{ ContextIdentifier: string; Type: EngagementContextType; Payload: object }> = {}) =>
    as(account).send(
      new UpdateEngagementContextCommand({
        Catalog: 'Sandbox',
        EngagementIdentifier: Id,
        ContextIdentifier: extra.ContextIdentifier ?? '1',
        EngagementLastModifiedAt: new Date(last),
        Type: extra.Type ?? 'Lead',
        Payload: (extra.Payload ?? {
          Lead: { Customer: { CompanyName: 'Lead Co (renamed)' }, QualificationStatus: 'Qualified', Interaction: { BusinessProblem: 'Still slow', Contact: contact } },
        }) as never,
      }),
    );

  it('updates with the current EngagementLastModifiedAt: a lead keeps its interactions and gains the new one; Engagement Updated to every member', async () => {
    const Id = await engagementWithLead();
    const current = (await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).ModifiedAt!;
    assert.equal(current.toISOString(), at(60_000), 'the join moved ModifiedAt');
    const before = { owner: (await eventsOf(endpoint, { account: OWNER })).length, partner: (await eventsOf(endpoint, { account: PARTNER })).length };
    const { $metadata: _m, ...reply } = await update(OWNER, Id, current);
    assert.deepEqual(reply, { EngagementId: Id, EngagementArn: engagementArn(Id), EngagementLastModifiedAt: new Date(at(120_000)), ContextId: '1' });

    const got = await as(PARTNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }));
    assert.deepEqual(got.Contexts?.[0], {
      Id: '1',
      Type: 'Lead',
      Payload: {
        Lead: {
          Customer: { CompanyName: 'Lead Co (renamed)' },
          QualificationStatus: 'Qualified',
          Interactions: [{ BusinessProblem: 'Slow reports', Contact: contact }, { BusinessProblem: 'Still slow', Contact: contact }],
        },
      },
    });
    assert.deepEqual(got.Contexts?.[1], { Id: '2', Type: 'CustomerProject', Payload: customerProject('One') });
    assert.equal(got.ModifiedBy, OWNER);
    for (const [account, from] of [[OWNER, before.owner], [PARTNER, before.partner]] as const) {
      const news = (await eventsOf(endpoint, { account })).slice(from);
      assert.deepEqual(news.map((e) => e['detail-type']), ['Engagement Updated'], account);
      assert.deepEqual((news[0]!.detail as { engagement: unknown }).engagement, {
        engagementArn: engagementArn(Id),
        engagementId: Id,
        LastModifiedAt: at(120_000),
        LastModifiedBy: OWNER,
        ContextTypes: ['CustomerProject', 'Lead'],
      });
    }

    // A CustomerProject context is replaced as sent.
    const next = await update(PARTNER, Id, reply.EngagementLastModifiedAt!, { ContextIdentifier: '2', Type: 'CustomerProject', Payload: customerProject('Two') });
    assert.equal(next.ContextId, '2');
    assert.deepEqual((await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).Contexts?.[1]?.Payload, customerProject('Two'));
  });

  it('a stale EngagementLastModifiedAt (even by one millisecond) → ConflictException, nothing changes', async () => {
    const Id = await engagementWithLead();
    const current = Date.parse(at(60_000));
    await sdkError(update(OWNER, Id, new Date(current - 1)), 'ConflictException');
    await sdkError(update(OWNER, Id, new Date(current + 1)), 'ConflictException');
    await sdkError(update(OWNER, Id, T0), 'ConflictException');
    const got = await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }));
    assert.equal(got.ModifiedAt?.toISOString(), at(60_000));
    assert.deepEqual(got.Contexts?.[0]?.Payload, lead('Lead Co'));
    // After a successful update, the previous value is stale.
    await update(OWNER, Id, new Date(current));
    await sdkError(update(PARTNER, Id, new Date(current)), 'ConflictException');
  });

  it('non-member → AccessDenied; unknown engagement or context → ResourceNotFound; a type change → ValidationException', async () => {
    const Id = await engagementWithLead();
    const current = at(60_000);
    await sdkError(update(OUTSIDER, Id, current), 'AccessDeniedException');
    await sdkError(update(OWNER, 'eng-abcdefghij0123', current), 'ResourceNotFoundException');
    await sdkError(update(OWNER, Id, current, { ContextIdentifier: '9' }), 'ResourceNotFoundException');
    const err = await sdkError(update(OWNER, Id, current, { Type: 'CustomerProject', Payload: customerProject('x') }), 'ValidationException');
    assert.equal(err.Reason, 'BUSINESS_VALIDATION_FAILED');
    const mismatch = await sdkError(update(OWNER, Id, current, { Type: 'Lead', Payload: customerProject('x') }), 'ValidationException');
    assert.deepEqual(mismatch.ErrorList?.map((e: { FieldName: string }) => e.FieldName), ['payload']);
    assert.equal((await as(OWNER).send(new GetEngagementCommand({ Catalog: 'Sandbox', Identifier: Id }))).ModifiedAt?.toISOString(), current);
  });
});

describe('ListEngagements in the database', () => {
  const TYPE_MIXES: EngagementContextType[][] = [[], ['Lead'], ['CustomerProject'], ['ProspectingResult'], ['Lead', 'CustomerProject'], ['Lead', 'ProspectingResult'], ['CustomerProject', 'Lead', 'ProspectingResult']];
  const CREATORS = [OWNER, PARTNER];

  /** 240 engagements, one second apart: creators alternate, context mixes cycle; PARTNER joins every 7th of OWNER's. */
  async function many() {
    const made: Array<{ id: string; createdBy: string; createdAt: string; types: Set<string>; members: Set<string> }> = [];
    for (let i = 0; i < 240; i++) {
      const createdBy = CREATORS[i % 2]!;
      const types = TYPE_MIXES[i % TYPE_MIXES.length]!;
      const created = await create(createdBy, `bulk-${i}`, types.map((Type) => ({ Type, Payload: payloadOf[Type] })) as EngagementContextDetails[]);
      made.push({ id: created.Id!, createdBy, createdAt: at(i * 1000), types: new Set(types), members: new Set([createdBy]) });
      await advance(1000);
    }
    // Memberships across accounts: OWNER's engagements 0, 14, 28 … get PARTNER as a member.
    for (const e of made.filter((_e, i) => i % 14 === 0)) {
      await join(e.id);
      e.members.add(PARTNER);
    }
    return made;
  }

  async function listAll(account: string, input: Omit<ListEngagementsCommandInput, 'Catalog'>, pageSize: number) {
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListEngagements({ client: as(account), pageSize }, { Catalog: 'Sandbox', ...input })) {
      pages++;
      assert.ok(page.EngagementSummaryList!.length <= pageSize);
      ids.push(...page.EngagementSummaryList!.map((e) => e.Id!));
    }
    return { ids, pages };
  }

  it('every filter and both sort orders, paged, equal the same selection made by hand', async () => {
    const made = await many();
    const cases: Array<Omit<ListEngagementsCommandInput, 'Catalog'>> = [
      {},
      { Sort: { SortBy: 'CreatedDate', SortOrder: 'ASCENDING' } },
      { ContextTypes: ['Lead'] },
      { ContextTypes: ['ProspectingResult', 'CustomerProject'], Sort: { SortBy: 'CreatedDate', SortOrder: 'ASCENDING' } },
      { ExcludeContextTypes: ['Lead'] },
      { ContextTypes: ['CustomerProject'], ExcludeContextTypes: ['ProspectingResult'] },
      { CreatedBy: [PARTNER] },
      { ExcludeCreatedBy: [OWNER] },
      { CreatedBy: [OWNER, PARTNER], ExcludeCreatedBy: [PARTNER], ContextTypes: ['Lead'] },
      { EngagementIdentifier: [made[0]!.id, engagementArn(made[2]!.id), made[1]!.id] },
    ];
    for (const account of [OWNER, PARTNER]) {
      for (const input of cases) {
        const ascending = input.Sort?.SortOrder === 'ASCENDING';
        const wantedIds = input.EngagementIdentifier?.map((x) => x.split('/').pop()!);
        const expected = made
          .filter(
            (e) =>
              e.members.has(account) &&
              (!wantedIds || wantedIds.includes(e.id)) &&
              (!input.CreatedBy || input.CreatedBy.includes(e.createdBy)) &&
              !(input.ExcludeCreatedBy ?? []).includes(e.createdBy) &&
              (!input.ContextTypes || input.ContextTypes.some((t) => e.types.has(t))) &&
              !(input.ExcludeContextTypes ?? []).some((t) => e.types.has(t)),
          )
          .sort((a, b) => (ascending ? 1 : -1) * (Date.parse(a.createdAt) - Date.parse(b.createdAt)))
          .map((e) => e.id);
        const { ids, pages } = await listAll(account, input, 17);
        assert.deepEqual(ids, expected, `${account} ${JSON.stringify(input)}`);
        assert.equal(pages, Math.max(1, Math.ceil(expected.length / 17)), 'no empty trailing page');
      }
    }
  });

  it('summaries carry ContextTypes, MemberCount and ModifiedAt/ModifiedBy; a new context moves an engagement between filters', async () => {
    const a = await create(OWNER, 'a', [{ Type: 'Lead', Payload: lead('A') }]);
    await advance(1000);
    const b = await create(OWNER, 'b');
    await advance(1000);
    await join(b.Id!);
    const page = await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox' }));
    const { $metadata: _m, ...body } = page;
    assert.deepEqual(body, {
      EngagementSummaryList: [
        { Arn: engagementArn(b.Id!), Id: b.Id, Title: 'Engagement b', CreatedAt: new Date(at(1000)), CreatedBy: OWNER, MemberCount: 2, ModifiedAt: new Date(at(2000)), ModifiedBy: PARTNER, ContextTypes: [] },
        { Arn: engagementArn(a.Id!), Id: a.Id, Title: 'Engagement a', CreatedAt: new Date(T0), CreatedBy: OWNER, MemberCount: 1, ModifiedAt: new Date(T0), ModifiedBy: OWNER, ContextTypes: ['Lead'] },
      ],
    });
    const leads = async (account: string) =>
      (await as(account).send(new ListEngagementsCommand({ Catalog: 'Sandbox', ContextTypes: ['Lead'] }))).EngagementSummaryList!.map((e) => e.Id);
    assert.deepEqual(await leads(PARTNER), []);
    await as(PARTNER).send(new CreateEngagementContextCommand({ Catalog: 'Sandbox', EngagementIdentifier: b.Id, ClientToken: 'lead-b', Type: 'Lead', Payload: lead('B') }));
    assert.deepEqual(await leads(PARTNER), [b.Id], 'every member record follows the new context');
    assert.deepEqual(await leads(OWNER), [b.Id, a.Id]);
    const noLeads = await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox', ExcludeContextTypes: ['Lead'] }));
    assert.deepEqual(noLeads.EngagementSummaryList, []);
  });

  it('a NextToken is refused when the filters change', async () => {
    for (let i = 0; i < 3; i++) await create(OWNER, `t${i}`, [{ Type: 'Lead', Payload: lead('T') }]);
    const first = await as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox', MaxResults: 1, ContextTypes: ['Lead'] }));
    assert.ok(first.NextToken);
    await sdkError(as(OWNER).send(new ListEngagementsCommand({ Catalog: 'Sandbox', MaxResults: 1, NextToken: first.NextToken })), 'ValidationException');
  });
});

describe('ListEngagementResourceAssociations in the database', () => {
  it("members see every link of their engagements, a new member included; non-members see none; pages in link order", async () => {
    const { Id } = await create(OWNER, 'links');
    const joined: string[] = [];
    for (let i = 1; i <= 5; i++) {
      await advance(1000);
      await join(Id!, `30000000000${i}`);
      joined.push(`30000000000${i}`);
    }
    const linksAs = async (account: string, input: { ResourceIdentifier?: string; CreatedBy?: string } = {}) => {
      const out: Array<[string, string]> = [];
      for await (const page of paginateListEngagementResourceAssociations({ client: as(account), pageSize: 2 }, { Catalog: 'Sandbox', ...input })) {
        out.push(...page.EngagementResourceAssociationSummaries!.map((s) => [s.CreatedBy!, s.ResourceId!] as [string, string]));
      }
      return out;
    };
    const all = await linksAs(OWNER);
    // Each joining partner's own opportunity; the control plane's sender opportunities are linked as AWS shows them.
    const partnerLinks = all.filter(([by]) => joined.includes(by)).map(([by]) => by);
    assert.deepEqual(partnerLinks, joined, 'oldest link first');
    assert.deepEqual(await linksAs(joined[0]!), all, 'the first joiner sees the later links too');
    assert.deepEqual(await linksAs(joined[4]!), all, 'the last joiner sees the earlier links');
    assert.deepEqual(await linksAs(OUTSIDER), []);
    const one = all.find(([by]) => by === joined[2])!;
    assert.deepEqual(await linksAs(OWNER, { ResourceIdentifier: one[1] }), [one]);
    assert.deepEqual(await linksAs(OWNER, { CreatedBy: joined[3] }), all.filter(([by]) => by === joined[3]));
    const byEngagement = await as(OUTSIDER).send(new ListEngagementResourceAssociationsCommand({ Catalog: 'Sandbox', EngagementIdentifier: Id }));
    assert.deepEqual(byEngagement.EngagementResourceAssociationSummaries, []);
  });
});
