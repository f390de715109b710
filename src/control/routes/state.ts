// GET /_emulator/state exports everything the store holds as one versioned JSON document, streamed a page at
// a time; PUT /_emulator/state replaces everything with such a document (src/state/export.ts).
import type { ClockState } from '../../clock.js';
import { exportState, importState, StateFormatError } from '../../state/export.js';
import { handler, ok, uncheckedBodyHandler, type ControlRoute } from '../router.js';
import { ControlInputError } from '../schema.js';
import { applyClock } from './clock.js';

/** An import is a whole database: far above the API's 5 MiB, still bounded (it is parsed in memory). */
export const MAX_STATE_BYTES = 512 * 1024 * 1024;

export const stateRoute: ControlRoute = {
  paths: ['/_emulator/state'],
  GET: handler({
    handle: ({ services }) => {
      const { store } = services;
      return {
        status: 200,
        body: null,
        headers: { 'Content-Disposition': 'attachment; filename="partnercentral-local-state.json"' },
        stream: async (write) => {
          await exportState(store, write);
        },
      };
    },
  }),
  PUT: uncheckedBodyHandler({
    maxBodyBytes: MAX_STATE_BYTES,
    handle: async ({ services, body }) => {
      const { store } = services;
      let summary;
      try {
        summary = await importState(store, body);
      } catch (err) {
        if (err instanceof StateFormatError) throw new ControlInputError(err.message);
        throw err;
      }
      // The business clock is this process's, saved in the metadata: take the imported one (or real time).
      const saved = await store.readMeta('clock');
      const realTime: ClockState = { offsetMs: 0, frozenAtMs: null };
      try {
        await applyClock(services, saved === undefined ? realTime : (JSON.parse(saved) as ClockState));
      } catch {
        services.log.warn('the imported state has an unreadable clock; the business clock is back to real time');
        await applyClock(services, realTime);
      }
      services.log.info(`state imported: ${Object.values(summary.records).reduce((a, b) => a + b, 0)} records, ${summary.events} events`);
      return ok({ imported: summary });
    },
  }),
};
