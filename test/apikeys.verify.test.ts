import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';

const VERIFY = `query($key: String!, $scopes: [String!]) {
  verifyApiKey(key: $key, requiredScopes: $scopes) { valid code keyId organizationId scopes rateLimit { limit remaining resetAt } }
}`;
const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }';

/** verifyApiKey as the gateway calls it: every answer code, what each tells, and what it counts. */
describe('verifyApiKey', () => {
  let t: TestService;
  let gateway: string;

  beforeAll(async () => {
    t = await startTestService();
    gateway = await gatewayToken('gateway', ['read:api_keys']);
  });
  afterAll(() => t.stop());

  async function create(input: Record<string, unknown>, token: string = BOOTSTRAP_KEY) {
    const res = await t.gql(CREATE, { input }, token);
    if (!res.data) throw new Error(`createApiKey failed: ${JSON.stringify(res.errors)}`);
    return res.data.createApiKey as { key: string; apiKey: { id: string } };
  }
  async function verify(key: string, scopes?: string[], token = gateway) {
    const res = await t.gql(VERIFY, { key, scopes }, token);
    if (!res.data) throw new Error(`verifyApiKey failed: ${JSON.stringify(res.errors)}`);
    return res.data.verifyApiKey;
  }

  it('answers VALID with the key’s tenant, scopes and remaining budget, and counts the request', async () => {
    const { key, apiKey } = await create({ name: 'app', scopes: ['read:contacts', 'write:contacts'], rateLimit: { limit: 100, windowSeconds: 60 } });
    const before = Date.now();
    const first = await verify(key, ['read:contacts']);
    expect(first).toMatchObject({
      valid: true,
      code: 'VALID',
      keyId: apiKey.id,
      organizationId: 'default',
      scopes: ['read:contacts', 'write:contacts'],
      rateLimit: { limit: 100, remaining: 99 },
    });
    const resetAt = new Date(first.rateLimit.resetAt).getTime();
    expect(resetAt).toBeGreaterThan(before + 55_000);
    expect(resetAt).toBeLessThan(Date.now() + 62_000);
    expect((await verify(key, ['read:contacts', 'write:contacts'])).rateLimit.remaining).toBe(98);
    expect((await verify(key)).code).toBe('VALID');

    // Usage is written in batches: poll until the counts land.
    const usage = await waitForUsage(apiKey.id, 3);
    expect(usage).toMatchObject({ usageCount: 3, hour: { requests: 3, rejected: 0 } });
    expect(usage.lastUsedAt).not.toBeNull();
  });

  it('answers INSUFFICIENT_SCOPE when any required scope is missing (wildcards count)', async () => {
    const { key, apiKey } = await create({ name: 'reader', scopes: ['read:*'] });
    expect((await verify(key, ['read:invoices', 'read:contacts'])).code).toBe('VALID');
    const res = await verify(key, ['read:contacts', 'write:contacts']);
    expect(res).toMatchObject({
      valid: false,
      code: 'INSUFFICIENT_SCOPE',
      keyId: apiKey.id,
      organizationId: 'default',
      scopes: ['read:*'],
      rateLimit: { limit: 1000, remaining: 998 },
    });
    expect((await waitForUsage(apiKey.id, 2)).hour).toEqual({ requests: 2, rejected: 1 });
  });

  it('answers RATE_LIMITED past the limit, with no budget left and when it frees up', async () => {
    const { key, apiKey } = await create({ name: 'tight', scopes: ['read:contacts'], rateLimit: { limit: 2, windowSeconds: 30 } });
    expect((await verify(key)).rateLimit.remaining).toBe(1);
    expect((await verify(key)).rateLimit.remaining).toBe(0);
    const limited = await verify(key);
    expect(limited).toMatchObject({ valid: false, code: 'RATE_LIMITED', keyId: apiKey.id, rateLimit: { limit: 2, remaining: 0 } });
    expect(new Date(limited.rateLimit.resetAt).getTime()).toBeGreaterThan(Date.now());
    // A request made with the key itself is refused the same way, with retryAfterSeconds.
    const direct = await t.gql('{ connectors { key } }', undefined, key);
    expect(direct.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    expect(direct.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(direct.errors?.[0].extensions?.retryAfterSeconds).toBeLessThanOrEqual(31);
    expect((await waitForUsage(apiKey.id, 4)).hour).toEqual({ requests: 4, rejected: 2 });
  });

  it('answers NOT_FOUND, REVOKED and EXPIRED without a budget', async () => {
    for (const unknown of ['hcrm_test_3mJr7AoUXx2Wqd6t7sqXgWYZxWVoJgRtqv', 'not-a-key', 'hcrm_' + 'x'.repeat(1000)]) {
      expect(await verify(unknown)).toEqual({ valid: false, code: 'NOT_FOUND', keyId: null, organizationId: null, scopes: [], rateLimit: null });
    }
    const revoked = await create({ name: 'gone', scopes: ['read:contacts'] });
    await t.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: revoked.apiKey.id });
    expect(await verify(revoked.key, undefined, BOOTSTRAP_KEY)).toEqual({
      valid: false,
      code: 'REVOKED',
      keyId: revoked.apiKey.id,
      organizationId: 'default',
      scopes: ['read:contacts'],
      rateLimit: null,
    });
    const expiring = await create({ name: 'brief', scopes: ['read:contacts'], expiresAt: new Date(Date.now() + 1000).toISOString() });
    expect((await verify(expiring.key)).code).toBe('VALID');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await verify(expiring.key, undefined, BOOTSTRAP_KEY)).toMatchObject({ valid: false, code: 'EXPIRED', keyId: expiring.apiKey.id, rateLimit: null });
  });

  it('describes a live key of another organization (the gateway’s case) but not a dead one', async () => {
    const acmeAdmin = await gatewayToken('acme', ['*']);
    const live = await create({ name: 'acme app', scopes: ['read:invoices'] }, acmeAdmin);
    const dead = await create({ name: 'acme old', scopes: ['read:invoices'] }, acmeAdmin);
    await t.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: dead.apiKey.id }, acmeAdmin);

    expect(await verify(live.key, ['read:invoices'], BOOTSTRAP_KEY)).toMatchObject({
      valid: true,
      code: 'VALID',
      keyId: live.apiKey.id,
      organizationId: 'acme',
      scopes: ['read:invoices'],
    });
    expect(await verify(dead.key, undefined, BOOTSTRAP_KEY)).toEqual({
      valid: false,
      code: 'REVOKED',
      keyId: null,
      organizationId: null,
      scopes: [],
      rateLimit: null,
    });
    // Its own organization sees which key it was.
    expect((await verify(dead.key, undefined, acmeAdmin)).keyId).toBe(dead.apiKey.id);
  });

  it('needs read:api_keys, and bounds requiredScopes', async () => {
    const { key } = await create({ name: 'app', scopes: ['read:contacts'] });
    const denied = await t.gql(VERIFY, { key }, await gatewayToken('gateway', ['read:contacts']));
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const none = await t.gql(VERIFY, { key }, null);
    expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const many = await t.gql(VERIFY, { key, scopes: Array.from({ length: 51 }, (_, i) => `read:x${i}`) }, gateway);
    expect(many.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'requiredScopes' });
  });

  /** The key's usageCount, lastUsedAt and hour buckets (summed around now) once usageCount reaches `count`. */
  async function waitForUsage(id: string, count: number) {
    const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const query = `query($id: ID!, $from: DateTime!, $to: DateTime!) {
      apiKey(id: $id) { usageCount lastUsedAt usage(from: $from, to: $to, granularity: HOUR) { requests rejected } } }`;
    const variables = { id, from: new Date(hourStart - 3_600_000).toISOString(), to: new Date(hourStart + 7_200_000).toISOString() };
    const until = Date.now() + 10_000;
    for (;;) {
      const res: any = await t.gql(query, variables);
      const key = res.data.apiKey;
      if (key.usageCount >= count || Date.now() > until) {
        const hour = key.usage.reduce((sum: any, b: any) => ({ requests: sum.requests + b.requests, rejected: sum.rejected + b.rejected }), {
          requests: 0,
          rejected: 0,
        });
        return { usageCount: key.usageCount, lastUsedAt: key.lastUsedAt, hour };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});
