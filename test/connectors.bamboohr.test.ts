import { bamboohrExample } from './providers/bamboohr.definition';
import { BambooHrServer } from './providers/bamboohr.server';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';
import { startTestService, TestService } from './support/service';

const CREATE = `mutation($input: CreateConnectorInput!) { createConnector(input: $input) {
  id key builtIn authTypes baseUrl objects { name supportsIncremental supportsWrite fields { name type required } } } }`;
const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsFailed errorDetails
  logs { level message } } }`;

/**
 * HR through a declared custom connector: docs/bamboohr.md's example definition, used as written,
 * against a local stand-in for BambooHR's API (Basic auth with the key as username, the company
 * domain in the path, JSON only when asked), its directory synced into the CRM object `employee`.
 */
describe('BambooHR through a custom connector: employees into employee', () => {
  let t: TestService;
  let bamboo: BambooHrServer;
  let connectionId: string;
  let configId: string;

  const employees = async () =>
    (await t.service.db.query(
      `SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = 'employee' AND deleted_at IS NULL ORDER BY data->>'last_name'`,
    )) as { id: string; data: Record<string, unknown> }[];
  const runSync = async () => {
    const triggered: any = await t.gql(TRIGGER, { id: configId });
    expect(triggered.errors).toBeUndefined();
    return waitForRunEnd((q, v) => t.gql(q, v), triggered.data.triggerSync.id, 20_000, RUN);
  };

  beforeAll(async () => {
    bamboo = await new BambooHrServer().start();
    bamboo.add({
      firstName: 'Ada',
      lastName: 'Lovelace',
      jobTitle: 'Principal Engineer',
      workEmail: 'Ada.Lovelace@acmecorp.example',
      department: 'Engineering',
      location: 'London',
      division: 'R&D',
      supervisor: 'Grace Hopper',
    });
    bamboo.add({
      firstName: 'Grace',
      lastName: 'Hopper',
      jobTitle: 'CTO',
      workEmail: 'grace.hopper@acmecorp.example',
      department: 'Engineering',
      location: 'Remote',
    });
    bamboo.add({ firstName: ' Katherine ', lastName: 'Johnson', jobTitle: 'Analyst', workEmail: null, department: 'Finance', location: 'Hampton' });
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
  });
  afterAll(async () => {
    await t.stop();
    await bamboo.stop();
  });

  it('takes the documented definition as it is', async () => {
    const res: any = await t.gql(CREATE, { input: bamboohrExample() });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnector).toMatchObject({ key: 'bamboohr', builtIn: false, authTypes: ['API_KEY'], baseUrl: 'https://api.bamboohr.com' });
    expect(res.data.createConnector.objects).toEqual([expect.objectContaining({ name: 'employees', supportsIncremental: false, supportsWrite: false })]);
    expect(res.data.createConnector.objects[0].fields).toContainEqual({ name: 'workEmail', type: 'EMAIL', required: false });
  });

  it('needs the company domain in config, then connects with the API key as the Basic username', async () => {
    const apiKey = bamboo.apiKey;
    const missing: any = await t.gql(CONNECT, {
      input: { connectorKey: 'bamboohr', name: 'BambooHR', credentials: { apiKey }, config: { baseUrl: bamboo.url } },
    });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.company' });

    // config.baseUrl points the documented connector at the stand-in, as for a sandbox.
    const res: any = await t.gql(CONNECT, {
      input: { connectorKey: 'bamboohr', name: 'BambooHR', credentials: { apiKey }, config: { company: bamboo.company, baseUrl: bamboo.url } },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnection.status).toBe('CONNECTED');
    connectionId = res.data.createConnection.id;

    const ok: any = await t.gql(TEST, { id: connectionId });
    expect(ok.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    const call = bamboo.requests[bamboo.requests.length - 1];
    expect(call.path).toBe('/api/gateway.php/acmecorp/v1/employees/directory');
    expect(call.headers.authorization).toBe(`Basic ${Buffer.from(`${apiKey}:x`).toString('base64')}`);
    expect(call.headers.accept).toBe('application/json');
  });

  it('syncs the directory into employee, then updates rather than duplicates', async () => {
    const mapping: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'BambooHR employee → employee',
        sourceObject: 'employees',
        targetObject: 'employee',
        rules: [
          { sourceField: 'firstName', targetField: 'first_name', transform: { type: 'TRIM' } },
          { sourceField: 'lastName', targetField: 'last_name', transform: { type: 'TRIM' } },
          { sourceField: 'workEmail', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'jobTitle', targetField: 'title' },
          { sourceField: 'department', targetField: 'department' },
          { sourceField: 'location', targetField: 'work_location' },
        ],
      },
    });
    expect(mapping.errors).toBeUndefined();
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'Employees',
        connectionId,
        sourceObject: 'employees',
        targetObject: 'employee',
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId: mapping.data.createFieldMapping.id,
        matchOn: ['email'],
      },
    });
    expect(config.errors).toBeUndefined();
    configId = config.data.createSyncConfig.id;

    const first = await runSync();
    expect(first).toMatchObject({ status: 'COMPLETED', recordsProcessed: 3, recordsCreated: 3, recordsFailed: 0 });
    const rows = await employees();
    expect(rows.map((r) => r.data)).toEqual([
      expect.objectContaining({
        first_name: 'Grace',
        last_name: 'Hopper',
        email: 'grace.hopper@acmecorp.example',
        title: 'CTO',
        department: 'Engineering',
        work_location: 'Remote',
      }),
      expect.objectContaining({ first_name: 'Katherine', last_name: 'Johnson', title: 'Analyst', department: 'Finance', work_location: 'Hampton' }),
      expect.objectContaining({
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada.lovelace@acmecorp.example',
        title: 'Principal Engineer',
        department: 'Engineering',
        work_location: 'London',
      }),
    ]);
    const links: any = await t.gql('query($id: ID) { externalLinks(syncConfigId: $id) { edges { node { externalObject externalId internalObject } } } }', {
      id: configId,
    });
    expect(links.data.externalLinks.edges.map((e: any) => e.node.externalId).sort()).toEqual(bamboo.employees.map((e) => String(e.id)).sort());

    // A promotion and a move in BambooHR; a new hire whose email HotCRM already knows.
    bamboo.employees[0].jobTitle = 'Distinguished Engineer';
    bamboo.employees[2].location = 'Remote';
    await t.service.db.query(`INSERT INTO crm_record (organization_id, object, data) VALUES ('default', 'employee', $1::jsonb)`, [
      JSON.stringify({ first_name: 'Mary', last_name: 'Jackson', email: 'mary.jackson@acmecorp.example' }),
    ]);
    bamboo.add({ firstName: 'Mary', lastName: 'Jackson', jobTitle: 'Engineer', workEmail: 'Mary.Jackson@acmecorp.example', department: 'Engineering' });

    const second = await runSync();
    expect(second).toMatchObject({ status: 'COMPLETED', recordsProcessed: 4, recordsCreated: 0, recordsFailed: 0 });
    const after = await employees();
    expect(after).toHaveLength(4);
    expect(after.map((r) => r.id).filter((id) => rows.some((r) => r.id === id))).toHaveLength(3);
    const byLast = Object.fromEntries(after.map((r) => [r.data.last_name, r.data]));
    expect(byLast.Lovelace).toMatchObject({ title: 'Distinguished Engineer' });
    expect(byLast.Johnson).toMatchObject({ work_location: 'Remote' });
    expect(byLast.Jackson).toMatchObject({ first_name: 'Mary', email: 'mary.jackson@acmecorp.example', title: 'Engineer' });
  });

  it("reports a refused key with BambooHR's own reason", async () => {
    const wrong: any = await t.gql(CONNECT, {
      input: { connectorKey: 'bamboohr', name: 'wrong', credentials: { apiKey: 'not-a-key' }, config: { company: bamboo.company, baseUrl: bamboo.url } },
    });
    const res: any = await t.gql(TEST, { id: wrong.data.createConnection.id });
    expect(res.data.testConnection).toMatchObject({ ok: false, status: 'ERROR' });
    expect(res.data.testConnection.message).toContain('bamboohr responded 401: Invalid API key');
    const records: any = await t.gql('query($id: ID!) { connectionRecords(connectionId: $id, object: "employees") { records } }', {
      id: wrong.data.createConnection.id,
    });
    expect(records.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'bamboohr', status: 401, message: 'Invalid API key' } });

    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'Employees (wrong key)',
        connectionId: wrong.data.createConnection.id,
        sourceObject: 'employees',
        targetObject: 'employee',
        direction: 'INBOUND',
        frequency: 'manual',
      },
    });
    expect(config.errors).toBeUndefined();
    const triggered: any = await t.gql(TRIGGER, { id: config.data.createSyncConfig.id });
    const run = await waitForRunEnd((q, v) => t.gql(q, v), triggered.data.triggerSync.id, 20_000, RUN);
    expect(run.status).toBe('FAILED');
    expect(JSON.stringify(run.errorDetails)).toContain('bamboohr responded 401: Invalid API key');
  });

  it('rides out a 503 with Retry-After, and names an unknown company', async () => {
    bamboo.failNext({ status: 503, headers: { 'Retry-After': '0', 'X-BambooHR-Error-Messsage': 'Service temporarily unavailable' }, body: '' });
    const before = bamboo.requests.length;
    const run = await runSync();
    expect(run).toMatchObject({ status: 'COMPLETED', recordsCreated: 0, recordsFailed: 0 });
    expect(bamboo.requests.length - before).toBe(2);

    const elsewhere: any = await t.gql(CONNECT, {
      input: { connectorKey: 'bamboohr', name: 'typo', credentials: { apiKey: bamboo.apiKey }, config: { company: 'acmecrop', baseUrl: bamboo.url } },
    });
    const res: any = await t.gql(TEST, { id: elsewhere.data.createConnection.id });
    expect(res.data.testConnection.ok).toBe(false);
    expect(res.data.testConnection.message).toContain('Company "acmecrop" not found');
  });
});
