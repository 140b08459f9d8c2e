import { gatewayToken, startTestService, TestService } from './support/service';

const SUGGEST = `query($source: ObjectSchemaInput!, $target: ObjectSchemaInput!) {
  suggestFieldMappings(source: $source, target: $target) { sourceField targetField confidence transform { type params } reasons } }`;
const CREATE_MAPPING = 'mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }';
const UPDATE_MAPPING = 'mutation($id: ID!, $input: UpdateFieldMappingInput!) { updateFieldMapping(id: $id, input: $input) { id } }';

type Suggestion = { sourceField: string; targetField: string; confidence: number; reasons: string[] };

const accountTarget = {
  object: 'account',
  fields: [
    { name: 'name', type: 'STRING' },
    { name: 'account_number', type: 'STRING' },
    { name: 'description', type: 'STRING' },
    { name: 'industry', type: 'STRING' },
    { name: 'website', type: 'URL' },
  ],
};
/** An export whose `customerReference` nothing in the lexicon ties to account_number. */
const crmExport = {
  object: 'crm_export',
  fields: [
    { name: 'companyName', type: 'STRING' },
    { name: 'customerReference', type: 'STRING' },
  ],
};
const invoiceTarget = {
  object: 'invoice',
  fields: [
    { name: 'invoice_number', type: 'STRING' },
    { name: 'total_amount', type: 'CURRENCY' },
    { name: 'due_date', type: 'DATE' },
  ],
};

