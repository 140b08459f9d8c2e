import type { Queryable } from '../../db/sql/queryable';

export interface CountedOpen {
  organizationId: string;
  id: string;
  connectionId: string;
  provider: string;
  messageId: string | null;
  recipients: string[];
  subject: string;
  openedAt: Date;
  /** This fetch was the message's first: only it records email.opened. */
  first: boolean;
}

/**
 * One fetch of a pixel, counted in one statement: the row lock makes concurrent fetches take
 * turns, and each sees the count the one before it left, so exactly one of them sees 1 and is
 * the first, however many arrive together. Looked up by the token's hash alone (the pixel
 * request carries nothing else): the hash names one row and with it its organization. Null
 * for a token nobody issued.
 */
export async function countOpen(db: Queryable, tokenHash: Buffer): Promise<CountedOpen | null> {
  const rows: CountedOpen[] = await db.query(
    `UPDATE tracked_email
        SET open_count = open_count + 1,
            last_opened_at = now(),
            opened_at = coalesce(opened_at, now())
      WHERE token_hash = $1
      RETURNING organization_id AS "organizationId", id, connection_id AS "connectionId", provider, message_id AS "messageId",
                recipients, subject, opened_at AS "openedAt", open_count = 1 AS first`,
    [tokenHash],
  );
  // UPDATE … RETURNING through TypeORM's query() answers [rows, affected count].
  const list = (Array.isArray(rows[0]) ? rows[0] : rows) as CountedOpen[];
  return list[0] ?? null;
}
