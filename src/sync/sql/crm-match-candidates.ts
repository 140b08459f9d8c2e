import type { Queryable } from '../../db/sql/queryable';
import type { MatchKind } from '../crm/match-on';

/** One matchOn field and the page's normalised values of it. */
export interface MatchLookup {
  field: string;
  kind: MatchKind;
  keys: string[];
}

/** Whose links make a CRM record no candidate: this connector's links of the same external object, on the same account. */
export interface MatchLinkScope {
  /** The provider account's key (src/sync/link-scope.ts). */
  accountKey: string;
  provider: string;
  externalObject: string;
}

export interface MatchCandidateRow {
  field: string;
  key: string;
  id: string;
  /** The external ids already linked to the record in the scope (null: none): another's link makes it no candidate. */
  linked: string[] | null;
}

/**
 * The stored value of `field` in its compared form, as src/sync/crm/match-on.ts normalises the
 * external side; the default match fields' forms are the expression indexes of migration
 * 1765090000000-sync-match-on, written identically so the planner uses them.
 */
function storedForm(kind: MatchKind, field: string): string {
  const value = `r.data->>'${field}'`;
  if (kind === 'website') return `regexp_replace(lower(btrim(${value})), '^([a-z][a-z0-9+.-]*://)?(www\\.)?([^/:?#]*).*$', '\\3')`;
  if (kind === 'phone') return `regexp_replace(btrim(${value}), '[^0-9+]', '', 'g')`;
  return `lower(btrim(${value}))`;
}

/**
 * The external records of the same object linked to the CRM record on the same provider account
 * (through any connection): linked to another one than the record being matched, it is no
 * candidate (the caller compares, it knows which record asked). Parameters $1-$5 and the alias r
 * (r.id: the CRM id) are shared with match-candidate-links.ts. The scope is compared with IS NOT
 * DISTINCT FROM, which no index serves, on purpose: the record's few links are found by
 * external_link_internal (organization, CRM object, CRM id), whereas plain equalities let the
 * planner pick the unique index on the scope, without statistics (a first sync outruns
 * autovacuum), and filter every link of the scope per candidate (at 20,000 links: 9 ms a candidate).
 */
export const LINKED = `(
         SELECT array_agg(l.external_id) FROM external_link l
          WHERE l.organization_id = $1 AND l.internal_object = $2 AND l.internal_id = r.id::text
            AND (l.provider, l.account_key, l.external_object) IS NOT DISTINCT FROM ($4, $3, $5))`;

const texts = new Map<string, string>();

/**
 * One branch per field, UNION ALL; field names are checked CRM field names (snake_case), so they
 * are spelled into the text. Each value probes the field's expression index on its own: the
 * LATERAL with OFFSET 0 keeps the planner from hash-joining the page's values with every record
 * of the object, which a generic plan without statistics did (at 20,000 records: 970 ms → 1 ms
 * a page of 100).
 */
function statement(lookups: MatchLookup[]): string {
  const key = lookups.map((l) => `${l.field}:${l.kind}`).join(',');
  let text = texts.get(key);
  if (text === undefined) {
    text = lookups
      .map((l, i) => {
        if (!/^[a-z][a-z0-9_]*$/.test(l.field)) throw new Error(`not a CRM field name: ${l.field}`);
        return `
  SELECT '${l.field}' AS field, k.key, r.id::text AS id, ${LINKED} AS linked
    FROM unnest($${i + 6}::text[]) AS k(key)
    CROSS JOIN LATERAL (
      SELECT r.id FROM crm_record r
       WHERE r.organization_id = $1 AND r.object = $2 AND r.deleted_at IS NULL AND r.data ? '${l.field}'
         AND ${storedForm(l.kind, l.field)} = k.key
      OFFSET 0) r`;
      })
      .join('\n  UNION ALL');
    texts.set(key, text);
  }
  return text;
}

/**
 * The live records of `object` whose matchOn fields hold one of the page's values, per field and
 * value, with the external ids already linked to each in `scope`: the one lookup statement of an inbound
 * page's matching (BuiltInCrmStore.sameDatabaseFor(object).matchCandidates).
 */
export async function crmMatchCandidates(
  db: Queryable,
  organizationId: string,
  object: string,
  lookups: MatchLookup[],
  scope: MatchLinkScope,
): Promise<MatchCandidateRow[]> {
  const used = lookups.filter((l) => l.keys.length);
  if (!used.length) return [];
  return db.query(statement(used), [organizationId, object, scope.accountKey, scope.provider, scope.externalObject, ...used.map((l) => l.keys)]);
}
