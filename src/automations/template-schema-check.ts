import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { BadUserInputError } from '../errors';
import { fieldPath } from './input-template';

/**
 * What can be known about a template's output at save time, checked against the action's
 * inputSchema: the template as it stands is validated with every error collected, and the errors
 * only a rendering can settle are dropped, namely those about the content of a string that holds
 * tags (its length, pattern, format, enum). A missing required property, an unknown property
 * where additionalProperties is false, a constant of the wrong type, or a templated string where
 * the schema wants a number (a template always renders to a string) are refused now.
 */
const CONTENT_KEYWORDS = new Set(['minLength', 'maxLength', 'pattern', 'format', 'enum', 'const']);

export class TemplateSchemaCheck {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false });
  private readonly compiled = new WeakMap<object, ValidateFunction>();

  constructor() {
    addFormats(this.ajv);
  }

  check(schema: Record<string, unknown>, template: unknown, templatedPaths: (string | number)[][]): void {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    if (validate(template)) return;
    const templated = new Set(templatedPaths.map((p) => pointer(p)));
    const knowable = (validate.errors ?? []).filter((e) => !(CONTENT_KEYWORDS.has(e.keyword) && templated.has(e.instancePath)));
    // anyOf/oneOf report a summary error beside their branches' errors; a branch error is more useful.
    const first = knowable.find((e) => !['anyOf', 'oneOf', 'if'].includes(e.keyword)) ?? knowable[0];
    if (!first) return;
    const path = [...first.instancePath.split('/').slice(1).map(unescape), ...extra(first)];
    throw new BadUserInputError(`${fieldPath(path)} ${describe(first)} (the action's inputSchema)`, fieldPath(path));
  }
}

function pointer(path: (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function extra(error: ErrorObject): string[] {
  if (error.keyword === 'required') return [(error.params as { missingProperty: string }).missingProperty];
  if (error.keyword === 'additionalProperties') return [(error.params as { additionalProperty: string }).additionalProperty];
  return [];
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not a property of this action';
  return error.message ?? 'is invalid';
}
