// POST /_emulator/scenario: loads a scenario (src/scenario/scenario.ts) and answers what it created, entry by
// entry (201). The whole scenario is checked first (400 naming every problem, nothing applied); a step that
// fails while applying answers 400 (or 500) with the step, the reason and what was applied before it.
import { applyScenario, checkScenario, ScenarioStepError } from '../../scenario/scenario.js';
import { ok, uncheckedBodyHandler, type ControlRoute } from '../router.js';

export const scenarioRoute: ControlRoute = {
  paths: ['/_emulator/scenario'],
  POST: uncheckedBodyHandler({
    handle: async ({ services, body, requestId }) => {
      const scenario = checkScenario(body);
      try {
        return ok(await applyScenario(services, scenario, requestId), 201);
      } catch (err) {
        if (!(err instanceof ScenarioStepError)) throw err;
        if (err.httpStatus === 500) services.log.error(`${requestId} scenario step ${err.at} failed: ${err.reason instanceof Error ? err.reason.stack : String(err.reason)}`);
        return ok({ error: err.message, failedAt: err.at, applied: err.applied }, err.httpStatus);
      }
    },
  }),
};
