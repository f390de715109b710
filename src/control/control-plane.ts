// The emulator's own API under /_emulator/ (never part of AWS's surface): health, reset, clock, config,
// events and simulations. Plain JSON in and out; errors are {"error": "..."} with a 4xx status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDuration } from '../clock.js';
import type { Services } from '../context.js';
import { readBody } from '../protocol/body.js';
import { sendJson } from '../protocol/respond.js';
import { accountForAccessKey } from '../auth/authenticate.js';
import { createInvitationByControlPlane } from '../resources/engagement-invitations.js';
import { expireDueInvitations } from '../resources/engagement-invitations.js';
import { validateShape } from '../model/validate.js';

export const CONTROL_PREFIX = '/_emulator';

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch {
    throw new ControlError(400, 'The body must be a JSON object.');
  }
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ControlError(400, `'${key}' must be a string.`);
  return v;
}

function clockView(services: Services) {
  const state = services.clock.snapshot();
  return { now: services.clock.nowIso(), offsetMs: state.offsetMs, frozen: state.frozenAtMs !== null, wallClock: new Date().toISOString() };
}

function persistClock(services: Services): void {
  services.store.transaction((tx) => tx.setMeta('clock', JSON.stringify(services.clock.snapshot())));
  // Moving the clock can expire invitations, make delayed tasks due and put records past their retention.
  expireDueInvitations(services);
  services.tasks.schedule();
  services.retention.request();
}

const TASK_PROGRESSIONS = new Set(['immediate', 'async']);

function configView(services: Services) {
  const o = services.options;
  return {
    port: o.port,
    host: o.host,
    database: services.store.location,
    auth: o.auth,
    credentialsFile: o.credentialsFile,
    defaultAccountId: o.defaultAccountId,
    logLevel: o.logLevel,
    maxBodyBytes: o.maxBodyBytes,
    idempotencyTtlMs: o.idempotencyTtlMs,
    invitationTtlMs: o.invitationTtlMs,
    eventRetentionMs: o.eventRetentionMs,
    eventRetentionCount: o.eventRetentionCount,
    readCacheBytes: o.readCacheBytes,
    ...services.runtime,
  };
}

