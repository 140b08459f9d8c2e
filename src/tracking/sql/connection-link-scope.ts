import type { Queryable } from '../../db/sql/queryable';
import { LinkScope, linkScopeOf } from '../../sync/link-scope';

/** The link scope of the connection a tracked message went out on, as the sync computes it; null once the connection is gone. */
export async function connectionLinkScope(db: Queryable, organizationId: string, connectionId: string): Promise<LinkScope | null> {
  const [row]: { id: string; organizationId: string; connectorKey: string; providerAccountId: string | null }[] = await db.query(
    `SELECT id, organization_id AS "organizationId", connector_key AS "connectorKey", provider_account_id AS "providerAccountId"
       FROM connection WHERE organization_id = $1 AND id = $2`,
    [organizationId, connectionId],
  );
  return row ? linkScopeOf(row) : null;
}
