import type { Queryable } from '../../db/sql/queryable';

/** A completed run's checkpoint becomes its config's: the next INCREMENTAL run reads from there. */
export async function saveConfigCheckpoint(manager: Queryable, configId: string, checkpoint: unknown, syncedAt: Date): Promise<void> {
  await manager.query('UPDATE sync_config SET cursor = $2::jsonb, last_sync_at = $3, updated_at = now() WHERE id = $1', [
    configId,
    JSON.stringify(checkpoint ?? null),
    syncedAt,
  ]);
}
