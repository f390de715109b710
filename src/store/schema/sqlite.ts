// Numbered schema migrations of the store on SQLite (`PRAGMA user_version`). Versions 1 and 2 are the schema of
// the synchronous store of earlier releases (kept so that every file upgrades in place); version 3 adds the record
// tables declared in kinds.ts, spelled out here so that a later change to a declaration needs its own migration
// (the conformance suite checks that the migrated schema has every declared column and index); version 4 moves
// the records of the earlier releases' tables into them and drops those tables.
import { allKinds, engagementMemberKind, engagementResourceViewKind, taskKind } from '../kinds.js';
import { KindPlan, type AnyKind, type SqlParam } from '../engines/sql.js';
import type { AcceptInvitationTask, Catalog, EngagementMemberRecord, EngagementRecord, EngagementResourceRecord } from '../records.js';

/** What a migration step written in code may do with the connection (a better-sqlite3 Database fits). */
export interface MigrationConnection {
  prepare(sql: string): { all(...params: SqlParam[]): unknown[]; run(...params: SqlParam[]): unknown };
}

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** A step in code after `sql`, in the same transaction (SQLite only). */
  apply?: (db: MigrationConnection) => void;
}

/** The task document of releases before version 4: one shape, for accept-invitation tasks only. */
interface TaskOfEarlierReleases {
  catalog: Catalog;
  id: string;
  type: string;
  accountId: string;
  status: AcceptInvitationTask['status'];
  startTime: string;
  engagementInvitationId: string;
  opportunityId?: string;
  resourceSnapshotJobId?: string;
  reasonCode?: NonNullable<AcceptInvitationTask['result']>['reasonCode'];
  message?: string;
  tags?: AcceptInvitationTask['payload']['tags'];
  runAfterMs?: number;
  pollsRemaining?: number;
  forcedFailure?: AcceptInvitationTask['payload']['forcedFailure'];
}

/** The generic task record (one table for every task family) of an earlier release's task. */
export function taskFromEarlierRelease(old: TaskOfEarlierReleases): AcceptInvitationTask {
  const result = {
    ...(old.opportunityId !== undefined ? { opportunityId: old.opportunityId } : {}),
    ...(old.resourceSnapshotJobId !== undefined ? { resourceSnapshotJobId: old.resourceSnapshotJobId } : {}),
    ...(old.reasonCode !== undefined ? { reasonCode: old.reasonCode } : {}),
    ...(old.message !== undefined ? { message: old.message } : {}),
  };
  // A task in progress that progressed by time (or ran at once) is due when its run was due: any process claims it.
  const dueAtMs =
    old.status !== 'IN_PROGRESS' || old.pollsRemaining !== undefined ? undefined : (old.runAfterMs ?? Date.parse(old.startTime));
  return {
    catalog: old.catalog,
    id: old.id,
    type: old.type,
    accountId: old.accountId,
    status: old.status,
    startTime: old.startTime,
    ...(dueAtMs !== undefined ? { dueAtMs } : {}),
    ...(old.status === 'IN_PROGRESS' && old.pollsRemaining !== undefined ? { pollsRemaining: old.pollsRemaining } : {}),
    subject: { invitationId: old.engagementInvitationId, ...(old.opportunityId !== undefined ? { opportunityId: old.opportunityId } : {}) },
    payload: {
      engagementInvitationId: old.engagementInvitationId,
      ...(old.tags !== undefined ? { tags: old.tags } : {}),
      ...(old.forcedFailure !== undefined ? { forcedFailure: old.forcedFailure } : {}),
    },
    ...(Object.keys(result).length > 0 ? { result } : {}),
  };
}

/** Earlier releases' table of each kind (same documents, except tasks). */
const EARLIER_TABLES: Readonly<Record<string, string>> = {
  opportunity: 'opportunities',
  engagement: 'engagements',
  engagement_member: 'engagement_members',
  engagement_invitation: 'engagement_invitations',
  task: 'tasks',
  resource_snapshot_job: 'resource_snapshot_jobs',
  resource_snapshot: 'resource_snapshots',
  engagement_resource: 'engagement_resources',
  tag_set: 'tags',
};

