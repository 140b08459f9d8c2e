import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { OAuthServer } from './providers/oauth.server';
import { SlackServer } from './providers/slack.server';
import { StripeServer } from './providers/stripe.server';
import { BOOTSTRAP_KEY, startTestService, TestService } from './support/service';
import { Gql, setupInboundSync, SlowStripeServer, TRIGGER, waitForRunEnd } from './support/sync-fixtures';
import { WebhookReceiver } from './support/webhook-receiver';

/** Debian's Chromium (.ci/run installs it); never a browser download. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts');
/** Flags for a closed network: no background or component traffic, no QUIC, no GPU, no sandbox as root. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const RUN_WITH_CONFLICTS = 'query($id: ID!) { syncRun(id: $id) { id status conflicts errorDetails } }';
const CREATE = (name: string) => `mutation($input: ${name}Input!) { create${name.replace(/^Create/, '')}(input: $input) { id } }`;

/**
 * The sync dashboard end to end in a real browser: the page served by the subgraph, driven by
 * playwright-core in headless Chromium against the real service, a local Stripe and a local
 * webhook receiver. Everything the page shows and does goes through the public GraphQL API.
 */
describe('GET /dashboard in headless Chromium', () => {
  let t: TestService;
  let gql: Gql;
  let slow: SlowStripeServer;
  let small: StripeServer;
  let receiver: WebhookReceiver;
  let slackOAuth: OAuthServer;
  let slack: SlackServer;
  let browser: Browser;
  let page: Page;
  let receiverFails = true;
  const pageErrors: string[] = [];
  const ids: Record<string, string> = {};

  /** A BIDIRECTIONAL MANUAL config; after one linking run, both sides edit one name: one OPEN conflict. */
  async function setupConflict(): Promise<void> {
    const conn = await gql(CREATE('CreateConnection'), {
      input: { connectorKey: 'stripe', name: 'Stripe (two-way)', credentials: { apiKey: small.apiKey }, config: { baseUrl: small.url } },
    });
    const mapping = await gql(CREATE('CreateFieldMapping'), {
      input: {
        name: 'customer ↔ account',
        sourceObject: 'customers',
        targetObject: 'account',
        rules: [
          { sourceField: 'name', targetField: 'name' },
          { sourceField: 'email', targetField: 'email' },
        ],
      },
    });
    const config = await gql(CREATE('CreateSyncConfig'), {
      input: {
        name: 'Customers both ways',
        connectionId: conn.data.createConnection.id,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'BIDIRECTIONAL',
        frequency: 'manual',
        conflictResolution: 'MANUAL',
        fieldMappingId: mapping.data.createFieldMapping.id,
      },
    });
    const configId = config.data.createSyncConfig.id;
    const runOnce = async () => waitForRunEnd(gql, (await gql(TRIGGER, { id: configId, mode: 'FULL' })).data.triggerSync.id, 20_000, RUN_WITH_CONFLICTS);
    expect(await runOnce()).toMatchObject({ status: 'COMPLETED' });
    const customer = (small.store.get('customers') as any[])[0];
    customer.name = 'Ada (edited in Stripe)';
    const [account] = await t.service.db.query(`SELECT r.id FROM external_link l JOIN crm_record r ON r.id::text = l.internal_id WHERE l.external_id = $1`, [
      customer.id,
    ]);
    await new BuiltInCrmStore(t.service.db).upsert('default', 'account', [{ id: account.id, data: { name: 'Ada (edited in HotCRM)' } }]);
    expect(await runOnce()).toMatchObject({ status: 'COMPLETED', conflicts: 1 });
    const open = await gql('query { syncConflicts(status: OPEN) { edges { node { id } } } }');
    ids.conflict = open.data.syncConflicts.edges[0].node.id;
  }

  /** A connection whose key Stripe refuses: its run FAILS and troubleshoot has a finding for it. */
  async function setupFailure(): Promise<void> {
    const { configId } = await setupInboundSync(gql, Object.assign(Object.create(small), { apiKey: 'sk_test_revokedKey123456' }), 'hourly');
    ids.failedConfig = configId;
    expect(await waitForRunEnd(gql, (await gql(TRIGGER, { id: configId })).data.triggerSync.id, 20_000)).toMatchObject({ status: 'FAILED' });
  }

  /** A subscription with retryPolicy NONE to a receiver answering 500: one FAILED delivery. */
  async function setupFailedDelivery(): Promise<void> {
    const sub = await gql('mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }', {
      input: { name: 'Deals to ERP', eventTypes: ['opportunity.won'], targetUrl: receiver.url, retryPolicy: 'NONE' },
    });
    ids.subscription = sub.data.createWebhookSubscription.subscription.id;
    await gql('mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }', { input: { type: 'opportunity.won', data: { amount: 4200 } } });
    for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const res = await gql('query($id: ID!) { webhookSubscription(id: $id) { deliveries(status: FAILED) { edges { node { id } } } } }', {
        id: ids.subscription,
      });
      ids.delivery = res.data.webhookSubscription.deliveries.edges[0]?.node.id;
      if (ids.delivery) break;
      if (Date.now() > until) throw new Error('the delivery never failed');
    }
  }

  /** An automation posting to a Slack channel the bot was not invited to: its run FAILS (not_in_channel). */
  async function setupFailedAutomation(): Promise<void> {
    const [channel] = slack.seedChannels(1, { name: 'support-escalations', is_member: false });
    ids.slackChannel = channel.id;
    const conn = await gql(CREATE('CreateConnection'), {
      input: {
        connectorKey: 'slack',
        authType: 'TOKEN',
        name: 'Slack (support)',
        credentials: { token: slack.botToken },
        config: { baseUrl: `${slack.url}/api` },
      },
    });
    const automation = await gql(CREATE('CreateAutomation'), {
      input: {
        name: 'High-priority cases to Slack',
        eventTypes: ['case.created'],
        filters: [['priority', '=', 'High']],
        connectionId: conn.data.createConnection.id,
        action: 'postMessage',
        inputTemplate: { channel: channel.id, text: 'Case {{event.data.subject}}' },
        retryPolicy: 'NONE',
      },
    });
    ids.automation = automation.data.createAutomation.id;
    await gql('mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }', {
      input: { type: 'case.created', data: { subject: 'Printer on fire', priority: 'High' } },
    });
    for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const res = await gql('query($id: ID!) { automation(id: $id) { runs(status: FAILED) { edges { node { id error } } } } }', { id: ids.automation });
      ids.automationRun = res.data.automation.runs.edges[0]?.node.id;
      if (ids.automationRun) break;
      if (Date.now() > until) throw new Error('the automation run never failed');
    }
  }

  beforeAll(async () => {
    // Without Chromium this test fails loudly: .ci/run installs Debian's package when it is missing.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (npm test's pretest does this)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    slow = await new SlowStripeServer(0).start();
    slow.seedCustomers(230);
    small = await new StripeServer().start();
    small.seedCustomers(3);
    receiver = await new WebhookReceiver().start();
    slackOAuth = await new OAuthServer().start();
    slack = await new SlackServer(slackOAuth).start();
    receiver.answer(() => (receiverFails ? { status: 500, body: 'ERP is down' } : { status: 200, body: 'ok' }));
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '1', SYNC_RETRY_BASE_SECONDS: '0' });
    gql = (query, variables) => t.gql(query, variables);
    ids.liveConfig = (await setupInboundSync(gql, slow)).configId;
    await Promise.all([setupConflict(), setupFailure(), setupFailedDelivery(), setupFailedAutomation()]);
    // Playwright gives every launch a new, empty profile directory.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await Promise.all([slow?.stop(), small?.stop(), receiver?.stop(), slack?.stop(), slackOAuth?.stop()]);
  });

  const card = (attr: string, id: string) => page.locator(`[${attr}="${id}"]`);

  it('asks for the key once, then shows health, connections, failures with findings, webhooks, automations and conflicts', async () => {
    const served = await fetch(`${t.url}/dashboard/`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-security-policy')).toContain("default-src 'self'");

    await page.goto(`${t.url}/dashboard`);
    await page.locator('#api-key').fill(BOOTSTRAP_KEY);
    await page.locator('#login-form button[type=submit]').click();
    await page.locator('#dashboard').waitFor({ state: 'visible' });
    await page.locator('#live[data-state="live"]').waitFor();
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('hotcrm.dashboard.apiKey'))).toBe(BOOTSTRAP_KEY);

    await expect(page.locator('[data-health="connections"] strong').textContent()).resolves.toBe('4');
    await expect(page.locator('[data-health="openConflicts"] strong').textContent()).resolves.toBe('1');
    await card('data-failure-config', ids.failedConfig).locator('[data-finding="INVALID_CREDENTIALS"]').waitFor();
    await expect(page.locator('[data-connection-id]').count()).resolves.toBe(4);
    const failedRun = card('data-automation-run-id', ids.automationRun);
    await expect(failedRun.locator('[data-status]').getAttribute('data-status')).resolves.toBe('FAILED');
    await expect(failedRun.locator('.error').textContent()).resolves.toContain('not_in_channel');
    await expect(card('data-subscription-id', ids.subscription).locator('.rate').textContent()).resolves.toBe('0% delivered (0/1)');
    await card('data-conflict-id', ids.conflict).waitFor();
    await expect(card('data-conflict-id', ids.conflict).locator('.source').textContent()).resolves.toBe('Ada (edited in Stripe)');

    // A reload keeps the key for this tab: the dashboard opens without asking again.
    await page.reload();
    await page.locator('#live[data-state="live"]').waitFor();
    expect(await page.locator('#login').isHidden()).toBe(true);
  });

  it('streams the progress of a triggered run until COMPLETED without a reload, and alerts as they arrive', async () => {
    await page.evaluate(() => ((globalThis as any).sameDocument = true));
    slow.delayMs = 400; // three pages of customers, each answered slowly: the run can be watched
    const syncCard = card('data-config-id', ids.liveConfig);
    await syncCard.locator('button.trigger').click();
    // Progress mid-run: RUNNING with the first page counted, pushed over graphql-ws.
    await page.waitForFunction(
      (id) => {
        const run = (globalThis as any).document.querySelector(`[data-config-id="${id}"] .run`);
        return run?.querySelector('[data-status="RUNNING"]') && Number(run.querySelector('.counts')?.getAttribute('data-processed')) > 0;
      },
      ids.liveConfig,
      { timeout: 20_000 },
    );
    await syncCard.locator('.run [data-status="COMPLETED"]').waitFor({ timeout: 30_000 });
    await expect(syncCard.locator('.counts').getAttribute('data-processed')).resolves.toBe('230');
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);

    // An alert as the anomaly monitor records one: a row and its change notice.
    const [{ id }] = await t.service.db.query(
      `INSERT INTO integration_alert (organization_id, severity, code, message, sync_config_id)
        VALUES ('default', 'WARNING', 'SYNC_VOLUME_SPIKE', 'Customers (manual): 230 records, usually 10', $1) RETURNING id`,
      [ids.liveConfig],
    );
    const shown = page.locator(`#alerts [data-alert-id="${id}"]`);
    // Re-sent until heard (a notice reaches only subscriptions already registered); the page shows it once.
    for (let tries = 0; !(await shown.count()) && tries < 40; tries++) {
      await t.service.db.query(`SELECT pg_notify('integration_changes', $1)`, [JSON.stringify({ topic: 'integration_alert', organizationId: 'default', id })]);
      await shown.waitFor({ timeout: 500 }).catch(() => undefined);
    }
    await expect(shown.locator('strong').textContent()).resolves.toBe(' SYNC_VOLUME_SPIKE ');
    expect(await shown.count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as any).sameDocument)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('retries a failed delivery (now SUCCESS) and a failed automation run (now SUCCEEDED), and resolves a conflict from the page', async () => {
    receiverFails = false;
    const sub = card('data-subscription-id', ids.subscription);
    await sub.locator(`[data-delivery-id="${ids.delivery}"] button.retry`).click();
    await page.waitForFunction(
      (sid) => (globalThis as any).document.querySelector(`[data-subscription-id="${sid}"] .rate`)?.textContent === '100% delivered (1/1)',
      ids.subscription,
      { timeout: 15_000 },
    );
    const delivery = await gql('query($id: ID!) { webhookDelivery(id: $id) { status attempts { responseStatus } } }', { id: ids.delivery });
    expect(delivery.data.webhookDelivery).toEqual({ status: 'SUCCESS', attempts: [{ responseStatus: 500 }, { responseStatus: 200 }] });

    // The bot is invited to the channel, then the failed automation run is retried from the page.
    slack.channels.find((c) => c.id === ids.slackChannel)!.is_member = true;
    await card('data-automation-run-id', ids.automationRun).locator('button.retry-run').click();
    await card('data-automation-run-id', ids.automationRun).locator('[data-status="SUCCEEDED"]').waitFor({ timeout: 15_000 });
    expect(slack.messagesIn(ids.slackChannel).map((m) => m.text)).toEqual(['Case Printer on fire']);

    await card('data-conflict-id', ids.conflict).locator('button.keep-source').click();
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-health="openConflicts"] strong')?.textContent === '0', undefined, {
      timeout: 10_000,
    });
    expect(await page.locator('[data-conflict-id]').count()).toBe(0);
    const conflict = await gql('query { syncConflicts(status: RESOLVED) { edges { node { id resolvedValue } } } }');
    expect(conflict.data.syncConflicts.edges).toEqual([{ node: { id: ids.conflict, resolvedValue: 'Ada (edited in Stripe)' } }]);
    expect(pageErrors).toEqual([]);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth - (globalThis as any).innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
  });
});
