import { CRM_OBJECTS } from '../crm/crm-objects';

/**
 * The HotCRM object a REFERENCE field's id names: `params.crmObject` when given, else the one
 * the field's name ends with before `_id` (account_id → account, converted_contact_id → contact,
 * campaign_member_id → campaign_member: the longest object name wins). Null when neither says.
 */
export function referencedCrmObject(targetField: string, crmObject: string | null): string | null {
  if (crmObject) return crmObject;
  const field = targetField.split('.').pop() ?? targetField;
  if (!field.endsWith('_id')) return null;
  const stem = field.slice(0, -'_id'.length);
  const names = Object.keys(CRM_OBJECTS)
    .filter((name) => stem === name || stem.endsWith(`_${name}`))
    .sort((a, b) => b.length - a.length);
  return names[0] ?? null;
}
