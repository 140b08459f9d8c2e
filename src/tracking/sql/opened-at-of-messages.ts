import type { Queryable } from '../../db/sql/queryable';

/**
 * When each of these messages (provider message ids) sent through the connection with tracking
 * was first opened, for the ones that were: the activity sync carries an open that happened
 * before it wrote the activity (tracked_email_message serves it).
 */
export async function openedAtOfMessages(db: Queryable, organizationId: string, connectionId: string, messageIds: string[]): Promise<Map<string, Date>> {
  if (!messageIds.length) return new Map();
  const rows: { messageId: string; openedAt: Date }[] = await db.query(
    `SELECT message_id AS "messageId", opened_at AS "openedAt"
       FROM tracked_email
      WHERE organization_id = $1 AND connection_id = $2 AND message_id = ANY($3::text[]) AND opened_at IS NOT NULL`,
    [organizationId, connectionId, messageIds],
  );
  return new Map(rows.map((row) => [row.messageId, row.openedAt]));
}
