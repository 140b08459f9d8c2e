import type { Queryable } from '../../db/sql/queryable';

export interface ContactByEmailRow {
  /** The contact's email in its compared form (trimmed, lowercased). */
  email: string;
  id: string;
  account_id: string | null;
}

/**
 * The live contacts whose email is one of `emails` (already trimmed and lowercased), with their
 * account: one statement for a whole page of activities' participants. The expression is the
 * one of the crm_record_match_email index (migration 1765090000000-sync-match-on), so each
 * address is an index probe.
 */
const TEXT = `
  SELECT lower(btrim(r.data->>'email')) AS email, r.id::text AS id, NULLIF(r.data->>'account_id', '') AS account_id
    FROM crm_record r
   WHERE r.organization_id = $1 AND r.object = 'contact' AND r.deleted_at IS NULL AND r.data ? 'email'
     AND lower(btrim(r.data->>'email')) = ANY($2::text[])`;

export async function contactsByEmail(db: Queryable, organizationId: string, emails: string[]): Promise<ContactByEmailRow[]> {
  if (!emails.length) return [];
  return db.query(TEXT, [organizationId, emails]);
}
