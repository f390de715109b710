// Wires the simulations into the services: resource modules trigger them through `services.simulations` and
// never import them, so imports point one way (simulations → resources).
import type { Services, SimulationHooks } from '../context.js';
import { simulateAwsReferral } from './aws-referral.js';
import { receiversFollowSenderApproval } from './partner-invitation.js';

/** Until `registerSimulations` runs (services are built first, then wired). */
export const unregisteredSimulations: SimulationHooks = {
  awsReferral: () => Promise.reject(new Error('the simulations are not registered yet')),
  senderApproved: () => Promise.reject(new Error('the simulations are not registered yet')),
};

export function registerSimulations(services: Services): void {
  services.simulations = {
    awsReferral: async (uow, opportunity) => {
      await simulateAwsReferral(uow, services, opportunity);
    },
    senderApproved: (uow, opportunity) => receiversFollowSenderApproval(uow, services, opportunity),
  };
}
