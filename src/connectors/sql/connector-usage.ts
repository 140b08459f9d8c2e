import type { Queryable } from '../../db/sql/queryable';

/** What of a custom connector an organization's rows still use: updateConnector and deleteConnector check it. */
export interface ConnectorUsage {
  /** Connections made with the connector, whatever their status (a DISCONNECTED one can be reconnected). */
  connections: number;
  /** The auth types those connections authenticate with. */
  authTypes: string[];
  /** Connector objects that sync configs of those connections read or write (sync_config.source_object). */
  syncObjects: string[];
  /** Connector actions that automations of those connections run (automation.action). */
  automationActions: string[];
}

/**
 * One statement, scoped by organization: the connections referencing the connector
 * (connection.custom_connector_id), the objects their sync configs name and the actions their
 * automations run (each aggregated in its own subquery, so neither join multiplies the other).
 */
export async function readConnectorUsage(db: Queryable, organizationId: string, connectorId: string): Promise<ConnectorUsage> {
  const rows: { connections: string; authTypes: string[] | null; syncObjects: string[] | null; automationActions: string[] | null }[] = await db.query(
    `SELECT count(DISTINCT c.id) AS connections,
            array_agg(DISTINCT c.auth_type) FILTER (WHERE c.auth_type IS NOT NULL) AS "authTypes",
            (SELECT array_agg(DISTINCT s.source_object) FROM sync_config s JOIN connection sc ON sc.id = s.connection_id AND sc.organization_id = s.organization_id
              WHERE s.organization_id = $1 AND sc.custom_connector_id = $2) AS "syncObjects",
            (SELECT array_agg(DISTINCT a.action) FROM automation a JOIN connection ac ON ac.id = a.connection_id AND ac.organization_id = a.organization_id
              WHERE a.organization_id = $1 AND ac.custom_connector_id = $2) AS "automationActions"
       FROM connection c
      WHERE c.organization_id = $1 AND c.custom_connector_id = $2`,
    [organizationId, connectorId],
  );
  const row = rows[0];
  return {
    connections: Number(row?.connections ?? 0),
    authTypes: row?.authTypes ?? [],
    syncObjects: (row?.syncObjects ?? []).sort(),
    automationActions: (row?.automationActions ?? []).sort(),
  };
}
