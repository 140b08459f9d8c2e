import type { Queryable } from '../../db/sql/queryable';

/**
 * Stamps last_used_at on a connection a call just went through. By id alone, as it always was: the
 * caller holds the loaded row, so the id is the organization's.
 */
export async function touchConnectionLastUsed(db: Queryable, connectionId: string): Promise<void> {
  await db.query('UPDATE connection SET last_used_at = now() WHERE id = $1', [connectionId]);
}
