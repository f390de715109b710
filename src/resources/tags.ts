// Tags: TagResource, UntagResource, ListTagsForResource. Only account-scoped resources carry tags — the
// model's TaggableResourceArn requires a 12-digit account, which rules out engagements, invitations and
// tasks — so opportunities and resource snapshot jobs are taggable (behavior.md §8.3).
import type { HandlerTable, RequestContext } from '../context.js';
import { AccessDeniedException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type { Tag } from '../model/generated/types.js';
import { opportunityKind, resourceSnapshotJobKind, tagSetKind } from '../store/kinds.js';
import type { Catalog, TagSetRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/** The most tags one resource can carry (the model's TagList maximum). */
const MAX_TAGS = 200;

const ARN = /^arn:aws:partnercentral:[^:]*:(\d{12}):catalog\/([A-Za-z]+)\/([\w-]+)\/([\w.-]+)$/;

/** The tag set of a resource the caller owns; throws when the ARN names nothing the caller can tag. */
async function taggable(uow: UnitOfWork, ctx: RequestContext, arn: string): Promise<TagSetRecord> {
  const m = ARN.exec(arn);
  const notFound = () => new ResourceNotFoundException(`Resource ${arn} was not found.`);
  if (!m) throw notFound();
  const [, account, catalog, type, id] = m as unknown as [string, string, string, string, string];
  // [INF] Naming another account's resource is refused like IAM would, rather than reported missing.
  if (account !== ctx.accountId) throw new AccessDeniedException(`Account ${ctx.accountId} cannot tag resources of account ${account}.`);
  if (catalog !== 'AWS' && catalog !== 'Sandbox') throw notFound();
  let exists = false;
  if (type === 'opportunity') {
    const o = await uow.get(opportunityKind, [catalog, id]);
    exists = o !== undefined && o.visible && o.accountId === account;
  } else if (type === 'resource-snapshot-job') {
    exists = (await uow.get(resourceSnapshotJobKind, [catalog, id]))?.accountId === account;
  }
  if (!exists) throw notFound();
  return (await uow.get(tagSetKind, [arn])) ?? { catalog: catalog as Catalog, accountId: account, resourceArn: arn, tags: [] };
}

function tooMany(count: number): ValidationException {
  return ValidationException.business('tags', 'TOO_MANY_VALUES', `A resource can have at most ${MAX_TAGS} tags; this request would give it ${count}.`);
}

/** Tag set with `tags` merged in: an existing key takes the new value; order of first appearance is kept. */
function merged(set: TagSetRecord, tags: readonly Tag[]): TagSetRecord {
  const byKey = new Map(set.tags.map((t) => [t.Key, t.Value]));
  for (const t of tags) byKey.set(t.Key, t.Value);
  if (byKey.size > MAX_TAGS) throw tooMany(byKey.size);
  return { ...set, tags: [...byKey].map(([Key, Value]) => ({ Key, Value })) };
}

/**
 * Tags a resource the caller of another module has just created or checked (CreateOpportunity's Tags, the
 * accept task's): this module stays the only writer of tag sets, and its limit holds for every path.
 */
export async function addTags(uow: UnitOfWork, resource: Omit<TagSetRecord, 'tags'>, tags: readonly Tag[]): Promise<void> {
  const current = (await uow.get(tagSetKind, [resource.resourceArn])) ?? { ...resource, tags: [] };
  await uow.put(tagSetKind, merged(current, tags));
}

export const tagHandlers: HandlerTable = {
  ListTagsForResource(ctx, input) {
    return ctx.services.store.transaction(async (uow) => ({ Tags: (await taggable(uow, ctx, input.ResourceArn)).tags }), { readOnly: true });
  },

  TagResource(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const set = await taggable(uow, ctx, input.ResourceArn);
      await uow.put(tagSetKind, merged(set, input.Tags));
      return {};
    });
  },

  UntagResource(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      const set = await taggable(uow, ctx, input.ResourceArn);
      const removed = new Set(input.TagKeys);
      // Keys the resource does not have are ignored.
      await uow.put(tagSetKind, { ...set, tags: set.tags.filter((t) => !removed.has(t.Key)) });
      return {};
    });
  },
};