describe('suggestFieldMappings learns from saved mappings', () => {
  let t: TestService;
  let org: string;
  let other: string;
  const suggest = async (source: unknown, target: unknown, token = org): Promise<Suggestion[]> => {
    const res = await t.gql<{ suggestFieldMappings: Suggestion[] }>(SUGGEST, { source, target }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.suggestFieldMappings;
  };
  const save = async (input: Record<string, unknown>): Promise<string> => {
    const res = await t.gql<{ createFieldMapping: { id: string } }>(CREATE_MAPPING, { input }, org);
    expect(res.errors).toBeUndefined();
    return res.data!.createFieldMapping.id;
  };
  const into = (suggestions: Suggestion[], target: string) => suggestions.find((s) => s.targetField === target);

  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api' });
    org = await gatewayToken('learning-org', ['read:mappings', 'write:mappings']);
    other = await gatewayToken('learning-other-org', ['read:mappings', 'write:mappings']);
  });
  afterAll(async () => {
    await t?.stop();
  });

  let mappingId: string;

  it('generalises a saved rule by its words: cust_ref → account_number teaches customerReference, in this organization only', async () => {
    expect(into(await suggest(crmExport, accountTarget), 'account_number')).toBeUndefined();
    // The person looks at suggestions for the ERP's accounts first: the source types are remembered with them.
    const erp = {
      object: 'erp_accounts',
      fields: [
        { name: 'cust_ref', type: 'STRING' },
        { name: 'company_name', type: 'STRING' },
      ],
    };
    await suggest(erp, accountTarget);
    mappingId = await save({
      name: 'Legacy ERP accounts',
      sourceObject: 'erp_accounts',
      targetObject: 'account',
      rules: [
        { sourceField: 'cust_ref', targetField: 'account_number' },
        { sourceField: 'company_name', targetField: 'name' },
      ],
    });
    const after = await suggest(crmExport, accountTarget);
    expect(into(after, 'account_number')).toMatchObject({ sourceField: 'customerReference' });
    expect(into(after, 'account_number')!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(into(after, 'account_number')!.reasons[0]).toContain('learned from mapping "Legacy ERP accounts": cust_ref → account_number');
    expect(into(after, 'account_number')!.reasons[0]).toContain('STRING fields filled account_number 1 time');
    // A number field of the same words is less likely what the person meant.
    const numeric = await suggest({ object: 'crm_export', fields: [{ name: 'customerReference', type: 'NUMBER' }] }, accountTarget);
    expect(into(numeric, 'account_number')?.confidence ?? 0).toBeLessThan(into(after, 'account_number')!.confidence);
    // What the lexicon already knew keeps its place.
    expect(into(after, 'name')).toMatchObject({ sourceField: 'companyName' });

    // Word for word, reference stood for number: that holds into another object too.
    const erpInvoices = { object: 'erp_invoices', fields: [{ name: 'doc_ref', type: 'STRING' }] };
    const documentTarget = { object: 'erp_documents', fields: [{ name: 'document_number', type: 'STRING' }] };
    expect(await suggest(erpInvoices, documentTarget, other)).toEqual([]);
    expect(into(await suggest(erpInvoices, documentTarget), 'document_number')).toMatchObject({
      sourceField: 'doc_ref',
      reasons: ['learned from mapping "Legacy ERP accounts": reference stands for number (as in cust_ref → account_number)', 'type: text'],
    });

    // Another organization's suggester learned nothing from it.
    const elsewhere = await suggest(crmExport, accountTarget, other);
    expect(into(elsewhere, 'account_number')).toBeUndefined();
    expect(elsewhere.flatMap((s) => s.reasons).join(' ')).not.toContain('learned');
  });

  it('re-learns from an edited mapping on the next call', async () => {
    const res = await t.gql(UPDATE_MAPPING, { id: mappingId, input: { rules: [{ sourceField: 'cust_ref', targetField: 'description' }] } }, org);
    expect(res.errors).toBeUndefined();
    const after = await suggest(crmExport, accountTarget);
    expect(into(after, 'account_number')).toBeUndefined();
    expect(into(after, 'description')).toMatchObject({ sourceField: 'customerReference' });
    expect(into(after, 'description')!.reasons[0]).toContain('learned from mapping "Legacy ERP accounts": cust_ref → description');
  });

  it('demotes a suggestion the saved mapping left out, and more one it replaced', async () => {
    const shop = {
      object: 'shop_orders',
      fields: [
        { name: 'number', type: 'STRING' },
        { name: 'order_ref', type: 'STRING' },
        { name: 'total', type: 'NUMBER' },
        { name: 'due_date', type: 'DATE' },
      ],
    };
    const before = await suggest(shop, invoiceTarget);
    const number = into(before, 'invoice_number')!;
    const due = into(before, 'due_date')!;
    expect(number).toMatchObject({ sourceField: 'number' });
    expect(due).toMatchObject({ sourceField: 'due_date' });

    // The person fills invoice_number from order_ref instead, and leaves due_date out.
    await save({
      name: 'Shop orders',
      sourceObject: 'shop_orders',
      targetObject: 'invoice',
      rules: [
        { sourceField: 'order_ref', targetField: 'invoice_number' },
        { sourceField: 'total', targetField: 'total_amount' },
      ],
    });
    const after = await suggest(shop, invoiceTarget);
    expect(into(after, 'invoice_number')).toMatchObject({
      sourceField: 'order_ref',
      confidence: 0.99,
      reasons: ['learned from mapping "Shop orders": order_ref → invoice_number (the same field of this object)'],
    });
    const dueAfter = into(after, 'due_date')!;
    expect(dueAfter.confidence).toBeLessThan(due.confidence);
    expect(dueAfter.reasons.join(' ')).toContain('learned from mapping "Shop orders": it left out the suggested due_date → due_date');

    // Without order_ref in the schema, number → invoice_number is still the one the person replaced.
    const withoutRef = await suggest({ ...shop, fields: shop.fields.filter((f) => f.name !== 'order_ref') }, invoiceTarget);
    const replaced = into(withoutRef, 'invoice_number')!;
    expect(replaced).toMatchObject({ sourceField: 'number' });
    expect(replaced.confidence).toBeLessThan((dueAfter.confidence / due.confidence) * number.confidence);
    expect(replaced.reasons.join(' ')).toContain('learned from mapping "Shop orders": it replaced the suggested number → invoice_number');

    // The other organization's suggestions of the same schema are what they were.
    const elsewhere = await suggest(shop, invoiceTarget, other);
    expect(into(elsewhere, 'invoice_number')).toMatchObject({ sourceField: 'number', confidence: number.confidence });
    expect(into(elsewhere, 'due_date')).toMatchObject({ sourceField: 'due_date', confidence: due.confidence });
  });
  it("learns the organization's short forms: mobi_phon → mobile_phone teaches that mobi stands for mobile elsewhere", async () => {
    const contactTarget = {
      object: 'contact',
      fields: [
        { name: 'first_name', type: 'STRING' },
        { name: 'mobile_phone', type: 'PHONE' },
        { name: 'mobile_carrier', type: 'STRING' },
        { name: 'mailing_city', type: 'STRING' },
        { name: 'mailing_street', type: 'STRING' },
      ],
    };
    const helpdesk = {
      object: 'hd_people',
      fields: [
        { name: 'mobi_carr', type: 'STRING' },
        { name: 'mail_stre', type: 'STRING' },
      ],
    };
    const before = await suggest(helpdesk, contactTarget);
    await suggest(
      {
        object: 'hr_people',
        fields: [
          { name: 'mobi_phon', type: 'STRING' },
          { name: 'mail_city', type: 'STRING' },
        ],
      },
      contactTarget,
    );
    await save({
      name: 'HR people',
      sourceObject: 'hr_people',
      targetObject: 'contact',
      rules: [
        { sourceField: 'mobi_phon', targetField: 'mobile_phone' },
        { sourceField: 'mail_city', targetField: 'mailing_city' },
      ],
    });
    const after = await suggest(helpdesk, contactTarget);
    const carrier = into(after, 'mobile_carrier');
    expect(carrier).toMatchObject({ sourceField: 'mobi_carr' });
    expect(carrier!.confidence).toBeGreaterThanOrEqual(0.5);
    expect(carrier!.confidence).toBeGreaterThan(into(before, 'mobile_carrier')?.confidence ?? 0);
    expect(carrier!.reasons.join(' ')).toMatch(/learned from mapping "HR people": mobi stands for mobile/);
    // Another organization was taught nothing.
    expect(await suggest(helpdesk, contactTarget, other)).toEqual(before);
  });
});
