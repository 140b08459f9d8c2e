import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { OAuthServer } from './providers/oauth.server';
import { QuickBooksServer } from './providers/quickbooks.server';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsFailed errorDetails
  logs(first: 50) { level code message externalId } } }`;

/**
 * REFERENCE (DESIGN.md "Sync identity": foreign keys in HotCRM always hold HotCRM ids): a
 * provider id in a reference field becomes the id of the HotCRM record linked to it on the same
 * provider account, inbound, and goes back as the provider's id outbound. A reference whose
 * target is not linked yet is left unset, logged UNRESOLVED_REFERENCE, and filled in as soon as
 * the target is linked, even though the referencing record never changes again.
 */
describe('references: provider ids become HotCRM ids', () => {
  let t: TestService;
  let stripe: StripeServer;
  let oauth: OAuthServer;
  let qbo: QuickBooksServer;
  let crm: BuiltInCrmStore;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const sync = async (configId: string, mode = 'FULL') => waitForRunEnd(gql, (await gql(TRIGGER, { id: configId, mode })).data.triggerSync.id, 30_000, RUN);
  const mapping = (name: string, sourceObject: string, targetObject: string, rules: unknown[]) =>
    gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', { input: { name, sourceObject, targetObject, rules } });
  const mappingId = async (...args: Parameters<typeof mapping>): Promise<string> => {
    const res = await mapping(...args);
    expect(res.errors).toBeUndefined();
    return res.data.createFieldMapping.id;
  };
  const connect = async (input: Record<string, unknown>): Promise<string> => {
    const res = await gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id;
  };
  const config = async (connectionId: string, sourceObject: string, targetObject: string, fieldMappingId: string, direction = 'INBOUND') => {
    const res = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name: `${sourceObject} → ${targetObject}`, connectionId, sourceObject, targetObject, direction, frequency: 'manual', fieldMappingId },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createSyncConfig.id as string;
  };
  const linkOf = async (externalObject: string, externalId: string, internalObject: string): Promise<string | undefined> =>
    (
      await t.service.db.query(
        `SELECT internal_id FROM external_link WHERE organization_id = 'default' AND external_object = $1 AND external_id = $2 AND internal_object = $3`,
        [externalObject, externalId, internalObject],
      )
    )[0]?.internal_id;
  const crmRecord = async (object: string, id: string) => (await crm.get('default', object, [id])).get(id)?.data;

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    oauth = await new OAuthServer().start();
    qbo = await new QuickBooksServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    crm = new BuiltInCrmStore(t.service.db);
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([stripe?.stop(), qbo?.stop(), oauth?.stop()]);
  });

  it('refuses a REFERENCE without its object, or into a field that names no HotCRM object', async () => {
    const noObject = await mapping('bad', 'invoices', 'invoice', [{ sourceField: 'customer', targetField: 'account_id', transform: { type: 'REFERENCE' } }]);
    expect(noObject.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.0.transform.params.object' });
    const unnamed = await mapping('bad', 'invoices', 'invoice', [
      { sourceField: 'customer', targetField: 'invoice_number', transform: { type: 'REFERENCE', params: { object: 'customers' } } },
    ]);
    expect(unnamed.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.0.transform.params.crmObject' });
    const unknown = await mapping('bad', 'invoices', 'invoice', [
      { sourceField: 'customer', targetField: 'account_id', transform: { type: 'REFERENCE', params: { object: 'customers', crmObject: 'planet' } } },
    ]);
    expect(unknown.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.0.transform.params.crmObject' });
  });

  it('Stripe invoices: account_id holds the HotCRM account, filled in once a customer synced later is linked', async () => {
    const connectionId = await connect({ connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    const [early, late] = stripe.seedCustomers(2);
    const first = stripe.add('invoices', { number: 'INV-1', customer: early.id, status: 'open', currency: 'usd', total: 1000 });
    const second = stripe.add('invoices', { number: 'INV-2', customer: late.id, status: 'open', currency: 'usd', total: 2500 });
    const invoices = await config(
      connectionId,
      'invoices',
      'invoice',
      await mappingId('Stripe invoice → invoice', 'invoices', 'invoice', [
        { sourceField: 'number', targetField: 'invoice_number' },
        { sourceField: 'customer', targetField: 'account_id', transform: { type: 'REFERENCE', params: { object: 'customers' } } },
        { sourceField: 'total', targetField: 'total_amount', transform: { type: 'CENTS_TO_DECIMAL' } },
      ]),
    );
    const customers = await config(
      connectionId,
      'customers',
      'account',
      await mappingId('Stripe customer → account', 'customers', 'account', [
        { sourceField: 'name', targetField: 'name' },
        { sourceField: 'email', targetField: 'email' },
      ]),
    );

    // Only the first customer is linked when the invoices are read: the second one's reference waits.
    stripe.store.set(
      'customers',
      (stripe.store.get('customers') as any[]).filter((c) => c.id !== late.id),
    );
    expect(await sync(customers)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    const run = await sync(invoices);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsCreated: 2, recordsFailed: 0 });
    const earlyAccount = await linkOf('customers', early.id, 'account');
    const firstInvoice = (await crmRecord('invoice', (await linkOf('invoices', first.id, 'invoice'))!))!;
    expect(firstInvoice).toMatchObject({ invoice_number: 'INV-1', account_id: earlyAccount, total_amount: 10 });
    const secondId = (await linkOf('invoices', second.id, 'invoice'))!;
    expect((await crmRecord('invoice', secondId))!.account_id).toBeUndefined(); // never the provider's cus_… id
    const unresolved = run.logs.filter((l: any) => l.code === 'UNRESOLVED_REFERENCE');
    expect(unresolved).toEqual([expect.objectContaining({ level: 'warn', externalId: second.id })]);
    expect(unresolved[0].message).toContain(late.id);

    // The customer arrives; the invoice is not changed in Stripe, yet its account is filled in.
    (stripe.store.get('customers') as any[]).push(late);
    const later = await sync(customers);
    expect(later).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    expect(later.logs.map((l: any) => l.code)).toContain('REFERENCES_FILLED');
    const lateAccount = await linkOf('customers', late.id, 'account');
    expect(lateAccount).toBeDefined();
    expect((await crmRecord('invoice', secondId))!.account_id).toBe(lateAccount);
    expect((await t.service.db.query('SELECT count(*)::int AS n FROM pending_reference'))[0].n).toBe(0);

    // A new invoice of a linked customer resolves on its own run, with nothing left waiting.
    const third = stripe.add('invoices', { number: 'INV-3', customer: late.id, status: 'draft', currency: 'usd', total: 99 });
    const again = await sync(invoices);
    expect(again.logs.filter((l: any) => l.code === 'UNRESOLVED_REFERENCE')).toEqual([]);
    expect((await crmRecord('invoice', (await linkOf('invoices', third.id, 'invoice'))!))!.account_id).toBe(lateAccount);
  });

  it('QuickBooks invoices out: the HotCRM account id goes back as the QuickBooks customer id; an unlinked account is left out and logged', async () => {
    // The Stripe test's invoices are not this one's: an outbound run would try to create them in QuickBooks.
    await t.service.db.query(`DELETE FROM crm_record WHERE organization_id = 'default' AND object = 'invoice'`);
    const tokens = oauth.issueTokens();
    const connectionId = await connect({
      connectorKey: 'quickbooks',
      name: 'QuickBooks',
      authType: 'OAUTH2',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
      config: { baseUrl: qbo.url, realmId: qbo.realmId },
    });
    const [acme, globex] = [qbo.add('Customer', { DisplayName: 'Acme' }), qbo.add('Customer', { DisplayName: 'Globex' })];
    const invoice = qbo.add('Invoice', { DocNumber: '1001', CustomerRef: { value: acme.Id }, Line: [{ Amount: 100, DetailType: 'SalesItemLineDetail' }] });
    const customers = await config(
      connectionId,
      'Customer',
      'account',
      await mappingId('QuickBooks customer → account', 'Customer', 'account', [{ sourceField: 'DisplayName', targetField: 'name' }]),
    );
    const invoiceMapping = await mappingId('QuickBooks invoice ↔ invoice', 'Invoice', 'invoice', [
      { sourceField: 'DocNumber', targetField: 'invoice_number' },
      { sourceField: 'CustomerRef.value', targetField: 'account_id', transform: { type: 'REFERENCE', params: { object: 'Customer' } } },
    ]);
    expect(await sync(customers)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2 });
    expect(await sync(await config(connectionId, 'Invoice', 'invoice', invoiceMapping))).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    const invoiceId = (await linkOf('Invoice', invoice.Id, 'invoice'))!;
    expect((await crmRecord('invoice', invoiceId))!.account_id).toBe(await linkOf('Customer', acme.Id, 'account'));

    // In HotCRM the invoice moves to Globex's account: QuickBooks is told Globex's customer id.
    const outbound = await config(connectionId, 'Invoice', 'invoice', invoiceMapping, 'OUTBOUND');
    await crm.upsert('default', 'invoice', [{ id: invoiceId, data: { account_id: await linkOf('Customer', globex.Id, 'account') } }]);
    expect(await sync(outbound)).toMatchObject({ status: 'COMPLETED', recordsUpdated: 1, recordsFailed: 0 });
    const stored = () => (qbo.store.get('Invoice') as any[]).find((row) => row.Id === invoice.Id);
    expect(stored().CustomerRef).toEqual({ value: globex.Id });

    // An account QuickBooks has no customer for: the reference stays out of the write, and the run says so.
    const [local] = await crm.upsert('default', 'account', [{ data: { name: 'Only in HotCRM' } }]);
    await crm.upsert('default', 'invoice', [{ id: invoiceId, data: { account_id: local.id, invoice_number: '1001-B' } }]);
    const run = await sync(outbound, 'INCREMENTAL');
    expect(run).toMatchObject({ status: 'COMPLETED', recordsFailed: 0 });
    expect(run.logs.find((l: any) => l.code === 'UNRESOLVED_REFERENCE')?.message).toContain(local.id);
    expect(stored()).toMatchObject({ DocNumber: '1001-B', CustomerRef: { value: globex.Id } });
  });
});
