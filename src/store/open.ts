// Engine selection: a file path or ':memory:' opens SQLite; a postgres:// or postgresql:// URL opens
// PostgreSQL. Each engine module is imported on demand, so SQLite users never load `pg`.
import type { PostgresEngineOptions } from './engines/postgres.js';
import type { SqliteEngineOptions } from './engines/sqlite.js';
import type { UnitOfWorkStore } from './unit-of-work.js';

export interface OpenStoreOptions {
  sqlite?: SqliteEngineOptions;
  postgres?: PostgresEngineOptions;
  /** Refuse nested transactions with NestedTransactionError (a development check with a cost: see guardNesting). */
  guardNesting?: boolean;
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<UnitOfWorkStore> {
  if (isPostgresUrl(location)) {
    const { PostgresUnitOfWorkStore } = await import('./engines/postgres.js');
    const store = await PostgresUnitOfWorkStore.open(location, options.postgres);
    if (options.guardNesting) store.guardNesting();
    return store;
  }
  const { SqliteUnitOfWorkStore } = await import('./engines/sqlite.js');
  const store = new SqliteUnitOfWorkStore(location, options.sqlite);
  if (options.guardNesting) store.guardNesting();
  return store;
}
