// The review rules are pure functions of an opportunity document: tested directly, rule by rule.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  COMPLETENESS_RULES,
  REVIEW_TRANSITIONS,
  consistencyErrors,
  findReviewTransition,
  isUsState,
  primaryNeedsChangeErrors,
  receiverStatusFor,
  reviewLockErrors,
  reviewTransitionErrors,
  stageRequirementErrors,
  statusAfterPartnerUpdate,
  submissionErrors,
  type OpportunityDocument,
} from '../src/rules/opportunity-review.js';
import { changedFields } from '../src/rules/rule.js';
import { applyDealSizing, dealSizingErrors, estimationUrlOutcome, isTcvMode, monthlyAmount } from '../src/rules/deal-sizing.js';
import type { ReviewStatus } from '../src/model/generated/types.js';

const TODAY = '2026-06-01';

function complete(): OpportunityDocument {
  return {
    Catalog: 'Sandbox',
    Id: 'O1234567',
    CreatedDate: '2026-05-01T00:00:00Z',
    LastModifiedDate: '2026-05-01T00:00:00Z',
    NationalSecurity: 'No',
    OpportunityType: 'Net New Business',
    PrimaryNeedsFromAws: ['Co-Sell - Architectural Validation'],
    Customer: {
      Account: {
        CompanyName: 'Example Corp',
        Industry: 'Financial Services',
        WebsiteUrl: 'https://example.com',
        Address: { CountryCode: 'US', PostalCode: '98101', StateOrRegion: 'Washington', City: 'Seattle' },
      },
    },
    Project: {
      Title: 'Data platform',
      CustomerBusinessProblem: 'The customer needs a scalable analytics platform.',
      CustomerUseCase: 'Migration / Database Migration',
      DeliveryModels: ['SaaS or PaaS'],
      SalesActivities: ['Conducted POC / Demo'],
      ExpectedCustomerSpend: [{ Amount: '12500', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
    },
    LifeCycle: { Stage: 'Qualified', TargetCloseDate: '2026-12-31', ReviewStatus: 'Pending Submission' },
    Marketing: { Source: 'None' },
    RelatedEntityIdentifiers: { Solutions: ['S-1234567'] },
  };
}

function fields(errors: { FieldName?: string; Code: string }[]): string[] {
  return errors.map((e) => `${e.FieldName}:${e.Code}`);
}

describe('review state machine (§3.2)', () => {
  it('creation always starts Pending Submission; accepted referrals Approved; receivers inherit', () => {
    assert.ok(findReviewTransition('CreateOpportunity', null, 'Pending Submission'));
    assert.equal(findReviewTransition('CreateOpportunity', null, 'Approved'), undefined);
    assert.ok(findReviewTransition('LeadConversion', null, 'Pending Submission'));
    assert.ok(findReviewTransition('AcceptAwsReferral', null, 'Approved'));
    assert.ok(findReviewTransition('AcceptPartnerInvitation', null, 'Submitted'));
    assert.equal(receiverStatusFor('Approved'), 'Approved');
    assert.equal(receiverStatusFor('Rejected'), 'Rejected');
    assert.equal(receiverStatusFor('In review'), 'Submitted');
    assert.equal(receiverStatusFor('Action Required'), 'Submitted');
  });

  it('submission from Pending Submission and Action Required only', () => {
    const all: ReviewStatus[] = ['Pending Submission', 'Submitted', 'In review', 'Approved', 'Rejected', 'Action Required'];
    const allowed = all.filter((s) => findReviewTransition('Submit', s, 'Submitted'));
    assert.deepEqual(allowed, ['Pending Submission', 'Action Required']);
    const [error] = reviewTransitionErrors('Submit', 'Approved', 'Submitted');
    assert.equal(error?.FieldName, 'lifeCycle.reviewStatus');
    assert.equal(error?.Code, 'INVALID_RESOURCE_STATE');
    assert.match(error!.Message, /Approved/);
    assert.deepEqual(reviewTransitionErrors('Submit', 'Pending Submission', 'Submitted'), []);
  });

  it("AWS's review acts only on submitted opportunities, and re-validates after Action Required", () => {
    assert.ok(findReviewTransition('AwsReview', 'Submitted', 'In review'));
    assert.ok(findReviewTransition('AwsReview', 'Submitted', 'Approved'));
    assert.ok(findReviewTransition('AwsReview', 'In review', 'Action Required'));
    assert.ok(findReviewTransition('AwsReview', 'Action Required', 'Approved'));
    assert.ok(findReviewTransition('AwsReview', 'Action Required', 'Rejected'));
    assert.equal(findReviewTransition('AwsReview', 'Pending Submission', 'Approved'), undefined);
    assert.equal(findReviewTransition('AwsReview', 'Approved', 'Action Required'), undefined);
    assert.equal(findReviewTransition('AwsReview', 'Rejected', 'Approved'), undefined);
    assert.equal(findReviewTransition('AwsReview', 'Submitted', 'Pending Submission'), undefined);
    assert.ok(findReviewTransition('SenderReview', 'Submitted', 'Approved'));
    assert.equal(findReviewTransition('SenderReview', 'Pending Submission', 'Approved'), undefined);
  });

  it('every transition cites its source', () => {
    for (const t of REVIEW_TRANSITIONS) assert.match(t.source, /§|decision/, `${t.trigger}`);
  });

  it('an update while Action Required keeps the status unless configured to resubmit', () => {
    assert.equal(statusAfterPartnerUpdate('Action Required'), 'Action Required');
    assert.equal(statusAfterPartnerUpdate('Action Required', 'resubmit-on-update'), 'Submitted');
    assert.equal(statusAfterPartnerUpdate('Approved', 'resubmit-on-update'), 'Approved');
  });
});

describe('field locks (§3.3)', () => {
  it('Pending Submission: everything editable', () => {
    assert.deepEqual(reviewLockErrors('O1', 'Pending Submission', ['project.title', 'customer.account.industry']), []);
  });

  for (const status of ['Submitted', 'In review', 'Rejected'] as const) {
    it(`${status}: every partner change blocked; a pure review simulation passes`, () => {
      const errors = reviewLockErrors('O1', status, ['project.title']);
      assert.deepEqual(fields(errors), ['lifeCycle.reviewStatus:INVALID_RESOURCE_STATE']);
      assert.deepEqual(fields(reviewLockErrors('O1', status, [])), ['lifeCycle.reviewStatus:INVALID_RESOURCE_STATE']);
      assert.deepEqual(reviewLockErrors('O1', status, [], { simulation: true }), []);
      assert.equal(reviewLockErrors('O1', status, ['project.title'], { simulation: true }).length, 1);
    });
  }

  it('Action Required: only the listed fields, whole spend list included', () => {
    const ok = [
      'customer.account.address.city',
      'customer.account.address.countryCode',
      'customer.account.address.postalCode',
      'customer.account.address.stateOrRegion',
      'customer.account.address.streetAddress',
      'customer.account.websiteUrl',
      'lifeCycle.targetCloseDate',
      'project.expectedCustomerSpend',
      'project.customerBusinessProblem',
      'partnerOpportunityIdentifier',
    ];
    assert.deepEqual(reviewLockErrors('O1', 'Action Required', ok), []);
    const errors = reviewLockErrors('O1', 'Action Required', ['project.title', 'customer.account.industry', 'lifeCycle.targetCloseDate']);
    assert.deepEqual(fields(errors), ['project.title:ACTION_NOT_PERMITTED', 'customer.account.industry:ACTION_NOT_PERMITTED']);
  });

  it('Approved: the seven locked fields only', () => {
    const locked = [
      'customer.account.address.countryCode',
      'customer.account.address.postalCode',
      'customer.account.industry',
      'customer.account.websiteUrl',
      'project.customerBusinessProblem',
      'partnerOpportunityIdentifier',
      'project.title',
    ];
    assert.equal(reviewLockErrors('O1', 'Approved', locked).length, 7);
    assert.deepEqual(reviewLockErrors('O1', 'Approved', ['lifeCycle.stage', 'lifeCycle.nextSteps', 'customer.account.address.city']), []);
  });

  it('the legacy Launched lock is opt-in', () => {
    assert.deepEqual(reviewLockErrors('O1', 'Approved', ['lifeCycle.nextSteps'], { stage: 'Launched' }), []);
    const errors = reviewLockErrors('O1', 'Approved', ['lifeCycle.nextSteps', 'project.deliveryModels', 'project.title'], { stage: 'Launched', launchedLocks: true });
    assert.deepEqual(fields(errors), ['project.title:ACTION_NOT_PERMITTED', 'lifeCycle.nextSteps:ACTION_NOT_PERMITTED']);
  });

  it('changedFields names changed leaves in dotted lowerCamel, lists as a whole, null as absent', () => {
    const before = complete();
    const after = structuredClone(before);
    after.Project!.Title = 'New';
    after.Customer!.Account!.Address!.City = 'Tacoma';
    after.Project!.ExpectedCustomerSpend![0]!.Amount = '1';
    assert.deepEqual(changedFields(before, after).sort(), ['customer.account.address.city', 'project.expectedCustomerSpend', 'project.title']);
    assert.deepEqual(changedFields({ A: null }, {}), []);
    assert.deepEqual(changedFields({ A: { B: 1, C: 2 } }, { A: { C: 2, B: 1 } }), []);
    // Inside lists objects compare whole: a member moved to another name is a change, an undefined one is absent.
    assert.deepEqual(changedFields({ L: [{ A: null }] }, { L: [{ B: null }] }), ['l']);
    assert.deepEqual(changedFields({ L: [{ A: 1, B: undefined }] }, { L: [{ A: 1 }] }), []);
  });

  it('changedFields answers as comparing every leaf by its canonical JSON would, for any values', () => {
    // The rule as first written: canonical JSON (sorted keys, undefined as null) of each leaf, compared.
    const canonical = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
      }
      return v === undefined ? 'null' : JSON.stringify(v);
    };
    const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    const oracle = (before: unknown, after: unknown, path = '', out: string[] = []): string[] => {
      if (isObject(before) || isObject(after)) {
        const b = isObject(before) ? before : {};
        const a = isObject(after) ? after : {};
        for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
          oracle(b[key], a[key], `${path ? `${path}.` : ''}${key.charAt(0).toLowerCase()}${key.slice(1)}`, out);
        }
      } else if (canonical(before ?? null) !== canonical(after ?? null)) out.push(path);
      return out;
    };
    // Small alphabets, so that equal and nearly equal values meet often; some members shared by reference.
    const leaf = fc.oneof(fc.constantFrom('a', 'b', ''), fc.constantFrom(0, 1, -0, 1.5), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('A', 'B', 'C'), tie('value'), { maxKeys: 3 })),
    }));
    fc.assert(
      fc.property(value, value, fc.boolean(), (x, y, share) => {
        const after = share && isObject(x) && isObject(y) ? { ...y, ...Object.fromEntries(Object.entries(x).slice(0, 1)) } : y;
        assert.deepEqual(changedFields(x, after), oracle(x, after));
        assert.deepEqual(changedFields(x, structuredClone(x)), []);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('submission completeness (§3.4)', () => {
  it('a complete opportunity has no errors', () => {
    assert.deepEqual(submissionErrors({ opportunity: complete(), today: TODAY }), []);
  });

  it('an empty opportunity lists every always-required field', () => {
    const empty: OpportunityDocument = { Catalog: 'AWS', Id: 'O1', CreatedDate: TODAY, LastModifiedDate: TODAY, RelatedEntityIdentifiers: {} };
    assert.deepEqual(fields(submissionErrors({ opportunity: empty, today: TODAY })), [
      'customer.account.companyName:REQUIRED_FIELD_MISSING',
      'customer.account.industry:REQUIRED_FIELD_MISSING',
      'customer.account.websiteUrl:REQUIRED_FIELD_MISSING',
      'customer.account.address.countryCode:REQUIRED_FIELD_MISSING',
      'lifeCycle.targetCloseDate:REQUIRED_FIELD_MISSING',
      'project.title:REQUIRED_FIELD_MISSING',
      'project.customerBusinessProblem:REQUIRED_FIELD_MISSING',
      'project.customerUseCase:REQUIRED_FIELD_MISSING',
      'project.deliveryModels:REQUIRED_FIELD_MISSING',
      'project.salesActivities:REQUIRED_FIELD_MISSING',
      'project.expectedCustomerSpend:REQUIRED_FIELD_MISSING',
      'marketing.source:REQUIRED_FIELD_MISSING',
      'primaryNeedsFromAws:REQUIRED_FIELD_MISSING',
      'relatedEntityIdentifiers.solutions:NOT_ENOUGH_VALUES',
    ]);
  });

  const cases: Array<[string, (o: OpportunityDocument) => void, string[], { involvementType?: 'For Visibility Only' }?]> = [
    ['OtherIndustry when Industry is Other', (o) => (o.Customer!.Account!.Industry = 'Other'), ['customer.account.otherIndustry:REQUIRED_FIELD_MISSING']],
    ['company and website unless national security', (o) => {
      o.NationalSecurity = 'Yes';
      o.Customer!.Account!.Industry = 'Government';
      delete o.Customer!.Account!.WebsiteUrl;
      o.Customer!.Account!.CompanyName = '';
    }, []],
    ['postal code in a country with postal codes', (o) => delete o.Customer!.Account!.Address!.PostalCode, ['customer.account.address.postalCode:REQUIRED_FIELD_MISSING']],
    ['no postal code in Hong Kong', (o) => {
      o.Customer!.Account!.Address = { CountryCode: 'HK' };
    }, []],
    ['US state required', (o) => delete o.Customer!.Account!.Address!.StateOrRegion, ['customer.account.address.stateOrRegion:REQUIRED_FIELD_MISSING']],
    ['US state must be valid', (o) => (o.Customer!.Account!.Address!.StateOrRegion = 'Bavaria'), ['customer.account.address.stateOrRegion:INVALID_VALUE']],
    ['no state needed outside the US', (o) => (o.Customer!.Account!.Address = { CountryCode: 'DE', PostalCode: '10115' }), []],
    ['close date not in the past', (o) => (o.LifeCycle!.TargetCloseDate = '2026-05-31'), ['lifeCycle.targetCloseDate:INVALID_VALUE']],
    ['close date today is fine', (o) => (o.LifeCycle!.TargetCloseDate = TODAY), []],
    ['business problem of 20 characters', (o) => (o.Project!.CustomerBusinessProblem = 'x'.repeat(19)), ['project.customerBusinessProblem:INVALID_VALUE']],
    ['spend amount present', (o) => delete o.Project!.ExpectedCustomerSpend![0]!.Amount, ['project.expectedCustomerSpend.amount:REQUIRED_FIELD_MISSING']],
    ['spend amount above zero', (o) => (o.Project!.ExpectedCustomerSpend![0]!.Amount = '0'), ['project.expectedCustomerSpend.amount:INVALID_VALUE']],
    ['Flat Renewal needs the renewed opportunity', (o) => (o.OpportunityType = 'Flat Renewal'), ['project.relatedOpportunityIdentifier:REQUIRED_FIELD_MISSING']],
    ['*Other competitor needs names', (o) => (o.Project!.CompetitorName = '*Other'), ['project.otherCompetitorNames:REQUIRED_FIELD_MISSING']],
    ['Marketing Activity needs AwsFundingUsed', (o) => (o.Marketing = { Source: 'Marketing Activity' }), ['marketing.awsFundingUsed:REQUIRED_FIELD_MISSING']],
    ['Source None forbids campaign details', (o) => (o.Marketing = { Source: 'None', CampaignName: 'x', Channels: ['Email'], UseCases: ['AI/ML'], AwsFundingUsed: 'No' }), [
      'marketing.campaignName:INVALID_VALUE',
      'marketing.channels:INVALID_VALUE',
      'marketing.useCases:INVALID_VALUE',
      'marketing.awsFundingUsed:INVALID_VALUE',
    ]],
    ['Closed Lost needs a reason', (o) => (o.LifeCycle!.Stage = 'Closed Lost'), ['lifeCycle.closedLostReason:REQUIRED_FIELD_MISSING']],
    ['a solution is required', (o) => (o.RelatedEntityIdentifiers = { Solutions: [] }), ['relatedEntityIdentifiers.solutions:NOT_ENOUGH_VALUES']],
    ['For Visibility Only needs no primary needs', (o) => delete o.PrimaryNeedsFromAws, [], { involvementType: 'For Visibility Only' }],
    ['Co-Sell needs primary needs', (o) => (o.PrimaryNeedsFromAws = []), ['primaryNeedsFromAws:REQUIRED_FIELD_MISSING']],
    ['Co-Sell needs sales activities', (o) => delete o.Project!.SalesActivities, ['project.salesActivities:REQUIRED_FIELD_MISSING']],
    ['For Visibility Only needs no sales activities', (o) => delete o.Project!.SalesActivities, [], { involvementType: 'For Visibility Only' }],
  ];
  for (const [name, change, expected, extra] of cases) {
    it(name, () => {
      const o = complete();
      change(o);
      assert.deepEqual(fields(submissionErrors({ opportunity: o, today: TODAY, ...extra })), expected);
    });
  }

  it('US states: picklist names and USPS codes, any case', () => {
    for (const s of ['Washington', 'washington', 'Dist. of Columbia', 'Puerto Rico', 'WA', 'ny']) assert.ok(isUsState(s), s);
    for (const s of ['Bavaria', 'XX', '']) assert.ok(!isUsState(s), s);
  });

  it('every rule cites its source and names its field', () => {
    for (const rule of COMPLETENESS_RULES) {
      assert.match(rule.source, /§3\.4/, rule.field);
      assert.match(rule.field, /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)*$/, rule.field);
    }
  });
});

describe('consistency and stage rules', () => {
  it('NationalSecurity Yes only for Government', () => {
    const o = complete();
    o.NationalSecurity = 'Yes';
    assert.deepEqual(fields(consistencyErrors(o)), ['nationalSecurity:INVALID_VALUE']);
    o.Customer!.Account!.Industry = 'Government';
    assert.deepEqual(consistencyErrors(o), []);
  });

  it('no support needed and Co-Sell needs do not mix, and Co-Sell never goes back', () => {
    const o = complete();
    (o.PrimaryNeedsFromAws as string[]).push('Do Not Need Support from AWS Sales Rep');
    assert.deepEqual(fields(consistencyErrors(o)), ['primaryNeedsFromAws:INVALID_VALUE']);
    const after = complete();
    (after as { PrimaryNeedsFromAws: string[] }).PrimaryNeedsFromAws = ['Do Not Need Support from AWS Sales Rep'];
    assert.deepEqual(fields(primaryNeedsChangeErrors(complete(), after)), ['primaryNeedsFromAws:ACTION_NOT_PERMITTED']);
    assert.deepEqual(primaryNeedsChangeErrors(after, complete()), []);
  });

  it('Committed and Launched need a solution or Marketplace listing', () => {
    const o = complete();
    o.LifeCycle!.Stage = 'Committed';
    assert.deepEqual(stageRequirementErrors(o), []);
    o.RelatedEntityIdentifiers = {};
    assert.deepEqual(fields(stageRequirementErrors(o)), ['relatedEntityIdentifiers.solutions:NOT_ENOUGH_VALUES']);
    o.RelatedEntityIdentifiers = { AwsMarketplaceProducts: ['arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/AmiProduct/prod-1'] };
    assert.deepEqual(stageRequirementErrors(o), []);
    o.RelatedEntityIdentifiers = {};
    o.LifeCycle!.Stage = 'Qualified';
    assert.deepEqual(stageRequirementErrors(o), []);
  });
});

describe('deal sizing (§3.5)', () => {
  const aws = { Amount: '100', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' } as const;
  // Frequency None is outside the model's enum type, although AWS documents it for Self entries.
  const self = { Amount: '5000', CurrencyCode: 'USD', Frequency: 'None' as 'Monthly', TargetCompany: 'Self' } as const;
  const duration = { Term: 'Months', Value: '12' } as const;
  const valid = 'https://calculator.aws/#/estimate?id=' + '0123456789abcdef0123456789abcdef01234567';
  const invalid = 'https://calculator.aws/#/estimate?id=invalid';
  const messages = (p: Parameters<typeof dealSizingErrors>[0]) => dealSizingErrors(p).map((e) => `${e.FieldName}: ${e.Message}`);

  it('a plain monthly estimate is not TCV and passes', () => {
    assert.equal(isTcvMode({ ExpectedCustomerSpend: [aws] }), false);
    assert.deepEqual(dealSizingErrors({ ExpectedCustomerSpend: [aws, { ...aws, CurrencyCode: 'EUR' }] }), []);
    assert.deepEqual(dealSizingErrors(undefined), []);
  });

  it('a valid TCV project passes', () => {
    assert.equal(isTcvMode({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [aws, self] }), true);
    assert.deepEqual(dealSizingErrors({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [aws, self] }), []);
  });

  it('each documented TCV error, with AWS text and field', () => {
    assert.deepEqual(messages({ ExpectedCustomerSpend: [aws, self] }), ['project.expectedContractDuration: ExpectedContractDuration is required when a Self entry is present']);
    assert.deepEqual(messages({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [aws] }), ['project.expectedCustomerSpend: A Self entry is required when ExpectedContractDuration is present']);
    assert.deepEqual(messages({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [self, self] }), ['project.expectedCustomerSpend: Only one Self entry is allowed']);
    assert.deepEqual(messages({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [self, { ...aws, TargetCompany: 'Other' }] }), [
      "project.expectedCustomerSpend.targetCompany: TargetCompany must be 'AWS' or 'Self'",
    ]);
    assert.deepEqual(messages({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [self, { ...aws, CurrencyCode: 'EUR' }] }), [
      'project.expectedCustomerSpend.currencyCode: CurrencyCode must match between entries',
    ]);
    assert.deepEqual(messages({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [self, { ...aws, EstimationUrl: valid }] }), [
      'project.expectedCustomerSpend.estimationUrl: Self entry and EstimationUrl cannot coexist',
    ]);
    assert.ok(dealSizingErrors({ ExpectedCustomerSpend: [self, self] }).every((e) => e.Code === 'INVALID_VALUE'));
  });

  it('the emulator-worded rules: currency, partition, duration range, frequencies', () => {
    assert.deepEqual(messages({ ExpectedCustomerSpend: [{ ...aws, CurrencyCode: 'GBP' }] }), ['project.expectedCustomerSpend.currencyCode: CurrencyCode must be USD or EUR']);
    assert.deepEqual(messages({ AwsPartition: 'aws-eusc', ExpectedCustomerSpend: [aws] }), ['project.expectedCustomerSpend.currencyCode: CurrencyCode must be EUR when AwsPartition is aws-eusc']);
    assert.deepEqual(messages({ AwsPartition: 'aws-eusc', ExpectedCustomerSpend: [{ ...aws, CurrencyCode: 'EUR' }] }), []);
    for (const Value of ['0', '145', '1.5', 'twelve']) {
      assert.deepEqual(messages({ ExpectedContractDuration: { Term: 'Months', Value }, ExpectedCustomerSpend: [self] }), [
        'project.expectedContractDuration.value: ExpectedContractDuration.Value must be a whole number of months from 1 to 144.',
      ], Value);
    }
    assert.deepEqual(messages({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [{ ...self, Frequency: 'Monthly' }] }), [
      "project.expectedCustomerSpend.frequency: Frequency must be 'None' for a Self entry",
    ]);
    assert.deepEqual(messages({ ExpectedCustomerSpend: [{ ...aws, Frequency: 'None' as 'Monthly' }] }), ["project.expectedCustomerSpend.frequency: Frequency must be 'Monthly' for an AWS entry"]);
  });

  it('EstimationUrl outcomes', () => {
    assert.deepEqual(estimationUrlOutcome(aws), { kind: 'none' });
    assert.deepEqual(estimationUrlOutcome({ ...aws, EstimationUrl: valid }), { kind: 'keep' });
    assert.deepEqual(estimationUrlOutcome({ ...aws, EstimationUrl: 'https://pricing.calculator.aws.eu/#/estimate?id=' + 'ab'.repeat(16) }), { kind: 'keep' });
    assert.deepEqual(estimationUrlOutcome({ ...aws, EstimationUrl: invalid }), { kind: 'drop-url' });
    const { Amount: _a, ...noAmount } = aws;
    const outcome = estimationUrlOutcome({ ...noAmount, EstimationUrl: invalid });
    assert.equal(outcome.kind, 'error');
    if (outcome.kind === 'error') {
      assert.equal(outcome.message, 'The provided Estimation URL is invalid');
      assert.deepEqual(outcome.error, { FieldName: 'project.expectedCustomerSpend.estimationUrl', Code: 'INVALID_VALUE', Message: `Invalid Estimation URL: ${invalid}` });
    }
    assert.equal(estimationUrlOutcome({ ...aws, Amount: '', EstimationUrl: invalid }).kind, 'error');
  });

  it('applyDealSizing: Self reconstructed on update, other TargetCompany values become AWS, AWS MRR derived', () => {
    // Update with a duration but no Self entry: the stored Self entry comes back.
    const stored = { ExpectedContractDuration: duration, ExpectedCustomerSpend: [aws, self] };
    assert.deepEqual(applyDealSizing({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [aws] }, stored), { kind: 'ok', project: stored });
    assert.equal(applyDealSizing({ ExpectedContractDuration: duration, ExpectedCustomerSpend: [aws] }).kind, 'invalid');
    // Without a duration any TargetCompany but Self is AWS (model doc).
    assert.deepEqual(applyDealSizing({ ExpectedCustomerSpend: [{ ...aws, TargetCompany: 'Acme' }] }), { kind: 'ok', project: { ExpectedCustomerSpend: [aws] } });
    // A Self entry alone: the AWS MRR entry is its amount over the months, rounded to cents.
    assert.deepEqual(applyDealSizing({ ExpectedContractDuration: { Term: 'Months', Value: '36' }, ExpectedCustomerSpend: [{ ...self, Amount: '1200000.00' }] }), {
      kind: 'ok',
      project: {
        ExpectedContractDuration: { Term: 'Months', Value: '36' },
        ExpectedCustomerSpend: [{ Amount: '33333.33', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }, { ...self, Amount: '1200000.00' }],
      },
    });
    assert.equal(monthlyAmount('1000', 12), '83.33');
    assert.equal(monthlyAmount('1000', 8), '125');
    assert.equal(monthlyAmount('0.05', 2), '0.03');
    assert.equal(monthlyAmount('9999999999999999999999999999999.99', 1), '9999999999999999999999999999999.99');
    // Invalid URL beside an Amount is dropped; alone it is refused with AWS's top-level message.
    assert.deepEqual(applyDealSizing({ ExpectedCustomerSpend: [{ ...aws, EstimationUrl: invalid }] }), { kind: 'ok', project: { ExpectedCustomerSpend: [aws] } });
    const refused = applyDealSizing({ ExpectedCustomerSpend: [{ CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS', EstimationUrl: invalid }] });
    assert.equal(refused.kind === 'invalid' && refused.message, 'The provided Estimation URL is invalid');
  });
});
