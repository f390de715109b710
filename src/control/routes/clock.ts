// GET/POST /_emulator/clock: read and move the business clock. A change is tried on a copy first and only a
// valid result is persisted and applied, so a refused request leaves the clock exactly as it was. The clock is
// shared by every process on the database.
import { ClockRangeError, MAX_DURATION_MS, type Clock, type ClockState } from '../../clock.js';
import type { Services } from '../../context.js';
import { expireDueInvitations } from '../../resources/engagement-invitations.js';
import { handler, ok, type ControlRoute } from '../router.js';
import { ControlInputError } from '../schema.js';

function clockView(services: Services) {
  const state = services.clock.snapshot();
  return { now: services.clock.nowIso(), offsetMs: state.offsetMs, frozen: state.frozenAtMs !== null, wallClock: new Date().toISOString() };
}

/** Saves `state` and makes it the clock; moving the clock can expire invitations and make delayed tasks due. */
export async function applyClock(services: Services, state: ClockState): Promise<void> {
  // Shared: every process on the database follows (src/settings.ts).
  await services.settings.saveClock(state);
  // Moving the clock can expire invitations, make delayed tasks due and put records past their retention.
  await expireDueInvitations(services);
  services.tasks.schedule();
  services.retention.request();
}

/** Runs one step on the draft clock; a step that would leave the representable range is refused, naming `field`. */
function step(field: string, change: () => void): void {
  try {
    change();
  } catch (err) {
    if (err instanceof ClockRangeError) throw new ControlInputError(`'${field}' cannot be applied: ${err.message}.`);
    throw err;
  }
}

const CLOCK_BODY = {
  set: { type: 'instant' },
  freeze: { type: 'boolean' },
  advance: { type: 'duration', min: -MAX_DURATION_MS, max: MAX_DURATION_MS },
  reset: { type: 'boolean' },
} as const;

export const clockRoute: ControlRoute = {
  paths: ['/_emulator/clock'],
  GET: handler({
    handle: async ({ services }) => {
      // Another process may have just moved it.
      await services.settings.synced();
      return ok(clockView(services));
    },
  }),
  POST: handler({
    body: CLOCK_BODY,
    handle: async ({ services, body }) => {
      await services.settings.synced();
      const draft: Clock = services.clock.fork();
      if (body.reset === true) {
        if (body.set !== undefined || body.freeze !== undefined || body.advance !== undefined) {
          throw new ControlInputError("'reset' cannot be combined with 'set', 'freeze' or 'advance'.");
        }
        draft.restore({ offsetMs: 0, frozenAtMs: null });
      }
      // Order as documented: set (or freeze/unfreeze where the clock stands), then advance.
      const { set, freeze, advance } = body;
      if (set !== undefined) step('set', () => draft.set(set, freeze === true));
      else if (freeze !== undefined) step('freeze', () => draft.set(draft.now(), freeze));
      if (advance !== undefined) step('advance', () => draft.advance(advance));
      await applyClock(services, draft.snapshot());
      return ok(clockView(services));
    },
  }),
};
