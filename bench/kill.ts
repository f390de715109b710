// Two server processes on one PostgreSQL, 1,000 accept tasks with asynchronous progression spread over both,
// and `kill -9` of one of them half-way through: every task must still complete, exactly once. Not a
// throughput figure: it reports how long the survivor took to finish the work after the kill.
import { taskKind } from '../src/store/kinds.js';
import { openStore } from '../src/store/open.js';
import { queryAll } from '../src/store/query-all.js';
import type { UnitOfWorkStore } from '../src/store/unit-of-work.js';
import { awsJsonHeaders, controlPost, freshPgSchema, httpCall, round, spawnEmulators, type ChildServer } from './common.js';

export interface KillOptions {
  pgUrl: string;
  tasks: number;
  /** Accepts in flight at once. */
  concurrency: number;
  /** --task-delay of both servers. */
  taskDelay: string;
  log: (line: string) => void;
}

export interface KillResult {
  tasks: number;
  taskDelay: string;
  /** Accepts answered before the kill (by both processes). */
  acceptedBeforeKill: number;
  /** Accepts that were in flight to the killed process and were sent again (same ClientToken) to the survivor. */
  retriedOnSurvivor: number;
  /** 500 answers ("not applied") sent again with the same ClientToken, as the SDKs' retry would. */
  serverErrorsRetried: number;
  /** Tasks still IN_PROGRESS at the moment of the kill. */
  pendingAtKill: number;
  /** ms from the kill to the last accept answered. */
  acceptsDoneAfterKillMs: number;
  /** ms from the kill until every task was COMPLETE. */
  completeAfterKillMs: number;
  /** Tasks the killed process held an unexpired claim (lease) on at the kill: the ones a survivor must take over. */
  orphanedClaims: number;
  /** ms from the kill until the last of those was settled by the survivor (0 when there were none). */
  orphansSettledAfterKillMs: number;
  complete: number;
  failed: number;
  /** `Opportunity Created` events of the accepting account: one per task means none ran twice. */
  opportunityCreatedEvents: number;
  distinctOpportunities: number;
  /** Every task COMPLETE. */
  allComplete: boolean;
  /** One `Opportunity Created` and one distinct opportunity per COMPLETE task. */
  noneTwice: boolean;
  /** Why FAILED tasks failed (their stored reason), with counts. */
  failureReasons: Record<string, number>;
}

const ACCOUNT = '111111111111';
const ACCEPT = 'StartEngagementByAcceptingInvitationTask';

/** Tasks in progress whose unexpired claim is held by the process `pid` (a lease owner is host:pid:random). */
async function claimsOf(store: UnitOfWorkStore, pid: number, now: number): Promise<string[]> {
  const tasks = await store.transaction((uow) => queryAll(uow, taskKind, { where: { accountId: ACCOUNT, status: 'IN_PROGRESS' } }), { readOnly: true });
  return tasks.filter((t) => t.leaseOwner?.split(':')[1] === String(pid) && (t.leaseExpiresAtMs ?? 0) > now).map((t) => t.id);
}

async function allSettled(store: UnitOfWorkStore, ids: string[]): Promise<boolean> {
  return store.transaction(async (uow) => {
    for (const id of ids) if ((await uow.get(taskKind, ['Sandbox', id]))?.status === 'IN_PROGRESS') return false;
    return true;
  }, { readOnly: true });
}

async function countTasks(store: UnitOfWorkStore, status: 'COMPLETE' | 'IN_PROGRESS' | 'FAILED'): Promise<number> {
  return store.transaction((uow) => uow.count(taskKind, { accountId: ACCOUNT, status }), { readOnly: true });
}

