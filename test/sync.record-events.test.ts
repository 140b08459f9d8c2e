import { OAuthServer } from './providers/oauth.server';
import type { Route } from './providers/provider-server';
import { SlackServer } from './providers/slack.server';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { waitForRunEnd } from './support/sync-fixtures';
import { WebhookReceiver } from './support/webhook-receiver';

const TRIGGER = 'mutation($id: ID!, $mode: SyncMode) { triggerSync(id: $id, mode: $mode) { id status } }';
const EVENTS = `query($type: String, $after: String) { integrationEvents(type: $type, first: 100, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id type source objectType recordId data deliveryCount } } } }`;

/** A Stripe server whose later list pages (starting_after) wait while `gate` is set, so a test can act between two pages. */
class GatedStripeServer extends StripeServer {
  gate: Promise<void> | null = null;
  /** Resolves when a request reached the gate. */
  reached: Promise<void> = Promise.resolve();
  private reach: () => void = () => undefined;

  hold(): () => void {
    let open!: () => void;
    this.gate = new Promise((resolve) => (open = resolve));
    this.reached = new Promise((resolve) => (this.reach = resolve));
    return () => {
      this.gate = null;
      open();
    };
  }

  override on(method: string, pattern: string | RegExp, route: Route): this {
    return super.on(method, pattern, async (req, params) => {
      if (this.gate && req.query.get('starting_after')) {
        this.reach();
        await this.gate;
      }
      return route(req, params);
    });
  }
}

/**
 * Issue 17: a record a sync creates or changes is an event (`contact.created`, `contact.updated`)
 * with its fields, recorded through the outbox with the page that writes it, so webhooks (and
 * automations) see it; unchanged records and pages that never committed have none.
 */
