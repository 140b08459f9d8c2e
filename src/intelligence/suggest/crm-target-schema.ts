import { crmObject } from '../../sync/crm/crm-objects';
import type { ObjectSchemaLike } from './suggest-mappings';

/** Kept by HotCRM's record store itself (crm-store.port.ts): never a mapping's target. */
export const STORE_KEPT_FIELDS = new Set(['id', 'created_date', 'last_modified_date']);

/** A built-in CRM object as a target schema, without the fields the store keeps; null for other objects. */
export function crmTargetSchema(object: string): ObjectSchemaLike | null {
  const found = crmObject(object);
  if (!found) return null;
  return { object, fields: found.fields.filter((f) => !STORE_KEPT_FIELDS.has(f.name)).map((f) => ({ name: f.name, type: f.type })) };
}