/** The task kind as version 4 created its table: without the columns version 5 added. */
function taskKindAtVersion4(kind: AnyKind): AnyKind {
  const added = new Set(['taskName', 'failedCount']);
  const fields = Object.fromEntries(Object.entries(kind.fields).filter(([name]) => !added.has(name)));
  return { ...kind, fields, indexes: kind.indexes.filter((ix) => !ix.some((f) => added.has(f))) };
}

/**
 * Version 4: every document of the earlier tables goes into its record table, its fields computed from the
 * document by the kind's declaration (so the copy indexes exactly as a new write would), then the old tables go.
 * It runs inside the migration's transaction: a failure leaves the file at version 3 with nothing moved. (It uses
 * today's declarations: a later migration that changes a kind's columns must give this copy its own column list.)
 */
function moveEarlierRecords(db: MigrationConnection): void {
  for (const declared of allKinds as readonly unknown[] as readonly AnyKind[]) {
    const table = EARLIER_TABLES[declared.name];
    if (table === undefined) continue; // a kind added after version 4
    const kind =
      declared.name === engagementMemberKind.name ? MEMBER_KIND_AT_VERSION_4 : declared.name === taskKind.name ? taskKindAtVersion4(declared) : declared;
    // Views (version 9) do not exist yet: the moved records have none, and GetOpportunity renders them.
    const plan = new KindPlan('sqlite', { ...kind, view: undefined });
    const insert = db.prepare(plan.upsertSql);
    for (const row of db.prepare(`SELECT doc FROM ${table}`).all() as { doc: string }[]) {
      const doc: unknown = JSON.parse(row.doc);
      insert.run(...plan.values(kind.name === taskKind.name ? taskFromEarlierRelease(doc as TaskOfEarlierReleases) : doc));
    }
    db.prepare(`DROP TABLE ${table}`).run();
  }
}

/** The member kind as version 3 created its table (version 5 added the engagement's list fields). */
const MEMBER_KIND_AT_VERSION_4: AnyKind = (() => {
  const { catalog, engagementId, accountId, position } = engagementMemberKind.fields;
  return { ...engagementMemberKind, fields: { catalog, engagementId, accountId, position }, indexes: [] } as unknown as AnyKind;
})();

/**
 * Version 5: each member record gets its engagement's list fields (ListEngagements reads only memberships), and
 * each member gets its own row per engagement-resource link (ListEngagementResourceAssociations likewise).
 */
function denormaliseEngagementLists(db: MigrationConnection): void {
  const engagements = new Map<string, EngagementRecord>();
  for (const row of db.prepare('SELECT doc FROM rec_engagement').all() as { doc: string }[]) {
    const e = JSON.parse(row.doc) as EngagementRecord;
    engagements.set(`${e.catalog}/${e.id}`, e);
  }
  const members = new KindPlan('sqlite', engagementMemberKind as unknown as AnyKind);
  const putMember = db.prepare(members.upsertSql);
  const byEngagement = new Map<string, string[]>();
  for (const row of db.prepare('SELECT doc FROM rec_engagement_member').all() as { doc: string }[]) {
    const m = JSON.parse(row.doc) as EngagementMemberRecord;
    const key = `${m.catalog}/${m.engagementId}`;
    byEngagement.set(key, [...(byEngagement.get(key) ?? []), m.accountId]);
    const e = engagements.get(key);
    if (!e) continue;
    const types = [...new Set(e.contexts.map((c) => c.Type))].sort().join(',');
    putMember.run(...members.values({ ...m, engagementCreatedAt: e.createdAt, engagementCreatedBy: e.createdBy, contextTypeSet: types }));
  }
  const views = new KindPlan('sqlite', engagementResourceViewKind as unknown as AnyKind);
  const putView = db.prepare(views.upsertSql);
  for (const row of db.prepare('SELECT doc FROM rec_engagement_resource').all() as { doc: string }[]) {
    const link = JSON.parse(row.doc) as EngagementResourceRecord;
    for (const viewer of byEngagement.get(`${link.catalog}/${link.engagementId}`) ?? []) putView.run(...views.values({ ...link, viewerAccountId: viewer }));
  }
}

