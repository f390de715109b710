// Engagements and their members: GetEngagement, ListEngagements, ListEngagementMembers,
// ListEngagementResourceAssociations, plus the helpers other modules use to create engagements, add
// members and link resources. An engagement is shared: its members see it, nobody else does.
import { AWS_ACCOUNT, AWS_MEMBER } from '../accounts.js';
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, RequestContext, Services } from '../context.js';
import { AccessDeniedException, ResourceNotFoundException } from '../errors.js';
import type {
  EngagementContextDetails,
  EngagementMember,
  EngagementResourceAssociationSummary,
  EngagementSummary,
  GetEngagementResponse,
} from '../model/generated/types.js';
import {
  engagementMembers,
  engagementResources,
  engagements,
  type Catalog,
  type EngagementMemberRecord,
  type EngagementRecord,
} from '../store/records.js';
import type { Transaction } from '../store/store.js';
import { paginate } from './pagination.js';

/** An engagement holds at most 10 members (behavior.md §4.2). */
export const MAX_ENGAGEMENT_MEMBERS = 10;

export function membersOf(tx: Transaction, catalog: Catalog, engagementId: string): EngagementMemberRecord[] {
  return tx
    .collection(engagementMembers)
    .find({ catalog, engagement_id: engagementId })
    .sort((a, b) => a.position - b.position);
}

export function isMember(tx: Transaction, catalog: Catalog, engagementId: string, accountId: string): boolean {
  return tx.collection(engagementMembers).get([catalog, engagementId, accountId]) !== undefined;
}

export function createEngagement(
  tx: Transaction,
  services: Services,
  init: { catalog: Catalog; title: string; description?: string; createdBy: string; contexts?: EngagementContextDetails[] },
): EngagementRecord {
  const now = services.clock.nowIso();
  const record: EngagementRecord = {
    catalog: init.catalog,
    id: services.ids.engagementId(),
    title: init.title,
    description: init.description,
    createdAt: now,
    createdBy: init.createdBy,
    modifiedAt: now,
    modifiedBy: init.createdBy,
    contexts: init.contexts ?? [],
  };
  tx.collection(engagements).put(record);
  const creator = init.createdBy === AWS_ACCOUNT ? AWS_MEMBER : services.accounts.profile(init.createdBy);
  tx.collection(engagementMembers).put({
    catalog: init.catalog,
    engagementId: record.id,
    accountId: init.createdBy,
    companyName: creator.companyName,
    websiteUrl: creator.websiteUrl,
    joinedAt: now,
    position: 1,
  });
  return record;
}

/**
 * Adds `accountId` to the engagement, updates ModifiedAt/ModifiedBy and tells every member (the new one
 * included) with `Engagement Member Added` (behavior.md §5.4).
 */
export function addMember(tx: Transaction, services: Services, engagement: EngagementRecord, accountId: string): EngagementMemberRecord {
  const now = services.clock.nowIso();
  const existing = membersOf(tx, engagement.catalog, engagement.id);
  const profile = accountId === AWS_ACCOUNT ? AWS_MEMBER : services.accounts.profile(accountId);
  const member: EngagementMemberRecord = {
    catalog: engagement.catalog,
    engagementId: engagement.id,
    accountId,
    companyName: profile.companyName,
    websiteUrl: profile.websiteUrl,
    joinedAt: now,
    position: (existing[existing.length - 1]?.position ?? 0) + 1,
  };
  tx.collection(engagementMembers).put(member);
  tx.collection(engagements).put({ ...engagement, modifiedAt: now, modifiedBy: accountId });
  const arn = arns.engagement(engagement.catalog, engagement.id);
  for (const recipient of [...existing, member]) {
    services.events.emit(tx, recipient.accountId, 'Engagement Member Added', [arn], {
      catalog: engagement.catalog,
      engagement: { id: engagement.id },
      engagementMember: { accountId: member.accountId, companyName: member.companyName },
    });
  }
  return member;
}

/** Records that a member's resource takes part in the engagement (read by ListEngagementResourceAssociations). */
export function associateResource(
  tx: Transaction,
  services: Services,
  link: { catalog: Catalog; engagementId: string; resourceId: string; createdBy: string },
): void {
  tx.collection(engagementResources).put({
    catalog: link.catalog,
    engagementId: link.engagementId,
    resourceType: 'Opportunity',
    resourceId: link.resourceId,
    createdBy: link.createdBy,
    createdAt: services.clock.nowIso(),
  });
}

/** The engagement named by id or ARN, if the caller is one of its members. */
export function engagementForMember(tx: Transaction, ctx: RequestContext, identifier: string): EngagementRecord {
  const id = idFromArnOrId(identifier);
  const engagement = tx.collection(engagements).get([ctx.catalog, id]);
  if (!engagement) throw new ResourceNotFoundException(`Engagement ${id} was not found in catalog ${ctx.catalog}.`);
  if (!isMember(tx, ctx.catalog, id, ctx.accountId)) {
    throw new AccessDeniedException(`Account ${ctx.accountId} is not a member of engagement ${id}; only members can read it.`);
  }
  return engagement;
}

function contextTypes(engagement: EngagementRecord): EngagementSummary['ContextTypes'] {
  return [...new Set(engagement.contexts.map((c) => c.Type))];
}

