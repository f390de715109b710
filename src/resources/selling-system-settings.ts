// Selling-system settings: GetSellingSystemSettings / PutSellingSystemSettings, one record per account and
// catalog (behavior.md §8.2). The one setting, the resource snapshot job role, decides whether running
// snapshot jobs can write revisions (§4.5); `jobRoleOf` is how the snapshot module asks.
import type { HandlerTable } from '../context.js';
import type { GetSellingSystemSettingsResponse } from '../model/generated/types.js';
import { sellingSystemSettingsKind } from '../store/kinds.js';
import type { Catalog, SellingSystemSettingsRecord } from '../store/records.js';
import type { UnitOfWork } from '../store/unit-of-work.js';

/** A bare role name is the caller's role: `arn:aws:iam::{account}:role/{name}` (§8.2 [INF]). */
export function roleArnOf(identifier: string, accountId: string): string {
  return identifier.startsWith('arn:') ? identifier : `arn:aws:iam::${accountId}:role/${identifier}`;
}

/** The role snapshot jobs of `accountId` run with in `catalog`, if one was set. */
export async function jobRoleOf(uow: UnitOfWork, accountId: string, catalog: Catalog): Promise<string | undefined> {
  return (await uow.get(sellingSystemSettingsKind, [accountId, catalog]))?.resourceSnapshotJobRoleArn;
}

function settingsView(catalog: Catalog, record: SellingSystemSettingsRecord | undefined): GetSellingSystemSettingsResponse {
  return { Catalog: catalog, ResourceSnapshotJobRoleArn: record?.resourceSnapshotJobRoleArn };
}

export const sellingSystemSettingsHandlers: HandlerTable = {
  GetSellingSystemSettings(ctx) {
    // Never set: the catalog alone, not ResourceNotFound (the role is optional in the model).
    return ctx.services.store.transaction(
      async (uow) => settingsView(ctx.catalog, await uow.get(sellingSystemSettingsKind, [ctx.accountId, ctx.catalog])),
      { readOnly: true },
    );
  },

  PutSellingSystemSettings(ctx, input) {
    return ctx.services.store.transaction(async (uow) => {
      // Put replaces the settings: leaving the role out clears it (jobs then fail until a role is set again).
      const record: SellingSystemSettingsRecord = {
        accountId: ctx.accountId,
        catalog: ctx.catalog,
        resourceSnapshotJobRoleArn:
          input.ResourceSnapshotJobRoleIdentifier === undefined ? undefined : roleArnOf(input.ResourceSnapshotJobRoleIdentifier, ctx.accountId),
      };
      await uow.put(sellingSystemSettingsKind, record);
      return settingsView(ctx.catalog, record);
    });
  },
};