function updateConfig(services: Services, body: Record<string, unknown>): void {
  const rt = services.runtime;
  if (body.taskProgression !== undefined) {
    if (typeof body.taskProgression !== 'string' || !TASK_PROGRESSIONS.has(body.taskProgression)) {
      throw new ControlError(400, "'taskProgression' must be 'immediate' or 'async'.");
    }
    rt.taskProgression = body.taskProgression as 'immediate' | 'async';
  }
  if (body.taskDelayMs !== undefined) {
    const ms = parseDuration(body.taskDelayMs as string | number);
    if (ms === null || ms < 0) throw new ControlError(400, "'taskDelayMs' must be a non-negative duration.");
    rt.taskDelayMs = ms;
  }
  if (body.taskPolls !== undefined) {
    if (body.taskPolls !== null && (typeof body.taskPolls !== 'number' || !Number.isInteger(body.taskPolls) || body.taskPolls < 1)) {
      throw new ControlError(400, "'taskPolls' must be a positive integer or null.");
    }
    rt.taskPolls = body.taskPolls as number | null;
  }
  if (body.referralDelayMs !== undefined) {
    const ms = parseDuration(body.referralDelayMs as string | number);
    if (ms === null || ms < 0) throw new ControlError(400, "'referralDelayMs' must be a non-negative duration.");
    rt.referralDelayMs = ms;
  }
  if (body.forcedTaskFailure !== undefined) {
    const f = body.forcedTaskFailure as { reasonCode?: unknown; message?: unknown } | null;
    if (f === null) {
      rt.forcedTaskFailure = null;
    } else {
      const errors = typeof f === 'object' ? validateShape('ReasonCode', f.reasonCode) : [{ Message: 'not an object' }];
      if (errors.length > 0 || typeof f.message !== 'string' || f.message === '') {
        throw new ControlError(400, "'forcedTaskFailure' must be null or {\"reasonCode\": <a ReasonCode>, \"message\": \"…\"}.");
      }
      rt.forcedTaskFailure = { reasonCode: f.reasonCode as never, message: f.message };
    }
  }
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
  services: Services,
  requestId: string,
): Promise<void> {
  const headers = { 'x-amzn-RequestId': requestId };
  try {
    const route = `${req.method} ${path.replace(/\/+$/, '')}`;
    const params = new URLSearchParams(query);
    const body = req.method === 'POST' || req.method === 'PUT' ? parseJson(await readBody(req, services.options.maxBodyBytes)) : {};
    switch (route) {
      case 'GET /_emulator/health': {
        // Echo how this caller's credential maps to an account (design.md: the rule is shown here, never in AWS answers).
        const auth = req.headers.authorization;
        const akid = typeof auth === 'string' ? /Credential=([^/,\s]+)/.exec(auth)?.[1] : undefined;
        const account = accountForAccessKey(akid, {
          mode: services.options.auth,
          credentials: services.options.credentials,
          defaultAccountId: services.options.defaultAccountId,
          maxSkewMs: 0,
          wallClock: Date.now,
        });
        sendJson(res, 200, { status: 'ok', service: 'partnercentral-selling', apiVersion: '2022-07-26', database: services.store.location, clock: services.clock.nowIso() }, {
          ...headers,
          'x-partnercentral-local-account': `${account.accountId} (${account.source})`,
        });
        return;
      }
      case 'POST /_emulator/reset': {
        const accountId = optionalString(body, 'accountId');
        const catalog = optionalString(body, 'catalog');
        if (catalog !== undefined && catalog !== 'AWS' && catalog !== 'Sandbox') throw new ControlError(400, "'catalog' must be AWS or Sandbox.");
        services.store.reset({ accountId, catalog });
        if (accountId === undefined && catalog === undefined) {
          services.clock.restore({ offsetMs: 0, frozenAtMs: null });
          persistClock(services);
        }
        services.log.info(`reset ${accountId ?? 'all accounts'} / ${catalog ?? 'all catalogs'}`);
        sendJson(res, 200, { reset: { accountId: accountId ?? 'all', catalog: catalog ?? 'all' } }, headers);
        return;
      }
      case 'GET /_emulator/clock':
        sendJson(res, 200, clockView(services), headers);
        return;
      case 'POST /_emulator/clock': {
        if (body.set !== undefined) {
          const at = typeof body.set === 'string' ? Date.parse(body.set) : NaN;
          if (Number.isNaN(at)) throw new ControlError(400, "'set' must be an ISO 8601 date-time.");
          services.clock.set(at, body.freeze === true);
        } else if (body.freeze === true) {
          services.clock.set(services.clock.now(), true);
        } else if (body.freeze === false) {
          services.clock.set(services.clock.now(), false);
        }
        if (body.advance !== undefined) {
          const ms = parseDuration(body.advance as string | number);
          if (ms === null) throw new ControlError(400, "'advance' must be a duration such as '15d', '2h', '30s' or milliseconds.");
          services.clock.advance(ms);
        }
        if (body.reset === true) services.clock.restore({ offsetMs: 0, frozenAtMs: null });
        persistClock(services);
        sendJson(res, 200, clockView(services), headers);
        return;
      }
      case 'GET /_emulator/config':
        sendJson(res, 200, configView(services), headers);
        return;
      case 'POST /_emulator/config':
        updateConfig(services, body);
        services.tasks.schedule();
        sendJson(res, 200, configView(services), headers);
        return;
      case 'GET /_emulator/events': {
        const after = params.get('after');
        const limit = Number(params.get('limit') ?? 1000);
        let afterSeq = 0;
        if (after) {
          afterSeq = services.store.eventSeq(after) ?? -1;
          if (afterSeq < 0) throw new ControlError(404, `No event with id '${after}'.`);
        }
        const events = services.store.events({
          afterSeq,
          detailType: params.get('detailType') ?? params.get('detail-type') ?? undefined,
          accountId: params.get('account') ?? undefined,
          catalog: params.get('catalog') ?? undefined,
          availableAtMs: services.clock.now(),
          limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 10_000) : 1000,
        });
        sendJson(res, 200, { events: events.map((e) => e.envelope) }, headers);
        return;
      }
      case 'POST /_emulator/invitations':
      case 'POST /_emulator/referrals': {
        const result = createInvitationByControlPlane(services, body);
        sendJson(res, 201, result, headers);
        return;
      }
      default:
        throw new ControlError(404, `No control-plane route ${req.method} ${path}. See the README for /_emulator endpoints.`);
    }
  } catch (err) {
    if (err instanceof ControlError) sendJson(res, err.status, { error: err.message }, headers);
    else if (err instanceof Error && 'httpStatus' in err) sendJson(res, (err as { httpStatus: number }).httpStatus, { error: err.message }, headers);
    else throw err;
  }
}

export { ControlError };
