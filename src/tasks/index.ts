// Registers every task type with the runner.
import type { Services } from '../context.js';
import { acceptInvitationTask } from './engagement-by-accepting-invitation.js';
import { engagementFromOpportunityTask } from './engagement-from-opportunity.js';
import { opportunityFromEngagementTask } from './opportunity-from-engagement.js';
import { prospectingTask } from './prospecting-from-engagement.js';

export function registerTasks(services: Services): void {
  services.tasks.register(acceptInvitationTask(services));
  services.tasks.register(engagementFromOpportunityTask(services));
  services.tasks.register(opportunityFromEngagementTask(services));
  services.tasks.register(prospectingTask(services));
}
