// Numbered schema migrations of the unit-of-work store on PostgreSQL, recorded in `schema_migrations` and
// applied under an advisory lock so that processes starting together never race. Record tables are spelled
// out as kinds.ts declares them today (text columns use the "C" collation: byte order, as SQLite compares).
import type { Migration } from './sqlite.js';

export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema',
    sql: `
      CREATE TABLE meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
      CREATE TABLE sequences (kind text COLLATE "C" PRIMARY KEY, value bigint NOT NULL);
      CREATE TABLE idempotency (
        account_id text COLLATE "C" NOT NULL, catalog text COLLATE "C" NOT NULL, operation text COLLATE "C" NOT NULL,
        client_token text COLLATE "C" NOT NULL, request_hash text NOT NULL, response text NOT NULL,
        created_at_ms bigint NOT NULL, PRIMARY KEY (account_id, catalog, operation, client_token));
      CREATE INDEX idempotency_by_created_at ON idempotency (created_at_ms);
      CREATE TABLE events (
        seq bigserial PRIMARY KEY, id text COLLATE "C" NOT NULL, account_id text COLLATE "C" NOT NULL,
        catalog text COLLATE "C", detail_type text COLLATE "C" NOT NULL, available_at_ms bigint NOT NULL DEFAULT 0,
        recorded_at_ms bigint NOT NULL DEFAULT 0, envelope text NOT NULL);
      CREATE INDEX events_by_account ON events (account_id, seq);
      CREATE INDEX events_by_id ON events (id);
      CREATE INDEX events_by_recorded_at ON events (recorded_at_ms);
      CREATE TABLE leases (name text COLLATE "C" PRIMARY KEY, owner text COLLATE "C" NOT NULL, expires_at bigint NOT NULL);
      CREATE TABLE rec_opportunity (catalog text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, account_id text COLLATE "C" NOT NULL, visible boolean NOT NULL, id_order text COLLATE "C" NOT NULL, last_modified_date bigint NOT NULL, created_date bigint NOT NULL, stage text COLLATE "C", review_status text COLLATE "C", customer_company_name text COLLATE "C" NOT NULL, target_close_date text COLLATE "C" NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_opportunity_ix_587f799249 ON rec_opportunity (account_id, catalog, visible, last_modified_date, id);
      CREATE INDEX rec_opportunity_ix_0c0923eec2 ON rec_opportunity (account_id, catalog, visible, id_order, id);
      CREATE INDEX rec_opportunity_ix_27603a47b6 ON rec_opportunity (account_id, catalog, visible, customer_company_name, id);
      CREATE INDEX rec_opportunity_ix_1bac439887 ON rec_opportunity (account_id, catalog, visible, created_date, id);
      CREATE INDEX rec_opportunity_ix_252a1d6233 ON rec_opportunity (account_id, catalog, visible, target_close_date, id);
      CREATE INDEX rec_opportunity_ix_664ae5eaee ON rec_opportunity (account_id, catalog, visible, stage, last_modified_date, id);
      CREATE INDEX rec_opportunity_ix_b100dd2e57 ON rec_opportunity (account_id, catalog, visible, review_status, last_modified_date, id);
      CREATE INDEX rec_opportunity_ix_7b905c299c ON rec_opportunity (account_id, catalog, visible, customer_company_name, last_modified_date, id);
      CREATE TABLE rec_engagement (catalog text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, created_by text COLLATE "C" NOT NULL, created_at bigint NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_engagement_ix_62ba6d3ef0 ON rec_engagement (catalog, created_at, id);
      CREATE INDEX rec_engagement_ix_79c53fed45 ON rec_engagement (catalog, created_by, created_at, id);
      CREATE TABLE rec_engagement_member (catalog text COLLATE "C" NOT NULL, engagement_id text COLLATE "C" NOT NULL, account_id text COLLATE "C" NOT NULL, position bigint NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, engagement_id, account_id));
      CREATE INDEX rec_engagement_member_ix_44ef38f55f ON rec_engagement_member (catalog, engagement_id, position, account_id);
      CREATE INDEX rec_engagement_member_ix_d51c57f90e ON rec_engagement_member (account_id, catalog, engagement_id);
      CREATE TABLE rec_engagement_invitation (catalog text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, engagement_id text COLLATE "C" NOT NULL, sender_account_id text COLLATE "C" NOT NULL, receiver_account_id text COLLATE "C" NOT NULL, status text COLLATE "C" NOT NULL, payload_type text COLLATE "C" NOT NULL, invitation_date bigint NOT NULL, expiration_date bigint NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_engagement_invitation_ix_d5bae5d5bb ON rec_engagement_invitation (receiver_account_id, catalog, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_4d85463127 ON rec_engagement_invitation (sender_account_id, catalog, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_a5bd62cb4a ON rec_engagement_invitation (receiver_account_id, catalog, status, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_206e6207b4 ON rec_engagement_invitation (sender_account_id, catalog, status, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_05fdbe58ac ON rec_engagement_invitation (catalog, engagement_id, invitation_date, id);
      CREATE INDEX rec_engagement_invitation_ix_dd0fc0825e ON rec_engagement_invitation (status, expiration_date, catalog, id);
      CREATE TABLE rec_task (catalog text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, type text COLLATE "C" NOT NULL, account_id text COLLATE "C" NOT NULL, status text COLLATE "C" NOT NULL, start_time bigint NOT NULL, due_at bigint, lease_expires_at bigint, opportunity_id text COLLATE "C", engagement_id text COLLATE "C", invitation_id text COLLATE "C", context_id text COLLATE "C", doc text NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_task_ix_49ec2ccabc ON rec_task (account_id, catalog, type, start_time, id);
      CREATE INDEX rec_task_ix_10f46e1ecb ON rec_task (account_id, catalog, type, status, start_time, id);
      CREATE INDEX rec_task_ix_02619b7a1b ON rec_task (catalog, opportunity_id, id);
      CREATE INDEX rec_task_ix_c9ae31980c ON rec_task (catalog, engagement_id, id);
      CREATE INDEX rec_task_ix_0432a46bcc ON rec_task (catalog, invitation_id, id);
      CREATE INDEX rec_task_ix_ba662fbea3 ON rec_task (status, due_at, catalog, id);
      CREATE TABLE rec_resource_snapshot_job (catalog text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, account_id text COLLATE "C" NOT NULL, engagement_id text COLLATE "C" NOT NULL, resource_id text COLLATE "C" NOT NULL, status text COLLATE "C" NOT NULL, created_at bigint NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, id));
      CREATE INDEX rec_resource_snapshot_job_ix_648cc8728a ON rec_resource_snapshot_job (account_id, catalog, created_at, id);
      CREATE INDEX rec_resource_snapshot_job_ix_307fff01a4 ON rec_resource_snapshot_job (account_id, catalog, engagement_id, created_at, id);
      CREATE INDEX rec_resource_snapshot_job_ix_8879dbd09d ON rec_resource_snapshot_job (account_id, catalog, status, created_at, id);
      CREATE INDEX rec_resource_snapshot_job_ix_eb34a44f10 ON rec_resource_snapshot_job (catalog, resource_id, id);
      CREATE TABLE rec_resource_snapshot (catalog text COLLATE "C" NOT NULL, engagement_id text COLLATE "C" NOT NULL, resource_type text COLLATE "C" NOT NULL, resource_id text COLLATE "C" NOT NULL, template_name text COLLATE "C" NOT NULL, revision bigint NOT NULL, created_by text COLLATE "C" NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, engagement_id, resource_type, resource_id, template_name, revision));
      CREATE INDEX rec_resource_snapshot_ix_6eed050895 ON rec_resource_snapshot (catalog, engagement_id, created_by, resource_type, resource_id, template_name, revision);
      CREATE TABLE rec_engagement_resource (catalog text COLLATE "C" NOT NULL, engagement_id text COLLATE "C" NOT NULL, resource_type text COLLATE "C" NOT NULL, resource_id text COLLATE "C" NOT NULL, created_by text COLLATE "C" NOT NULL, created_at bigint NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, engagement_id, resource_type, resource_id));
      CREATE INDEX rec_engagement_resource_ix_8a8830f64d ON rec_engagement_resource (catalog, resource_id, engagement_id, resource_type);
      CREATE INDEX rec_engagement_resource_ix_6b7115a899 ON rec_engagement_resource (catalog, created_by, created_at, engagement_id, resource_type, resource_id);
      CREATE TABLE rec_tag_set (resource_arn text COLLATE "C" NOT NULL, catalog text COLLATE "C" NOT NULL, account_id text COLLATE "C" NOT NULL, doc text NOT NULL, PRIMARY KEY (resource_arn));
      CREATE INDEX rec_tag_set_ix_238ef1a250 ON rec_tag_set (account_id, catalog, resource_arn);
    `,
  },
  {
    version: 2,
    description: 'engagement lists in one scan: list fields on member records, one resource-link row per member',
    sql: `
      ALTER TABLE rec_engagement_member
        ADD COLUMN engagement_created_at bigint NOT NULL DEFAULT 0,
        ADD COLUMN engagement_created_by text COLLATE "C" NOT NULL DEFAULT '',
        ADD COLUMN context_type_set text COLLATE "C" NOT NULL DEFAULT '';
      UPDATE rec_engagement_member m SET
          engagement_created_at = e.created_at,
          engagement_created_by = e.created_by,
          context_type_set = coalesce((SELECT string_agg(DISTINCT c->>'Type', ',' ORDER BY c->>'Type')
                                       FROM jsonb_array_elements(e.doc::jsonb->'contexts') c), '')
        FROM rec_engagement e WHERE e.catalog = m.catalog AND e.id = m.engagement_id;
      UPDATE rec_engagement_member m SET doc = (m.doc::jsonb || jsonb_build_object(
          'engagementCreatedAt', e.doc::jsonb->>'createdAt', 'engagementCreatedBy', m.engagement_created_by,
          'contextTypeSet', m.context_type_set))::text
        FROM rec_engagement e WHERE e.catalog = m.catalog AND e.id = m.engagement_id;
      CREATE INDEX rec_engagement_member_ix_2cbf98af7f ON rec_engagement_member (account_id, catalog, engagement_created_at, engagement_id);
      CREATE INDEX rec_engagement_member_ix_858250cafc ON rec_engagement_member (account_id, catalog, engagement_created_by, engagement_created_at, engagement_id);
      CREATE TABLE rec_engagement_resource_view (catalog text COLLATE "C" NOT NULL, viewer_account_id text COLLATE "C" NOT NULL, engagement_id text COLLATE "C" NOT NULL, resource_type text COLLATE "C" NOT NULL, resource_id text COLLATE "C" NOT NULL, created_by text COLLATE "C" NOT NULL, created_at bigint NOT NULL, doc text NOT NULL, PRIMARY KEY (catalog, viewer_account_id, engagement_id, resource_type, resource_id));
      CREATE INDEX rec_engagement_resource_view_ix_b202eab61b ON rec_engagement_resource_view (viewer_account_id, catalog, created_at, engagement_id, resource_type, resource_id);
      CREATE INDEX rec_engagement_resource_view_ix_d040ba4a39 ON rec_engagement_resource_view (viewer_account_id, catalog, resource_id, created_at, engagement_id, resource_type);
      CREATE INDEX rec_engagement_resource_view_ix_b9f523d3a0 ON rec_engagement_resource_view (viewer_account_id, catalog, created_by, created_at, engagement_id, resource_type, resource_id);
      INSERT INTO rec_engagement_resource_view
        SELECT r.catalog, m.account_id, r.engagement_id, r.resource_type, r.resource_id, r.created_by, r.created_at,
               (r.doc::jsonb || jsonb_build_object('viewerAccountId', m.account_id))::text
        FROM rec_engagement_resource r JOIN rec_engagement_member m ON m.catalog = r.catalog AND m.engagement_id = r.engagement_id;
    `,
  },
  {
    version: 3,
    description: 'solutions catalogue and selling-system settings (issue 7)',
    sql: `
      CREATE TABLE rec_solution (account_id text COLLATE "C" NOT NULL, catalog text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, id_order text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, status text COLLATE "C" NOT NULL, category text COLLATE "C" NOT NULL, created_date bigint NOT NULL, aws_marketplace_solution_arn text COLLATE "C", doc text NOT NULL, PRIMARY KEY (account_id, catalog, id));
      CREATE INDEX rec_solution_ix_c4d3d3c7de ON rec_solution (account_id, catalog, id_order, id);
      CREATE INDEX rec_solution_ix_f13a2ecaf7 ON rec_solution (account_id, catalog, name, id);
      CREATE INDEX rec_solution_ix_ce9ccb1b7a ON rec_solution (account_id, catalog, status, id);
      CREATE INDEX rec_solution_ix_37c75cb577 ON rec_solution (account_id, catalog, category, id);
      CREATE INDEX rec_solution_ix_078c798f4b ON rec_solution (account_id, catalog, created_date, id);
      CREATE TABLE rec_selling_system_settings (account_id text COLLATE "C" NOT NULL, catalog text COLLATE "C" NOT NULL, doc text NOT NULL, PRIMARY KEY (account_id, catalog));
    `,
  },
  {
    version: 4,
    description: 'prospecting tasks: task name and failed-engagement count, for their list sorts',
    sql: `
      ALTER TABLE rec_task ADD COLUMN task_name text COLLATE "C" NOT NULL DEFAULT '';
      ALTER TABLE rec_task ADD COLUMN failed_count bigint NOT NULL DEFAULT 0;
      CREATE INDEX rec_task_ix_e0c44d426b ON rec_task (account_id, catalog, type, task_name, id);
      CREATE INDEX rec_task_ix_5f0713c9a7 ON rec_task (account_id, catalog, type, failed_count, id);
    `,
  },
  {
    version: 5,
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
    version: 6,
    description: "opportunity views: GetOpportunity's answer stored beside the record (kinds.ts, `view`)",
    sql: `
      ALTER TABLE rec_opportunity ADD COLUMN view text;
    `,
  },
];

export const latestPostgresVersion = postgresMigrations[postgresMigrations.length - 1]!.version;
