import type { Queryable } from '../../db/sql/queryable';

/** What of a custom connector an organization's rows still use: updateConnector and deleteConnector check it. */
export interface ConnectorUsage {
  /** Connections made with the connector, whatever their status (a DISCONNECTED one can be reconnected). */
  connections: number;
  /** The auth types those connections authenticate with. */
  authTypes: string[];
  /** Connector objects that sync configs of those connections read or write (sync_config.source_object). */
  syncObjects: string[];
}

/**
 * One statement, scoped by organization: the connections referencing the connector
 * (connection.custom_connector_id) and the objects their sync configs name.
 */
export async function readConnectorUsage(db: Queryable, organizationId: string, connectorId: string): Promise<ConnectorUsage> {
  const rows: { connections: string; authTypes: string[] | null; syncObjects: string[] | null }[] = await db.query(
    `SELECT count(DISTINCT c.id) AS connections,
            array_agg(DISTINCT c.auth_type) FILTER (WHERE c.auth_type IS NOT NULL) AS "authTypes",
            array_agg(DISTINCT s.source_object) FILTER (WHERE s.source_object IS NOT NULL) AS "syncObjects"
       FROM connection c
       LEFT JOIN sync_config s ON s.connection_id = c.id AND s.organization_id = c.organization_id
      WHERE c.organization_id = $1 AND c.custom_connector_id = $2`,
    [organizationId, connectorId],
  );
  const row = rows[0];
  return { connections: Number(row?.connections ?? 0), authTypes: row?.authTypes ?? [], syncObjects: (row?.syncObjects ?? []).sort() };
}
