// Opportunity records written straight into the store, for benchmarks that need many of them fast: a
// deterministic list-shaped generator (skewed stages, spread dates, 50,000 company names) and copies of one
// opportunity the API created. Also the fill of a database file kept between runs.
import { opportunityKind } from '../src/store/kinds.js';
import { openStore } from '../src/store/open.js';
import { saveOpportunity } from '../src/resources/opportunities.js';
import type { OpportunityRecord } from '../src/store/records.js';
import type { UnitOfWorkStore } from '../src/store/unit-of-work.js';

export const LIST_ACCOUNT = '111111111111';
const STAGES = ['Prospect', 'Qualified', 'Technical Validation', 'Business Validation', 'Committed', 'Launched', 'Closed Lost', 'Closed Won'];
const REVIEW = ['Pending Submission', 'Submitted', 'In review', 'Approved', 'Rejected', 'Action Required'];
export const T0 = Date.UTC(2023, 0, 1);
export const YEAR = 365 * 86_400_000;
/** Generated ids start here, far above the ids the server hands out in a benchmark. */
export const GENERATED_ID_BASE = 5_000_000;

/** A small deterministic generator, so runs (and files filled by different runs) are comparable. */
export function listRecords(): (n: number) => OpportunityRecord {
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff) / 0x7fffffff);
  return (n) => {
    const created = T0 + Math.floor(rnd() * 2 * YEAR);
    const modified = created + Math.floor(rnd() * 30 * 86_400_000);
    const close = rnd() < 0.1 ? undefined : new Date(T0 + Math.floor(rnd() * 3 * YEAR)).toISOString().slice(0, 10);
    // Skewed stages: 'Closed Lost' is rare (about 0.5%).
    const r = rnd();
    const stage = r < 0.005 ? 'Closed Lost' : STAGES[Math.floor(r * 8) % 8 === 6 ? 0 : Math.floor(r * 8) % 8]!;
    return {
      catalog: 'Sandbox',
      id: `O${GENERATED_ID_BASE + n}`,
      accountId: LIST_ACCOUNT,
      visible: true,
      origin: 'Partner Referral',
      createdAt: new Date(created).toISOString(),
      lastModifiedAt: new Date(modified).toISOString(),
      data: {
        LifeCycle: { Stage: stage, ReviewStatus: REVIEW[Math.floor(rnd() * 6)], TargetCloseDate: close },
        Customer: { Account: { CompanyName: `Company ${Math.floor(rnd() * 50_000)}`, Industry: 'Other', WebsiteUrl: 'https://example.com' } },
        Project: { Title: `Project ${n}`, CustomerBusinessProblem: 'A problem worth solving, described in a few words.' },
        OpportunityType: 'Net New Business',
      } as OpportunityRecord['data'],
    };
  };
}

/**
 * Fills the store with `n` generated opportunities in one account, continuing where an earlier (interrupted)
 * fill stopped. Returns the seconds spent inserting (0 when the file was already full).
 */
export async function fillListStore(store: UnitOfWorkStore, n: number, batch = 20_000): Promise<number> {
  const existing = await store.transaction((uow) => uow.count(opportunityKind, { accountId: LIST_ACCOUNT }), { readOnly: true });
  if (existing >= n) return 0;
  const started = performance.now();
  const next = listRecords();
  for (let i = 0; i < existing; i++) next(i); // advance the generator past the rows already there
  for (let from = existing; from < n; from += batch) {
    await store.transaction(async (uow) => {
      for (let i = from; i < Math.min(n, from + batch); i++) await uow.put(opportunityKind, next(i));
    });
  }
  return (performance.now() - started) / 1000;
}

/** Fills (or reuses) the database at `location` with `n` list opportunities. */
export async function fillListDatabase(location: string, n: number): Promise<number> {
  const store = await openStore(location);
  try {
    return await fillListStore(store, n);
  } finally {
    await store.close();
  }
}

/**
 * Writes `count` copies of the opportunity `templateId` (created through the API) under fresh ids, and advances
 * the server's opportunity sequence past them so later creates do not collide. Returns the new ids.
 */
export async function copyOpportunity(location: string, templateId: string, count: number): Promise<string[]> {
  const store = await openStore(location);
  try {
    return await store.transaction(async (uow) => {
      const template = await uow.get(opportunityKind, ['Sandbox', templateId]);
      if (!template) throw new Error(`opportunity ${templateId} not found in ${store.location}`);
      const sequence = (await uow.listSequences()).opportunity ?? 0;
      const base = Number(templateId.slice(1)) - sequence; // ids are O<base + sequence value>
      const ids: string[] = [];
      for (let i = 1; i <= count; i++) {
        const id = `O${base + sequence + i}`;
        ids.push(id);
        // Through the resource module's writer, so each copy carries its rendered view as the API's do.
        await saveOpportunity(uow, { ...template, id });
      }
      await uow.setSequence('opportunity', sequence + count);
      return ids;
    });
  } finally {
    await store.close();
  }
}
