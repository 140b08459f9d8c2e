import type { Client } from 'graphql-ws';
import { slack as slackDefinition } from '../src/providers/slack/slack.connector';
import { OAuthServer } from './providers/oauth.server';
import { SlackServer } from './providers/slack.server';
import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';
import { watch, wsClient } from './support/ws-client';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }';
const CREATE = `mutation($input: CreateAutomationInput!) {
  createAutomation(input: $input) { id name eventTypes filters action inputTemplate isActive retryPolicy maxRetries lastTriggeredAt connection { id } }
}`;
const UPDATE =
  'mutation($id: ID!, $input: UpdateAutomationInput!) { updateAutomation(id: $id, input: $input) { id name isActive action inputTemplate filters } }';
const PUBLISH = 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { id type } }';
const RUN_FIELDS = 'id status attemptCount input result error createdAt completedAt event { id type } automation { id }';
const RUNS = `query($id: ID!, $status: AutomationRunStatus) {
  automation(id: $id) { id lastTriggeredAt runs(first: 50, status: $status) { totalCount edges { node { ${RUN_FIELDS} } } } }
}`;
const RETRY = `mutation($id: ID!) { retryAutomationRun(id: $id) { ${RUN_FIELDS} } }`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A high-priority case's Slack message: the seed's Service flow, as a template over the event. */
const CASE_MESSAGE = {
  channel: '{{event.data.channel}}',
  text: ':rotating_light: {{event.data.priority}} case {{event.data.case_number}}: {{event.data.subject}} ({{event.data.account_name}}) <https://crm.example/cases/{{event.recordId}}|open>',
  unfurl_links: false,
};

/**
 * Automations through GraphQL: saved with their checks, run per matching event against a local
 * Slack (test/providers/slack.server.ts), retried, failed, streamed. Slack's declared budget
 * (1 message/s) is raised for this process, as in the Slack connector test.
 */
