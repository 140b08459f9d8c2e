import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';

/**
 * Written here, by the capability that owns crm_record, and called by open tracking
 * (src/tracking/open-tracking.service.ts) on a message's first open.
 *
 * A tracked message's first open, carried onto the activity records the sync made of it: every
 * `activity` linked to the message (external object `messages`, external id the provider's
 * message id) in the connection's link scope gets `opened_at`, unless it has one already. An
 * activity the sync writes later takes the open from `openedAtOfMessages`. Driven by the link's
 * unique key; crm_record is reached by its primary key.
 */
export async function markActivitiesOpened(db: Queryable, scope: LinkScope, messageId: string, openedAt: Date): Promise<number> {
  const result: unknown = await db.query(
    `UPDATE crm_record r
        SET data = jsonb_set(r.data, '{opened_at}', to_jsonb($5::text)), last_modified_date = now()
       FROM external_link l
      WHERE l.organization_id = $1 AND l.provider = $2 AND l.account_key = $3
        AND l.external_object IN ('messages', 'sent_messages') AND l.external_id = $4 AND l.internal_object = 'activity'
        AND r.organization_id = $1 AND r.object = 'activity' AND r.id = l.internal_id::uuid
        AND r.deleted_at IS NULL AND jsonb_typeof(r.data->'opened_at') IS DISTINCT FROM 'string'`,
    [scope.organizationId, scope.provider, scope.accountKey, messageId, openedAt.toISOString()],
  );
  // TypeORM answers an UPDATE with [rows, affected].
  return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
}
