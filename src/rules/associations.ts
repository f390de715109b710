// What AssociateOpportunity and DisassociateOpportunity may link to an opportunity: identifier formats and
// per-opportunity limits for each RelatedEntityType (behavior.md §3.8, §7.2 [DOC D-ASSOC, D-QUOTAS]), the
// one-offer-or-one-offer-set rule, and what each association announces (§5.4).
//
// Used by: AssociateOpportunity, DisassociateOpportunity; GetOpportunity reads the result through
// `RelatedEntityIdentifiers`.
//
// Choices ([INF]):
// - Associating what is already associated succeeds and changes nothing (connectors retry writes); it emits
//   nothing either (`unchanged`).
// - Over a limit → TOO_MANY_VALUES; an Offer beside an OfferSet → ACTION_NOT_PERMITTED; a malformed identifier
//   → INVALID_STRING_FORMAT; an unknown product or a solution outside the caller's catalogue → INVALID_VALUE.
//   All are ValidationException BUSINESS_VALIDATION_FAILED on `relatedEntityIdentifier`.
// - Disassociating something not associated → ResourceNotFoundException (one PM capture carries that type).
// - The last solution can't be removed once the opportunity left Pending Submission, nor (per the Committed
//   rule) the last solution or listing at Committed/Launched → NOT_ENOUGH_VALUES.
// - Marketplace solution ARNs must name `AWSMarketplace/Solution/…`, product ARNs any `AWSMarketplace/…Product/…`
//   (AMI, SaaS, container …); the model only requires `arn:…`.
// - Only solution and AWS-product associations change the shared OpportunitySummaryView for snapshot purposes
//   (§5.4: "Associate Marketplace offer → Opportunity Updated" only); see snapshot-templates.ts.
import type { FieldError } from '../errors.js';
import type { RelatedEntityIdentifiers, RelatedEntityType, ReviewStatus } from '../model/generated/types.js';
import { AWS_PRODUCT_IDS } from '../model/generated/reference-data.js';
import { hasSolutionOrListing, STAGES_NEEDING_A_LISTING, type OpportunityDocument } from './opportunity-review.js';
import { fieldError, type Source } from './rule.js';

export interface EntityRule {
  /** Identifier format, as a description for messages and as the check. */
  format: string;
  matches: (identifier: string) => boolean;
  /** Most of this type one opportunity may hold. */
  limit: number;
  source: Source;
}

const MARKETPLACE_ARN = String.raw`arn:aws:aws-marketplace:[a-z]{1,2}-[a-z]*-\d+:\d{12}:AWSMarketplace`;
const OFFER = new RegExp(`^${MARKETPLACE_ARN}/Offer/.+$`);
const OFFER_SET = new RegExp(`^${MARKETPLACE_ARN}/OfferSet/offerset-.+$`);
const MARKETPLACE_SOLUTION = new RegExp(`^${MARKETPLACE_ARN}/Solution/.+$`);
const MARKETPLACE_PRODUCT = new RegExp(`^${MARKETPLACE_ARN}/[A-Za-z]*Product/.+$`);

