import { BadUserInputError } from '../../errors';
import { CRM_OBJECTS, crmFieldNames, crmObject } from '../crm/crm-objects';
import { TransformType } from '../sync.enums';
import type { StoredMappingRule } from '../field-mapping.entity';
import { isValidDotPath } from './dot-path';
import { referencedCrmObject } from './reference-target';
import { validateTransform } from './transforms';
import type { CheckedTransform } from './transform-params';

export const MAX_RULES = 500;

/** A rule as a mutation receives it (FieldMappingRuleInput), before any check. */
export interface RuleInput {
  sourceField?: unknown;
  targetField?: unknown;
  transform?: { type?: unknown; params?: unknown } | null;
  defaultValue?: unknown;
}

/** HotCRM assigns ids itself; a mapping that wrote one would fight the record store's upserts. */
const ASSIGNED_BY_CRM = new Set(['id']);

function dotPath(value: unknown, field: string): string {
  const path = typeof value === 'string' ? value.trim() : '';
  if (!isValidDotPath(path)) {
    throw new BadUserInputError('must be a dot path of letters, digits, _, $ or - segments, such as address.city', field);
  }
  return path;
}

/** True when writing both paths would clobber one with the other (`address` and `address.city`). */
const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

/**
 * Checks a mapping's rules as a whole and returns them in their stored form. Every problem is a
 * BadUserInputError naming `rules.N.<field>`: paths, transform params, target fields unknown to a
 * CRM target object, and two rules writing the same target.
 */
export function validateRules(rules: unknown, targetObject: string): StoredMappingRule[] {
  if (!Array.isArray(rules) || rules.length === 0) throw new BadUserInputError('a mapping needs at least one rule', 'rules');
  if (rules.length > MAX_RULES) throw new BadUserInputError(`a mapping has at most ${MAX_RULES} rules`, 'rules');
  const crmFields = crmObject(targetObject) ? new Set(crmFieldNames(targetObject)) : null;
  const stored: StoredMappingRule[] = [];
  rules.forEach((rule: RuleInput | null, index) => {
    const at = (key: string) => `rules.${index}.${key}`;
    if (rule === null || typeof rule !== 'object') throw new BadUserInputError('each rule must be an object', `rules.${index}`);
    const sourceField = dotPath(rule.sourceField, at('sourceField'));
    const targetField = dotPath(rule.targetField, at('targetField'));
    if (crmFields && !crmFields.has(targetField)) {
      throw new BadUserInputError(`${targetObject} has no field ${targetField}; its fields are ${[...crmFields].join(', ')}`, at('targetField'));
    }
    if (crmFields && ASSIGNED_BY_CRM.has(targetField)) {
      throw new BadUserInputError(`${targetObject}.${targetField} is assigned by HotCRM and cannot be mapped to`, at('targetField'));
    }
    const earlier = stored.findIndex((other) => overlaps(other.targetField, targetField));
    if (earlier >= 0) {
      throw new BadUserInputError(`rule ${earlier} already writes ${stored[earlier].targetField}`, at('targetField'));
    }
    let transform: StoredMappingRule['transform'] = null;
    if (rule.transform !== undefined && rule.transform !== null) {
      const checked = validateTransform(rule.transform, at('transform'));
      checkReference(checked, targetObject, targetField, at('transform.params'));
      transform = { type: String(rule.transform.type), params: rule.transform.params ?? null };
    }
    const entry: StoredMappingRule = { sourceField, targetField, transform };
    if (rule.defaultValue !== undefined && rule.defaultValue !== null) entry.defaultValue = rule.defaultValue;
    stored.push(entry);
  });
  return stored;
}

/** A REFERENCE must say which HotCRM object its ids name: by the target field's name or params.crmObject. */
function checkReference(transform: CheckedTransform, targetObject: string, targetField: string, at: string): void {
  if (transform.type !== TransformType.REFERENCE) return;
  if (transform.crmObject !== null && !crmObject(transform.crmObject)) {
    throw new BadUserInputError(`crmObject must be a HotCRM object: ${Object.keys(CRM_OBJECTS).join(', ')}`, `${at}.crmObject`);
  }
  if (!referencedCrmObject(targetField, transform.crmObject, targetObject)) {
    throw new BadUserInputError(
      `REFERENCE into ${targetField} needs crmObject: the HotCRM object its ids name (the field's name does not say)`,
      `${at}.crmObject`,
    );
  }
}
