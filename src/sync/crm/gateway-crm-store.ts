import { BadUserInputError, UnexpectedResponseError } from '../../errors';
import { CrmGatewayClient, CrmGatewayOptions } from './crm-gateway-client';
import { checkCursor, checkLimit, checkObject, checkOrganization, writableData } from './crm-store.checks';
import type { CrmChangeCursor, CrmChangePage, CrmRecord, CrmStore, CrmUpsertRow, FieldMatch } from './crm-store.port';
import type { MatchLookup } from '../sql/crm-match-candidates';
import type { CrmOperations } from './operations/crm-operations';
import { CRM_OPERATIONS } from './operations';

/** A record as the clouds return it: camelCase fields plus the system fields. */
interface CloudRecord {
  id: string;
  createdDate: string;
  lastModifiedDate: string;
  [field: string]: unknown;
}

/**
 * The CRM store backed by the owning clouds (each object's `cloud` in its declaration, e.g.
 * Sales: account, contact, lead, opportunity; Revenue: invoice, subscription) through the
 * GraphQL gateway at CRM_GATEWAY_URL, using the documents in ./operations. It has none for the
 * integration cloud's own objects (contract, activity): ByOwnerCrmStore keeps those in the
 * built-in store. Field names are translated there and back, so the sync only sees the CRM's
 * snake_case names, as with the built-in store.
 *
 * Matching before create asks the cloud with `findByFields` (the `matching` documents); the
 * engine then drops candidates linked elsewhere using the links in this database.
 */
export class GatewayCrmStore implements CrmStore {
  private readonly client: CrmGatewayClient;

  constructor(
    options: CrmGatewayOptions,
    private readonly operations: Record<string, CrmOperations> = CRM_OPERATIONS,
  ) {
    this.client = new CrmGatewayClient(options);
  }

  /**
   * Rows with an id are updated in one mutation; ids the cloud does not know are then created
   * under that id together with the rows without one, in a second mutation. At most two
   * requests per call, whatever the number of rows.
   */
  async upsert(organizationId: string, object: string, rows: CrmUpsertRow[]): Promise<{ id: string; created: boolean }[]> {
    const ops = this.operationsFor(organizationId, object);
    if (!rows.length) return [];
    // A row named twice is folded into one update, as in the built-in store.
    const byId = new Map<string, Record<string, unknown>>();
    const fresh: { index: number; data: Record<string, unknown> }[] = [];
    rows.forEach((row, index) => {
      const data = writableData(object, row.data, index);
      if (row.id === undefined || row.id === null) fresh.push({ index, data });
      else if (typeof row.id !== 'string' || !row.id) throw new BadUserInputError(`rows[${index}].id must be a non-empty string`, `rows.${index}.id`);
      else byId.set(row.id, { ...byId.get(row.id), ...data });
    });

    // Created (true) or merged (false), by id for rows with one and by row index for the others.
    const byIdResult = new Map<string, boolean>();
    const freshIds = new Map<number, string>();
    const toCreate: { id?: string; index?: number; data: Record<string, unknown> }[] = [];
    if (byId.size) {
      const ids = [...byId.keys()];
      const input = ids.map((id) => ({ id, ...toCloud(ops, byId.get(id)!) }));
      const { records } = await this.client.request<{ records: ({ id: string } | null)[] }>(organizationId, ops.update, { input });
      ids.forEach((id, i) => {
        if (records[i]) byIdResult.set(id, false);
        else toCreate.push({ id, data: byId.get(id)! });
      });
    }
    toCreate.push(...fresh);
    if (toCreate.length) {
      const input = toCreate.map(({ id, data }) => ({ ...(id ? { id } : {}), ...toCloud(ops, data) }));
      const { records } = await this.client.request<{ records: { id: string }[] }>(organizationId, ops.create, { input });
      if (records.length !== input.length)
        throw new UnexpectedResponseError('crm-gateway', `created ${records.length} ${object} records for ${input.length} inputs`);
      toCreate.forEach(({ id, index }, i) => (id ? byIdResult.set(id, true) : freshIds.set(index!, String(records[i].id))));
    }
    return rows.map((row, index) =>
      row.id === undefined || row.id === null ? { id: freshIds.get(index)!, created: true } : { id: row.id, created: byIdResult.get(row.id) ?? false },
    );
  }

