// Running boto3 scripts and the AWS CLI against a test server, for the suites under test/py's scripts.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers.js';

/** test/py: the Python scripts (not compiled, so they stay under the repository root). */
export const PY_DIR = join(REPO_ROOT, 'test', 'py');

let pythonChecked: boolean | null = null;
/** True when python3 with boto3 is installed; Python-based tests skip otherwise. */
export function hasBoto3(): boolean {
  if (pythonChecked === null) {
    const r = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
    pythonChecked = r.status === 0;
  }
  return pythonChecked;
}

/** True when the `aws` CLI is installed; CLI-based tests skip otherwise. */
export function hasAwsCli(): boolean {
  const r = spawnSync('aws', ['--version'], { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/**
 * The environment of a fresh AWS user: nothing from the caller's own AWS configuration leaks in (no AWS_*
 * variables, config and credentials files that do not exist, no instance metadata), plus `extra`.
 */
export function cleanAwsEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value;
  return {
    ...env,
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(PY_DIR, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(PY_DIR, 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    PYTHONDONTWRITEBYTECODE: '1',
    ...extra,
  };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` to completion within `timeoutMs`; a non-zero exit is a result, failing to run is an error.
 * Asynchronous on purpose: the in-process server answering the child runs on this event loop.
 */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new Error(`${command} ${args.join(' ')} failed to run (${err.message}); stderr:\n${stderr}`));
        return;
      }
      resolveRun({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}
