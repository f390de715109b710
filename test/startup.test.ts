// Start-up and health (issue #5, items 7 and 11), with the real CLI as a child process. Every way start-up can
// fail ends the process with a non-zero code and exactly one line on stderr naming the problem and the fix, never
// a stack trace; a damaged or unwritable database is refused before the server listens; and a database that
// becomes unwritable while the server runs turns health into 503 while writes answer 500.
//
// Permissions do not stop root, so when the suite runs as root the permission cases run the CLI as `nobody`.
// A file system cannot be remounted read-only while the server holds its files open (the kernel says busy), so
// "unwritable at run time" is shown two ways that can be reproduced: pages damaged under the running server, and
// a full disk (a 1 MiB tmpfs in a private mount namespace, when this machine lets the suite create one).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePort, killAllChildren, spawnCli, startCli, waitExit, type ChildServer, type SpawnCliOptions } from './child-server.js';
import { minimalOpportunityInput } from './fixtures.js';
import { callRaw, rawRequest } from './helpers.js';
import { openStore } from '../src/store/open.js';

const IS_ROOT = process.getuid?.() === 0;
const NOBODY: SpawnCliOptions = IS_ROOT ? { uid: 65534, gid: 65534 } : {};
const PAGE = 4096;

/** Starts the CLI expecting it to refuse: non-zero exit, one line on stderr that mentions every word in `words`. */
async function expectRefusal(args: string[], words: readonly (string | RegExp)[], options: SpawnCliOptions = {}): Promise<string> {
  const child = spawnCli(['--log-level', 'info', ...args], options);
  const { code, signal } = await waitExit(child, 15_000);
  const stderr = child.stderr();
  assert.equal(signal, null, `killed by ${signal}; stderr:\n${stderr}`);
  assert.notEqual(code, 0, `exit code 0; stderr:\n${stderr}`);
  const lines = stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack frames');
  assert.match(lines[0]!, /^partnercentral-local: could not start: /);
  for (const word of words) {
    if (typeof word === 'string') assert.ok(lines[0]!.includes(word), `'${word}' missing from: ${lines[0]}`);
    else assert.match(lines[0]!, word);
  }
  return lines[0]!;
}

/** A database file with the current schema and `fillerEvents` rows in the event outbox, closed cleanly. */
async function makeDatabase(path: string, fillerEvents = 0): Promise<void> {
  await (await openStore(path)).close();
  const db = new Database(path);
  // Dated now, so the retention sweep at start-up keeps them.
  const insert = db.prepare("INSERT INTO events (id, account_id, catalog, detail_type, envelope, recorded_at_ms) VALUES (?, '111111111111', 'Sandbox', 'Filler', ?, ?)");
  db.transaction(() => {
    for (let i = 0; i < fillerEvents; i++) insert.run(`filler-${i}`, JSON.stringify({ filler: 'x'.repeat(500) }), Date.now());
  })();
  db.close(); // checkpoints the WAL into the file and removes it
}

/** Overwrites every page but the first (the header and the schema) with bytes that are no b-tree page. */
function damagePages(path: string): void {
  const pages = statSync(path).size / PAGE;
  const fd = openSync(path, 'r+');
  try {
    for (let page = 1; page < pages; page++) writeSync(fd, Buffer.alloc(PAGE, 0xa5), 0, PAGE, page * PAGE);
  } finally {
    closeSync(fd);
  }
}

/** Points the first cells of the last `count` pages (event rows) outside their page: readable, but wrong. */
function damageCells(path: string, count: number): void {
  const pages = statSync(path).size / PAGE;
  const fd = openSync(path, 'r+');
  try {
    for (let page = pages - count; page < pages; page++) writeSync(fd, Buffer.alloc(8, 0xff), 0, 8, page * PAGE + 8);
  } finally {
    closeSync(fd);
  }
}

async function health(child: ChildServer) {
  const res = await rawRequest(child.endpoint, { method: 'GET', path: '/_emulator/health' });
  return { status: res.status, body: res.json() };
}

async function createOpportunity(child: ChildServer, token: string) {
  const subject = { company: 'Startup Corp', title: 'Start-up checks', businessProblem: 'The customer needs to know when writes fail.' };
  return callRaw(child.endpoint, 'CreateOpportunity', minimalOpportunityInput(token, subject));
}

/** Whether this machine lets us make a private mount namespace with a tmpfs (root with CAP_SYS_ADMIN, Linux). */
function canMountTmpfs(dir: string): boolean {
  const probe = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs "$0"', dir]);
  return probe.status === 0;
}

