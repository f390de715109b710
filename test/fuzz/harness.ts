// Runs fuzzed requests against the real CLI in a child process on a database file, so that a stalled event
// loop can be timed out and a crash observed, and judges every answer. The stored state is read through a
// second, read-only SQLite connection: `PRAGMA data_version` tells cheaply whether the server committed anything,
// and only then is a digest over every row compared with the one taken before the request.
import {
  GetOpportunityCommand,
  ListEngagementInvitationsCommand,
  StartEngagementByAcceptingInvitationTaskCommand,
  TagResourceCommand,
  CreateOpportunityCommand,
} from '@aws-sdk/client-partnercentral-selling';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { startCli, type ChildServer } from '../child-server.js';
import { awsReferralInput, minimalOpportunityInput } from '../fixtures.js';
import { clientFor } from '../helpers.js';
import { fuzzRequest, ValidValues, type FuzzProfile, type FuzzRequest, type SeededTargets } from './arbitraries.js';
import { knownIssueOf } from './known-issues.js';
import { judge, type Answer, type Finding } from './oracle.js';

/**
 * A digest of everything stored, over a read-only connection. The `sequences` table is left out on purpose:
 * an identifier drawn for a request that then failed is not observable state (ids are opaque and never reused).
 */
class StateReader {
  private readonly db: Database.Database;
  private readonly version: Database.Statement;
  private readonly selects: Array<{ table: string; stmt: Database.Statement }>;

