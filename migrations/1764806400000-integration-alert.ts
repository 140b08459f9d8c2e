import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integration monitoring (src/intelligence): the alerts the integrationAlert subscription streams,
 * and the indexes that keep syncInsights and integrationHealth to index scans.
 *
 * Alerts are rows, not NOTIFY payloads: NOTIFY carries ids only, so a subscriber on any replica
 * loads the committed row, and a dashboard can list recent alerts later. One alert per run and
 * code: a redelivered run end can never alert twice.
 *
 * The health counts each have an index that answers them without reading other organizations'
 * rows or the table's history: partial indexes for the states counted (active configs, failed
 * runs by time, open conflicts) and deliveries by creation time per organization.
 */
export class IntegrationAlert1764806400000 implements MigrationInterface {
  name = 'IntegrationAlert1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE integration_alert (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        severity text NOT NULL,
        code text NOT NULL,
        message text NOT NULL,
        sync_config_id uuid REFERENCES sync_config(id) ON DELETE CASCADE,
        connection_id uuid REFERENCES connection(id) ON DELETE CASCADE,
        webhook_subscription_id uuid REFERENCES webhook_subscription(id) ON DELETE CASCADE,
        sync_run_id uuid REFERENCES sync_run(id) ON DELETE CASCADE,
        metric text,
        observed double precision,
        expected double precision,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX integration_alert_org_recent ON integration_alert (organization_id, at DESC, id DESC);
      CREATE UNIQUE INDEX integration_alert_run_code ON integration_alert (sync_run_id, code) WHERE sync_run_id IS NOT NULL;
      CREATE INDEX integration_alert_config ON integration_alert (sync_config_id);

      -- syncInsights: the config's most recently synced records, newest first, without a sort
      CREATE INDEX external_link_config_recent ON external_link (sync_config_id, updated_at DESC);

      -- integrationHealth
      CREATE INDEX sync_config_org_active ON sync_config (organization_id) WHERE is_active;
      CREATE INDEX sync_run_org_failed ON sync_run (organization_id, completed_at) WHERE status = 'FAILED';
      CREATE INDEX webhook_delivery_org_created ON webhook_delivery (organization_id, created_at);
      CREATE INDEX sync_conflict_org_open ON sync_conflict (organization_id) WHERE status = 'OPEN';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX sync_conflict_org_open, webhook_delivery_org_created, sync_run_org_failed, sync_config_org_active, external_link_config_recent;
      DROP TABLE integration_alert;
    `);
  }
}