/** Runs the CLI in its own mount namespace with a small tmpfs at `dir`, after `setup` (a shell command) ran there. */
function inTmpfs(dir: string, sizeKb: number, setup = 'true'): SpawnCliOptions {
  return { wrapper: ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=${sizeKb}k tmpfs "$0" && ${setup} && exec "$@"`, dir] };
}

describe('start-up', () => {
  let work: string;
  let squatter: Server;
  let busyPort: number;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'pcl-startup-'));
    chmodSync(work, 0o755); // so that `nobody` can reach what the root-run cases prepare inside
    squatter = createServer();
    busyPort = await freePort();
    await new Promise<void>((resolve) => squatter.listen(busyPort, '127.0.0.1', resolve));
  });

  after(async () => {
    await killAllChildren();
    await new Promise((resolve) => squatter.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  describe('every failure is one line naming the problem and the fix', () => {
    it('a flag value out of its range names the flag and what it takes (--read-cache)', async () => {
      for (const value of ['lots', '-1', '1.5', '', '65537']) {
        const child = spawnCli(['--read-cache', value, '--in-memory']);
        assert.equal((await waitExit(child)).code, 2);
        assert.equal(child.stderr(), 'partnercentral-local: --read-cache takes a size in MiB from 0 to 65536, or off\n');
      }
    });

    it('port in use', async () => {
      await expectRefusal(['--port', String(busyPort), '--in-memory'], [`port ${busyPort}`, 'already in use', '--port']);
    });

    it('no permission for the port (below 1024, unprivileged)', async (t) => {
      if (!IS_ROOT && Number(spawnSync('cat', ['/proc/sys/net/ipv4/ip_unprivileged_port_start']).stdout) <= 80) {
        t.skip('this machine lets anyone bind port 80');
        return;
      }
      await expectRefusal(['--port', '80', '--in-memory'], ['no permission', '127.0.0.1:80', '--port 1024'], NOBODY);
    });

    it('--host that is not an address of this machine (EADDRNOTAVAIL)', async () => {
      await expectRefusal(['--port', '0', '--host', '10.255.255.1', '--in-memory'], ['--host 10.255.255.1', 'not an address of this machine']);
    });

    it('--host that does not resolve (ENOTFOUND)', async () => {
      await expectRefusal(['--port', '0', '--host', 'no.such.host.invalid', '--in-memory'], ['--host no.such.host.invalid', 'does not resolve']);
    });

    it('--db in a directory it may not create (EACCES)', async () => {
      const locked = join(work, 'locked');
      mkdirSync(locked, { mode: 0o555 });
      const db = join(locked, 'sub', 'state.db');
      await expectRefusal(['--port', '0', '--db', db], [db, 'no permission', '--db'], NOBODY);
    });

    it('--db under a regular file (ENOTDIR)', async () => {
      const file = join(work, 'plain-file');
      writeFileSync(file, 'not a directory');
      const db = join(file, 'deeper', 'state.db');
      await expectRefusal(['--port', '0', '--db', db], [`${file} is a file, not a directory`, '--db']);
    });

    it('--db under /proc fails at once instead of spinning', async () => {
      await expectRefusal(['--port', '0', '--db', '/proc/x/state.db'], ['/proc/x/state.db', 'kernel file system', '--db']);
    });

    it('a file that is not a database', async () => {
      const file = join(work, 'notes.txt');
      writeFileSync(file, 'These are notes, not a database.\n'.repeat(200));
      await expectRefusal(['--port', '0', '--db', file], [file, 'not a partnercentral-local database', 'move it aside']);
    });

    it('a database from a newer version', async () => {
      const file = join(work, 'newer.db');
      await makeDatabase(file);
      const db = new Database(file);
      db.pragma('user_version = 99');
      db.close();
      await expectRefusal(['--port', '0', '--db', file], [file, 'schema version 99', 'Upgrade partnercentral-local']);
    });

    it('a damaged database is refused by the integrity check before listening', async () => {
      const file = join(work, 'damaged-tail.db');
      await makeDatabase(file, 200);
      damageCells(file, 3); // the schema still reads: only the check of every page finds the damage
      await expectRefusal(['--port', '0', '--db', file], [file, 'is damaged', /integrity check: Tree \d+ page \d+ cell \d+: Offset 65535 out of range/, 'more', 'restore it from a copy']);
    });

    it('a database damaged beyond reading its schema is refused too', async () => {
      const file = join(work, 'damaged-all.db');
      await makeDatabase(file, 200);
      damagePages(file);
      await expectRefusal(['--port', '0', '--db', file], [file, 'is damaged', 'malformed', 'restore it from a copy']);
    });

    it('a database file that cannot be written (read-only file)', async () => {
      const dir = join(work, 'ro-file');
      mkdirSync(dir, { mode: 0o777 });
      chmodSync(dir, 0o777); // the journal files may be created; only the database itself is read-only
      const file = join(dir, 'state.db');
      await makeDatabase(file);
      chmodSync(file, 0o444);
      await expectRefusal(['--port', '0', '--db', file], [file, 'cannot be written', 'read-only'], NOBODY);
    });

    it('a database on a read-only file system (EROFS)', async (t) => {
      const mount = join(work, 'ro-mount');
      mkdirSync(mount);
      if (!canMountTmpfs(mount)) {
        t.skip('cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)');
        return;
      }
      const source = join(work, 'for-ro-mount.db');
      await makeDatabase(source);
      const db = join(mount, 'state.db');
      const setup = `cp "${source}" "${db}" && mount -o remount,ro "$0"`;
      await expectRefusal(['--port', '0', '--db', db], [db, /read-only|cannot be opened/], inTmpfs(mount, 1024, setup));
    });

    it('SIGTERM while start-up waits ends the process at once, with one line', async (t) => {
      if (process.platform !== 'linux') {
        t.skip('watches /proc/<pid>/fd to know the check has started');
        return;
      }
      // Large enough for the check to run in a child process, which an exclusive lock held here makes wait.
      const file = join(work, 'locked.db');
      await makeDatabase(file, 70_000);
      const holder = new Database(file);
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec('BEGIN EXCLUSIVE');
      try {
        const child = spawnCli(['--port', '0', '--db', file]);
        const pid = child.proc.pid!;
        // Signal handlers are installed before the check starts: once its process has the file open, SIGTERM is ours.
        const checking = () => {
          try {
            const checkers = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
            return checkers.some((checker) => readdirSync(`/proc/${checker}/fd`).some((fd) => readlinkSync(`/proc/${checker}/fd/${fd}`) === file));
          } catch {
            return false;
          }
        };
        for (let i = 0; i < 500 && !checking(); i++) await new Promise((r) => setTimeout(r, 10));
        assert.ok(checking(), 'the integrity check opened the file');
        child.proc.kill('SIGTERM');
        const { code } = await waitExit(child, 3000);
        assert.equal(code, 143);
        const lines = child.stderr().split('\n').filter((line) => line !== '');
        assert.deepEqual(lines, ['partnercentral-local: SIGTERM received during start-up, not started']);
        assert.equal(checking(), false, 'the check went with it');
      } finally {
        holder.close();
      }
    });
  });

  describe('health follows the database', () => {
    it('answers 200 and passes the start-up checks on a good database, leaving its data unchanged', async () => {
      const file = join(work, 'good.db');
      await makeDatabase(file, 10);
      const child = await startCli(file);
      const res = await health(child);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
      child.proc.kill('SIGTERM');
      await waitExit(child);
      const db = new Database(file, { readonly: true });
      assert.equal(db.prepare("SELECT count(*) FROM meta WHERE key = 'write_probe'").pluck().get(), 0, 'the write probe leaves no row');
      assert.equal(db.prepare('SELECT count(*) FROM events').pluck().get(), 10);
      db.close();
    });

    it('pages damaged while the server runs: writes answer 500 and health 503 naming the damage', async () => {
      const file = join(work, 'damaged-later.db');
      await makeDatabase(file, 200);
      const child = await startCli(file);
      assert.equal((await health(child)).status, 200);
      damagePages(file);
      const write = await createOpportunity(child, 'damaged-1');
      assert.equal(write.status, 500, write.body);
      assert.match(String(write.json().__type), /InternalServerException$/);
      const res = await health(child);
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'unavailable');
      assert.match(String(res.body.reason), /damaged.*SQLITE_CORRUPT/);
    });

    it('a disk that fills while the server runs: writes answer 500 and health 503 naming the full disk', async (t) => {
      const mount = join(work, 'full-mount');
      mkdirSync(mount);
      if (!canMountTmpfs(mount)) {
        t.skip('cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)');
        return;
      }
      const db = join(mount, 'state.db');
      const port = await freePort();
      const child = spawnCli(['--port', String(port), '--db', db, '--log-level', 'warn'], inTmpfs(mount, 1024));
      for (let i = 0; i < 600 && (await health(child).catch(() => null))?.status !== 200; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal((await health(child)).status, 200, child.stderr());
      // Fill the server's tmpfs from inside its namespace.
      spawnSync('nsenter', ['-t', String(child.proc.pid), '-m', 'sh', '-c', `cat /dev/zero > "${join(mount, 'filler')}"`]);
      let write = await createOpportunity(child, 'full-0');
      // The first commits may still fit in space the journal already holds; keep writing until one cannot.
      for (let i = 1; i < 50 && write.status === 200; i++) write = await createOpportunity(child, `full-${i}`);
      assert.equal(write.status, 500, write.body);
      const res = await health(child);
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'unavailable');
      assert.match(String(res.body.reason), /full.*SQLITE_FULL/);
      // Freeing space makes the server writable again: the next health probe (a second later) says so.
      spawnSync('nsenter', ['-t', String(child.proc.pid), '-m', 'rm', '-f', join(mount, 'filler')]);
      let recovered = await health(child);
      for (let i = 0; i < 100 && recovered.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 25));
        recovered = await health(child);
      }
      assert.equal(recovered.status, 200);
      assert.equal((await createOpportunity(child, 'after-full')).status, 200);
    });
  });
});
