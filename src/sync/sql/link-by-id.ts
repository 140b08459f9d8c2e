import type { LinkScope } from '../link-scope';

/**
 * The link of each id of `page(external_id)` in the link scope $1-$3 (organization, provider,
 * account key), external object $4 and CRM object $5, one unique-index probe per id. Not `external_id = ANY(...)`: until
 * the links are analyzed (a first sync outruns autovacuum) the planner expects the scope and
 * object to match one row, probes the index on those columns only and filters every link of the
 * object for every page; the LIMIT keeps the lookup a per-id probe on the whole key whatever the
 * statistics say (measured at 20,000 links: 14 ms → under 1 ms a page).
 */
export const LINK_BY_ID = `CROSS JOIN LATERAL (
  SELECT * FROM external_link l
   WHERE l.organization_id = $1 AND l.provider = $2 AND l.account_key = $3 AND l.external_object = $4 AND l.external_id = page.external_id
     AND l.internal_object = $5
   LIMIT 1) l`;

/** The parameters $1-$3 of a statement scoped to one link scope. */
export function scopeParams(scope: LinkScope): [string, string, string] {
  return [scope.organizationId, scope.provider, scope.accountKey];
}
