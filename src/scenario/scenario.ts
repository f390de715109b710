// Scenarios: a JSON document that sets up accounts, their opportunities, AWS referrals and partner invitations
// (accepted or not), the business clock and run-time settings in one go (`--seed-file`, `POST /_emulator/scenario`).
//
// A scenario is checked completely before anything is applied: its own keys by the control plane's schema
// (unknown keys, types, ranges), every opportunity payload by the model's validator in its strict form
// (unknown members refused, problems named by exact path, e.g. `accounts[1].opportunities[0].Project.Title`).
// It is then applied through the public pipeline, so it exercises exactly what clients do: opportunities
// are created by `CreateOpportunity` run as their account, invitations by the control plane's invitation
// simulation, acceptances by `StartEngagementByAcceptingInvitationTask`. Each step commits on its own; a step
// that fails anyway (a rule only the store can check, such as an unknown `engagementId`) stops the load, and
// the steps before it stay applied (ScenarioStepError says which step, and what was applied).
import { randomUUID } from 'node:crypto';
import { ClockRangeError } from '../clock.js';
import type { Services } from '../context.js';
import type { OperationName } from '../model/generated/operations.js';
import { validatePayload } from '../model/validate.js';
import { createInvitationByControlPlane } from '../simulations/partner-invitation.js';
import { applyClock } from '../control/routes/clock.js';
import { applyRuntimeConfig, CONFIG_BODY } from '../control/routes/config.js';
import { ACCOUNT_ID, CATALOG } from '../control/routes/fields.js';
import { checkObject, ControlInputError, type Checked } from '../control/schema.js';

export const SCENARIO_VERSION = 1;

/** Keys reserved for what a later version adds; refused with a clear answer until then. */
const RESERVED = { solutions: 'solutions', sellingSystemSettings: 'selling-system settings' } as const;

const MAX_ACCOUNTS = 1000;
const MAX_ENTRIES = 10_000;

const INVITATION_ENTRY = {
  type: 'object',
  fields: {
    senderAccountId: { type: 'string', pattern: /^(?:aws|\d{12})$/, expected: "'aws' or a 12-digit account id" },
    catalog: CATALOG,
    opportunity: { type: 'object' },
    engagementId: { type: 'string', minLength: 1, maxLength: 255 },
    message: { type: 'string', minLength: 1, maxLength: 255 },
    accept: { type: 'boolean' },
  },
} as const;

const ACCOUNT_ENTRY = {
  type: 'object',
  fields: {
    accountId: { ...ACCOUNT_ID, required: true },
    name: { type: 'string', minLength: 1, maxLength: 255 },
    opportunities: { type: 'array', items: { type: 'object' }, maxItems: MAX_ENTRIES },
    invitations: { type: 'array', items: INVITATION_ENTRY, maxItems: MAX_ENTRIES },
  },
} as const;

export const SCENARIO_SCHEMA = {
  version: { type: 'integer', min: SCENARIO_VERSION, max: SCENARIO_VERSION, required: true },
  description: { type: 'string', maxLength: 10_000 },
  clock: { type: 'object', fields: { set: { type: 'instant' }, freeze: { type: 'boolean' } } },
  config: { type: 'object', fields: CONFIG_BODY },
  accounts: { type: 'array', items: ACCOUNT_ENTRY, maxItems: MAX_ACCOUNTS },
} as const;

export type Scenario = Checked<typeof SCENARIO_SCHEMA>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuses the reserved keys at the top level and in account entries, before the schema would call them unknown. */
function reservedKeyProblems(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (entry: Record<string, unknown>, prefix: string) => {
    for (const [key, what] of Object.entries(RESERVED)) {
      if (Object.hasOwn(entry, key)) {
        problems.push(`'${prefix}${key}' is not supported yet: this version of partnercentral-local has no ${what}; the key is reserved for a later version of the format.`);
      }
    }
  };
  check(input, '');
  if (Array.isArray(input.accounts)) input.accounts.forEach((a: unknown, i) => isObject(a) && check(a, `accounts[${i}].`));
  return problems;
}

/**
 * Checks a parsed scenario completely; throws ControlInputError (400) naming every problem (at most 100 of
 * the payloads'), or answers the checked scenario.
 */
