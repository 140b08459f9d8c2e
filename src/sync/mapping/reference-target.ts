import { CRM_OBJECTS, crmField } from '../crm/crm-objects';

/**
 * The HotCRM object a REFERENCE field's id names: `params.crmObject` when given, else the object
 * the target object's declaration says the field references (case.account_id → account,
 * lead.converted_contact_id → contact), else the one the field's name ends with before `_id`
 * (for a target that is not a declared field: the longest object name wins, so
 * campaign_member_id → campaign_member). Null when none says.
 */
export function referencedCrmObject(targetField: string, crmObject: string | null, targetObject?: string): string | null {
  if (crmObject) return crmObject;
  const declared = targetObject ? crmField(targetObject, targetField)?.references : undefined;
  if (declared) return declared;
  const field = targetField.split('.').pop() ?? targetField;
  if (!field.endsWith('_id')) return null;
  const stem = field.slice(0, -'_id'.length);
  const names = Object.keys(CRM_OBJECTS)
    .filter((name) => stem === name || stem.endsWith(`_${name}`))
    .sort((a, b) => b.length - a.length);
  return names[0] ?? null;
}
