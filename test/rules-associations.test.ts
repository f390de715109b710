import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ASSOCIATION_EVENTS, ENTITY_RULES, associate, disassociate } from '../src/rules/associations.js';
import type { OpportunityDocument } from '../src/rules/opportunity-review.js';
import type { RelatedEntityIdentifiers, RelatedEntityType } from '../src/model/generated/types.js';

const MP = 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace';
const OFFER = `${MP}/Offer/offer-abc123`;
const OFFER_SET = `${MP}/OfferSet/offerset-abc123`;
const SAMPLES: Record<RelatedEntityType, (i: number) => string> = {
  Solutions: (i) => `S-${1000000 + i}`,
  AwsProducts: (i) => [...'AWSAmplify AmazonEC2Linux AWSAppRunner'.split(' ')][i % 3]!,
  AwsMarketplaceOffers: (i) => `${MP}/Offer/offer-${i}`,
  AwsMarketplaceOfferSets: (i) => `${MP}/OfferSet/offerset-${i}`,
  AwsMarketplaceSolutions: (i) => `${MP}/Solution/soln-${i}`,
  AwsMarketplaceProducts: (i) => `${MP}/SaaSProduct/prod-${i}`,
};

function opportunity(status: NonNullable<OpportunityDocument['LifeCycle']>['ReviewStatus'], related: OpportunityDocument['RelatedEntityIdentifiers'], stage?: 'Committed'): OpportunityDocument {
  return { Catalog: 'Sandbox', Id: 'O9', CreatedDate: 'x', LastModifiedDate: 'x', LifeCycle: { ReviewStatus: status, ...(stage ? { Stage: stage } : {}) }, RelatedEntityIdentifiers: related };
}

