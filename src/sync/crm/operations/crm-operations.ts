/**
 * The GraphQL documents GatewayCrmStore sends for one CRM object, in the owning cloud's own
 * terms. Each object has a small file beside this one; changing how a cloud names things means
 * editing that file, not the store. The store relies on these shapes:
 *
 * - byIds: variables `{ ids }`; `records` lists the found records (nulls allowed for missing ids).
 * - changedSince: variables `{ after: { at, id } | null, first }`; `records` are those modified
 *   after the position, ordered by (lastModifiedDate, id), at most `first`.
 * - create: variables `{ input: [{ id?, ...fields }] }`; `records` gives each created `id`, in
 *   input order. An id is sent when the sync chose it (ids derived from the external record keep
 *   a resumed run from creating a second copy), so the cloud must accept client-chosen ids.
 * - update: variables `{ input: [{ id, ...fields }] }`, fields not sent left as they are;
 *   `records` in input order, null where no record has that id.
 * - delete: variables `{ ids }`; `count` is how many records were deleted.
 * - matching (match before create, SyncConfig.matchOn): variables `{ lookups: [{ field, kind,
 *   values }] }`, `field` in the cloud's name, `kind` one of TEXT, EMAIL, WEBSITE, PHONE (enum
 *   CrmMatchKind), `values` already in that kind's normal form; `matches` lists `{ field, value,
 *   id }` for every live record whose stored `field`, in the same normal form, equals one of the
 *   values: all of them, not the first (several are an ambiguous match the sync reports); the
 *   schema: docs/sync.md, "Matching before create". Normal
 *   forms (normaliseMatchValue in src/sync/crm/match-on.ts): trimmed and lowercased; WEBSITE then
 *   the host only, without scheme, leading `www.`, port or path; PHONE as E.164, else (no country
 *   code) its digits and `+`; an empty value matches nothing. One request per inbound page and
 *   object for all its lookups, so the cloud should serve it from indexes on the normal forms.
 *
 * Every record selection includes id, createdDate and lastModifiedDate; `lastModifiedDate` is
 * used verbatim as the change position, so it should carry the cloud's full precision.
 */
export interface CrmOperations {
  /** The CRM object's snake_case field → the cloud's GraphQL field. */
  fields: Record<string, string>;
  byIds: string;
  changedSince: string;
  create: string;
  update: string;
  delete: string;
  matching: string;
}

/** ObjectQL's snake_case names map to camelCase in the clouds' GraphQL schemas. */
export function camelFields(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())]));
}

/** What every record query selects: the system fields plus the object's own. */
export function recordSelection(fields: Record<string, string>): string {
  return ['id', 'createdDate', 'lastModifiedDate', ...Object.values(fields)].join(' ');
}
