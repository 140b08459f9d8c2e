import { LinkedInServer } from './providers/linkedin.server';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { PayPalServer } from './providers/paypal.server';
import { QuickBooksServer } from './providers/quickbooks.server';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsDeleted recordsFailed errorDetails
  logs { level message code externalId } } }`;
const PAYMENTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Invoice { id payments { provider externalId amount currency status paidAt }
  externalLinks { externalObject externalId } } } }`;
const ENRICHMENT = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id enrichment { provider fullName title } } } }';
const OAUTH_CLIENT = 'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }';

/**
 * Link plans: inbound syncs whose records attach to a HotCRM record instead of becoming one.
 * Payments (Stripe charges, PayPal captures, QuickBooks Payment → invoice) are linked to the invoice they pay,
 * found through that invoice's own link; person records (LinkedIn profile, Outlook messages →
 * contact) are linked with their email, which Contact.enrichment matches. Both are read back
 * through `_entities`, as the router asks for them.
 */
describe('sync link plans: Invoice.payments and Contact.enrichment from real runs', () => {
  let t: TestService;
  let stripe: StripeServer;
  let oauth: OAuthServer;
  let qbo: QuickBooksServer;
  let linkedin: LinkedInServer;
  let graph: OutlookServer;
  let paypal: PayPalServer;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const ok = async (q: string, v?: Record<string, unknown>) => {
    const res = await gql(q, v);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const run = async (configId: string, mode?: 'FULL') => waitForRunEnd(gql, (await ok(TRIGGER, { id: configId, mode })).triggerSync.id, 30_000, RUN);
  const connect = async (input: Record<string, unknown>) =>
    (await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input })).createConnection.id as string;
  const mapping = async (sourceObject: string, targetObject: string, rules: unknown[]) =>
    (
      await ok('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
        input: { name: `${sourceObject} → ${targetObject}`, sourceObject, targetObject, rules },
      })
    ).createFieldMapping.id as string;
  const config = async (connectionId: string, sourceObject: string, targetObject: string, fieldMappingId?: string) =>
    (
      await ok('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
        input: {
          name: `${sourceObject} → ${targetObject}`,
          connectionId,
          sourceObject,
          targetObject,
          direction: 'INBOUND',
          frequency: 'manual',
          fieldMappingId,
        },
      })
    ).createSyncConfig.id as string;
  const invoiceOf = async (connectionId: string, externalObject: string, externalId: string) =>
    (
      await t.service.db.query('SELECT internal_id FROM external_link WHERE connection_id = $1 AND external_object = $2 AND external_id = $3', [
        connectionId,
        externalObject,
        externalId,
      ])
    )[0].internal_id as string;
  const payments = async (...invoiceIds: string[]) => (await ok(PAYMENTS, { r: invoiceIds.map((id) => ({ __typename: 'Invoice', id })) }))._entities;
  const crmCount = async (object: string) =>
    Number((await t.service.db.query(`SELECT count(*) FROM crm_record WHERE organization_id = 'default' AND object = $1`, [object]))[0].count);
  const oauthConnection = async (connectorKey: string, config: Record<string, unknown>) => {
    await ok(OAUTH_CLIENT, {
      input: {
        connectorKey,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    const tokens = oauth.issueTokens();
    return connect({
      connectorKey,
      name: connectorKey,
      authType: 'OAUTH2',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
      config,
    });
  };

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    oauth = await new OAuthServer().start();
    qbo = await new QuickBooksServer(oauth).start();
    linkedin = await new LinkedInServer(oauth).start();
    graph = await new OutlookServer((token) => oauth.isValid(token)).start();
    paypal = await new PayPalServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([stripe.stop(), qbo.stop(), linkedin.stop(), graph.stop(), paypal.stop(), oauth.stop()]);
  });

  it('links Stripe charges to the invoices they pay, without creating invoices', async () => {
    const connectionId = await connect({ connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    const [inv1, inv2, inv3] = [1, 2, 3].map((n) =>
      stripe.add('invoices', { number: `INV-00${n}`, customer: 'cus_1', currency: 'usd', total: 15050, amount_paid: 0, amount_due: 15050, status: 'open' }),
    );
    const invoices = await config(
      connectionId,
      'invoices',
      'invoice',
      await mapping('invoices', 'invoice', [
        { sourceField: 'number', targetField: 'invoice_number' },
        { sourceField: 'total', targetField: 'total_amount', transform: { type: 'CENTS_TO_DECIMAL' } },
        { sourceField: 'currency', targetField: 'currency_code', transform: { type: 'UPPERCASE' } },
      ]),
    );
    expect(await run(invoices)).toMatchObject({ status: 'COMPLETED', recordsCreated: 3 });

    // inv4 exists in Stripe but has not been synced when its charge is read.
    const inv4 = stripe.add('invoices', { number: 'INV-004', customer: 'cus_1', currency: 'usd', total: 500, status: 'open' });
    const ch1 = stripe.add('charges', { amount: 12050, currency: 'usd', status: 'succeeded', paid: true, customer: 'cus_1', invoice: inv1.id });
    const ch2 = stripe.add('charges', { amount: 3000, currency: 'usd', status: 'succeeded', paid: true, customer: 'cus_1', invoice: inv1.id });
    stripe.add('charges', { amount: 990, currency: 'jpy', status: 'succeeded', paid: true, customer: 'cus_1', invoice: inv2.id });
    stripe.add('charges', { amount: 700, currency: 'usd', status: 'succeeded', paid: true, customer: 'cus_1', invoice: null }); // outside any invoice
    const ch5 = stripe.add('charges', { amount: 500, currency: 'usd', status: 'succeeded', paid: true, customer: 'cus_1', invoice: inv4.id });

    const charges = await config(connectionId, 'charges', 'invoice'); // no mapping: the payment defaults
    const first = await run(charges);
    expect(first).toMatchObject({ status: 'COMPLETED', recordsProcessed: 5, recordsCreated: 3, recordsFailed: 1 });
    expect(first.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', code: 'PARENT_NOT_LINKED', externalId: ch5.id, message: expect.stringContaining(`${ch5.id} → ${inv4.id}`) }),
    );
    expect(await crmCount('invoice')).toBe(3);

    const [id1, id2, id3] = await Promise.all([inv1, inv2, inv3].map((inv) => invoiceOf(connectionId, 'invoices', inv.id)));
    const [e1, e2, e3] = await payments(id1, id2, id3);
    expect(e1.payments).toEqual([
      { provider: 'stripe', externalId: ch1.id, amount: 120.5, currency: 'USD', status: 'succeeded', paidAt: new Date(ch1.created * 1000).toISOString() },
      { provider: 'stripe', externalId: ch2.id, amount: 30, currency: 'USD', status: 'succeeded', paidAt: new Date(ch2.created * 1000).toISOString() },
    ]);
    expect(e2.payments).toEqual([expect.objectContaining({ amount: 990, currency: 'JPY' })]); // a zero-decimal currency
    expect(e3.payments).toEqual([]);
    // The invoice's own links do not list its payments.
    expect(e1.externalLinks).toEqual([{ externalObject: 'invoices', externalId: inv1.id }]);

    // Once inv4 is synced, the next FULL run links its charge; a charge Stripe no longer lists
    // leaves Invoice.payments.
    await run(invoices);
    stripe.store.get('charges')!.splice(stripe.store.get('charges')!.indexOf(ch2), 1);
    const second = await run(charges, 'FULL');
    expect(second).toMatchObject({ status: 'COMPLETED', recordsCreated: 1, recordsUpdated: 0, recordsDeleted: 1, recordsFailed: 0 });
    const [again1, again4] = await payments(id1, await invoiceOf(connectionId, 'invoices', inv4.id));
    expect(again1.payments.map((p: any) => p.externalId)).toEqual([ch1.id]);
    expect(again4.payments).toEqual([expect.objectContaining({ externalId: ch5.id, amount: 5 })]);
  });

  it('links PayPal Orders v2 captures to the PayPal invoice named by their purchase unit’s invoice_id', async () => {
    const connectionId = await connect({
      connectorKey: 'paypal',
      name: 'PayPal',
      authType: 'OAUTH2',
      credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
      config: { baseUrl: paypal.url, startDate: new Date(Date.now() - 5 * 86_400_000).toISOString() },
    });
    const [invoice, unpaid] = paypal.seedInvoices(2);
    const invoices = await config(
      connectionId,
      'invoices',
      'invoice',
      await mapping('invoices', 'invoice', [
        { sourceField: 'detail.invoice_number', targetField: 'invoice_number' },
        { sourceField: 'amount.value', targetField: 'total_amount', transform: { type: 'TO_NUMBER' } },
      ]),
    );
    expect(await run(invoices)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2 });

    // An order made to pay the invoice, approved by the buyer, then captured; and one for no invoice.
    const action = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
    const pay = async (units: unknown[]) => {
      const order = (await ok(action, { id: connectionId, action: 'createOrder', input: { purchase_units: units } })).executeConnectorAction;
      paypal.checkout.approve(order.id);
      return (await ok(action, { id: connectionId, action: 'captureOrder', input: { order_id: order.id } })).executeConnectorAction.purchase_units[0].payments
        .captures[0];
    };
    const capture = await pay([{ invoice_id: invoice.id, amount: { currency_code: 'USD', value: '10.00' } }]);
    await pay([{ amount: { currency_code: 'USD', value: '3.00' } }]);

    const captures = await config(connectionId, 'captures', 'invoice'); // no mapping: the payment defaults
    expect(await run(captures)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 1, recordsFailed: 0 });
    const [paid, open] = await payments(await invoiceOf(connectionId, 'invoices', invoice.id), await invoiceOf(connectionId, 'invoices', unpaid.id));
    expect(paid.payments).toEqual([
      { provider: 'paypal', externalId: capture.id, amount: 10, currency: 'USD', status: 'COMPLETED', paidAt: new Date(capture.create_time).toISOString() },
    ]);
    expect(open.payments).toEqual([]);

    // Transaction Search reaches back only so far (here config.startDate): a FULL read that no
    // longer sees an old capture does not take it out of Invoice.payments.
    const row = paypal.transactions.find((r) => r.transaction_info.transaction_id === capture.id)!;
    row.transaction_info.transaction_initiation_date = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, '+0000');
    expect(await run(captures, 'FULL')).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsDeleted: 0 });
    const [still] = await payments(await invoiceOf(connectionId, 'invoices', invoice.id));
    expect(still.payments.map((p: any) => p.externalId)).toEqual([capture.id]);
  });

  it('links a QuickBooks Payment to each invoice it is applied to, with the part applied there', async () => {
    const connectionId = await oauthConnection('quickbooks', { baseUrl: qbo.url, realmId: qbo.realmId });
    const a = qbo.add('Invoice', { DocNumber: '1001', CustomerRef: { value: '1' }, Line: [], TotalAmt: 300, Balance: 0, CurrencyRef: { value: 'USD' } });
    const b = qbo.add('Invoice', { DocNumber: '1002', CustomerRef: { value: '1' }, Line: [], TotalAmt: 200, Balance: 50, CurrencyRef: { value: 'USD' } });
    const invoices = await config(
      connectionId,
      'Invoice',
      'invoice',
      await mapping('Invoice', 'invoice', [
        { sourceField: 'DocNumber', targetField: 'invoice_number' },
        { sourceField: 'TotalAmt', targetField: 'total_amount' },
        { sourceField: 'Balance', targetField: 'balance_due' },
      ]),
    );
    expect(await run(invoices)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 2, recordsFailed: 0 });

    const payment = qbo.add('Payment', {
      CustomerRef: { value: '1' },
      TotalAmt: 450,
      TxnDate: '2024-03-02',
      CurrencyRef: { value: 'USD' },
      Line: [
        { Amount: 300, LinkedTxn: [{ TxnId: a.Id, TxnType: 'Invoice' }] },
        { Amount: 150, LinkedTxn: [{ TxnId: b.Id, TxnType: 'Invoice' }] },
      ],
    });
    const paymentSync = await config(
      connectionId,
      'Payment',
      'invoice',
      await mapping('Payment', 'invoice', [
        { sourceField: 'TotalAmt', targetField: 'amount_paid' },
        { sourceField: 'CurrencyRef.value', targetField: 'currency_code' },
        { sourceField: 'TxnDate', targetField: 'paid_date' },
        { sourceField: 'PaymentRefNum', targetField: 'status', defaultValue: 'PAID' },
      ]),
    );
    const invoicesBefore = await crmCount('invoice');
    expect(await run(paymentSync)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsCreated: 2, recordsFailed: 0 });
    expect(await crmCount('invoice')).toBe(invoicesBefore);
    const [ea, eb] = await payments(await invoiceOf(connectionId, 'Invoice', a.Id), await invoiceOf(connectionId, 'Invoice', b.Id));
    expect(ea.payments).toEqual([
      { provider: 'quickbooks', externalId: payment.Id, amount: 300, currency: 'USD', status: 'PAID', paidAt: '2024-03-02T00:00:00.000Z' },
    ]);
    expect(eb.payments).toEqual([
      { provider: 'quickbooks', externalId: payment.Id, amount: 150, currency: 'USD', status: 'PAID', paidAt: '2024-03-02T00:00:00.000Z' },
    ]);
  });

  it('enriches contacts by email from a LinkedIn profile and Outlook senders, creating no contacts', async () => {
    const li = await oauthConnection('linkedin', { baseUrl: linkedin.url });
    const profiles = await config(
      li,
      'profile',
      'contact',
      await mapping('profile', 'contact', [
        { sourceField: 'given_name', targetField: 'first_name' },
        { sourceField: 'family_name', targetField: 'last_name' },
        { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
      ]),
    );
    expect(await run(profiles)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsCreated: 1, recordsFailed: 0 });

    const outlook = await oauthConnection('outlook', { baseUrl: `${graph.url}/v1.0` });
    graph.addMessage({ subject: 'Hello', from: 'grace@navy.example' });
    graph.addMessage({ subject: 'Again', from: 'grace@navy.example' });
    const messages = await config(outlook, 'messages', 'contact'); // no mapping: sender's address and name
    expect(await run(messages)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 2, recordsFailed: 0 });
    expect(await crmCount('contact')).toBe(0);

    const contacts = [
      { __typename: 'Contact', id: 'con-ada', email: 'ADA@example.com' },
      { __typename: 'Contact', id: 'con-grace', email: 'grace@navy.example' },
      { __typename: 'Contact', id: 'con-nobody', email: 'nobody@example.com' },
    ];
    const [ada, grace, nobody] = (await ok(ENRICHMENT, { r: contacts }))._entities;
    expect(ada.enrichment).toEqual({ provider: 'linkedin', fullName: 'Ada Lovelace', title: null });
    expect(grace.enrichment).toEqual({ provider: 'outlook', fullName: 'grace@navy.example', title: null });
    expect(nobody.enrichment).toBeNull();
  });
});
