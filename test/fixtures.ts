// Shared test fixtures: opportunity inputs and the "simulate an AWS referral, then find its invitation" steps.
// Suites send slightly different payloads on purpose (what they assert on depends on it), so the fixtures take
// the differences as parameters rather than settling on one payload for all.
import assert from 'node:assert/strict';
import {
  AssociateOpportunityCommand,
  CreateOpportunityCommand,
  ListEngagementInvitationsCommand,
  type Account,
  type Contact,
  type CreateOpportunityCommandInput,
  type EngagementInvitationSummary,
  type ExpectedCustomerSpend,
  type ListEngagementInvitationsCommandInput,
  type PartnerCentralSellingClient,
  type PaymentFrequency,
  type Project,
  type SalesInvolvementType,
  SubmitOpportunityCommand,
} from '@aws-sdk/client-partnercentral-selling';

/** RelatedEntityIdentifiers of an opportunity nothing was associated with: every list of the model, empty. */
export const EMPTY_RELATED_ENTITIES = {
  AwsProducts: [],
  Solutions: [],
  AwsMarketplaceOffers: [],
  AwsMarketplaceOfferSets: [],
  AwsMarketplaceSolutions: [],
  AwsMarketplaceProducts: [],
};

/**
 * The partner's Total Contract Value entry of a TCV project (behavior.md §3.5 [DOC D-DEAL]): TargetCompany Self,
 * Frequency None. The model's enum (and so the SDK's type) lists only Monthly, although its doc asks for None here.
 */
export function selfSpend(amount: string, currency: 'USD' | 'EUR' = 'USD'): ExpectedCustomerSpend {
  return { Amount: amount, CurrencyCode: currency, Frequency: 'None' as PaymentFrequency, TargetCompany: 'Self' };
}

/** What a suite adds to (or overrides in) the common AWS-referral payload. */
export interface AwsReferralDetail {
  /** Top-level members besides Customer and Project (OpportunityType, OpportunityTeam, …). */
  opportunity?: Partial<CreateOpportunityCommandInput>;
  account?: Partial<Account>;
  /** Merged into the single contact. */
  contact?: Partial<Contact>;
  project?: Partial<Project>;
}

/** A simulate-an-AWS-referral CreateOpportunity input for the Sandbox (behavior.md §2.2): Test Corp in Seattle. */
export function awsReferralInput(clientToken: string, title: string, detail: AwsReferralDetail = {}): CreateOpportunityCommandInput {
  return {
    Catalog: 'Sandbox',
    ClientToken: clientToken,
    Origin: 'AWS Referral',
    ...detail.opportunity,
    Customer: {
      Account: {
        CompanyName: 'Test Corp',
        Industry: 'Financial Services',
        WebsiteUrl: 'https://www.test.com',
        Address: { StreetAddress: '410 Terry Ave N', City: 'Seattle', StateOrRegion: 'Washington', PostalCode: '98109', CountryCode: 'US' },
        ...detail.account,
      },
      Contacts: [{ Email: 'jane.doe@test.com', FirstName: 'Jane', LastName: 'Doe', ...detail.contact }],
    },
    Project: {
      Title: title,
      CustomerBusinessProblem: 'A very important problem goes here ValidAWSCreate',
      DeliveryModels: ['SaaS or PaaS'],
      ExpectedCustomerSpend: [{ Amount: '25000', CurrencyCode: 'USD', Frequency: 'Monthly', TargetCompany: 'AWS' }],
      ...detail.project,
    },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2029-10-05' },
    Marketing: { Source: 'None' },
  };
}

/** The customer and project of an opportunity that carries only what CreateOpportunity requires. */
export interface MinimalOpportunitySubject {
  company: string;
  title: string;
  businessProblem: string;
}

