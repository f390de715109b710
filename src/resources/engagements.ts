// Engagements and their members: GetEngagement, ListEngagements, ListEngagementMembers,
// ListEngagementResourceAssociations, plus the helpers other modules use to create engagements, add
// members and link resources. An engagement is shared: its members see it, nobody else does.
import { AWS_ACCOUNT, AWS_MEMBER } from '../accounts.js';
import { arns, idFromArnOrId } from '../arns.js';
import type { HandlerTable, RequestContext, Services } from '../context.js';
import { AccessDeniedException, ResourceNotFoundException } from '../errors.js';
import { QUOTAS, quotaBreach, quotaException } from '../rules/quotas.js';
import type {
  EngagementContextDetails,
  EngagementMember,
  EngagementResourceAssociationSummary,
  EngagementSummary,
  GetEngagementResponse,
  LeadInsights,
} from '../model/generated/types.js';
import { engagementKind, engagementMemberKind, engagementResourceKind, engagementResourceViewKind } from '../store/kinds.js';
import { queryAll } from '../store/query-all.js';
import type { Catalog, EngagementMemberRecord, EngagementRecord, EngagementResourceRecord } from '../store/records.js';
import type { UnitOfWork, Where } from '../store/unit-of-work.js';
import { pageFromStore } from './pagination.js';

const CONTEXT_TYPES = ['CustomerProject', 'Lead', 'ProspectingResult'] as const;

/** The engagement's distinct context types, sorted and joined: the member record's `contextTypeSet`. */
export function contextTypeSetOf(contexts: readonly EngagementContextDetails[]): string {
  return [...new Set(contexts.map((c) => c.Type))].sort().join(',');
}

/** Every possible `contextTypeSet` value (2^3 of them), computed once. */
const ALL_TYPE_SETS: readonly string[] = Array.from({ length: 1 << CONTEXT_TYPES.length }, (_, mask) =>
  CONTEXT_TYPES.filter((_t, i) => mask & (1 << i)).sort().join(','),
);

/**
 * The type sets that pass ListEngagements' ContextTypes (any of) and ExcludeContextTypes (none of): the two
 * filters become one IN-list on one column, answered in the same index scan.
 */
function typeSetsMatching(withAny: readonly string[] | undefined, without: readonly string[] | undefined): string[] | undefined {
  if (!withAny && !without) return undefined;
  return ALL_TYPE_SETS.filter((set) => {
    const types = set === '' ? [] : set.split(',');
    return (!withAny || types.some((t) => withAny.includes(t))) && !types.some((t) => (without ?? []).includes(t));
  });
}

/** The engagement's list fields as every member record carries them. */
function listFields(engagement: EngagementRecord): Pick<EngagementMemberRecord, 'engagementCreatedAt' | 'engagementCreatedBy' | 'contextTypeSet'> {
  return { engagementCreatedAt: engagement.createdAt, engagementCreatedBy: engagement.createdBy, contextTypeSet: contextTypeSetOf(engagement.contexts) };
}

/**
 * Writes an engagement and keeps the copies of its list fields on its member records in step. Every change of
 * an engagement's contexts must go through here (or engagement-contexts.ts, which does).
 */
export async function saveEngagement(uow: UnitOfWork, engagement: EngagementRecord): Promise<void> {
  await uow.put(engagementKind, engagement);
  const fields = listFields(engagement);
  for (const member of await membersOf(uow, engagement.catalog, engagement.id)) {
    if (member.contextTypeSet === fields.contextTypeSet && member.engagementCreatedAt === fields.engagementCreatedAt && member.engagementCreatedBy === fields.engagementCreatedBy) continue;
    await uow.put(engagementMemberKind, { ...member, ...fields });
  }
}

/** An engagement holds at most 10 members (behavior.md §4.2). */
export const MAX_ENGAGEMENT_MEMBERS = QUOTAS.engagementMembers.limit;

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
    ...listFields(record),
  });
  return record;
}

/**
 * Adds `accountId` to the engagement, updates ModifiedAt/ModifiedBy and tells every member (the new one
 * included) with `Engagement Member Added` (behavior.md §5.4). An 11th member → ServiceQuotaExceededException.
 */
