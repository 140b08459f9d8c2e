import type { FieldType } from '../connector.enums';

/**
 * A custom connector's `definition` as createConnector stores it (after validation and
 * normalisation): what the generic REST engine needs to run the connector. Paths are relative to
 * the connector's base URL (or a connection's config.baseUrl override) and may use `{id}` (objects)
 * or `{<input field>}` (actions) placeholders, and anywhere `{config.<name>}` for a declared
 * connectionConfig setting of the connection (BambooHR's `/api/gateway.php/{config.company}/v1/...`).
 */
/** The budget of a connector that declares none (DESIGN.md: default 30 requests/s). */
export const DEFAULT_REST_RATE_LIMIT = { strategy: 'token_bucket', limit: 30, windowSeconds: 1 };

export interface RestDeclaration {
  description?: string;
  version?: string;
  icon?: string;
  rateLimit: { strategy: string; limit: number; windowSeconds: number };
  auth?: RestAuth;
  oauth?: RestOAuth;
  /** Sent with every request (an API version header, say); never credentials. */
  headers?: Record<string, string>;
  /** testConnection's cheap authenticated call; without it, one record of the first object is read. */
  test?: { path: string; method?: 'GET' | 'POST' };
  /**
   * Where the provider's error body keeps its code and message; the common shapes otherwise.
   * messageHeaders: response headers that carry the message instead (BambooHR's empty-bodied
   * errors, X-BambooHR-Error-Message), the first present one wins over the body.
   */
  errors?: { codePath?: string; messagePath?: string; messageHeaders?: string[] };
  /** Settings each connection must give in its config, filled into `{config.<name>}` placeholders. */
  connectionConfig?: { name: string; description?: string }[];
  objects: RestObject[];
  actions: RestAction[];
}

export interface RestAuth {
  /**
   * API_KEY: a header (default `Authorization: Bearer <key>`), a query parameter, or HTTP Basic
   * with the key as the username and `password` (default empty) as the password (BambooHR).
   */
  apiKey?: { in: 'header' | 'query' | 'basic'; name?: string; prefix?: string; password?: string };
  /** TOKEN: the header and prefix (default `Authorization: Bearer <token>`). */
  token?: { header?: string; prefix?: string };
}

export interface RestOAuth {
  authorizationUrl: string;
  tokenUrl: string;
  defaultScopes: string[];
  scopeSeparator?: string;
  clientAuth?: 'form' | 'basic';
  grant?: 'authorization_code' | 'client_credentials';
}

export type Pagination =
  | { style: 'none' }
  /** The response names the next page's cursor; it is sent back in `cursorParam`. */
  | { style: 'cursor'; cursorParam: string; nextCursorPath: string; limitParam?: string; pageSize?: number }
  /** Records are addressed by position; a short page (or `totalPath`) ends the list. */
  | { style: 'offset'; offsetParam: string; limitParam: string; pageSize: number; totalPath?: string }
  /** Numbered pages from `startPage`; a short or empty page (or `totalPagesPath`) ends the list. */
  | { style: 'page'; pageParam: string; startPage: number; pageSizeParam?: string; pageSize?: number; totalPagesPath?: string }
  /** RFC 8288 `Link: <url>; rel="next"` (GitHub, Shopify); only same-origin links are followed. */
  | { style: 'link'; limitParam?: string; pageSize?: number };

export interface RestList {
  path: string;
  method?: 'GET' | 'POST';
  /** Dot path to the array of records in the response body; absent when the body is the array. */
  recordsPath?: string;
  /** Fixed query parameters sent with every page. */
  query?: Record<string, string | number | boolean>;
  pagination: Pagination;
  /** Incremental reads: the query parameter that takes the last checkpoint (needs updatedAtField). */
  sinceParam?: string;
}

export interface RestWrite {
  path: string;
  method: 'POST' | 'PUT' | 'PATCH';
  body: 'json' | 'form';
  /** Wrap the record in an envelope key ({"contact": {...}}) when the API wants one. */
  wrapIn?: string;
  /** Dot path to the written record in the response; the whole body otherwise. */
  recordPath?: string;
}

export interface RestObject {
  name: string;
  idField: string;
  updatedAtField?: string;
  fields: { name: string; type: FieldType; required: boolean }[];
  list: RestList;
  get?: { path: string; recordPath?: string };
  create?: RestWrite;
  update?: RestWrite;
  /** Derived when stored, so Connector.objects can be served straight from the row. */
  supportsIncremental: boolean;
  supportsWrite: boolean;
}

export interface RestAction {
  name: string;
  description?: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  inputSchema: Record<string, unknown>;
  /** How input not used by path placeholders is sent: a JSON or form body, or query parameters. */
  body: 'json' | 'form' | 'query';
  /** Dot path to what the action returns; the whole response body otherwise. */
  resultPath?: string;
}
