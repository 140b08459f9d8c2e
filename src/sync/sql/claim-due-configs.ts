import type { Queryable } from '../../db/sql/queryable';

/**
 * Active configs whose next run has come, claimed by clearing next_sync_at (SKIP LOCKED: two
 * workers never claim one config); the caller starts each and sets its next time.
 */
export async function claimDueConfigs(db: Queryable): Promise<{ id: string; organization_id: string; frequency: string }[]> {
  // In a CTE so the statement is a SELECT: TypeORM returns [rows, rowCount] for a bare UPDATE.
  return db.query(
    `WITH due AS (
       UPDATE sync_config SET next_sync_at = NULL
        WHERE id IN (SELECT id FROM sync_config WHERE is_active AND next_sync_at <= now() FOR UPDATE SKIP LOCKED)
        RETURNING id, organization_id, frequency)
     SELECT * FROM due`,
  );
}
