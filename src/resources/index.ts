// The operation → handler table. Each resource module exports the handlers of the operations it owns;
// an operation missing here is answered NotImplementedException after its input was validated.
import type { HandlerTable } from '../context.js';
import type { OperationName } from '../model/generated/operations.js';
import { acceptInvitationTaskHandlers } from '../tasks/engagement-by-accepting-invitation.js';
import { engagementFromOpportunityTaskHandlers } from '../tasks/engagement-from-opportunity.js';
import { opportunityFromEngagementTaskHandlers } from '../tasks/opportunity-from-engagement.js';
import { prospectingTaskHandlers } from '../tasks/prospecting-from-engagement.js';
import { engagementInvitationHandlers } from './engagement-invitations.js';
import { engagementHandlers, engagementTaskSupportHandlers } from './engagements.js';
import { opportunityHandlers, opportunityTaskSupportHandlers } from './opportunities.js';
import { resourceSnapshotJobHandlers } from './resource-snapshot-jobs.js';
import { resourceSnapshotHandlers } from './resource-snapshots.js';
import { tagHandlers } from './tags.js';
import {
  engagementKind,
  engagementMemberKind,
  engagementResourceKind,
  opportunityKind,
  resourceSnapshotJobKind,
  resourceSnapshotKind,
  tagSetKind,
} from '../store/kinds.js';

export const handlers: HandlerTable = {
  // Stand-ins from i7-tasks (first, so that the owning helpers' real handlers replace them at merge).
  ...opportunityTaskSupportHandlers,
  ...engagementTaskSupportHandlers,
  ...opportunityHandlers,
  ...engagementInvitationHandlers,
  ...engagementHandlers,
  ...resourceSnapshotJobHandlers,
  ...resourceSnapshotHandlers,
  ...acceptInvitationTaskHandlers,
  ...engagementFromOpportunityTaskHandlers,
  ...opportunityFromEngagementTaskHandlers,
  ...prospectingTaskHandlers,
  ...tagHandlers,
};

/**
 * Operations whose answer depends only on the stored state and the request (no clock, no side effects), with the
 * record kinds each reads: the server may serve a repeated request from its read cache until one of those kinds
 * changes. Invitation reads are not here (they expire by the clock), nor task lists (reads count towards
 * poll-based progression).
 */
const ENGAGEMENT = [engagementKind.name, engagementMemberKind.name];
export const pureReadOperations: ReadonlyMap<OperationName, readonly string[]> = new Map<OperationName, readonly string[]>([
  ['GetOpportunity', [opportunityKind.name]],
  ['ListOpportunities', [opportunityKind.name]],
  ['GetEngagement', ENGAGEMENT],
  ['ListEngagements', ENGAGEMENT],
  ['ListEngagementMembers', ENGAGEMENT],
  ['ListEngagementResourceAssociations', [...ENGAGEMENT, engagementResourceKind.name]],
  ['GetResourceSnapshotJob', [resourceSnapshotJobKind.name]],
  ['ListResourceSnapshotJobs', [resourceSnapshotJobKind.name]],
  ['GetResourceSnapshot', [...ENGAGEMENT, resourceSnapshotKind.name]],
  ['ListResourceSnapshots', [...ENGAGEMENT, resourceSnapshotKind.name]],
  ['ListTagsForResource', [tagSetKind.name, opportunityKind.name, resourceSnapshotJobKind.name]],
]);