export function checkScenario(input: unknown): Scenario {
  if (!isObject(input)) throw new ControlInputError('A scenario must be a JSON object such as {"version": 1, "accounts": [...]}.');
  if (input.version !== SCENARIO_VERSION) {
    throw new ControlInputError(`'version' must be ${SCENARIO_VERSION}: the scenario format this partnercentral-local reads (found ${JSON.stringify(input.version) ?? 'none'}).`);
  }
  const reserved = reservedKeyProblems(input);
  if (reserved.length > 0) throw new ControlInputError(reserved.join(' '));
  const scenario = checkObject(SCENARIO_SCHEMA, input);

  const problems: string[] = [];
  let payloadProblems = 0;
  const payload = (shape: string, value: Record<string, unknown>, base: string) => {
    const { problems: found, count } = validatePayload(shape, value, base);
    payloadProblems += count;
    for (const p of found) if (problems.length < 100) problems.push(`'${p.FieldName}': ${p.Message}`);
  };
  const seen = new Map<string, number>();
  (scenario.accounts ?? []).forEach((account, i) => {
    const first = seen.get(account.accountId);
    if (first !== undefined) problems.push(`'accounts[${i}].accountId' repeats accounts[${first}]; give each account one entry.`);
    else seen.set(account.accountId, i);
    (account.opportunities ?? []).forEach((opportunity, j) => {
      payload('CreateOpportunityRequest', { Catalog: 'Sandbox', ClientToken: 'scenario', ...opportunity }, `accounts[${i}].opportunities[${j}]`);
    });
    (account.invitations ?? []).forEach((invitation, j) => {
      const at = `accounts[${i}].invitations[${j}]`;
      if (invitation.senderAccountId === account.accountId) problems.push(`'${at}.senderAccountId': an account cannot invite itself.`);
      if (invitation.opportunity !== undefined) {
        payload('CreateOpportunityRequest', { Catalog: invitation.catalog ?? 'AWS', ClientToken: 'scenario', ...invitation.opportunity }, `${at}.opportunity`);
      }
    });
  });
  if (problems.length > 0) {
    const more = payloadProblems > 100 ? ` (${payloadProblems} problems in payloads, the first 100 are listed)` : '';
    throw new ControlInputError(`The scenario is not valid${more}: ${problems.join(' ')}`);
  }
  return scenario;
}

/** What a load created, entry by entry, in the order of the scenario. */
export interface ScenarioResult {
  clock?: { now: string; frozen: boolean };
  accounts: {
    accountId: string;
    opportunities: { id: string; catalog: string }[];
    invitations: {
      invitationId: string;
      invitationArn: string;
      engagementId: string;
      catalog: string;
      senderAccountId: string;
      sourceOpportunityId: string;
      accepted?: { taskId: string; opportunityId: string; resourceSnapshotJobId?: string };
    }[];
  }[];
}

/** A step that failed while applying: which one (`at`, a scenario path), why, and what was applied before it. */
export class ScenarioStepError extends Error {
  constructor(
    readonly at: string,
    readonly reason: unknown,
    readonly applied: ScenarioResult,
  ) {
    const why = reason instanceof Error ? reason.message : String(reason);
    super(`Loading the scenario stopped at '${at}': ${why} The steps before it stay applied.`);
  }

  /** 400 for a refusal (the API's or the control plane's: an error with a 4xx `httpStatus`), 500 for anything else. */
  get httpStatus(): number {
    const status = (this.reason as { httpStatus?: unknown } | null)?.httpStatus;
    return typeof status === 'number' && status >= 400 && status < 500 ? 400 : 500;
  }
}

/** Runs one API operation as `accountId` through the public pipeline; answers its parsed output. */
async function call(services: Services, operation: OperationName, accountId: string, input: Record<string, unknown>, requestId: string): Promise<Record<string, unknown>> {
  const rendered = (await services.runOperation(operation, { accountId, accountSource: 'control-plane' }, input, requestId)).toString('utf8');
  return rendered === '' ? {} : (JSON.parse(rendered) as Record<string, unknown>);
}

