import { randomBytes } from 'node:crypto';
import type { Services } from '../src/assembly/services';
import { ACME, acmeInput, fields } from './providers/custom-api.definition';
import { CustomApiServer } from './providers/custom-api.server';
import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';

const CREATE = `mutation($input: CreateConnectorInput!) { createConnector(input: $input) {
  id key name builtIn status category connectorType authTypes baseUrl description
  objects { name fields { name type required } supportsIncremental supportsWrite }
  actions { name description inputSchema } rateLimit { strategy limit windowSeconds } } }`;
const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType credentialHint connector { key builtIn } } }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';

async function readAll(t: TestService, connectionId: string, object: string, pageSize?: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: any = await t.gql(RECORDS, { id: connectionId, object, cursor, pageSize });
    expect(res.errors).toBeUndefined();
    ids.push(...res.data.connectionRecords.records.map((r: { id: string }) => r.id));
    cursor = res.data.connectionRecords.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

const connectorRows = async (t: TestService) => Number((await t.service.db.query('SELECT count(*) AS n FROM connector'))[0].n);

describe('Custom connectors (REST engine)', () => {
  const encryptionKey = randomBytes(32).toString('base64');
  let t: TestService;
  let acme: CustomApiServer;
  let connectionId: string;

  beforeAll(async () => {
    acme = await new CustomApiServer().start();
    acme.seed('contacts', 60);
    acme.seed('companies', 23);
    acme.seed('deals', 45);
    acme.seed('tickets', 40);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', INTEGRATION_ENCRYPTION_KEY: encryptionKey });
  });
  afterAll(async () => {
    await t.stop();
    await acme.stop();
  });

  it('declares a connector whose objects, actions and budget come from the definition', async () => {
    const res: any = await t.gql(CREATE, { input: acmeInput(acme.url) });
    expect(res.errors).toBeUndefined();
    const connector = res.data.createConnector;
    expect(connector).toMatchObject({
      key: 'acme',
      name: 'Acme CRM',
      builtIn: false,
      status: 'ACTIVE',
      category: 'CRM',
      connectorType: 'REST_API',
      authTypes: ['API_KEY'],
      baseUrl: acme.url,
      description: ACME.description,
    });
    expect(connector.rateLimit).toEqual({ strategy: 'token_bucket', limit: 50, windowSeconds: 1 });
    expect(connector.objects.map((o: any) => [o.name, o.supportsIncremental, o.supportsWrite])).toEqual([
      ['contacts', true, true],
      ['companies', false, true],
      ['deals', false, false],
      ['tickets', false, false],
    ]);
    expect(connector.objects[0].fields).toContainEqual({ name: 'email', type: 'EMAIL', required: false });
    expect(connector.objects[0].fields).toContainEqual({ name: 'id', type: 'STRING', required: true });
    expect(connector.actions.map((a: any) => a.name)).toEqual(['addNote', 'getContact']);
    expect(connector.actions[0].inputSchema.required).toEqual(['contactId', 'text']);

    const byKey: any = await t.gql('{ connector(key: "acme") { id builtIn } connectors(search: "acme") { key } }');
    expect(byKey.data.connector).toEqual({ id: connector.id, builtIn: false });
    expect(byKey.data.connectors).toEqual([{ key: 'acme' }]);
    expect(await connectorRows(t)).toBe(1);
  });

  it('connects with an API key, tests it with the declared call, and reports a refused key', async () => {
    const res: any = await t.gql(CONNECT, { input: { connectorKey: 'acme', name: 'Acme (local)', credentials: { apiKey: acme.apiKey } } });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnection).toMatchObject({ status: 'CONNECTED', authType: 'API_KEY', connector: { key: 'acme', builtIn: false } });
    connectionId = res.data.createConnection.id;

    const ok: any = await t.gql(TEST, { id: connectionId });
    expect(ok.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    const call = acme.requests.filter((r) => r.path === '/v1/me').pop()!;
    expect(call.headers['x-api-key']).toBe(acme.apiKey);
    expect(call.headers['acme-version']).toBe('2025-01-01');
    expect(call.headers.authorization).toBeUndefined();

    const wrong: any = await t.gql(CONNECT, { input: { connectorKey: 'acme', name: 'wrong', credentials: { apiKey: 'acme_live_nope' } } });
    const failed: any = await t.gql(TEST, { id: wrong.data.createConnection.id });
    expect(failed.data.testConnection).toMatchObject({ ok: false, status: 'ERROR' });
    expect(failed.data.testConnection.message).toContain('The API key is missing or wrong');
  });

  it.each([
    ['contacts', 'cursor', 60, 3],
    ['companies', 'offset', 23, 3],
    ['deals', 'page', 45, 3],
    ['tickets', 'Link header', 40, 3],
  ])('pages through %s (%s paging) collecting every record exactly once', async (object, _style, count, expectedPages) => {
    const { ids, pages } = await readAll(t, connectionId, object);
    expect(pages).toBe(expectedPages);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(ids.sort()).toEqual(acme.store[object as keyof CustomApiServer['store']].map((r) => r.id).sort());
  });

  it('sends each style’s own parameters', () => {
    const queries = (path: string) => acme.requests.filter((r) => r.path === path && r.method === 'GET').map((r) => Object.fromEntries(r.query));
    expect(queries('/v1/contacts')[1]).toEqual({ limit: '25', cursor: expect.any(String) });
    expect(queries('/v1/companies')).toEqual([
      { offset: '0', limit: '10' },
      { offset: '10', limit: '10' },
      { offset: '20', limit: '10' },
    ]);
    expect(queries('/v1/deals')).toEqual([
      { page: '1', per_page: '20' },
      { page: '2', per_page: '20' },
      { page: '3', per_page: '20' },
    ]);
    expect(queries('/v1/tickets')).toEqual([{ per_page: '15' }, { page: '2', per_page: '15' }, { page: '3', per_page: '15' }]);
  });

  it('honours a caller’s pageSize where the style allows it', async () => {
    const { ids, pages } = await readAll(t, connectionId, 'companies', 7);
    expect(pages).toBe(4);
    expect(new Set(ids).size).toBe(23);
  });

  it('refuses cursors it did not hand out, never calling another host with the key', async () => {
    const before = acme.requests.length;
    for (const cursor of ['https://attacker.example/v1/tickets', '//attacker.example/x', 'page2']) {
      const res: any = await t.gql(RECORDS, { id: connectionId, object: 'tickets', cursor });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cursor' });
    }
    const offset: any = await t.gql(RECORDS, { id: connectionId, object: 'companies', cursor: '-1' });
    expect(offset.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cursor' });
    expect(acme.requests.length).toBe(before);
  });

  it('runs declared actions: placeholders from input, the rest as the body or query', async () => {
    const contact = acme.store.contacts[0];
    const note: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'addNote',
      input: { contactId: contact.id, text: 'Called, wants a demo', pinned: true },
    });
    expect(note.errors).toBeUndefined();
    expect(note.data.executeConnectorAction).toMatchObject({ contact_id: contact.id, text: 'Called, wants a demo', pinned: true });
    const sent = acme.requests.filter((r) => r.method === 'POST').pop()!;
    expect(sent.path).toBe(`/v1/contacts/${contact.id}/notes`);
    expect(sent.body).toEqual({ text: 'Called, wants a demo', pinned: true });
    expect(sent.headers['x-api-key']).toBe(acme.apiKey);

    const got: any = await t.gql(ACTION, { id: connectionId, action: 'getContact', input: { id: contact.id } });
    expect(got.data.executeConnectorAction).toMatchObject({ id: contact.id, email: contact.email });

    const missing: any = await t.gql(ACTION, { id: connectionId, action: 'getContact', input: { id: 'con_nope' } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'acme', status: 404, code: 'not_found' } });

    const before = acme.requests.length;
    const bad: any = await t.gql(ACTION, { id: connectionId, action: 'addNote', input: { contactId: contact.id } });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.text' });
    expect(acme.requests.length).toBe(before);
  });

  describe('the engine behind sync (get, create, update, incremental)', () => {
    let services: Services;
    beforeAll(() => {
      services = t.service.services;
    });

    const bind = async () => services.runtime.bind(await services.connections.get('default', connectionId));

    it('gets, creates (JSON in an envelope, form) and updates records', async () => {
      const { handler, call } = await bind();
      const created = await handler.create!(call, 'contacts', { name: 'Ada', email: 'ada@acme.test' });
      expect(created).toMatchObject({ name: 'Ada', email: 'ada@acme.test', id: expect.any(String) });
      expect(acme.requests.filter((r) => r.method === 'POST').pop()!.body).toEqual({ contact: { name: 'Ada', email: 'ada@acme.test' } });
      expect(await handler.get!(call, 'contacts', String(created.id))).toMatchObject({ id: created.id, name: 'Ada' });
      const updated = await handler.update!(call, 'contacts', String(created.id), { name: 'Ada Lovelace' });
      expect(updated).toMatchObject({ id: created.id, name: 'Ada Lovelace' });
      expect(acme.requests.pop()).toMatchObject({ method: 'PATCH', path: `/v1/contacts/${created.id}` });

      const company = await handler.create!(call, 'companies', { name: 'Initech', employees: 40, address: { city: 'Austin' } });
      expect(company).toMatchObject({ name: 'Initech', employees: 40 });
      expect(acme.requests.pop()!.raw).toBe('name=Initech&employees=40&address%5Bcity%5D=Austin');
      await expect(handler.update!(call, 'deals', 'dea_1', { name: 'x' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'object' });
    });

    it('reads only records changed since the checkpoint, and advances it', async () => {
      const { handler, call } = await bind();
      const full = await handler.list(call, 'contacts', { pageSize: 100 });
      const checkpoint = full.checkpoint as string;
      expect(checkpoint).toBe(
        acme.store.contacts
          .map((r) => r.updated_at)
          .sort()
          .pop(),
      );
      const changed = acme.add('contacts', { name: 'Grace', email: 'grace@acme.test' });
      const delta = await handler.list(call, 'contacts', { since: checkpoint });
      expect(delta.records.map((r) => r.id)).toEqual([changed.id]);
      expect(delta.checkpoint).toBe(changed.updated_at);
      expect(acme.requests.pop()!.query.get('updated_since')).toBe(checkpoint);
    });
  });

  it('keeps a query-parameter API key out of the Link cursors it hands back', async () => {
    const legacy = await new CustomApiServer('legacy_key_5d1e', true).start();
    try {
      legacy.seed('tickets', 12);
      const definition = {
        auth: { apiKey: { in: 'query', name: 'api_key' } },
        objects: [
          { name: 'tickets', fields: fields('name'), list: { path: '/v1/tickets', pagination: { style: 'link', limitParam: 'per_page', pageSize: 5 } } },
        ],
      };
      const created: any = await t.gql(CREATE, {
        input: { key: 'legacy', name: 'Legacy', category: 'OTHER', authTypes: ['API_KEY'], baseUrl: legacy.url, definition },
      });
      expect(created.errors).toBeUndefined();
      const conn: any = await t.gql(CONNECT, { input: { connectorKey: 'legacy', name: 'Legacy', credentials: { apiKey: legacy.apiKey } } });
      const first: any = await t.gql(RECORDS, { id: conn.data.createConnection.id, object: 'tickets' });
      expect(first.data.connectionRecords.nextCursor).toBe('/v1/tickets?page=2&per_page=5');
      const { ids } = await readAll(t, conn.data.createConnection.id, 'tickets');
      expect(new Set(ids).size).toBe(12);
      expect(legacy.requests.every((r) => r.query.getAll('api_key').length === 1 && r.headers.authorization === undefined)).toBe(true);
    } finally {
      await legacy.stop();
    }
  });

  describe('refuses invalid definitions, storing nothing', () => {
    const object = ACME.objects[1];
    const withObject = (patch: Record<string, unknown>) => ({ ...ACME, objects: [{ ...object, ...patch }], actions: [] });
    it.each<[string, Record<string, unknown>, string]>([
      ['no objects', { definition: { auth: ACME.auth } }, 'definition.objects'],
      ['an empty objects list', { definition: { objects: [] } }, 'definition.objects'],
      [
        'an unknown pagination style',
        { definition: withObject({ list: { path: '/v1/companies', pagination: { style: 'infinite' } } }) },
        'definition.objects.0.list.pagination.style',
      ],
      ['a list without a path', { definition: withObject({ list: { recordsPath: 'items' } }) }, 'definition.objects.0.list.path'],
      ['an absolute URL as a path', { definition: withObject({ list: { path: 'https://elsewhere.example/v1' } }) }, 'definition.objects.0.list.path'],
      [
        'a cursor style without its cursor parameter',
        { definition: withObject({ list: { path: '/x', pagination: { style: 'cursor', nextCursorPath: 'next' } } }) },
        'definition.objects.0.list.pagination.cursorParam',
      ],
      ['a misspelt setting', { definition: withObject({ list: { path: '/x', recordPath: 'items' } }) }, 'definition.objects.0.list.recordPath'],
      ['an unknown field type', { definition: withObject({ fields: [{ name: 'id', type: 'UUID' }] }) }, 'definition.objects.0.fields.0.type'],
      ['a get path without {id}', { definition: withObject({ get: { path: '/v1/companies' } }) }, 'definition.objects.0.get.path'],
      ['a repeated object name', { definition: { objects: [object, object] } }, 'definition.objects.1.name'],
      [
        'an action placeholder its schema does not require',
        { definition: { ...ACME, actions: [{ ...ACME.actions[0], inputSchema: { type: 'object', properties: {} } }] } },
        'definition.actions.0.path',
      ],
      ['credentials in static headers', { definition: { ...ACME, headers: { Authorization: 'Bearer abc' } } }, 'definition.headers.Authorization'],
      ['a header API key without its name', { definition: { ...ACME, auth: { apiKey: { in: 'header' } } } }, 'definition.auth.apiKey.name'],
      ['a Basic API key with a header name', { definition: { ...ACME, auth: { apiKey: { in: 'basic', name: 'X-Api-Key' } } } }, 'definition.auth.apiKey.name'],
      [
        'a password for a header API key',
        { definition: { ...ACME, auth: { apiKey: { ...ACME.auth.apiKey, password: 'x' } } } },
        'definition.auth.apiKey.password',
      ],
      [
        'a {config.…} placeholder connectionConfig does not declare',
        { definition: withObject({ list: { path: '/v1/{config.tenant}/companies' } }) },
        'definition.objects.0.list.path',
      ],
      [
        'a repeated connectionConfig setting',
        { definition: { ...ACME, connectionConfig: [{ name: 'tenant' }, { name: 'tenant' }] } },
        'definition.connectionConfig.1.name',
      ],
      ['a definition that is not an object', { definition: [1, 2] }, 'definition'],
      ['OAUTH2 without its endpoints', { authTypes: ['OAUTH2'] }, 'definition.oauth'],
      ['no auth types', { authTypes: [] }, 'authTypes'],
      ['a repeated auth type', { authTypes: ['API_KEY', 'API_KEY'] }, 'authTypes.1'],
      ['an empty name', { name: '  ' }, 'name'],
      ['a key that is not a machine name', { key: 'Acme CRM' }, 'key'],
      ['a built-in connector’s key', { key: 'stripe' }, 'key'],
      ['a base URL that is not http(s)', { baseUrl: 'ftp://files.acme.test' }, 'baseUrl'],
    ])('%s', async (_name, overrides, field) => {
      const before = await connectorRows(t);
      const res: any = await t.gql(CREATE, { input: acmeInput(acme.url, { key: 'acme_bad', ...overrides }) });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors[0].message).toContain(field.split('.').pop());
      expect(await connectorRows(t)).toBe(before);
    });

    it('an auth type the schema does not know', async () => {
      const before = await connectorRows(t);
      const res: any = await t.gql(CREATE, { input: acmeInput(acme.url, { key: 'acme_saml', authTypes: ['SAML'] }) });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toContain('authTypes');
      expect(await connectorRows(t)).toBe(before);
    });

    it('a key the organization already uses (CONFLICT)', async () => {
      const before = await connectorRows(t);
      const res: any = await t.gql(CREATE, { input: acmeInput(acme.url, { name: 'Acme again' }) });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'key' });
      expect(await connectorRows(t)).toBe(before);
    });
  });

  it('keeps custom connectors to their organization, which may reuse a key another uses', async () => {
    const other = await gatewayToken('org-other', ['read:connections', 'write:connections']);
    const hidden: any = await t.gql('{ connector(key: "acme") { id } }', undefined, other);
    expect(hidden.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const own: any = await t.gql(CREATE, { input: acmeInput(acme.url, { name: 'Their Acme' }) }, other);
    expect(own.errors).toBeUndefined();
    const mine: any = await t.gql('{ connector(key: "acme") { name } }', undefined, BOOTSTRAP_KEY);
    expect(mine.data.connector.name).toBe('Acme CRM');
    const readOnly = await gatewayToken('org-other', ['read:connections']);
    const refused: any = await t.gql(CREATE, { input: acmeInput(acme.url, { key: 'acme_ro' }) }, readOnly);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});

describe('Custom connectors with ALLOW_PRIVATE_TARGETS=false', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(() => t.stop());

  it.each(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://10.1.2.3', 'http://169.254.169.254/latest', 'http://[::1]:9000'])(
    'refuses base URL %s',
    async (baseUrl) => {
      const res: any = await t.gql(CREATE, { input: acmeInput(baseUrl, { key: 'internal' }) });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'baseUrl' });
      expect(await connectorRows(t)).toBe(0);
    },
  );

  it('refuses private OAuth endpoints in the definition', async () => {
    const definition = { ...ACME, oauth: { authorizationUrl: 'https://93.184.215.14/authorize', tokenUrl: 'http://127.0.0.1/token' } };
    const res: any = await t.gql(CREATE, { input: acmeInput('https://93.184.215.14', { key: 'oauthy', authTypes: ['OAUTH2'], definition }) });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'definition.oauth.tokenUrl' });
    expect(await connectorRows(t)).toBe(0);
  });

  it('accepts a public base URL', async () => {
    const res: any = await t.gql(CREATE, { input: acmeInput('https://93.184.215.14/api', { key: 'public_api' }) });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnector.baseUrl).toBe('https://93.184.215.14/api');
    expect(await connectorRows(t)).toBe(1);
  });
});
