import type { Queryable } from '../../db/sql/queryable';

/** Whether the built-in store holds any live record of an object for the organization. */
export async function crmRecordsExist(db: Queryable, organizationId: string, object: string): Promise<boolean> {
  const rows: { found: boolean }[] = await db.query(
    'SELECT EXISTS (SELECT 1 FROM crm_record WHERE organization_id = $1 AND object = $2 AND deleted_at IS NULL) AS found',
    [organizationId, object],
  );
  return rows[0].found;
}
