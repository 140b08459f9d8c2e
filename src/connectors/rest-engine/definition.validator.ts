import Ajv, { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { BadUserInputError } from '../../errors';
import { AuthType, FieldType } from '../connector.enums';
import { DEFINITION_SCHEMA } from './definition.schema';
import { configPlaceholders, placeholders } from './request-parts';
import { DEFAULT_REST_RATE_LIMIT, Pagination, RestAction, RestDeclaration, RestObject, RestWrite } from './rest-declaration';

/**
 * Checks a custom connector's `definition` and returns it normalised (defaults filled in,
 * supportsIncremental/supportsWrite derived). Every refusal is a BAD_USER_INPUT naming the first
 * offending field as `definition.<path>`, e.g. `definition.objects.0.list.path`.
 */

const DEFAULT_PAGE_SIZE = 50;
/** Credentials belong in the connection's encrypted credentials, not in a stored definition. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, discriminator: true });
const validateShape = ajv.compile(DEFINITION_SCHEMA);
/** Action input schemas are user JSON Schemas: compiled leniently, as the action validator does. */
const schemaChecker = new Ajv({ strict: false });
addFormats(schemaChecker);

function refuse(field: string, message: string): never {
  throw new BadUserInputError(`definition.${field} ${message}`, `definition.${field}`);
}

export function validateDefinition(definition: unknown, authTypes: readonly AuthType[]): RestDeclaration {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    throw new BadUserInputError('definition must be an object', 'definition');
  }
  if (!validateShape(definition)) {
    const error = validateShape.errors![0];
    const field = fieldOf(error);
    throw new BadUserInputError(`${field} ${explain(error)}`, field);
  }
  const declared = definition as unknown as RestDeclaration;
  checkUnique(
    declared.objects.map((o) => o.name),
    'objects',
  );
  checkUnique(
    (declared.actions ?? []).map((a) => a.name),
    'actions',
  );
  for (const name of Object.keys(declared.headers ?? {})) {
    if (SECRET_HEADERS.has(name.toLowerCase())) refuse(`headers.${name}`, 'must not carry credentials: they belong in the connection');
  }
  if (authTypes.includes(AuthType.OAUTH2) && !declared.oauth) refuse('oauth', 'is required when authTypes includes OAUTH2 (authorizationUrl, tokenUrl)');
  checkApiKey(declared);
  checkUnique(
    (declared.connectionConfig ?? []).map((c) => c.name),
    'connectionConfig',
  );
  checkConfigPlaceholders(declared);
  const objects = declared.objects.map((object, i) => normalizeObject(object, `objects.${i}`));
  const actions = (declared.actions ?? []).map((action, i) => normalizeAction(action, `actions.${i}`));
  return {
    ...declared,
    rateLimit: { ...DEFAULT_REST_RATE_LIMIT, ...declared.rateLimit },
    objects,
    actions,
  };
}

function checkUnique(names: string[], list: string): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) refuse(`${list}.${i}.name`, `repeats "${name}"`);
    seen.add(name);
  });
}

/** A header or query key needs its name; a Basic one has only a password. */
function checkApiKey(declared: RestDeclaration): void {
  const apiKey = declared.auth?.apiKey;
  if (!apiKey) return;
  if (apiKey.in === 'basic') {
    if (apiKey.name !== undefined) refuse('auth.apiKey.name', 'is not used with in: basic (the key is the username)');
    if (apiKey.prefix !== undefined) refuse('auth.apiKey.prefix', 'is not used with in: basic');
  } else {
    if (apiKey.name === undefined) refuse('auth.apiKey.name', `is required with in: ${apiKey.in}`);
    if (apiKey.password !== undefined) refuse('auth.apiKey.password', 'is only used with in: basic');
  }
}

/** Every `{config.<name>}` a path uses must be a declared connectionConfig setting. */
function checkConfigPlaceholders(declared: RestDeclaration): void {
  const known = new Set((declared.connectionConfig ?? []).map((c) => c.name));
  const paths: [string, string | undefined][] = [['test.path', declared.test?.path]];
  declared.objects.forEach((o, i) => {
    for (const part of ['list', 'get', 'create', 'update'] as const) paths.push([`objects.${i}.${part}.path`, o[part]?.path]);
  });
  (declared.actions ?? []).forEach((a, i) => paths.push([`actions.${i}.path`, a.path]));
  for (const [field, path] of paths) {
    const unknown = path ? configPlaceholders(path).find((name) => !known.has(name)) : undefined;
    if (unknown) refuse(field, `uses {config.${unknown}}, which connectionConfig must declare`);
  }
}