  constructor(path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.version = this.db.prepare('PRAGMA data_version').pluck();
    const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sequences', 'sqlite_sequence', 'leases') ORDER BY name").pluck().all() as string[];
    this.selects = tables.map((table) => {
      const columns = (this.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => `CAST(${c.name} AS BLOB)`);
      return { table, stmt: this.db.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY rowid`).raw() };
    });
  }

  /** Changes whenever another connection (the server) commits. */
  dataVersion(): number {
    return this.version.get() as number;
  }

  /** A hash over every row, and how many stored values are not valid UTF-8 (unreadable by other SQLite clients). */
  digest(): { hash: string; invalidUtf8: number } {
    const hash = createHash('sha1');
    let invalidUtf8 = 0;
    for (const { table, stmt } of this.selects) {
      hash.update(`\u0000${table}\u0000`);
      for (const row of stmt.iterate() as Iterable<Array<Buffer | null>>) {
        for (const cell of row) {
          if (cell === null) hash.update('\u0001');
          else {
            hash.update(String(cell.length)).update(':').update(cell);
            if (!isUtf8(cell)) invalidUtf8++;
          }
        }
      }
    }
    return { hash: hash.digest('hex'), invalidUtf8 };
  }

  close(): void {
    this.db.close();
  }
}

export interface FuzzOptions {
  count: number;
  seed: number;
  profile: FuzzProfile;
  /** A request not answered within this is a `stalled` finding; the server is then killed and restarted. */
  timeoutMs: number;
  /** Stop sending requests of a kind that already stalled this many times (each stall costs a restart). */
  maxStallsPerKind?: number;
  onProgress?: (done: number, report: FuzzReport) => void;
}

export interface FuzzReport {
  seed: number;
  requests: number;
  skipped: number;
  elapsedMs: number;
  restarts: number;
  /** `operation status` → count. */
  byOperationAndStatus: Map<string, number>;
  findings: Finding[];
}

const statusKey = (request: FuzzRequest, status: number | string) => `${request.operation ?? '(unknown-operation)'} ${status}`;

/** Puts real targets into the server: plain opportunities, a pending AWS referral invitation, an accepted one. */
async function seedState(endpoint: string): Promise<SeededTargets> {
  const client = clientFor(endpoint);
  try {
    const opportunityIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await client.send(new CreateOpportunityCommand(minimalOpportunityInput(`seed-opp-${i}`, { company: `Fuzz Seed ${i}`, title: `Seed ${i}`, businessProblem: 'A seeded opportunity for the fuzz suite to read and update.' })));
      opportunityIds.push(created.Id!);
    }
    for (let i = 0; i < 2; i++) await client.send(new CreateOpportunityCommand(awsReferralInput(`seed-referral-${i}`, `Seed referral ${i}`)));
    const invitations = (await client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }))).EngagementInvitationSummaries ?? [];
    const accepted = await client.send(new StartEngagementByAcceptingInvitationTaskCommand({ Catalog: 'Sandbox', ClientToken: 'seed-accept', Identifier: invitations[0]!.Arn! }));
    if (accepted.OpportunityId) opportunityIds.push(accepted.OpportunityId);
    const arn = (await client.send(new GetOpportunityCommand({ Catalog: 'Sandbox', Identifier: opportunityIds[0]! }))).Arn!;
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'team', Value: 'blue' }] }));
    const engagementIds = invitations.map((i) => i.EngagementId!).filter(Boolean);
    return {
      OpportunityIdentifier: opportunityIds,
      ResourceIdentifier: opportunityIds,
      EngagementIdentifier: engagementIds,
      EngagementArnOrIdentifier: engagementIds,
      EngagementInvitationIdentifier: invitations.map((i) => i.Id!),
      EngagementInvitationArnOrIdentifier: invitations.flatMap((i) => [i.Id!, i.Arn!]),
      TaskIdentifier: [accepted.TaskId!],
      TaskArnOrIdentifier: [accepted.TaskId!, accepted.TaskArn!],
      ResourceSnapshotJobIdentifier: accepted.ResourceSnapshotJobId ? [accepted.ResourceSnapshotJobId] : [],
      TaggableResourceArn: [arn, accepted.TaskArn!],
    };
  } finally {
    client.destroy();
  }
}

type Sent = { answer: Answer } | { timedOut: true } | { error: Error };

function send(endpoint: string, agent: Agent, req: FuzzRequest, timeoutMs: number): Promise<Sent> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (value: Sent) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      }
    };
    const headers = { ...req.headers, 'content-length': String(req.body.length) };
    const r = request(new URL(req.path, endpoint), { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } }));
      res.on('error', (error) => done({ error }));
    });
    const timer = setTimeout(() => {
      done({ timedOut: true });
      r.destroy();
    }, timeoutMs);
    r.on('error', (error) => done({ error }));
    r.end(req.body);
  });
}

/** A short, printable account of a request, enough to replay it by hand. */
export function describeRequest(req: FuzzRequest, maxBody = 600): string {
  const body = req.body.toString('utf8');
  const shown = body.length > maxBody ? `${body.slice(0, maxBody)}… (${req.body.length} bytes)` : body;
  const headers = Object.entries(req.headers)
    .filter(([k]) => k !== 'authorization' && k !== 'x-amz-date')
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  return `${req.method} ${req.path} {${headers}}${req.headers.authorization ? ' (signed)' : ' (unsigned)'} [${req.kind}] ${shown}`;
}

/** Runs `count` fuzzed requests (seeded, reproducible) against a fresh server and returns what it saw. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const dir = mkdtempSync(join(tmpdir(), 'pcl-fuzz-'));
  const dbPath = join(dir, 'state.db');
  const report: FuzzReport = { seed: options.seed, requests: 0, skipped: 0, elapsedMs: 0, restarts: 0, byOperationAndStatus: new Map(), findings: [] };
  const stallsByKind = new Map<string, number>();
  let child: ChildServer = await startCli(dbPath);
  let exited = false;
  const watch = (c: ChildServer) => void c.exited.then(() => (exited = true));
  watch(child);
  let agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const reader = new StateReader(dbPath);
  let targets: SeededTargets = {};
  const started = Date.now();

  const restart = async () => {
    agent.destroy();
    if (!exited) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    child = await startCli(dbPath);
    exited = false;
    watch(child);
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    report.restarts++;
  };
  const record = (finding: Finding) => {
    finding.knownIssue = knownIssueOf(finding);
    report.findings.push(finding);
  };

  try {
    targets = await seedState(child.endpoint);
    let baseline = reader.digest();
    let baselineVersion = reader.dataVersion();
    let previous: FuzzRequest | null = null;
    const arbitrary = fuzzRequest(new ValidValues(() => targets), options.profile);

    const exercise = async (req: FuzzRequest) => {
      const stallKey = `${req.operation} ${req.kind}`;
      if ((stallsByKind.get(stallKey) ?? 0) >= (options.maxStallsPerKind ?? Infinity)) {
        report.skipped++;
        return;
      }
      const version = reader.dataVersion();
      if (version !== baselineVersion) {
        // The previous request was accepted and changed the state: take a new baseline.
        const next = reader.digest();
        if (next.invalidUtf8 > baseline.invalidUtf8 && previous) {
          record({ kind: 'invalid-utf8-stored', detail: `${next.invalidUtf8 - baseline.invalidUtf8} stored value(s) are not valid UTF-8`, request: previous });
        }
        baseline = next;
        baselineVersion = version;
      }
      report.requests++;
      previous = req;
      const sent = await send(child.endpoint, agent, req, options.timeoutMs);
      if ('timedOut' in sent || 'error' in sent) {
        // Give an exit a moment to be noticed before calling it a transport error.
        await new Promise((r) => setTimeout(r, exited ? 0 : 50));
        if (exited) record({ kind: 'crash', detail: `server exited; stderr tail: ${child.stderr().slice(-800)}`, request: req });
        else if ('timedOut' in sent) {
          record({ kind: 'stalled', detail: `no answer within ${options.timeoutMs} ms`, request: req });
          stallsByKind.set(stallKey, (stallsByKind.get(stallKey) ?? 0) + 1);
        } else record({ kind: 'transport-error', detail: sent.error.message, request: req });
        const key = statusKey(req, 'timedOut' in sent ? 'stalled' : 'no-answer');
        report.byOperationAndStatus.set(key, (report.byOperationAndStatus.get(key) ?? 0) + 1);
        if (exited || 'timedOut' in sent) {
          await restart();
          baselineVersion = -1;
        }
        return;
      }
      const { answer } = sent;
      const key = statusKey(req, answer.status);
      report.byOperationAndStatus.set(key, (report.byOperationAndStatus.get(key) ?? 0) + 1);
      for (const p of judge(req, answer)) record({ ...p, request: req, status: answer.status });
      if (answer.status !== 200 && reader.dataVersion() !== baselineVersion) {
        const after = reader.digest();
        if (after.hash !== baseline.hash) {
          record({ kind: 'state-changed-by-rejection', detail: `answered ${answer.status} ${answer.body.subarray(0, 200).toString('utf8')} but the stored state changed`, request: req, status: answer.status });
        }
      }
      if (options.onProgress && report.requests % 1000 === 0) {
        report.elapsedMs = Date.now() - started;
        options.onProgress(report.requests, report);
      }
    };

    // fast-check drives generation lazily from one seed; the property never fails, findings are collected.
    await fc.assert(
      fc.asyncProperty(arbitrary, async (req) => {
        await exercise(req);
      }),
      { numRuns: options.count, seed: options.seed, endOnFailure: true },
    );
  } finally {
    report.elapsedMs = Date.now() - started;
    agent.destroy();
    reader.close();
    if (!exited) {
      child.proc.kill('SIGTERM');
      await child.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

/** Totals of a report by finding kind, split into new findings and known (tracked) issues. */
export function summarize(report: FuzzReport): { fresh: Finding[]; known: Map<string, number>; byKind: Map<string, number> } {
  const fresh = report.findings.filter((f) => !f.knownIssue);
  const known = new Map<string, number>();
  const byKind = new Map<string, number>();
  for (const f of report.findings) {
    byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
    if (f.knownIssue) known.set(`${f.knownIssue} (${f.kind})`, (known.get(`${f.knownIssue} (${f.kind})`) ?? 0) + 1);
  }
  return { fresh, known, byKind };
}
