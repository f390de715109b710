// GetAwsOpportunitySummary: AWS's side of a partner opportunity (behavior.md §3.9), built from the partner's
// opportunity document, its submission and the AWS-side data the control plane set (decision 21), including
// what a multi-partner receiver sees of its sender.
//
// Used by: GetAwsOpportunitySummary; the AwsOpportunitySummaryFullView snapshot payload (`awsFullView`).
//
// Choices ([INF]):
// - No summary exists while the opportunity is Pending Submission: ResourceNotFoundException (§3.9 [INF]).
// - AWS-only data (stage, target close date, closed-lost reason, team, insights, co-sell motion, software
//   revenue, involvement-type change reason) is absent until set (decision 21); `NextSteps` falls back to the
//   partner's own NextSteps (the receiver capture shows the sender's).
// - Contacts, ExpectedCustomerSpend (with AwsPartition) and RelatedEntityIds come from the opportunity AWS
//   reviews: the caller's own, or for a multi-partner receiver its sender's; `RelatedOpportunityId` is always
//   the caller's id.
// - Deal-sizing insights: the control plane may set both sources of `AwsProductsSpendInsightsBySource`, but the
//   Partner source is shown only while the reviewed opportunity carries an EstimationUrl ("the Partner source
//   appears only when an EstimationUrl was supplied … Only sources with available data are included"
//   [DOC D-DEAL]); it comes back when a URL is stored again.
import type {
  AwsOpportunityInsights,
  AwsOpportunityLifeCycle,
  AwsOpportunitySummaryFullView,
  AwsOpportunityTeamMembersList,
  AwsSoftwareRevenue,
  CatalogIdentifier,
  ExpectedCustomerSpend,
  GetAwsOpportunitySummaryResponse,
  InvolvementTypeChangeReason,
  OpportunityOrigin,
  SalesInvolvementType,
  Visibility,
} from '../model/generated/types.js';
import type { OpportunityDocument } from './opportunity-review.js';

/** What only AWS writes about an opportunity (decision 21); every member absent until the control plane sets it. */
export interface AwsSideData {
  LifeCycle?: AwsOpportunityLifeCycle;
  OpportunityTeam?: AwsOpportunityTeamMembersList;
  Insights?: AwsOpportunityInsights;
  InvolvementTypeChangeReason?: InvolvementTypeChangeReason;
  CosellMotion?: string;
  SoftwareRevenue?: AwsSoftwareRevenue;
}

/** The submission AWS received (SubmitOpportunity / StartEngagementFromOpportunityTask `AwsSubmission`). */
export interface Submission {
  InvolvementType: SalesInvolvementType;
  /** Defaults to Full ([MODEL] SubmitOpportunity). */
  Visibility?: Visibility;
}

/** The opportunity AWS actually reviews, with what AWS knows about it. */
export interface ReviewedOpportunity {
  opportunity: OpportunityDocument;
  origin: OpportunityOrigin;
  submission?: Submission;
  aws?: AwsSideData;
}

export interface SummaryInput {
  catalog: CatalogIdentifier;
  /** The caller's opportunity. */
  own: ReviewedOpportunity;
  /** For a multi-partner receiver: the sender's opportunity, which is what AWS reviews (§3.9 [OBS PM]). */
  sender?: ReviewedOpportunity;
}

export type SummaryOutcome = { kind: 'summary'; summary: GetAwsOpportunitySummaryResponse } | { kind: 'not-found'; message: string };

/** Whether AWS has an opportunity for this one yet: once it left Pending Submission (§3.9 [INF]). */
export function hasAwsOpportunity(o: OpportunityDocument): boolean {
  return (o.LifeCycle?.ReviewStatus ?? 'Pending Submission') !== 'Pending Submission';
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function nonEmpty<T extends object>(value: T): T | undefined {
  const d = defined(value);
  return Object.keys(d).length > 0 ? d : undefined;
}

/** AWS's insights as the reviewed opportunity's spend allows them to be shown (see the header). */
function shownInsights(insights: AwsOpportunityInsights | undefined, spend: readonly ExpectedCustomerSpend[] | undefined): AwsOpportunityInsights | undefined {
  const bySource = insights?.AwsProductsSpendInsightsBySource;
  if (!bySource?.Partner || spend?.some((e) => e.EstimationUrl !== undefined)) return insights;
  const { Partner: _noEstimate, ...rest } = bySource;
  return nonEmpty({ ...insights, AwsProductsSpendInsightsBySource: nonEmpty(rest) });
}

export function awsOpportunitySummary(input: SummaryInput): SummaryOutcome {
  const own = input.own.opportunity;
  if (!hasAwsOpportunity(own)) {
    return {
      kind: 'not-found',
      message: `Opportunity ${own.Id} has no AWS opportunity yet: submit it (StartEngagementFromOpportunityTask or SubmitOpportunity) first.`,
    };
  }
  const reviewed = input.sender ?? input.own;
  const source = reviewed.opportunity;
  const aws = reviewed.aws ?? {};
  const submission = reviewed.submission;
  const related = source.RelatedEntityIdentifiers;
  const spend = source.Project?.ExpectedCustomerSpend;
  const summary: GetAwsOpportunitySummaryResponse = defined({
    Catalog: input.catalog,
    RelatedOpportunityId: own.Id,
    Origin: reviewed.origin,
    InvolvementType: submission?.InvolvementType,
    Visibility: submission ? (submission.Visibility ?? 'Full') : undefined,
    InvolvementTypeChangeReason: aws.InvolvementTypeChangeReason,
    LifeCycle: nonEmpty({ ...aws.LifeCycle, NextSteps: aws.LifeCycle?.NextSteps ?? source.LifeCycle?.NextSteps }),
    OpportunityTeam: aws.OpportunityTeam,
    Insights: shownInsights(aws.Insights, spend),
    RelatedEntityIds: nonEmpty({
      AwsProducts: related?.AwsProducts,
      Solutions: related?.Solutions,
      AwsMarketplaceSolutions: related?.AwsMarketplaceSolutions,
      AwsMarketplaceProducts: related?.AwsMarketplaceProducts,
    }),
    Customer: nonEmpty({ Contacts: source.Customer?.Contacts }),
    Project: nonEmpty({ ExpectedCustomerSpend: spend, AwsPartition: source.Project?.AwsPartition }),
    CosellMotion: aws.CosellMotion,
    SoftwareRevenue: aws.SoftwareRevenue,
  });
  return { kind: 'summary', summary };
}

/** The AwsOpportunitySummaryFullView snapshot payload: the same view without `Catalog` (§4.4 [MODEL]). */
export function awsFullView(summary: GetAwsOpportunitySummaryResponse): AwsOpportunitySummaryFullView {
  const { Catalog: _catalog, ...view } = summary;
  return view;
}