/**
 * Applies a checked scenario: the clock, account names, then per account its opportunities and invitations
 * (accepting those marked `accept`), then the run-time settings. While it runs, tasks progress immediately,
 * referrals arrive without delay and no task failure is forced, so an accepted referral is accepted when the
 * load ends; the settings in force before are restored (then `config` applies).
 */
export async function applyScenario(services: Services, scenario: Scenario, requestId: string): Promise<ScenarioResult> {
  const result: ScenarioResult = { accounts: [] };
  const runtime = services.runtime;
  const saved = { taskProgression: runtime.taskProgression, referralDelayMs: runtime.referralDelayMs, forcedTaskFailure: runtime.forcedTaskFailure };
  Object.assign(runtime, { taskProgression: 'immediate', referralDelayMs: 0, forcedTaskFailure: null });
  let at = 'clock';
  try {
    if (scenario.clock && (scenario.clock.set !== undefined || scenario.clock.freeze !== undefined)) {
      const draft = services.clock.fork();
      const { set, freeze } = scenario.clock;
      try {
        draft.set(set ?? draft.now(), freeze === true);
      } catch (err) {
        throw err instanceof ClockRangeError ? new ControlInputError(`the clock cannot be set: ${err.message}.`) : err;
      }
      await applyClock(services, draft.snapshot());
      result.clock = { now: services.clock.nowIso(), frozen: services.clock.snapshot().frozenAtMs !== null };
    }
    // Names first, so that invitations between the scenario's accounts carry them.
    for (const account of scenario.accounts ?? []) if (account.name !== undefined) services.accounts.configure(account.accountId, { companyName: account.name });

    for (const [i, account] of (scenario.accounts ?? []).entries()) {
      const entry: ScenarioResult['accounts'][number] = { accountId: account.accountId, opportunities: [], invitations: [] };
      result.accounts.push(entry);
      for (const [j, opportunity] of (account.opportunities ?? []).entries()) {
        at = `accounts[${i}].opportunities[${j}]`;
        const input = { Catalog: 'Sandbox', ClientToken: randomUUID(), ...opportunity };
        const created = await call(services, 'CreateOpportunity', account.accountId, input, requestId);
        entry.opportunities.push({ id: String(created.Id), catalog: String(input.Catalog) });
      }
      for (const [j, invitation] of (account.invitations ?? []).entries()) {
        at = `accounts[${i}].invitations[${j}]`;
        const { accept, ...body } = invitation;
        const sent = await createInvitationByControlPlane(services, { ...body, receiverAccountId: account.accountId });
        const view: ScenarioResult['accounts'][number]['invitations'][number] = {
          invitationId: sent.invitationId,
          invitationArn: sent.invitationArn,
          engagementId: sent.engagementId,
          catalog: sent.catalog,
          senderAccountId: sent.senderAccountId,
          sourceOpportunityId: sent.sourceOpportunityId,
        };
        entry.invitations.push(view);
        if (accept === true) {
          at = `accounts[${i}].invitations[${j}].accept`;
          const task = await call(services, 'StartEngagementByAcceptingInvitationTask', account.accountId, { Catalog: sent.catalog, Identifier: sent.invitationArn, ClientToken: randomUUID() }, requestId);
          if (task.TaskStatus !== 'COMPLETE') {
            throw new ControlInputError(`the accept task ${String(task.TaskId)} ended ${String(task.TaskStatus)} (${String(task.ReasonCode ?? '')}: ${String(task.Message ?? '')}).`);
          }
          view.accepted = {
            taskId: String(task.TaskId),
            opportunityId: String(task.OpportunityId),
            ...(typeof task.ResourceSnapshotJobId === 'string' ? { resourceSnapshotJobId: task.ResourceSnapshotJobId } : {}),
          };
        }
      }
    }
  } catch (err) {
    throw new ScenarioStepError(at, err, result);
  } finally {
    Object.assign(runtime, saved);
  }
  if (scenario.config) await applyRuntimeConfig(services, scenario.config);
  return result;
}

/** Applies the parts of a scenario that live in the process, not the database: account names and settings. */
export async function applyProcessSettings(services: Services, scenario: Scenario): Promise<void> {
  for (const account of scenario.accounts ?? []) if (account.name !== undefined) services.accounts.configure(account.accountId, { companyName: account.name });
  if (scenario.config) await applyRuntimeConfig(services, scenario.config);
}