  async get(organizationId: string, object: string, ids: string[]): Promise<Map<string, CrmRecord>> {
    const ops = this.operationsFor(organizationId, object);
    const wanted = [...new Set(ids.filter((id) => typeof id === 'string' && id))];
    if (!wanted.length) return new Map();
    const { records } = await this.client.request<{ records: (CloudRecord | null)[] }>(organizationId, ops.byIds, { ids: wanted });
    const found = records.filter((record): record is CloudRecord => record !== null);
    return new Map(found.map((record) => [String(record.id), fromCloud(ops, record)]));
  }

  async changedSince(organizationId: string, object: string, after: CrmChangeCursor | null, limit: number): Promise<CrmChangePage> {
    const ops = this.operationsFor(organizationId, object);
    checkLimit(limit);
    checkCursor(after);
    const variables = { after: after ? { at: after.at, id: after.id } : null, first: limit };
    const { records } = await this.client.request<{ records: CloudRecord[] }>(organizationId, ops.changedSince, variables);
    const last = records[records.length - 1];
    // The cloud's own timestamp text is the position, so its precision is never cut to a JS Date's.
    return { records: records.map((record) => fromCloud(ops, record)), next: last ? { at: String(last.lastModifiedDate), id: String(last.id) } : null };
  }

  async delete(organizationId: string, object: string, ids: string[]): Promise<number> {
    const ops = this.operationsFor(organizationId, object);
    const wanted = [...new Set(ids.filter((id) => typeof id === 'string' && id))];
    if (!wanted.length) return 0;
    const { count } = await this.client.request<{ count: number }>(organizationId, ops.delete, { ids: wanted });
    return count;
  }

  /** One `matching` request for all the lookups; the cloud compares its stored values in the lookups' normal forms. */
  async findByFields(organizationId: string, object: string, lookups: MatchLookup[]): Promise<FieldMatch[]> {
    const ops = this.operationsFor(organizationId, object);
    const used = lookups.filter((l) => l.keys.length);
    if (!used.length) return [];
    const crmField = new Map<string, string>();
    const input = used.map(({ field, kind, keys }) => {
      const cloudField = ops.fields[field];
      if (!cloudField) throw new BadUserInputError(`The CRM gateway operations have no field for ${field}`, field);
      crmField.set(cloudField, field);
      return { field: cloudField, kind: kind.toUpperCase(), values: keys };
    });
    const { matches } = await this.client.request<{ matches: { field: string; value: string; id: string }[] }>(organizationId, ops.matching, {
      lookups: input,
    });
    return matches.map((m) => {
      const field = crmField.get(m.field);
      if (!field) throw new UnexpectedResponseError('crm-gateway', `matched ${object} on ${m.field}, which was not asked for`);
      return { field, key: String(m.value), id: String(m.id) };
    });
  }

  private operationsFor(organizationId: string, object: string): CrmOperations {
    checkOrganization(organizationId);
    checkObject(object);
    const ops = Object.prototype.hasOwnProperty.call(this.operations, object) ? this.operations[object] : undefined;
    if (!ops) throw new BadUserInputError(`The CRM gateway has no operations for ${object}`, 'object');
    return ops;
  }
}

function toCloud(ops: CrmOperations, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    const cloudField = ops.fields[field];
    if (!cloudField) throw new BadUserInputError(`The CRM gateway operations have no field for ${field}`, field);
    out[cloudField] = value;
  }
  return out;
}

/**
 * A GraphQL null is left out of `data`: the cloud cannot tell a field never written from one
 * cleared, and the built-in store leaves never-written fields out. Kept as null, every record
 * with an empty mapped field would hash unlike what the inbound sync wrote and echo back out.
 */
function fromCloud(ops: CrmOperations, record: CloudRecord): CrmRecord {
  const data: Record<string, unknown> = {};
  for (const [field, cloudField] of Object.entries(ops.fields)) {
    if (record[cloudField] !== undefined && record[cloudField] !== null) data[field] = record[cloudField];
  }
  return { id: String(record.id), data, createdDate: new Date(record.createdDate), lastModifiedDate: new Date(record.lastModifiedDate) };
}
