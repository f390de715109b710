// The main end-to-end suites again, on PostgreSQL: each runs in a child `node --test` with PCL_TEST_ENGINE=postgres,
// so every `startTestServer` of it opens a fresh schema instead of an in-memory SQLite (test/helpers.ts). Skipped,
// not failed, where no PostgreSQL answers at PCL_TEST_POSTGRES_URL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { postgresUnreachable, REPO_ROOT } from './helpers.js';

const SUITES = [
  'opportunities',
  'opportunity-view',
  'accept-invitation',
  'engagement-invitations',
  'engagements',
  'tags',
  'multi-partner',
  'control-plane',
  'event-delivery',
];

const skip = await postgresUnreachable();

interface ChildRun {
  code: number | null;
  output: string;
}

function runSuite(name: string): Promise<ChildRun> {
  const file = join(REPO_ROOT, 'dist', 'test', `${name}.test.js`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', file], {
      cwd: REPO_ROOT,
      env: { ...process.env, PCL_TEST_ENGINE: 'postgres', NODE_TEST_CONTEXT: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** The counts the child's reporter printed at the end (`ℹ pass 12`). */
function countOf(output: string, what: 'pass' | 'fail' | 'tests'): number {
  const match = new RegExp(`^ℹ ${what} (\\d+)$`, 'm').exec(output);
  return match ? Number(match[1]) : -1;
}

describe('the end-to-end suites on PostgreSQL', { skip, concurrency: 3 }, () => {
  for (const name of SUITES) {
    it(`${name}.test passes on a fresh PostgreSQL schema per server`, async () => {
      const run = await runSuite(name);
      const tail = run.output.slice(-6000);
      assert.equal(run.code, 0, `${name} failed on PostgreSQL:\n${tail}`);
      assert.equal(countOf(run.output, 'fail'), 0, tail);
      assert.ok(countOf(run.output, 'pass') > 0, `${name} ran no test:\n${tail}`);
    });
  }
});
