import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { scopeParams } from './link-by-id';

export interface PendingReference {
  crmRecordId: string;
  field: string;
  targetExternalObject: string;
  targetExternalId: string;
  targetCrmObject: string;
}

/**
 * One page's reference bookkeeping for records of `crmObject` written by a config: the
 * references of `settled` records (resolved, or no longer set) stop waiting, and `pending` ones
 * wait for their target, replacing what the same record and field waited for before.
 */
export async function savePendingReferences(
  db: Queryable,
  scope: LinkScope,
  configId: string,
  crmObject: string,
  settled: { crmRecordId: string; field: string }[],
  pending: PendingReference[],
): Promise<void> {
  if (settled.length) {
    await db.query(
      `DELETE FROM pending_reference p USING unnest($3::text[], $4::text[]) AS s(crm_record_id, field)
        WHERE p.organization_id = $1 AND p.crm_object = $2 AND p.crm_record_id = s.crm_record_id AND p.field = s.field`,
      [scope.organizationId, crmObject, settled.map((s) => s.crmRecordId), settled.map((s) => s.field)],
    );
  }
  if (!pending.length) return;
  await db.query(
    `INSERT INTO pending_reference (organization_id, provider, account_key, sync_config_id, crm_object,
                                    crm_record_id, field, target_external_object, target_external_id, target_crm_object)
     SELECT $1, $2, $3, $4, $5, p.* FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[]) AS p
     ON CONFLICT ON CONSTRAINT pending_reference_field_unique DO UPDATE
        SET provider = excluded.provider, account_key = excluded.account_key, sync_config_id = excluded.sync_config_id,
            target_external_object = excluded.target_external_object, target_external_id = excluded.target_external_id,
            target_crm_object = excluded.target_crm_object, created_at = now()`,
    [
      ...scopeParams(scope),
      configId,
      crmObject,
      pending.map((p) => p.crmRecordId),
      pending.map((p) => p.field),
      pending.map((p) => p.targetExternalObject),
      pending.map((p) => p.targetExternalId),
      pending.map((p) => p.targetCrmObject),
    ],
  );
}
