import type { Queryable } from '../../db/sql/queryable';
import type { SqlFragment } from './sql-fragment';

/** Where the CRM record write finds its values in the statement it is part of. */
export interface CrmRecordsBind {
  /** Placeholder of the organization id. */
  organization: string;
  /** Placeholder of the CRM object's name. */
  object: string;
  /** Placeholder of the JSON array of {id, data}. */
  rows: string;
  /** A condition: nothing is written unless it holds (the page commit: the run is still owned); it may name the row as `x` (x.id). */
  when: string;
}

/**
 * What a write returns per record: created (a new row) or merged, the record's fields after the
 * write, and for a merge the fields whose value it changed (empty: the write changed nothing).
 * `changed` reads the row as it was before the statement: a subquery in RETURNING sees the
 * statement's snapshot, not its own writes (a restored deleted record counts every field).
 */
export interface WrittenCrmRecord {
  id: string;
  created: boolean;
  data: Record<string, unknown>;
  changed: string[] | null;
}

/**
 * One statement for a whole page of rows (the sync writes 100 at a time and must sustain
 * 10,000 records/s): a row whose id exists has its fields merged in (jsonb ||, so fields not
 * named keep their values), any other row is inserted. A deleted record written again comes back
 * with only the new fields, not merged into what was deleted. xmax is 0 only on a freshly
 * inserted row version, which tells creates from merges without reading first.
 */
function upsertText({ organization, object, rows, when }: CrmRecordsBind): string {
  return `
  INSERT INTO crm_record AS r (organization_id, object, id, data, created_date, last_modified_date)
  SELECT ${organization}, ${object}, x.id, x.data, now(), now()
    FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, data jsonb)
   WHERE ${when}
  ON CONFLICT (organization_id, object, id) DO UPDATE
     SET data = CASE WHEN r.deleted_at IS NULL THEN r.data || EXCLUDED.data ELSE EXCLUDED.data END,
         deleted_at = NULL,
         last_modified_date = now()
  RETURNING id, (xmax = 0) AS created, r.data,
            CASE WHEN xmax = 0 THEN NULL ELSE COALESCE((
              SELECT array_agg(n.key ORDER BY n.key)
                FROM crm_record o CROSS JOIN LATERAL jsonb_each(r.data) AS n(key, value)
               WHERE o.organization_id = ${organization} AND o.object = ${object} AND o.id = r.id
                 AND (o.deleted_at IS NOT NULL OR o.data -> n.key IS DISTINCT FROM n.value)), '{}') END AS changed`;
}

/**
 * The built-in store's upsert as the `records` fragment of the inbound page commit
 * (inbound-page-commit.ts): the page's CRM records written in the statement that commits its
 * links and progress, RETURNING id, created (the run's counters count creates and merges), data
 * and changed (the page's record events, WrittenCrmRecord).
 */
export const crmRecordsUpsert: SqlFragment<CrmRecordsBind> = { name: 'records', text: upsertText };

const UPSERT = upsertText({ organization: '$1', object: '$2', rows: '$3', when: 'true' });

/** The upsert on its own (BuiltInCrmStore.upsert), of rows already folded by id (ON CONFLICT may not touch a row twice). */
export async function upsertCrmRecords(
  db: Queryable,
  organizationId: string,
  object: string,
  rows: { id: string; data: Record<string, unknown> }[],
): Promise<{ id: string; created: boolean }[]> {
  return db.query(UPSERT, [organizationId, object, JSON.stringify(rows)]);
}
