import { gatewayToken, startTestService, TestService } from './support/service';

const KEY_FIELDS = 'id name prefix scopes rateLimit { limit windowSeconds } status expiresAt usageCount createdAt';
const CREATE = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ${KEY_FIELDS} } } }`;
const ROTATE = `mutation($id: ID!, $grace: Int) { rotateApiKey(id: $id, gracePeriodSeconds: $grace) { key apiKey { ${KEY_FIELDS} } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(id: $id) { ${KEY_FIELDS} } }`;
const ONE = `query($id: ID!) { apiKey(id: $id) { ${KEY_FIELDS} } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creating, using, rotating, revoking and expiring keys through GraphQL, as an admin would. */
describe('API key lifecycle', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  async function create(input: Record<string, unknown>, token?: string) {
    const res = await t.gql(CREATE, { input }, token);
    if (!res.data) throw new Error(`createApiKey failed: ${JSON.stringify(res.errors)}`);
    return res.data.createApiKey as { key: string; apiKey: Record<string, any> };
  }
  /** A request only a key with read:api_keys may make; its error code when refused. */
  async function use(key: string): Promise<string> {
    const res = await t.gql('{ apiKeys { totalCount } }', undefined, key);
    return res.errors?.[0]?.extensions?.code ?? 'OK';
  }
  async function events(type: string) {
    const res: any = await t.gql(`query($type: String) { integrationEvents(type: $type) { edges { node { type source objectType recordId data } } } }`, {
      type,
    });
    return res.data.integrationEvents.edges.map((e: any) => e.node);
  }

  it('shows a new key once, stores only its prefix and hash, and the key works with its scopes', async () => {
    const { key, apiKey } = await create({ name: ' reporting ', scopes: ['read:api_keys', 'read:contacts'], rateLimit: { limit: 500, windowSeconds: 30 } });
    expect(key).toMatch(/^hcrm_test_[1-9A-HJ-NP-Za-km-z]{30,34}$/);
    expect(apiKey).toMatchObject({
      name: 'reporting',
      scopes: ['read:api_keys', 'read:contacts'],
      rateLimit: { limit: 500, windowSeconds: 30 },
      status: 'ACTIVE',
      expiresAt: null,
      usageCount: 0,
    });
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    expect(apiKey.prefix.length).toBeLessThan(key.length - 20);

    const stored = await t.service.db.query('SELECT * FROM api_key WHERE id = $1', [apiKey.id]);
    expect(JSON.stringify(stored)).not.toContain(key.slice(apiKey.prefix.length));
    expect(await use(key)).toBe('OK');
    const denied = await t.gql('{ connections { totalCount } }', undefined, key);
    expect(denied.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN' });

    // The created event is in the same organization's log, and carries no secret.
    const [event] = await events('integration.api_key.created');
    expect(event).toMatchObject({
      source: 'hotcrm',
      objectType: 'api_key',
      recordId: apiKey.id,
      data: { id: apiKey.id, name: 'reporting', prefix: apiKey.prefix },
    });
    expect(JSON.stringify(event)).not.toContain(key);
    // Defaults: 1000 per 60 s.
    const plain = await create({ name: 'defaults', scopes: ['read:*'] });
    expect(plain.apiKey.rateLimit).toEqual({ limit: 1000, windowSeconds: 60 });
  });

  it('rotates: the new key has the same settings, both work during the grace, then the old one is EXPIRED', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const old = await create({ name: 'ci', scopes: ['read:api_keys'], rateLimit: { limit: 50, windowSeconds: 10 }, expiresAt });
    expect(await use(old.key)).toBe('OK');

    const rotated = await t.gql(ROTATE, { id: old.apiKey.id, grace: 2 });
    expect(rotated.errors).toBeUndefined();
    const fresh = rotated.data!.rotateApiKey;
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.apiKey).toMatchObject({
      name: 'ci',
      scopes: ['read:api_keys'],
      rateLimit: { limit: 50, windowSeconds: 10 },
      status: 'ACTIVE',
      expiresAt: new Date(expiresAt).toISOString(),
    });
    expect(fresh.apiKey.id).not.toBe(old.apiKey.id);

    expect(await use(old.key)).toBe('OK');
    expect(await use(fresh.key)).toBe('OK');
    const during: any = await t.gql(ONE, { id: old.apiKey.id });
    expect(during.data.apiKey.status).toBe('ACTIVE');
    expect(new Date(during.data.apiKey.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 2_000);

    // A key is rotated once; its successor is what rotates next.
    const again = await t.gql(ROTATE, { id: old.apiKey.id, grace: 60 });
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');

    const [event] = await events('integration.api_key.rotated');
    expect(event).toMatchObject({ recordId: fresh.apiKey.id, data: { rotatedFromId: old.apiKey.id, previousKeyExpiresAt: during.data.apiKey.expiresAt } });
    expect(JSON.stringify(event)).not.toContain(fresh.key);

    await sleep(Math.max(0, new Date(during.data.apiKey.expiresAt).getTime() - Date.now()) + 100);
    expect(await use(old.key)).toBe('UNAUTHENTICATED');
    expect(await use(fresh.key)).toBe('OK');
    const after: any = await t.gql(ONE, { id: old.apiKey.id });
    expect(after.data.apiKey.status).toBe('EXPIRED');
    const expired: any = await t.gql('{ apiKeys(status: EXPIRED) { edges { node { id } } } }');
    expect(expired.data.apiKeys.edges.map((e: any) => e.node.id)).toContain(old.apiKey.id);
  });

  it('rotates with no grace: the old key stops at once; an expired key cannot be rotated', async () => {
    const old = await create({ name: 'now', scopes: ['read:api_keys'] });
    expect(await use(old.key)).toBe('OK');
    const rotated: any = await t.gql(ROTATE, { id: old.apiKey.id, grace: 0 });
    expect(await use(old.key)).toBe('UNAUTHENTICATED');
    expect(await use(rotated.data.rotateApiKey.key)).toBe('OK');
    const again = await t.gql(ROTATE, { id: old.apiKey.id });
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('revokes: the key stops working, revoking again changes nothing, a revoked key cannot be rotated', async () => {
    const { key, apiKey } = await create({ name: 'leaked', scopes: ['read:api_keys'] });
    expect(await use(key)).toBe('OK');
    const revoked = await t.gql(REVOKE, { id: apiKey.id });
    expect(revoked.data?.revokeApiKey).toMatchObject({ id: apiKey.id, status: 'REVOKED' });
    expect(await use(key)).toBe('UNAUTHENTICATED');

    const twice = await t.gql(REVOKE, { id: apiKey.id });
    expect(twice.data?.revokeApiKey.status).toBe('REVOKED');
    expect((await events('integration.api_key.revoked')).filter((e: any) => e.recordId === apiKey.id)).toHaveLength(1);
    const rotate = await t.gql(ROTATE, { id: apiKey.id });
    expect(rotate.errors?.[0].extensions?.code).toBe('CONFLICT');
  });

  it('expires a key at its expiresAt', async () => {
    const { key, apiKey } = await create({ name: 'short', scopes: ['read:api_keys'], expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect(await use(key)).toBe('OK');
    await sleep(Math.max(0, new Date(apiKey.expiresAt).getTime() - Date.now()) + 100);
    expect(await use(key)).toBe('UNAUTHENTICATED');
    const res: any = await t.gql(ONE, { id: apiKey.id });
    expect(res.data.apiKey.status).toBe('EXPIRED');
  });

  it.each([
    ['an empty name', { name: '  ', scopes: ['read:*'] }, 'name'],
    ['no scopes', { name: 'x', scopes: [] }, 'scopes'],
    ['an unknown scope', { name: 'x', scopes: ['read:contacts', 'read:everything'] }, 'scopes'],
    ['a zero limit', { name: 'x', scopes: ['read:*'], rateLimit: { limit: 0, windowSeconds: 60 } }, 'rateLimit.limit'],
    ['a limit past the maximum', { name: 'x', scopes: ['read:*'], rateLimit: { limit: 1_000_001, windowSeconds: 60 } }, 'rateLimit.limit'],
    ['a zero window', { name: 'x', scopes: ['read:*'], rateLimit: { limit: 10, windowSeconds: 0 } }, 'rateLimit.windowSeconds'],
    ['a window over a day', { name: 'x', scopes: ['read:*'], rateLimit: { limit: 10, windowSeconds: 86_401 } }, 'rateLimit.windowSeconds'],
    ['an expiry in the past', { name: 'x', scopes: ['read:*'], expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
  ])('refuses %s with BAD_USER_INPUT on its field', async (_label, input, field) => {
    const res = await t.gql(CREATE, { input });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it('refuses a bad grace period, and ids that are not the caller’s', async () => {
    const { apiKey } = await create({ name: 'grace', scopes: ['read:*'] });
    for (const grace of [-1, 31 * 86_400]) {
      const res = await t.gql(ROTATE, { id: apiKey.id, grace });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'gracePeriodSeconds' });
    }
    const otherOrg = await gatewayToken('acme', ['*']);
    for (const [query, variables] of [
      [ROTATE, { id: apiKey.id }],
      [REVOKE, { id: apiKey.id }],
      [REVOKE, { id: 'not-a-uuid' }],
    ] as const) {
      const res = await t.gql(query, variables, otherOrg);
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    expect((await t.gql(ONE, { id: apiKey.id })).data?.apiKey.status).toBe('ACTIVE');
  });

  it('lets a caller hand out only scopes it holds, and needs write:api_keys to manage keys', async () => {
    const manager = await create({ name: 'manager', scopes: ['write:api_keys', 'read:contacts', 'read:api_keys'] });
    const escalate = await t.gql(CREATE, { input: { name: 'root', scopes: ['*'] } }, manager.key);
    expect(escalate.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['*'] });
    const wider = await t.gql(CREATE, { input: { name: 'all reads', scopes: ['read:contacts', 'read:*'] } }, manager.key);
    expect(wider.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['read:*'] });
    const ok = await t.gql(CREATE, { input: { name: 'contacts', scopes: ['read:contacts'] } }, manager.key);
    expect(ok.data?.createApiKey.apiKey.scopes).toEqual(['read:contacts']);

    // Rotation shows the new key to the caller: the same rule applies to the key's scopes.
    const root = await create({ name: 'root', scopes: ['*'] });
    const rotate = await t.gql(ROTATE, { id: root.apiKey.id }, manager.key);
    expect(rotate.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // Revoking only takes rights away.
    expect((await t.gql(REVOKE, { id: root.apiKey.id }, manager.key)).data?.revokeApiKey.status).toBe('REVOKED');

    const reader = await gatewayToken('default', ['read:api_keys']);
    const denied = await t.gql(CREATE, { input: { name: 'x', scopes: ['read:api_keys'] } }, reader);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
