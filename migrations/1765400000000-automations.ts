import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Automations (src/automations): rules that run a connector action per matching event, and
 * their runs. A run is unique per (automation, event), so an event recorded or fanned out twice
 * never makes a second run. `attempt_started_at` marks a call in flight: a job that finds its run
 * RUNNING past `lease_until` knows the attempt never finished (the worker died mid-call).
 * `uncertain_since` is set when an attempt may have reached the provider without an answer (a
 * timeout or reset after sending): the next attempt asks the provider first, where it can.
 */
export class Automations1765400000000 implements MigrationInterface {
  name = 'Automations1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE automation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        name text NOT NULL,
        event_types text[] NOT NULL,
        filters jsonb,
        connection_id uuid NOT NULL REFERENCES connection(id) ON DELETE CASCADE,
        action text NOT NULL,
        input_template jsonb NOT NULL,
        is_active boolean NOT NULL DEFAULT true,
        retry_policy text NOT NULL,
        max_retries integer NOT NULL,
        last_triggered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX automation_org_created ON automation (organization_id, created_at, id);
      -- the outbox's candidate lookup: the organization's active automations
      CREATE INDEX automation_org_active ON automation (organization_id) WHERE is_active;
      CREATE INDEX automation_connection ON automation (connection_id);

      CREATE TABLE automation_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        automation_id uuid NOT NULL REFERENCES automation(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES integration_event(id) ON DELETE CASCADE,
        status text NOT NULL,
        attempt_count integer NOT NULL DEFAULT 0,
        input jsonb,
        result jsonb,
        error text,
        attempt_started_at timestamptz,
        lease_until timestamptz,
        uncertain_since timestamptz,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT automation_run_once_per_event UNIQUE (automation_id, event_id)
      );
      CREATE INDEX automation_run_automation_created ON automation_run (automation_id, created_at DESC, id DESC);
      CREATE INDEX automation_run_org ON automation_run (organization_id, created_at);
      CREATE INDEX automation_run_event ON automation_run (event_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE automation_run; DROP TABLE automation;`);
  }
}
