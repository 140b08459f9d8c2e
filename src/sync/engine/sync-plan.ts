import type { ConnectorBinding } from '../../connections/connector-runtime';
import type { ObjectDefinition } from '../../connectors/connector.definition';
import type { ConnectorRecord } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { ConflictError } from '../../errors';
import { crmFieldNames } from '../crm/crm-objects';
import type { StoredMappingRule } from '../field-mapping.entity';
import { applyMapping, invertRules } from '../mapping/apply-mapping';
import { readPath } from '../mapping/dot-path';
import { TransformValueError } from '../mapping/mapping.errors';
import type { SyncConfigEntity } from '../sync-config.entity';
import { type ReferenceField, referenceFields } from './references';

const SYSTEM_FIELDS = new Set(['id', 'created', 'created_date', 'last_modified_date', 'object', 'livemode']);

/**
 * How one config's records cross in both directions, always meeting in HotCRM's terms: `fields`
 * are the CRM fields the sync owns; `fromExternal` maps an external record to them (the inbound
 * mapping), `crmView` picks them from a CRM record, `toExternal` turns CRM values into an
 * external payload (the inverted mapping). Content hashes, lastSyncedData and conflicts are all
 * over these CRM-side values, so inbound, outbound and bidirectional links compare alike.
 */
export interface SyncPlan {
  fields: string[];
  fromExternal(record: ConnectorRecord): Record<string, unknown>;
  crmView(data: Record<string, unknown>): Record<string, unknown>;
  toExternal(values: Record<string, unknown>): Record<string, unknown>;
  /** REFERENCE fields: HotCRM ids in the CRM values, provider ids outside (references.ts translates). */
  references: ReferenceField[];
}

/**
 * Throws MappingNotInvertibleError (BAD_USER_INPUT naming the rule) for a mapping with a
 * transform that has no inverse: such a config cannot write outbound, and the run fails saying so.
 */
export function syncPlan(rules: StoredMappingRule[] | null, object: ObjectDefinition, crmObject: string): SyncPlan {
  if (rules) {
    const inverted = invertRules(rules);
    const fields = [...new Set(rules.map((rule) => rule.targetField))];
    return {
      fields,
      fromExternal: (record) => applyMapping(rules, record),
      crmView: (data) => pick(data, fields),
      toExternal: (values) => applyMapping(inverted, values),
      references: referenceFields(rules, crmObject),
    };
  }
  // Without a mapping, fields named alike on both sides are copied (as inbound does).
  const external = new Set(object.fields.map((f) => f.name.split('.')[0]));
  const fields = crmFieldNames(crmObject).filter((name) => external.has(name) && !SYSTEM_FIELDS.has(name));
  return {
    fields,
    fromExternal: (record) => pick(record, fields),
    crmView: (data) => pick(data, fields),
    toExternal: (values) => pick(values, fields),
    references: [],
  };
}

function pick(data: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const value = readPath(data, field);
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/**
 * The config's connector object is gone, or can no longer be written: the connector changed after
 * the config was saved (create and update check both). CONFLICT, as for an expired connection:
 * the request is fine, the config's state no longer fits its connector; a run fails with it.
 */
export class SyncObjectUnavailableError extends ConflictError {
  constructor(
    readonly connector: string,
    readonly object: string,
    detail: string,
  ) {
    super(`${connector} ${detail}`);
    this.name = 'SyncObjectUnavailableError';
  }
}

/** The connector object a config reads, checked again at run time (the connector may have changed). */
export function sourceObjectOf(binding: ConnectorBinding, config: SyncConfigEntity): ObjectDefinition {
  const { definition } = binding;
  const object = definition.objects.find((o) => o.name === config.sourceObject);
  if (!object) throw new SyncObjectUnavailableError(definition.key, config.sourceObject, `has no object ${config.sourceObject}`);
  return object;
}

/** The connector object a write direction writes to, checked again at run time (the connector may have changed). */
export function writableObject(binding: ConnectorBinding, config: SyncConfigEntity): ObjectDefinition {
  const { definition, handler } = binding;
  const object = sourceObjectOf(binding, config);
  if (!object.supportsWrite || !handler.create || !handler.update) {
    throw new SyncObjectUnavailableError(definition.key, object.name, `${object.name} is read-only: a ${config.direction} sync cannot write it`);
  }
  return object;
}

/**
 * A failure that belongs to one record (a value the provider refused, a transform that cannot
 * convert it) is counted and logged while the run goes on; anything else (credentials refused,
 * rate budget exhausted, provider down) fails the run, since every other record would fail too.
 */
export function isRecordError(error: unknown): boolean {
  if (error instanceof TransformValueError) return true;
  if (error instanceof ProviderError) return error.status !== null && error.status >= 400 && error.status < 500 && ![401, 403, 429].includes(error.status);
  return false;
}
