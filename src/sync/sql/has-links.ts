import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { scopeParams } from './link-by-id';

/** Whether the provider account has any link from this external object to this CRM object yet (none: a sync's initial load). */
export async function hasLinks(db: Queryable, scope: LinkScope, externalObject: string, internalObject: string): Promise<boolean> {
  const [{ linked }] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM external_link
                     WHERE organization_id = $1 AND provider = $2 AND account_key = $3 AND external_object = $4 AND internal_object = $5) AS linked`,
    [...scopeParams(scope), externalObject, internalObject],
  );
  return linked;
}
