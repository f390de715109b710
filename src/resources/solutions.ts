// Solutions: ListSolutions over each account's catalogue in each catalog, and the look-up AssociateOpportunity
// uses. Real solutions are built in Partner Central's console, never through this API, so the catalogue is
// read-only here: it starts with a fixed seed (the Sandbox default `S-1234567` and a few others) and grows
// through the control plane (`POST /_emulator/solutions`).
//
// Seeding is lazy: the first call that needs an (account, catalog) catalogue writes the seed, in its own short
// write transaction, so reads stay read-only afterwards. `S-1234567` marks a seeded catalogue (nothing
// deletes solutions). Lookups before that moment answer from the seed list without writing.
import type { HandlerTable } from '../context.js';
import type { ListSolutionsRequest, SolutionBase, SolutionSortName, SolutionStatus } from '../model/generated/types.js';
import { solutionKind } from '../store/kinds.js';
import type { Catalog, SolutionRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { pageFromStore } from './pagination.js';

const PREFIX = 'arn:aws:partnercentral:us-east-1';
export const solutionArn = (accountId: string, catalog: string, id: string): string => `${PREFIX}:${accountId}:catalog/${catalog}/solution/${id}`;

/** The Sandbox default of AWS's documentation ("Use the default solution S-1234567 for testing"). */
export const DEFAULT_SOLUTION_ID = 'S-1234567';

type Seed = Omit<SolutionRecord, 'accountId' | 'catalog'>;

/** Every catalogue starts with these (fixed dates, so that answers are deterministic). */
export const SEED_SOLUTIONS: readonly Seed[] = [
  { id: DEFAULT_SOLUTION_ID, name: 'Sandbox Default Solution', status: 'Active', category: 'Software Product', createdDate: '2024-01-15T00:00:00.000Z' },
  { id: 'S-0059631', name: 'Data Lake Migration', status: 'Active', category: 'Consulting Service', createdDate: '2024-03-04T00:00:00.000Z' },
  { id: 'S-0052021', name: 'Managed Kubernetes Operations', status: 'Active', category: 'Managed Service', createdDate: '2024-02-20T00:00:00.000Z' },
  { id: 'S-0040001', name: 'Legacy Backup Appliance', status: 'Inactive', category: 'Hardware Product', createdDate: '2023-06-01T00:00:00.000Z' },
  { id: 'S-0070007', name: 'GenAI Readiness Workshop', status: 'Draft', category: 'Training Service', createdDate: '2025-05-12T00:00:00.000Z' },
];

function seeded(accountId: string, catalog: Catalog, seed: Seed): SolutionRecord {
  return { accountId, catalog, ...seed };
}

async function isSeeded(uow: UnitOfWork, accountId: string, catalog: Catalog): Promise<boolean> {
  return (await uow.get(solutionKind, [accountId, catalog, DEFAULT_SOLUTION_ID])) !== undefined;
}

/** Writes the seed into the catalogue unless it is there (inside a write transaction). */
export async function ensureCatalogue(uow: UnitOfWork, accountId: string, catalog: Catalog): Promise<void> {
  if (await isSeeded(uow, accountId, catalog)) return;
  for (const seed of SEED_SOLUTIONS) {
    if ((await uow.get(solutionKind, [accountId, catalog, seed.id])) === undefined) await uow.put(solutionKind, seeded(accountId, catalog, seed));
  }
}

/** The solution `id` of the account's catalogue, seeded or added; works in read-only transactions too. */
export async function findSolution(uow: UnitOfWork, accountId: string, catalog: Catalog, id: string): Promise<SolutionRecord | undefined> {
  const stored = await uow.get(solutionKind, [accountId, catalog, id]);
  if (stored) return stored;
  if (await isSeeded(uow, accountId, catalog)) return undefined;
  const seed = SEED_SOLUTIONS.find((s) => s.id === id);
  return seed && seeded(accountId, catalog, seed);
}

/** Whether `id` is one of the account's solutions in `catalog` (any status). */
export async function solutionExists(uow: UnitOfWork, accountId: string, catalog: Catalog, id: string): Promise<boolean> {
  return (await findSolution(uow, accountId, catalog, id)) !== undefined;
}

/** Adds or replaces solutions (control plane), seeding the catalogue first so the seed is never lost. */
export async function putSolutions(uow: UnitOfWork, accountId: string, catalog: Catalog, solutions: readonly Seed[]): Promise<void> {
  await ensureCatalogue(uow, accountId, catalog);
  for (const s of solutions) await uow.put(solutionKind, seeded(accountId, catalog, s));
}

type SolutionFields = (typeof solutionKind)['fields'];

const SORT_FIELD: Readonly<Record<SolutionSortName, keyof SolutionFields & string>> = {
  Identifier: 'idOrder',
  Name: 'name',
  Status: 'status',
  Category: 'category',
  CreatedDate: 'createdDate',
};

function anyOf<T>(values: readonly T[] | undefined): readonly T[] | undefined {
  return values === undefined || values.length === 0 ? undefined : [...new Set(values)];
}

function solutionWhere(accountId: string, catalog: Catalog, input: ListSolutionsRequest): Where<SolutionFields> {
  const where: { -readonly [K in keyof Where<SolutionFields>]: Where<SolutionFields>[K] } = { accountId, catalog };
  const status = anyOf<SolutionStatus>(input.Status);
  if (status) where.status = status;
  const category = anyOf(input.Category);
  if (category) where.category = category;
  const ids = anyOf(input.Identifier);
  if (ids) where.id = ids;
  const marketplace = anyOf(input.AwsMarketplaceSolutionArn);
  if (marketplace) where.awsMarketplaceSolutionArn = marketplace;
  return where;
}

export function solutionSummary(s: SolutionRecord): SolutionBase {
  return {
    Catalog: s.catalog,
    Id: s.id,
    Arn: solutionArn(s.accountId, s.catalog, s.id),
    Name: s.name,
    Status: s.status,
    Category: s.category,
    CreatedDate: s.createdDate,
    AwsMarketplaceSolutionArn: s.awsMarketplaceSolutionArn,
  };
}

export const solutionHandlers: HandlerTable = {
  async ListSolutions(ctx, input) {
    const { store } = ctx.services;
    const page = async (uow: UnitOfWork) => {
      // Default order: Identifier (the model's documented default), ascending.
      const by = SORT_FIELD[input.Sort?.SortBy ?? 'Identifier'];
      const order = input.Sort?.SortOrder === 'DESCENDING' ? 'desc' : 'asc';
      const found = await pageFromStore(
        uow,
        solutionKind,
        { where: solutionWhere(ctx.accountId, ctx.catalog, input), sort: { by, order } },
        {
          maxResults: input.MaxResults ?? 20,
          nextToken: input.NextToken,
          fingerprint: ['ListSolutions', ctx.accountId, ctx.catalog, input.Status, input.Category, input.Identifier, input.AwsMarketplaceSolutionArn, input.Sort],
        },
      );
      return { SolutionSummaries: found.items.map(solutionSummary), NextToken: found.nextToken };
    };
    if (await store.transaction((uow) => isSeeded(uow, ctx.accountId, ctx.catalog), { readOnly: true })) {
      return store.transaction(page, { readOnly: true });
    }
    // The first read of a catalogue seeds it, in the same transaction: a refused request (a bad NextToken)
    // rolls the seed back with it, so a rejection never changes the stored state.
    return store.transaction(async (uow) => {
      await ensureCatalogue(uow, ctx.accountId, ctx.catalog);
      return page(uow);
    });
  },
};
