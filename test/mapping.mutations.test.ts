import { gatewayToken, startTestService, TestService } from './support/service';

const FIELDS = 'id name sourceObject targetObject isTemplate rules { sourceField targetField transform { type params } defaultValue } createdAt updatedAt';
const CREATE = `mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateFieldMappingInput!) { updateFieldMapping(id: $id, input: $input) { ${FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteFieldMapping(id: $id) }';
const READ = `query($id: ID!) { fieldMapping(id: $id) { ${FIELDS} } }`;

/** A Stripe customer into a HotCRM contact, the mapping most organizations start with. */
const stripeCustomerToContact = () => ({
  name: 'Stripe customers',
  sourceObject: 'customer',
  targetObject: 'contact',
  isTemplate: true,
  rules: [
    { sourceField: 'name', targetField: 'first_name', transform: { type: 'SPLIT', params: { separator: ' ', index: 0 } } },
    { sourceField: 'name', targetField: 'last_name', transform: { type: 'SPLIT', params: { separator: ' ', index: -1 } }, defaultValue: 'Unknown' },
    { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
    { sourceField: 'phone', targetField: 'phone', transform: { type: 'PHONE_E164', params: { defaultCountry: 'US' } } },
    { sourceField: 'address.city', targetField: 'mailing_city' },
    {
      sourceField: 'metadata.source',
      targetField: 'lead_source',
      transform: { type: 'ENUM_MAP', params: { map: { web: 'Web', ref: 'Referral' }, default: 'Other' } },
    },
  ],
});

describe('field mapping mutations', () => {
  let t: TestService;
  const count = async () => Number((await t.service.db.query('SELECT count(*) AS n FROM field_mapping'))[0].n);

  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t.stop();
  });

  it('creates a mapping with rules and transforms, reads it back, updates and deletes it', async () => {
    const created: any = await t.gql(CREATE, { input: stripeCustomerToContact() });
    expect(created.errors).toBeUndefined();
    const mapping = created.data.createFieldMapping;
    expect(mapping).toMatchObject({ name: 'Stripe customers', sourceObject: 'customer', targetObject: 'contact', isTemplate: true });
    expect(mapping.rules).toHaveLength(6);
    expect(mapping.rules[1]).toEqual({
      sourceField: 'name',
      targetField: 'last_name',
      transform: { type: 'SPLIT', params: { separator: ' ', index: -1 } },
      defaultValue: 'Unknown',
    });
    expect(mapping.rules[4]).toEqual({ sourceField: 'address.city', targetField: 'mailing_city', transform: null, defaultValue: null });

    const read: any = await t.gql(READ, { id: mapping.id });
    expect(read.data.fieldMapping).toEqual(mapping);
    const listed: any = await t.gql('{ fieldMappings(targetObject: "contact") { totalCount edges { node { id rules { targetField } } } } }');
    expect(listed.data.fieldMappings.totalCount).toBe(1);
    expect(listed.data.fieldMappings.edges[0].node.id).toBe(mapping.id);

    const updated: any = await t.gql(UPDATE, {
      id: mapping.id,
      input: {
        name: '  Stripe → contacts ',
        isTemplate: false,
        rules: [{ sourceField: 'created', targetField: 'birthdate', transform: { type: 'DATE_FORMAT', params: { from: 'unix', to: 'date' } } }],
      },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateFieldMapping).toMatchObject({
      id: mapping.id,
      name: 'Stripe → contacts',
      isTemplate: false,
      targetObject: 'contact',
      rules: [
        { sourceField: 'created', targetField: 'birthdate', transform: { type: 'DATE_FORMAT', params: { from: 'unix', to: 'date' } }, defaultValue: null },
      ],
    });
    expect(new Date(updated.data.updateFieldMapping.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(mapping.updatedAt).getTime());
    const renamedOnly: any = await t.gql(UPDATE, { id: mapping.id, input: { name: 'Renamed' } });
    expect(renamedOnly.data.updateFieldMapping.rules).toHaveLength(1);

    expect(((await t.gql(DELETE, { id: mapping.id })) as any).data.deleteFieldMapping).toBe(true);
    expect((await t.gql(READ, { id: mapping.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(DELETE, { id: mapping.id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('stores rules for objects outside the CRM list without checking their fields', async () => {
    const res: any = await t.gql(CREATE, {
      input: {
        name: 'contact to Stripe',
        sourceObject: 'contact',
        targetObject: 'customer',
        rules: [{ sourceField: 'email', targetField: 'metadata.crm_email' }],
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createFieldMapping).toMatchObject({ isTemplate: false, rules: [{ sourceField: 'email', targetField: 'metadata.crm_email' }] });
  });

  const rule = (extra: Record<string, unknown> = {}) => ({ sourceField: 'email', targetField: 'email', ...extra });
  const input = (extra: Record<string, unknown>) => ({ name: 'm', sourceObject: 'customer', targetObject: 'contact', rules: [rule()], ...extra });

  it.each([
    ['an empty name', input({ name: '   ' }), 'name'],
    ['an empty source object', input({ sourceObject: '' }), 'sourceObject'],
    ['an empty target object', input({ targetObject: ' ' }), 'targetObject'],
    ['no rules', input({ rules: [] }), 'rules'],
    ['an empty source field', input({ rules: [rule(), rule({ sourceField: '', targetField: 'phone' })] }), 'rules.1.sourceField'],
    ['a malformed source path', input({ rules: [rule({ sourceField: 'address..city' })] }), 'rules.0.sourceField'],
    ['a prototype-polluting target path', input({ targetObject: 'customer', rules: [rule({ targetField: '__proto__.admin' })] }), 'rules.0.targetField'],
    ['a field the CRM object lacks', input({ rules: [rule(), rule({ sourceField: 'x', targetField: 'favourite_colour' })] }), 'rules.1.targetField'],
    ['a nested path into a CRM object', input({ rules: [rule({ targetField: 'mailing.city' })] }), 'rules.0.targetField'],
    ["HotCRM's own id", input({ rules: [rule({ sourceField: 'id', targetField: 'id' })] }), 'rules.0.targetField'],
    ['two rules writing one target', input({ rules: [rule(), rule({ sourceField: 'contact_email' })] }), 'rules.1.targetField'],
    ['an unknown transform param', input({ rules: [rule({ transform: { type: 'TRIM', params: { side: 'left' } } })] }), 'rules.0.transform.params.side'],
    [
      'a DATE_FORMAT without units',
      input({ rules: [rule(), rule({ sourceField: 'created', targetField: 'birthdate', transform: { type: 'DATE_FORMAT', params: { from: 'unix' } } })] }),
      'rules.1.transform.params.to',
    ],
    [
      'an ENUM_MAP without a map',
      input({ rules: [rule({ sourceField: 's', targetField: 'lead_source', transform: { type: 'ENUM_MAP', params: { default: 'x' } } })] }),
      'rules.0.transform.params.map',
    ],
    ['a CONCAT of bad paths', input({ rules: [rule({ transform: { type: 'CONCAT', params: { fields: ['a', ''] } } })] }), 'rules.0.transform.params.fields.1'],
    ['a SPLIT without an index', input({ rules: [rule({ transform: { type: 'SPLIT', params: { separator: ' ' } } })] }), 'rules.0.transform.params.index'],
    [
      'an unknown phone country',
      input({ rules: [rule({ sourceField: 'p', targetField: 'phone', transform: { type: 'PHONE_E164', params: { defaultCountry: 'ZZ' } } })] }),
      'rules.0.transform.params.defaultCountry',
    ],
    ['a DEFAULT without a value', input({ rules: [rule({ transform: { type: 'DEFAULT', params: {} } })] }), 'rules.0.transform.params.value'],
  ])('refuses %s', async (_label, bad, field) => {
    const before = await count();
    const res = await t.gql(CREATE, { input: bad });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await count()).toBe(before);
  });

  it('checks updates the same way and leaves the mapping as it was', async () => {
    const created: any = await t.gql(CREATE, { input: input({}) });
    const id = created.data.createFieldMapping.id;
    for (const [change, field] of [
      [{ name: '' }, 'name'],
      [{ rules: [] }, 'rules'],
      [{ rules: [rule({ targetField: 'nickname' })] }, 'rules.0.targetField'],
      [{ rules: [rule({ transform: { type: 'CENTS_TO_DECIMAL', params: { decimals: 'two' } } })] }, 'rules.0.transform.params.decimals'],
    ] as const) {
      const res = await t.gql(UPDATE, { id, input: change });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const read: any = await t.gql(READ, { id });
    expect(read.data.fieldMapping).toMatchObject({ name: 'm', rules: [{ sourceField: 'email', targetField: 'email', transform: null }] });
  });

  it('detaches a deleted mapping from the sync configs that used it', async () => {
    const created: any = await t.gql(CREATE, { input: input({ name: 'in use' }) });
    const mappingId = created.data.createFieldMapping.id;
    const [connection] = await t.service.db.query(
      `INSERT INTO connection (organization_id, connector_key, name, auth_type, status) VALUES ('default', 'stripe', 'S', 'API_KEY', 'CONNECTED') RETURNING id`,
    );
    const [config] = await t.service.db.query(
      `INSERT INTO sync_config (organization_id, connection_id, field_mapping_id, name, source_object, target_object, direction, frequency)
       VALUES ('default', $1, $2, 'customers', 'customer', 'contact', 'INBOUND', 'manual') RETURNING id`,
      [connection.id, mappingId],
    );
    expect(((await t.gql(DELETE, { id: mappingId })) as any).data.deleteFieldMapping).toBe(true);
    const [after] = await t.service.db.query('SELECT field_mapping_id FROM sync_config WHERE id = $1', [config.id]);
    expect(after.field_mapping_id).toBeNull();
  });

  it("answers NOT_FOUND for another organization's mapping, and FORBIDDEN without write:mappings", async () => {
    const created: any = await t.gql(CREATE, { input: input({ name: 'ours' }) });
    const id = created.data.createFieldMapping.id;
    const stranger = await gatewayToken('other-org', ['*']);
    expect((await t.gql(UPDATE, { id, input: { name: 'theirs now' } }, stranger)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(DELETE, { id }, stranger)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(READ, { id }, stranger)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(DELETE, { id: 'not-a-uuid' })).errors?.[0].extensions?.code).toBe('NOT_FOUND');

    const reader = await gatewayToken('default', ['read:*']);
    const before = await count();
    expect((await t.gql(CREATE, { input: input({}) }, reader)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(UPDATE, { id, input: { name: 'x' } }, reader)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(DELETE, { id }, reader)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
    const read: any = await t.gql(READ, { id }, reader);
    expect(read.data.fieldMapping.name).toBe('ours');
  });
});
