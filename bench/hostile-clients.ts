// Issue 5's hostile requests, replayed against a real server while an ordinary client keeps calling
// GetOpportunity: each attack must get a well-formed answer promptly, and the ordinary client's latency during
// the attack is compared with its latency before any attack (the baseline of the same run).
// Run: npm run -s build && node dist/bench/hostile-clients.js
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { callOperation, controlPost, distribution, httpCall, round, Samples, spawnServer, awsJsonHeaders } from './common.js';

const server = await spawnServer('emulator', { extraArgs: ['--header-timeout', '2s', '--body-timeout', '5s'] });
const created = JSON.parse((await callOperation(server.endpoint, 'CreateOpportunity', {
  Catalog: 'Sandbox', ClientToken: 'hostile-bench', Origin: 'Partner Referral',
  Project: { Title: 'Bench' }, LifeCycle: { TargetCloseDate: '2030-01-01' },
})).body) as { Id: string };

/** The ordinary client: sequential GetOpportunity calls, latencies recorded while `running`. */
let victim: Samples = new Samples();
let running = true;
const victimLoop = (async () => {
  while (running) {
    const started = performance.now();
    await callOperation(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: created.Id });
    victim.push(performance.now() - started);
  }
})();

const rssKiB = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1] ?? 0);
const openFds = (): number => readdirSync(`/proc/${server.child.pid}/fd`).length;

interface Row { attack: string; answer: string; answerMs: number; victimP50: number; victimP99: number; victimMax: number; note?: string }
const rows: Row[] = [];

async function attack(name: string, run: () => Promise<{ answer: string; note?: string }>): Promise<void> {
  victim = new Samples();
  const started = performance.now();
  const { answer, note } = await run();
  const answerMs = performance.now() - started;
  const d = distribution(victim.values());
  rows.push({ attack: name, answer, answerMs: round(answerMs, 1), victimP50: round(d.p50, 2), victimP99: round(d.p99, 2), victimMax: round(d.max, 2), note });
}

const shape = (status: number, body: string): string => {
  try {
    return `${status} ${(JSON.parse(body) as { __type?: string; error?: string }).__type?.split('#')[1] ?? 'error'}`;
  } catch {
    return `${status} (not JSON)`;
  }
};

// Baseline: the ordinary client alone.
await attack('none (baseline)', async () => {
  await new Promise((r) => setTimeout(r, 2000));
  return { answer: '-' };
});

await attack('CreateEngagement WebsiteUrl "a"+".a"*31+"!"', async () => {
  const a = await callOperation(server.endpoint, 'CreateEngagement', {
    Catalog: 'Sandbox', ClientToken: 't', Title: 't', Description: 'd',
    Contexts: [{ Type: 'CustomerProject', Payload: { CustomerProject: { Customer: { CompanyName: 'c', CountryCode: 'US', Industry: 'Other', WebsiteUrl: 'a' + '.a'.repeat(31) + '!' } } } }],
  });
  return { answer: shape(a.status, a.body) };
});

await attack('same, 20,000-character WebsiteUrl', async () => {
  const a = await callOperation(server.endpoint, 'CreateEngagement', {
    Catalog: 'Sandbox', ClientToken: 't', Title: 't', Description: 'd',
    Contexts: [{ Type: 'CustomerProject', Payload: { CustomerProject: { Customer: { CompanyName: 'c', CountryCode: 'US', Industry: 'Other', WebsiteUrl: 'a' + '.a'.repeat(10_000) + '!' } } } }],
  });
  return { answer: shape(a.status, a.body) };
});

