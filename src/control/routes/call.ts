// POST /_emulator/call {"account", "operation", "input"}: runs one API operation as `account`, through the same
// pipeline as a signed request after authentication (validation, read cache, handler, rendering), and answers
// what AWS would have: `{"status", "requestId", "output"}` or `{"status", "requestId", "errorType", "error"}`.
// The web console uses it because a browser cannot sign requests; the control plane is unauthenticated anyway.
import { ApiError, InternalServerException } from '../../errors.js';
import { operationNames } from '../../model/generated/operations.js';
import { errorBody } from '../../protocol/respond.js';
import { handler, ok, type ControlRoute } from '../router.js';
import { ACCOUNT_ID } from './fields.js';

const CALL_BODY = {
  account: { ...ACCOUNT_ID, required: true },
  operation: { type: 'string', values: operationNames, required: true },
  input: { type: 'object' },
} as const;

export const callRoute: ControlRoute = {
  paths: ['/_emulator/call'],
  POST: handler({
    body: CALL_BODY,
    handle: async ({ services, body, requestId }) => {
      const input = body.input ?? {};
      try {
        const caller = { accountId: body.account, accountSource: 'control-plane' as const };
        const rendered = (await services.runOperation(body.operation, caller, input, requestId)).toString('utf8');
        return ok({ status: 200, requestId, output: rendered === '' ? {} : (JSON.parse(rendered) as unknown) });
      } catch (err) {
        let apiError: ApiError;
        if (err instanceof ApiError) {
          apiError = err;
        } else {
          services.log.error(`${requestId} unexpected failure: ${err instanceof Error ? err.stack : String(err)}`);
          apiError = new InternalServerException('An internal error occurred. The request was not applied.');
        }
        return ok({ status: apiError.httpStatus, requestId, errorType: apiError.code, error: JSON.parse(errorBody(apiError)) as unknown });
      }
    },
  }),
};