describe('associations (§3.8, §7.2)', () => {
  it('limits per type are the documented ones', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(ENTITY_RULES).map(([t, r]) => [t, r.limit])),
      { Solutions: 10, AwsProducts: 20, AwsMarketplaceOffers: 1, AwsMarketplaceOfferSets: 1, AwsMarketplaceSolutions: 10, AwsMarketplaceProducts: 10 },
    );
  });

  it('a valid identifier of each type is added, listing all six keys', () => {
    for (const type of Object.keys(SAMPLES) as RelatedEntityType[]) {
      const outcome = associate(undefined, type, SAMPLES[type](1));
      assert.equal(outcome.kind, 'changed', type);
      if (outcome.kind === 'changed') {
        assert.deepEqual(outcome.next[type], [SAMPLES[type](1)]);
        assert.equal(Object.keys(outcome.next).length, 6);
      }
    }
  });

  it('malformed identifiers and unknown products are refused', () => {
    const bad: Array<[RelatedEntityType, string, string]> = [
      ['Solutions', 'S-abc', 'INVALID_STRING_FORMAT'],
      ['AwsProducts', 'AmazonNotAProduct', 'INVALID_VALUE'],
      ['AwsMarketplaceOffers', OFFER_SET, 'INVALID_STRING_FORMAT'],
      ['AwsMarketplaceOfferSets', `${MP}/OfferSet/nope`, 'INVALID_STRING_FORMAT'],
      ['AwsMarketplaceSolutions', `${MP}/Offer/offer-1`, 'INVALID_STRING_FORMAT'],
      ['AwsMarketplaceProducts', 'arn:aws:s3:::bucket', 'INVALID_STRING_FORMAT'],
    ];
    for (const [type, id, code] of bad) {
      const outcome = associate(undefined, type, id);
      assert.equal(outcome.kind, 'invalid', `${type} ${id}`);
      if (outcome.kind === 'invalid') assert.deepEqual(outcome.errors.map((e) => [e.FieldName, e.Code]), [['relatedEntityIdentifier', code]]);
    }
  });

  it('a solution outside the caller’s catalogue is refused when a catalogue is given', () => {
    const outcome = associate(undefined, 'Solutions', 'S-7654321', { knownSolution: (id) => id === 'S-1234567' });
    assert.equal(outcome.kind, 'invalid');
    assert.equal(associate(undefined, 'Solutions', 'S-1234567', { knownSolution: (id) => id === 'S-1234567' }).kind, 'changed');
  });

  it('the same association twice changes nothing', () => {
    assert.deepEqual(associate({ Solutions: ['S-1'] }, 'Solutions', 'S-1'), { kind: 'unchanged' });
  });

  it('one past the limit is TOO_MANY_VALUES, for every type', () => {
    for (const type of Object.keys(SAMPLES) as RelatedEntityType[]) {
      const limit = ENTITY_RULES[type].limit;
      const full = type === 'AwsProducts' ? ['AWSAmplify', 'AmazonEC2Linux', 'AWSAppRunner', ...Array.from({ length: limit - 3 }, (_, i) => `P${i}`)] : Array.from({ length: limit }, (_, i) => SAMPLES[type](i + 10));
      const next = type === 'AwsProducts' ? 'AWSAppMesh' : SAMPLES[type](99);
      const outcome = associate({ [type]: full }, type, next);
      assert.equal(outcome.kind, 'invalid', type);
      if (outcome.kind === 'invalid') assert.equal(outcome.errors[0]?.Code, 'TOO_MANY_VALUES', type);
    }
  });

  it('an offer and an offer set exclude each other', () => {
    const cases: Array<[RelatedEntityIdentifiers, RelatedEntityType, string]> = [
      [{ AwsMarketplaceOffers: [OFFER] }, 'AwsMarketplaceOfferSets', OFFER_SET],
      [{ AwsMarketplaceOfferSets: [OFFER_SET] }, 'AwsMarketplaceOffers', OFFER],
    ];
    for (const [current, type, id] of cases) {
      const outcome = associate(current, type, id);
      assert.equal(outcome.kind, 'invalid');
      if (outcome.kind === 'invalid') assert.equal(outcome.errors[0]?.Code, 'ACTION_NOT_PERMITTED');
    }
  });

  it('disassociation: not associated, last solution after submission, the Committed rule', () => {
    assert.equal(disassociate(opportunity('Pending Submission', {}), 'Solutions', 'S-1').kind, 'not-associated');
    const pending = disassociate(opportunity('Pending Submission', { Solutions: ['S-1'] }), 'Solutions', 'S-1');
    assert.equal(pending.kind, 'changed');
    if (pending.kind === 'changed') assert.deepEqual(pending.next.Solutions, []);
    for (const status of ['Submitted', 'Approved', 'Action Required'] as const) {
      const outcome = disassociate(opportunity(status, { Solutions: ['S-1'] }), 'Solutions', 'S-1');
      assert.equal(outcome.kind, 'invalid', status);
      if (outcome.kind === 'invalid') assert.equal(outcome.errors[0]?.Code, 'NOT_ENOUGH_VALUES');
    }
    assert.equal(disassociate(opportunity('Approved', { Solutions: ['S-1', 'S-2'] }), 'Solutions', 'S-1').kind, 'changed');
    const committed = disassociate(opportunity('Pending Submission', { AwsMarketplaceProducts: [SAMPLES.AwsMarketplaceProducts(1)] }, 'Committed'), 'AwsMarketplaceProducts', SAMPLES.AwsMarketplaceProducts(1));
    assert.equal(committed.kind, 'invalid');
    assert.equal(disassociate(opportunity('Approved', { Solutions: ['S-1'], AwsProducts: ['AWSAmplify'] }), 'AwsProducts', 'AWSAmplify').kind, 'changed');
  });

  it('offers announce no snapshot; solutions do', () => {
    assert.equal(ASSOCIATION_EVENTS.Solutions.snapshot, true);
    assert.equal(ASSOCIATION_EVENTS.AwsMarketplaceOffers.snapshot, false);
  });
});
