// Tags: TagResource, UntagResource, ListTagsForResource. Only account-scoped resources carry tags — the
// model's TaggableResourceArn requires a 12-digit account, which rules out engagements, invitations and
// tasks — so opportunities and resource snapshot jobs are taggable (behavior.md §8.3).
import type { HandlerTable, RequestContext } from '../context.js';
import { AccessDeniedException, ResourceNotFoundException, ValidationException } from '../errors.js';
import type { Tag } from '../model/generated/types.js';
import { opportunities, resourceSnapshotJobs, tagSets, type Catalog, type TagSetRecord } from '../store/records.js';
import type { Transaction } from '../store/store.js';

/** The most tags one resource can carry (the model's TagList maximum). */
const MAX_TAGS = 200;

const ARN = /^arn:aws:partnercentral:[^:]*:(\d{12}):catalog\/([A-Za-z]+)\/([\w-]+)\/([\w.-]+)$/;

/** The tag set of a resource the caller owns; throws when the ARN names nothing the caller can tag. */
function taggable(tx: Transaction, ctx: RequestContext, arn: string): TagSetRecord {
  const m = ARN.exec(arn);
  const notFound = () => new ResourceNotFoundException(`Resource ${arn} was not found.`);
  if (!m) throw notFound();
  const [, account, catalog, type, id] = m as unknown as [string, string, string, string, string];
  // [INF] Naming another account's resource is refused like IAM would, rather than reported missing.
  if (account !== ctx.accountId) throw new AccessDeniedException(`Account ${ctx.accountId} cannot tag resources of account ${account}.`);
  if (catalog !== 'AWS' && catalog !== 'Sandbox') throw notFound();
  const exists =
    type === 'opportunity'
      ? (() => {
          const o = tx.collection(opportunities).get([catalog, id]);
          return o !== undefined && o.visible && o.accountId === account;
        })()
      : type === 'resource-snapshot-job'
        ? tx.collection(resourceSnapshotJobs).get([catalog, id])?.accountId === account
        : false;
  if (!exists) throw notFound();
  return tx.collection(tagSets).get([arn]) ?? { catalog: catalog as Catalog, accountId: account, resourceArn: arn, tags: [] };
}

export const tagHandlers: HandlerTable = {
  ListTagsForResource(ctx, input) {
    return ctx.services.store.read((tx) => ({ Tags: taggable(tx, ctx, input.ResourceArn).tags }));
  },

  TagResource(ctx, input) {
    return ctx.services.store.transaction((tx) => {
      const set = taggable(tx, ctx, input.ResourceArn);
      // An existing key takes the new value; order of first appearance is kept.
      const merged = new Map(set.tags.map((t) => [t.Key, t.Value]));
      for (const t of input.Tags) merged.set(t.Key, t.Value);
      if (merged.size > MAX_TAGS) {
        throw ValidationException.business('tags', 'TOO_MANY_VALUES', `A resource can have at most ${MAX_TAGS} tags; this request would give it ${merged.size}.`);
      }
      const tags: Tag[] = [...merged].map(([Key, Value]) => ({ Key, Value }));
      tx.collection(tagSets).put({ ...set, tags });
      return {};
    });
  },

  UntagResource(ctx, input) {
    return ctx.services.store.transaction((tx) => {
      const set = taggable(tx, ctx, input.ResourceArn);
      const removed = new Set(input.TagKeys);
      // Keys the resource does not have are ignored.
      tx.collection(tagSets).put({ ...set, tags: set.tags.filter((t) => !removed.has(t.Key)) });
      return {};
    });
  },
};
