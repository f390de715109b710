// POST /_emulator/invitations (alias /_emulator/referrals): an invitation from AWS (an AWS referral) or from
// another partner account. The top-level keys are checked here; the `opportunity` payload against the model,
// and the rules between fields (no self-invitation, membership), by the invitations module.
import { createInvitationByControlPlane } from '../../resources/engagement-invitations.js';
import { handler, ok, type ControlRoute } from '../router.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

const INVITATION_BODY = {
  receiverAccountId: { ...ACCOUNT_ID, required: true },
  senderAccountId: { type: 'string', pattern: /^(?:aws|\d{12})$/, expected: "'aws' or a 12-digit account id" },
  catalog: CATALOG,
  opportunity: { type: 'object' },
  engagementId: { type: 'string', minLength: 1, maxLength: 255 },
  message: { type: 'string', minLength: 1, maxLength: 255 },
} as const;

export const invitationsRoute: ControlRoute = {
  paths: ['/_emulator/invitations', '/_emulator/referrals'],
  POST: handler({
    body: INVITATION_BODY,
    handle: async ({ services, body }) => ok(await createInvitationByControlPlane(services, body), 201),
  }),
};
