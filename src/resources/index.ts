// The operation → handler table. Each resource module exports the handlers of the operations it owns;
// an operation missing here is answered NotImplementedException after its input was validated.
import type { HandlerTable } from '../context.js';

export const handlers: HandlerTable = {};
