import type { Queryable } from '../../db/sql/queryable';

/** Locks a config's row for the caller's transaction: triggers of one config queue behind each other. */
export async function lockSyncConfig(manager: Queryable, configId: string): Promise<void> {
  await manager.query('SELECT id FROM sync_config WHERE id = $1 FOR UPDATE', [configId]);
}
