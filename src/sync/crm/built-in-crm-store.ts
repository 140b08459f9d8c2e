import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUuid } from '../../db/paginate';
import { BadUserInputError } from '../../errors';
import type { CrmRecordRow } from '../sql/crm-record-row';
import { crmMatchCandidates } from '../sql/crm-match-candidates';
import { crmRecordsById } from '../sql/crm-records-by-id';
import { crmRecordsChangedSince } from '../sql/crm-records-changed-since';
import { softDeleteCrmRecords } from '../sql/soft-delete-crm-records';
import { crmRecordsUpsert, upsertCrmRecords } from '../sql/upsert-crm-records';
import { checkCursor, checkLimit, checkObject, checkOrganization, writableData } from './crm-store.checks';
import type { CrmChangeCursor, CrmChangePage, CrmRecord, CrmStore, CrmUpsertRow, SameDatabaseWrites } from './crm-store.port';

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

const toRecord = (row: CrmRecordRow): CrmRecord => ({ id: row.id, data: row.data, createdDate: row.created_date, lastModifiedDate: row.last_modified_date });

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
    const written = await upsertCrmRecords(this.db, organizationId, object, batch.rows);
    const created = new Map(written.map((row) => [row.id, row.created]));
    return batch.ids.map((id) => ({ id, created: created.get(id) ?? false }));
  }

  /** Every object's records are in this database. */
  sameDatabaseFor(): SameDatabaseWrites {
    return this.writes;
  }

  private readonly writes: SameDatabaseWrites = {
    rows: (organizationId, object, rows) => writableRows(organizationId, object, rows).rows,
    upsert: crmRecordsUpsert,
    matchCandidates: (organizationId, object, lookups, scope) => {
      checkOrganization(organizationId);
      checkObject(object);
      return crmMatchCandidates(this.db, organizationId, object, lookups, scope);
    },
  };

  async get(organizationId: string, object: string, ids: string[]): Promise<Map<string, CrmRecord>> {
    checkOrganization(organizationId);
    checkObject(object);
    const valid = ids.filter(isUuid);
    if (!valid.length) return new Map();
    const rows = await crmRecordsById(this.db, organizationId, object, valid);
    return new Map(rows.map((row) => [row.id, toRecord(row)]));
  }

  async changedSince(organizationId: string, object: string, after: CrmChangeCursor | null, limit: number): Promise<CrmChangePage> {
    checkOrganization(organizationId);
    checkObject(object);
    checkLimit(limit);
    checkCursor(after);
    if (after && !isUuid(after.id)) throw new BadUserInputError('after is not a position returned by changedSince', 'after');
    const rows = await crmRecordsChangedSince(this.db, organizationId, object, after, limit);
    const last = rows[rows.length - 1];
    return { records: rows.map(toRecord), next: last ? { at: last.at, id: last.id } : null };
  }

  async delete(organizationId: string, object: string, ids: string[]): Promise<number> {
    checkOrganization(organizationId);
    checkObject(object);
    const valid = ids.filter(isUuid);
    if (!valid.length) return 0;
    return softDeleteCrmRecords(this.db, organizationId, object, valid);
  }
}