describe('record events from syncs', () => {
  let t: TestService;
  let stripe: GatedStripeServer;
  let receiver: WebhookReceiver;
  let slackOAuth: OAuthServer;
  let slack: SlackServer;
  let slackChannel: string;
  let configId: string;
  let connectionId: string;
  let subscriptionId: string;

  const events = async (type: string): Promise<{ totalCount: number; nodes: any[] }> => {
    const nodes: any[] = [];
    let after: string | null = null;
    let totalCount = 0;
    for (;;) {
      const res: any = await t.gql(EVENTS, { type, after });
      expect(res.errors).toBeUndefined();
      totalCount = res.data.integrationEvents.totalCount;
      nodes.push(...res.data.integrationEvents.edges.map((e: any) => e.node));
      if (!res.data.integrationEvents.pageInfo.hasNextPage) return { totalCount, nodes };
      after = res.data.integrationEvents.pageInfo.endCursor;
    }
  };
  const run = async (mode: string) => {
    const res: any = await t.gql(TRIGGER, { id: configId, mode });
    expect(res.errors).toBeUndefined();
    return res.data.triggerSync.id as string;
  };
  const finished = (id: string) => waitForRunEnd((q, v) => t.gql(q, v), id, 30_000);

  beforeAll(async () => {
    stripe = await new GatedStripeServer().start();
    stripe.seedCustomers(150);
    receiver = await new WebhookReceiver().start();
    slackOAuth = await new OAuthServer().start();
    slack = await new SlackServer(slackOAuth).start();
    slackChannel = slack.seedChannels(1, { name: 'crm-changes' })[0].id;
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    const conn: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    expect(conn.errors).toBeUndefined();
    connectionId = conn.data.createConnection.id;
    const mapping: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'Stripe customer → contact',
        sourceObject: 'customers',
        targetObject: 'contact',
        rules: [
          { sourceField: 'name', targetField: 'last_name', transform: { type: 'TRIM' } },
          { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'phone', targetField: 'phone', transform: { type: 'PHONE_E164' } },
        ],
      },
    });
    expect(mapping.errors).toBeUndefined();
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'Customers as contacts',
        connectionId,
        sourceObject: 'customers',
        targetObject: 'contact',
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId: mapping.data.createFieldMapping.id,
      },
    });
    expect(config.errors).toBeUndefined();
    configId = config.data.createSyncConfig.id;
    const sub: any = await t.gql('mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }', {
      input: { name: 'new contacts', eventTypes: ['contact.created'], targetUrl: receiver.url },
    });
    expect(sub.errors).toBeUndefined();
    subscriptionId = sub.data.createWebhookSubscription.subscription.id;
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
    await receiver?.stop();
    await slack?.stop();
    await slackOAuth?.stop();
  });

  it('fires one contact.created per record created, with its fields, delivered to a subscription on contact.created', async () => {
    const runId = await run('FULL');
    const ended = await finished(runId);
    expect(ended).toMatchObject({ status: 'COMPLETED', errorDetails: null, recordsCreated: 150 });

    const created = await events('contact.created');
    expect(created.totalCount).toBe(150);
    const contacts: { id: string; data: any }[] = await t.service.db.query(
      `SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = 'contact' AND deleted_at IS NULL`,
    );
    expect(new Set(created.nodes.map((e) => e.recordId))).toEqual(new Set(contacts.map((c) => c.id)));
    const customer = stripe.store.get('customers')![0];
    const event = created.nodes.find((e) => e.data.email === customer.email);
    const contact = contacts.find((c) => c.id === event.recordId)!;
    expect(event).toMatchObject({ type: 'contact.created', source: 'hotcrm', objectType: 'contact', deliveryCount: 1 });
    expect(event.data).toEqual({ ...contact.data, id: contact.id, sync: { syncConfigId: configId, syncRunId: runId, connectionId } });
    expect(event.data).toMatchObject({ last_name: customer.name, email: customer.email });
    // The connection's API key is in no event.
    expect(JSON.stringify(created.nodes)).not.toContain(stripe.apiKey);

    const received = await receiver.waitFor((r) => r.length >= 150);
    expect(received).toHaveLength(150);
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(new Set(bodies.map((b) => b.data.id))).toEqual(new Set(contacts.map((c) => c.id)));
    expect(bodies.every((b) => b.type === 'contact.created')).toBe(true);
    const sub: any = await t.gql('query($id: ID!) { webhookSubscription(id: $id) { deliveries { totalCount } } }', { id: subscriptionId });
    expect(sub.data.webhookSubscription.deliveries.totalCount).toBe(150);
  });

  it('fires exactly one contact.updated for the one changed record, with what changed, and nothing for the unchanged; an automation on it posts once', async () => {
    const slackConn: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'slack', authType: 'TOKEN', name: 'Slack', credentials: { token: slack.botToken }, config: { baseUrl: `${slack.url}/api` } },
    });
    expect(slackConn.errors).toBeUndefined();
    const automation: any = await t.gql('mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { id } }', {
      input: {
        name: 'Renamed contacts to Slack',
        eventTypes: ['contact.updated'],
        connectionId: slackConn.data.createConnection.id,
        action: 'postMessage',
        inputTemplate: { channel: slackChannel, text: '{{event.data.email}} is now {{event.data.last_name}} (sync run {{event.data.sync.syncRunId}})' },
      },
    });
    expect(automation.errors).toBeUndefined();
    const customer = stripe.store.get('customers')![7];
    stripe.update('customers', customer.id, { name: 'Renamed Customer' });
    const ended = await finished(await run('FULL'));
    expect(ended).toMatchObject({ status: 'COMPLETED', recordsProcessed: 150, recordsCreated: 0, recordsUpdated: 1 });

    const updated = await events('contact.updated');
    expect(updated.totalCount).toBe(1);
    expect(updated.nodes[0]).toMatchObject({ type: 'contact.updated', source: 'hotcrm', objectType: 'contact', deliveryCount: 0 });
    expect(updated.nodes[0].data).toMatchObject({ last_name: 'Renamed Customer', email: customer.email, changedFields: ['last_name'] });
    expect((await events('contact.created')).totalCount).toBe(150);
    // The sync's record event reached the automation: one message for the one changed contact.
    for (const until = Date.now() + 15_000; !slack.messagesIn(slackChannel).length && Date.now() < until;) await new Promise((r) => setTimeout(r, 100));
    expect(slack.messagesIn(slackChannel).map((m) => m.text)).toEqual([
      `${customer.email} is now Renamed Customer (sync run ${updated.nodes[0].data.sync.syncRunId})`,
    ]);

    // A run finding nothing new records nothing.
    expect(await finished(await run('FULL'))).toMatchObject({ status: 'COMPLETED', recordsCreated: 0, recordsUpdated: 0 });
    expect((await events('contact.*')).totalCount).toBe(151);
  });

  it('fires none for the records of a page that never committed (the run was cancelled while reading it)', async () => {
    // Newest first: the first page is 100 of these, the second the other 50 and 50 already synced.
    stripe.advance(60);
    const fresh = Array.from({ length: 150 }, (_, i) => stripe.add('customers', { name: `Later ${i}`, email: `later${i}@example.com` }));
    const release = stripe.hold();
    const runId = await run('FULL');
    await stripe.reached;
    // The first page commits while the second is being read.
    for (;;) {
      const res: any = await t.gql('query($id: ID!) { syncRun(id: $id) { recordsProcessed } }', { id: runId });
      if (res.data.syncRun.recordsProcessed >= 100) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancelled: any = await t.gql('mutation($id: ID!) { cancelSyncRun(id: $id) { status } }', { id: runId });
    expect(cancelled.errors).toBeUndefined();
    release();
    expect(await finished(runId)).toMatchObject({ status: 'CANCELLED', recordsCreated: 100 });

    const ofRun = (await events('contact.created')).nodes.filter((e) => e.data.sync.syncRunId === runId);
    expect(ofRun).toHaveLength(100);
    const contacts: { id: string; email: string }[] = await t.service.db.query(
      `SELECT id, data->>'email' AS email FROM crm_record WHERE organization_id = 'default' AND object = 'contact' AND deleted_at IS NULL`,
    );
    expect(contacts).toHaveLength(250);
    const emails = new Set(contacts.map((c) => c.email));
    expect(fresh.filter((c) => emails.has(String(c.email)))).toHaveLength(100);
    expect(new Set(ofRun.map((e) => e.recordId))).toEqual(new Set(contacts.filter((c) => fresh.some((f) => f.email === c.email)).map((c) => c.id)));
  });
});
