import type { Queryable } from '../../db/sql/queryable';

export interface NewTrackedEmail {
  organizationId: string;
  connectionId: string;
  provider: string;
  tokenHash: Buffer;
  recipients: string[];
  subject: string;
}

/** A message about to be sent: its id at the provider comes with `setTrackedMessageId` once the send succeeds. */
export async function insertTrackedEmail(db: Queryable, row: NewTrackedEmail): Promise<string> {
  const [inserted]: { id: string }[] = await db.query(
    `INSERT INTO tracked_email (organization_id, connection_id, provider, token_hash, recipients, subject)
     VALUES ($1, $2, $3, $4, $5::text[], $6)
     RETURNING id`,
    [row.organizationId, row.connectionId, row.provider, row.tokenHash, row.recipients, row.subject],
  );
  return inserted.id;
}
