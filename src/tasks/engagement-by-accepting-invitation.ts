// placeholder, being written
import type { Services } from '../context.js';
import type { TaskDefinition } from './runner.js';
export function acceptInvitationTask(_services: Services): TaskDefinition {
  return { type: 'engagement-by-accepting-invitation', execute: (_tx, task) => task };
}
