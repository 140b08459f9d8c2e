import { seed } from './support/seed';
import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';
import { hashApiKey } from '../src/apikeys/api-key.format';

/**
 * Who may read what: API keys and gateway JWTs, scopes on every field, and organizations that
 * never see each other's rows, `_entities` included.
 */
describe('authentication, scopes and tenancy', () => {
  let t: TestService;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestService();
    const db = t.service.db;
    // Everything below belongs to org "acme"; the bootstrap key belongs to "default".
    ids.connection = await seed.connection(db, 'acme');
    ids.mapping = await seed.fieldMapping(db, 'acme');
    ids.config = await seed.syncConfig(db, 'acme', ids.connection, { field_mapping_id: ids.mapping });
    ids.run = await seed.syncRun(db, 'acme', ids.config);
    ids.conflict = await seed.conflict(db, 'acme', ids.config);
    ids.link = await seed.externalLink(db, 'acme', ids.connection, { sync_config_id: ids.config, internal_id: 'acc-acme' });
    ids.subscription = await seed.webhookSubscription(db, 'acme');
    ids.event = await seed.event(db, 'acme');
    ids.delivery = await seed.delivery(db, 'acme', ids.subscription, ids.event);
    ids.apiKey = await seed.apiKey(db, 'acme');
    await db.query(
      `INSERT INTO connector (organization_id, key, name, category, auth_types, base_url, definition)
       VALUES ('acme', 'acme_erp', 'Acme ERP', 'OTHER', '{API_KEY}', 'https://erp.acme.test', '{}')`,
    );
    // Keys of acme with various states.
    for (const [key, extra] of [
      ['hcrm_test_AcmeActiveKey', { scopes: ['read:*'] }],
      ['hcrm_test_AcmeWebhooksOnly', { scopes: ['read:webhooks'] }],
      ['hcrm_test_AcmeRevokedKey', { status: 'REVOKED', scopes: ['*'] }],
      ['hcrm_test_AcmeExpiredKey', { expires_at: new Date(Date.now() - 1000), scopes: ['*'] }],
    ] as const) {
      await seed.apiKey(db, 'acme', { key_hash: hashApiKey(key), ...extra });
    }
  });
  afterAll(() => t.stop());

  const byId: Record<string, string> = {
    connection: 'connection(id: $id) { id name }',
    mapping: 'fieldMapping(id: $id) { id rules { sourceField } }',
    config: 'syncConfig(id: $id) { id runs { totalCount } lastRun { id } }',
    run: 'syncRun(id: $id) { id logs { message } }',
    subscription: 'webhookSubscription(id: $id) { id deliveries { totalCount } }',
    delivery: 'webhookDelivery(id: $id) { id attempts { attemptNumber } }',
    apiKey: 'apiKey(id: $id) { id prefix }',
  };
  const lists = `{
    connections { totalCount } fieldMappings { totalCount } syncConfigs { totalCount } syncConflicts { totalCount }
    externalLinks { totalCount } webhookSubscriptions { totalCount } integrationEvents { totalCount } apiKeys { totalCount }
    connectors { key }
  }`;

  it('answers every protected field with UNAUTHENTICATED when no credentials are sent', async () => {
    for (const query of ['{ connections { totalCount } }', '{ apiKeys { totalCount } }', '{ connectors { key } }']) {
      const res = await t.gql(query, undefined, null);
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
  });

  it.each([
    ['an unknown key', 'hcrm_test_NoSuchKey'],
    ['a revoked key', 'hcrm_test_AcmeRevokedKey'],
    ['an expired key', 'hcrm_test_AcmeExpiredKey'],
    ['a JWT signed with another secret', 'eyJhbGciOiJIUzI1NiJ9.eyJvcmciOiJhY21lIiwic2NvcGUiOiIqIn0.c2lnbmF0dXJl'],
  ])('refuses %s with UNAUTHENTICATED', async (_label, token) => {
    const res = await t.gql('{ connections { totalCount } }', undefined, token);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });

  it('lets the router read _service without credentials', async () => {
    const res: any = await t.gql('{ _service { sdl } }', undefined, null);
    expect(res.data._service.sdl).toContain('type ExternalLink');
  });

  it('gives FORBIDDEN for a field whose scope the key lacks, and serves the ones it has', async () => {
    const allowed: any = await t.gql('{ webhookSubscriptions { totalCount } }', undefined, 'hcrm_test_AcmeWebhooksOnly');
    expect(allowed.data.webhookSubscriptions.totalCount).toBe(1);
    // A nullable nested field the scope does not cover is nulled with FORBIDDEN; the rest is served.
    const nested: any = await t.gql(
      'query($id: ID!) { syncConfig(id: $id) { id fieldMapping { id } } }',
      { id: ids.config },
      await gatewayToken('acme', ['read:sync']),
    );
    expect(nested.data.syncConfig).toEqual({ id: ids.config, fieldMapping: null });
    expect(nested.errors[0]).toMatchObject({ path: ['syncConfig', 'fieldMapping'], extensions: { code: 'FORBIDDEN' } });
    const denied = await t.gql('{ connections { totalCount } }', undefined, 'hcrm_test_AcmeWebhooksOnly');
    expect(denied.errors?.[0]).toMatchObject({ path: ['connections'], extensions: { code: 'FORBIDDEN' } });
  });

  it('accepts a gateway JWT with org and scope claims, and enforces its scopes', async () => {
    const reader = await gatewayToken('acme', ['read:sync']);
    const ok: any = await t.gql('{ syncConfigs { totalCount } }', undefined, reader);
    expect(ok.data.syncConfigs.totalCount).toBe(1);
    const denied = await t.gql('{ apiKeys { totalCount } }', undefined, reader);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('shows the owning organization every row', async () => {
    const res: any = await t.gql(lists, undefined, 'hcrm_test_AcmeActiveKey');
    expect(res.errors).toBeUndefined();
    const counts = Object.fromEntries(
      Object.entries(res.data)
        .filter(([k]) => k !== 'connectors')
        .map(([k, v]: any) => [k, v.totalCount]),
    );
    expect(counts).toEqual({
      connections: 1,
      fieldMappings: 1,
      syncConfigs: 1,
      syncConflicts: 1,
      externalLinks: 1,
      webhookSubscriptions: 1,
      integrationEvents: 1,
      apiKeys: 5,
    });
    expect(res.data.connectors.map((c: any) => c.key)).toContain('acme_erp');
    for (const [name, field] of Object.entries(byId)) {
      const one: any = await t.gql(`query($id: ID!) { ${field} }`, { id: ids[name] }, 'hcrm_test_AcmeActiveKey');
      expect(one.errors).toBeUndefined();
      expect(Object.values(one.data)[0]).toMatchObject({ id: ids[name] });
    }
  });

  it('shows another organization none of them: empty lists, NOT_FOUND by id', async () => {
    const res: any = await t.gql(lists, undefined, BOOTSTRAP_KEY);
    const counts = Object.entries(res.data)
      .filter(([k]) => k !== 'connectors')
      .map(([, v]: any) => v.totalCount);
    expect(counts.every((n) => n === 0 || n === 1)).toBe(true);
    expect(res.data.connections.totalCount).toBe(0);
    expect(res.data.apiKeys.totalCount).toBe(1); // its own bootstrap key only
    expect(res.data.connectors.map((c: any) => c.key)).not.toContain('acme_erp');
    for (const [name, field] of Object.entries(byId)) {
      const one = await t.gql(`query($id: ID!) { ${field} }`, { id: ids[name] }, BOOTSTRAP_KEY);
      expect(one.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('resolves _entities only for the caller organization', async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) {
      __typename
      ... on Connection { id name } ... on SyncConfig { id name } ... on SyncRun { id status }
      ... on SyncConflict { id field } ... on ExternalLink { id externalId } ... on FieldMapping { id name }
      ... on WebhookSubscription { id name } ... on WebhookDelivery { id messageId } ... on IntegrationEvent { id type }
      ... on ApiKey { id name } ... on Account { id externalLinks { id } }
    } }`;
    const representations = [
      { __typename: 'Connection', id: ids.connection },
      { __typename: 'SyncConfig', id: ids.config },
      { __typename: 'SyncRun', id: ids.run },
      { __typename: 'SyncConflict', id: ids.conflict },
      { __typename: 'ExternalLink', id: ids.link },
      { __typename: 'FieldMapping', id: ids.mapping },
      { __typename: 'WebhookSubscription', id: ids.subscription },
      { __typename: 'WebhookDelivery', id: ids.delivery },
      { __typename: 'IntegrationEvent', id: ids.event },
      { __typename: 'ApiKey', id: ids.apiKey },
      { __typename: 'Account', id: 'acc-acme' },
    ];
    const own: any = await t.gql(query, { r: representations }, 'hcrm_test_AcmeActiveKey');
    expect(own.errors).toBeUndefined();
    expect(own.data._entities.slice(0, 10).map((e: any) => e?.id)).toEqual(representations.slice(0, 10).map((r) => r.id));
    expect(own.data._entities[10].externalLinks).toEqual([{ id: ids.link }]);

    const other: any = await t.gql(query, { r: representations }, BOOTSTRAP_KEY);
    expect(other.data._entities.slice(0, 10)).toEqual(Array(10).fill(null));
    expect(other.data._entities[10].externalLinks).toEqual([]);
  });

  it('checks scope on _entities too', async () => {
    const res = await t.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Connection { id } } }',
      { r: [{ __typename: 'Connection', id: ids.connection }] },
      'hcrm_test_AcmeWebhooksOnly',
    );
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
