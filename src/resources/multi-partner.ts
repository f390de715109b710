// Multi-partner links (behavior.md §2.3, D-MULTI): which opportunities other partners made by accepting the
// invitations that carried an opportunity. A read over invitation and opportunity records, shared by the
// opportunities module (announcing AWS's updates to receivers) and the review simulation (receivers follow).
import { invitationKind, opportunityKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { OpportunityRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/** The opportunities other partners made by accepting this opportunity's invitations (multi-partner receivers). */
export async function receiverOpportunities(uow: UnitOfWork, senderOpportunity: OpportunityRecord): Promise<OpportunityRecord[]> {
  const accepted = await queryAll(uow, invitationKind, {
    where: { catalog: senderOpportunity.catalog, senderAccountId: senderOpportunity.accountId, status: 'ACCEPTED' },
  });
  const out: OpportunityRecord[] = [];
  for (const invitation of accepted) {
    if (invitation.senderOpportunityId !== senderOpportunity.id || invitation.acceptedOpportunityId === undefined) continue;
    const receiver = await uow.get(opportunityKind, [invitation.catalog, invitation.acceptedOpportunityId]);
    if (receiver) out.push(receiver);
  }
  return out;
}
