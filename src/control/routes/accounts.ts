// GET /_emulator/accounts: the accounts the store knows (owners of opportunities and tasks, senders and
// receivers of invitations, engagement members) and the default account, with the catalogs each appears in.
// Read-only; it scans those collections, which is fine for a console and never on the API's path.
import { engagementMemberKind, invitationKind, opportunityKind, taskKind } from '../../store/kinds.js';
import { queryAll } from '../../store/query-all.js';
import { handler, ok, type ControlRoute } from '../router.js';

const ACCOUNT = /^\d{12}$/;

export const accountsRoute: ControlRoute = {
  paths: ['/_emulator/accounts'],
  GET: handler({
    handle: async ({ services }) => {
      const catalogs = new Map<string, Set<string>>();
      const note = (accountId: string, catalog?: string) => {
        if (!ACCOUNT.test(accountId)) return; // the sender 'aws' is not an account
        let seen = catalogs.get(accountId);
        if (!seen) catalogs.set(accountId, (seen = new Set()));
        if (catalog !== undefined) seen.add(catalog);
      };
      note(services.options.defaultAccountId);
      await services.store.transaction(
        async (uow) => {
          for (const o of await queryAll(uow, opportunityKind)) note(o.accountId, o.catalog);
          for (const t of await queryAll(uow, taskKind)) note(t.accountId, t.catalog);
          for (const m of await queryAll(uow, engagementMemberKind)) note(m.accountId, m.catalog);
          for (const i of await queryAll(uow, invitationKind)) {
            note(i.senderAccountId, i.catalog);
            note(i.receiverAccountId, i.catalog);
          }
        },
        { readOnly: true },
      );
      const accounts = [...catalogs].sort(([a], [b]) => a.localeCompare(b)).map(([accountId, seen]) => ({ accountId, catalogs: [...seen].sort() }));
      return ok({ accounts });
    },
  }),
};
