import { ACME, acmeInput } from './providers/custom-api.definition';
import { CustomApiServer } from './providers/custom-api.server';
import { gatewayToken, startTestService, TestService } from './support/service';

const CREATE = 'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id key } }';
const UPDATE = `mutation($id: ID!, $input: UpdateConnectorInput!) { updateConnector(id: $id, input: $input) {
  id key name category authTypes baseUrl description objects { name } actions { name } rateLimit { limit windowSeconds } } }`;
const DELETE = 'mutation($id: ID!) { deleteConnector(id: $id) }';
const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok message } }';
const SYNC_CONFIG = 'mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }';

/** updateConnector and deleteConnector: custom connectors change and go while nothing depends on what changes. */
describe('Custom connectors: update and delete', () => {
  let t: TestService;
  let acme: CustomApiServer;
  let connectorId: string;
  let connectionId: string;

  const connectorRow = async (id: string) => (await t.service.db.query('SELECT name, base_url, definition FROM connector WHERE id = $1', [id]))[0];

  beforeAll(async () => {
    acme = await new CustomApiServer().start();
    acme.seed('contacts', 3);
    acme.seed('companies', 2);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const created: any = await t.gql(CREATE, { input: acmeInput(acme.url) });
    expect(created.errors).toBeUndefined();
    connectorId = created.data.createConnector.id;
  });
  afterAll(async () => {
    await t.stop();
    await acme.stop();
  });

  it('changes the fields it is given and keeps the others', async () => {
    const res: any = await t.gql(UPDATE, { id: connectorId, input: { name: 'Acme CRM (EU)', baseUrl: `${acme.url}/` } });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateConnector).toMatchObject({
      id: connectorId,
      key: 'acme',
      name: 'Acme CRM (EU)',
      category: 'CRM',
      authTypes: ['API_KEY'],
      baseUrl: acme.url,
      description: ACME.description,
      rateLimit: { limit: 50, windowSeconds: 1 },
    });
    expect(res.data.updateConnector.objects.map((o: any) => o.name)).toEqual(['contacts', 'companies', 'deals', 'tickets']);
    expect(res.data.updateConnector.actions.map((a: any) => a.name)).toEqual(['addNote', 'getContact']);
  });

  it('validates an update like a create, storing nothing when refused', async () => {
    const before = await connectorRow(connectorId);
    const cases: [Record<string, unknown>, string][] = [
      [{ name: '  ' }, 'name'],
      [{ authTypes: [] }, 'authTypes'],
      [{ authTypes: ['API_KEY', 'OAUTH2'] }, 'definition.oauth'],
      [{ baseUrl: 'ftp://acme.example' }, 'baseUrl'],
      [{ definition: { ...ACME, objects: [] } }, 'definition.objects'],
      [{ definition: { ...ACME, objects: [{ ...ACME.objects[1], list: { path: '/v1/{config.region}/companies' } }] } }, 'definition.objects.0.list.path'],
      [{ definition: { ...ACME, headers: { Authorization: 'Bearer leaked' } } }, 'definition.headers.Authorization'],
    ];
    for (const [input, field] of cases) {
      const res: any = await t.gql(UPDATE, { id: connectorId, input });
      expect([field, res.errors?.[0].extensions]).toEqual([field, expect.objectContaining({ code: 'BAD_USER_INPUT', field })]);
    }
    expect(await connectorRow(connectorId)).toEqual(before);
  });

  it("applies a new definition to existing connections' next calls (its error reading included)", async () => {
    const wrong: any = await t.gql(CONNECT, { input: { connectorKey: 'acme', name: 'wrong key', credentials: { apiKey: 'acme_live_nope' } } });
    const before: any = await t.gql(TEST, { id: wrong.data.createConnection.id });
    expect(before.data.testConnection.message).toContain('The API key is missing or wrong');

    const res: any = await t.gql(UPDATE, { id: connectorId, input: { definition: { ...ACME, errors: { messagePath: 'error.code' } } } });
    expect(res.errors).toBeUndefined();
    const after: any = await t.gql(TEST, { id: wrong.data.createConnection.id });
    expect(after.data.testConnection.message).toContain('invalid_api_key');
    expect(after.data.testConnection.message).not.toContain('The API key is missing or wrong');
    await t.gql('mutation($id: ID!) { deleteConnection(id: $id) }', { id: wrong.data.createConnection.id });
  });

  describe('while a connection and its sync config use it', () => {
    beforeAll(async () => {
      const conn: any = await t.gql(CONNECT, { input: { connectorKey: 'acme', name: 'Acme', credentials: { apiKey: acme.apiKey } } });
      expect(conn.data.createConnection.status).toBe('CONNECTED');
      connectionId = conn.data.createConnection.id;
      const config: any = await t.gql(SYNC_CONFIG, {
        input: { name: 'Acme companies', connectionId, sourceObject: 'companies', targetObject: 'account', direction: 'INBOUND', frequency: 'manual' },
      });
      expect(config.errors).toBeUndefined();
    });

    it('refuses to drop an object a sync config reads (CONFLICT), and allows dropping one none reads', async () => {
      const withoutCompanies = { ...ACME, objects: ACME.objects.filter((o) => o.name !== 'companies') };
      const refused: any = await t.gql(UPDATE, { id: connectorId, input: { definition: withoutCompanies } });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'definition.objects' });
      expect(refused.errors?.[0].message).toContain('companies');

      const withoutTickets = { ...ACME, objects: ACME.objects.filter((o) => o.name !== 'tickets') };
      const allowed: any = await t.gql(UPDATE, { id: connectorId, input: { definition: withoutTickets } });
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data.updateConnector.objects.map((o: any) => o.name)).toEqual(['contacts', 'companies', 'deals']);
    });

    it('refuses to drop an action an automation runs (CONFLICT), and allows dropping one none runs', async () => {
      const automation: any = await t.gql('mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { id } }', {
        input: {
          name: 'Note on new cases',
          eventTypes: ['case.created'],
          connectionId,
          action: 'addNote',
          inputTemplate: { contactId: '{{event.data.contact_id}}', text: 'Case {{event.data.subject}}' },
        },
      });
      expect(automation.errors).toBeUndefined();
      const withoutAddNote = { ...ACME, actions: ACME.actions.filter((a) => a.name !== 'addNote') };
      const refused: any = await t.gql(UPDATE, { id: connectorId, input: { definition: withoutAddNote } });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'definition.actions' });
      expect(refused.errors?.[0].message).toContain('addNote');

      const withoutGetContact = { ...ACME, actions: ACME.actions.filter((a) => a.name !== 'getContact') };
      const allowed: any = await t.gql(UPDATE, { id: connectorId, input: { definition: withoutGetContact } });
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data.updateConnector.actions.map((a: any) => a.name)).toEqual(['addNote']);
      await t.gql('mutation($id: ID!) { deleteAutomation(id: $id) }', { id: automation.data.createAutomation.id });
    });

    it('refuses to drop the auth type its connections use (CONFLICT)', async () => {
      const res: any = await t.gql(UPDATE, { id: connectorId, input: { authTypes: ['TOKEN'] } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'authTypes' });
      expect(res.errors?.[0].message).toContain('API_KEY');
    });

    it('refuses to delete it (CONFLICT), keeping connector and connection', async () => {
      const res: any = await t.gql(DELETE, { id: connectorId });
      expect(res.errors?.[0].extensions?.code).toBe('CONFLICT');
      expect(res.errors?.[0].message).toContain('deleteConnection');
      const still: any = await t.gql('query($id: ID!, $c: ID!) { connector(id: $id) { key } connection(id: $c) { id } }', { id: connectorId, c: connectionId });
      expect(still.data).toEqual({ connector: { key: 'acme' }, connection: { id: connectionId } });
      const records: any = await t.gql('query($id: ID!) { connectionRecords(connectionId: $id, object: "companies") { records } }', { id: connectionId });
      expect(records.data.connectionRecords.records).toHaveLength(2);
    });
  });

  it('refuses built-in connectors (BAD_USER_INPUT on id)', async () => {
    for (const [query, variables] of [
      [UPDATE, { id: 'stripe', input: { name: 'Not Stripe' } }],
      [DELETE, { id: 'stripe' }],
    ] as const) {
      const res: any = await t.gql(query, variables);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    }
    const stripe: any = await t.gql('{ connector(key: "stripe") { name builtIn } }');
    expect(stripe.data.connector).toEqual({ name: 'Stripe', builtIn: true });
  });

  it("answers NOT_FOUND for another organization's connector or an unknown id, and FORBIDDEN without write:connections", async () => {
    const other = await gatewayToken('org-other', ['read:connections', 'write:connections']);
    for (const id of [connectorId, '00000000-0000-4000-8000-000000000000', 'nope']) {
      const updated: any = await t.gql(UPDATE, { id, input: { name: 'Taken over' } }, other);
      expect(updated.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const deleted: any = await t.gql(DELETE, { id }, other);
      expect(deleted.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    expect((await connectorRow(connectorId)).name).toBe('Acme CRM (EU)');
    const readOnly = await gatewayToken('default', ['read:connections']);
    const refused: any = await t.gql(UPDATE, { id: connectorId, input: { name: 'x' } }, readOnly);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const notDeleted: any = await t.gql(DELETE, { id: connectorId }, readOnly);
    expect(notDeleted.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('deletes it once its connections are gone, freeing the key', async () => {
    const gone: any = await t.gql('mutation($id: ID!) { deleteConnection(id: $id) }', { id: connectionId });
    expect(gone.errors).toBeUndefined();
    const res: any = await t.gql(DELETE, { id: connectorId });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteConnector).toBe(true);
    const after: any = await t.gql('query($id: ID!) { connector(id: $id) { id } connectors(search: "acme") { key } }', { id: connectorId });
    expect(after.data.connectors).toEqual([]);
    expect(await connectorRow(connectorId)).toBeUndefined();
    const again: any = await t.gql(DELETE, { id: connectorId });
    expect(again.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const recreated: any = await t.gql(CREATE, { input: acmeInput(acme.url) });
    expect(recreated.errors).toBeUndefined();
    expect(recreated.data.createConnector.id).not.toBe(connectorId);
  });
});
