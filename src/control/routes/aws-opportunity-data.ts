// POST /_emulator/aws-opportunity-data: what only AWS writes about a submitted opportunity (decision 21):
// its stage and other AWS-side LifeCycle members, the AWS team, insights (opportunity quality,
// recommendations), co-sell motion, software revenue and the involvement-type change reason. Each member is
// checked against the model's shape; `null` clears it, an absent member keeps what was set. GetAwsOpportunitySummary
// then returns it, and AWS announces `Opportunity Updated` (src/resources/opportunities.ts).
import type { Checked } from '../schema.js';
import { validatePayload } from '../../model/validate.js';
import { AwsDataTargetError, setAwsOpportunityData, type AwsDataChange } from '../../resources/opportunities.js';
import { ControlError, handler, ok, type ControlRoute } from '../router.js';
import { ControlInputError } from '../schema.js';
import { ACCOUNT_ID, CATALOG } from './fields.js';

/** Body member → the model shape its value must have. */
const MODEL_SHAPES = {
  stage: 'AwsOpportunityStage',
  lifeCycle: 'AwsOpportunityLifeCycle',
  team: 'AwsOpportunityTeamMembersList',
  insights: 'AwsOpportunityInsights',
  opportunityQuality: 'OpportunityQuality',
  recommendations: 'RecommendationList',
  cosellMotion: 'String',
  softwareRevenue: 'AwsSoftwareRevenue',
  involvementTypeChangeReason: 'InvolvementTypeChangeReason',
} as const satisfies Record<keyof AwsDataChange, string>;

const AWS_DATA_BODY = {
  accountId: { ...ACCOUNT_ID, required: true },
  catalog: { ...CATALOG, required: true },
  opportunityId: { type: 'string', pattern: /^O[0-9]{1,19}$/, expected: "an opportunity id such as 'O1234567'", required: true },
  stage: { type: 'string', maxLength: 64, nullable: true },
  lifeCycle: { type: 'object', nullable: true },
  team: { type: 'array', items: { type: 'object' }, maxItems: 100, nullable: true },
  insights: { type: 'object', nullable: true },
  opportunityQuality: { type: 'object', nullable: true },
  recommendations: { type: 'array', items: { type: 'object' }, maxItems: 100, nullable: true },
  cosellMotion: { type: 'string', maxLength: 255, nullable: true },
  softwareRevenue: { type: 'object', nullable: true },
  involvementTypeChangeReason: { type: 'string', maxLength: 64, nullable: true },
} as const;

/** Checks each AWS-side member against its model shape; every problem is reported at once. */
function modelChecked(body: Checked<typeof AWS_DATA_BODY>): AwsDataChange {
  const problems: string[] = [];
  const change: Record<string, unknown> = {};
  for (const [member, shape] of Object.entries(MODEL_SHAPES)) {
    const value = (body as Record<string, unknown>)[member];
    if (value === undefined) continue;
    if (value !== null && shape !== 'String') {
      // Strict: unknown members are refused too, each problem named by its place (`insights.EngagementScore`).
      for (const p of validatePayload(shape, value, member).problems) problems.push(`'${p.FieldName ?? member}': ${p.Message}`);
    }
    change[member] = value;
  }
  if (problems.length > 0) throw new ControlInputError(problems.join(' '));
  if (Object.keys(change).length === 0) throw new ControlInputError(`Set at least one of ${Object.keys(MODEL_SHAPES).join(', ')}.`);
  return change as AwsDataChange;
}

export const awsOpportunityDataRoute: ControlRoute = {
  paths: ['/_emulator/aws-opportunity-data'],
  POST: handler({
    body: AWS_DATA_BODY,
    handle: async ({ services, body }) => {
      const change = modelChecked(body);
      try {
        return ok(await setAwsOpportunityData(services, { accountId: body.accountId, catalog: body.catalog, opportunityId: body.opportunityId }, change));
      } catch (err) {
        if (err instanceof AwsDataTargetError) throw new ControlError(err.httpStatus, err.message);
        throw err;
      }
    },
  }),
};
