import type { Queryable } from '../../db/sql/queryable';

export interface InsightsConfigRow {
  id: string;
  frequency: string;
  direction: string;
  connector_key: string;
}

/** What syncInsights needs of a config: its schedule and direction, and its connection's connector. */
const CONFIG = `
  SELECT c.id, c.frequency, c.direction, n.connector_key
    FROM sync_config c JOIN connection n ON n.id = c.connection_id
   WHERE c.id = $2 AND c.organization_id = $1`;

export async function insightsConfig(db: Queryable, organizationId: string, syncConfigId: string): Promise<InsightsConfigRow | undefined> {
  const [config]: InsightsConfigRow[] = await db.query(CONFIG, [organizationId, syncConfigId]);
  return config;
}
