// Numbered schema migrations of the unit-of-work store on SQLite (`PRAGMA user_version`). Versions 1 and 2 are
// the schema of the synchronous store (so an existing file upgrades in place); version 3 adds the record tables
// declared in kinds.ts, spelled out here so that a later change to a declaration needs its own migration
// (the conformance suite checks that the migrated schema has every declared column and index).
import { migrations as synchronousStoreMigrations } from '../migrations.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const sqliteMigrations: readonly Migration[] = [
  { ...synchronousStoreMigrations[0]!, version: 1 },
  { ...synchronousStoreMigrations[1]!, version: 2 },
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
];

export const latestSqliteVersion = sqliteMigrations[sqliteMigrations.length - 1]!.version;
