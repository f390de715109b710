// /_emulator/webhooks: webhook registrations (src/delivery/webhooks.ts). POST registers one (201), GET lists
// them; /_emulator/webhooks/{id} reads or deletes one; /_emulator/webhooks/{id}/dead-letters lists the events
// it gave up on. Secrets are never shown back.
import type { DetailType } from '../../events/outbox.js';
import type { SavedWebhook } from '../../delivery/persistence.js';
import { describeWebhook } from '../../delivery/webhooks.js';
import { ControlInputError } from '../schema.js';
import { ControlError, handler, ok, type ControlRoute } from '../router.js';
import { ACCOUNT_ID } from './fields.js';

export const DETAIL_TYPES = [
  'Opportunity Created',
  'Opportunity Updated',
  'Engagement Invitation Created',
  'Engagement Invitation Accepted',
  'Engagement Invitation Rejected',
  'Engagement Invitation Expired',
  'Engagement Member Added',
  'Engagement Resource Snapshot Created',
  'Engagement Created',
  'Engagement Updated',
] as const satisfies readonly DetailType[];

export const MAX_WEBHOOK_ATTEMPTS = 100;

const WEBHOOK_BODY = {
  url: { type: 'string', minLength: 1, maxLength: 2048, required: true },
  secret: { type: 'string', minLength: 1, maxLength: 256 },
  detailTypes: { type: 'array', items: { type: 'string', values: DETAIL_TYPES }, minItems: 1, maxItems: DETAIL_TYPES.length },
  accounts: { type: 'array', items: ACCOUNT_ID, minItems: 1, maxItems: 100 },
  maxAttempts: { type: 'integer', min: 1, max: MAX_WEBHOOK_ATTEMPTS },
} as const;

/** Only http and https URLs; any host, loopback included (it is a local tool). */
function webhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ControlInputError(`'url' must be an absolute http or https URL, such as 'http://127.0.0.1:3000/events'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ControlInputError(`'url' must use http or https, not '${url.protocol.slice(0, -1).slice(0, 20)}'.`);
  return url.href;
}

function found(webhook: SavedWebhook | undefined, id: string): SavedWebhook {
  if (!webhook) throw new ControlError(404, `No webhook '${id.length > 60 ? `${id.slice(0, 57)}...` : id}'.`);
  return webhook;
}

export const webhooksRoute: ControlRoute = {
  paths: ['/_emulator/webhooks'],
  GET: handler({ handle: async ({ services }) => ok({ webhooks: (await services.delivery.listWebhooks()).map(describeWebhook) }) }),
  POST: handler({
    body: WEBHOOK_BODY,
    handle: async ({ services, body }) => {
      const url = webhookUrl(body.url);
      const webhook = await services.delivery.addWebhook({ ...body, url, detailTypes: body.detailTypes && [...new Set(body.detailTypes)] });
      services.log.info(`webhook ${webhook.id} registered for ${url}`);
      return ok(describeWebhook(webhook), 201);
    },
  }),
};

export const webhookRoute: ControlRoute = {
  paths: ['/_emulator/webhooks/{id}'],
  GET: handler({ handle: async ({ services, id }) => ok(describeWebhook(found(await services.delivery.getWebhook(id), id))) }),
  DELETE: handler({
    handle: async ({ services, id }) => {
      found(await services.delivery.getWebhook(id), id);
      await services.delivery.removeWebhook(id);
      return ok({ deleted: id });
    },
  }),
};

export const webhookDeadLettersRoute: ControlRoute = {
  paths: ['/_emulator/webhooks/{id}/dead-letters'],
  GET: handler({
    handle: async ({ services, id }) => {
      found(await services.delivery.getWebhook(id), id);
      return ok({ deadLetters: await services.delivery.deadLetters(id) });
    },
  }),
};
