// POST /_emulator/solutions: adds solutions to an account's catalogue in one catalog (or replaces those with
// the same id). Partner Central's console is where real solutions are built; this stands in for it. The
// catalogue's seed (S-1234567 and the others) is written first, so adding never hides it.
import type { Catalog } from '../../store/records.js';
import { putSolutions, solutionArn } from '../../resources/solutions.js';
import { handler, ok, type ControlRoute } from '../router.js';
import { ControlInputError } from '../schema.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

const SOLUTION = {
  type: 'object',
  fields: {
    id: { type: 'string', pattern: /^S-[0-9]{1,19}$/, expected: "a solution id like 'S-0012345'", required: true },
    name: { type: 'string', minLength: 1, maxLength: 255, required: true },
    status: { type: 'string', values: ['Active', 'Inactive', 'Draft'] },
    category: { type: 'string', minLength: 1, maxLength: 255 },
    createdDate: { type: 'instant' },
    awsMarketplaceSolutionArn: { type: 'string', pattern: /^arn:.*$/, expected: 'an ARN', minLength: 4, maxLength: 2048 },
  },
} as const;

const SOLUTIONS_BODY = {
  accountId: { ...ACCOUNT_ID, required: true },
  catalog: CATALOG,
  solutions: { type: 'array', items: SOLUTION, minItems: 1, maxItems: 100, required: true },
} as const;

export const solutionsRoute: ControlRoute = {
  paths: ['/_emulator/solutions'],
  POST: handler({
    body: SOLUTIONS_BODY,
    handle: async ({ services, body }) => {
      const catalog: Catalog = body.catalog ?? 'Sandbox';
      const now = services.clock.nowIso();
      const solutions = body.solutions.map((s) => ({
        id: s.id,
        name: s.name,
        status: s.status ?? 'Active',
        category: s.category ?? 'Software Product',
        createdDate: s.createdDate === undefined ? now : new Date(s.createdDate).toISOString(),
        awsMarketplaceSolutionArn: s.awsMarketplaceSolutionArn,
      }));
      const ids = new Set(solutions.map((s) => s.id));
      if (ids.size !== solutions.length) throw new ControlInputError('solutions: each id may appear only once.');
      await services.store.transaction((uow) => putSolutions(uow, body.accountId, catalog, solutions));
      return ok(
        {
          accountId: body.accountId,
          catalog,
          solutions: solutions.map((s) => ({ ...s, arn: solutionArn(body.accountId, catalog, s.id) })),
        },
        201,
      );
    },
  }),
};
