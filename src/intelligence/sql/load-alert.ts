import type { Queryable } from '../../db/sql/queryable';
import type { Severity } from '../intelligence.enums';
import type { IntegrationAlert } from '../intelligence.type';

const LOAD = `
  SELECT id, organization_id, severity, code, message, sync_config_id, connection_id, webhook_subscription_id, at
    FROM integration_alert WHERE id = $2 AND organization_id = $1`;

/** One alert of the organization, as the subscription sends it; null when absent or another org's. */
export async function loadAlert(db: Queryable, organizationId: string, id: string): Promise<IntegrationAlert | null> {
  const [row]: {
    id: string;
    organization_id: string;
    severity: Severity;
    code: string;
    message: string;
    sync_config_id: string | null;
    connection_id: string | null;
    webhook_subscription_id: string | null;
    at: Date;
  }[] = await db.query(LOAD, [organizationId, id]);
  if (!row) return null;
  return {
    id: row.id,
    organizationId: row.organization_id,
    severity: row.severity,
    code: row.code,
    message: row.message,
    syncConfigId: row.sync_config_id,
    connectionId: row.connection_id,
    webhookSubscriptionId: row.webhook_subscription_id,
    at: row.at,
  };
}