/** Object paths may use `{id}` where a record is addressed, and nothing else. */
function checkPlaceholders(path: string, field: string, needsId: boolean): void {
  const names = placeholders(path);
  const stray = names.find((name) => name !== 'id');
  if (stray) refuse(field, `has an unknown placeholder {${stray}}; only {id} is filled in here`);
  if (needsId && !names.includes('id')) refuse(field, 'must contain {id}');
  if (!needsId && names.length) refuse(field, 'must not contain placeholders');
}

function normalizeObject(object: RestObject, at: string): RestObject {
  checkPlaceholders(object.list.path, `${at}.list.path`, false);
  if (object.get) checkPlaceholders(object.get.path, `${at}.get.path`, true);
  if (object.create) checkPlaceholders(object.create.path, `${at}.create.path`, false);
  if (object.update) checkPlaceholders(object.update.path, `${at}.update.path`, true);
  if (object.list.sinceParam && !object.updatedAtField)
    refuse(`${at}.updatedAtField`, 'is required with list.sinceParam (it becomes the incremental checkpoint)');
  const write = (w: RestWrite | undefined, method: RestWrite['method']): RestWrite | undefined =>
    w ? { ...w, method: w.method ?? method, body: w.body ?? 'json' } : undefined;
  return {
    ...object,
    idField: object.idField ?? 'id',
    fields: object.fields.map((f) => ({ name: f.name, type: f.type as FieldType, required: f.required ?? false })),
    list: { ...object.list, method: object.list.method ?? 'GET', pagination: normalizePagination(object.list.pagination) },
    create: write(object.create, 'POST'),
    update: write(object.update, 'PATCH'),
    supportsIncremental: Boolean(object.updatedAtField && object.list.sinceParam),
    supportsWrite: Boolean(object.create || object.update),
  };
}

function normalizePagination(p: Partial<Pagination> | undefined): Pagination {
  const given = (p ?? { style: 'none' }) as Pagination;
  switch (given.style) {
    case 'offset':
      return { ...given, offsetParam: given.offsetParam ?? 'offset', limitParam: given.limitParam ?? 'limit', pageSize: given.pageSize ?? DEFAULT_PAGE_SIZE };
    case 'page':
      return {
        ...given,
        pageParam: given.pageParam ?? 'page',
        startPage: given.startPage ?? 1,
        pageSize: given.pageSize ?? (given.pageSizeParam ? DEFAULT_PAGE_SIZE : undefined),
      };
    case 'cursor':
      return { ...given, pageSize: given.pageSize ?? (given.limitParam ? DEFAULT_PAGE_SIZE : undefined) };
    case 'link':
      return { ...given, pageSize: given.pageSize ?? (given.limitParam ? DEFAULT_PAGE_SIZE : undefined) };
    default:
      return given;
  }
}

function normalizeAction(action: RestAction, at: string): RestAction {
  try {
    schemaChecker.compile(action.inputSchema);
  } catch (error) {
    refuse(`${at}.inputSchema`, `is not a valid JSON Schema: ${(error as Error).message}`);
  }
  const required = new Set((action.inputSchema.required as string[] | undefined) ?? []);
  const missing = placeholders(action.path).find((name) => !required.has(name));
  if (missing) refuse(`${at}.path`, `uses {${missing}}, which inputSchema must list in required`);
  const body = action.body ?? (action.method === 'GET' || action.method === 'DELETE' ? 'query' : 'json');
  return { ...action, body };
}

/** `/objects/0/list` + missing `path` → `definition.objects.0.list.path`. */
function fieldOf(error: ErrorObject): string {
  const at = error.instancePath.split('/').filter(Boolean);
  const params = error.params as Record<string, string>;
  if (error.keyword === 'required') at.push(params.missingProperty);
  if (error.keyword === 'additionalProperties') at.push(params.additionalProperty);
  if (error.keyword === 'discriminator') at.push(params.tag);
  if (error.keyword === 'propertyNames') at.push(params.propertyName);
  return ['definition', ...at.map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))].join('.');
}

function explain(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known setting';
    case 'discriminator':
      return params.error === 'mapping' ? `must be one of none, cursor, offset, page, link (got ${JSON.stringify(params.tagValue)})` : 'must be a string';
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'pattern':
      return error.instancePath.split('/').pop() === 'path'
        ? 'must be a path relative to the base URL, starting with a single /'
        : `must match ${params.pattern}`;
    default:
      return error.message ?? 'is invalid';
  }
}
