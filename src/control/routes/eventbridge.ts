// GET /_emulator/eventbridge: where events are forwarded (--eventbridge-endpoint, --eventbridge-bus) and the
// events forwarding gave up on.
import { handler, ok, type ControlRoute } from '../router.js';

export const eventBridgeRoute: ControlRoute = {
  paths: ['/_emulator/eventbridge'],
  GET: handler({ handle: async ({ services }) => ok(await services.delivery.eventBridgeStatus()) }),
};
