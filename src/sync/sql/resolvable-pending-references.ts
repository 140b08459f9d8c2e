import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { scopeParams } from './link-by-id';

export interface ResolvablePendingReference {
  id: string;
  crmObject: string;
  crmRecordId: string;
  field: string;
  /** The HotCRM id the target is now linked to. */
  internalId: string;
}

/** Whether any reference of the provider account waits for its target (most runs: none, and nothing more to ask). */
export async function hasPendingReferences(db: Queryable, scope: LinkScope): Promise<boolean> {
  const [{ waiting }] = await db.query(
    `SELECT EXISTS (SELECT 1 FROM pending_reference WHERE organization_id = $1 AND provider = $2 AND account_key = $3) AS waiting`,
    scopeParams(scope),
  );
  return waiting;
}

/** Which targets to look at: those a page just linked (by the target index), or every waiting one (null). */
export type PendingTargets = { externalObject: string; externalIds: string[] } | null;

/**
 * Up to `limit` waiting references of the provider account whose target is linked now, in id
 * order after `after`, among `targets`.
 */
export async function resolvablePendingReferences(
  db: Queryable,
  scope: LinkScope,
  targets: PendingTargets,
  after: string | null,
  limit: number,
): Promise<ResolvablePendingReference[]> {
  const rows: { id: string; crm_object: string; crm_record_id: string; field: string; internal_id: string }[] = await db.query(
    `SELECT p.id, p.crm_object, p.crm_record_id, p.field, l.internal_id
       FROM pending_reference p
       CROSS JOIN LATERAL (
         SELECT internal_id FROM external_link l
          WHERE l.organization_id = p.organization_id AND l.provider = p.provider AND l.account_key = p.account_key
            AND l.external_object = p.target_external_object AND l.external_id = p.target_external_id
            AND l.internal_object = p.target_crm_object
          LIMIT 1) l
      WHERE p.organization_id = $1 AND p.provider = $2 AND p.account_key = $3 AND ($4::uuid IS NULL OR p.id > $4::uuid)
        AND ($6::text IS NULL OR (p.target_external_object = $6 AND p.target_external_id = ANY($7::text[])))
      ORDER BY p.id
      LIMIT $5`,
    [...scopeParams(scope), after, limit, targets?.externalObject ?? null, targets?.externalIds ?? null],
  );
  return rows.map((r) => ({ id: r.id, crmObject: r.crm_object, crmRecordId: r.crm_record_id, field: r.field, internalId: r.internal_id }));
}

/** The references filled in: they wait no more. */
export async function deletePendingReferences(db: Queryable, organizationId: string, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await db.query(`DELETE FROM pending_reference WHERE organization_id = $1 AND id = ANY($2::uuid[])`, [organizationId, ids]);
}