export const ENTITY_RULES: Readonly<Record<RelatedEntityType, EntityRule>> = {
  Solutions: {
    format: 'S- followed by up to 19 digits, e.g. S-1234567',
    matches: (id) => /^S-[0-9]{1,19}$/.test(id),
    limit: 10,
    source: '§3.8, §7.2 [DOC D-ASSOC, D-QUOTAS, D-YOUROPP "between one and ten solutions"]',
  },
  AwsProducts: {
    format: 'an Identifier of aws_products.json, e.g. AmazonEC2Linux',
    matches: (id) => AWS_PRODUCT_IDS.has(id),
    limit: 20,
    source: '§3.8, §7.2 [DOC D-ASSOC, D-QUOTAS]; ../shared/data/aws_products.json',
  },
  AwsMarketplaceOffers: {
    format: 'an AWS Marketplace offer ARN (…:AWSMarketplace/Offer/offer-…)',
    matches: (id) => OFFER.test(id),
    limit: 1,
    source: '§3.8, §7.2 [DOC D-ASSOC, D-QUOTAS]; [MODEL] AwsMarketplaceOfferIdentifier',
  },
  AwsMarketplaceOfferSets: {
    format: 'an AWS Marketplace offer set ARN (…:AWSMarketplace/OfferSet/offerset-…)',
    matches: (id) => OFFER_SET.test(id),
    limit: 1,
    source: '§3.8 [DOC D-ASSOC] "either one Offer OR one Offer Set"; [MODEL] AwsMarketplaceOfferSetIdentifier',
  },
  AwsMarketplaceSolutions: {
    format: 'an AWS Marketplace solution ARN (…:AWSMarketplace/Solution/soln-…)',
    matches: (id) => MARKETPLACE_SOLUTION.test(id),
    limit: 10,
    source: '§3.8, §7.2 [DOC D-ASSOC, D-QUOTAS]',
  },
  AwsMarketplaceProducts: {
    format: 'an AWS Marketplace product ARN (…:AWSMarketplace/AmiProduct/prod-…, SaaSProduct, ContainerProduct …)',
    matches: (id) => MARKETPLACE_PRODUCT.test(id),
    limit: 10,
    source: '§3.8, §7.2 [DOC D-ASSOC, D-QUOTAS]',
  },
};

/** Types that exclude each other: "either one Offer OR one Offer Set, but not both" (§3.8 [DOC D-ASSOC]). */
export const EXCLUSIVE_TYPES: ReadonlyArray<readonly [RelatedEntityType, RelatedEntityType]> = [['AwsMarketplaceOffers', 'AwsMarketplaceOfferSets']];

/** Events an association or disassociation announces (§3.8, §5.4 [DOC D-EVENTS]). */
export const ASSOCIATION_EVENTS: Readonly<Record<RelatedEntityType, { snapshot: boolean; source: Source }>> = {
  Solutions: { snapshot: true, source: '§5.4 "Associate solution → Opportunity Updated, Engagement Resource Snapshot Created"' },
  AwsProducts: { snapshot: true, source: '§5.4 [INF] like solutions: part of the shared view' },
  AwsMarketplaceOffers: { snapshot: false, source: '§5.4 "Associate Marketplace offer → Opportunity Updated"' },
  AwsMarketplaceOfferSets: { snapshot: false, source: '§5.4 [INF] like offers' },
  AwsMarketplaceSolutions: { snapshot: true, source: '§5.4 [INF] like solutions' },
  AwsMarketplaceProducts: { snapshot: true, source: '§5.4 [INF] like solutions' },
};

const FIELD = 'relatedEntityIdentifier';

export type AssociationOutcome =
  /** Store `next`; emit `Opportunity Updated` (and a snapshot when ASSOCIATION_EVENTS says so). */
  | { kind: 'changed'; next: Required<RelatedEntityIdentifiers> }
  /** Already so: succeed, store and emit nothing. */
  | { kind: 'unchanged' }
  /** ValidationException BUSINESS_VALIDATION_FAILED with these errors. */
  | { kind: 'invalid'; errors: FieldError[] }
  /** DisassociateOpportunity of something not associated: ResourceNotFoundException with this message. */
  | { kind: 'not-associated'; message: string };

export function allEntities(current: RelatedEntityIdentifiers | undefined): Required<RelatedEntityIdentifiers> {
  return {
    AwsProducts: [...(current?.AwsProducts ?? [])],
    Solutions: [...(current?.Solutions ?? [])],
    AwsMarketplaceOffers: [...(current?.AwsMarketplaceOffers ?? [])],
    AwsMarketplaceOfferSets: [...(current?.AwsMarketplaceOfferSets ?? [])],
    AwsMarketplaceSolutions: [...(current?.AwsMarketplaceSolutions ?? [])],
    AwsMarketplaceProducts: [...(current?.AwsMarketplaceProducts ?? [])],
  };
}

