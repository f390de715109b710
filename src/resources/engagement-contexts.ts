// Engagements a partner creates and the contexts on them: CreateEngagement, CreateEngagementContext,
// UpdateEngagementContext (behavior.md §4.1, §5.4, §6; quotas in rules/quotas.ts). Also `addContext`, for the
// tasks that put a context on an engagement (lead conversion, prospecting).
import { AWS_ACCOUNT, AWS_MEMBER } from '../accounts.js';
import { arns } from '../arns.js';
import type { HandlerTable, Services } from '../context.js';
import { ConflictException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type {
  CreateEngagementContextResponse,
  CreateEngagementResponse,
  EngagementContextDetails,
  EngagementContextPayload,
  EngagementContextType,
  LeadContext,
  UpdateEngagementContextPayload,
} from '../model/generated/types.js';
import { quotaBreach, quotaException } from '../rules/quotas.js';
import type { EngagementRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import { contextTypeSetOf, createEngagement, engagementForMember, membersOf, saveEngagement } from './engagements.js';
import { idempotent } from './idempotency.js';

/** A lead keeps its most recent interactions, as many as the model's list holds. */
const MAX_LEAD_INTERACTIONS = 10;

const contextTypesOf = (e: EngagementRecord): EngagementContextType[] => contextTypeSetOf(e.contexts).split(',').filter((t) => t !== '') as EngagementContextType[];

/** The union member a payload carries, which must be the context's Type. */
function payloadMember(payload: EngagementContextPayload | UpdateEngagementContextPayload): string | undefined {
  return Object.keys(payload).find((k) => (payload as Record<string, unknown>)[k] !== undefined);
}

/** A field path under `prefix` (dotted lowerCamel, behavior.md §7.1). */
const under = (prefix: string, field: string): string => (prefix === '' ? field : `${prefix}.${field}`);

function checkPayloadMatchesType(type: EngagementContextType, payload: EngagementContextPayload | UpdateEngagementContextPayload | undefined, prefix: string): void {
  const member = payload === undefined ? undefined : payloadMember(payload);
  if (member !== type) {
    throw ValidationException.field(under(prefix, 'payload'), 'INVALID_VALUE', `A context of type ${type} takes a Payload with ${type}; this one has ${member ?? 'none'}.`);
  }
}

/** The next context id of an engagement: "1", "2", … (behavior.md §6). */
function nextContextId(engagement: EngagementRecord): string {
  return String(engagement.contexts.reduce((max, c) => Math.max(max, Number(c.Id ?? 0)), 0) + 1);
}

/** `Engagement Updated` to every member (behavior.md §5.3, §5.4: sender and receivers). */
async function announceUpdate(uow: UnitOfWork, services: Services, engagement: EngagementRecord): Promise<void> {
  const arn = arns.engagement(engagement.catalog, engagement.id);
  const detail = {
    catalog: engagement.catalog,
    engagement: {
      engagementArn: arn,
      engagementId: engagement.id,
      LastModifiedAt: engagement.modifiedAt,
      LastModifiedBy: engagement.modifiedBy,
      ContextTypes: contextTypesOf(engagement),
    },
  };
  for (const member of await membersOf(uow, engagement.catalog, engagement.id)) {
    await services.events.emit(uow, member.accountId, 'Engagement Updated', [arn], detail);
  }
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
      ContextTypes: contextTypesOf(engagement),
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

/** A context as records hold it (`{Type, Payload}`), in the form `addContext` takes. */
export function newContext(details: Pick<EngagementContextDetails, 'Type' | 'Payload'>): { type: EngagementContextType; payload: EngagementContextPayload } {
  return { type: details.Type!, payload: details.Payload! };
}

/**
 * Adds a context to an engagement as `by`: quota (at most 5 contexts) → ServiceQuotaExceededException, the next
 * context id, ModifiedAt/ModifiedBy, member records in step, `Engagement Updated` to every member.
 */
export async function addContext(
  uow: UnitOfWork,
  services: Services,
  engagement: EngagementRecord,
  context: { type: EngagementContextType; payload: EngagementContextPayload },
  by: string,
): Promise<{ engagement: EngagementRecord; contextId: string }> {
  const breach = quotaBreach('engagementContexts', engagement.contexts.length);
  if (breach) throw quotaException(breach);
  const contextId = nextContextId(engagement);
  const updated: EngagementRecord = {
    ...engagement,
    contexts: [...engagement.contexts, { Id: contextId, Type: context.type, Payload: context.payload }],
    modifiedAt: services.clock.nowIso(),
    modifiedBy: by,
  };
  await saveEngagement(uow, updated);
  await announceUpdate(uow, services, updated);
  return { engagement: updated, contextId };
}

/** The stored payload after an update: a lead's new interaction joins its earlier ones; other types are replaced. */
function updatedPayload(current: EngagementContextDetails, update: UpdateEngagementContextPayload): EngagementContextPayload {
  if (update.Lead) {
    const before: Partial<LeadContext> = current.Payload?.Lead ?? {};
    const interactions = [...(before.Interactions ?? []), ...(update.Lead.Interaction ? [update.Lead.Interaction] : [])];
    const lead: LeadContext = {
      Customer: update.Lead.Customer,
      Interactions: interactions.slice(-MAX_LEAD_INTERACTIONS),
      ...(update.Lead.QualificationStatus !== undefined || before.QualificationStatus !== undefined
        ? { QualificationStatus: update.Lead.QualificationStatus ?? before.QualificationStatus }
        : {}),
      ...(update.Lead.Insights !== undefined || before.Insights !== undefined ? { Insights: update.Lead.Insights ?? before.Insights } : {}),
    };
    return { Lead: lead };
  }
  if (update.CustomerProject) return { CustomerProject: update.CustomerProject };
  return { ProspectingResult: update.ProspectingResult! };
}

/** Optimistic concurrency at millisecond precision: the caller's EngagementLastModifiedAt must be the stored one. */
function checkNotStale(engagement: EngagementRecord, lastModifiedAt: string | Date): void {
  const given = new Date(lastModifiedAt).getTime();
  if (given !== Date.parse(engagement.modifiedAt)) {
    throw new ConflictException(
      `Engagement ${engagement.id} was modified at ${engagement.modifiedAt}, after the EngagementLastModifiedAt given; read it again and retry.`,
    );
  }
}

export const engagementContextHandlers: HandlerTable = {
  CreateEngagement(ctx, input) {
    return ctx.services.store.transaction((uow) =>
      idempotent<CreateEngagementResponse>(ctx, uow, { ...input }, async () => {
        const contexts = input.Contexts ?? [];
        contexts.forEach((c) => {
          checkPayloadMatchesType(c.Type, c.Payload, 'contexts');
        });
        const breach = quotaBreach('engagementContexts', 0, contexts.length);
        if (breach) throw quotaException(breach);
        const engagement = await createEngagement(uow, ctx.services, {
          catalog: ctx.catalog,
          title: input.Title ?? '',
          description: input.Description,
          createdBy: ctx.accountId,
          contexts: contexts.map((c, i) => ({ Id: String(i + 1), Type: c.Type, Payload: c.Payload })),
        });
        await announceEngagementCreated(uow, ctx.services, engagement);
        return { Id: engagement.id, Arn: arns.engagement(engagement.catalog, engagement.id), ModifiedAt: engagement.modifiedAt };
      }),
    );
  },

  CreateEngagementContext(ctx, input) {
    return ctx.services.store.transaction((uow) =>
      idempotent<CreateEngagementContextResponse>(ctx, uow, { ...input }, async () => {
        const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
        checkPayloadMatchesType(input.Type, input.Payload, '');
        const added = await addContext(uow, ctx.services, engagement, { type: input.Type, payload: input.Payload }, ctx.accountId);
        return {
          EngagementId: added.engagement.id,
          EngagementArn: arns.engagement(added.engagement.catalog, added.engagement.id),
          EngagementLastModifiedAt: added.engagement.modifiedAt,
          ContextId: added.contextId,
        };
      }),
    );
  },

  UpdateEngagementContext(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const engagement = await engagementForMember(uow, ctx, input.EngagementIdentifier);
      const index = engagement.contexts.findIndex((c) => c.Id === input.ContextIdentifier);
      if (index < 0) throw new ResourceNotFoundException(`Engagement ${engagement.id} has no context ${input.ContextIdentifier}.`);
      const current = engagement.contexts[index]!;
      if (input.Type !== current.Type) {
        throw ValidationException.business('type', 'INVALID_VALUE', `Context ${current.Id} is of type ${current.Type}; its type cannot change to ${input.Type}.`);
      }
      checkPayloadMatchesType(input.Type, input.Payload, '');
      checkNotStale(engagement, input.EngagementLastModifiedAt);
      const contexts = [...engagement.contexts];
      contexts[index] = { Id: current.Id, Type: current.Type, Payload: updatedPayload(current, input.Payload) };
      const updated: EngagementRecord = { ...engagement, contexts, modifiedAt: ctx.services.clock.nowIso(), modifiedBy: ctx.accountId };
      await saveEngagement(uow, updated);
      await announceUpdate(uow, ctx.services, updated);
      return {
        EngagementId: updated.id,
        EngagementArn: arns.engagement(updated.catalog, updated.id),
        EngagementLastModifiedAt: updated.modifiedAt,
        ContextId: current.Id!,
      };
    });
  },
};
