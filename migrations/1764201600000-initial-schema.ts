import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every table the integration cloud owns. Each row carries organization_id and each list query of
 * the contract has an index that starts with it, ordered the way the query pages
 * (created_at, id) so keyset pagination never sorts.
 */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = 'InitialSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connector (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        description text,
        category text NOT NULL,
        connector_type text NOT NULL DEFAULT 'REST_API',
        auth_types text[] NOT NULL,
        base_url text NOT NULL,
        version text,
        icon text,
        status text NOT NULL DEFAULT 'ACTIVE',
        definition jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT connector_org_key_unique UNIQUE (organization_id, key)
      );

      CREATE TABLE oauth_client (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        connector_key text NOT NULL,
        client_id text NOT NULL,
        client_secret_encrypted text NOT NULL,
        authorization_url text,
        token_url text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT oauth_client_org_connector_unique UNIQUE (organization_id, connector_key)
      );

      CREATE TABLE connection (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        connector_key text NOT NULL,
        custom_connector_id uuid REFERENCES connector(id) ON DELETE RESTRICT,
        name text NOT NULL,
        auth_type text NOT NULL,
        status text NOT NULL,
        credentials_encrypted text,
        credential_hint text,
        scopes text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        last_used_at timestamptz,
        last_error text,
        config jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX connection_org_page ON connection (organization_id, created_at, id);
      CREATE INDEX connection_org_connector ON connection (organization_id, connector_key);
      CREATE INDEX connection_org_status ON connection (organization_id, status);
      CREATE INDEX connection_expiring ON connection (expires_at) WHERE expires_at IS NOT NULL;

      CREATE TABLE oauth_state (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        state_hash text NOT NULL UNIQUE,
        connector_key text NOT NULL,
        name text NOT NULL,
        redirect_uri text NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        config jsonb,
        code_verifier_encrypted text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX oauth_state_expiry ON oauth_state (expires_at);

      CREATE TABLE field_mapping (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        name text NOT NULL,
        source_object text NOT NULL,
        target_object text NOT NULL,
        is_template boolean NOT NULL DEFAULT false,
        rules jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX field_mapping_org_page ON field_mapping (organization_id, created_at, id);
      CREATE INDEX field_mapping_org_objects ON field_mapping (organization_id, source_object, target_object);

      CREATE TABLE sync_config (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        connection_id uuid NOT NULL REFERENCES connection(id) ON DELETE CASCADE,
        field_mapping_id uuid REFERENCES field_mapping(id) ON DELETE SET NULL,
        name text NOT NULL,
        source_object text NOT NULL,
        target_object text NOT NULL,
        direction text NOT NULL,
        frequency text NOT NULL,
        conflict_resolution text NOT NULL DEFAULT 'LAST_WRITE_WINS',
        is_active boolean NOT NULL DEFAULT true,
        last_sync_at timestamptz,
        next_sync_at timestamptz,
        cursor jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sync_config_org_page ON sync_config (organization_id, created_at, id);
      CREATE INDEX sync_config_connection ON sync_config (connection_id);
      CREATE INDEX sync_config_mapping ON sync_config (field_mapping_id);

      CREATE TABLE sync_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        sync_config_id uuid NOT NULL REFERENCES sync_config(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'QUEUED',
        trigger text NOT NULL,
        mode text NOT NULL,
        job_id text,
        started_at timestamptz,
        completed_at timestamptz,
        duration_ms integer,
        records_processed integer NOT NULL DEFAULT 0,
        records_created integer NOT NULL DEFAULT 0,
        records_updated integer NOT NULL DEFAULT 0,
        records_deleted integer NOT NULL DEFAULT 0,
        records_failed integer NOT NULL DEFAULT 0,
        conflicts integer NOT NULL DEFAULT 0,
        error_details text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- newest first per config: SyncConfig.runs and SyncConfig.lastRun
      CREATE INDEX sync_run_config_page ON sync_run (sync_config_id, created_at DESC, id DESC);
      CREATE INDEX sync_run_org_status ON sync_run (organization_id, status);

      CREATE TABLE sync_log (
        id bigserial PRIMARY KEY,
        organization_id text NOT NULL,
        sync_run_id uuid NOT NULL REFERENCES sync_run(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        level text NOT NULL,
        message text NOT NULL,
        code text,
        external_id text
      );
      CREATE INDEX sync_log_run ON sync_log (sync_run_id, id);

      CREATE TABLE external_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        connection_id uuid NOT NULL REFERENCES connection(id) ON DELETE CASCADE,
        sync_config_id uuid REFERENCES sync_config(id) ON DELETE SET NULL,
        provider text NOT NULL,
        internal_object text NOT NULL,
        internal_id text NOT NULL,
        external_object text NOT NULL,
        external_id text NOT NULL,
        status text NOT NULL DEFAULT 'SYNCED',
        last_synced_data jsonb,
        content_hash text,
        last_synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- the sync's idempotency key (DESIGN.md): one link per external record per connection
        CONSTRAINT external_link_record_unique UNIQUE (connection_id, external_object, external_id)
      );
      CREATE INDEX external_link_org_page ON external_link (organization_id, created_at, id);
      -- federation: Account/Contact/Invoice.externalLinks and Invoice.payments by internal id
      CREATE INDEX external_link_internal ON external_link (organization_id, internal_object, internal_id);
      CREATE INDEX external_link_config ON external_link (sync_config_id);
      -- Contact.enrichment: synced profiles matched by email
      CREATE INDEX external_link_email ON external_link (organization_id, lower(last_synced_data->>'email'))
        WHERE last_synced_data ? 'email';

      CREATE TABLE sync_conflict (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        sync_config_id uuid NOT NULL REFERENCES sync_config(id) ON DELETE CASCADE,
        external_link_id uuid REFERENCES external_link(id) ON DELETE SET NULL,
        external_id text NOT NULL,
        internal_id text,
        field text NOT NULL,
        base_value jsonb,
        source_value jsonb,
        target_value jsonb,
        status text NOT NULL DEFAULT 'OPEN',
        resolved_value jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      );
      CREATE INDEX sync_conflict_org_page ON sync_conflict (organization_id, created_at, id);
      CREATE INDEX sync_conflict_config_status ON sync_conflict (sync_config_id, status);
      -- one open conflict per record field: a re-run updates it rather than piling up copies
      CREATE UNIQUE INDEX sync_conflict_open_unique ON sync_conflict (sync_config_id, external_id, field)
        WHERE status = 'OPEN';

      CREATE TABLE webhook_subscription (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        name text NOT NULL,
        event_types text[] NOT NULL,
        target_url text NOT NULL,
        status text NOT NULL DEFAULT 'ACTIVE',
        retry_policy text NOT NULL DEFAULT 'EXPONENTIAL',
        max_retries integer NOT NULL DEFAULT 5 CHECK (max_retries BETWEEN 0 AND 10),
        filters jsonb,
        secret_encrypted text NOT NULL,
        secret_hint text NOT NULL,
        previous_secret_encrypted text,
        previous_secret_expires_at timestamptz,
        last_triggered_at timestamptz,
        failing_since timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_subscription_org_page ON webhook_subscription (organization_id, created_at, id);
      CREATE INDEX webhook_subscription_org_status ON webhook_subscription (organization_id, status);

      CREATE TABLE integration_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        type text NOT NULL,
        source text NOT NULL,
        object_type text,
        record_id text,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        idempotency_key text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- newest first, as integrationEvents pages them
      CREATE INDEX integration_event_org_page ON integration_event (organization_id, occurred_at DESC, id DESC);
      CREATE INDEX integration_event_org_type ON integration_event (organization_id, type);
      CREATE UNIQUE INDEX integration_event_idempotency ON integration_event (organization_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;

      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        subscription_id uuid NOT NULL REFERENCES webhook_subscription(id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES integration_event(id) ON DELETE CASCADE,
        message_id text NOT NULL UNIQUE,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        attempt_count integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_delivery_subscription_page ON webhook_delivery (subscription_id, created_at, id);
      CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id);
      CREATE INDEX webhook_delivery_org_status ON webhook_delivery (organization_id, status, created_at);

      CREATE TABLE webhook_attempt (
        id bigserial PRIMARY KEY,
        organization_id text NOT NULL,
        delivery_id uuid NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
        attempt_number integer NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        response_status integer,
        response_body text,
        duration_ms integer NOT NULL,
        error text,
        CONSTRAINT webhook_attempt_unique UNIQUE (delivery_id, attempt_number)
      );

      CREATE TABLE api_key (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        rate_limit integer NOT NULL DEFAULT 1000,
        rate_window_seconds integer NOT NULL DEFAULT 60,
        status text NOT NULL DEFAULT 'ACTIVE',
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        usage_count bigint NOT NULL DEFAULT 0,
        rotated_from_id uuid REFERENCES api_key(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX api_key_org_page ON api_key (organization_id, created_at, id);

      CREATE TABLE api_key_usage (
        organization_id text NOT NULL,
        api_key_id uuid NOT NULL REFERENCES api_key(id) ON DELETE CASCADE,
        bucket_start timestamptz NOT NULL,
        requests integer NOT NULL DEFAULT 0,
        rejected integer NOT NULL DEFAULT 0,
        PRIMARY KEY (api_key_id, bucket_start)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE api_key_usage, api_key, webhook_attempt, webhook_delivery, integration_event,
        webhook_subscription, sync_conflict, external_link, sync_log, sync_run, sync_config,
        field_mapping, oauth_state, connection, oauth_client, connector;
    `);
  }
}
