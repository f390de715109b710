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
import { engagementKind, engagementMemberKind, engagementResourceKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, EngagementMemberRecord, EngagementRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { idempotent } from './idempotency.js'; // (i7-tasks block below)
import { pageFromStore, paginate } from './pagination.js';

/** An engagement holds at most 10 members (behavior.md §4.2). */
export const MAX_ENGAGEMENT_MEMBERS = 10;

/** The members of an engagement in join order (at most MAX_ENGAGEMENT_MEMBERS). */
export function membersOf(uow: UnitOfWork, catalog: Catalog, engagementId: string): Promise<EngagementMemberRecord[]> {
  return queryAll(uow, engagementMemberKind, { where: { catalog, engagementId }, sort: { by: 'position' } });
}

export async function isMember(uow: UnitOfWork, catalog: Catalog, engagementId: string, accountId: string): Promise<boolean> {
  return (await uow.get(engagementMemberKind, [catalog, engagementId, accountId])) !== undefined;
}

export async function createEngagement(
  uow: UnitOfWork,
  services: Services,
  init: { catalog: Catalog; title: string; description?: string; createdBy: string; contexts?: EngagementContextDetails[] },
): Promise<EngagementRecord> {
  const now = services.clock.nowIso();
  const record: EngagementRecord = {
    catalog: init.catalog,
    id: await services.ids.engagementId(uow),
    title: init.title,
    description: init.description,
    createdAt: now,
    createdBy: init.createdBy,
    modifiedAt: now,
    modifiedBy: init.createdBy,
    contexts: init.contexts ?? [],
  };
  await uow.put(engagementKind, record);
  const creator = init.createdBy === AWS_ACCOUNT ? AWS_MEMBER : services.accounts.profile(init.createdBy);
  await uow.put(engagementMemberKind, {
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
export async function addMember(uow: UnitOfWork, services: Services, engagement: EngagementRecord, accountId: string): Promise<EngagementMemberRecord> {
  const now = services.clock.nowIso();
  const existing = await membersOf(uow, engagement.catalog, engagement.id);
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
  await uow.put(engagementMemberKind, member);
  await uow.put(engagementKind, { ...engagement, modifiedAt: now, modifiedBy: accountId });
  const arn = arns.engagement(engagement.catalog, engagement.id);
  for (const recipient of [...existing, member]) {
    await services.events.emit(uow, recipient.accountId, 'Engagement Member Added', [arn], {
      catalog: engagement.catalog,
      engagement: { id: engagement.id },
      engagementMember: { accountId: member.accountId, companyName: member.companyName },
    });
  }
  return member;
}

/** Records that a member's resource takes part in the engagement (read by ListEngagementResourceAssociations). */
export async function associateResource(
  uow: UnitOfWork,
  services: Services,
  link: { catalog: Catalog; engagementId: string; resourceId: string; createdBy: string },
): Promise<void> {
  await uow.put(engagementResourceKind, {
    catalog: link.catalog,
    engagementId: link.engagementId,
    resourceType: 'Opportunity' as const,
    resourceId: link.resourceId,
    createdBy: link.createdBy,
    createdAt: services.clock.nowIso(),
  });
}

/** The engagement named by id or ARN, if the caller is one of its members. */
export async function engagementForMember(uow: UnitOfWork, ctx: RequestContext, identifier: string): Promise<EngagementRecord> {
  const id = idFromArnOrId(identifier);
  const engagement = await uow.get(engagementKind, [ctx.catalog, id]);
  if (!engagement) throw new ResourceNotFoundException(`Engagement ${id} was not found in catalog ${ctx.catalog}.`);
  if (!(await isMember(uow, ctx.catalog, id, ctx.accountId))) {
    throw new AccessDeniedException(`Account ${ctx.accountId} is not a member of engagement ${id}; only members can read it.`);
  }
  return engagement;
}

function contextTypes(engagement: EngagementRecord): EngagementSummary['ContextTypes'] {
  return [...new Set(engagement.contexts.map((c) => c.Type))];
}

async function engagementView(uow: UnitOfWork, engagement: EngagementRecord): Promise<GetEngagementResponse> {
  return {
    Id: engagement.id,
    Arn: arns.engagement(engagement.catalog, engagement.id),
    Title: engagement.title,
    Description: engagement.description,
    CreatedAt: engagement.createdAt,
    CreatedBy: engagement.createdBy,
    MemberCount: await uow.count(engagementMemberKind, { catalog: engagement.catalog, engagementId: engagement.id }),
    ModifiedAt: engagement.modifiedAt,
    ModifiedBy: engagement.modifiedBy,
    Contexts: engagement.contexts,
  };
}

export const engagementHandlers: HandlerTable = {
  GetEngagement(ctx, input) {
    return ctx.services.store.transaction(async (uow) => engagementView(uow, await engagementForMember(uow, ctx, input.Identifier)), { readOnly: true });
  },

  ListEngagements(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      // The caller's engagements are its memberships; their filters (context types) are not fields, so the
      // page is cut in memory from the caller's engagements (bounded by what one partner takes part in).
      const mine = await queryAll(uow, engagementMemberKind, { where: { accountId: ctx.accountId, catalog: ctx.catalog } });
      const ids = mine.map((m) => m.engagementId);
      const wanted = input.EngagementIdentifier ? new Set(input.EngagementIdentifier.map(idFromArnOrId)) : null;
      const createdBy = input.CreatedBy ? new Set(input.CreatedBy) : null;
      const excludeCreatedBy = new Set(input.ExcludeCreatedBy ?? []);
      const withTypes = input.ContextTypes ? new Set(input.ContextTypes) : null;
      const withoutTypes = new Set(input.ExcludeContextTypes ?? []);
      const candidates = (ids.length === 0 ? [] : await queryAll(uow, engagementKind, { where: { catalog: ctx.catalog, id: ids } })).filter((e) => {
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
      const summaries: EngagementSummary[] = [];
      for (const e of page.items) {
        const view = await engagementView(uow, e);
        summaries.push({
          Arn: view.Arn,
          Id: view.Id,
          Title: view.Title,
          CreatedAt: view.CreatedAt,
          CreatedBy: view.CreatedBy,
          MemberCount: view.MemberCount,
          ModifiedAt: view.ModifiedAt,
          ModifiedBy: view.ModifiedBy,
          ContextTypes: contextTypes(e),
        });
      }
      return { EngagementSummaryList: summaries, NextToken: page.nextToken };
    }, { readOnly: true });
  },

  ListEngagementMembers(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const engagement = await engagementForMember(uow, ctx, input.Identifier);
      const page = await pageFromStore(
        uow,
        engagementMemberKind,
        { where: { catalog: engagement.catalog, engagementId: engagement.id }, sort: { by: 'position' } },
        { maxResults: input.MaxResults ?? 5, nextToken: input.NextToken, fingerprint: ['ListEngagementMembers', ctx.accountId, ctx.catalog, engagement.id] },
      );
      const list: EngagementMember[] = page.items.map((m) => ({ CompanyName: m.companyName, WebsiteUrl: m.websiteUrl, AccountId: m.accountId }));
      return { EngagementMemberList: list, NextToken: page.nextToken };
    }, { readOnly: true });
  },

  ListEngagementResourceAssociations(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      // Only links of engagements the caller belongs to: membership is another kind, so the page is cut in memory.
      const mine = new Set((await queryAll(uow, engagementMemberKind, { where: { accountId: ctx.accountId, catalog: ctx.catalog } })).map((m) => m.engagementId));
      const where: Record<string, string | string[]> = { catalog: ctx.catalog };
      if (input.EngagementIdentifier) where.engagementId = idFromArnOrId(input.EngagementIdentifier);
      else where.engagementId = [...mine];
      if (input.ResourceIdentifier) where.resourceId = input.ResourceIdentifier;
      if (input.ResourceType) where.resourceType = input.ResourceType;
      if (input.CreatedBy) where.createdBy = input.CreatedBy;
      const links = (await queryAll(uow, engagementResourceKind, { where })).filter((l) => mine.has(l.engagementId));
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
    }, { readOnly: true });
  },
};

