// GET /_emulator/events/stream: the event outbox as Server-Sent Events (src/delivery/stream.ts), with the
// filters of GET /_emulator/events. It starts after the event named by `Last-Event-ID` (what EventSource
// sends when it reconnects) or `?after=`, otherwise with the oldest retained event, and then stays open.
import { ControlError, handler, type ControlRoute } from '../router.js';
import { positionOf } from '../../delivery/persistence.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

const STREAM_QUERY = {
  after: { type: 'string', maxLength: 200 },
  detailType: { type: 'string', maxLength: 256 },
  'detail-type': { type: 'string', maxLength: 256 },
  account: ACCOUNT_ID,
  catalog: CATALOG,
} as const;

export const eventStreamRoute: ControlRoute = {
  paths: ['/_emulator/events/stream'],
  GET: handler({
    query: STREAM_QUERY,
    handle: async ({ services, query, req }) => {
      const header = req.headers['last-event-id'];
      const resumeFrom = typeof header === 'string' && header !== '' ? header.slice(0, 200) : query.after;
      let after = 0;
      if (resumeFrom !== undefined && resumeFrom !== '') {
        const position = await positionOf(services.store, resumeFrom);
        // Swept by retention (or never was): the reader should start again without it, as with GET /_emulator/events.
        if (position === undefined) throw new ControlError(404, `No event with id '${resumeFrom}'.`);
        after = position;
      }
      const filter = { detailType: query.detailType ?? query['detail-type'], accountId: query.account, catalog: query.catalog };
      return { status: 200, body: null, takeOver: (res) => services.delivery.openStream(res, filter, after) };
    },
  }),
};
