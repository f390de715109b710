// ARN formats (behavior.md §6). Account-scoped resources carry the owner's account; AWS-owned shared
// resources (engagements, invitations, tasks, snapshots) leave the account field empty.
const PREFIX = 'arn:aws:partnercentral:us-east-1';

export const arns = {
  opportunity: (account: string, catalog: string, id: string) => `${PREFIX}:${account}:catalog/${catalog}/opportunity/${id}`,
  engagement: (catalog: string, id: string) => `${PREFIX}::catalog/${catalog}/engagement/${id}`,
  invitation: (catalog: string, id: string) => `${PREFIX}::catalog/${catalog}/engagement-invitation/${id}`,
  acceptInvitationTask: (catalog: string, id: string) =>
    `${PREFIX}::catalog/${catalog}/engagement-by-accepting-invitation-task/${id}`,
  engagementFromOpportunityTask: (catalog: string, id: string) => `${PREFIX}::catalog/${catalog}/engagement-from-opportunity-task/${id}`,
  opportunityFromEngagementTask: (catalog: string, id: string) => `${PREFIX}::catalog/${catalog}/opportunity-from-engagement-task/${id}`,
  /** The model's documented form (ProspectingTaskArn) names the service `partnercentral-selling`. */
  prospectingTask: (catalog: string, id: string) => `arn:aws:partnercentral-selling:us-east-1::catalog/${catalog}/prospecting-from-engagement-task/${id}`,
  snapshotJob: (account: string, catalog: string, id: string) =>
    `${PREFIX}:${account}:catalog/${catalog}/resource-snapshot-job/${id}`,
  snapshot: (catalog: string, engagementId: string, resourceType: string, resourceId: string, template: string, revision: number) =>
    `${PREFIX}::catalog/${catalog}/engagement/${engagementId}/resource/${resourceType}/${resourceId}/template/${template}/snapshot/${revision}`,
};

/** The bare id at the end of an `…/<kind>/<id>` ARN, or the input itself when it is already an id. */
export function idFromArnOrId(value: string): string {
  if (!value.startsWith('arn:')) return value;
  const slash = value.lastIndexOf('/');
  return slash >= 0 ? value.slice(slash + 1) : value;
}

/** The catalog named in an ARN (`…:catalog/<Catalog>/…`), if any. */
export function catalogOfArn(arn: string): string | undefined {
  return /:catalog\/([A-Za-z]+)\//.exec(arn)?.[1];
}
