import type { Queryable } from '../../db/sql/queryable';

/** Soft delete, bumping last_modified_date so the deletion is itself a change. Counted in SQL: an UPDATE's result shape differs by driver. */
const DELETE = `
  WITH deleted AS (
    UPDATE crm_record SET deleted_at = now(), last_modified_date = now()
     WHERE organization_id = $1 AND object = $2 AND id = ANY($3::uuid[]) AND deleted_at IS NULL
    RETURNING 1)
  SELECT count(*)::int AS count FROM deleted`;

/** Deletes the live records among `ids` (UUIDs only); returns how many there were. */
export async function softDeleteCrmRecords(db: Queryable, organizationId: string, object: string, ids: string[]): Promise<number> {
  const [{ count }]: { count: number }[] = await db.query(DELETE, [organizationId, object, ids]);
  return count;
}
