import type { Queryable } from '../../db/sql/queryable';
import { LIVE_ACTIVITY } from './activities-by-participant';

/**
 * A contact that appears after its messages were synced (written by a sync into the built-in
 * store) gets them: every live activity whose participants hold the email of one of the contacts
 * `contactIds` has those contacts and their accounts added to contact_ids and account_ids (kept
 * distinct, existing ids kept). One statement per page of contacts; the participants GIN index
 * (migration 1765500000000-activity-participants) finds the activities, whatever the statistics (LIVE_ACTIVITY). Activities that already
 * list them are not touched. Returns how many activities changed.
 */
const TEXT = `
  WITH c AS (
    SELECT r.id::text AS id, lower(btrim(r.data->>'email')) AS email, NULLIF(r.data->>'account_id', '') AS account_id
      FROM crm_record r
     WHERE r.organization_id = $1 AND r.object = 'contact' AND r.id = ANY($2::uuid[]) AND r.deleted_at IS NULL
       AND COALESCE(btrim(r.data->>'email'), '') <> ''),
  hit AS (
    SELECT a.id,
           jsonb_agg(DISTINCT c.id) AS contact_ids,
           COALESCE(jsonb_agg(DISTINCT c.account_id) FILTER (WHERE c.account_id IS NOT NULL), '[]') AS account_ids
      FROM c JOIN crm_record a
        ON ${LIVE_ACTIVITY}
       AND a.data->'participants' @> jsonb_build_array(c.email)
     GROUP BY a.id)
  UPDATE crm_record a
     SET data = a.data || jsonb_build_object(
           'contact_ids', (SELECT jsonb_agg(DISTINCT v) FROM jsonb_array_elements_text(COALESCE(a.data->'contact_ids', '[]') || hit.contact_ids) AS v),
           'account_ids', (SELECT COALESCE(jsonb_agg(DISTINCT v), '[]') FROM jsonb_array_elements_text(COALESCE(a.data->'account_ids', '[]') || hit.account_ids) AS v)),
         last_modified_date = now()
    FROM hit
   WHERE a.organization_id = $1 AND a.object = 'activity' AND a.id = hit.id
     AND NOT (COALESCE(a.data->'contact_ids', '[]') @> hit.contact_ids AND COALESCE(a.data->'account_ids', '[]') @> hit.account_ids)`;

export async function linkActivitiesToContacts(db: Queryable, organizationId: string, contactIds: string[]): Promise<number> {
  if (!contactIds.length) return 0;
  const result: unknown = await db.query(TEXT, [organizationId, contactIds]);
  // TypeORM answers an UPDATE with [rows, affected].
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
