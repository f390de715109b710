// The operation → handler table. Each resource module exports the handlers of the operations it owns;
// an operation missing here is answered NotImplementedException after its input was validated.
import type { HandlerTable } from '../context.js';
import type { OperationName } from '../model/generated/operations.js';
import { acceptInvitationTaskHandlers } from '../tasks/engagement-by-accepting-invitation.js';
import { engagementInvitationHandlers } from './engagement-invitations.js';
import { engagementHandlers } from './engagements.js';
import { opportunityHandlers } from './opportunities.js';
import { resourceSnapshotJobHandlers } from './resource-snapshot-jobs.js';
import { resourceSnapshotHandlers } from './resource-snapshots.js';
import { tagHandlers } from './tags.js';

export const handlers: HandlerTable = {
  ...opportunityHandlers,
  ...engagementInvitationHandlers,
  ...engagementHandlers,
  ...resourceSnapshotJobHandlers,
  ...resourceSnapshotHandlers,
  ...acceptInvitationTaskHandlers,
  ...tagHandlers,
};

/**
 * Operations whose answer depends only on the stored state and the request (no clock, no side effects), so the
 * server may serve a repeated request from its read cache until anything is written. Invitation reads are not
 * here (they expire by the clock), nor task lists (reads count towards poll-based progression).
 */
export const pureReadOperations: ReadonlySet<OperationName> = new Set<OperationName>([
  'GetOpportunity',
  'ListOpportunities',
  'GetEngagement',
  'ListEngagements',
  'ListEngagementMembers',
  'ListEngagementResourceAssociations',
  'GetResourceSnapshotJob',
  'ListResourceSnapshotJobs',
  'GetResourceSnapshot',
  'ListResourceSnapshots',
  'ListTagsForResource',
]);
