import type { CrmField, CrmObject } from './objects/declare';
import { HR_OBJECTS } from './objects/hr.objects';
import { INTEGRATION_OBJECTS } from './objects/integration.objects';
import { MARKETING_OBJECTS } from './objects/marketing.objects';
import { REVENUE_OBJECTS } from './objects/revenue.objects';
import { SALES_OBJECTS } from './objects/sales.objects';
import { SERVICE_OBJECTS } from './objects/service.objects';

export type { CloudNames, CrmCloud, CrmField, CrmObject } from './objects/declare';

/**
 * HotCRM's objects with their snake_case field names (DESIGN.md, "CRM objects"), one declaration
 * each in ./objects/<cloud>.objects.ts. Mappings whose target is one of these are checked against
 * this list, both CRM stores keep exactly these fields, `crmObjects` lists it, and the mapping
 * suggester's targets come from it.
 */
export const CRM_OBJECT_LIST: readonly CrmObject[] = [
  ...SALES_OBJECTS,
  ...REVENUE_OBJECTS,
  ...SERVICE_OBJECTS,
  ...MARKETING_OBJECTS,
  ...HR_OBJECTS,
  ...INTEGRATION_OBJECTS,
];

export const CRM_OBJECTS: Readonly<Record<string, CrmObject>> = Object.fromEntries(CRM_OBJECT_LIST.map((object) => [object.name, object]));

/** The built-in object called `name`, or null when HotCRM has no such object. */
export function crmObject(name: string): CrmObject | null {
  return Object.prototype.hasOwnProperty.call(CRM_OBJECTS, name) ? CRM_OBJECTS[name] : null;
}

/** The object's field names in declaration order; empty for an unknown object. */
export function crmFieldNames(name: string): string[] {
  return crmObject(name)?.fields.map((field) => field.name) ?? [];
}

/** The field `field` of `object`, or null. */
export function crmField(object: string, field: string): CrmField | null {
  return crmObject(object)?.fields.find((f) => f.name === field) ?? null;
}

/** True when the owning cloud keeps the object (through the gateway in gateway mode); false for the integration cloud's own. */
export function keptByItsCloud(object: CrmObject): object is CrmObject & { gateway: NonNullable<CrmObject['gateway']> } {
  return object.gateway !== undefined;
}
