// Wires the simulations into the services: resource modules trigger them through `services.simulations` and
// never import them, so imports point one way (simulations → resources).
import type { Services, SimulationHooks } from '../context.js';
import { simulateAwsReferral } from './aws-referral.js';
import { afterReviewSaved, beforeReviewSaved } from './review.js';

/** Until `registerSimulations` runs (services are built first, then wired). */
export const unregisteredSimulations: SimulationHooks = {
  awsReferral: () => Promise.reject(new Error('the simulations are not registered yet')),
  reviewBefore: () => Promise.reject(new Error('the simulations are not registered yet')),
  reviewAfter: () => Promise.reject(new Error('the simulations are not registered yet')),
};

export function registerSimulations(services: Services): void {
  services.simulations = {
    awsReferral: async (uow, opportunity) => {
      await simulateAwsReferral(uow, services, opportunity);
    },
    reviewBefore: (uow, opportunity, decision) => beforeReviewSaved(uow, services, opportunity, decision),
    reviewAfter: (uow, opportunity, decision) => afterReviewSaved(uow, services, opportunity, decision),
  };
}
