import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canSeeSnapshot, needsNewRevision, opportunitySummaryView, partnerTemplateErrors } from '../src/rules/snapshot-templates.js';
import { QUOTAS, QUOTA_REASON_CODE, occupiesPartnerPlace, quotaBreach, quotaException } from '../src/rules/quotas.js';
import { awsFullView, awsOpportunitySummary, hasAwsOpportunity } from '../src/rules/aws-opportunity-summary.js';
import type { OpportunityDocument } from '../src/rules/opportunity-review.js';

function opp(over: Partial<OpportunityDocument> = {}): OpportunityDocument {
  return {
    Catalog: 'Sandbox',
    Id: 'O100',
    CreatedDate: '2026-01-01T00:00:00Z',
    LastModifiedDate: '2026-01-01T00:00:00Z',
    Customer: { Account: { CompanyName: 'Example' }, Contacts: [{ Email: 'a@example.com', FirstName: 'A' }] },
    Project: { Title: 'T', ExpectedCustomerSpend: [{ Amount: '12500', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
    LifeCycle: { Stage: 'Prospect', ReviewStatus: 'Submitted', NextSteps: 'Call the customer' },
    RelatedEntityIdentifiers: { Solutions: ['S-1234567'], AwsProducts: [], AwsMarketplaceOffers: [] },
    ...over,
  };
}

describe('snapshot templates (§4.4)', () => {
  it('partners create OpportunitySummaryView only; unknown names are invalid', () => {
    assert.deepEqual(partnerTemplateErrors('OpportunitySummaryView'), []);
    assert.equal(partnerTemplateErrors('AwsOpportunitySummaryFullView')[0]?.Code, 'ACTION_NOT_PERMITTED');
    for (const name of ['Opportunity', 'AWSOpportunitySummaryFullTemplate', 'toString']) {
      assert.deepEqual(partnerTemplateErrors(name).map((e) => [e.FieldName, e.Code]), [['resourceSnapshotTemplateIdentifier', 'INVALID_VALUE']], name);
    }
  });

  it('visibility: summary to members, AWS full view to the owner', () => {
    assert.ok(canSeeSnapshot('OpportunitySummaryView', { accountId: '2', isMember: true }, '1'));
    assert.ok(!canSeeSnapshot('OpportunitySummaryView', { accountId: '2', isMember: false }, '1'));
    assert.ok(canSeeSnapshot('AwsOpportunitySummaryFullView', { accountId: '1', isMember: true }, '1'));
    assert.ok(!canSeeSnapshot('AwsOpportunitySummaryFullView', { accountId: '2', isMember: true }, '1'));
  });

  it('the view spells Lifecycle and omits what the shape lacks', () => {
    const view = opportunitySummaryView(opp()) as Record<string, unknown>;
    assert.ok('Lifecycle' in view && !('LifeCycle' in view) && !('Id' in view) && !('Catalog' in view));
  });

  it('a new revision only when template fields change', () => {
    const base = opp();
    const latest = opportunitySummaryView(base);
    assert.equal(needsNewRevision(undefined, base), true);
    assert.equal(needsNewRevision(latest, base), false);
    assert.equal(needsNewRevision(latest, { ...base, LastModifiedDate: '2027-01-01T00:00:00Z', PartnerOpportunityIdentifier: 'crm-1' }), false, 'fields outside the view');
    assert.equal(needsNewRevision(latest, opp({ LifeCycle: { ...base.LifeCycle, NextSteps: 'Send the proposal' } })), true);
    assert.equal(needsNewRevision(latest, opp({ RelatedEntityIdentifiers: { Solutions: ['S-1234567', 'S-2'] } })), true);
    const offer = 'arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/offer-1';
    assert.equal(needsNewRevision(latest, opp({ RelatedEntityIdentifiers: { ...base.RelatedEntityIdentifiers, AwsMarketplaceOffers: [offer] } })), false, 'offers alone');
    assert.equal(needsNewRevision(latest, opp({ RelatedEntityIdentifiers: { Solutions: ['S-1234567'] } })), false, 'empty lists equal absent ones');
  });
});

describe('quotas (§4.2, §7.2)', () => {
  it('members 10, invited partners 9, contexts 5', () => {
    assert.deepEqual([QUOTAS.engagementMembers.limit, QUOTAS.invitedPartners.limit, QUOTAS.engagementContexts.limit], [10, 9, 5]);
    assert.equal(quotaBreach('engagementMembers', 9), undefined);
    const breach = quotaBreach('engagementMembers', 10);
    assert.equal(breach?.limit, 10);
    const error = quotaException(breach!);
    assert.equal(error.code, 'ServiceQuotaExceededException');
    assert.equal(error.httpStatus, 402);
    assert.match(error.message, /10 members/);
    assert.equal(quotaBreach('engagementContexts', 4, 1), undefined);
    assert.ok(quotaBreach('engagementContexts', 4, 2));
    assert.equal(QUOTA_REASON_CODE, 'ServiceQuotaExceeded');
  });

  it('only pending or accepted invitations to partners take a place', () => {
    assert.ok(occupiesPartnerPlace({ receiverAccountId: '222222222222', status: 'PENDING' }));
    assert.ok(occupiesPartnerPlace({ receiverAccountId: '222222222222', status: 'ACCEPTED' }));
    assert.ok(!occupiesPartnerPlace({ receiverAccountId: '222222222222', status: 'REJECTED' }));
    assert.ok(!occupiesPartnerPlace({ receiverAccountId: 'aws', status: 'PENDING' }));
  });
});

describe('GetAwsOpportunitySummary view (§3.9, decision 21)', () => {
  it('not available while Pending Submission', () => {
    const pending = opp({ LifeCycle: { ReviewStatus: 'Pending Submission' } });
    assert.equal(hasAwsOpportunity(pending), false);
    const outcome = awsOpportunitySummary({ catalog: 'Sandbox', own: { opportunity: pending, origin: 'Partner Referral' } });
    assert.equal(outcome.kind, 'not-found');
  });

  it('own opportunity: partner data, AWS data absent until set', () => {
    const outcome = awsOpportunitySummary({
      catalog: 'Sandbox',
      own: { opportunity: opp(), origin: 'Partner Referral', submission: { InvolvementType: 'Co-Sell' } },
    });
    assert.equal(outcome.kind, 'summary');
    if (outcome.kind !== 'summary') return;
    assert.deepEqual(outcome.summary, {
      Catalog: 'Sandbox',
      RelatedOpportunityId: 'O100',
      Origin: 'Partner Referral',
      InvolvementType: 'Co-Sell',
      Visibility: 'Full',
      LifeCycle: { NextSteps: 'Call the customer' },
      RelatedEntityIds: { AwsProducts: [], Solutions: ['S-1234567'] },
      Customer: { Contacts: [{ Email: 'a@example.com', FirstName: 'A' }] },
      Project: { ExpectedCustomerSpend: [{ Amount: '12500', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }] },
    });
    assert.ok(!('Insights' in outcome.summary) && !('OpportunityTeam' in outcome.summary));
  });

  it('AWS-side data is returned once set', () => {
    const outcome = awsOpportunitySummary({
      catalog: 'AWS',
      own: {
        opportunity: opp(),
        origin: 'Partner Referral',
        submission: { InvolvementType: 'For Visibility Only', Visibility: 'Limited' },
        aws: {
          LifeCycle: { Stage: 'Qualified', NextSteps: 'AWS next steps' },
          OpportunityTeam: [{ BusinessTitle: 'PDM', Email: 'pdm@example.com' }],
          Insights: { EngagementScore: 'High' },
          CosellMotion: 'Partner-led',
        },
      },
    });
    assert.equal(outcome.kind, 'summary');
    if (outcome.kind !== 'summary') return;
    assert.deepEqual(outcome.summary.LifeCycle, { Stage: 'Qualified', NextSteps: 'AWS next steps' });
    assert.equal(outcome.summary.Visibility, 'Limited');
    assert.equal(outcome.summary.Insights?.EngagementScore, 'High');
    assert.equal(outcome.summary.CosellMotion, 'Partner-led');
    const full = awsFullView(outcome.summary) as Record<string, unknown>;
    assert.ok(!('Catalog' in full) && full.RelatedOpportunityId === 'O100');
  });

  it("a receiver sees its sender's AWS opportunity under its own id", () => {
    const receiver = opp({ Id: 'O200', Customer: { Contacts: [] }, LifeCycle: { ReviewStatus: 'Approved' }, RelatedEntityIdentifiers: {} });
    const outcome = awsOpportunitySummary({
      catalog: 'Sandbox',
      own: { opportunity: receiver, origin: 'Partner Referral' },
      sender: { opportunity: opp(), origin: 'Partner Referral', submission: { InvolvementType: 'Co-Sell' } },
    });
    assert.equal(outcome.kind, 'summary');
    if (outcome.kind !== 'summary') return;
    assert.equal(outcome.summary.RelatedOpportunityId, 'O200');
    assert.equal(outcome.summary.InvolvementType, 'Co-Sell');
    assert.deepEqual(outcome.summary.Customer?.Contacts, [{ Email: 'a@example.com', FirstName: 'A' }]);
    assert.equal(outcome.summary.Project?.ExpectedCustomerSpend?.[0]?.Amount, '12500');
    assert.equal(outcome.summary.LifeCycle?.NextSteps, 'Call the customer');
  });
});
