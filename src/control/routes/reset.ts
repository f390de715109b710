// POST /_emulator/reset: deletes all state (clock and identifier sequences included), or one account's and/or
// one catalog's.
import { handler, ok, type ControlRoute } from '../router.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';
import { applyClock } from './clock.js';

export const resetRoute: ControlRoute = {
  paths: ['/_emulator/reset'],
  POST: handler({
    body: { accountId: ACCOUNT_ID, catalog: CATALOG },
    handle: async ({ services, body: { accountId, catalog } }) => {
      await services.store.reset({ accountId, catalog });
      // Quota counters are per account (not per catalog); fault rules are settings and stay (DELETE /_emulator/faults).
      if (catalog === undefined) services.throttle.reset(accountId);
      if (accountId === undefined && catalog === undefined) await applyClock(services, { offsetMs: 0, frozenAtMs: null });
      services.log.info(`reset ${accountId ?? 'all accounts'} / ${catalog ?? 'all catalogs'}`);
      return ok({ reset: { accountId: accountId ?? 'all', catalog: catalog ?? 'all' } });
    },
  }),
};
