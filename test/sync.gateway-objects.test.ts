import { GatewayCrmStore } from '../src/sync/crm/gateway-crm-store';
import { CustomApiServer } from './providers/custom-api.server';
import { StripeServer } from './providers/stripe.server';
import { PROSPECT_AS_LEAD, REF, syncKit } from './support/crm-object-fixtures';
import { RunningCrmGateway, startCrmGateway } from './support/crm-gateway-subgraphs';
import { startTestService, TestService } from './support/service';

/**
 * The objects beyond the first four in gateway mode (CRM_GATEWAY_URL), through GraphQL: each is
 * read and written in the cloud that owns it behind @apollo/gateway (lead in Sales, subscription
 * in Revenue, case in Service, employee in HR), references across clouds hold the owning cloud's
 * ids, an outbound sync reads a new object's changes from its cloud, and contract (no cloud
 * owns it yet) stays in this service's own store.
 */
describe('CRM objects through the gateway store', () => {
  const TOKEN = 'crm-gateway-objects-token';
  let crm: RunningCrmGateway;
  let stripe: StripeServer;
  let acme: CustomApiServer;
  let t: TestService;
  let kit: ReturnType<typeof syncKit>;
  let desk: string;
  let stripeConnection: string;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const cloud = (object: string) => [...crm.records('default', object).values()];
  const localRows = async (object: string) =>
    (await t.service.db.query(`SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = $1`, [object])) as {
      id: string;
      data: Record<string, unknown>;
    }[];

  beforeAll(async () => {
    crm = await startCrmGateway(TOKEN);
    stripe = await new StripeServer().start();
    acme = await new CustomApiServer().start();
    t = await startTestService({ CRM_GATEWAY_URL: crm.url, CRM_GATEWAY_TOKEN: TOKEN, PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    kit = syncKit(gql);
    desk = await kit.declareDesk(acme.url, acme.apiKey);
    stripeConnection = await kit.connect({ connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([stripe?.stop(), acme?.stop()]);
    await crm?.stop();
  });

  it('puts Stripe subscriptions in the Revenue cloud, their customer the Sales account linked to it', async () => {
    const [ada, bob] = stripe.seedCustomers(2);
    const periodEnd = 1_767_225_600; // 2026-01-01T00:00:00Z
    stripe.add('subscriptions', { customer: ada.id, status: 'active', current_period_end: periodEnd, cancel_at_period_end: false });
    stripe.add('subscriptions', { customer: bob.id, status: 'past_due', current_period_end: periodEnd, cancel_at_period_end: false });
    const accounts = await kit.config(stripeConnection, 'customers', 'account', [
      { sourceField: 'name', targetField: 'name' },
      { sourceField: 'email', targetField: 'email' },
    ]);
    expect(await kit.run(accounts)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2 });
    const subscriptions = await kit.config(stripeConnection, 'subscriptions', 'subscription', [
      { sourceField: 'customer', targetField: 'account_id', transform: REF('customers') },
      { sourceField: 'status', targetField: 'status' },
      { sourceField: 'current_period_end', targetField: 'current_period_end', transform: { type: 'DATE_FORMAT', params: { from: 'unix', to: 'iso' } } },
    ]);
    expect(await kit.run(subscriptions)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 2, recordsFailed: 0 });

    const accountOf = new Map(cloud('account').map((a) => [a.email, a.id]));
    expect(cloud('subscription').map(({ accountId, status, currentPeriodEnd }) => ({ accountId, status, currentPeriodEnd }))).toEqual(
      expect.arrayContaining([
        { accountId: accountOf.get(ada.email), status: 'active', currentPeriodEnd: '2026-01-01T00:00:00.000Z' },
        { accountId: accountOf.get(bob.email), status: 'past_due', currentPeriodEnd: '2026-01-01T00:00:00.000Z' },
      ]),
    );
    expect(cloud('subscription')).toHaveLength(2);
    expect(await localRows('subscription')).toEqual([]);
  });

  it('puts tickets in the Service cloud and staff in the HR cloud', async () => {
    const umbrella = acme.add('companies', { name: 'Umbrella' });
    acme.add('tickets', { number: 'S-1', subject: 'Outage', priority: 'High', company_id: umbrella.id });
    acme.add('people', { first_name: 'Katherine', last_name: 'Johnson', work_email: 'kj@acme.test', employee_type: 'Contractor' });
    const accounts = await kit.config(desk, 'companies', 'account', [{ sourceField: 'name', targetField: 'name' }]);
    await kit.run(accounts);
    const cases = await kit.config(desk, 'tickets', 'case', [
      { sourceField: 'number', targetField: 'case_number' },
      { sourceField: 'subject', targetField: 'subject' },
      { sourceField: 'priority', targetField: 'priority' },
      { sourceField: 'company_id', targetField: 'account_id', transform: REF('companies') },
    ]);
    expect(await kit.run(cases)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1, recordsFailed: 0 });
    const umbrellaAccount = cloud('account').find((a) => a.name === 'Umbrella')!;
    expect(cloud('case')).toEqual([expect.objectContaining({ caseNumber: 'S-1', subject: 'Outage', priority: 'High', accountId: umbrellaAccount.id })]);

    const employees = await kit.config(desk, 'people', 'employee', [
      { sourceField: 'last_name', targetField: 'last_name' },
      { sourceField: 'work_email', targetField: 'email' },
      { sourceField: 'employee_type', targetField: 'employment_type' },
    ]);
    expect(await kit.run(employees)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1, recordsFailed: 0 });
    expect(cloud('employee')).toEqual([expect.objectContaining({ lastName: 'Johnson', email: 'kj@acme.test', employmentType: 'Contractor' })]);
    expect(await localRows('case')).toEqual([]);
    expect(await localRows('employee')).toEqual([]);
  });

  it('writes leads changed in the Sales cloud to Acme (OUTBOUND), reading their changes through the gateway', async () => {
    const sales = new GatewayCrmStore({ url: crm.url, token: TOKEN });
    const [grace] = await sales.upsert('default', 'lead', [
      { data: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.test', company: 'Navy', status: 'new' } },
    ]);
    const out = await kit.config(desk, 'contacts', 'lead', PROSPECT_AS_LEAD, 'OUTBOUND');
    expect(await kit.run(out)).toMatchObject({ status: 'COMPLETED', mode: 'FULL', recordsProcessed: 1, recordsCreated: 1, recordsFailed: 0 });
    expect(acme.store.contacts).toEqual([
      expect.objectContaining({ first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.test', company_name: 'Navy' }),
    ]);

    await sales.upsert('default', 'lead', [{ id: grace.id, data: { status: 'qualified' } }]);
    expect(await kit.run(out)).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 1, recordsUpdated: 1 });
    expect(acme.store.contacts[0]).toMatchObject({ stage: 'qualified' });
    expect(await kit.run(out)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 0 });
  });

  it('keeps contracts in its own store, their account the Sales cloud id', async () => {
    const hooli = acme.add('companies', { name: 'Hooli' });
    acme.add('deals', { name: 'C-2026-7', stage: 'Activated', company_id: hooli.id });
    const accounts = await kit.config(desk, 'companies', 'account', [{ sourceField: 'name', targetField: 'name' }], 'INBOUND');
    await kit.run(accounts);
    const contracts = await kit.config(desk, 'deals', 'contract', [
      { sourceField: 'name', targetField: 'contract_number' },
      { sourceField: 'stage', targetField: 'status' },
      { sourceField: 'company_id', targetField: 'account_id', transform: REF('companies') },
    ]);
    expect(await kit.run(contracts)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1, recordsFailed: 0 });
    const hooliAccount = cloud('account').find((a) => a.name === 'Hooli')!;
    expect((await localRows('contract')).map((r) => r.data)).toEqual([{ contract_number: 'C-2026-7', status: 'Activated', account_id: hooliAccount.id }]);
    // Nothing but the integration cloud's own objects is in this database.
    const objects = (await t.service.db.query(`SELECT DISTINCT object FROM crm_record`)).map((r: { object: string }) => r.object);
    expect(objects).toEqual(['contract']);
  });
});