/** A CreateOpportunity input with only the required members, for suites that exercise the server, not the shape. */
export function minimalOpportunityInput(
  clientToken: string,
  subject: MinimalOpportunitySubject,
  overrides: Partial<CreateOpportunityCommandInput> = {},
): CreateOpportunityCommandInput {
  return {
    Catalog: 'Sandbox',
    ClientToken: clientToken,
    Customer: { Account: { CompanyName: subject.company, Industry: 'Automotive', Address: { CountryCode: 'DE' } } },
    Project: { Title: subject.title, CustomerBusinessProblem: subject.businessProblem },
    LifeCycle: { Stage: 'Prospect', TargetCloseDate: '2030-09-30' },
    ...overrides,
  };
}

/** What a suite adds to the partner opportunity: more of the customer's address, more of the project. */
export interface PartnerOpportunityDetail {
  address?: Record<string, string>;
  project?: Record<string, unknown>;
}

/** A partner's opportunity (Company20's Project32) as the control plane takes it for partner→partner invitations. */
export function partnerOpportunity(detail: PartnerOpportunityDetail = {}) {
  return {
    Customer: {
      Account: {
        CompanyName: 'Company20',
        Industry: 'Agriculture',
        WebsiteUrl: 'https://www.company20.example.com',
        Address: { CountryCode: 'US', ...detail.address },
      },
    },
    Project: { Title: 'Project32', CustomerBusinessProblem: 'The customer needs to modernise its crop analytics platform.', ...detail.project },
    LifeCycle: { TargetCloseDate: '2025-10-04' },
  };
}

/**
 * Creates an AWS referral as `client` and returns the referral opportunity's id and the one invitation it
 * brought. The invitation is the one that was not listed before: with the business clock frozen, InvitationDate
 * cannot tell it apart from earlier ones.
 */
export async function createReferralAndFindInvitation(
  client: PartnerCentralSellingClient,
  input: CreateOpportunityCommandInput,
  { filter = {}, message }: { filter?: Partial<ListEngagementInvitationsCommandInput>; message?: string } = {},
): Promise<{ opportunityId: string; invitation: EngagementInvitationSummary }> {
  const received = async () =>
    (await client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER', ...filter }))).EngagementInvitationSummaries!;
  const known = new Set((await received()).map((i) => i.Id));
  const created = await client.send(new CreateOpportunityCommand(input));
  const fresh = (await received()).filter((i) => !known.has(i.Id));
  assert.equal(fresh.length, 1, message);
  return { opportunityId: created.Id!, invitation: fresh[0]! };
}

/**
 * Creates an AWS referral in an account that holds no other pending invitation (a fresh account, or a fresh
 * database) and returns the referral opportunity's id and its invitation's id.
 */
export async function createReferralInFreshAccount(
  client: PartnerCentralSellingClient,
  input: CreateOpportunityCommandInput,
  message?: string,
): Promise<{ opportunityId: string; invitationId: string }> {
  const created = await client.send(new CreateOpportunityCommand(input));
  const list = await client.send(new ListEngagementInvitationsCommand({ Catalog: 'Sandbox', ParticipantType: 'RECEIVER' }));
  const pending = (list.EngagementInvitationSummaries ?? []).filter((i) => i.Status === 'PENDING');
  assert.equal(pending.length, 1, message);
  return { opportunityId: created.Id!, invitationId: pending[0]!.Id! };
}

/**
 * Sends a complete opportunity to AWS's review: associates the Sandbox default solution (S-1234567, behavior.md
 * §2.1) and submits it. A Sandbox review simulation (decision 17) acts only on a submitted opportunity.
 */
export async function submitForReview(
  client: PartnerCentralSellingClient,
  id: string,
  { catalog = 'Sandbox', involvementType = 'Co-Sell' }: { catalog?: 'AWS' | 'Sandbox'; involvementType?: SalesInvolvementType } = {},
): Promise<void> {
  await client.send(new AssociateOpportunityCommand({ Catalog: catalog, OpportunityIdentifier: id, RelatedEntityType: 'Solutions', RelatedEntityIdentifier: 'S-1234567' }));
  await client.send(new SubmitOpportunityCommand({ Catalog: catalog, Identifier: id, InvolvementType: involvementType }));
}
