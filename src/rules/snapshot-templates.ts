// Resource snapshot templates (behavior.md §4.4): which exist, who may write and read each, and which fields
// of an opportunity belong to a template, so that a running job writes a new revision only when they change
// ("The job creates a new snapshot only if the resource state has changed" [MODEL]).
//
// Used by: CreateResourceSnapshot, GetResourceSnapshot, ListResourceSnapshots, CreateResourceSnapshotJob
// (template check), and every write to an opportunity with a Running job (UpdateOpportunity, Associate,
// Assign, Submit, review simulation) through `needsNewRevision`.
//
// Choices ([INF]):
// - Only `OpportunitySummaryView` and `AwsOpportunitySummaryFullView` exist; the 2024 preview name
//   `Opportunity` and any other name → ValidationException INVALID_VALUE on resourceSnapshotTemplateIdentifier.
// - A partner creating an `AwsOpportunitySummaryFullView` snapshot or job → ACTION_NOT_PERMITTED (AWS writes it).
// - `AwsOpportunitySummaryFullView` snapshots are visible to the opportunity's owner only, others see them as
//   not found; `OpportunitySummaryView` to every member of the engagement.
// - Marketplace offers and offer sets are carried in the payload but do not by themselves call for a new
//   revision (§5.4: associating an offer emits only `Opportunity Updated`).
import type { FieldError } from '../errors.js';
import type { OpportunitySummaryView } from '../model/generated/types.js';
import { projectOnto } from '../model/project.js';
import type { OpportunityDocument } from './opportunity-review.js';
import { canonicalJson, fieldError, type Source } from './rule.js';

export type TemplateName = 'OpportunitySummaryView' | 'AwsOpportunitySummaryFullView';

export interface TemplateRule {
  /** Payload union member that holds the view. */
  payloadKey: 'OpportunitySummary' | 'AwsOpportunitySummaryFullView';
  writtenBy: 'partner' | 'aws';
  visibleTo: 'members' | 'owner';
  source: Source;
}

export const TEMPLATES: Readonly<Record<TemplateName, TemplateRule>> = {
  OpportunitySummaryView: {
    payloadKey: 'OpportunitySummary',
    writtenBy: 'partner',
    visibleTo: 'members',
    source: '§4.4 [DOC D-EVENTS, OBS job templates] "partner-created, shared with all members"',
  },
  AwsOpportunitySummaryFullView: {
    payloadKey: 'AwsOpportunitySummaryFullView',
    writtenBy: 'aws',
    visibleTo: 'owner',
    source: '§4.4 [DOC D-EVENTS] "created by AWS, only visible to the opportunity owner"',
  },
};

export function isTemplateName(name: string): name is TemplateName {
  return Object.prototype.hasOwnProperty.call(TEMPLATES, name);
}

const TEMPLATE_FIELD = 'resourceSnapshotTemplateIdentifier';

/** Errors for a partner naming `name` in CreateResourceSnapshot / CreateResourceSnapshotJob. */
export function partnerTemplateErrors(name: string): FieldError[] {
  if (!isTemplateName(name)) {
    return [fieldError(TEMPLATE_FIELD, 'INVALID_VALUE', `Unknown resource snapshot template '${name}': use ${Object.keys(TEMPLATES).join(' or ')}.`)];
  }
  if (TEMPLATES[name].writtenBy !== 'partner') {
    return [fieldError(TEMPLATE_FIELD, 'ACTION_NOT_PERMITTED', `${name} snapshots are written by AWS; partners create ${partnerTemplates().join(', ')} snapshots.`)];
  }
  return [];
}

export function partnerTemplates(): TemplateName[] {
  return (Object.keys(TEMPLATES) as TemplateName[]).filter((t) => TEMPLATES[t].writtenBy === 'partner');
}

/** Whether `viewer` may read a snapshot of `template` whose resource `owner` shares in an engagement. */
export function canSeeSnapshot(template: TemplateName, viewer: { accountId: string; isMember: boolean }, owner: string): boolean {
  if (!viewer.isMember) return false;
  return TEMPLATES[template].visibleTo === 'members' || viewer.accountId === owner;
}

/** The OpportunitySummaryView of an opportunity (note its `Lifecycle` spelling, §4.4 [OBS]). */
export function opportunitySummaryView(o: OpportunityDocument): OpportunitySummaryView {
  return projectOnto<OpportunitySummaryView>('OpportunitySummaryView', {
    OpportunityType: o.OpportunityType,
    Lifecycle: o.LifeCycle,
    OpportunityTeam: o.OpportunityTeam,
    PrimaryNeedsFromAws: o.PrimaryNeedsFromAws,
    Customer: o.Customer,
    Project: o.Project,
    RelatedEntityIdentifiers: o.RelatedEntityIdentifiers,
  });
}

/** Members of the view that never call for a new revision by themselves (see the header). */
const NOT_REVISION_RELEVANT: ReadonlyArray<keyof NonNullable<OpportunitySummaryView['RelatedEntityIdentifiers']>> = [
  'AwsMarketplaceOffers',
  'AwsMarketplaceOfferSets',
];

/** The part of the view whose change calls for a new revision. */
export function revisionKey(view: OpportunitySummaryView): string {
  const related = view.RelatedEntityIdentifiers ? { ...view.RelatedEntityIdentifiers } : undefined;
  if (related) for (const key of NOT_REVISION_RELEVANT) delete related[key];
  // Empty association lists and absent ones are the same state.
  const lists = related ? Object.fromEntries(Object.entries(related).filter(([, v]) => Array.isArray(v) && v.length > 0)) : undefined;
  return canonicalJson({ ...view, RelatedEntityIdentifiers: lists && Object.keys(lists).length > 0 ? lists : undefined });
}

/**
 * Whether a Running OpportunitySummaryView job must write a new revision: always when none exists, otherwise
 * only when the template's fields differ from the latest revision's payload.
 */
export function needsNewRevision(latestPayload: OpportunitySummaryView | undefined, opportunity: OpportunityDocument): boolean {
  if (latestPayload === undefined) return true;
  return revisionKey(latestPayload) !== revisionKey(opportunitySummaryView(opportunity));
}
