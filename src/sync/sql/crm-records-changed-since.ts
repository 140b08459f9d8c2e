import type { Queryable } from '../../db/sql/queryable';
import { CRM_RECORD_COLUMNS, CrmRecordRow } from './crm-record-row';

// Two texts rather than `$3 IS NULL OR ...`, so each plan can use the (org, object, time, id) index.
const CHANGES_FROM_START = `
  SELECT ${CRM_RECORD_COLUMNS} FROM crm_record
   WHERE organization_id = $1 AND object = $2 AND deleted_at IS NULL
   ORDER BY last_modified_date, id
   LIMIT $3`;

const CHANGES_AFTER = `
  SELECT ${CRM_RECORD_COLUMNS} FROM crm_record
   WHERE organization_id = $1 AND object = $2 AND deleted_at IS NULL
     AND (last_modified_date, id) > ($3::timestamptz, $4::uuid)
   ORDER BY last_modified_date, id
   LIMIT $5`;

/** Live records in change order (last-modified time, then id) after `after`, or from the start when null. */
export async function crmRecordsChangedSince(
  db: Queryable,
  organizationId: string,
  object: string,
  after: { at: string; id: string } | null,
  limit: number,
): Promise<CrmRecordRow[]> {
  return after ? db.query(CHANGES_AFTER, [organizationId, object, after.at, after.id, limit]) : db.query(CHANGES_FROM_START, [organizationId, object, limit]);
}
