// Who the partner accounts are: company name, website and the user who owns new opportunities. AWS has no
// API to list users, so each account gets a stable, recognisable default profile.
import type { Contact } from './model/generated/types.js';

export interface AccountProfile {
  accountId: string;
  companyName: string;
  websiteUrl: string;
  alias: string;
  /** Added to every opportunity the account creates as the `OpportunityOwner` team member. */
  owner: Contact;
}

/** AWS as a participant: `CreatedBy`/`SenderAwsAccountId` "aws", listed as `{CompanyName: "AWS", WebsiteUrl: "www.aws.com"}`. */
export const AWS_ACCOUNT = 'aws';
export const AWS_MEMBER = { accountId: AWS_ACCOUNT, companyName: 'AWS', websiteUrl: 'www.aws.com' } as const;

export class AccountDirectory {
  private readonly overrides = new Map<string, Partial<AccountProfile>>();

  profile(accountId: string): AccountProfile {
    const o = this.overrides.get(accountId) ?? {};
    return {
      accountId,
      companyName: o.companyName ?? `Partner ${accountId}`,
      websiteUrl: o.websiteUrl ?? `https://partner-${accountId}.example.com`,
      alias: o.alias ?? `Partner account ${accountId}`,
      owner: o.owner ?? {
        BusinessTitle: 'OpportunityOwner',
        Email: `alliance-lead-${accountId}@example.com`,
        FirstName: 'Alliance',
        LastName: 'Lead',
      },
    };
  }

  configure(accountId: string, profile: Partial<AccountProfile>): void {
    this.overrides.set(accountId, { ...this.overrides.get(accountId), ...profile });
  }
}
