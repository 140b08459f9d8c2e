import type { Queryable } from '../../db/sql/queryable';

/**
 * One event of a config applies at a time, across replicas: a transaction-scoped advisory lock on
 * the config, so two events of one record cannot both pass the version check before either writes.
 * Triggers and runs never take it.
 */
export async function lockConfigEvents(manager: Queryable, organizationId: string, configId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('sync-config-events:' || $1 || ':' || $2, 0))`, [organizationId, configId]);
}
