import Mustache from 'mustache';
import { BadUserInputError } from '../errors';
import type { RecordedEventFacts } from '../events/event-fan-out';

/**
 * An automation's inputTemplate: the action's input as JSON in which every string is a Mustache
 * template (logic-less: variables, sections, inverted sections, comments; no partials) rendered
 * over {event: {...}} with HTML escaping off, since the output is JSON for an API, not HTML.
 * Numbers, booleans and null are kept as they are; a string always renders to a string.
 */
export interface TemplateView {
  /** The recorded event as JSON: occurredAt as its ISO string. */
  event: Omit<RecordedEventFacts, 'occurredAt'> & { occurredAt: string };
}

const MAX_TEMPLATE_BYTES = 64 * 1024;
const MAX_DEPTH = 20;
/** The view's one top-level name: a tag outside every section must start there. */
const ROOT = 'event';
const NO_ESCAPE = { escape: (value: unknown) => String(value) };

type Token = [string, string, number, number, Token[]?, ...unknown[]];

/** A string of the template that holds tags (it renders per event), by its path in the input. */
export interface TemplatedPath {
  path: (string | number)[];
}

/**
 * Checks that the template is a JSON object whose every string parses as Mustache, names only
 * the view's `event` at the top level and uses no partials. Returns the paths of the strings that
 * hold tags (they render per event); errors name `inputTemplate.<path>`.
 */
export function checkInputTemplate(template: unknown): (string | number)[][] {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new BadUserInputError('inputTemplate must be a JSON object: the action input, with Mustache templates in its strings', 'inputTemplate');
  }
  if (Buffer.byteLength(JSON.stringify(template)) > MAX_TEMPLATE_BYTES) {
    throw new BadUserInputError(`inputTemplate is larger than ${MAX_TEMPLATE_BYTES / 1024} KiB`, 'inputTemplate');
  }
  const templated: (string | number)[][] = [];
  walk(template, [], (value, path) => {
    if (typeof value !== 'string') return;
    const tokens = parse(value, path);
    if (tokens.some((t) => t[0] !== 'text')) templated.push(path);
  });
  return templated;
}

/** The action's input for one event: every string rendered, everything else copied. */
export function renderInputTemplate(template: unknown, view: TemplateView): unknown {
  return mapStrings(template, (s) => (s.includes('{{') ? Mustache.render(s, view, {}, NO_ESCAPE) : s));
}

export function fieldPath(path: (string | number)[]): string {
  return ['inputTemplate', ...path].join('.');
}

function parse(text: string, path: (string | number)[]): Token[] {
  let tokens: Token[];
  try {
    tokens = Mustache.parse(text) as unknown as Token[];
  } catch (error) {
    throw new BadUserInputError(`${fieldPath(path)} is not a Mustache template: ${(error as Error).message}`, fieldPath(path));
  }
  checkTokens(tokens, path, 0);
  return tokens;
}

function checkTokens(tokens: Token[], path: (string | number)[], sectionDepth: number): void {
  for (const [type, name, , , children] of tokens) {
    if (type === '>') throw new BadUserInputError(`${fieldPath(path)}: partials ({{> ${name}}}) are not available in automation templates`, fieldPath(path));
    if (type === '=') throw new BadUserInputError(`${fieldPath(path)}: changing delimiters is not supported`, fieldPath(path));
    const isTag = type === 'name' || type === '&' || type === '{' || type === '#' || type === '^';
    // Inside a section names resolve against the section's value first, so only the outermost are checked.
    if (isTag && sectionDepth === 0 && name !== ROOT && !name.startsWith(`${ROOT}.`)) {
      throw new BadUserInputError(
        `${fieldPath(path)}: {{${name}}} names nothing; the view is {event: {id, type, source, objectType, recordId, data, occurredAt}} (e.g. {{event.data.${name}}})`,
        fieldPath(path),
      );
    }
    if (children) checkTokens(children, path, sectionDepth + 1);
  }
}

function walk(value: unknown, path: (string | number)[], visit: (value: unknown, path: (string | number)[]) => void): void {
  if (path.length > MAX_DEPTH) throw new BadUserInputError(`inputTemplate nests deeper than ${MAX_DEPTH} levels`, 'inputTemplate');
  visit(value, path);
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i], visit));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...path, key], visit);
}

function mapStrings(value: unknown, render: (s: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, render));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, render)]));
  return value;
}
