// GET /_emulator/events: the event outbox, oldest first, filtered by account, detail-type and catalog, after
// a given event id.
import { ControlError, handler, ok, type ControlRoute } from '../router.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

export const MAX_EVENTS_LIMIT = 10_000;

const EVENTS_QUERY = {
  after: { type: 'string', maxLength: 200 },
  detailType: { type: 'string', maxLength: 256 },
  'detail-type': { type: 'string', maxLength: 256 },
  account: ACCOUNT_ID,
  catalog: CATALOG,
  limit: { type: 'integer', min: 1, max: MAX_EVENTS_LIMIT },
} as const;

export const eventsRoute: ControlRoute = {
  paths: ['/_emulator/events'],
  GET: handler({
    query: EVENTS_QUERY,
    handle: async ({ services, query }) => {
      let after = 0;
      if (query.after !== undefined && query.after !== '') {
        after = (await services.store.eventPosition(query.after)) ?? -1;
        if (after < 0) throw new ControlError(404, `No event with id '${query.after}'.`);
      }
      const events = await services.store.readEvents({
        after,
        detailType: query.detailType ?? query['detail-type'],
        accountId: query.account,
        catalog: query.catalog,
        availableBy: services.clock.now(),
        limit: query.limit ?? 1000,
      });
      return ok({ events: events.map((e) => e.envelope) });
    },
  }),
};