export async function addMember(uow: UnitOfWork, services: Services, engagement: EngagementRecord, accountId: string): Promise<EngagementMemberRecord> {
  const now = services.clock.nowIso();
  const existing = await membersOf(uow, engagement.catalog, engagement.id);
  // Callers that answer with a task's ReasonCode check first; this keeps every other path within the limit.
  const breach = quotaBreach('engagementMembers', existing.length);
  if (breach) throw quotaException(breach);
  const profile = accountId === AWS_ACCOUNT ? AWS_MEMBER : services.accounts.profile(accountId);
  const member: EngagementMemberRecord = {
    catalog: engagement.catalog,
    engagementId: engagement.id,
    accountId,
    companyName: profile.companyName,
    websiteUrl: profile.websiteUrl,
    joinedAt: now,
    position: (existing[existing.length - 1]?.position ?? 0) + 1,
    ...listFields(engagement),
  };
  await uow.put(engagementMemberKind, member);
  await uow.put(engagementKind, { ...engagement, modifiedAt: now, modifiedBy: accountId });
  // The new member sees every resource already linked to the engagement.
  for (const link of await queryAll(uow, engagementResourceKind, { where: { catalog: engagement.catalog, engagementId: engagement.id } })) {
    await uow.put(engagementResourceViewKind, { ...link, viewerAccountId: accountId });
  }
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
  const record: EngagementResourceRecord = {
    catalog: link.catalog,
    engagementId: link.engagementId,
    resourceType: 'Opportunity' as const,
    resourceId: link.resourceId,
    createdBy: link.createdBy,
    createdAt: services.clock.nowIso(),
  };
  // A link already recorded keeps its first date (and its place in the lists).
  if (await uow.get(engagementResourceKind, [record.catalog, record.engagementId, record.resourceType, record.resourceId])) return;
  await uow.put(engagementResourceKind, record);
  for (const member of await membersOf(uow, link.catalog, link.engagementId)) {
    await uow.put(engagementResourceViewKind, { ...record, viewerAccountId: member.accountId });
  }
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
    Title: engagement.title === '' ? undefined : engagement.title,
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
      // One scan of the caller's memberships, which carry the engagement's list fields (see saveEngagement).
      const where: Where<typeof engagementMemberKind.fields> = {
        accountId: ctx.accountId,
        catalog: ctx.catalog,
        ...(input.EngagementIdentifier ? { engagementId: input.EngagementIdentifier.map(idFromArnOrId) } : {}),
        ...(input.CreatedBy || input.ExcludeCreatedBy
          ? { engagementCreatedBy: input.CreatedBy ? input.CreatedBy.filter((a) => !(input.ExcludeCreatedBy ?? []).includes(a)) : { notIn: input.ExcludeCreatedBy! } }
          : {}),
      };
      const typeSets = typeSetsMatching(input.ContextTypes, input.ExcludeContextTypes);
      const page = await pageFromStore(
        uow,
        engagementMemberKind,
        {
          where: typeSets ? { ...where, contextTypeSet: typeSets } : where,
          // The only sort name is CreatedDate; default newest first. Ties: engagement id (the key).
          sort: { by: 'engagementCreatedAt', order: (input.Sort?.SortOrder ?? 'DESCENDING') === 'DESCENDING' ? 'desc' : 'asc' },
        },
        {
          maxResults: input.MaxResults ?? 20,
          nextToken: input.NextToken,
          fingerprint: ['ListEngagements', ctx.accountId, ctx.catalog, input.EngagementIdentifier, input.CreatedBy, input.ExcludeCreatedBy, input.ContextTypes, input.ExcludeContextTypes, input.Sort],
        },
      );
      const summaries: EngagementSummary[] = [];
      for (const membership of page.items) {
        const engagement = (await uow.get(engagementKind, [membership.catalog, membership.engagementId]))!;
        const view = await engagementView(uow, engagement);
        summaries.push({
          Arn: view.Arn,
          Id: view.Id,
          Title: view.Title,
          CreatedAt: view.CreatedAt,
          CreatedBy: view.CreatedBy,
          MemberCount: view.MemberCount,
          ModifiedAt: view.ModifiedAt,
          ModifiedBy: view.ModifiedBy,
          ContextTypes: contextTypes(engagement),
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
      // The caller's own copy of each link of its engagements: one scan, oldest link first.
      const where: Where<typeof engagementResourceViewKind.fields> = {
        viewerAccountId: ctx.accountId,
        catalog: ctx.catalog,
        ...(input.EngagementIdentifier ? { engagementId: idFromArnOrId(input.EngagementIdentifier) } : {}),
        ...(input.ResourceIdentifier ? { resourceId: input.ResourceIdentifier } : {}),
        ...(input.ResourceType ? { resourceType: input.ResourceType } : {}),
        ...(input.CreatedBy ? { createdBy: input.CreatedBy } : {}),
      };
      const page = await pageFromStore(
        uow,
        engagementResourceViewKind,
        { where, sort: { by: 'createdAt' } },
        {
          maxResults: input.MaxResults ?? 100,
          nextToken: input.NextToken,
          fingerprint: ['ListEngagementResourceAssociations', ctx.accountId, ctx.catalog, input.EngagementIdentifier, input.ResourceType, input.ResourceIdentifier, input.CreatedBy],
        },
      );
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

// --- i7-invitations: AWS-side lead insights (decision 21). i7-engagements may fold this into its context module.
/**
 * AWS sets `Insights` (the lead readiness score) on every Lead context of the engagement; the engagement's
 * ModifiedAt/ModifiedBy ("aws") move and every member gets `Engagement Updated` (behavior.md §5.3, §5.4).
 * Returns the ids of the contexts changed (none: nothing written, nothing sent).
 */
export async function setLeadInsights(uow: UnitOfWork, services: Services, engagement: EngagementRecord, insights: LeadInsights): Promise<string[]> {
  const changed: string[] = [];
  const contexts = engagement.contexts.map((context) => {
    const lead = context.Type === 'Lead' ? context.Payload?.Lead : undefined;
    if (!lead) return context;
    changed.push(context.Id ?? '');
    return { ...context, Payload: { Lead: { ...lead, Insights: { ...lead.Insights, ...insights } } } };
  });
  if (changed.length === 0) return changed;
  const now = services.clock.nowIso();
  const updated: EngagementRecord = { ...engagement, contexts, modifiedAt: now, modifiedBy: AWS_ACCOUNT };
  await uow.put(engagementKind, updated);
  const arn = arns.engagement(engagement.catalog, engagement.id);
  for (const member of await membersOf(uow, engagement.catalog, engagement.id)) {
    await services.events.emit(uow, member.accountId, 'Engagement Updated', [arn], {
      catalog: engagement.catalog,
      engagement: {
        engagementArn: arn,
        engagementId: engagement.id,
        LastModifiedAt: now,
        LastModifiedBy: AWS_ACCOUNT,
        ContextTypes: contextTypes(updated),
      },
    });
  }
  return changed;
}
// --- end i7-invitations
