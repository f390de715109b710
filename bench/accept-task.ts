// StartEngagementByAcceptingInvitationTask with immediate progression (the default): each call accepts a
// fresh pending invitation (created beforehand through POST /_emulator/invitations) and answers with the task
// already COMPLETE. Measured sequentially (one call at a time, client-side latency) and, for throughput,
// concurrently with autocannon. The baseline is the same client against the bare node:http server.
import {
  awsJsonHeaders,
  controlPost,
  distribution,
  httpCall,
  load,
  round,
  spawnServer,
  type ChildServer,
  type Distribution,
  type LoadResult,
} from './common.js';

export interface AcceptTaskOptions {
  /** Sequential calls measured (after `warmup` unmeasured ones). */
  count: number;
  warmup: number;
  /** Concurrent variant: connections and number of calls (0 skips it). */
  concurrentConnections: number;
  concurrentCount: number;
  /** When set, the emulator runs with --cpu-prof and writes accept-emulator.cpuprofile here. */
  profileDir?: string;
  log: (line: string) => void;
}

export interface AcceptTaskResult {
  sequential: {
    count: number;
    emulatorMs: Distribution;
    baselineMs: Distribution;
    /** emulator median ÷ baseline median (the baseline is the cost of the HTTP round trip alone). */
    medianRatio: number;
  };
  concurrent: null | {
    connections: number;
    count: number;
    emulator: LoadResult;
    completed: number;
  };
  /** Time to prepare one invitation through the control plane (not part of the target). */
  prepareInvitationMs: Distribution;
  /** Size of the database's work: tasks completed in total during the benchmark. */
  tasksCompleted: number;
}

const ACCEPT = 'StartEngagementByAcceptingInvitationTask';

async function prepareInvitations(emulator: ChildServer, n: number, timings: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const created = await controlPost(emulator.endpoint, 'invitations', { receiverAccountId: '111111111111', catalog: 'Sandbox' });
    timings.push(performance.now() - t0);
    ids.push(created.invitationId as string);
  }
  return ids;
}

function acceptInput(invitationId: string, token: string): string {
  return JSON.stringify({ Catalog: 'Sandbox', Identifier: invitationId, ClientToken: token });
}

export async function benchAcceptTask(options: AcceptTaskOptions): Promise<AcceptTaskResult> {
  const profile = options.profileDir
    ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, '--cpu-prof-name=accept-emulator.cpuprofile'] }
    : {};
  const [baseline, emulator] = await Promise.all([spawnServer('baseline'), spawnServer('emulator', profile)]);
  try {
    const prepTimings: number[] = [];
    const sequentialTotal = options.warmup + options.count;
    // autocannon may build one request per connection beyond `amount`; keep spares so none repeats.
    const concurrentTotal = options.concurrentCount > 0 ? options.concurrentCount + options.concurrentConnections * 2 : 0;
    options.log(`  preparing ${sequentialTotal + concurrentTotal} pending invitations through POST /_emulator/invitations`);
    const invitations = await prepareInvitations(emulator, sequentialTotal + concurrentTotal, prepTimings);

    // Sequential: one call at a time on a keep-alive connection, timed in the client.
    options.log(`  sequential: ${options.warmup} warm-up + ${options.count} measured accepts`);
    const latencies: number[] = [];
    let completed = 0;
    for (let i = 0; i < sequentialTotal; i++) {
      const headers = awsJsonHeaders(ACCEPT);
      const body = acceptInput(invitations[i]!, `bench-accept-${i}`);
      const t0 = performance.now();
      const answer = await httpCall(emulator.endpoint, { headers, body });
      const elapsed = performance.now() - t0;
      const task = answer.status === 200 ? (JSON.parse(answer.body) as { TaskStatus?: string }) : {};
      if (task.TaskStatus !== 'COMPLETE') throw new Error(`accept #${i} did not complete: ${answer.status} ${answer.body}`);
      completed++;
      if (i >= options.warmup) latencies.push(elapsed);
    }
    // The same loop against the bare server: what the HTTP round trip alone costs this client.
    const baselineLatencies: number[] = [];
    for (let i = 0; i < sequentialTotal; i++) {
      const headers = awsJsonHeaders(ACCEPT);
      const body = acceptInput(invitations[i]!, `bench-accept-${i}`);
      const t0 = performance.now();
      const answer = await httpCall(baseline.endpoint, { headers, body });
      const elapsed = performance.now() - t0;
      if (answer.status !== 200) throw new Error(`baseline answered ${answer.status}`);
      if (i >= options.warmup) baselineLatencies.push(elapsed);
    }
    const emulatorMs = distribution(latencies);
    const baselineMs = distribution(baselineLatencies);

    let concurrent: AcceptTaskResult['concurrent'] = null;
    if (options.concurrentCount > 0) {
      options.log(`  concurrent: ${options.concurrentCount} accepts over ${options.concurrentConnections} connections`);
      const pool = invitations.slice(sequentialTotal);
      let next = 0;
      let concurrentCompleted = 0;
      const result = await load({
        url: emulator.endpoint,
        method: 'POST',
        connections: options.concurrentConnections,
        amount: options.concurrentCount,
        headers: awsJsonHeaders(ACCEPT),
        requests: [
          {
            setupRequest(req) {
              const i = next++;
              return { ...req, body: acceptInput(pool[i % pool.length]!, `bench-accept-concurrent-${i}`) };
            },
            onResponse(status, body) {
              if (status === 200 && body.includes('"TaskStatus":"COMPLETE"')) concurrentCompleted++;
            },
          },
        ],
      }, emulator.child.pid);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`concurrent accepts: ${result.non2xx} non-2xx, ${result.errors} errors`);
      concurrent = { connections: options.concurrentConnections, count: result.totalRequests, emulator: result, completed: concurrentCompleted };
      completed += concurrentCompleted;
    }
    return {
      sequential: { count: options.count, emulatorMs, baselineMs, medianRatio: round(emulatorMs.p50 / baselineMs.p50, 2) },
      concurrent,
      prepareInvitationMs: distribution(prepTimings),
      tasksCompleted: completed,
    };
  } finally {
    await Promise.all([baseline.stop(), emulator.stop()]);
  }
}
