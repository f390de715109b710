// The operation → handler table. Each resource module exports the handlers of the operations it owns;
// an operation missing here is answered NotImplementedException after its input was validated.
import type { HandlerTable } from '../context.js';
import type { OperationName } from '../model/generated/operations.js';
import { acceptInvitationTaskHandlers } from '../tasks/engagement-by-accepting-invitation.js';
import { engagementContextHandlers } from './engagement-contexts.js';
import { engagementFromOpportunityTaskHandlers } from '../tasks/engagement-from-opportunity.js';
import { opportunityFromEngagementTaskHandlers } from '../tasks/opportunity-from-engagement.js';
import { prospectingTaskHandlers } from '../tasks/prospecting-from-engagement.js';
import { engagementInvitationHandlers } from './engagement-invitations.js';
import { engagementHandlers } from './engagements.js';
import { opportunityHandlers } from './opportunities.js';
import { resourceSnapshotJobHandlers } from './resource-snapshot-jobs.js';
import { resourceSnapshotHandlers } from './resource-snapshots.js';
import { sellingSystemSettingsHandlers } from './selling-system-settings.js';
import { solutionHandlers } from './solutions.js';
import { tagHandlers } from './tags.js';
import {
  engagementKind,
  engagementMemberKind,
  engagementResourceKind,
  engagementResourceViewKind,
  invitationKind,
  opportunityKind,
  resourceSnapshotJobKind,
  resourceSnapshotKind,
  sellingSystemSettingsKind,
  solutionKind,
  tagSetKind,
} from '../store/kinds.js';

export const handlers: Readonly<HandlerTable> = {
  ...opportunityHandlers,
  ...engagementInvitationHandlers,
  ...engagementHandlers,
  ...engagementContextHandlers,
  ...resourceSnapshotJobHandlers,
  ...resourceSnapshotHandlers,
  ...acceptInvitationTaskHandlers,
  ...engagementFromOpportunityTaskHandlers,
  ...opportunityFromEngagementTaskHandlers,
  ...prospectingTaskHandlers,
  ...tagHandlers,
  ...solutionHandlers,
  ...sellingSystemSettingsHandlers,
};

// Read-only at run time too: the registry (`src/operations/registry.ts`) is built from it, tests build their own.
Object.freeze(handlers);

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
  // i7-opportunity: a receiver's summary reads its sender's opportunity through the accepted invitation.
  ['GetAwsOpportunitySummary', [opportunityKind.name, invitationKind.name]],
  ['GetEngagement', ENGAGEMENT],
  ['ListEngagements', ENGAGEMENT],
  ['ListEngagementMembers', ENGAGEMENT],
  ['ListEngagementResourceAssociations', [...ENGAGEMENT, engagementResourceKind.name, engagementResourceViewKind.name]],
  ['GetResourceSnapshotJob', [resourceSnapshotJobKind.name]],
  ['ListResourceSnapshotJobs', [resourceSnapshotJobKind.name]],
  ['GetResourceSnapshot', [...ENGAGEMENT, resourceSnapshotKind.name, opportunityKind.name]],
  ['ListResourceSnapshots', [...ENGAGEMENT, resourceSnapshotKind.name]],
  // ListSolutions seeds a catalogue on first sight in its own write, before the cacheable read.
  ['ListSolutions', [solutionKind.name]],
  ['GetSellingSystemSettings', [sellingSystemSettingsKind.name]],
  ['ListTagsForResource', [tagSetKind.name, opportunityKind.name, resourceSnapshotJobKind.name]],
]);
