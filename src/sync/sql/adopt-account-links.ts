import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';

/**
 * Links move to the account's key in `scope` from the connection keys `from` selects (a
 * connection's own key, `connection:<id>`, kept while it had not learned its provider account).
 * A link whose external record already has the account's link for the same CRM object stays
 * where it is (the account's link wins: it is the one other connections have been reading); such
 * a link remains listed in externalLinks and is read by no sync. Returns how many moved.
 */
async function adopt(db: Queryable, scope: LinkScope, from: string, params: unknown[]): Promise<number> {
  const rows: { moved: number }[] = await db.query(
    `WITH moved AS (
       UPDATE external_link l SET account_key = $3, updated_at = now()
        WHERE l.organization_id = $1 AND l.provider = $2 AND ${from}
          AND NOT EXISTS (
            SELECT 1 FROM external_link o
             WHERE o.organization_id = $1 AND o.provider = $2 AND o.account_key = $3
               AND o.external_object = l.external_object AND o.external_id = l.external_id AND o.internal_object = l.internal_object)
       RETURNING 1
     )
     SELECT count(*)::int AS moved FROM moved`,
    [scope.organizationId, scope.provider, scope.accountKey, ...params],
  );
  return rows[0].moved;
}

/**
 * The links of every connection that has since learned it reaches the account: they become the
 * account's (run at the start of each run, so whichever connection syncs next adopts them).
 */
export function adoptLearnedAccountLinks(db: Queryable, scope: LinkScope): Promise<number> {
  return adopt(
    db,
    scope,
    `l.account_key IN (SELECT 'connection:' || c.id FROM connection c
                        WHERE c.organization_id = $1 AND c.connector_key = $2 AND c.provider_account_id = $3)`,
    [],
  );
}

/** One sync config's links under `fromKey` (updateSyncConfig moving the config to a connection of the same account). */
export function adoptConfigLinks(db: Queryable, scope: LinkScope, fromKey: string, syncConfigId: string): Promise<number> {
  if (fromKey === scope.accountKey) return Promise.resolve(0);
  return adopt(db, scope, 'l.account_key = $4 AND l.sync_config_id = $5', [fromKey, syncConfigId]);
}
