import { seed } from './support/seed';
import { gatewayToken, startTestService, TestService } from './support/service';

const SUGGEST = `query($source: ObjectSchemaInput!, $target: ObjectSchemaInput!) {
  suggestFieldMappings(source: $source, target: $target) { sourceField targetField confidence transform { type params } reasons } }`;
const FOR_CONNECTION = `query($id: ID!, $object: String!, $target: String!) {
  suggestFieldMappingsForConnection(connectionId: $id, object: $object, targetObject: $target) {
    sourceField targetField confidence transform { type params } reasons } }`;
const CREATE_MAPPING = 'mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }';

/** HotCRM's invoice as a caller describes it (the built-in object's fields, id included). */
const invoiceTarget = {
  object: 'invoice',
  fields: [
    { name: 'id', type: 'STRING' },
    { name: 'invoice_number', type: 'STRING' },
    { name: 'account_id', type: 'STRING' },
    { name: 'total_amount', type: 'CURRENCY' },
    { name: 'amount_paid', type: 'CURRENCY' },
    { name: 'currency_code', type: 'STRING' },
    { name: 'status', type: 'ENUM' },
    { name: 'invoice_date', type: 'DATE' },
    { name: 'due_date', type: 'DATE' },
  ],
};

/** A Stripe-like invoice: integer cents, Unix seconds, lower-case currency, a picklist. */
const stripeInvoice = {
  object: 'invoice',
  fields: [
    { name: 'id', type: 'STRING', sampleValues: ['in_1MtHbELkdIwHu7ixl4OzzPMv'] },
    { name: 'number', type: 'STRING', sampleValues: ['0759376C-0001'] },
    { name: 'customer', type: 'STRING', sampleValues: ['cus_NeZwdNtLEOXuvB'] },
    { name: 'total', type: 'INTEGER', sampleValues: [2000, 15999] },
    { name: 'amountPaid', type: 'INTEGER', sampleValues: [0, 2000] },
    { name: 'currency', type: 'STRING', sampleValues: ['usd'] },
    { name: 'status', type: 'ENUM', sampleValues: ['draft', 'open', 'paid'] },
    { name: 'created', type: 'INTEGER', sampleValues: [1680644467] },
    { name: 'due_date', sampleValues: [1683236467] },
  ],
};

type Suggestion = { sourceField: string; targetField: string; confidence: number; transform: { type: string; params: any } | null; reasons: string[] };

