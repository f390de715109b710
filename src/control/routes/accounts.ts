// GET /_emulator/accounts: the accounts the store knows (owners of opportunities and tasks, senders and
// receivers of invitations, engagement members) and the default account, with the catalogs each appears in.
// Read-only; it scans those collections, which is fine for a console and never on the API's path.
import { engagementMembers, invitations, opportunities, tasks } from '../../store/records.js';
import { handler, ok, type ControlRoute } from '../router.js';

const ACCOUNT = /^\d{12}$/;

export const accountsRoute: ControlRoute = {
  paths: ['/_emulator/accounts'],
  GET: handler({
    handle: ({ services }) => {
      const catalogs = new Map<string, Set<string>>();
      const note = (accountId: string, catalog?: string) => {
        if (!ACCOUNT.test(accountId)) return; // the sender 'aws' is not an account
        let seen = catalogs.get(accountId);
        if (!seen) catalogs.set(accountId, (seen = new Set()));
        if (catalog !== undefined) seen.add(catalog);
      };
      note(services.options.defaultAccountId);
      services.store.read((tx) => {
        for (const o of tx.collection(opportunities).find({})) note(o.accountId, o.catalog);
        for (const t of tx.collection(tasks).find({})) note(t.accountId, t.catalog);
        for (const m of tx.collection(engagementMembers).find({})) note(m.accountId, m.catalog);
        for (const i of tx.collection(invitations).find({})) {
          note(i.senderAccountId, i.catalog);
          note(i.receiverAccountId, i.catalog);
        }
      });
      const accounts = [...catalogs].sort(([a], [b]) => a.localeCompare(b)).map(([accountId, seen]) => ({ accountId, catalogs: [...seen].sort() }));
      return ok({ accounts });
    },
  }),
};