export async function benchKill(options: KillOptions): Promise<KillResult> {
  const schema = await freshPgSchema(options.pgUrl);
  const servers: ChildServer[] = [];
  let store: UnitOfWorkStore | undefined;
  try {
    servers.push(...(await spawnEmulators(2, schema.url, { extraArgs: ['--task-progression', 'async', '--task-delay', options.taskDelay] })));
    const [survivor, victim] = servers as [ChildServer, ChildServer];
    store = await openStore(schema.url);
    options.log(`  preparing ${options.tasks} invitations (PostgreSQL schema ${schema.schema})`);
    const invitationIds: string[] = [];
    for (let i = 0; i < options.tasks; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, options.tasks - i) }, (_, k) => controlPost(servers[k % 2]!.endpoint, 'invitations', { receiverAccountId: ACCOUNT, catalog: 'Sandbox' })),
      );
      invitationIds.push(...batch.map((c) => c.invitationId as string));
    }

    let killedAt = 0;
    let answered = 0;
    let retried = 0;
    let serverErrors = 0;
    let pendingAtKill = 0;
    let orphans: string[] = [];
    let orphansSettledAt = 0;
    let killing: Promise<void> | undefined;
    const accept = async (i: number): Promise<void> => {
      const body = JSON.stringify({ Catalog: 'Sandbox', Identifier: invitationIds[i], ClientToken: `kill-${i}` });
      const first = killedAt === 0 && i % 2 === 1 ? victim : survivor;
      let answer;
      try {
        answer = await httpCall(first.endpoint, { headers: awsJsonHeaders(ACCEPT), body });
      } catch (err) {
        if (first !== victim) throw err;
        // In flight to the killed process: the client retries on the survivor with the same ClientToken.
        retried++;
        answer = await httpCall(survivor.endpoint, { headers: awsJsonHeaders(ACCEPT), body });
      }
      // A 500 says the request was not applied (e.g. serialization retries exhausted): the SDK retries those.
      for (let attempt = 1; answer.status === 500 && attempt < 5; attempt++) {
        serverErrors++;
        answer = await httpCall(survivor.endpoint, { headers: awsJsonHeaders(ACCEPT), body });
      }
      if (answer.status !== 200) throw new Error(`accept ${i} answered ${answer.status}: ${answer.body}\n${servers.map((s) => s.stderrText().slice(-3000)).join('\n')}`);
      answered++;
      if (answered === Math.floor(options.tasks / 2) && killedAt === 0) {
        killedAt = performance.now();
        victim.child.kill('SIGKILL');
        options.log(`  kill -9 of process ${victim.child.pid} after ${answered} accepts`);
        const killedAtMs = Date.now();
        killing = (async () => {
          [pendingAtKill, orphans] = await Promise.all([countTasks(store!, 'IN_PROGRESS'), claimsOf(store!, victim.child.pid!, killedAtMs)]);
          // Watched from the kill on, while the accepts go on: when did the survivor finish the dead one's claims?
          while (!(await allSettled(store!, orphans))) {
            if (performance.now() - killedAt > 180_000) throw new Error('the killed process\'s claims were not taken over within 180 s');
            await new Promise((r) => setTimeout(r, 50));
          }
          orphansSettledAt = performance.now();
        })();
        killing.catch(() => {}); // awaited (and its failure reported) after the accepts
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.tasks) await accept(next++);
      }),
    );
    const acceptsDone = performance.now();
    let complete = 0;
    const deadline = acceptsDone + 180_000;
    while ((complete = await countTasks(store, 'COMPLETE')) + (await countTasks(store, 'FAILED')) < options.tasks) {
      if (performance.now() > deadline) throw new Error(`only ${complete} of ${options.tasks} tasks complete 180 s after the last accept`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const completeAt = performance.now();
    await killing;
    const failed = await countTasks(store, 'FAILED');

    const opportunities = new Set<string>();
    const failureReasons: Record<string, number> = {};
    let after: string | undefined;
    do {
      const page = await store.transaction(
        (uow) => uow.query(taskKind, { where: { accountId: ACCOUNT, catalog: 'Sandbox' }, sort: { by: 'startTime', order: 'asc' }, after, limit: 1000 }),
        { readOnly: true },
      );
      for (const t of page.items) {
        if (t.subject.opportunityId) opportunities.add(t.subject.opportunityId);
        if (t.status === 'FAILED') {
          const reason = JSON.stringify(t.result ?? null).slice(0, 200);
          failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
        }
      }
      after = page.next;
    } while (after);
    const events = await httpCall(survivor.endpoint, {
      method: 'GET',
      path: `/_emulator/events?detail-type=${encodeURIComponent('Opportunity Created')}&account=${ACCOUNT}&limit=10000`,
    });
    const created = (JSON.parse(events.body) as { events: unknown[] }).events.length;
    return {
      tasks: options.tasks,
      taskDelay: options.taskDelay,
      acceptedBeforeKill: Math.floor(options.tasks / 2),
      retriedOnSurvivor: retried,
      serverErrorsRetried: serverErrors,
      pendingAtKill,
      acceptsDoneAfterKillMs: round(acceptsDone - killedAt, 0),
      completeAfterKillMs: round(completeAt - killedAt, 0),
      orphanedClaims: orphans.length,
      orphansSettledAfterKillMs: round(orphansSettledAt - killedAt, 0),
      complete,
      failed,
      opportunityCreatedEvents: created,
      distinctOpportunities: opportunities.size,
      allComplete: complete === options.tasks,
      noneTwice: created === complete && opportunities.size === complete,
      failureReasons,
    };
  } finally {
    await store?.close();
    await Promise.all(servers.map((s) => s.stop()));
    await schema.drop();
  }
}
