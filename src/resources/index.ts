// The operation → handler table. Each resource module exports the handlers of the operations it owns;
// an operation missing here is answered NotImplementedException after its input was validated.
import type { HandlerTable } from '../context.js';
import { acceptInvitationTaskHandlers } from '../tasks/engagement-by-accepting-invitation.js';
import { engagementInvitationHandlers } from './engagement-invitations.js';
import { engagementHandlers } from './engagements.js';
import { opportunityHandlers } from './opportunities.js';
import { resourceSnapshotJobHandlers } from './resource-snapshot-jobs.js';
import { resourceSnapshotHandlers } from './resource-snapshots.js';

export const handlers: HandlerTable = {
  ...opportunityHandlers,
  ...engagementInvitationHandlers,
  ...engagementHandlers,
  ...resourceSnapshotJobHandlers,
  ...resourceSnapshotHandlers,
  ...acceptInvitationTaskHandlers,
};
