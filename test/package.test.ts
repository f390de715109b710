// The package as a user gets it: `npm pack`, an offline install into a fresh project, then, from inside that
// project, ESM import, CommonJS require, the `partnercentral-local` command and the test helper.
//
// The install stays off the network: the project gets a lock file made from this repository's (the versions
// `npm test` runs against), so `npm ci --offline` takes every tarball from npm's cache. better-sqlite3's install
// script would download a prebuilt binary or compile SQLite for a minute; instead it finds this repository's
// binary as a "local prebuild" (prebuild-install's own `<pkg>_local_prebuilds` setting), so the install scripts
// still run as they would for a user.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from './helpers.js';

const run = promisify(execFile);

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [field: string]: unknown;
}
interface Lock {
  packages: Record<string, LockEntry>;
}
interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  integrity: string;
  files: Array<{ path: string }>;
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
const SDK = '@aws-sdk/client-partnercentral-selling';
const REGISTRY = 'https://registry.npmjs.org/';

/** Where Node would find `name` when required from the package at `from` ('' is the project root). */
function locate(packages: Lock['packages'], from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/** The entries of this repository's lock that `roots` need, at the same places, without dev/peer flags. */
function lockSubset(roots: string[]): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const chosen: Record<string, LockEntry> = {};
  const visit = (from: string, name: string, optional: boolean) => {
    const at = locate(lock.packages, from, name);
    if (at === undefined) {
      if (optional) return;
      throw new Error(`package-lock.json has no ${name} reachable from '${from}'`);
    }
    if (chosen[at]) return;
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = lock.packages[at]!;
    // This repository's lock omits `resolved` (npm's omit-lockfile-registry-resolved); without it npm would ask
    // the registry for metadata. With the tarball's registry address, the cache (keyed by integrity) answers.
    const bare = name.slice(name.lastIndexOf('/') + 1);
    chosen[at] = { resolved: `${REGISTRY}${name}/-/${bare}-${entry.version}.tgz`, ...entry };
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(at, dep, false);
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) visit(at, dep, true);
    for (const dep of Object.keys(entry.peerDependencies ?? {})) visit(at, dep, entry.peerDependenciesMeta?.[dep]?.optional === true);
  };
  for (const name of roots) visit('', name, false);
  return chosen;
}

