import type { Queryable } from '../../db/sql/queryable';

export interface ActivityPageRow {
  /** The participant address asked for. */
  email: string;
  /** How many live activities it takes part in. */
  total: string;
  /** Null on the one row of an address with no activity on this page. */
  id: string | null;
  data: Record<string, unknown> | null;
  /** The sort position (occurred_at, else created_date) with microseconds, for cursors. */
  at: string | null;
}

/** Where an activity sorts: when it happened, else when it was stored (occurred_at is ISO or absent: activity-participants.ts). */
const SORT = `COALESCE((a.data->>'occurred_at')::timestamptz, a.created_date)`;
/**
 * `organization_id || ''` on purpose: compared plainly, the planner may walk the (organization,
 * object) btree and filter every activity per address, which it prefers whenever the statistics
 * predate the activities (a first sync outruns autovacuum: 7 s for 100 addresses at 20,000
 * activities); this way only the participants index can serve the lookup (0.05 ms an address).
 */
export const LIVE_ACTIVITY = `a.organization_id || '' = $1 AND a.object = 'activity' AND a.deleted_at IS NULL`;
const LIVE = `${LIVE_ACTIVITY} AND a.data->'participants' @> jsonb_build_array(e.email)`;

/**
 * Contact.activities for a whole `_entities` batch in one statement: per address, the count of
 * the activities it takes part in and the page after the cursor, newest first (then id), `limit`
 * rows (the caller asks one more to know whether a next page exists). Matching by address rather
 * than by contact id is what gives a contact created later its history without a re-sync. The
 * participants GIN index (migration 1765500000000) finds each address's activities.
 */
const TEXT = `
  SELECT e.email, t.total, p.id, p.data, p.at
    FROM unnest($2::text[]) AS e(email)
   CROSS JOIN LATERAL (SELECT count(*) AS total FROM crm_record a WHERE ${LIVE}) AS t
    LEFT JOIN LATERAL (
      SELECT a.id::text AS id, a.data, to_char(${SORT} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
        FROM crm_record a
       WHERE ${LIVE} AND ($3::timestamptz IS NULL OR (${SORT}, a.id) < ($3::timestamptz, $4::uuid))
       ORDER BY ${SORT} DESC, a.id DESC
       LIMIT $5) AS p ON true`;

export async function activitiesByParticipant(
  db: Queryable,
  organizationId: string,
  emails: string[],
  after: { at: string; id: string } | null,
  limit: number,
): Promise<ActivityPageRow[]> {
  return db.query(TEXT, [organizationId, emails, after?.at ?? null, after?.id ?? null, limit]);
}
