import { DataSource } from 'typeorm';

/**
 * Rows written straight to the real tables. The foundation has no mutations yet (they arrive
 * with the issues that own them), so read paths are tested against rows put there by SQL.
 */
async function insert(db: DataSource, table: string, row: Record<string, unknown>): Promise<string> {
  const columns = Object.keys(row);
  const values = Object.values(row).map((v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? JSON.stringify(v) : v));
  const [{ id }] = await db.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    values,
  );
  return String(id);
}

export const seed = {
  connection: (db: DataSource, org: string, row: Record<string, unknown> = {}) =>
    insert(db, 'connection', {
      organization_id: org,
      connector_key: 'stripe',
      name: 'Stripe',
      auth_type: 'API_KEY',
      status: 'CONNECTED',
      credential_hint: 'sk_test_…4242',
      ...row,
    }),
  fieldMapping: (db: DataSource, org: string, row: Record<string, unknown> = {}) =>
    insert(db, 'field_mapping', {
      organization_id: org,
      name: 'customers → account',
      source_object: 'customers',
      target_object: 'account',
      rules: JSON.stringify([{ sourceField: 'name', targetField: 'name' }]),
      ...row,
    }),
  syncConfig: (db: DataSource, org: string, connectionId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'sync_config', {
      organization_id: org,
      connection_id: connectionId,
      name: 'Customers',
      source_object: 'customers',
      target_object: 'account',
      direction: 'INBOUND',
      frequency: 'hourly',
      ...row,
    }),
  syncRun: (db: DataSource, org: string, syncConfigId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'sync_run', { organization_id: org, sync_config_id: syncConfigId, status: 'COMPLETED', trigger: 'MANUAL', mode: 'FULL', ...row }),
  syncLog: (db: DataSource, org: string, syncRunId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'sync_log', { organization_id: org, sync_run_id: syncRunId, level: 'info', message: 'page 1 committed', ...row }),
  conflict: (db: DataSource, org: string, syncConfigId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'sync_conflict', {
      organization_id: org,
      sync_config_id: syncConfigId,
      external_id: 'cus_1',
      field: 'phone',
      source_value: JSON.stringify('+1'),
      target_value: JSON.stringify('+2'),
      ...row,
    }),
  externalLink: (db: DataSource, org: string, connectionId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'external_link', {
      organization_id: org,
      connection_id: connectionId,
      provider: 'stripe',
      // The connection's own key (src/sync/link-scope.ts): seeded connections have learned no account.
      account_key: `connection:${connectionId}`,
      internal_object: 'account',
      internal_id: 'acc-1',
      external_object: 'customers',
      external_id: `cus_${Math.random().toString(36).slice(2)}`,
      last_synced_data: { name: 'Acme' },
      last_synced_at: new Date(),
      ...row,
    }),
  webhookSubscription: (db: DataSource, org: string, row: Record<string, unknown> = {}) =>
    insert(db, 'webhook_subscription', {
      organization_id: org,
      name: 'Deals',
      event_types: ['opportunity.*'],
      target_url: 'https://hooks.example.com/deals',
      secret_encrypted: 'k1:unused-in-read-tests',
      secret_hint: 'whsec_…abcd',
      ...row,
    }),
  automation: (db: DataSource, org: string, connectionId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'automation', {
      organization_id: org,
      name: 'Won deals to Slack',
      event_types: ['opportunity.won'],
      connection_id: connectionId,
      action: 'postMessage',
      input_template: { channel: 'C1', text: 'Won: {{event.data.amount}}' },
      retry_policy: 'EXPONENTIAL',
      max_retries: 5,
      ...row,
    }),
  automationRun: (db: DataSource, org: string, automationId: string, eventId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'automation_run', { organization_id: org, automation_id: automationId, event_id: eventId, status: 'FAILED', attempt_count: 1, ...row }),
  event: (db: DataSource, org: string, row: Record<string, unknown> = {}) =>
    insert(db, 'integration_event', { organization_id: org, type: 'opportunity.won', source: 'hotcrm', data: { amount: 5000 }, ...row }),
  delivery: (db: DataSource, org: string, subscriptionId: string, eventId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'webhook_delivery', {
      organization_id: org,
      subscription_id: subscriptionId,
      event_id: eventId,
      message_id: `msg_${Math.random().toString(36).slice(2)}`,
      event_type: 'opportunity.won',
      payload: { amount: 5000 },
      ...row,
    }),
  attempt: (db: DataSource, org: string, deliveryId: string, row: Record<string, unknown> = {}) =>
    insert(db, 'webhook_attempt', { organization_id: org, delivery_id: deliveryId, attempt_number: 1, response_status: 500, duration_ms: 12, ...row }),
  apiKey: (db: DataSource, org: string, row: Record<string, unknown> = {}) =>
    insert(db, 'api_key', {
      organization_id: org,
      name: 'reporting',
      prefix: 'hcrm_test_Ab3xY',
      key_hash: Math.random().toString(36),
      scopes: ['read:*'],
      ...row,
    }),
};
