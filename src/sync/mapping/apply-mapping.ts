import type { StoredMappingRule } from '../field-mapping.entity';
import { TransformType } from '../sync.enums';
import { readPath, writePath } from './dot-path';
import { MappingNotInvertibleError, TransformValueError } from './mapping.errors';
import { applyTransform, invertTransform } from './transforms';

/**
 * Builds the target record from `source` rule by rule: read the source dot path, transform,
 * fall back to the rule's defaultValue (given in the target's terms) when that leaves nothing,
 * and write the target dot path.
 *
 * A source path that is absent (not merely null) and yields nothing leaves the target field out
 * rather than writing null: partial payloads (webhook deltas) must not erase CRM data.
 */
export function applyMapping(rules: StoredMappingRule[], source: Record<string, unknown>): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const rule of rules) {
    const value = readPath(source, rule.sourceField);
    let out: unknown;
    try {
      out = rule.transform ? applyTransform(rule.transform, value, source) : value;
    } catch (error) {
      if (error instanceof TransformValueError) throw new TransformValueError(error.transformType, error.detail, rule);
      throw error;
    }
    if (out === null && value === undefined) out = undefined;
    if ((out === null || out === undefined) && rule.defaultValue !== undefined && rule.defaultValue !== null) out = rule.defaultValue;
    if (out !== undefined) writePath(target, rule.targetField, out);
  }
  return target;
}

/**
 * The rules for the opposite direction (target → source), for outbound writes: fields swap and
 * each transform is replaced by its inverse. Defaults are dropped, since they are in the
 * inbound target's terms. Throws MappingNotInvertibleError naming the first rule whose transform
 * has no inverse.
 */
export function invertRules(rules: StoredMappingRule[]): StoredMappingRule[] {
  return rules.map((rule, index) => {
    let transform: StoredMappingRule['transform'] = null;
    if (rule.transform) {
      const inverse = invertTransform(rule.transform);
      if (!inverse) throw new MappingNotInvertibleError(index, rule.transform.type);
      transform = inverse.type === TransformType.NONE ? null : inverse;
    }
    return { sourceField: rule.targetField, targetField: rule.sourceField, transform };
  });
}
