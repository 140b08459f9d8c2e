import type { Queryable } from '../../db/sql/queryable';

/**
 * Locks a conflict's row for the rest of the caller's transaction and answers its status (null
 * when gone): a second resolve of the same conflict waits here, then finds it RESOLVED.
 */
export async function lockSyncConflict(manager: Queryable, conflictId: string): Promise<{ status: string } | null> {
  const [locked] = await manager.query('SELECT status FROM sync_conflict WHERE id = $1 FOR UPDATE', [conflictId]);
  return locked ?? null;
}
