import type { MatchCandidateRow, MatchLinkScope, MatchLookup } from '../sql/crm-match-candidates';
import type { SqlFragment } from '../sql/sql-fragment';
import type { CrmRecordsBind } from '../sql/upsert-crm-records';

/**
 * The CRM side of a sync (DESIGN.md section 4): where external records land in HotCRM and where
 * outbound syncs read HotCRM's changes from. Two adapters: BuiltInCrmStore (the default, a table
 * in this database) and GatewayCrmStore (the owning clouds through the GraphQL gateway); in
 * gateway mode ByOwnerCrmStore sends each object to the one that keeps it.
 *
 * Field names in `data` are the CRM object's snake_case names (src/sync/crm/crm-objects.ts); the
 * system fields id, created_date and last_modified_date are kept by the store, never by `data`.
 */

export interface CrmRecord {
  id: string;
  data: Record<string, unknown>;
  createdDate: Date;
  lastModifiedDate: Date;
}

/** A position in change order: the record's last-modified time (microseconds, ISO) and its id. */
export interface CrmChangeCursor {
  at: string;
  id: string;
}

export interface CrmUpsertRow {
  /** The record to merge into; it is created with this id when it does not exist. Absent: a new record. */
  id?: string | null;
  /** Fields to set; fields not named keep their stored values. */
  data: Record<string, unknown>;
}

export interface CrmChangePage {
  /** In change order: last-modified time, then id. */
  records: CrmRecord[];
  /**
   * Where to resume after this page, the checkpoint to store: the last record's position. Null
   * only when the page is empty (nothing changed after `after`, so the old checkpoint stands).
   * Fewer records than the limit means the reader has caught up.
   */
  next: CrmChangeCursor | null;
}

export interface CrmStore {
  /** One result per row, in row order; `created` is false when an existing record was merged into. */
  upsert(organizationId: string, object: string, rows: CrmUpsertRow[]): Promise<{ id: string; created: boolean }[]>;
  /** The live records among `ids`, by id; unknown and deleted ids are simply absent. */
  get(organizationId: string, object: string, ids: string[]): Promise<Map<string, CrmRecord>>;
  /** Records changed after `after` (from the start when null), at most `limit`, in change order. */
  changedSince(organizationId: string, object: string, after: CrmChangeCursor | null, limit: number): Promise<CrmChangePage>;
  /** Deletes the live records among `ids`; returns how many there were. */
  delete(organizationId: string, object: string, ids: string[]): Promise<number>;
  /**
   * Offered for the objects a store keeps in the integration database itself (the built-in
   * store's, and in gateway mode the integration cloud's own contract and activity): an inbound
   * sync then writes a page's records in the same statement that commits the page's links and
   * resume point, one round trip and one commit per page, and records and links commit together.
   * Undefined for an object kept elsewhere.
   */
  sameDatabaseFor?(object: string): SameDatabaseWrites | undefined;
  /**
   * Matching before create for a store outside this database (the gateway one): the live records
   * of `object` whose matchOn fields hold one of the given values, compared in the normal form of
   * the field's kind (src/sync/crm/match-on.ts; `keys` are in that form already), one row per
   * field, key and record. One request for all the lookups, whatever their number of keys. Which
   * records are linked elsewhere is not the store's business: the engine excludes those with the
   * links, which are in this database.
   */
  findByFields?(organizationId: string, object: string, lookups: MatchLookup[]): Promise<FieldMatch[]>;
}

/** A live record whose `field`, normalised, equals `key` (a MatchCandidateRow without the links). */
export interface FieldMatch {
  field: string;
  key: string;
  id: string;
}

export interface SameDatabaseWrites {
  /** The rows `upsert` would write, checked and folded by id; throws what `upsert` would. */
  rows(organizationId: string, object: string, rows: CrmUpsertRow[]): { id: string; data: Record<string, unknown> }[];
  /**
   * `upsert` as the named fragment of a WITH clause (src/sync/sql/upsert-crm-records.ts), over the
   * JSON array of {id, data} bound as `rows`, writing nothing unless `when` holds; RETURNING id, created.
   */
  readonly upsert: SqlFragment<CrmRecordsBind>;
  /**
   * Matching before create: the live records whose matchOn fields hold one of a page's
   * normalised values, per field and value, each with the external ids linked to it in `scope`
   * (the links are in this database too), in one statement.
   */
  matchCandidates(organizationId: string, object: string, lookups: MatchLookup[], scope: MatchLinkScope): Promise<MatchCandidateRow[]>;
}
