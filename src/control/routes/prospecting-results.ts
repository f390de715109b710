// POST /_emulator/prospecting-results: the ProspectingResult AWS returns for one engagement when that account
// prospects it (decision 20); without one, prospecting builds a deterministic result from the engagement.
import { validateShape } from '../../model/validate.js';
import type { ProspectingResult } from '../../model/generated/types.js';
import type { Catalog } from '../../store/records.js';
import { supplyProspectingResult } from '../../tasks/prospecting-from-engagement.js';
import { handler, ok, type ControlRoute } from '../router.js';
import { ControlInputError } from '../schema.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

const BODY = {
  accountId: { ...ACCOUNT_ID, required: true },
  catalog: CATALOG,
  engagementId: { type: 'string', pattern: /^eng-[0-9a-z]{14}$/, expected: 'an engagement id (eng-…)', required: true },
  result: { type: 'object', required: true },
} as const;

export const prospectingResultsRoute: ControlRoute = {
  paths: ['/_emulator/prospecting-results'],
  POST: handler({
    body: BODY,
    handle: async ({ services, body }) => {
      const problems = validateShape('ProspectingResult', body.result);
      if (problems.length > 0) {
        throw new ControlInputError(`'result' is not a valid ProspectingResult: ${problems.map((p) => `${p.FieldName}: ${p.Message}`).join('; ')}`);
      }
      const catalog = (body.catalog ?? 'AWS') as Catalog;
      await supplyProspectingResult(services, { accountId: body.accountId, catalog, engagementId: body.engagementId, result: body.result as ProspectingResult });
      return ok({ accountId: body.accountId, catalog, engagementId: body.engagementId }, 201);
    },
  }),
};
