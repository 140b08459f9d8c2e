import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook outbox: provider events carry the connection they arrived on (realtime syncs of
 * that connection run when they land), idempotency keys are unique per source (a provider's event
 * id can never collide with a key a caller chose for publishEvent), and the sweeper finds
 * deliveries whose job was lost by their due time.
 */
export class WebhookOutbox1764547200000 implements MigrationInterface {
  name = 'WebhookOutbox1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE integration_event ADD COLUMN connection_id uuid REFERENCES connection(id) ON DELETE SET NULL;
      DROP INDEX integration_event_idempotency;
      CREATE UNIQUE INDEX integration_event_idempotency ON integration_event (organization_id, source, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE INDEX integration_event_org_source ON integration_event (organization_id, source, occurred_at DESC);
      -- deliveries still owed, by due time (the sweeper and the dashboard's backlog)
      CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status IN ('PENDING', 'RETRYING');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX webhook_delivery_due;
      DROP INDEX integration_event_org_source;
      DROP INDEX integration_event_idempotency;
      CREATE UNIQUE INDEX integration_event_idempotency ON integration_event (organization_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      ALTER TABLE integration_event DROP COLUMN connection_id;
    `);
  }
}
