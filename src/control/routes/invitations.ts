// POST /_emulator/invitations (alias /_emulator/referrals): an invitation from AWS (an AWS referral) or from
// another partner account (src/simulations/partner-invitation.ts). The top-level keys are checked here; the
// `opportunity` payload against the model, and the rules between fields (no self-invitation, membership), by
// the simulation.
// PUT /_emulator/invitations/{id}/aws-data: AWS-side data of an invitation (decision 21): its EnrichmentContext
// and a lead's readiness score (src/resources/engagement-invitations.ts, `setInvitationAwsData`).
import type { EnrichmentContext } from '../../model/generated/types.js';
import { setInvitationAwsData } from '../../resources/engagement-invitations.js';
import { createInvitationByControlPlane } from '../../simulations/partner-invitation.js';
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

const AWS_DATA_BODY = {
  catalog: CATALOG,
  // Checked against the model's EnrichmentContext shape by setInvitationAwsData.
  enrichmentContext: { type: 'object' },
  // LeadInsights.LeadReadinessScore: the model documents Low, Medium and High.
  leadReadinessScore: { type: 'string', values: ['Low', 'Medium', 'High'] },
} as const;

export const invitationAwsDataRoute: ControlRoute = {
  paths: ['/_emulator/invitations/{id}/aws-data'],
  PUT: handler({
    body: AWS_DATA_BODY,
    handle: async ({ services, body, id }) =>
      ok(
        await setInvitationAwsData(services, id, {
          catalog: body.catalog,
          enrichmentContext: body.enrichmentContext as EnrichmentContext | undefined,
          leadReadinessScore: body.leadReadinessScore,
        }),
      ),
  }),
};
