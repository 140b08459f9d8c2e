import { FieldType } from '../connector.enums';

/**
 * The JSON Schema of createConnector's `definition` (see rest-declaration.ts for what each part
 * means). Closed objects everywhere (additionalProperties: false) so a misspelt setting is named
 * rather than silently ignored; pagination is a discriminated union on `style`.
 */

/** Relative to the base URL: absolute URLs would let a definition send credentials elsewhere. */
const PATH = { type: 'string', pattern: '^/(?!/)\\S*$', maxLength: 2000 } as const;
const DOT_PATH = { type: 'string', pattern: '^[^\\s.]+(\\.[^\\s.]+)*$', maxLength: 200 } as const;
const PARAM = { type: 'string', pattern: '^[^\\s&=#?]+$', maxLength: 100 } as const;
const NAME = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' } as const;
const HEADER_NAME = { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", maxLength: 100 } as const;
const PAGE_SIZE = { type: 'integer', minimum: 1, maximum: 1000 } as const;
const HTTP_URL = { type: 'string', pattern: '^https?://', maxLength: 2000 } as const;

const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

const style = (name: string) => ({ const: name });

const PAGINATION = {
  type: 'object',
  properties: { style: { type: 'string' } },
  required: ['style'],
  discriminator: { propertyName: 'style' },
  oneOf: [
    closed({ style: style('none') }, ['style']),
    closed({ style: style('cursor'), cursorParam: PARAM, nextCursorPath: DOT_PATH, limitParam: PARAM, pageSize: PAGE_SIZE }, [
      'style',
      'cursorParam',
      'nextCursorPath',
    ]),
    closed({ style: style('offset'), offsetParam: PARAM, limitParam: PARAM, pageSize: PAGE_SIZE, totalPath: DOT_PATH }, ['style']),
    closed(
      {
        style: style('page'),
        pageParam: PARAM,
        startPage: { type: 'integer', minimum: 0, maximum: 1 },
        pageSizeParam: PARAM,
        pageSize: PAGE_SIZE,
        totalPagesPath: DOT_PATH,
      },
      ['style'],
    ),
    closed({ style: style('link'), limitParam: PARAM, pageSize: PAGE_SIZE }, ['style']),
  ],
} as const;

const WRITE = closed(
  {
    path: PATH,
    method: { enum: ['POST', 'PUT', 'PATCH'] },
    body: { enum: ['json', 'form'] },
    wrapIn: { type: 'string', minLength: 1, maxLength: 100 },
    recordPath: DOT_PATH,
  },
  ['path'],
);

const OBJECT = closed(
  {
    name: NAME,
    idField: DOT_PATH,
    updatedAtField: DOT_PATH,
    fields: {
      type: 'array',
      minItems: 1,
      maxItems: 500,
      items: closed({ name: { type: 'string', minLength: 1, maxLength: 200 }, type: { enum: Object.values(FieldType) }, required: { type: 'boolean' } }, [
        'name',
        'type',
      ]),
    },
    list: closed(
      {
        path: PATH,
        method: { enum: ['GET', 'POST'] },
        recordsPath: DOT_PATH,
        query: { type: 'object', propertyNames: PARAM, additionalProperties: { type: ['string', 'number', 'boolean'] } },
        pagination: PAGINATION,
        sinceParam: PARAM,
      },
      ['path'],
    ),
    get: closed({ path: PATH, recordPath: DOT_PATH }, ['path']),
    create: WRITE,
    update: WRITE,
  },
  ['name', 'fields', 'list'],
);

const ACTION = closed(
  {
    name: NAME,
    description: { type: 'string', maxLength: 1000 },
    method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
    path: PATH,
    inputSchema: { type: 'object', required: ['type'], properties: { type: { const: 'object' } } },
    body: { enum: ['json', 'form', 'query'] },
    resultPath: DOT_PATH,
  },
  ['name', 'method', 'path', 'inputSchema'],
);

export const DEFINITION_SCHEMA = closed(
  {
    description: { type: 'string', maxLength: 2000 },
    version: { type: 'string', maxLength: 100 },
    icon: { type: 'string', maxLength: 2000 },
    rateLimit: closed(
      {
        strategy: { type: 'string', maxLength: 50 },
        limit: { type: 'integer', minimum: 1, maximum: 100000 },
        windowSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
      },
      ['limit', 'windowSeconds'],
    ),
    auth: closed({
      // `basic`: the key is the HTTP Basic username with a fixed password (BambooHR: any string, "x").
      apiKey: closed(
        {
          in: { enum: ['header', 'query', 'basic'] },
          name: HEADER_NAME,
          prefix: { type: 'string', maxLength: 50 },
          password: { type: 'string', maxLength: 100 },
        },
        ['in'],
      ),
      token: closed({ header: HEADER_NAME, prefix: { type: 'string', maxLength: 50 } }),
    }),
    oauth: closed(
      {
        authorizationUrl: HTTP_URL,
        tokenUrl: HTTP_URL,
        defaultScopes: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 100 },
        scopeSeparator: { type: 'string', minLength: 1, maxLength: 5 },
        clientAuth: { enum: ['form', 'basic'] },
        grant: { enum: ['authorization_code', 'client_credentials'] },
      },
      ['authorizationUrl', 'tokenUrl'],
    ),
    headers: { type: 'object', propertyNames: HEADER_NAME, additionalProperties: { type: 'string', maxLength: 2000 }, maxProperties: 50 },
    test: closed({ path: PATH, method: { enum: ['GET', 'POST'] } }, ['path']),
    errors: closed({
      codePath: DOT_PATH,
      messagePath: DOT_PATH,
      // APIs that answer errors with an empty body and the reason in a header (BambooHR).
      messageHeaders: { type: 'array', minItems: 1, maxItems: 5, items: HEADER_NAME },
    }),
    // Non-secret connection settings the paths use as `{config.<name>}` (BambooHR's company subdomain).
    connectionConfig: {
      type: 'array',
      maxItems: 20,
      items: closed({ name: NAME, description: { type: 'string', maxLength: 500 } }, ['name']),
    },
    objects: { type: 'array', minItems: 1, maxItems: 100, items: OBJECT },
    actions: { type: 'array', maxItems: 100, items: ACTION },
  },
  ['objects'],
);