describe('automations: event → connector action', () => {
  const declaredBudget = slackDefinition.rateLimit;
  let t: TestService;
  let oauth: OAuthServer;
  let slack: SlackServer;
  let connectionId: string;
  let channel: string;
  const clients: Client[] = [];

  const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
    const res: any = await t.gql(query, variables, token);
    return res;
  };
  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const res = await gql(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const create = async (input: Record<string, unknown>) =>
    (
      await ok(CREATE, {
        input: {
          name: 'High-priority cases to Slack',
          eventTypes: ['case.created'],
          connectionId,
          action: 'postMessage',
          inputTemplate: CASE_MESSAGE,
          ...input,
        },
      })
    ).createAutomation;
  const publish = async (data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    (await ok(PUBLISH, { input: { type: 'case.created', objectType: 'case', recordId: `case-${Math.random()}`, data, ...extra } })).publishEvent;
  const runsOf = async (id: string, status?: string) => (await ok(RUNS, { id, status })).automation;
  const waitForRun = async (automationId: string, check: (run: any) => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const runs = (await runsOf(automationId)).runs.edges.map((e: any) => e.node);
      const found = runs.find(check);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching run: ${JSON.stringify(runs)}`);
      await sleep(100);
    }
  };
  const caseData = (extra: Record<string, unknown> = {}) => ({
    channel,
    priority: 'High',
    case_number: '00001042',
    subject: 'Checkout fails for <all> EU cards & wallets',
    account_name: 'ACME GmbH',
    ...extra,
  });

  beforeAll(async () => {
    slackDefinition.rateLimit = { ...declaredBudget, limit: 100 };
    oauth = await new OAuthServer().start();
    slack = await new SlackServer(oauth).start();
    [channel] = slack.seedChannels(2).map((c) => c.id);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', WEBHOOK_RETRY_SCALE: '0.004' });
    const res = await ok(CONNECT, {
      input: { connectorKey: 'slack', authType: 'TOKEN', name: 'Slack bot', credentials: { token: slack.botToken }, config: { baseUrl: `${slack.url}/api` } },
    });
    connectionId = res.createConnection.id;
  });
  afterAll(async () => {
    slackDefinition.rateLimit = declaredBudget;
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
    await Promise.all([slack?.stop(), oauth?.stop()]);
  });

  describe('saving', () => {
    it('creates, lists, reads, updates and deletes an automation', async () => {
      const automation = await create({ filters: [['priority', '=', 'High']], retryPolicy: 'LINEAR', maxRetries: 3 });
      expect(automation).toMatchObject({
        name: 'High-priority cases to Slack',
        eventTypes: ['case.created'],
        filters: [['priority', '=', 'High']],
        action: 'postMessage',
        inputTemplate: CASE_MESSAGE,
        isActive: true,
        retryPolicy: 'LINEAR',
        maxRetries: 3,
        lastTriggeredAt: null,
        connection: { id: connectionId },
      });
      const list = await ok('query($c: ID) { automations(first: 100, connectionId: $c) { totalCount edges { node { id } } } }', { c: connectionId });
      expect(list.automations.edges.map((e: any) => e.node.id)).toContain(automation.id);
      const other = await ok('query { automations(connectionId: "00000000-0000-4000-8000-000000000000") { totalCount } }');
      expect(other.automations.totalCount).toBe(0);

      const updated = await ok(UPDATE, { id: automation.id, input: { name: 'Renamed', isActive: false, filters: null } });
      expect(updated.updateAutomation).toMatchObject({ name: 'Renamed', isActive: false, filters: null, action: 'postMessage' });

      expect((await ok('mutation($id: ID!) { deleteAutomation(id: $id) }', { id: automation.id })).deleteAutomation).toBe(true);
      const gone = await gql('query($id: ID!) { automation(id: $id) { id } }', { id: automation.id });
      expect(gone.errors[0].extensions.code).toBe('NOT_FOUND');
      const again = await gql('mutation($id: ID!) { deleteAutomation(id: $id) }', { id: automation.id });
      expect(again.errors[0].extensions.code).toBe('NOT_FOUND');
    });

    it.each([
      ['a connection of another organization', { connectionId: '00000000-0000-4000-8000-000000000000' }, 'connectionId', /not a connection/],
      ['an action the connector does not declare', { action: 'sendFax' }, 'action', /postMessage, openConversation/],
      ['an event type that is no pattern', { eventTypes: ['case created'] }, 'eventTypes', /not an event type/],
      ['a filter that does not parse', { filters: [['priority', '~~', 'High']] }, 'filters', /./],
      ['a string that is not Mustache', { inputTemplate: { channel: 'C1', text: 'Case {{#event.data}} unclosed' } }, 'inputTemplate.text', /Mustache/],
      ['a tag outside the view', { inputTemplate: { channel: 'C1', text: 'Case {{subject}}' } }, 'inputTemplate.text', /event\.data\.subject/],
      ['a partial', { inputTemplate: { channel: 'C1', text: '{{> header}}' } }, 'inputTemplate.text', /partials/],
      ['a required property missing', { inputTemplate: { channel: '{{event.data.channel}}' } }, 'inputTemplate.text', /required/],
      ['a property the action does not take', { inputTemplate: { ...CASE_MESSAGE, colour: 'red' } }, 'inputTemplate.colour', /not a property/],
      ['a constant of the wrong type', { inputTemplate: { ...CASE_MESSAGE, unfurl_links: 'no' } }, 'inputTemplate.unfurl_links', /boolean/],
      [
        'a template where the schema wants a boolean',
        { inputTemplate: { ...CASE_MESSAGE, unfurl_links: '{{event.data.unfurl}}' } },
        'inputTemplate.unfurl_links',
        /boolean/,
      ],
      ['a constant that breaks a pattern', { inputTemplate: { ...CASE_MESSAGE, thread_ts: 'yesterday' } }, 'inputTemplate.thread_ts', /pattern/],
      ['a template that is not an object', { inputTemplate: 'hello' }, 'inputTemplate', /JSON object/],
      ['maxRetries out of range', { maxRetries: 11 }, 'maxRetries', /between 0 and 10/],
    ])('refuses %s with BAD_USER_INPUT on the field', async (_what, input, field, message) => {
      const res = await gql(CREATE, {
        input: { name: 'x', eventTypes: ['case.created'], connectionId, action: 'postMessage', inputTemplate: CASE_MESSAGE, ...input },
      });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors[0].message).toMatch(message);
    });

    it('accepts a templated string whose content only an event can settle (thread_ts from the event)', async () => {
      const automation = await create({ inputTemplate: { ...CASE_MESSAGE, thread_ts: '{{event.data.thread}}' }, isActive: false });
      expect(automation.inputTemplate.thread_ts).toBe('{{event.data.thread}}');
      const res = await gql(UPDATE, { id: automation.id, input: { inputTemplate: { text: 'no channel' } } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'inputTemplate.channel' });
    });

    it('needs read:automations (or read:webhooks) to read and write:automations (or write:webhooks) to change', async () => {
      const reader = await gatewayToken('default', ['read:automations']);
      expect((await gql('{ automations { totalCount } }', undefined, reader)).errors).toBeUndefined();
      const refused = await gql(
        CREATE,
        { input: { name: 'x', eventTypes: ['a.b'], connectionId, action: 'postMessage', inputTemplate: CASE_MESSAGE } },
        reader,
      );
      expect(refused.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScopes: ['write:automations'] });
      // An automation is a webhook subscription whose target is an action: the webhooks scopes cover it.
      const webhooksReader = await gatewayToken('default', ['read:webhooks']);
      expect((await gql('{ automations { totalCount } }', undefined, webhooksReader)).errors).toBeUndefined();
      const webhooksWriter = await gatewayToken('default', ['write:webhooks', 'read:webhooks', 'read:connections']);
      const made = await gql(
        CREATE,
        { input: { name: 'by a webhooks key', eventTypes: ['a.b'], connectionId, action: 'postMessage', inputTemplate: CASE_MESSAGE, isActive: false } },
        webhooksWriter,
      );
      expect(made.errors).toBeUndefined();
      const syncOnly = await gatewayToken('default', ['read:sync', 'write:sync']);
      expect((await gql('{ automations { totalCount } }', undefined, syncOnly)).errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  describe('running', () => {
    let automationId: string;
    beforeAll(async () => {
      automationId = (await create({ filters: [['priority', '=', 'High']], retryPolicy: 'FIXED', maxRetries: 2 })).id;
    });

    it('posts the rendered message for a matching event: SUCCEEDED with Slack’s ts, HTML left unescaped', async () => {
      const event = await publish(caseData());
      const run = await waitForRun(automationId, (r) => r.event.id === event.id && r.status === 'SUCCEEDED');
      const posted = slack.posted.find((p) => (p.metadata as any)?.event_payload?.run_id === run.id)!;
      expect(posted).toMatchObject({ channel, unfurl_links: false, metadata: { event_type: 'hotcrm_automation_run', event_payload: { run_id: run.id } } });
      expect(posted.text).toMatch(
        /^:rotating_light: High case 00001042: Checkout fails for <all> EU cards & wallets \(ACME GmbH\) <https:\/\/crm\.example\/cases\/case-/,
      );
      expect(run).toMatchObject({ attemptCount: 1, error: null, automation: { id: automationId }, input: { channel, text: posted.text, unfurl_links: false } });
      expect(run.result).toMatchObject({ channel, ts: expect.stringMatching(/^\d+\.\d{6}$/) });
      expect(run.completedAt).not.toBeNull();
      expect((await runsOf(automationId)).lastTriggeredAt).not.toBeNull();
    });

    it('makes no run for an event the filter refuses, or of another type', async () => {
      const before = (await runsOf(automationId)).runs.totalCount;
      const low = await publish(caseData({ priority: 'Low' }));
      const other = (await ok(PUBLISH, { input: { type: 'case.updated', data: caseData() } })).publishEvent;
      // A later matching event's run proves the earlier two were fanned out (the outbox is in order per publish).
      const marker = await publish(caseData({ subject: 'marker' }));
      await waitForRun(automationId, (r) => r.event.id === marker.id);
      const runs = (await runsOf(automationId)).runs.edges.map((e: any) => e.node.event.id);
      expect(runs).not.toContain(low.id);
      expect(runs).not.toContain(other.id);
      expect((await runsOf(automationId)).runs.totalCount).toBe(before + 1);
    });

    it('runs once when the same event is published twice (idempotencyKey)', async () => {
      const key = `case-42-${Date.now()}`;
      const first = await publish(caseData({ subject: 'twice' }), { idempotencyKey: key });
      const second = await publish(caseData({ subject: 'twice' }), { idempotencyKey: key });
      expect(second.id).toBe(first.id);
      await waitForRun(automationId, (r) => r.event.id === first.id && r.status === 'SUCCEEDED');
      const runs = (await runsOf(automationId)).runs.edges.filter((e: any) => e.node.event.id === first.id);
      expect(runs).toHaveLength(1);
      expect(slack.posted.filter((p) => p.text === caseData({ subject: 'twice' }).subject || String(p.text).includes(': twice ('))).toHaveLength(1);
    });

    it('fails a run whose rendering does not fit the schema, without retrying or calling Slack', async () => {
      const calls = slack.requests.length;
      // thread_ts must look like 1700000000.000100; this event makes it "soon".
      const threaded = await create({ inputTemplate: { ...CASE_MESSAGE, thread_ts: '{{event.data.thread}}' }, eventTypes: ['case.escalated'] });
      const event = (await ok(PUBLISH, { input: { type: 'case.escalated', data: caseData({ thread: 'soon' }) } })).publishEvent;
      const run = await waitForRun(threaded.id, (r) => r.event.id === event.id && r.status === 'FAILED');
      expect(run.attemptCount).toBe(1);
      expect(run.error).toMatch(/inputSchema: input\.thread_ts must match pattern/);
      expect(run.input.thread_ts).toBe('soon');
      expect(slack.requests.slice(calls).filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(0);
    });

    it('fails with Slack’s error and its explanation when the provider refuses for good (channel_not_found)', async () => {
      const event = await publish(caseData({ channel: 'C0NOSUCH1' }));
      const run = await waitForRun(automationId, (r) => r.event.id === event.id && r.status === 'FAILED');
      expect(run.attemptCount).toBe(1);
      expect(run.error).toMatch(/channel_not_found/);
    });

    it('retries after Slack’s 429s by the retry policy, honouring Retry-After, and then succeeds', async () => {
      // The shared HTTP layer retries a 429 four times itself; the fifth makes the attempt fail.
      const limited = { status: 429, headers: { 'retry-after': '0' }, body: { ok: false, error: 'ratelimited' } };
      slack.failNext(limited, limited, limited, limited, limited);
      const event = await publish(caseData({ subject: 'rate limited' }));
      const run = await waitForRun(automationId, (r) => r.event.id === event.id && r.status === 'SUCCEEDED');
      expect(run.attemptCount).toBe(2);
      expect(slack.posted.filter((p) => String(p.text).includes('rate limited'))).toHaveLength(1);
    });

    it('retryAutomationRun sends a FAILED run again; any other status is a CONFLICT', async () => {
      const event = await publish(caseData({ channel: 'C0NOSUCH2', subject: 'retry me' }));
      const failed = await waitForRun(automationId, (r) => r.event.id === event.id && r.status === 'FAILED');
      // Create the channel the message was meant for, then retry.
      slack.channels.push({ ...slack.channels[0], id: 'C0NOSUCH2', name: 'late-channel' });
      const retried = (await ok(RETRY, { id: failed.id })).retryAutomationRun;
      expect(['PENDING', 'RUNNING', 'SUCCEEDED']).toContain(retried.status);
      const done = await waitForRun(automationId, (r) => r.id === failed.id && r.status === 'SUCCEEDED');
      expect(done.attemptCount).toBe(2);
      expect(done.result.channel).toBe('C0NOSUCH2');
      const conflict = await gql(RETRY, { id: failed.id });
      expect(conflict.errors[0].extensions.code).toBe('CONFLICT');
      expect((await gql(RETRY, { id: '00000000-0000-4000-8000-000000000000' })).errors[0].extensions.code).toBe('NOT_FOUND');
    });

    it('an answer lost after Slack posted: the next attempt finds the message by its metadata instead of posting again', async () => {
      slack.loseNextAnswer('/api/chat.postMessage');
      const event = await publish(caseData({ subject: 'answer lost' }));
      const run = await waitForRun(automationId, (r) => r.event.id === event.id && r.status === 'SUCCEEDED');
      expect(run.attemptCount).toBe(2);
      expect(slack.posted.filter((p) => String(p.text).includes('answer lost'))).toHaveLength(1);
      const lookup = slack.requests.filter((r) => r.path === '/api/conversations.history').pop()!;
      expect(lookup.query.get('channel')).toBe(channel);
      expect(lookup.query.get('include_all_metadata')).toBe('true');
      expect(Number(lookup.query.get('oldest'))).toBeLessThanOrEqual(Date.now() / 1000);
      expect(run.result).toMatchObject({ channel, ts: slack.history.get(channel)!.find((m) => String(m.text).includes('answer lost'))!.ts });
    });

    it('an answer lost for an action with no way to check: FAILED, saying the provider may have acted, not sent twice', async () => {
      const [user] = slack.seedUsers(1);
      const dm = await create({ eventTypes: ['case.assigned'], action: 'openConversation', inputTemplate: { users: ['{{event.data.owner}}'] } });
      slack.loseNextAnswer('/api/conversations.open');
      const event = (await ok(PUBLISH, { input: { type: 'case.assigned', data: { owner: user.id } } })).publishEvent;
      const run = await waitForRun(dm.id, (r) => r.event.id === event.id && r.status === 'FAILED');
      expect(run.error).toMatch(/the provider may have acted/);
      expect(run.attemptCount).toBe(1);
      expect(slack.requests.filter((r) => r.path === '/api/conversations.open' && r.body.users === user.id)).toHaveLength(1);
    });

    it('a run waiting for its next attempt when the automation is paused ends SKIPPED; retrying a paused one is a CONFLICT', async () => {
      const paused = await create({ eventTypes: ['case.paused'], retryPolicy: 'FIXED' });
      const held = slack.holdNext('/api/chat.postMessage');
      const event = (await ok(PUBLISH, { input: { type: 'case.paused', data: caseData() } })).publishEvent;
      await held.reached;
      expect((await waitForRun(paused.id, (r) => r.event.id === event.id)).status).toBe('RUNNING');
      await ok(UPDATE, { id: paused.id, input: { isActive: false } });
      slack.failNext({ status: 503, body: { ok: false, error: 'service_unavailable' } });
      held.release();
      const run = await waitForRun(paused.id, (r) => r.event.id === event.id && r.status === 'SKIPPED');
      expect(run).toMatchObject({ attemptCount: 1, error: expect.stringMatching(/paused/) });

      const failing = await create({ eventTypes: ['case.paused2'], maxRetries: 0 });
      const e2 = (await ok(PUBLISH, { input: { type: 'case.paused2', data: caseData({ channel: 'C0NOSUCH3' }) } })).publishEvent;
      const failed = await waitForRun(failing.id, (r) => r.event.id === e2.id && r.status === 'FAILED');
      await ok(UPDATE, { id: failing.id, input: { isActive: false } });
      expect((await gql(RETRY, { id: failed.id })).errors[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/paused/) });
    });

    it('streams every change of a run on automationRunUpdated over graphql-ws', async () => {
      const client = wsClient(t.url, BOOTSTRAP_KEY);
      clients.push(client);
      const watched = watch(client, `subscription($a: ID) { automationRunUpdated(automationId: $a) { id status attemptCount event { id } } }`, {
        a: automationId,
      });
      // The subscription is live once a notice reaches it: publish until one is seen, then the run to follow.
      for (let i = 0; i < 100 && !watched.received.length; i++) {
        await publish(caseData({ subject: `warm-up ${i}` }));
        await sleep(100);
      }
      const event = await publish(caseData({ subject: 'streamed' }));
      const seen = () => watched.received.map((m) => m.data?.automationRunUpdated).filter((r) => r?.event.id === event.id);
      for (let i = 0; i < 200 && !seen().some((r) => r.status === 'SUCCEEDED'); i++) await sleep(50);
      const statuses = seen().map((r) => r.status);
      watched.stop();
      expect(watched.errors).toEqual([]);
      expect(statuses).toEqual(['PENDING', 'RUNNING', 'SUCCEEDED']);
    });
  });

  describe('connections that cannot call', () => {
    it('fails the run of an EXPIRED connection with that reason and raises an integrationAlert', async () => {
      await ok('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
        input: {
          connectorKey: 'slack',
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          authorizationUrl: `${oauth.url}/authorize`,
          tokenUrl: `${oauth.url}/token`,
        },
      });
      const tokens = oauth.issueTokens();
      const oauthConnection = (
        await ok(CONNECT, {
          input: {
            connectorKey: 'slack',
            name: 'Slack (to expire)',
            credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3600_000).toISOString() },
            config: { baseUrl: `${slack.url}/api` },
          },
        })
      ).createConnection.id;
      const automation = (
        await ok(CREATE, {
          input: { name: 'Escalations', eventTypes: ['case.*'], connectionId: oauthConnection, action: 'postMessage', inputTemplate: CASE_MESSAGE },
        })
      ).createAutomation;
      oauth.refuseRefresh();
      oauth.expireAccessTokens();
      const test = await ok('mutation($id: ID!) { testConnection(id: $id) { status } }', { id: oauthConnection });
      expect(test.testConnection.status).toBe('EXPIRED');

      const event = (await ok(PUBLISH, { input: { type: 'case.reopened', data: caseData() } })).publishEvent;
      const run = await waitForRun(automation.id, (r) => r.event.id === event.id && r.status === 'FAILED');
      expect(run.error).toMatch(/EXPIRED/);
      expect(run.attemptCount).toBe(1);
      // The alert integrationAlert streams (its NOTIFY committed with the run's end): the stored row.
      const [alert] = await t.service.db.query(
        `SELECT code, severity, message FROM integration_alert WHERE organization_id = 'default' AND connection_id = $1`,
        [oauthConnection],
      );
      expect(alert).toMatchObject({
        code: 'AUTOMATION_CONNECTION_UNAVAILABLE',
        severity: 'ERROR',
        message: expect.stringMatching(/^Automation Escalations: .*EXPIRED/),
      });
    });
  });
});
