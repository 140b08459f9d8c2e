import type { Queryable } from '../../db/sql/queryable';

/** Closes a conflict with the value both sides were given. */
export async function markConflictResolved(manager: Queryable, conflictId: string, value: unknown): Promise<void> {
  await manager.query(`UPDATE sync_conflict SET status = 'RESOLVED', resolved_value = $2::jsonb, resolved_at = now() WHERE id = $1`, [
    conflictId,
    JSON.stringify(value ?? null),
  ]);
}
