import { AppError, BadUserInputError } from '../../errors';

/**
 * A value a transform cannot convert (a TO_NUMBER of "abc", a DATE_FORMAT of a non-date). Raised
 * while a run maps records; the engine records it against the record with this stable code.
 * applyMapping adds the rule's fields so the log says which mapping line failed.
 */
export class TransformValueError extends AppError {
  readonly code = 'MAPPING_TYPE_MISMATCH';
  constructor(
    readonly transformType: string,
    readonly detail: string,
    readonly rule?: { sourceField: string; targetField: string },
  ) {
    super(rule ? `${rule.sourceField} → ${rule.targetField}: ${transformType}: ${detail}` : `${transformType}: ${detail}`);
  }
}

/**
 * A mapping that cannot run outbound because rule `ruleIndex`'s transform has no inverse (CONCAT,
 * SPLIT, an ENUM_MAP whose values repeat). It names the rule like any other bad input.
 */
export class MappingNotInvertibleError extends BadUserInputError {
  constructor(
    readonly ruleIndex: number,
    transformType: string,
  ) {
    super(`rule ${ruleIndex}: ${transformType} cannot be reversed for the outbound direction`, `rules.${ruleIndex}.transform`);
  }
}
