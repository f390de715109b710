// GET /_emulator/health: ready or not, and which account the caller's credential maps to.
import { accountForAccessKey } from '../../auth/authenticate.js';
import { handler, ok, type ControlRoute } from '../router.js';

export const healthRoute: ControlRoute = {
  paths: ['/_emulator/health'],
  GET: handler({
    handle: async ({ req, services }) => {
      // Echo how this caller's credential maps to an account (design.md: the rule is shown here, never in AWS answers).
      const auth = req.headers.authorization;
      const akid = typeof auth === 'string' ? /Credential=([^/,\s]+)/.exec(auth)?.[1] : undefined;
      const { options } = services;
      const account = accountForAccessKey(akid, {
        mode: options.auth,
        credentials: options.credentials,
        defaultAccountId: options.defaultAccountId,
        maxSkewMs: 0,
        wallClock: Date.now,
      });
      const database = await services.storeHealth.health();
      if (!database.writable) return ok({ status: 'unavailable', reason: database.problem, database: services.store.location }, 503);
      const status = { status: 'ok', service: 'partnercentral-selling', apiVersion: '2022-07-26', database: services.store.location, clock: services.clock.nowIso() };
      return ok(status, 200, { 'x-partnercentral-local-account': `${account.accountId} (${account.source})` });
    },
  }),
};
