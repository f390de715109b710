// The emulator's own API under /_emulator/ (never part of AWS's surface): health, reset, clock, config,
// events (and their delivery: stream, webhooks, EventBridge), simulations, fault rules, accounts, API calls without signing, and the web console's files; one
// module per route under routes/. Plain JSON in and out (except the console's files); errors are
// {"error": "..."} with a 4xx status.
import { controlRouter } from './router.js';
import { accountsRoute } from './routes/accounts.js';
import { awsOpportunityDataRoute } from './routes/aws-opportunity-data.js';
import { callRoute } from './routes/call.js';
import { clockRoute } from './routes/clock.js';
import { configRoute } from './routes/config.js';
import { eventsRoute } from './routes/events.js';
import { eventStreamRoute } from './routes/events-stream.js';
import { eventBridgeRoute } from './routes/eventbridge.js';
import { webhookDeadLettersRoute, webhookRoute, webhooksRoute } from './routes/webhooks.js';
import { faultRoute, faultsRoute } from './routes/faults.js';
import { healthRoute } from './routes/health.js';
import { invitationAwsDataRoute, invitationsRoute } from './routes/invitations.js';
import { resetRoute } from './routes/reset.js';
import { scenarioRoute } from './routes/scenario.js';
import { solutionsRoute } from './routes/solutions.js';
import { stateRoute } from './routes/state.js';
import { uiRoute } from './routes/ui.js';
import { prospectingResultsRoute } from './routes/prospecting-results.js';

export const CONTROL_PREFIX = '/_emulator';

export const handleControl = controlRouter([
  healthRoute,
  resetRoute,
  clockRoute,
  configRoute,
  eventsRoute,
  invitationsRoute,
  awsOpportunityDataRoute,
  invitationAwsDataRoute,
  prospectingResultsRoute,
  faultsRoute,
  faultRoute,
  accountsRoute,
  callRoute,
  scenarioRoute,
  stateRoute,
  uiRoute,
  eventStreamRoute,
  webhooksRoute,
  webhookRoute,
  webhookDeadLettersRoute,
  eventBridgeRoute,
  solutionsRoute,
]);
