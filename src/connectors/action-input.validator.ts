import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { BadUserInputError } from '../errors';

/**
 * Checks an action's input against the JSON Schema its connector declares (Connector.actions
 * inputSchema), naming the first offending field as `input.<path>`. Compiled schemas are cached.
 */
export class ActionInputValidator {
  private readonly ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  check(schema: Record<string, unknown>, input: unknown): void {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    if (validate(input)) return;
    const error = validate.errors![0];
    throw new BadUserInputError(`input${describe(error)}`, `input${fieldOf(error)}`);
  }
}

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath.replace(/\//g, '.');
  const missing = error.keyword === 'required' ? `.${(error.params as { missingProperty: string }).missingProperty}` : '';
  const extra = error.keyword === 'additionalProperties' ? `.${(error.params as { additionalProperty: string }).additionalProperty}` : '';
  return `${path}${missing}${extra}`;
}

function describe(error: ErrorObject): string {
  return `${fieldOf(error)} ${error.message ?? 'is invalid'}`;
}
