/** The change position with microseconds, as src/db/paginate.ts writes cursors: a JS Date keeps only milliseconds. */
const AT = `to_char(last_modified_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** What the CRM record reads select: the record, and its change position as text. */
export const CRM_RECORD_COLUMNS = `id, data, created_date, last_modified_date, ${AT} AS at`;

export interface CrmRecordRow {
  id: string;
  data: Record<string, unknown>;
  created_date: Date;
  last_modified_date: Date;
  at: string;
}