describe('suggestFieldMappings', () => {
  let t: TestService;
  const suggest = async (source: unknown, target: unknown, token?: string) => {
    const res = await t.gql<{ suggestFieldMappings: Suggestion[] }>(SUGGEST, { source, target }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.suggestFieldMappings;
  };

  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('fills each target field once, best first, with reasons and the transform a type mismatch needs', async () => {
    const suggestions = await suggest(stripeInvoice, invoiceTarget);
    const by = Object.fromEntries(suggestions.map((s) => [s.targetField, s]));
    expect(Object.fromEntries(suggestions.map((s) => [s.targetField, s.sourceField]))).toEqual({
      invoice_number: 'number',
      account_id: 'customer',
      total_amount: 'total',
      amount_paid: 'amountPaid',
      currency_code: 'currency',
      status: 'status',
      invoice_date: 'created',
      due_date: 'due_date',
    });
    // cus_… ids of another object: REFERENCE, the object guessed from the name (the schema does not say).
    expect(by.account_id.transform).toEqual({ type: 'REFERENCE', params: { object: 'customer' } });
    expect(by.account_id.reasons.join(' ')).toContain('guessed from the name');
    expect(by.invoice_date.transform).toEqual({ type: 'DATE_FORMAT', params: { from: 'unix', to: 'date' } });
    expect(by.total_amount.transform).toEqual({ type: 'CENTS_TO_DECIMAL', params: { decimals: 2 } });
    expect(by.amount_paid.transform?.type).toBe('CENTS_TO_DECIMAL');
    expect(by.due_date.transform).toEqual({ type: 'DATE_FORMAT', params: { from: 'unix', to: 'date' } });
    expect(by.status.transform).toEqual({ type: 'ENUM_MAP', params: { map: { draft: 'draft', open: 'open', paid: 'paid' } } });
    expect(by.currency_code.transform?.type).toBe('UPPERCASE');
    // One per target, never the id HotCRM assigns itself, sorted by confidence, each explained.
    expect(new Set(suggestions.map((s) => s.targetField)).size).toBe(suggestions.length);
    expect(suggestions.map((s) => s.targetField)).not.toContain('id');
    const confidences = suggestions.map((s) => s.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    for (const s of suggestions) {
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.confidence).toBeLessThanOrEqual(1);
      expect(s.reasons.length).toBeGreaterThan(0);
    }

    // Saved as they are, the suggestions pass the field-mapping validator.
    const rules = suggestions.map(({ sourceField, targetField, transform }) => ({ sourceField, targetField, transform }));
    const saved = await t.gql(CREATE_MAPPING, { input: { name: 'suggested', sourceObject: 'stripe_invoice_preview', targetObject: 'invoice', rules } });
    expect(saved.errors).toBeUndefined();
  });

  it('suggests PHONE_E164 for phones and splits a full name into first and last name', async () => {
    const suggestions = await suggest(
      {
        object: 'customer',
        fields: [
          { name: 'name', sampleValues: ['Jenny Rosen'] },
          { name: 'phone', sampleValues: ['(415) 555-2671'] },
          { name: 'address.country', sampleValues: ['US'] },
        ],
      },
      {
        object: 'contact',
        fields: [
          { name: 'first_name', type: 'STRING' },
          { name: 'last_name', type: 'STRING' },
          { name: 'phone', type: 'PHONE' },
        ],
      },
    );
    const by = Object.fromEntries(suggestions.map((s) => [s.targetField, s]));
    expect(by.phone).toMatchObject({ sourceField: 'phone', transform: { type: 'PHONE_E164', params: { defaultCountry: 'US' } } });
    expect(by.first_name).toMatchObject({ sourceField: 'name', transform: { type: 'SPLIT', params: { separator: ' ', index: 0 } } });
    expect(by.last_name).toMatchObject({ sourceField: 'name', transform: { type: 'SPLIT', params: { separator: ' ', index: -1 } } });
  });

  it('learns: a pairing saved once (createFieldMapping) is suggested next time, first, for that organization only', async () => {
    const source = {
      object: 'erp_orders',
      fields: [
        { name: 'kundennr', type: 'STRING' },
        { name: 'number', type: 'STRING' },
        { name: 'total', type: 'NUMBER' },
      ],
    };
    const before = await suggest(source, invoiceTarget);
    expect(before.find((s) => s.sourceField === 'kundennr')).toBeUndefined();

    const created = await t.gql(CREATE_MAPPING, {
      input: {
        name: 'ERP orders',
        sourceObject: 'erp_orders',
        targetObject: 'invoice',
        rules: [{ sourceField: 'kundennr', targetField: 'account_id', transform: { type: 'TRIM' } }],
      },
    });
    expect(created.errors).toBeUndefined();
    const after = await suggest(source, invoiceTarget);
    expect(after[0]).toMatchObject({ sourceField: 'kundennr', targetField: 'account_id', transform: { type: 'TRIM', params: null } });
    expect(after[0].confidence).toBeGreaterThanOrEqual(0.96);
    expect(after[0].reasons.join(' ')).toContain('ERP orders');
    expect(after.filter((s) => s.targetField === 'account_id')).toHaveLength(1);

    // A learned pair outranks a default: `number` → invoice_number until the user maps it elsewhere.
    expect(after.find((s) => s.targetField === 'invoice_number')?.sourceField).toBe('number');
    await t.gql(CREATE_MAPPING, {
      input: {
        name: 'ERP numbers',
        sourceObject: 'erp_orders',
        targetObject: 'invoice',
        rules: [{ sourceField: 'total', targetField: 'invoice_number', transform: { type: 'TO_STRING' } }],
      },
    });
    const relearned = await suggest(source, invoiceTarget);
    expect(relearned.find((s) => s.targetField === 'invoice_number')?.sourceField).toBe('total');

    const otherOrg = await suggest(source, invoiceTarget, await gatewayToken('other-org', ['read:mappings']));
    expect(otherOrg.find((s) => s.sourceField === 'kundennr')).toBeUndefined();
  });

  it('refuses empty schemas and bad field names with BAD_USER_INPUT naming the field', async () => {
    const empty = await t.gql(SUGGEST, { source: { object: 'x', fields: [] }, target: invoiceTarget });
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source.fields' });
    const badName = await t.gql(SUGGEST, { source: stripeInvoice, target: { object: 'invoice', fields: [{ name: 'a..b' }] } });
    expect(badName.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'target.fields.0.name' });
    const twice = await t.gql(SUGGEST, { source: { object: 'x', fields: [{ name: 'a' }, { name: 'a' }] }, target: invoiceTarget });
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source.fields.1.name' });
    const polluting = await t.gql(SUGGEST, { source: { object: 'x', fields: [{ name: 'a.constructor' }] }, target: invoiceTarget });
    expect(polluting.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source.fields.0.name' });
    // Names that are Object.prototype members are ordinary words to the suggester.
    const prototypeNames = await suggest({ object: 'x', fields: [{ name: 'toString' }, { name: 'hasOwnProperty' }, { name: 'valueOf' }] }, invoiceTarget);
    expect(Array.isArray(prototypeNames)).toBe(true);
  });

  it('answers a 1,000-field schema against a 1,000-field schema', async () => {
    const wide = (prefix: string) => ({
      object: prefix,
      fields: Array.from({ length: 1000 }, (_, i) => ({
        name: `${prefix}_${['amount', 'city', 'email', 'name', 'status'][i % 5]}_${i}`,
        type: i % 2 ? 'STRING' : 'NUMBER',
        sampleValues: [`v${i}`],
      })),
    });
    const source = wide('src');
    const target = wide('dst');
    // Pairs only one kind of evidence finds, among a thousand others: the candidate index must not skip them.
    source.fields.splice(
      500,
      0,
      { name: 'kundennummer', type: 'STRING', sampleValues: ['K-1'] },
      { name: 'zz', type: 'STRING', sampleValues: ['ana@example.com', 'bo@example.org'] },
    );
    target.fields.splice(300, 0, { name: 'kundennumer', type: 'STRING', sampleValues: [] }, { name: 'qq', type: 'EMAIL', sampleValues: [] });
    const suggestions = await suggest(source, target);
    expect(new Set(suggestions.map((s) => s.targetField)).size).toBe(suggestions.length);
    const by = Object.fromEntries(suggestions.map((s) => [s.targetField, s]));
    expect(by.kundennumer).toMatchObject({ sourceField: 'kundennummer', reasons: [expect.stringContaining('similar spelling'), expect.any(String)] });
    expect(by.qq).toMatchObject({ sourceField: 'zz', reasons: ['sample values are email addresses'] });
  });
});

describe('suggestFieldMappingsForConnection', () => {
  let t: TestService;
  let connectionId: string;
  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api' });
    connectionId = await seed.connection(t.service.db, 'default', { config: { baseUrl: 'http://127.0.0.1:9' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("maps a Stripe connection's invoices into HotCRM invoices from the connector's field schema", async () => {
    const res = await t.gql<{ suggestFieldMappingsForConnection: Suggestion[] }>(FOR_CONNECTION, { id: connectionId, object: 'invoices', target: 'invoice' });
    expect(res.errors).toBeUndefined();
    const by = Object.fromEntries(res.data!.suggestFieldMappingsForConnection.map((s) => [s.targetField, s]));
    expect(by.total_amount).toMatchObject({ sourceField: 'total', transform: { type: 'CENTS_TO_DECIMAL' } });
    expect(by.due_date).toMatchObject({ sourceField: 'due_date', transform: { type: 'DATE_FORMAT', params: { from: 'unix', to: 'date' } } });
    expect(by.invoice_number?.sourceField).toBe('number');
    // customer holds Stripe customer ids: REFERENCE, so account_id gets the linked HotCRM account's id.
    expect(by.account_id).toMatchObject({ sourceField: 'customer', transform: { type: 'REFERENCE', params: { object: 'customers' } } });
  });

  it('refuses unknown objects and answers NOT_FOUND for another organization’s connection exactly as for none', async () => {
    const badObject = await t.gql(FOR_CONNECTION, { id: connectionId, object: 'nope', target: 'invoice' });
    expect(badObject.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'object' });
    const badTarget = await t.gql(FOR_CONNECTION, { id: connectionId, object: 'invoices', target: 'task' });
    expect(badTarget.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetObject' });
    const other = await gatewayToken('other-org', ['*']);
    const theirs = await t.gql(FOR_CONNECTION, { id: connectionId, object: 'invoices', target: 'invoice' }, other);
    const none = await t.gql(FOR_CONNECTION, { id: '00000000-0000-4000-8000-000000000000', object: 'invoices', target: 'invoice' }, other);
    expect(theirs.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(none.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('suggestFieldMappings: vocabulary, value evidence, the new objects and REFERENCE', () => {
  let t: TestService;
  /** A HotCRM object as a target schema, from crmObjects (the public catalogue). */
  let targetOf: (object: string) => { object: string; fields: { name: string; type: string }[] };
  const suggest = async (source: unknown, target: unknown) => {
    const res = await t.gql<{ suggestFieldMappings: Suggestion[] }>(SUGGEST, { source, target });
    expect(res.errors).toBeUndefined();
    return Object.fromEntries(res.data!.suggestFieldMappings.map((s) => [s.targetField, s]));
  };
  const saveUnchanged = async (name: string, sourceObject: string, targetObject: string, suggestions: Record<string, Suggestion>) => {
    const rules = Object.values(suggestions).map(({ sourceField, targetField, transform }) => ({ sourceField, targetField, transform }));
    const saved = await t.gql(CREATE_MAPPING, { input: { name, sourceObject, targetObject, rules } });
    expect(saved.errors).toBeUndefined();
  };

  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api' });
    const res = await t.gql<{ crmObjects: { name: string; fields: { name: string; type: string }[] }[] }>('{ crmObjects { name fields { name type } } }');
    expect(res.errors).toBeUndefined();
    targetOf = (object) => ({ object, fields: res.data!.crmObjects.find((o) => o.name === object)!.fields });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('relates words through WordNet synonyms: a topic is a subject, precedence a priority, a facsimile a fax, a nation a country', async () => {
    const ticket = await suggest(
      {
        object: 'requests',
        fields: [
          { name: 'topic', type: 'STRING', sampleValues: ['Printer on fire'] },
          { name: 'precedence', type: 'ENUM', sampleValues: ['high', 'low'] },
        ],
      },
      targetOf('case'),
    );
    expect(ticket.subject).toMatchObject({ sourceField: 'topic', reasons: [expect.stringContaining('"topic" reads as subject'), expect.any(String)] });
    expect(ticket.priority).toMatchObject({ sourceField: 'precedence', transform: { type: 'ENUM_MAP' } });
    const company = await suggest(
      {
        object: 'organisations',
        fields: [
          { name: 'organisationName', sampleValues: ['Acme Ltd'] },
          { name: 'facsimile', sampleValues: ['+44 20 7946 0958'] },
          { name: 'nation', sampleValues: ['GB'] },
        ],
      },
      targetOf('account'),
    );
    expect(company.name?.sourceField).toBe('organisationName');
    expect(company.fax).toMatchObject({ sourceField: 'facsimile', transform: { type: 'PHONE_E164' } });
    expect(company.billing_country?.sourceField).toBe('nation');
  });

  it('reads value evidence: ISO country and currency codes, record ids, date-times DATE_FORMAT cannot read', async () => {
    const by = await suggest(
      {
        object: 'charges',
        fields: [
          { name: 'currency', sampleValues: ['eur', 'usd'] },
          { name: 'billing_details.address.country', sampleValues: ['DE', 'FR'] },
          { name: 'external_ref', sampleValues: ['9d385017c611228701d22104cc95c371'] },
        ],
      },
      targetOf('account'),
    );
    expect(by.currency_code).toMatchObject({ sourceField: 'currency', transform: { type: 'UPPERCASE' } });
    expect(by.currency_code.reasons.join(' ')).toContain('ISO 4217 currency codes');
    expect(by.billing_country.reasons.join(' ')).toContain('ISO 3166 country codes');
    const deal = await suggest(
      {
        object: 'deals',
        fields: [
          { name: 'deal_amount', sampleValues: ['$12,500.00', '$900.00'] },
          { name: 'probability', sampleValues: ['1,250'] },
        ],
      },
      targetOf('opportunity'),
    );
    // A currency sign TO_NUMBER cannot read: the pair without a transform that would fail; grouped digits get TO_NUMBER.
    expect(deal.amount).toMatchObject({ sourceField: 'deal_amount', transform: null });
    expect(deal.amount.reasons.join(' ')).toContain('currency sign');
    expect(deal.probability).toMatchObject({ transform: { type: 'TO_NUMBER' } });
    const message = await suggest(
      {
        object: 'Messages',
        fields: [
          { name: 'sent_at', sampleValues: ['Mon, 29 Nov 2021 20:12:33 +0000'] },
          { name: 'body', sampleValues: ['See you at 5'] },
        ],
      },
      targetOf('activity'),
    );
    // RFC 2822 is a date-time, but not one DATE_FORMAT reads: the pair comes without a transform that would fail.
    expect(message.occurred_at).toMatchObject({ sourceField: 'sent_at', transform: null });
    expect(message.occurred_at.reasons.join(' ')).toContain('RFC 2822');
  });

  it('suggests into the new objects with REFERENCE for ids of other objects, declared or read from the name, and they save unchanged', async () => {
    const subscription = await suggest(
      {
        object: 'subscriptions',
        fields: [
          { name: 'customer_id', sampleValues: ['__test__8asukSOXe0QYqu'] },
          { name: 'plan_id', sampleValues: ['basic'] },
          { name: 'status', type: 'ENUM', sampleValues: ['active', 'cancelled'] },
          { name: 'current_period_end', type: 'INTEGER', sampleValues: [1615310119] },
        ],
      },
      targetOf('subscription'),
    );
    expect(subscription.account_id).toMatchObject({ sourceField: 'customer_id', transform: { type: 'REFERENCE', params: { object: 'customers' } } });
    expect(subscription.plan_name?.sourceField).toBe('plan_id');
    expect(subscription.current_period_end).toMatchObject({ transform: { type: 'DATE_FORMAT', params: { from: 'unix', to: 'iso' } } });
    await saveUnchanged('chargebee subscriptions', 'subscriptions', 'subscription', subscription);

    const ticket = await suggest(
      {
        object: 'tickets',
        fields: [
          { name: 'subject', sampleValues: ['Help'] },
          { name: 'requester_id', type: 'INTEGER', sampleValues: [20978392], references: 'users' },
          { name: 'organization_id', type: 'INTEGER', sampleValues: [509974], references: 'organizations' },
        ],
      },
      targetOf('case'),
    );
    expect(ticket.contact_id).toMatchObject({ sourceField: 'requester_id', transform: { type: 'REFERENCE', params: { object: 'users' } } });
    expect(ticket.contact_id.reasons.join(' ')).not.toContain('guessed');
    expect(ticket.account_id).toMatchObject({ sourceField: 'organization_id', transform: { type: 'REFERENCE', params: { object: 'organizations' } } });
    await saveUnchanged('zendesk tickets', 'tickets', 'case', ticket);

    const tooLong = await t.gql(SUGGEST, { source: { object: 'x', fields: [{ name: 'a_id', references: 'o'.repeat(101) }] }, target: targetOf('case') });
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'source.fields.0.references' });
  });
});