/** The file name prebuild-install looks for (its `{name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}`). */
function prebuildName(version: string): string {
  const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  const libc = process.platform === 'linux' && header?.glibcVersionRuntime === undefined ? 'musl' : '';
  return `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
}

describe('the package, installed into a fresh project', { timeout: 180_000 }, () => {
  let workDir = '';
  let project = '';
  let packed: PackResult;
  let skipReason: string | undefined;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'pcl-package-'));
    project = join(workDir, 'project');
    mkdirSync(project);
    // `npm test` has just built dist/; --ignore-scripts keeps pack from building again.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', workDir], { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
    packed = (JSON.parse(stdout) as PackResult[])[0]!;

    const sqliteBinary = join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(sqliteBinary)) {
      skipReason = 'no built better-sqlite3 in node_modules to serve as a local prebuild';
      return;
    }
    const sdkVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', SDK, 'package.json'), 'utf8')) as { version: string }).version;
    const dependencies = { [manifest.name]: `file:../${packed.filename}`, [SDK]: sdkVersion };
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', private: true, dependencies }, null, 2));
    const ownEntry = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    const packages: Record<string, LockEntry> = {
      '': { name: 'fresh-project', version: '1.0.0', dependencies },
      [`node_modules/${manifest.name}`]: {
        version: manifest.version,
        resolved: `file:../${packed.filename}`,
        integrity: packed.integrity,
        license: ownEntry.license,
        dependencies: manifest.dependencies,
        peerDependencies: ownEntry.peerDependencies as Record<string, string>,
        peerDependenciesMeta: ownEntry.peerDependenciesMeta as Record<string, { optional?: boolean }>,
        bin: ownEntry.bin,
        engines: ownEntry.engines,
      },
      ...lockSubset([...Object.keys(manifest.dependencies), SDK]),
    };
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'fresh-project', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));

    const sqliteVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as { version: string }).version;
    const prebuilds = join(workDir, 'prebuilds');
    mkdirSync(prebuilds);
    await run('tar', ['-czf', join(prebuilds, prebuildName(sqliteVersion)), '-C', join(REPO_ROOT, 'node_modules', 'better-sqlite3'), 'build/Release/better_sqlite3.node']);

    const started = Date.now();
    try {
      await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], {
        cwd: project,
        timeout: 150_000,
        maxBuffer: 16 << 20,
        env: { ...process.env, npm_config_better_sqlite3_local_prebuilds: prebuilds },
      });
    } catch (err) {
      const output = String((err as { stderr?: unknown }).stderr ?? err);
      // A cache without some tarball (a fresh machine that installed differently) is not a defect of the package.
      if (/ENOTCACHED/.test(output)) {
        skipReason = `npm's cache lacks a dependency, so an offline install is impossible here: ${output.split('\n').find((l) => l.includes('request to')) ?? output}`;
        return;
      }
      throw err;
    }
    installMs = Date.now() - started;
  });

  let installMs = 0;

  after(() => {
    if (workDir && !process.env.PCL_KEEP_PACKAGE_TEST) rmSync(workDir, { recursive: true, force: true });
  });

  /** Runs a script file written into the fresh project, with node, from the project's directory. */
  async function runScript(name: string, source: string): Promise<string> {
    writeFileSync(join(project, name), source);
    const { stdout } = await run(process.execPath, [name], { cwd: project, timeout: 60_000 });
    return stdout;
  }

  function skipped(t: TestContext): boolean {
    if (skipReason === undefined) return false;
    t.skip(skipReason);
    return true;
  }

  test('ships the compiled server, its types, the command and the README, and nothing else', () => {
    const paths = packed.files.map((f) => f.path);
    for (const needed of ['package.json', 'README.md', 'bin/partnercentral-local.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cjs/index.cjs', 'dist/src/cjs/index.d.cts', 'dist/src/testing/index.js', 'dist/src/testing/index.d.ts', 'dist/src/testing/harness.cjs', 'dist/src/testing/server-process.js', 'dist/src/cli.js']) {
      assert.ok(paths.includes(needed), `${needed} is missing from the tarball`);
    }
    const unexpected = paths.filter((p) => !(p === 'package.json' || p === 'README.md' || p === 'LICENSE' || p.startsWith('bin/') || p.startsWith('dist/src/')));
    assert.deepEqual(unexpected, []);
    const notShipped = paths.filter((p) => /\.map$|(^|\/)(test|bench|scripts)\//.test(p) || (/\.[cm]?ts$/.test(p) && !/\.d\.[cm]?ts$/.test(p)));
    assert.deepEqual(notShipped, []);
    // Today: about 130 files, 140 kB packed, 620 kB unpacked. Tests or maps slipping in would double that.
    assert.ok(packed.size < 400_000, `packed size ${packed.size}`);
    assert.ok(packed.unpackedSize < 1_500_000, `unpacked size ${packed.unpackedSize}`);
  });

  test('installs offline into an empty project', (t) => {
    if (skipped(t)) return;
    t.diagnostic(`npm ci --offline took ${installMs} ms`);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', manifest.name, 'package.json'), 'utf8')) as { version: string };
    assert.equal(installed.version, manifest.version);
    assert.ok(existsSync(join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')));
  });

  test('ESM: import { startServer } starts a server that answers /_emulator/health and serves the console', async (t) => {
    if (skipped(t)) return;
    const out = await runScript(
      'esm.mjs',
      `import { startServer, version } from 'partnercentral-local';
const server = await startServer({ port: 0, inMemory: true, logLevel: 'silent' });
const health = await fetch(server.endpoint + '/_emulator/health');
const consolePage = await fetch(server.endpoint + '/_emulator/ui/');
console.log(JSON.stringify({ resolved: import.meta.resolve('partnercentral-local'), status: health.status, body: await health.json(), version, consoleStatus: consolePage.status, consoleType: consolePage.headers.get('content-type') }));
await server.close();
`,
    );
    const result = JSON.parse(out) as { resolved: string; status: number; body: { status: string }; version: string; consoleStatus: number; consoleType: string };
    assert.ok(result.resolved.startsWith(`file://${project}/node_modules/`), result.resolved);
    assert.equal(result.status, 200);
    // The console's static files ship in the package.
    assert.equal(result.consoleStatus, 200);
    assert.match(result.consoleType, /^text\/html/);
    assert.equal(result.body.status, 'ok');
    assert.equal(result.version, manifest.version);
  });

  test('CommonJS: require() starts a server (in a child process) and the test helper calls ListOpportunities', async (t) => {
    if (skipped(t)) return;
    const out = await runScript(
      'cjs.cjs',
      `const { startServer, version } = require('partnercentral-local');
const { startTestServer } = require('partnercentral-local/testing');
const { ListOpportunitiesCommand, CreateOpportunityCommand } = require('@aws-sdk/client-partnercentral-selling');
const http = require('node:http');
const get = (url) => new Promise((resolve, reject) => http.get(url, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) })); }).on('error', reject));
(async () => {
  const server = await startServer({ port: 0, inMemory: true, logLevel: 'silent' });
  const health = await get(server.endpoint + '/_emulator/health');
  await server.close();
  const helper = await startTestServer({ seed: 'package-test', clock: { set: '2026-03-01T00:00:00Z', freeze: true } });
  const client = helper.client('222222222222');
  const empty = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
  await client.send(new CreateOpportunityCommand({ Catalog: 'Sandbox', ClientToken: 'package-test-1', Origin: 'Partner Referral' }));
  const listed = await client.send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
  const events = await helper.events({ account: '222222222222' });
  const later = await helper.clock.advance('15d');
  await helper.reset();
  const afterReset = await helper.client('222222222222').send(new ListOpportunitiesCommand({ Catalog: 'Sandbox' }));
  const clockAfterReset = await helper.clock.now();
  await helper.close();
  console.log(JSON.stringify({ resolved: require.resolve('partnercentral-local'), version, health, before: empty.OpportunitySummaries.length, after: listed.OpportunitySummaries.length, eventTypes: events.map((e) => e['detail-type']), later, afterReset: afterReset.OpportunitySummaries.length, clockAfterReset }));
})().catch((err) => { console.error(err); process.exit(1); });
`,
    );
    const result = JSON.parse(out) as Record<string, unknown> & { health: { status: number; body: { status: string } } };
    assert.equal(result.resolved, join(project, 'node_modules', manifest.name, 'dist', 'src', 'cjs', 'index.cjs'));
    assert.equal(result.version, manifest.version);
    assert.equal(result.health.status, 200);
    assert.equal(result.health.body.status, 'ok');
    assert.equal(result.before, 0);
    assert.equal(result.after, 1);
    assert.deepEqual(result.eventTypes, ['Opportunity Created']);
    assert.equal(result.later, '2026-03-16T00:00:00.000Z');
    assert.equal(result.afterReset, 0);
    assert.equal(result.clockAfterReset, '2026-03-01T00:00:00.000Z', 'reset() puts the clock back where the server started');
    // Jest runs CommonJS in a vm without dynamic import() (unless --experimental-vm-modules): the CommonJS entry
    // and what it loads must not need it.
    for (const file of ['dist/src/cjs/index.cjs', 'dist/src/testing/harness.cjs']) {
      const code = readFileSync(join(project, 'node_modules', manifest.name, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
      assert.doesNotMatch(code, /\bimport\s*\(/, file);
    }
  });

  test('ESM: the test helper from partnercentral-local/testing', async (t) => {
    if (skipped(t)) return;
    const out = await runScript(
      'helper.mjs',
      `import { startTestServer } from 'partnercentral-local/testing';
import { ListOpportunitiesCommand } from '@aws-sdk/client-partnercentral-selling';
const server = await startTestServer({ seed: 'package-test', clock: '2026-01-01T00:00:00Z' });
const listed = await server.client().send(new ListOpportunitiesCommand({ Catalog: 'AWS' }));
const same = server.client() === server.client('111111111111');
const events = await server.events();
const now = await server.clock.set('2027-06-01T12:00:00Z', { freeze: true });
await server.close();
console.log(JSON.stringify({ count: listed.OpportunitySummaries.length, same, events: events.length, now }));
`,
    );
    assert.deepEqual(JSON.parse(out), { count: 0, same: true, events: 0, now: '2027-06-01T12:00:00.000Z' });
  });

  test('npx partnercentral-local --version / -v print the version; start serves', async (t) => {
    if (skipped(t)) return;
    for (const flag of ['--version', '-v']) {
      const { stdout } = await run('npx', ['--offline', 'partnercentral-local', flag], { cwd: project, timeout: 30_000 });
      assert.equal(stdout.trim(), manifest.version);
    }
    // Its own process group, so the signal reaches the server behind npx's shell.
    const proc = spawn('npx', ['--offline', 'partnercentral-local', 'start', '--port', '0', '--in-memory'], { cwd: project, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      let stderr = '';
      const endpoint = await new Promise<string>((resolve, reject) => {
        proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const found = /listening on (http:\/\/[^\s"]+)/.exec(stderr);
          if (found) resolve(found[1]!);
        });
        void exited.then(() => reject(new Error(`partnercentral-local start exited; stderr:\n${stderr}`)));
      });
      const health = await fetch(`${endpoint}/_emulator/health`);
      assert.equal(health.status, 200);
    } finally {
      if (proc.exitCode === null && proc.pid !== undefined) process.kill(-proc.pid, 'SIGTERM');
      await exited;
    }
  });
});
