import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUuid } from '../../db/paginate';
import { BadUserInputError } from '../../errors';
import { checkCursor, checkLimit, checkObject, checkOrganization, writableData } from './crm-store.checks';
import type { CrmChangeCursor, CrmChangePage, CrmRecord, CrmStore, CrmUpsertRow, SameDatabaseWrites } from './crm-store.port';

/** The change position with microseconds, as src/db/paginate.ts writes cursors: a JS Date keeps only milliseconds. */
const AT = `to_char(last_modified_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const COLUMNS = `id, data, created_date, last_modified_date, ${AT} AS at`;

/**
 * One statement for a whole page of rows (the sync writes 100 at a time and must sustain
 * 10,000 records/s): a row whose id exists has its fields merged in (jsonb ||, so fields not
 * named keep their values), any other row is inserted. A deleted record written again comes back
 * with only the new fields, not merged into what was deleted. xmax is 0 only on a freshly
 * inserted row version, which tells creates from merges without reading first.
 */
function upsertSql({ organization, object, rows, when }: { organization: string; object: string; rows: string; when: string }): string {
  return `
  INSERT INTO crm_record AS r (organization_id, object, id, data, created_date, last_modified_date)
  SELECT ${organization}, ${object}, x.id, x.data, now(), now()
    FROM jsonb_to_recordset(${rows}::jsonb) AS x(id uuid, data jsonb)
   WHERE ${when}
  ON CONFLICT (organization_id, object, id) DO UPDATE
     SET data = CASE WHEN r.deleted_at IS NULL THEN r.data || EXCLUDED.data ELSE EXCLUDED.data END,
         deleted_at = NULL,
         last_modified_date = now()
  RETURNING id, (xmax = 0) AS created`;
}

const UPSERT = upsertSql({ organization: '$1', object: '$2', rows: '$3', when: 'true' });

const GET = `
  SELECT ${COLUMNS} FROM crm_record
   WHERE organization_id = $1 AND object = $2 AND id = ANY($3::uuid[]) AND deleted_at IS NULL`;

// Two texts rather than `$3 IS NULL OR ...`, so each plan can use the (org, object, time, id) index.
const CHANGES_FROM_START = `
  SELECT ${COLUMNS} FROM crm_record
   WHERE organization_id = $1 AND object = $2 AND deleted_at IS NULL
   ORDER BY last_modified_date, id
   LIMIT $3`;

const CHANGES_AFTER = `
  SELECT ${COLUMNS} FROM crm_record
   WHERE organization_id = $1 AND object = $2 AND deleted_at IS NULL
     AND (last_modified_date, id) > ($3::timestamptz, $4::uuid)
   ORDER BY last_modified_date, id
   LIMIT $5`;

/** Soft delete, bumping last_modified_date so the deletion is itself a change. Counted in SQL: an UPDATE's result shape differs by driver. */
const DELETE = `
  WITH deleted AS (
    UPDATE crm_record SET deleted_at = now(), last_modified_date = now()
     WHERE organization_id = $1 AND object = $2 AND id = ANY($3::uuid[]) AND deleted_at IS NULL
    RETURNING 1)
  SELECT count(*)::int AS count FROM deleted`;

/**
 * A batch as upsert writes it: `ids` per row in row order (chosen here for new rows, so every
 * result maps back to its row), and `rows` folded by id (ON CONFLICT may not touch a row twice in
 * one statement).
 */
function writableRows(organizationId: string, object: string, rows: CrmUpsertRow[]): { ids: string[]; rows: { id: string; data: Record<string, unknown> }[] } {
  checkOrganization(organizationId);
  checkObject(object);
  const ids: string[] = [];
  const merged = new Map<string, Record<string, unknown>>();
  rows.forEach((row, index) => {
    const data = writableData(object, row.data, index);
    const id = row.id ?? randomUUID();
    if (!isUuid(id)) throw new BadUserInputError(`rows[${index}].id "${id}" is not a ${object} id`, `rows.${index}.id`);
    const key = id.toLowerCase();
    ids.push(key);
    merged.set(key, { ...merged.get(key), ...data });
  });
  return { ids, rows: [...merged].map(([id, data]) => ({ id, data })) };
}

interface RecordRow {
  id: string;
  data: Record<string, unknown>;
  created_date: Date;
  last_modified_date: Date;
  at: string;
}

const toRecord = (row: RecordRow): CrmRecord => ({ id: row.id, data: row.data, createdDate: row.created_date, lastModifiedDate: row.last_modified_date });

/**
 * HotCRM's records in this database (table crm_record), the default CRM store. Ids are UUIDs:
 * one that is not cannot name a record, so reads skip it and writes refuse it.
 *
 * A write is stamped with its statement's start (now()) but seen by readers only at commit: a
 * reader paging past that instant in between would miss it. Every write here is one statement
 * committing on its own, so that window is one statement long; a reader that must not miss a
 * change can resume from slightly before its checkpoint, since re-reading a record is harmless.
 */
export class BuiltInCrmStore implements CrmStore {
  constructor(private readonly db: DataSource) {}

  async upsert(organizationId: string, object: string, rows: CrmUpsertRow[]): Promise<{ id: string; created: boolean }[]> {
    const batch = writableRows(organizationId, object, rows);
    if (!batch.rows.length) return [];
    const written: { id: string; created: boolean }[] = await this.db.query(UPSERT, [organizationId, object, JSON.stringify(batch.rows)]);
    const created = new Map(written.map((row) => [row.id, row.created]));
    return batch.ids.map((id) => ({ id, created: created.get(id) ?? false }));
  }

  readonly sameDatabase: SameDatabaseWrites = {
    rows: (organizationId, object, rows) => writableRows(organizationId, object, rows).rows,
    upsertSql,
  };

  async get(organizationId: string, object: string, ids: string[]): Promise<Map<string, CrmRecord>> {
    checkOrganization(organizationId);
    checkObject(object);
    const valid = ids.filter(isUuid);
    if (!valid.length) return new Map();
    const rows: RecordRow[] = await this.db.query(GET, [organizationId, object, valid]);
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  async changedSince(organizationId: string, object: string, after: CrmChangeCursor | null, limit: number): Promise<CrmChangePage> {
    checkOrganization(organizationId);
    checkObject(object);
    checkLimit(limit);
    checkCursor(after);
    if (after && !isUuid(after.id)) throw new BadUserInputError('after is not a position returned by changedSince', 'after');
    const rows: RecordRow[] = after
      ? await this.db.query(CHANGES_AFTER, [organizationId, object, after.at, after.id, limit])
      : await this.db.query(CHANGES_FROM_START, [organizationId, object, limit]);
    const last = rows[rows.length - 1];
    return { records: rows.map(toRecord), next: last ? { at: last.at, id: last.id } : null };
  }

  async delete(organizationId: string, object: string, ids: string[]): Promise<number> {
    checkOrganization(organizationId);
    checkObject(object);
    const valid = ids.filter(isUuid);
    if (!valid.length) return 0;
    const [{ count }]: { count: number }[] = await this.db.query(DELETE, [organizationId, object, valid]);
    return count;
  }
}
