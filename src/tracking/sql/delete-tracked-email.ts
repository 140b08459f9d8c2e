import type { Queryable } from '../../db/sql/queryable';

/** A send that failed: its pixel never went out. */
export async function deleteTrackedEmail(db: Queryable, organizationId: string, id: string): Promise<void> {
  await db.query(`DELETE FROM tracked_email WHERE organization_id = $1 AND id = $2 AND message_id IS NULL`, [organizationId, id]);
}
