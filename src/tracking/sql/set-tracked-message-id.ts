import type { Queryable } from '../../db/sql/queryable';

/** The provider accepted the message: its id there and when. */
export async function setTrackedMessageId(db: Queryable, organizationId: string, id: string, messageId: string): Promise<void> {
  await db.query(`UPDATE tracked_email SET message_id = $3, sent_at = now() WHERE organization_id = $1 AND id = $2`, [organizationId, id, messageId]);
}