for (const [path, body] of [['clock', { advance: '99999999999d' }], ['config', { referralDelayMs: '99999999999d' }], ['config', { taskprogression: 'async' }]] as const) {
  await attack(`POST /_emulator/${path} ${JSON.stringify(body)}`, async () => {
    const a = await httpCall(server.endpoint, { path: `/_emulator/${path}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { answer: `${a.status} ${a.status === 400 ? 'refused' : a.body.slice(0, 40)}` };
  });
}

await attack('1,500 GetOpportunity padded with 1 MiB of unknown members', async () => {
  const before = rssKiB();
  const padding = 'x'.repeat(1024 * 1024);
  let last = 0;
  for (let i = 0; i < 1500; i++) {
    const a = await callOperation(server.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: created.Id, [`Pad${i}`]: padding });
    last = a.status;
  }
  return { answer: `${last} (each)`, note: `server RSS ${Math.round(before / 1024)} → ${Math.round(rssKiB() / 1024)} MiB` };
});

await attack('UntagResource with 500,000 invalid TagKeys', async () => {
  const a = await callOperation(server.endpoint, 'UntagResource', {
    ResourceArn: `arn:aws:partnercentral:us-east-1:111111111111:catalog/Sandbox/opportunity/${created.Id}`,
    TagKeys: Array.from({ length: 500_000 }, () => '#'),
  });
  return { answer: shape(a.status, a.body), note: `answer ${a.body.length} bytes` };
});

await attack('300 slow clients (headers never finished; header timeout 2 s)', async () => {
  const before = openFds();
  let closedByServer = 0;
  const sockets = Array.from({ length: 300 }, () => {
    const s = connect(server.port, '127.0.0.1');
    s.on('error', () => {});
    s.resume();
    s.on('end', () => closedByServer++);
    s.write('POST / HTTP/1.1\r\nHost: x\r\n');
    return s;
  });
  await new Promise((r) => setTimeout(r, 1000));
  const during = openFds();
  await new Promise((r) => setTimeout(r, 3500));
  const after = openFds();
  for (const s of sockets) s.destroy();
  return { answer: `${closedByServer}/300 closed by the server`, note: `server fds ${before} → ${during} → ${after} (4.5 s later)` };
});

await attack('Expect: foo', async () => {
  const a = await httpCall(server.endpoint, { headers: { ...awsJsonHeaders('GetOpportunity'), expect: 'foo' }, body: '{}' });
  return { answer: shape(a.status, a.body) };
});

await attack('6 MiB upload written whole before reading', async () => {
  const answer = await new Promise<string>((resolveAnswer) => {
    const s = connect(server.port, '127.0.0.1');
    const body = Buffer.alloc(6 * 1024 * 1024, 0x20);
    let text = '';
    s.on('data', (c: Buffer) => (text += c.toString('latin1')));
    s.on('error', (err) => resolveAnswer(`error ${(err as NodeJS.ErrnoException).code}`));
    s.on('close', () => resolveAnswer(text.split('\r\n')[0] ?? ''));
    s.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: AWSPartnerCentralSelling.GetOpportunity\r\nContent-Length: ${body.length}\r\n\r\n`);
    s.write(body);
  });
  return { answer };
});

await attack('ClientToken with a lone surrogate', async () => {
  const a = await httpCall(server.endpoint, {
    headers: awsJsonHeaders('CreateOpportunity'),
    body: '{"Catalog":"Sandbox","ClientToken":"\\ud800","Project":{"Title":"x"},"LifeCycle":{"TargetCloseDate":"2030-01-01"}}',
  });
  return { answer: shape(a.status, a.body) };
});

const health = await httpCall(server.endpoint, { method: 'GET', path: '/_emulator/health' });
running = false;
await victimLoop;
await controlPost(server.endpoint, 'reset', {});
await server.stop();

const base = rows[0]!;
console.log('| attack | answer | answered in (ms) | ordinary client p50 / p99 / max (ms) | p99 vs baseline | note |');
console.log('|---|---|---:|---|---:|---|');
for (const r of rows) {
  console.log(`| ${r.attack} | ${r.answer} | ${r.answerMs} | ${r.victimP50} / ${r.victimP99} / ${r.victimMax} | ${round(r.victimP99 / base.victimP99, 1)}× | ${r.note ?? ''} |`);
}
console.log(`\nhealth afterwards: ${health.status}`);
