// Registers every task type with the runner.
import type { Services } from '../context.js';
import { acceptInvitationTask } from './engagement-by-accepting-invitation.js';

export function registerTasks(services: Services): void {
  services.tasks.register(acceptInvitationTask(services));
}
