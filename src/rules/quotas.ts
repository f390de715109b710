// Engagement limits that answer ServiceQuotaExceededException (behavior.md §4.2, §7.2; decision 12), as
// data, plus the ReasonCode a task reports for the same breach.
//
// Used by: CreateEngagement and CreateEngagementContext (contexts), StartOpportunityFromEngagementTask and
// StartProspectingFromEngagementTask (the context they add), CreateEngagementInvitation (invited partners),
// the accept task and AWS's approval (members).
//
// Choices ([INF]; AWS documents no threshold except members and the model's 5 contexts):
// - Invited partners count invitations to partner accounts (not to AWS) that are PENDING or ACCEPTED.
// - Contexts count every context type, the ProspectingResult contexts included.
// - No quota on snapshot revisions, jobs or tags: AWS documents none.
import { ServiceQuotaExceededException } from '../errors.js';
import type { ReasonCode } from '../model/generated/types.js';
import type { Source } from './rule.js';

export type QuotaName = 'engagementMembers' | 'invitedPartners' | 'engagementContexts';

export interface Quota {
  limit: number;
  /** Plural noun for messages. */
  what: string;
  source: Source;
}

export const QUOTAS: Readonly<Record<QuotaName, Quota>> = {
  engagementMembers: { limit: 10, what: 'members', source: '§4.2 [DOC D-MULTI] "at most 10 partners"; decision 12' },
  invitedPartners: { limit: 9, what: 'invited partners', source: '§4.2 [DOC D-MULTI] "You can invite a maximum of nine partners"' },
  engagementContexts: { limit: 5, what: 'contexts', source: '§4.1, §7.2 [MODEL] EngagementContexts length ≤ 5' },
};

export interface QuotaBreach {
  quota: QuotaName;
  limit: number;
  message: string;
}

/** The breach when `current + adding` exceeds the quota, else undefined. */
export function quotaBreach(quota: QuotaName, current: number, adding = 1, subject = 'The engagement'): QuotaBreach | undefined {
  const { limit, what } = QUOTAS[quota];
  if (current + adding <= limit) return undefined;
  return { quota, limit, message: `${subject} already has ${current} ${what}; the most it can have is ${limit}.` };
}

/** The synchronous answer (HTTP 402). */
export function quotaException(breach: QuotaBreach): ServiceQuotaExceededException {
  return new ServiceQuotaExceededException(breach.message);
}

/** The ReasonCode a task reports when a step breaches a quota (§1.3). */
export const QUOTA_REASON_CODE: ReasonCode = 'ServiceQuotaExceeded';

/** Invitations that occupy one of the nine partner places. */
export function occupiesPartnerPlace(invitation: { receiverAccountId: string; status: string }): boolean {
  return invitation.receiverAccountId !== 'aws' && (invitation.status === 'PENDING' || invitation.status === 'ACCEPTED');
}
