import type { Queryable } from '../../db/sql/queryable';

/** When an active config runs next (null: not on a schedule); a config paused meanwhile is left alone. */
export async function setNextSyncAt(db: Queryable, configId: string, next: Date | null): Promise<void> {
  await db.query('UPDATE sync_config SET next_sync_at = $2 WHERE id = $1 AND is_active', [configId, next]);
}