// --- used by StartEngagementFromOpportunityTask (i7-tasks) ---
// Minimal stand-ins for what i7-engagements owns (CreateEngagement, CreateEngagementContext): the lead keeps
// one version at merge. `engagementTaskSupportHandlers` is spread before `engagementHandlers`, so a real
// CreateEngagement there takes precedence.

/** The next context id of an engagement: "1", "2", … (behavior.md §4.1). */
export function nextContextId(engagement: EngagementRecord): string {
  return String(engagement.contexts.reduce((max, c) => Math.max(max, Number(c.Id ?? 0)), 0) + 1);
}

/**
 * `Engagement Created` to its creator (behavior.md §5.3, §5.4); with `memberAdded`, also the creator's own
 * `Engagement Member Added` (StartEngagementFromOpportunityTask's events, §3.6).
 */
export async function announceEngagementCreated(uow: UnitOfWork, services: Services, engagement: EngagementRecord, options: { memberAdded?: boolean } = {}): Promise<void> {
  const arn = arns.engagement(engagement.catalog, engagement.id);
  await services.events.emit(uow, engagement.createdBy, 'Engagement Created', [arn], {
    catalog: engagement.catalog,
    engagement: {
      engagementArn: arns.engagement(engagement.catalog, engagement.id),
      engagementId: engagement.id,
      CreatedAt: engagement.createdAt,
      CreatedBy: engagement.createdBy,
      ContextTypes: contextTypes(engagement),
    },
  });
  if (!options.memberAdded) return;
  const creator = engagement.createdBy === AWS_ACCOUNT ? AWS_MEMBER : services.accounts.profile(engagement.createdBy);
  await services.events.emit(uow, engagement.createdBy, 'Engagement Member Added', [arn], {
    catalog: engagement.catalog,
    engagement: { id: engagement.id },
    engagementMember: { accountId: engagement.createdBy, companyName: creator.companyName },
  });
}

