// Engine selection: a file path or ':memory:' opens SQLite; a postgres:// or postgresql:// URL opens
// PostgreSQL. Each engine module is imported on demand, so SQLite users never load `pg`.
import type { PostgresEngineOptions } from './engines/postgres.js';
import type { SqliteEngineOptions } from './engines/sqlite.js';
import type { UnitOfWorkStore } from './unit-of-work.js';

export interface OpenStoreOptions {
  sqlite?: SqliteEngineOptions;
  postgres?: PostgresEngineOptions;
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<UnitOfWorkStore> {
  if (isPostgresUrl(location)) {
    const { PostgresUnitOfWorkStore } = await import('./engines/postgres.js');
    return PostgresUnitOfWorkStore.open(location, options.postgres);
  }
  const { SqliteUnitOfWorkStore } = await import('./engines/sqlite.js');
  return new SqliteUnitOfWorkStore(location, options.sqlite);
}
