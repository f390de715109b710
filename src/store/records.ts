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
  Tag,
} from '../model/generated/types.js';
import type { TaskRecord } from './unit-of-work.js';

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

export interface TagSetRecord {
  catalog: Catalog;
  accountId: string;
  resourceArn: string;
  tags: Tag[];
}