export interface AssociateOptions {
  /** Whether a solution id is in the caller's catalogue (ListSolutions) in this catalog. */
  knownSolution?: (id: string) => boolean;
}

/** AssociateOpportunity's verdict on linking `identifier` of `type` to an opportunity holding `current`. */
export function associate(
  current: RelatedEntityIdentifiers | undefined,
  type: RelatedEntityType,
  identifier: string,
  options: AssociateOptions = {},
): AssociationOutcome {
  const rule = ENTITY_RULES[type];
  const entities = allEntities(current);
  const list = entities[type];
  if (!rule.matches(identifier)) {
    const code = type === 'AwsProducts' ? 'INVALID_VALUE' : 'INVALID_STRING_FORMAT';
    return { kind: 'invalid', errors: [fieldError(FIELD, code, `'${identifier}' is not a valid ${type} identifier: expected ${rule.format}.`)] };
  }
  if (type === 'Solutions' && options.knownSolution && !options.knownSolution(identifier)) {
    return { kind: 'invalid', errors: [fieldError(FIELD, 'INVALID_VALUE', `Solution ${identifier} is not one of your solutions in this catalog (see ListSolutions).`)] };
  }
  if (list.includes(identifier)) return { kind: 'unchanged' };
  for (const [a, b] of EXCLUSIVE_TYPES) {
    const other = type === a ? b : type === b ? a : undefined;
    if (other && entities[other].length > 0) {
      return {
        kind: 'invalid',
        errors: [fieldError(FIELD, 'ACTION_NOT_PERMITTED', `An opportunity can have one AWS Marketplace offer or one offer set, not both: disassociate the ${other} entry first.`)],
      };
    }
  }
  if (list.length >= rule.limit) {
    return {
      kind: 'invalid',
      errors: [fieldError(FIELD, 'TOO_MANY_VALUES', `An opportunity can have at most ${rule.limit} ${type}; disassociate one before adding another.`)],
    };
  }
  entities[type] = [...list, identifier];
  return { kind: 'changed', next: entities };
}

/** Statuses in which the last solution must stay (§3.8 [INF] "submitted or approved"). */
const SOLUTION_REQUIRED_FROM: readonly ReviewStatus[] = ['Submitted', 'In review', 'Action Required', 'Approved', 'Rejected'];

/** DisassociateOpportunity's verdict; the opportunity document supplies status and stage. */
export function disassociate(opportunity: OpportunityDocument, type: RelatedEntityType, identifier: string): AssociationOutcome {
  const entities = allEntities(opportunity.RelatedEntityIdentifiers);
  const list = entities[type];
  if (!list.includes(identifier)) {
    return { kind: 'not-associated', message: `${type} ${identifier} is not associated with opportunity ${opportunity.Id}.` };
  }
  entities[type] = list.filter((id) => id !== identifier);
  const status = opportunity.LifeCycle?.ReviewStatus ?? 'Pending Submission';
  if (type === 'Solutions' && entities.Solutions.length === 0 && SOLUTION_REQUIRED_FROM.includes(status)) {
    return {
      kind: 'invalid',
      errors: [fieldError(FIELD, 'NOT_ENOUGH_VALUES', `Opportunity ${opportunity.Id} is ${status}: associate another solution before removing its last one.`)],
    };
  }
  const stage = opportunity.LifeCycle?.Stage;
  if (stage !== undefined && STAGES_NEEDING_A_LISTING.includes(stage) && !hasSolutionOrListing({ ...opportunity, RelatedEntityIdentifiers: entities })) {
    return {
      kind: 'invalid',
      errors: [fieldError(FIELD, 'NOT_ENOUGH_VALUES', `Opportunity ${opportunity.Id} is ${stage}: it must keep a solution or an AWS Marketplace solution or product.`)],
    };
  }
  return { kind: 'changed', next: entities };
}