export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema (the synchronous store of earlier releases)',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE sequences (kind TEXT PRIMARY KEY, value INTEGER NOT NULL);

      CREATE TABLE opportunities (
        catalog TEXT NOT NULL, id TEXT NOT NULL, account_id TEXT NOT NULL, visible INTEGER NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX opportunities_by_account ON opportunities (account_id, catalog);

      CREATE TABLE engagements (
        catalog TEXT NOT NULL, id TEXT NOT NULL, created_by TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (catalog, id));

      CREATE TABLE engagement_members (
        catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, account_id TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (catalog, engagement_id, account_id));
      CREATE INDEX engagement_members_by_account ON engagement_members (account_id, catalog);

      CREATE TABLE engagement_invitations (
        catalog TEXT NOT NULL, id TEXT NOT NULL, engagement_id TEXT NOT NULL,
        sender_account_id TEXT NOT NULL, receiver_account_id TEXT NOT NULL, status TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX engagement_invitations_by_receiver ON engagement_invitations (receiver_account_id, catalog);
      CREATE INDEX engagement_invitations_by_sender ON engagement_invitations (sender_account_id, catalog);
      CREATE INDEX engagement_invitations_by_status ON engagement_invitations (status);

      CREATE TABLE tasks (
        catalog TEXT NOT NULL, id TEXT NOT NULL, task_type TEXT NOT NULL, account_id TEXT NOT NULL,
        status TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX tasks_by_account ON tasks (account_id, catalog);
      CREATE INDEX tasks_by_status ON tasks (status);

      CREATE TABLE resource_snapshot_jobs (
        catalog TEXT NOT NULL, id TEXT NOT NULL, account_id TEXT NOT NULL, engagement_id TEXT NOT NULL,
        resource_id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX resource_snapshot_jobs_by_account ON resource_snapshot_jobs (account_id, catalog);

      CREATE TABLE resource_snapshots (
        catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
        template_name TEXT NOT NULL, revision TEXT NOT NULL, created_by TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (catalog, engagement_id, resource_type, resource_id, template_name, revision));

      CREATE TABLE engagement_resources (
        catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
        created_by TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (catalog, engagement_id, resource_type, resource_id));
      CREATE INDEX engagement_resources_by_resource ON engagement_resources (catalog, resource_id);

      CREATE TABLE tags (
        resource_arn TEXT PRIMARY KEY, catalog TEXT NOT NULL, account_id TEXT NOT NULL, doc TEXT NOT NULL);

      CREATE TABLE idempotency (
        account_id TEXT NOT NULL, catalog TEXT NOT NULL, operation TEXT NOT NULL, client_token TEXT NOT NULL,
        request_hash TEXT NOT NULL, response TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        PRIMARY KEY (account_id, catalog, operation, client_token));

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, account_id TEXT NOT NULL, catalog TEXT,
        detail_type TEXT NOT NULL, available_at_ms INTEGER NOT NULL DEFAULT 0, envelope TEXT NOT NULL);
      CREATE INDEX events_by_account ON events (account_id, seq);
      CREATE INDEX events_by_id ON events (id);
    `,
  },
  {
    version: 2,
    description: 'retention: event time and outbox size, idempotency records by age',
    // The retention sweep deletes in small batches; these indexes make each batch cost O(batch). The event's
    // business time is backfilled from the envelope's `time` (second precision, as the envelope has it). The
    // outbox size is kept by triggers so the count cap never has to count the table.
    sql: `
      ALTER TABLE events ADD COLUMN time_ms INTEGER NOT NULL DEFAULT 0;
      UPDATE events SET time_ms = coalesce(CAST(unixepoch(json_extract(envelope, '$.time')) AS INTEGER) * 1000, 0);
      CREATE INDEX events_by_time ON events (time_ms);
      CREATE INDEX idempotency_by_age ON idempotency (created_at_ms);

      CREATE TABLE outbox_size (n INTEGER NOT NULL);
      INSERT INTO outbox_size (n) SELECT count(*) FROM events;
      CREATE TRIGGER events_counted_in AFTER INSERT ON events BEGIN UPDATE outbox_size SET n = n + 1; END;
      CREATE TRIGGER events_counted_out AFTER DELETE ON events BEGIN UPDATE outbox_size SET n = n - 1; END;
    `,
  },
  {
    version: 3,
    description: 'record tables of the unit-of-work store, leases, change counters, outbox retention',
    sql: `
      CREATE TABLE rec_opportunity (catalog TEXT NOT NULL, id TEXT NOT NULL, account_id TEXT NOT NULL, visible INTEGER NOT NULL, id_order TEXT NOT NULL, last_modified_date INTEGER NOT NULL, created_date INTEGER NOT NULL, stage TEXT, review_status TEXT, customer_company_name TEXT NOT NULL, target_close_date TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_opportunity_ix_587f799249 ON rec_opportunity (account_id, catalog, visible, last_modified_date, id);
      CREATE INDEX rec_opportunity_ix_0c0923eec2 ON rec_opportunity (account_id, catalog, visible, id_order, id);
      CREATE INDEX rec_opportunity_ix_27603a47b6 ON rec_opportunity (account_id, catalog, visible, customer_company_name, id);
      CREATE INDEX rec_opportunity_ix_1bac439887 ON rec_opportunity (account_id, catalog, visible, created_date, id);
      CREATE INDEX rec_opportunity_ix_252a1d6233 ON rec_opportunity (account_id, catalog, visible, target_close_date, id);
      CREATE INDEX rec_opportunity_ix_664ae5eaee ON rec_opportunity (account_id, catalog, visible, stage, last_modified_date, id);
      CREATE INDEX rec_opportunity_ix_b100dd2e57 ON rec_opportunity (account_id, catalog, visible, review_status, last_modified_date, id);
      CREATE INDEX rec_opportunity_ix_7b905c299c ON rec_opportunity (account_id, catalog, visible, customer_company_name, last_modified_date, id);
      CREATE TABLE rec_engagement (catalog TEXT NOT NULL, id TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_engagement_ix_62ba6d3ef0 ON rec_engagement (catalog, created_at, id);
      CREATE INDEX rec_engagement_ix_79c53fed45 ON rec_engagement (catalog, created_by, created_at, id);
      CREATE TABLE rec_engagement_member (catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, account_id TEXT NOT NULL, position INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, engagement_id, account_id));
      CREATE INDEX rec_engagement_member_ix_44ef38f55f ON rec_engagement_member (catalog, engagement_id, position, account_id);
      CREATE INDEX rec_engagement_member_ix_d51c57f90e ON rec_engagement_member (account_id, catalog, engagement_id);
      CREATE TABLE rec_engagement_invitation (catalog TEXT NOT NULL, id TEXT NOT NULL, engagement_id TEXT NOT NULL, sender_account_id TEXT NOT NULL, receiver_account_id TEXT NOT NULL, status TEXT NOT NULL, payload_type TEXT NOT NULL, invitation_date INTEGER NOT NULL, expiration_date INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_engagement_invitation_ix_d5bae5d5bb ON rec_engagement_invitation (receiver_account_id, catalog, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_4d85463127 ON rec_engagement_invitation (sender_account_id, catalog, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_a5bd62cb4a ON rec_engagement_invitation (receiver_account_id, catalog, status, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_206e6207b4 ON rec_engagement_invitation (sender_account_id, catalog, status, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_05fdbe58ac ON rec_engagement_invitation (catalog, engagement_id, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_dd0fc0825e ON rec_engagement_invitation (status, expiration_date, catalog, id);
      CREATE TABLE rec_task (catalog TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, account_id TEXT NOT NULL, status TEXT NOT NULL, start_time INTEGER NOT NULL, due_at INTEGER, lease_expires_at INTEGER, opportunity_id TEXT, engagement_id TEXT, invitation_id TEXT, context_id TEXT, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_task_ix_49ec2ccabc ON rec_task (account_id, catalog, type, start_time, id);
      CREATE INDEX rec_task_ix_10f46e1ecb ON rec_task (account_id, catalog, type, status, start_time, id);
      CREATE INDEX rec_task_ix_02619b7a1b ON rec_task (catalog, opportunity_id, id);
      CREATE INDEX rec_task_ix_c9ae31980c ON rec_task (catalog, engagement_id, id);
      CREATE INDEX rec_task_ix_0432a46bcc ON rec_task (catalog, invitation_id, id);
      CREATE INDEX rec_task_ix_ba662fbea3 ON rec_task (status, due_at, catalog, id);
      CREATE TABLE rec_resource_snapshot_job (catalog TEXT NOT NULL, id TEXT NOT NULL, account_id TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_id TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_resource_snapshot_job_ix_648cc8728a ON rec_resource_snapshot_job (account_id, catalog, created_at, id);
      CREATE INDEX rec_resource_snapshot_job_ix_307fff01a4 ON rec_resource_snapshot_job (account_id, catalog, engagement_id, created_at, id);
      CREATE INDEX rec_resource_snapshot_job_ix_8879dbd09d ON rec_resource_snapshot_job (account_id, catalog, status, created_at, id);
      CREATE INDEX rec_resource_snapshot_job_ix_eb34a44f10 ON rec_resource_snapshot_job (catalog, resource_id, id);
      CREATE TABLE rec_resource_snapshot (catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, template_name TEXT NOT NULL, revision INTEGER NOT NULL, created_by TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, engagement_id, resource_type, resource_id, template_name, revision));
      CREATE INDEX rec_resource_snapshot_ix_6eed050895 ON rec_resource_snapshot (catalog, engagement_id, created_by, resource_type, resource_id, template_name, revision);
      CREATE TABLE rec_engagement_resource (catalog TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, engagement_id, resource_type, resource_id));
      CREATE INDEX rec_engagement_resource_ix_8a8830f64d ON rec_engagement_resource (catalog, resource_id, engagement_id, resource_type);
      CREATE INDEX rec_engagement_resource_ix_6b7115a899 ON rec_engagement_resource (catalog, created_by, created_at, engagement_id, resource_type, resource_id);
      CREATE TABLE rec_tag_set (resource_arn TEXT NOT NULL, catalog TEXT NOT NULL, account_id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (resource_arn));
      CREATE INDEX rec_tag_set_ix_238ef1a250 ON rec_tag_set (account_id, catalog, resource_arn);
      CREATE TABLE leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_at INTEGER NOT NULL);
      -- Bumped by every commit that changes a kind, so other processes can tell which kinds changed.
      CREATE TABLE change_counters (kind TEXT PRIMARY KEY, version INTEGER NOT NULL);
      ALTER TABLE events ADD COLUMN recorded_at_ms INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX events_by_recorded_at ON events (recorded_at_ms);
      CREATE INDEX idempotency_by_created_at ON idempotency (created_at_ms);
    `,
  },
  {
    version: 4,
    description: 'records of the earlier tables moved into the record tables; outbox time from the earlier column',
    sql: `
      UPDATE events SET recorded_at_ms = time_ms WHERE recorded_at_ms = 0;
    `,
    apply: moveEarlierRecords,
  },
  {
    version: 5,
    description: 'engagement lists in one scan: list fields on member records, one resource-link row per member',
    sql: `
      ALTER TABLE rec_engagement_member ADD COLUMN engagement_created_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE rec_engagement_member ADD COLUMN engagement_created_by TEXT NOT NULL DEFAULT '';
      ALTER TABLE rec_engagement_member ADD COLUMN context_type_set TEXT NOT NULL DEFAULT '';
      CREATE INDEX rec_engagement_member_ix_2cbf98af7f ON rec_engagement_member (account_id, catalog, engagement_created_at, engagement_id);
      CREATE INDEX rec_engagement_member_ix_858250cafc ON rec_engagement_member (account_id, catalog, engagement_created_by, engagement_created_at, engagement_id);
      CREATE TABLE rec_engagement_resource_view (catalog TEXT NOT NULL, viewer_account_id TEXT NOT NULL, engagement_id TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (catalog, viewer_account_id, engagement_id, resource_type, resource_id));
      CREATE INDEX rec_engagement_resource_view_ix_b202eab61b ON rec_engagement_resource_view (viewer_account_id, catalog, created_at, engagement_id, resource_type, resource_id);
      CREATE INDEX rec_engagement_resource_view_ix_d040ba4a39 ON rec_engagement_resource_view (viewer_account_id, catalog, resource_id, created_at, engagement_id, resource_type);
      CREATE INDEX rec_engagement_resource_view_ix_b9f523d3a0 ON rec_engagement_resource_view (viewer_account_id, catalog, created_by, created_at, engagement_id, resource_type, resource_id);
    `,
    apply: denormaliseEngagementLists,
  },
  {
    version: 6,
    description: 'solutions catalogue and selling-system settings (issue 7)',
    sql: `
      CREATE TABLE rec_solution (account_id TEXT NOT NULL, catalog TEXT NOT NULL, id TEXT NOT NULL, id_order TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, category TEXT NOT NULL, created_date INTEGER NOT NULL, aws_marketplace_solution_arn TEXT, doc TEXT NOT NULL, PRIMARY KEY (account_id, catalog, id));
      CREATE INDEX rec_solution_ix_c4d3d3c7de ON rec_solution (account_id, catalog, id_order, id);
      CREATE INDEX rec_solution_ix_f13a2ecaf7 ON rec_solution (account_id, catalog, name, id);
      CREATE INDEX rec_solution_ix_ce9ccb1b7a ON rec_solution (account_id, catalog, status, id);
      CREATE INDEX rec_solution_ix_37c75cb577 ON rec_solution (account_id, catalog, category, id);
      CREATE INDEX rec_solution_ix_078c798f4b ON rec_solution (account_id, catalog, created_date, id);
      CREATE TABLE rec_selling_system_settings (account_id TEXT NOT NULL, catalog TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (account_id, catalog));
    `,
  },
  {
    version: 7,
    description: 'prospecting tasks: task name and failed-engagement count, for their list sorts',
    sql: `
      ALTER TABLE rec_task ADD COLUMN task_name TEXT NOT NULL DEFAULT '';
      ALTER TABLE rec_task ADD COLUMN failed_count INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX rec_task_ix_e0c44d426b ON rec_task (account_id, catalog, type, task_name, id);
      CREATE INDEX rec_task_ix_5f0713c9a7 ON rec_task (account_id, catalog, type, failed_count, id);
    `,
  },
  {
    version: 8,
    description: 'opportunity grids: a date range sorted by another field reads day buckets (kinds.ts, Grid)',
    sql: `
      CREATE INDEX rec_opportunity_ix_db39e3b7e5 ON rec_opportunity (account_id, catalog, visible, (created_date / 86400000), last_modified_date, id, created_date, stage, review_status, customer_company_name, target_close_date);
      CREATE INDEX rec_opportunity_ix_5c2d64f887 ON rec_opportunity (account_id, catalog, visible, (created_date / 86400000), id_order, id, created_date, stage, review_status, customer_company_name, last_modified_date, target_close_date);
      CREATE INDEX rec_opportunity_ix_4bd274c070 ON rec_opportunity (account_id, catalog, visible, (created_date / 86400000), customer_company_name, id, created_date, stage, review_status, last_modified_date, target_close_date);
      CREATE INDEX rec_opportunity_ix_d7992e3a18 ON rec_opportunity (account_id, catalog, visible, (created_date / 86400000), target_close_date, id, created_date, stage, review_status, customer_company_name, last_modified_date);
      CREATE INDEX rec_opportunity_ix_d149121f96 ON rec_opportunity (account_id, catalog, visible, (last_modified_date / 86400000), created_date, id, last_modified_date, stage, review_status, customer_company_name, target_close_date);
      CREATE INDEX rec_opportunity_ix_65a2ec1658 ON rec_opportunity (account_id, catalog, visible, (last_modified_date / 86400000), id_order, id, last_modified_date, stage, review_status, customer_company_name, created_date, target_close_date);
      CREATE INDEX rec_opportunity_ix_080436e3bc ON rec_opportunity (account_id, catalog, visible, (last_modified_date / 86400000), customer_company_name, id, last_modified_date, stage, review_status, created_date, target_close_date);
      CREATE INDEX rec_opportunity_ix_ba01010d6b ON rec_opportunity (account_id, catalog, visible, (last_modified_date / 86400000), target_close_date, id, last_modified_date, stage, review_status, customer_company_name, created_date);
    `,
  },
  {
    version: 9,
    description: "opportunity views: GetOpportunity's answer stored beside the record (kinds.ts, `view`)",
    sql: `
      ALTER TABLE rec_opportunity ADD COLUMN view TEXT;
    `,
  },
  {
    version: 10,
    description: 'the outbox drops what version 2 added for a retention that now works on recorded_at_ms (version 3)',
    // Nothing reads events.time_ms or outbox_size any more; their index and triggers cost every event appended.
    sql: `
      DROP INDEX events_by_time;
      DROP TRIGGER events_counted_in;
      DROP TRIGGER events_counted_out;
      DROP TABLE outbox_size;
    `,
  },
];

export const latestSqliteVersion = sqliteMigrations[sqliteMigrations.length - 1]!.version;
