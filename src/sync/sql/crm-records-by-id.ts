import type { Queryable } from '../../db/sql/queryable';
import { CRM_RECORD_COLUMNS, CrmRecordRow } from './crm-record-row';

const GET = `
  SELECT ${CRM_RECORD_COLUMNS} FROM crm_record
   WHERE organization_id = $1 AND object = $2 AND id = ANY($3::uuid[]) AND deleted_at IS NULL`;

/** The live records of an object among `ids` (UUIDs only: the caller drops the others). */
export async function crmRecordsById(db: Queryable, organizationId: string, object: string, ids: string[]): Promise<CrmRecordRow[]> {
  return db.query(GET, [organizationId, object, ids]);
}
