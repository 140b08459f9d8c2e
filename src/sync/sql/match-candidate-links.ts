import type { Queryable } from '../../db/sql/queryable';
import { LINKED, MatchLinkScope } from './crm-match-candidates';

/**
 * The external ids linked in `scope` to each of these CRM records of `object`, for the ones that
 * have any: the `linked` column of crmMatchCandidates, for candidates a store outside this
 * database found (CrmStore.findByFields), in one statement per page. The same subquery decides
 * both, so a record is taken for the gateway store exactly when it is for the built-in one.
 */
export async function matchCandidateLinks(
  db: Queryable,
  organizationId: string,
  object: string,
  ids: string[],
  scope: MatchLinkScope,
): Promise<Map<string, string[]>> {
  if (!ids.length) return new Map();
  const rows: { id: string; linked: string[] }[] = await db.query(
    `SELECT id, linked FROM (SELECT r.id, ${LINKED} AS linked FROM unnest($6::text[]) AS r(id)) c WHERE linked IS NOT NULL`,
    [organizationId, object, scope.accountKey, scope.provider, scope.externalObject, [...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.id, row.linked]));
}
