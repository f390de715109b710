// `--seed-file scenario.json`: a scenario loaded at start-up, after the store opens and before the server
// listens. It is loaded once per database: a metadata entry (`seed_file`) remembers the file's digest, so a
// restart on the same database does not load it twice (an in-memory database is always new). The parts that
// live in the process (account names, `config`) are applied at every start. A file that cannot be read or is
// not a valid scenario stops the start with one line naming the problem.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Services } from '../context.js';
import { StartupError } from '../startup.js';
import { applyProcessSettings, applyScenario, checkScenario, type Scenario } from './scenario.js';

const MARKER_KEY = 'seed_file';

interface SeedMarker {
  sha256: string;
  path: string;
  loadedAt: string;
}

// The only two places that touch the store directly.
async function readMarker(services: Services): Promise<SeedMarker | undefined> {
  const text = await services.store.readMeta(MARKER_KEY);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as SeedMarker;
  } catch {
    return undefined;
  }
}

async function writeMarker(services: Services, marker: SeedMarker): Promise<void> {
  await services.store.transaction((uow) => uow.setMeta(MARKER_KEY, JSON.stringify(marker)));
}

function parseSeedFile(path: string): { scenario: Scenario; sha256: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new StartupError(`--seed-file ${path} cannot be read (${(err as { code?: string }).code ?? (err as Error).message}).`, err);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StartupError(`--seed-file ${path} is not JSON: ${(err as Error).message}.`, err);
  }
  try {
    return { scenario: checkScenario(parsed), sha256: createHash('sha256').update(text).digest('hex') };
  } catch (err) {
    throw new StartupError(`--seed-file ${path}: ${(err as Error).message}`, err);
  }
}

export async function loadSeedFile(services: Services, path: string): Promise<void> {
  const { scenario, sha256 } = parseSeedFile(path);
  const { log } = services;
  const marker = await readMarker(services);
  if (marker) {
    await applyProcessSettings(services, scenario);
    if (marker.sha256 === sha256) log.info(`seed file ${path} was loaded into this database on ${marker.loadedAt}; not loading it again`);
    else log.warn(`seed file ${path} changed since a seed file was loaded into this database (${marker.loadedAt}); not loading it again: start on a new database, or POST it to /_emulator/scenario`);
    return;
  }
  let result;
  try {
    result = await applyScenario(services, scenario, 'seed-file');
  } catch (err) {
    throw new StartupError(`--seed-file ${path}: ${(err as Error).message}`, err);
  }
  await writeMarker(services, { sha256, path, loadedAt: new Date().toISOString() });
  const opportunities = result.accounts.reduce((n, a) => n + a.opportunities.length, 0);
  const invitations = result.accounts.reduce((n, a) => n + a.invitations.length, 0);
  log.info(`seed file ${path} loaded: ${result.accounts.length} accounts, ${opportunities} opportunities, ${invitations} invitations`);
}
