import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { CustomApiServer } from './providers/custom-api.server';
import { PROSPECT_AS_LEAD, REF, syncKit } from './support/crm-object-fixtures';
import { gatewayToken, startTestService, TestService } from './support/service';

const CRM_OBJECTS = '{ crmObjects { name label cloud fields { name type required } } }';

/**
 * The CRM objects beyond the first four (DESIGN.md, "CRM objects") with the built-in store, through
 * GraphQL: `crmObjects` lists the catalogue, and syncs from a custom connector (Acme declared as
 * a desk: test/support/crm-object-fixtures.ts) fill case (its account a REFERENCE the declaration
 * resolves), employee (matched by email before create, the object's default matchOn) and lead,
 * both ways.
 */
describe('CRM objects with the built-in store', () => {
  let t: TestService;
  let acme: CustomApiServer;
  let crm: BuiltInCrmStore;
  let kit: ReturnType<typeof syncKit>;
  let desk: string;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const all = async (object: string) => (await crm.changedSince('default', object, null, 1000)).records;

  beforeAll(async () => {
    acme = await new CustomApiServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    crm = new BuiltInCrmStore(t.service.db);
    kit = syncKit(gql);
    desk = await kit.declareDesk(acme.url, acme.apiKey);
  });
  afterAll(async () => {
    await t?.stop();
    await acme?.stop();
  });

  it('lists the twelve objects with label, owning cloud and fields (scope read:mappings)', async () => {
    const res = await gql(CRM_OBJECTS);
    expect(res.errors).toBeUndefined();
    const objects: any[] = res.data.crmObjects;
    expect(objects.map((o) => [o.name, o.label, o.cloud])).toEqual([
      ['account', 'Account', 'sales'],
      ['contact', 'Contact', 'sales'],
      ['lead', 'Lead', 'sales'],
      ['opportunity', 'Opportunity', 'sales'],
      ['invoice', 'Invoice', 'revenue'],
      ['subscription', 'Subscription', 'revenue'],
      ['case', 'Case', 'service'],
      ['campaign', 'Campaign', 'marketing'],
      ['campaign_member', 'Campaign Member', 'marketing'],
      ['employee', 'Employee', 'hr'],
      ['contract', 'Contract', 'integration'],
      ['activity', 'Activity', 'integration'],
    ]);
    for (const object of objects) {
      const names = object.fields.map((f: any) => f.name);
      expect(names[0]).toBe('id');
      expect(names.slice(-2)).toEqual(['created_date', 'last_modified_date']);
    }
    const fieldsOf = (name: string) => objects.find((o) => o.name === name).fields;
    expect(fieldsOf('case')).toEqual(
      expect.arrayContaining([
        { name: 'subject', type: 'STRING', required: true },
        { name: 'priority', type: 'ENUM', required: false },
        { name: 'account_id', type: 'STRING', required: false },
        { name: 'closed_date', type: 'DATETIME', required: false },
      ]),
    );
    expect(fieldsOf('lead').map((f: any) => f.name)).toEqual([
      'id',
      'first_name',
      'last_name',
      'company',
      'title',
      'email',
      'phone',
      'status',
      'lead_source',
      'industry',
      'rating',
      'converted_contact_id',
      'created_date',
      'last_modified_date',
    ]);
    expect(fieldsOf('campaign_member')).toContainEqual({ name: 'responded', type: 'BOOLEAN', required: false });
    expect(fieldsOf('subscription')).toContainEqual({ name: 'quantity', type: 'INTEGER', required: false });
    expect(fieldsOf('employee')).toContainEqual({ name: 'manager_email', type: 'EMAIL', required: false });
    expect(fieldsOf('activity')).toContainEqual({ name: 'contact_ids', type: 'ARRAY', required: false });

    const mappingsReader = await t.gql('{ crmObjects { name } }', undefined, await gatewayToken('default', ['read:mappings']));
    expect(mappingsReader.data?.crmObjects).toHaveLength(12);
    const syncReader = await t.gql('{ crmObjects { name } }', undefined, await gatewayToken('default', ['read:sync']));
    expect(syncReader.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('suggests mappings into the new objects from their own vocabulary (hire date → start_date, a ticket body → description)', async () => {
    const suggest = `query($id: ID!, $object: String!, $target: String!) {
      suggestFieldMappingsForConnection(connectionId: $id, object: $object, targetObject: $target) { sourceField targetField } }`;
    const pairs = async (object: string, target: string) => {
      const res = await gql(suggest, { id: desk, object, target });
      expect(res.errors).toBeUndefined();
      return Object.fromEntries(res.data.suggestFieldMappingsForConnection.map((s: any) => [s.targetField, s.sourceField]));
    };
    expect(await pairs('people', 'employee')).toMatchObject({
      first_name: 'first_name',
      last_name: 'last_name',
      email: 'work_email',
      title: 'job_title',
      department: 'department',
      start_date: 'hire_date',
      employment_type: 'employee_type',
    });
    expect(await pairs('tickets', 'case')).toMatchObject({ case_number: 'number', subject: 'subject', description: 'body', priority: 'priority' });
  });

  it('syncs tickets into case, their company a REFERENCE the case declaration resolves to the linked account', async () => {
    const globex = acme.add('companies', { name: 'Globex', website: 'https://globex.example' });
    const initech = acme.add('companies', { name: 'Initech', website: 'initech.example' });
    acme.add('tickets', { number: 'T-1', subject: 'Printer on fire', body: 'Smoke.', priority: 'High', state: 'open', company_id: globex.id });
    acme.add('tickets', { number: 'T-2', subject: 'Password reset', priority: 'Low', state: 'closed', company_id: initech.id });
    acme.add('tickets', { number: 'T-3', subject: 'No company yet', priority: 'Medium', state: 'open' });

    const accounts = await kit.config(desk, 'companies', 'account', [
      { sourceField: 'name', targetField: 'name' },
      { sourceField: 'website', targetField: 'website' },
    ]);
    expect(await kit.run(accounts)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2 });
    // No crmObject in the REFERENCE: case.account_id is declared as referencing account.
    const cases = await kit.config(desk, 'tickets', 'case', [
      { sourceField: 'number', targetField: 'case_number' },
      { sourceField: 'subject', targetField: 'subject', transform: { type: 'TRIM' } },
      { sourceField: 'body', targetField: 'description' },
      { sourceField: 'priority', targetField: 'priority' },
      { sourceField: 'state', targetField: 'status', transform: { type: 'ENUM_MAP', params: { map: { open: 'New', closed: 'Closed' } } } },
      { sourceField: 'company_id', targetField: 'account_id', transform: REF('companies') },
    ]);
    expect(await kit.run(cases)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 3, recordsCreated: 3, recordsFailed: 0 });

    const accountId = new Map((await all('account')).map((r) => [r.data.name, r.id]));
    const byNumber = new Map((await all('case')).map((r) => [r.data.case_number, r.data]));
    expect(byNumber.get('T-1')).toEqual({
      case_number: 'T-1',
      subject: 'Printer on fire',
      description: 'Smoke.',
      priority: 'High',
      status: 'New',
      account_id: accountId.get('Globex'),
    });
    expect(byNumber.get('T-2')).toMatchObject({ status: 'Closed', account_id: accountId.get('Initech') });
    expect(byNumber.get('T-3')).not.toHaveProperty('account_id');
  });

  it('syncs staff into employee, linking the one HotCRM already had by email instead of creating a second', async () => {
    const [known] = await crm.upsert('default', 'employee', [{ data: { last_name: 'Lovelace', email: 'ada@acme.test', department: 'Research' } }]);
    acme.add('people', { first_name: 'Ada', last_name: 'Lovelace', work_email: 'ADA@acme.test', job_title: 'Analyst', hire_date: '2024-03-01' });
    acme.add('people', { first_name: 'Grace', last_name: 'Hopper', work_email: 'grace@acme.test', employee_type: 'Full-Time', department: 'Navy' });
    const employees = await kit.config(desk, 'people', 'employee', [
      { sourceField: 'first_name', targetField: 'first_name' },
      { sourceField: 'last_name', targetField: 'last_name' },
      { sourceField: 'work_email', targetField: 'email', transform: { type: 'LOWERCASE' } },
      { sourceField: 'job_title', targetField: 'title' },
      { sourceField: 'department', targetField: 'department' },
      { sourceField: 'hire_date', targetField: 'start_date' },
      { sourceField: 'employee_type', targetField: 'employment_type' },
    ]);
    expect(await kit.run(employees)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 1, recordsMatched: 1, recordsFailed: 0 });

    const staff = await all('employee');
    expect(staff).toHaveLength(2);
    // The match merges: the known record keeps its id and its department, and gains the HRIS's fields.
    expect(staff.find((r) => r.id === known.id)!.data).toEqual({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@acme.test',
      title: 'Analyst',
      department: 'Research',
      start_date: '2024-03-01',
    });
    expect(staff.find((r) => r.id !== known.id)!.data).toMatchObject({ email: 'grace@acme.test', employment_type: 'Full-Time' });
  });

  it('keeps leads and Acme prospects in step both ways (BIDIRECTIONAL)', async () => {
    const prospect = acme.add('contacts', { first_name: 'Alan', last_name: 'Turing', email: 'alan@bletchley.test', company_name: 'Bletchley', stage: 'new' });
    const leads = await kit.config(desk, 'contacts', 'lead', PROSPECT_AS_LEAD, 'BIDIRECTIONAL');
    expect(await kit.run(leads)).toMatchObject({ status: 'COMPLETED', recordsFailed: 0 });
    const [alan] = await all('lead');
    expect(alan.data).toEqual({ first_name: 'Alan', last_name: 'Turing', email: 'alan@bletchley.test', company: 'Bletchley', status: 'new' });

    // A lead entered in HotCRM and a status changed there go out; nothing is echoed back.
    const [joan] = await crm.upsert('default', 'lead', [{ data: { first_name: 'Joan', last_name: 'Clarke', email: 'joan@bletchley.test', status: 'new' } }]);
    await crm.upsert('default', 'lead', [{ id: alan.id, data: { status: 'qualified' } }]);
    expect(await kit.run(leads)).toMatchObject({ status: 'COMPLETED', recordsFailed: 0 });
    expect(acme.store.contacts.find((c) => c.id === prospect.id)).toMatchObject({ stage: 'qualified' });
    expect(acme.store.contacts.find((c) => c.email === 'joan@bletchley.test')).toMatchObject({ first_name: 'Joan', last_name: 'Clarke' });
    expect(acme.store.contacts).toHaveLength(2);
    expect((await all('lead')).map((r) => r.id).sort()).toEqual([alan.id, joan.id].sort());
  });
});
