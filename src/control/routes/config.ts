// GET/POST /_emulator/config: the effective configuration, and the run-time settings a test may change. The
// whole body is checked before any setting changes, so a refused request changes nothing. Run-time settings are
// shared by every process on the database; fault rules and throttling counters stay per process.
import { MAX_DELAY_MS, MAX_TASK_POLLS } from '../../config.js';
import type { Services } from '../../context.js';
import { shapes } from '../../model/generated/shapes.js';
import { handler, ok, type ControlRoute } from '../router.js';
import type { Checked } from '../schema.js';

const reasonCodeShape = shapes.ReasonCode;
const REASON_CODES: readonly string[] = reasonCodeShape?.type === 'enum' ? reasonCodeShape.values : [];

/** What `POST /_emulator/config` accepts (also a scenario's `config`). */
export const CONFIG_BODY = {
  taskProgression: { type: 'string', values: ['immediate', 'async'] },
  taskDelayMs: { type: 'duration', min: 0, max: MAX_DELAY_MS },
  taskPolls: { type: 'integer', min: 1, max: MAX_TASK_POLLS, nullable: true },
  referralDelayMs: { type: 'duration', min: 0, max: MAX_DELAY_MS },
  forcedTaskFailure: {
    type: 'object',
    nullable: true,
    fields: {
      reasonCode: { type: 'string', values: REASON_CODES, required: true },
      message: { type: 'string', minLength: 1, maxLength: 1000, required: true },
    },
  },
  throttling: { type: 'string', values: ['aws', 'off'] },
} as const;

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
    logFormat: o.logFormat,
    maxBodyBytes: o.maxBodyBytes,
    idempotencyTtlMs: o.idempotencyTtlMs,
    invitationTtlMs: o.invitationTtlMs,
    eventRetentionMs: o.eventRetentionMs,
    eventRetentionCount: o.eventRetentionCount,
    readCacheBytes: o.readCacheBytes,
    ...services.runtime,
    // `throttling` (from runtime) says whether these apply.
    throttlingQuotas: services.throttle.quotas(),
  };
}

export const configRoute: ControlRoute = {
  paths: ['/_emulator/config'],
  GET: handler({
    handle: async ({ services }) => {
      // Another process may have just changed it.
      await services.settings.synced();
      return ok(configView(services));
    },
  }),
  POST: handler({
    body: CONFIG_BODY,
    handle: async ({ services, body }) => {
      await services.settings.synced();
      await applyRuntimeConfig(services, body);
      return ok(configView(services));
    },
  }),
};

/**
 * Applies checked run-time settings (each absent one stays as it is) and saves them as the configuration of
 * every process on the database (`src/settings.ts`).
 */
export async function applyRuntimeConfig(services: Services, body: Checked<typeof CONFIG_BODY>): Promise<void> {
  const rt = services.runtime;
  if (body.taskProgression !== undefined) rt.taskProgression = body.taskProgression;
  if (body.taskDelayMs !== undefined) rt.taskDelayMs = body.taskDelayMs;
  if (body.taskPolls !== undefined) rt.taskPolls = body.taskPolls;
  if (body.referralDelayMs !== undefined) rt.referralDelayMs = body.referralDelayMs;
  if (body.throttling !== undefined && body.throttling !== rt.throttling) {
    // Switching throttling on (or off) starts every account's counters afresh.
    rt.throttling = body.throttling;
    services.throttle.reset();
  }
  if (body.forcedTaskFailure !== undefined) {
    const f = body.forcedTaskFailure;
    // The schema admits only the model's ReasonCode values.
    rt.forcedTaskFailure = f === null ? null : { reasonCode: f.reasonCode as never, message: f.message };
  }
  await services.settings.saveRuntime();
  services.tasks.schedule();
}
