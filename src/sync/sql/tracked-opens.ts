import type { Queryable } from '../../db/sql/queryable';

/**
 * First opens of messages sent with tracking through the connection (the tracking capability's
 * tracked_email, read here, written only there), by provider message id: an email opened before
 * the mailbox's next run carries its open onto the activity the run writes. Later opens reach
 * existing activities from the tracking side (mark-activities-opened.ts, called by open tracking).
 */
export async function trackedOpens(db: Queryable, organizationId: string, connectionId: string, messageIds: string[]): Promise<Map<string, string>> {
  if (!messageIds.length) return new Map();
  const rows: { message_id: string; opened_at: Date }[] = await db.query(
    `SELECT message_id, opened_at FROM tracked_email
      WHERE organization_id = $1 AND connection_id = $2 AND message_id = ANY($3::text[]) AND opened_at IS NOT NULL`,
    [organizationId, connectionId, messageIds],
  );
  return new Map(rows.map((row) => [row.message_id, new Date(row.opened_at).toISOString()]));
}
