// GetOpportunity under load (autocannon, N connections) against the bare node:http baseline measured in the
// same run. Both servers are child processes; autocannon runs in the bench process.
import { BASELINE_BODY } from './baseline-server.js';
import { awsJsonHeaders, callOperation, load, round, spawnServer, type ChildServer, type LoadResult, type SpawnOptions } from './common.js';

/** A realistic CreateOpportunity (every commonly sent member), so GetOpportunity returns a full document. */
export function opportunityInput(clientToken: string): Record<string, unknown> {
  return {
    Catalog: 'Sandbox',
    ClientToken: clientToken,
    Origin: 'Partner Referral',
    OpportunityType: 'Net New Business',
    NationalSecurity: 'No',
    PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
    PartnerOpportunityIdentifier: 'bench-opp-1',
    Customer: {
      Account: {
        CompanyName: 'Example Corp',
        Industry: 'Software and Internet',
        WebsiteUrl: 'https://example.com',
        Address: { CountryCode: 'US', PostalCode: '98101', StateOrRegion: 'Washington', City: 'Seattle', StreetAddress: '123 Main St' },
      },
      Contacts: [{ Email: 'jane@example.com', FirstName: 'Jane', LastName: 'Doe', BusinessTitle: 'CTO', Phone: '+12065550100' }],
    },
    Project: {
      Title: 'Data platform migration',
      CustomerBusinessProblem:
        'The customer needs to migrate its on-premises data warehouse to a managed cloud analytics platform to reduce cost and improve agility.',
      CustomerUseCase: 'Migration',
      DeliveryModels: ['SaaS or PaaS'],
      ExpectedCustomerSpend: [{ Amount: '10000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      SalesActivities: ['Initialized discussions with customer'],
    },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2030-12-31', NextSteps: 'Schedule architecture review' },
    Marketing: { Source: 'None' },
  };
}

export interface GetOpportunityOptions {
  durationSeconds: number;
  connections: number;
  warmupSeconds: number;
  /** When set, both servers run with --cpu-prof and write baseline.cpuprofile / emulator.cpuprofile here. */
  profileDir?: string;
  log: (line: string) => void;
}

export interface GetOpportunityResult {
  connections: number;
  durationSeconds: number;
  requestBytes: number;
  responseBytes: { emulator: number; baseline: number };
  baseline: LoadResult;
  emulator: LoadResult;
  /** emulator req/s ÷ baseline req/s. */
  throughputRatio: number;
  /** emulator p99 ÷ baseline p99. */
  p99Ratio: number;
  /** emulator ÷ baseline server CPU time per request (null off Linux). */
  cpuPerRequestRatio: number | null;
}

async function measure(server: ChildServer, body: string, options: GetOpportunityOptions): Promise<LoadResult> {
  const base = { url: server.endpoint, method: 'POST', connections: options.connections, pipelining: 1, body };
  // Headers (x-amz-date) are made fresh for each run: structural auth accepts ±15 minutes.
  if (options.warmupSeconds > 0) await load({ ...base, headers: awsJsonHeaders('GetOpportunity'), duration: options.warmupSeconds });
  const result = await load({ ...base, headers: awsJsonHeaders('GetOpportunity'), duration: options.durationSeconds }, server.child.pid);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${server.kind}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return result;
}

export async function benchGetOpportunity(options: GetOpportunityOptions): Promise<GetOpportunityResult> {
  const profile = (name: string): SpawnOptions =>
    options.profileDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, `--cpu-prof-name=${name}.cpuprofile`] } : {};
  const [baseline, emulator] = await Promise.all([spawnServer('baseline', profile('baseline')), spawnServer('emulator', profile('emulator'))]);
  try {
    const created = await callOperation(emulator.endpoint, 'CreateOpportunity', opportunityInput('bench-get-opportunity'));
    if (created.status !== 200) throw new Error(`CreateOpportunity answered ${created.status}: ${created.body}`);
    const id = (JSON.parse(created.body) as { Id: string }).Id;
    const body = JSON.stringify({ Catalog: 'Sandbox', Identifier: id });
    const check = await callOperation(emulator.endpoint, 'GetOpportunity', { Catalog: 'Sandbox', Identifier: id });
    if (check.status !== 200) throw new Error(`GetOpportunity answered ${check.status}: ${check.body}`);

    options.log(`  baseline: ${options.connections} connections, ${options.warmupSeconds}s warm-up + ${options.durationSeconds}s`);
    const baselineResult = await measure(baseline, body, options);
    options.log(`  emulator: GetOpportunity ${id}, ${options.connections} connections, ${options.warmupSeconds}s warm-up + ${options.durationSeconds}s`);
    const emulatorResult = await measure(emulator, body, options);
    return {
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      requestBytes: Buffer.byteLength(body),
      responseBytes: { emulator: Buffer.byteLength(check.body), baseline: Buffer.byteLength(BASELINE_BODY) },
      baseline: baselineResult,
      emulator: emulatorResult,
      throughputRatio: round(emulatorResult.requestsPerSecond / baselineResult.requestsPerSecond, 3),
      p99Ratio: round(emulatorResult.latencyMs.p99 / baselineResult.latencyMs.p99, 3),
      cpuPerRequestRatio:
        emulatorResult.serverCpuUsPerRequest !== null && baselineResult.serverCpuUsPerRequest
          ? round(emulatorResult.serverCpuUsPerRequest / baselineResult.serverCpuUsPerRequest, 2)
          : null,
    };
  } finally {
    await Promise.all([baseline.stop(), emulator.stop()]);
  }
}
