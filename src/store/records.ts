// What is stored: one document type per record kind (kinds.ts declares their keys, fields and indexes).
// Documents hold API-shaped data (generated types) plus the bookkeeping the emulator needs and AWS never returns.
import type {
  CatalogIdentifier,
  EngagementContextDetails,
  EngagementInvitationPayloadType,
  EnrichmentContext,
  GetOpportunityResponse,
  InvitationStatus,
  Payload,
  ReasonCode,
  ResourceSnapshotJobStatus,
  ResourceSnapshotPayload,
  SolutionStatus,
  Tag,
} from '../model/generated/types.js';
import type { TaskRecord } from './unit-of-work.js';
import type { AwsSideData, Submission } from '../rules/aws-opportunity-summary.js';

export type Catalog = CatalogIdentifier;

/** The opportunity as GetOpportunity returns it, minus what is derived at read time (Arn, Catalog, Id). */
export type OpportunityData = Omit<GetOpportunityResponse, 'Arn' | 'Catalog' | 'Id' | 'CreatedDate' | 'LastModifiedDate'>;

export interface OpportunityRecord {
  catalog: Catalog;
  id: string;
  /** Owning account. */
  accountId: string;
  /** A simulated AWS referral stays hidden from its account until the invitation is accepted. */
  visible: boolean;
  origin: 'AWS Referral' | 'Partner Referral';
  createdAt: string;
  lastModifiedAt: string;
  data: OpportunityData;
  /** The last SubmitOpportunity / AwsSubmission AWS received: GetAwsOpportunitySummary's InvolvementType and Visibility. */
  submission?: Submission;
  /** What only AWS writes (decision 21), set through the control plane; absent until then. */
  aws?: AwsSideData;
}

export interface EngagementRecord {
  catalog: Catalog;
  id: string;
  title: string;
  description?: string;
  createdAt: string;
  createdBy: string;
  modifiedAt: string;
  modifiedBy: string;
  contexts: EngagementContextDetails[];
}

export interface EngagementMemberRecord {
  catalog: Catalog;
  engagementId: string;
  accountId: string;
  companyName: string;
  websiteUrl?: string;
  joinedAt: string;
  /** Join order, for stable listing. */
  position: number;
  // Copies of the engagement's list fields, so that ListEngagements is one scan of the caller's memberships
  // (kept in step by saveEngagement in resources/engagements.ts). Absent on records written before schema 5.
  engagementCreatedAt?: string;
  engagementCreatedBy?: string;
  /** The engagement's distinct context types, sorted and joined with ',' ('' for none). */
  contextTypeSet?: string;
}

export interface InvitationRecord {
  catalog: Catalog;
  id: string;
  engagementId: string;
  engagementTitle: string;
  engagementDescription?: string;
  senderAccountId: string;
  senderCompanyName: string;
  receiverAccountId: string;
  receiverAlias?: string;
  status: InvitationStatus;
  payloadType: EngagementInvitationPayloadType;
  payload: Payload;
  invitationMessage: string;
  invitationDate: string;
  expirationDate: string;
  rejectionReason?: string;
  /** For a simulated AWS referral: the hidden opportunity that acceptance reveals. */
  referralOpportunityId?: string;
  /** For a partner invitation: the sender's opportunity, whose review status the receiver's copy inherits. */
  senderOpportunityId?: string;
  /** The receiver's opportunity, once the accept task created or revealed it. */
  acceptedOpportunityId?: string;
  /** What AWS added about the invitation (decision 21); set only through the control plane. */
  enrichmentContext?: EnrichmentContext;
}

/** What StartEngagementByAcceptingInvitationTask stores in the generic task record. */
export interface AcceptInvitationPayload {
  /** The bare invitation id (decision 14). */
  engagementInvitationId: string;
  tags?: Tag[];
  /** Forced failure injected by the control plane. */
  forcedFailure?: { reasonCode: ReasonCode; message: string };
}

/** The outcome of an accept-invitation task. */
export interface AcceptInvitationResult {
  opportunityId?: string;
  resourceSnapshotJobId?: string;
  reasonCode?: ReasonCode;
  message?: string;
}

export type AcceptInvitationTask = TaskRecord<AcceptInvitationPayload, AcceptInvitationResult>;

export interface ResourceSnapshotJobRecord {
  catalog: Catalog;
  id: string;
  accountId: string;
  engagementId: string;
  resourceType: 'Opportunity';
  resourceId: string;
  templateName: string;
  status: ResourceSnapshotJobStatus;
  createdAt: string;
  lastSuccessfulExecutionDate?: string;
  lastFailure?: string;
}

export interface ResourceSnapshotRecord {
  catalog: Catalog;
  engagementId: string;
  resourceType: 'Opportunity';
  resourceId: string;
  templateName: string;
  revision: number;
  createdBy: string;
  createdAt: string;
  payload: ResourceSnapshotPayload;
  targetMemberAccounts?: string[];
}

export interface EngagementResourceRecord {
  catalog: Catalog;
  engagementId: string;
  resourceType: 'Opportunity';
  resourceId: string;
  createdBy: string;
  createdAt: string;
}

/** One engagement-resource link as one member sees it (ListEngagementResourceAssociations reads only these). */
export interface EngagementResourceViewRecord extends EngagementResourceRecord {
  viewerAccountId: string;
}

export interface TagSetRecord {
  catalog: Catalog;
  accountId: string;
  resourceArn: string;
  tags: Tag[];
}

/** One solution of an account's catalogue in one catalog (ListSolutions; read-only to the API). */
export interface SolutionRecord {
  accountId: string;
  catalog: Catalog;
  id: string;
  name: string;
  status: SolutionStatus;
  category: string;
  createdDate: string;
  awsMarketplaceSolutionArn?: string;
}

/** An account's selling-system settings in one catalog (Get/PutSellingSystemSettings). */
export interface SellingSystemSettingsRecord {
  accountId: string;
  catalog: Catalog;
  /** The role running snapshot jobs; without it a job records a failure instead of writing a revision. */
  resourceSnapshotJobRoleArn?: string;
}