function engagementView(tx: Transaction, engagement: EngagementRecord): GetEngagementResponse {
  return {
    Id: engagement.id,
    Arn: arns.engagement(engagement.catalog, engagement.id),
    Title: engagement.title,
    Description: engagement.description,
    CreatedAt: engagement.createdAt,
    CreatedBy: engagement.createdBy,
    MemberCount: tx.collection(engagementMembers).count({ catalog: engagement.catalog, engagement_id: engagement.id }),
    ModifiedAt: engagement.modifiedAt,
    ModifiedBy: engagement.modifiedBy,
    Contexts: engagement.contexts,
  };
}

export const engagementHandlers: HandlerTable = {
  GetEngagement(ctx, input) {
    return ctx.services.store.read((tx) => engagementView(tx, engagementForMember(tx, ctx, input.Identifier)));
  },

  ListEngagements(ctx, input) {
    return ctx.services.store.read((tx) => {
      const mine = tx.collection(engagementMembers).find({ catalog: ctx.catalog, account_id: ctx.accountId });
      const ids = mine.map((m) => m.engagementId);
      const wanted = input.EngagementIdentifier ? new Set(input.EngagementIdentifier.map(idFromArnOrId)) : null;
      const createdBy = input.CreatedBy ? new Set(input.CreatedBy) : null;
      const excludeCreatedBy = new Set(input.ExcludeCreatedBy ?? []);
      const withTypes = input.ContextTypes ? new Set(input.ContextTypes) : null;
      const withoutTypes = new Set(input.ExcludeContextTypes ?? []);
      const candidates = tx
        .collection(engagements)
        .find({ catalog: ctx.catalog, id: ids })
        .filter((e) => {
          const types = contextTypes(e) ?? [];
          return (
            (!wanted || wanted.has(e.id)) &&
            (!createdBy || createdBy.has(e.createdBy)) &&
            !excludeCreatedBy.has(e.createdBy) &&
            (!withTypes || types.some((t) => withTypes.has(t))) &&
            !types.some((t) => withoutTypes.has(t))
          );
        });
      const page = paginate({
        items: candidates,
        maxResults: input.MaxResults ?? 20,
        nextToken: input.NextToken,
        fingerprint: ['ListEngagements', ctx.accountId, ctx.catalog, input.EngagementIdentifier, input.CreatedBy, input.ExcludeCreatedBy, input.ContextTypes, input.ExcludeContextTypes, input.Sort],
        // The only sort name is CreatedDate; default newest first.
        sortKey: (e) => [e.createdAt, e.id],
        descending: (input.Sort?.SortOrder ?? 'DESCENDING') === 'DESCENDING',
      });
      const summaries: EngagementSummary[] = page.items.map((e) => {
        const view = engagementView(tx, e);
        return {
          Arn: view.Arn,
          Id: view.Id,
          Title: view.Title,
          CreatedAt: view.CreatedAt,
          CreatedBy: view.CreatedBy,
          MemberCount: view.MemberCount,
          ModifiedAt: view.ModifiedAt,
          ModifiedBy: view.ModifiedBy,
          ContextTypes: contextTypes(e),
        };
      });
      return { EngagementSummaryList: summaries, NextToken: page.nextToken };
    });
  },

  ListEngagementMembers(ctx, input) {
    return ctx.services.store.read((tx) => {
      const engagement = engagementForMember(tx, ctx, input.Identifier);
      const page = paginate({
        items: membersOf(tx, engagement.catalog, engagement.id),
        maxResults: input.MaxResults ?? 5,
        nextToken: input.NextToken,
        fingerprint: ['ListEngagementMembers', ctx.accountId, ctx.catalog, engagement.id],
        sortKey: (m) => [m.position, m.accountId],
        descending: false,
      });
      const list: EngagementMember[] = page.items.map((m) => ({ CompanyName: m.companyName, WebsiteUrl: m.websiteUrl, AccountId: m.accountId }));
      return { EngagementMemberList: list, NextToken: page.nextToken };
    });
  },

  ListEngagementResourceAssociations(ctx, input) {
    return ctx.services.store.read((tx) => {
      const mine = new Set(
        tx.collection(engagementMembers).find({ catalog: ctx.catalog, account_id: ctx.accountId }).map((m) => m.engagementId),
      );
      const where: Record<string, string> = { catalog: ctx.catalog };
      if (input.EngagementIdentifier) where.engagement_id = idFromArnOrId(input.EngagementIdentifier);
      if (input.ResourceIdentifier) where.resource_id = input.ResourceIdentifier;
      if (input.ResourceType) where.resource_type = input.ResourceType;
      if (input.CreatedBy) where.created_by = input.CreatedBy;
      const links = tx.collection(engagementResources).find(where).filter((l) => mine.has(l.engagementId));
      const page = paginate({
        items: links,
        maxResults: input.MaxResults ?? 100,
        nextToken: input.NextToken,
        fingerprint: ['ListEngagementResourceAssociations', ctx.accountId, ctx.catalog, input.EngagementIdentifier, input.ResourceType, input.ResourceIdentifier, input.CreatedBy],
        sortKey: (l) => [l.createdAt, l.engagementId, l.resourceId],
        descending: false,
      });
      const summaries: EngagementResourceAssociationSummary[] = page.items.map((l) => ({
        Catalog: l.catalog,
        EngagementId: l.engagementId,
        ResourceType: l.resourceType,
        ResourceId: l.resourceId,
        CreatedBy: l.createdBy,
      }));
      return { EngagementResourceAssociationSummaries: summaries, NextToken: page.nextToken };
    });
  },
};