/** Adds a context (its id assigned here), touches ModifiedAt/By and tells every member with `Engagement Updated`. */
export async function addEngagementContext(
  uow: UnitOfWork,
  services: Services,
  engagement: EngagementRecord,
  context: Omit<EngagementContextDetails, 'Id'>,
  modifiedBy: string,
): Promise<{ engagement: EngagementRecord; contextId: string }> {
  const contextId = nextContextId(engagement);
  const now = services.clock.nowIso();
  const updated: EngagementRecord = { ...engagement, contexts: [...engagement.contexts, { ...context, Id: contextId }], modifiedAt: now, modifiedBy };
  await uow.put(engagementKind, updated);
  const arn = arns.engagement(updated.catalog, updated.id);
  for (const member of await membersOf(uow, updated.catalog, updated.id)) {
    await services.events.emit(uow, member.accountId, 'Engagement Updated', [arn], {
      catalog: updated.catalog,
      engagement: { engagementArn: arn, engagementId: updated.id, LastModifiedAt: now, LastModifiedBy: modifiedBy, ContextTypes: contextTypes(updated) },
    });
  }
  return { engagement: updated, contextId };
}

export const engagementTaskSupportHandlers: HandlerTable = {
  /** Minimal CreateEngagement (title, description, contexts), so lead engagements exist for the task tests. */
  async CreateEngagement(ctx, input) {
    return ctx.services.store.transaction((uow) =>
      idempotent(ctx, uow, input as typeof input & Record<string, unknown>, async () => {
        const contexts = (input.Contexts ?? []).map((c, i) => ({ ...c, Id: String(i + 1) }));
        const engagement = await createEngagement(uow, ctx.services, {
          catalog: ctx.catalog,
          title: input.Title ?? '',
          description: input.Description,
          createdBy: ctx.accountId,
          contexts,
        });
        await announceEngagementCreated(uow, ctx.services, engagement);
        return { Id: engagement.id, Arn: arns.engagement(engagement.catalog, engagement.id), ModifiedAt: engagement.modifiedAt };
      }),
    );
  },
};
// --- end of block used by StartEngagementFromOpportunityTask (i7-tasks) ---
