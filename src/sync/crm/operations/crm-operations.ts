import { crmObject } from '../crm-objects';

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

/**
 * The documents for a cloud that follows the clouds' shared conventions (Sales' Account is the
 * model): `<plural>ByIds`, `<plural>ChangedSince`, `<plural>Matching`, `create<Plural>`,
 * `update<Plural>`, `delete<Plural>` with `<Type>CreateInput`/`<Type>UpdateInput`, every field
 * in camelCase. An object whose cloud names things otherwise writes its documents out in its
 * own file instead.
 */
export function conventionalOperations(name: string): CrmOperations {
  const object = crmObject(name);
  if (!object?.gateway) throw new Error(`${name} is not a CRM object a cloud owns`);
  const { type, plural } = object.gateway;
  const lower = plural[0].toLowerCase() + plural.slice(1);
  const fields = camelFields(object.fields.map((field) => field.name).filter((name) => !SYSTEM_FIELDS.has(name)));
  const record = recordSelection(fields);
  return {
    fields,
    byIds: `query Crm${plural}ByIds($ids: [ID!]!) { records: ${lower}ByIds(ids: $ids) { ${record} } }`,
    changedSince: `query Crm${plural}ChangedSince($after: ChangeCursorInput, $first: Int!) {
    records: ${lower}ChangedSince(after: $after, first: $first) { ${record} }
  }`,
    create: `mutation CrmCreate${plural}($input: [${type}CreateInput!]!) { records: create${plural}(input: $input) { id } }`,
    update: `mutation CrmUpdate${plural}($input: [${type}UpdateInput!]!) { records: update${plural}(input: $input) { id } }`,
    matching: `query Crm${plural}Matching($lookups: [CrmMatchLookupInput!]!) {
    matches: ${lower}Matching(lookups: $lookups) { field value id }
  }`,
    delete: `mutation CrmDelete${plural}($ids: [ID!]!) { count: delete${plural}(ids: $ids) }`,
  };
}

const SYSTEM_FIELDS = new Set(['id', 'created_date', 'last_modified_date']);

/** ObjectQL's snake_case names map to camelCase in the clouds' GraphQL schemas. */
export function camelFields(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())]));
}

/** What every record query selects: the system fields plus the object's own. */
export function recordSelection(fields: Record<string, string>): string {
  return ['id', 'createdDate', 'lastModifiedDate', ...Object.values(fields)].join(' ');
}
