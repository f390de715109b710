// Numbered schema migrations, applied in order at start-up inside one transaction each. A database written
// by a newer version (higher user_version) is refused rather than touched.
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema',
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
];

export const latestSchemaVersion = migrations[migrations.length - 1]!.version;
