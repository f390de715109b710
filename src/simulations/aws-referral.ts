// The Sandbox AWS-referral simulation (decision 16, behavior.md §2.2): CreateOpportunity with Origin
// "AWS Referral" makes AWS create an engagement and invite the caller. AWS plays its part through the
// resource modules' domain functions (engagements create the engagement, the invitations module writes and
// announces the invitation); resource modules reach this one only through `services.simulations`.
import { AWS_ACCOUNT, AWS_MEMBER } from '../accounts.js';
import type { Services } from '../context.js';
import { createEngagement } from '../resources/engagements.js';
import { invitationPayloadFrom, sendInvitation } from '../resources/engagement-invitations.js';
import type { InvitationRecord, OpportunityRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/** Fixed text of AWS-originated referral invitations (behavior.md §2.2). */
export const AWS_REFERRAL_MESSAGE =
  'This invite is for an AWS originated referral. Accepting this invitation will create an AWS originated opportunity in your pipeline.';

/** The AWS partner development manager named as sender contact of simulated referrals. */
export const AWS_SENDER_CONTACT = { BusinessTitle: 'PDM', Email: 'pdm@aws.example.com', FirstName: 'AWS', LastName: 'Partner Development Manager' };

export const ENGAGEMENT_TITLE_MAX = 40;
export const ENGAGEMENT_DESCRIPTION_MAX = 255;

export function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

/**
 * Decision 16: an AWS-owned engagement (CreatedBy "aws", AWS its only member) and a PENDING
 * OpportunityInvitation from AWS to the opportunity's (hidden) owner, in the same transaction.
 */
export async function simulateAwsReferral(uow: UnitOfWork, services: Services, opportunity: OpportunityRecord): Promise<InvitationRecord> {
  const project = opportunity.data.Project;
  const title = truncate(project?.Title, ENGAGEMENT_TITLE_MAX) ?? `AWS Referral ${opportunity.id}`;
  const description = truncate(project?.CustomerBusinessProblem, ENGAGEMENT_DESCRIPTION_MAX);
  const payload = invitationPayloadFrom(opportunity, [AWS_SENDER_CONTACT], ['Services Partner', 'Software Partner']);
  const engagement = await createEngagement(uow, services, {
    catalog: opportunity.catalog,
    title,
    description,
    createdBy: AWS_ACCOUNT,
    contexts: [
      {
        Id: '1',
        Type: 'CustomerProject',
        Payload: {
          CustomerProject: {
            Customer: payload.Customer,
            Project: {
              Title: truncate(payload.Project.Title, 255)!,
              BusinessProblem: payload.Project.BusinessProblem,
              TargetCompletionDate: payload.Project.TargetCompletionDate,
            },
          },
        },
      },
    ],
  });
  return sendInvitation(uow, services, {
    catalog: opportunity.catalog,
    engagementId: engagement.id,
    engagementTitle: engagement.title,
    engagementDescription: engagement.description,
    senderAccountId: AWS_ACCOUNT,
    senderCompanyName: AWS_MEMBER.companyName,
    receiverAccountId: opportunity.accountId,
    invitationMessage: AWS_REFERRAL_MESSAGE,
    payload: { OpportunityInvitation: payload },
    referralOpportunityId: opportunity.id,
  });
}
