import { StripeServer } from './providers/stripe.server';
import { seed } from './support/seed';
import { gatewayToken, startTestService, TestService } from './support/service';
import { waitForRunEnd } from './support/sync-fixtures';

const TROUBLESHOOT = `query($connectionId: ID, $syncConfigId: ID) { troubleshoot(connectionId: $connectionId, syncConfigId: $syncConfigId) {
  summary findings { severity code title explanation suggestedFix occurrences sample } } }`;
const TRIGGER = 'mutation($id: ID!) { triggerSync(id: $id, mode: FULL) { id } }';

type Rule = { sourceField: string; targetField: string; transform?: { type: string } };
const CUSTOMER_RULES: Rule[] = [
  { sourceField: 'name', targetField: 'name' },
  { sourceField: 'email', targetField: 'email' },
];

/**
 * troubleshoot on runs that really failed: syncs against local Stripe servers made to refuse the
 * key, rate-limit, fail with 5xx or not listen at all, and a mapping that cannot convert values.
 * Failures a local server cannot produce (a refused OAuth refresh, a missing Slack scope, a
 * provider's required-field refusal) are written as the engine writes them.
 */
describe('troubleshoot', () => {
  let t: TestService;
  const servers: StripeServer[] = [];

  const report = async (variables: Record<string, unknown>, token?: string) => {
    const res: any = await t.gql(TROUBLESHOOT, variables, token);
    expect(res.errors).toBeUndefined();
    return res.data.troubleshoot as { summary: string; findings: any[] };
  };
  const finding = (r: { findings: any[] }, code: string) => r.findings.find((f) => f.code === code);

  async function stripeServer(customers = 3): Promise<StripeServer> {
    const server = await new StripeServer().start();
    server.seedCustomers(customers);
    servers.push(server);
    return server;
  }

  /** A Stripe connection and an INBOUND customers → account config, through GraphQL. */
  async function stripeSync(
    name: string,
    opts: { apiKey: string; baseUrl: string; rules?: Rule[] | null },
  ): Promise<{ connectionId: string; configId: string }> {
    const conn: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name, credentials: { apiKey: opts.apiKey }, config: { baseUrl: opts.baseUrl } },
    });
    expect(conn.errors).toBeUndefined();
    let fieldMappingId: string | undefined;
    if (opts.rules !== null) {
      const mapping: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
        input: { name: `${name} mapping`, sourceObject: 'customers', targetObject: 'account', rules: opts.rules ?? CUSTOMER_RULES },
      });
      expect(mapping.errors).toBeUndefined();
      fieldMappingId = mapping.data.createFieldMapping.id;
    }
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name,
        connectionId: conn.data.createConnection.id,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId,
      },
    });
    expect(config.errors).toBeUndefined();
    return { connectionId: conn.data.createConnection.id, configId: config.data.createSyncConfig.id };
  }

  async function run(configId: string): Promise<any> {
    const started: any = await t.gql(TRIGGER, { id: configId });
    expect(started.errors).toBeUndefined();
    return waitForRunEnd((q, v) => t.gql(q, v), started.data.triggerSync.id, 60_000);
  }

  beforeAll(async () => {
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '1', SYNC_RETRY_BASE_SECONDS: '0' });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('reports a refused API key as INVALID_CREDENTIALS, for the config and for its connection', async () => {
    const stripe = await stripeServer();
    const { connectionId, configId } = await stripeSync('Revoked key', { apiKey: 'sk_test_revokedKey123456', baseUrl: stripe.url });
    expect((await run(configId)).status).toBe('FAILED');

    const byConfig = await report({ syncConfigId: configId });
    expect(byConfig.findings[0]).toMatchObject({ code: 'INVALID_CREDENTIALS', severity: 'CRITICAL', occurrences: 1 });
    expect(byConfig.findings[0].sample).toContain('Invalid API Key provided');
    expect(byConfig.findings[0].sample).not.toContain('sk_test_revokedKey123456');
    expect(byConfig.findings[0].suggestedFix).toMatch(/updateConnection/);
    expect(byConfig.findings[0].explanation).toMatch(/stripe authentication_error/);
    expect(byConfig.summary).toMatch(
      /^Sync config "Revoked key" \(stripe\): 1 finding \(1 critical\); last 1 run: 1 failed, 0 completed\. Start with INVALID_CREDENTIALS/,
    );

    const byConnection = await report({ connectionId });
    expect(byConnection.findings.map((f) => f.code)).toEqual(['INVALID_CREDENTIALS']);
    expect(byConnection.summary).toMatch(/^Connection "Revoked key"/);
  });

  it('reports repeated 429s as RATE_LIMITED and 5xx as PROVIDER_OUTAGE, counting every attempt', async () => {
    const limited = await stripeServer();
    const a = await stripeSync('Rate limited', { apiKey: limited.apiKey, baseUrl: limited.url });
    // Five requests per attempt (four retries), three attempts per run: all refused.
    limited.failNext(
      ...Array.from({ length: 20 }, () => ({
        status: 429,
        headers: { 'retry-after': '0' },
        body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly.' } },
      })),
    );
    expect((await run(a.configId)).status).toBe('FAILED');
    const rateLimited = await report({ syncConfigId: a.configId });
    expect(rateLimited.findings.map((f) => f.code)).toEqual(['RATE_LIMITED']);
    // Two retried attempts (warn) and the final failure (error), one run.
    expect(rateLimited.findings[0]).toMatchObject({ severity: 'WARNING', occurrences: 3 });
    expect(rateLimited.findings[0].explanation).toMatch(/Seen 3 times in 1 run,/);
    expect(rateLimited.findings[0].suggestedFix).toMatch(/frequency/);

    const down = await stripeServer();
    const b = await stripeSync('Stripe down', { apiKey: down.apiKey, baseUrl: down.url });
    // Exactly the requests of one run (3 attempts × 5 requests), so the next run meets a healthy server.
    down.failNext(...Array.from({ length: 15 }, () => ({ status: 503, body: { error: { type: 'api_error', message: 'Stripe is down' } } })));
    expect((await run(b.configId)).status).toBe('FAILED');
    const outage = await report({ syncConfigId: b.configId });
    expect(outage.findings.map((f) => f.code)).toEqual(['PROVIDER_OUTAGE']);
    expect(outage.findings[0].occurrences).toBe(3);
    expect(outage.findings[0].sample).toContain('stripe responded 503: Stripe is down');

    // The provider recovers: the next run completes and the finding is kept as probably resolved.
    expect((await run(b.configId)).status).toBe('COMPLETED');
    const recovered = await report({ syncConfigId: b.configId });
    expect(recovered.findings[0]).toMatchObject({ code: 'PROVIDER_OUTAGE', severity: 'INFO' });
    expect(recovered.findings[0].explanation).toMatch(/may be resolved/);
    expect(recovered.summary).toMatch(/no problems found \(last 2 runs: 1 failed, 1 completed\); 1 informational finding/);
  });

  it('reports a base URL nothing listens on as TARGET_UNREACHABLE', async () => {
    const gone = await new StripeServer().start();
    const url = gone.url;
    await gone.stop();
    const { configId } = await stripeSync('Nothing listens', { apiKey: 'sk_test_51LocalStripeKey4242', baseUrl: url });
    expect((await run(configId)).status).toBe('FAILED');
    const r = await report({ syncConfigId: configId });
    expect(r.findings[0]).toMatchObject({ code: 'TARGET_UNREACHABLE', severity: 'ERROR' });
    expect(r.findings[0].explanation).toMatch(/ECONNREFUSED/);
    expect(r.findings[0].suggestedFix).toMatch(/base URL/);
  });

  it('groups per-record transform failures into one MAPPING_TYPE_MISMATCH finding', async () => {
    const stripe = await stripeServer(12);
    const { configId } = await stripeSync('Names as revenue', {
      apiKey: stripe.apiKey,
      baseUrl: stripe.url,
      rules: [...CUSTOMER_RULES, { sourceField: 'name', targetField: 'annual_revenue', transform: { type: 'TO_NUMBER' } }],
    });
    const done = await run(configId);
    expect(done).toMatchObject({ status: 'COMPLETED', recordsFailed: 12 });
    const r = await report({ syncConfigId: configId });
    const mismatch = finding(r, 'MAPPING_TYPE_MISMATCH');
    // Twelve messages differing only in the quoted value are one group, and not "resolved" by
    // the completed run that logged them.
    expect(mismatch).toMatchObject({ severity: 'ERROR', occurrences: 12 });
    expect(mismatch.explanation).toMatch(/Seen 12 times in 1 run,/);
    expect(mismatch.explanation).not.toMatch(/distinct messages|may be resolved/);
    expect(mismatch.sample).toMatch(/name → annual_revenue: TO_NUMBER: expected a number/);
    expect(mismatch.suggestedFix).toMatch(/transform/);
  });

  it('reports failures written the way the engine writes them: expired OAuth, missing scope, required field', async () => {
    const db = t.service.db;
    // A Gmail connection whose refresh token was refused (token-refresher.ts), and the run that failed on it.
    const gmail = await seed.connection(db, 'default', {
      connector_key: 'gmail',
      name: 'Gmail',
      auth_type: 'OAUTH2',
      status: 'EXPIRED',
      expires_at: new Date(Date.now() - 3_600_000),
      last_error: 'Token refresh refused: gmail responded 400: Token has been expired or revoked.',
    });
    const gmailConfig = await seed.syncConfig(db, 'default', gmail, { name: 'Mail', source_object: 'messages', target_object: 'contact' });
    const message = `Connection ${gmail} needs to be authorized again: gmail responded 400: Token has been expired or revoked.`;
    const failedRun = await seed.syncRun(db, 'default', gmailConfig, { status: 'FAILED', error_details: message, completed_at: new Date() });
    await seed.syncLog(db, 'default', failedRun, { level: 'error', message, code: 'CONFLICT' });
    const expired = await report({ connectionId: gmail });
    expect(expired.findings[0]).toMatchObject({ code: 'OAUTH_TOKEN_EXPIRED', severity: 'CRITICAL', occurrences: 1 });
    expect(expired.findings[0].explanation).toMatch(/Connection "Gmail" is EXPIRED/);
    expect(expired.findings[0].suggestedFix).toMatch(/startOAuth/);
    expect(expired.findings.filter((f) => f.code === 'OAUTH_TOKEN_EXPIRED')).toHaveLength(1);

    // Slack refusing a method for a scope the token lacks (slack.ts: missing_scope → 403).
    const slack = await seed.connection(db, 'default', { connector_key: 'slack', name: 'Slack', auth_type: 'OAUTH2' });
    const slackConfig = await seed.syncConfig(db, 'default', slack, { name: 'Channels', source_object: 'conversations', target_object: 'account' });
    for (let i = 0; i < 2; i++) {
      const scopeMessage = 'slack responded 403: missing_scope: needed: channels:read; provided: users:read';
      const runId = await seed.syncRun(db, 'default', slackConfig, { status: 'FAILED', error_details: scopeMessage, completed_at: new Date() });
      await seed.syncLog(db, 'default', runId, { level: 'error', message: scopeMessage, code: 'BAD_USER_INPUT' });
    }
    const scope = finding(await report({ syncConfigId: slackConfig }), 'INSUFFICIENT_SCOPE');
    expect(scope).toMatchObject({ severity: 'ERROR', occurrences: 2 });
    expect(scope.explanation).toMatch(/Seen 2 times in 2 runs/);
    expect(scope.suggestedFix).toMatch(/needed scope/);

    // QuickBooks refusing outbound invoices without CustomerRef (outbound-sync.ts WRITE_FAILED lines).
    const qbo = await seed.connection(db, 'default', { connector_key: 'quickbooks', name: 'QuickBooks', auth_type: 'OAUTH2', config: { realmId: '9130' } });
    const qboConfig = await seed.syncConfig(db, 'default', qbo, {
      name: 'Invoices out',
      source_object: 'invoices',
      target_object: 'invoice',
      direction: 'OUTBOUND',
    });
    const qboRun = await seed.syncRun(db, 'default', qboConfig, { status: 'COMPLETED', records_failed: 3, completed_at: new Date() });
    for (const id of ['6f1e2d3c-0000-4000-8000-000000000001', '6f1e2d3c-0000-4000-8000-000000000002', '6f1e2d3c-0000-4000-8000-000000000003']) {
      await seed.syncLog(db, 'default', qboRun, {
        level: 'warn',
        code: 'WRITE_FAILED',
        message:
          `invoice ${id} could not be written: quickbooks responded 400: ` +
          'Required param missing, need to supply the required value for the API: CustomerRef',
      });
    }
    const required = finding(await report({ syncConfigId: qboConfig }), 'REQUIRED_FIELD_MISSING');
    expect(required).toMatchObject({ severity: 'ERROR', occurrences: 3 });
    expect(required.explanation).toMatch(/quickbooks 2020/);
    expect(required.explanation).not.toMatch(/distinct messages/);
  });

  it('checks the configuration: paused, no mapping, fields the object lacks, no configs', async () => {
    const stripe = await stripeServer();
    const healthy = await stripeSync('Healthy', { apiKey: stripe.apiKey, baseUrl: stripe.url });
    expect((await run(healthy.configId)).status).toBe('COMPLETED');
    const ok = await report({ syncConfigId: healthy.configId });
    expect(ok).toEqual({ findings: [], summary: 'Sync config "Healthy" (stripe): no problems found (last 1 run: 0 failed, 1 completed).' });

    const paused = await stripeSync('Paused', { apiKey: stripe.apiKey, baseUrl: stripe.url, rules: null });
    const update: any = await t.gql('mutation($id: ID!) { updateSyncConfig(id: $id, input: { isActive: false }) { isActive } }', { id: paused.configId });
    expect(update.data.updateSyncConfig.isActive).toBe(false);
    const pausedReport = await report({ syncConfigId: paused.configId });
    expect(pausedReport.findings.map((f) => f.code).sort()).toEqual(['NO_FIELD_MAPPING', 'SYNC_CONFIG_PAUSED']);
    expect(pausedReport.summary).toMatch(/no runs yet/);

    // A mapping saved before the CRM object lost a field (createFieldMapping refuses it today).
    const stale = await stripeSync('Stale mapping', { apiKey: stripe.apiKey, baseUrl: stripe.url });
    await t.service.db.query(
      `UPDATE field_mapping
        SET rules = rules || '[{"sourceField":"address.city","targetField":"billing_town"},{"sourceField":"nickname","targetField":"alias"}]'::jsonb
        WHERE id = (SELECT field_mapping_id FROM sync_config WHERE id = $1)`,
      [stale.configId],
    );
    const staleReport = await report({ syncConfigId: stale.configId });
    const unknown = finding(staleReport, 'MAPPING_UNKNOWN_FIELD');
    expect(unknown).toMatchObject({ severity: 'ERROR', occurrences: 2, sample: 'address.city → billing_town; nickname → alias' });
    expect(unknown.explanation).toMatch(/writes billing_town, alias, which account does not have/);
    // address.city is a field Stripe customers declare (address); nickname is not.
    expect(finding(staleReport, 'MAPPING_UNKNOWN_SOURCE_FIELD')).toMatchObject({ severity: 'WARNING', occurrences: 1, sample: 'nickname → alias' });

    const lonely = await seed.connection(t.service.db, 'default', { name: 'Unused', credential_hint: null });
    expect((await report({ connectionId: lonely })).findings.map((f) => f.code)).toEqual(['NO_SYNC_CONFIGS']);
  });

  it('takes exactly one id, answers NOT_FOUND for unknown or other organizations’ ids, and needs read:sync', async () => {
    const conn = await seed.connection(t.service.db, 'default');
    const config = await seed.syncConfig(t.service.db, 'default', conn);
    for (const variables of [{}, { connectionId: conn, syncConfigId: config }]) {
      const res = await t.gql(TROUBLESHOOT, variables);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
    for (const variables of [{ connectionId: '00000000-0000-4000-8000-000000000000' }, { syncConfigId: 'not-a-uuid' }]) {
      const res = await t.gql(TROUBLESHOOT, variables);
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const other = await gatewayToken('beta', ['*']);
    for (const variables of [{ connectionId: conn }, { syncConfigId: config }]) {
      const res = await t.gql(TROUBLESHOOT, variables, other);
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const denied = await t.gql(TROUBLESHOOT, { connectionId: conn }, await gatewayToken('default', ['read:connections']));
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const allowed = await report({ connectionId: conn }, await gatewayToken('default', ['read:sync']));
    expect(allowed.summary).toMatch(/^Connection "Stripe" \(stripe\)/);
  });
});
