import { BadUserInputError } from '../../errors';
import { AuthType } from '../connector.enums';
import { CallRequest, ConnectorCall, ConnectorHandler, ConnectorRecord, defaultAuthorize, ListPage } from '../connector.handler';
import { ProviderError } from '../http/provider-error';
import { nextCursor, pageRequest } from './pagination';
import { fillConfig, fillPath, formEncode, laterOf, placeholders, queryEncode, readPath } from './request-parts';
import type { RestAction, RestDeclaration, RestObject, RestWrite } from './rest-declaration';

/**
 * The generic REST engine: one ConnectorHandler run from a validated declaration (a custom
 * connector's definition). Authentication per auth type, paging in the declared style, the
 * incremental checkpoint from updatedAtField, writes as JSON or form, and declared actions with
 * path placeholders filled from their input.
 */
export function createRestHandler(provider: string, d: RestDeclaration): ConnectorHandler {
  const objects = new Map(d.objects.map((o) => [o.name, o]));
  const apiKeyParam = d.auth?.apiKey?.in === 'query' ? d.auth.apiKey.name : null;

  function objectOf(name: string): RestObject {
    const object = objects.get(name);
    if (!object) throw new BadUserInputError(`Unknown object "${name}" (objects: ${[...objects.keys()].join(', ')})`, 'object');
    return object;
  }

  /** A declared path with the connection's `{config.<name>}` settings filled in (absolute next links are the provider's). */
  function pathFor(call: ConnectorCall, path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    return fillConfig(path, call.config, (name) => {
      throw new BadUserInputError(`This connector needs config.${name} on the connection (see its connectionConfig)`, `config.${name}`);
    });
  }

  /** Every request of the engine: config placeholders, static headers, and a query-parameter API key where declared. */
  function send<T = unknown>(call: ConnectorCall, req: CallRequest) {
    const query = { ...req.query };
    if (apiKeyParam && call.authType === AuthType.API_KEY) query[apiKeyParam] = String(call.credentials.apiKey);
    return call.request<T>({ ...req, path: pathFor(call, req.path), query, headers: { ...d.headers, ...req.headers } });
  }

  function records(body: unknown, object: RestObject): ConnectorRecord[] {
    const found = readPath(body, object.list.recordsPath);
    if (!Array.isArray(found)) {
      const where = object.list.recordsPath ? `at "${object.list.recordsPath}"` : 'as the response body';
      throw new ProviderError({
        provider,
        status: null,
        code: 'INTERNAL_SERVER_ERROR',
        providerCode: 'UNEXPECTED_RESPONSE',
        providerMessage: `no array of records ${where} for ${object.name}`,
      });
    }
    return found.map((r) => withId(r as ConnectorRecord, object));
  }

  async function list(call: ConnectorCall, name: string, options: { cursor?: string | null; pageSize?: number; since?: unknown }): Promise<ListPage> {
    const object = objectOf(name);
    const { pagination, sinceParam } = object.list;
    const request = pageRequest(pagination, options.cursor, options.pageSize, call.baseUrl);
    const query: Record<string, string | number | boolean> = request.url ? {} : { ...object.list.query, ...request.query };
    const incremental = object.supportsIncremental && options.since !== undefined && options.since !== null;
    if (incremental && !request.url && sinceParam) query[sinceParam] = String(options.since);
    const path = request.url ?? pathFor(call, object.list.path);
    const response = await send(call, { method: object.list.method ?? 'GET', path, query });
    const page = records(response.body, object);
    const cursor = nextCursor(
      pagination,
      request,
      { body: response.body, headers: response.headers, url: absolute(call.baseUrl, path), count: page.length },
      {
        provider,
        current: options.cursor,
        baseUrl: call.baseUrl,
        dropParams: apiKeyParam ? [apiKeyParam] : [],
      },
    );
    const result: ListPage = { records: page, nextCursor: cursor };
    if (object.updatedAtField) {
      const newest = page.reduce<unknown>((max, r) => laterOf(max, readPath(r, object.updatedAtField)), incremental ? options.since : undefined);
      if (newest !== undefined && newest !== null) result.checkpoint = newest;
    }
    return result;
  }

  async function write(call: ConnectorCall, object: RestObject, w: RestWrite | undefined, id: string | null, data: ConnectorRecord): Promise<ConnectorRecord> {
    if (!w) throw new BadUserInputError(`${object.name} cannot be ${id === null ? 'created' : 'updated'} through this connector`, 'object');
    const payload = w.wrapIn ? { [w.wrapIn]: data } : data;
    const req: CallRequest = { method: w.method, path: fillPath(w.path, { id }) };
    if (w.body === 'form') req.form = formEncode(payload);
    else req.json = payload;
    const { body } = await send<unknown>(call, req);
    return recordAt(body, w.recordPath, object);
  }

  const handler: ConnectorHandler = {
    authorize(authType, credentials) {
      if (authType === AuthType.API_KEY) {
        const declared = d.auth?.apiKey;
        if (!declared) return defaultAuthorize(authType, credentials);
        if (declared.in === 'basic') return defaultAuthorize(AuthType.BASIC, { username: credentials.apiKey, password: declared.password ?? '' });
        return declared.in === 'query' ? {} : { [declared.name!]: `${declared.prefix ?? ''}${credentials.apiKey}` };
      }
      if (authType === AuthType.TOKEN && d.auth?.token) {
        return { [d.auth.token.header ?? 'authorization']: `${d.auth.token.prefix ?? 'Bearer '}${credentials.token}` };
      }
      return authType === AuthType.NONE ? {} : defaultAuthorize(authType, credentials);
    },

    async test(call) {
      if (d.test) await send(call, { method: d.test.method ?? 'GET', path: d.test.path });
      else await list(call, d.objects[0].name, { pageSize: 1 });
    },

    list,

    async get(call, name, id) {
      const object = objectOf(name);
      if (!object.get) throw new BadUserInputError(`${object.name} has no get endpoint in this connector`, 'object');
      const { body } = await send<unknown>(call, { method: 'GET', path: fillPath(object.get.path, { id }) });
      return recordAt(body, object.get.recordPath, object);
    },

    create: (call, name, data) => write(call, objectOf(name), objectOf(name).create, null, data),

    update: (call, name, id, data) => write(call, objectOf(name), objectOf(name).update, id, data),

    actions: Object.fromEntries(
      d.actions.map((action) => [action.name, (call: ConnectorCall, input: Record<string, unknown>) => runAction(call, action, input)]),
    ),

    parseError(body, _status, headers) {
      if (!d.errors) return ProviderError.parseCommonBody(body);
      const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() || undefined : undefined);
      const common = ProviderError.parseCommonBody(body);
      const fromHeader = (d.errors.messageHeaders ?? []).map((name) => text(headers?.get(name))).find(Boolean);
      return {
        code: text(readPath(body, d.errors.codePath)) ?? common.code,
        message: fromHeader ?? text(readPath(body, d.errors.messagePath)) ?? common.message,
      };
    },
  };

  /** Placeholders take their input fields; the rest goes as the declared body (or query). */
  async function runAction(call: ConnectorCall, action: RestAction, input: Record<string, unknown>): Promise<unknown> {
    const used = new Set(placeholders(action.path));
    const rest = Object.fromEntries(Object.entries(input).filter(([key]) => !used.has(key)));
    const req: CallRequest = { method: action.method, path: fillPath(action.path, input) };
    if (action.body === 'query') req.query = queryEncode(rest);
    else if (action.body === 'form') req.form = formEncode(rest);
    else if (Object.keys(rest).length || action.method !== 'DELETE') req.json = rest;
    const { body } = await send<unknown>(call, req);
    return readPath(body, action.resultPath) ?? null;
  }

  /** The one record a get or write returns, where the declaration says it is. */
  function recordAt(body: unknown, path: string | undefined, object: RestObject): ConnectorRecord {
    const found = readPath(body, path);
    if (!found || typeof found !== 'object' || Array.isArray(found)) {
      const where = path ? `at "${path}"` : 'as the response body';
      throw new ProviderError({
        provider,
        status: null,
        code: 'INTERNAL_SERVER_ERROR',
        providerCode: 'UNEXPECTED_RESPONSE',
        providerMessage: `no ${object.name} record ${where}`,
      });
    }
    return withId(found as ConnectorRecord, object);
  }

  return handler;
}

/** Records keep the provider's shape; one whose id lives elsewhere (idField) also gets `id`. */
function withId(record: ConnectorRecord, object: RestObject): ConnectorRecord {
  if (!record || typeof record !== 'object' || object.idField === 'id' || record.id !== undefined) return record;
  const id = readPath(record, object.idField);
  return id === undefined || id === null ? record : { ...record, id: String(id) };
}

function absolute(baseUrl: string, path: string): string {
  return /^https?:\/\//.test(path) ? path : `${baseUrl}${path}`;
}
