import type { Client } from 'graphql-ws';
import { docusign as docusignDefinition } from '../src/providers/docusign/docusign.connector';
import { slack as slackDefinition } from '../src/providers/slack/slack.connector';
import { teams as teamsDefinition } from '../src/providers/teams/teams.connector';
import { DocuSignServer } from './providers/docusign.server';
import { OAuthServer } from './providers/oauth.server';
import { SlackServer } from './providers/slack.server';
import { graphThrottled, TeamsServer } from './providers/teams.server';
import { SEED_FLOWS, caseCreated, opportunityWon } from './support/seed-flows';
import { BOOTSTRAP_KEY, startTestService, TestService } from './support/service';
import { watch, wsClient } from './support/ws-client';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }';
const SET_CLIENT = 'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }';
const CREATE = 'mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { id name } }';
const PUBLISH = 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { id type } }';
const RUNS = `query($id: ID!) { automation(id: $id) { runs(first: 100) { totalCount edges { node {
  id status attemptCount input result error completedAt event { id } } } } } }`;
const EXPLAIN = 'query($message: String) { explainError(provider: "slack", message: $message) { code explanation suggestedFix retryable } }';
const TROUBLESHOOT =
  'query($id: ID) { troubleshoot(connectionId: $id) { summary findings { severity code title explanation suggestedFix occurrences sample } } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The seed's automation flows end to end through GraphQL (docs/automations.md "Seed flows"): a
 * high-priority case.created posts a Slack message and a Teams Adaptive Card, a low-priority one
 * nothing; opportunity.won sends a DocuSign envelope from a template; and what goes wrong on the
 * way (the bot not invited, an unknown channel, Slack's per-channel limit, a template that renders
 * invalid input, an expired connection, the same event twice), against local servers that follow
 * Slack's Web API, Microsoft Graph and DocuSign eSignature. The providers' declared budgets are
 * raised for this process (pacing is provider-http's own test); Slack's per-channel limit is the
 * stand-in's, as Slack applies it.
 */
describe('seed automation flows', () => {
  const budgets = [slackDefinition, teamsDefinition, docusignDefinition].map((d) => [d, d.rateLimit] as const);
  let t: TestService;
  let graphOAuth: OAuthServer;
  let docusignOAuth: OAuthServer;
  let slack: SlackServer;
  let graph: TeamsServer;
  let docusign: DocuSignServer;
  let escalations: string;
  let uninvited: string;
  let team: string;
  let teamsChannel: string;
  let templateId: string;
  const connections: Record<'slack' | 'teams' | 'docusign', string> = { slack: '', teams: '', docusign: '' };
  const automations: Record<string, string> = {};
  const clients: Client[] = [];

  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const res: any = await t.gql(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const oauthConnection = async (connectorKey: string, oauth: OAuthServer, config: Record<string, unknown>) => {
    await ok(SET_CLIENT, {
      input: {
        connectorKey,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    const tokens = oauth.issueTokens();
    const credentials = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3600_000).toISOString() };
    return (await ok(CONNECT, { input: { connectorKey, name: `${connectorKey} (local)`, credentials, config } })).createConnection.id as string;
  };
  const create = async (input: Record<string, unknown>) => (await ok(CREATE, { input })).createAutomation.id as string;
  const publish = async (input: Record<string, unknown>) => (await ok(PUBLISH, { input })).publishEvent as { id: string };
  const runsFor = async (automationId: string, eventId: string) =>
    ((await ok(RUNS, { id: automationId })).automation.runs.edges as any[]).map((e) => e.node).filter((r) => r.event.id === eventId);
  /** Polls until the event's run of the automation has ended (SUCCEEDED or FAILED). */
  const ended = async (automationId: string, eventId: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [run] = await runsFor(automationId, eventId);
      if (run && (run.status === 'SUCCEEDED' || run.status === 'FAILED')) return run;
      if (Date.now() > deadline) throw new Error(`run of ${eventId} did not end: ${JSON.stringify(run)}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    for (const [definition, budget] of budgets) definition.rateLimit = { ...budget, limit: 100, windowSeconds: 1 };
    graphOAuth = await new OAuthServer().start();
    docusignOAuth = await new OAuthServer().start();
    slack = await new SlackServer(graphOAuth).start();
    graph = await new TeamsServer(graphOAuth).start();
    docusign = await new DocuSignServer(docusignOAuth).start();
    [escalations] = slack.seedChannels(1, { name: 'support-escalations' }).map((c) => c.id);
    [uninvited] = slack.seedChannels(1, { name: 'support-leads', is_member: false }).map((c) => c.id);
    team = graph.seedTeams(1)[0].id;
    teamsChannel = graph.seedChannels(team, 1)[0].id;
    templateId = docusign.seedTemplate('Order form', ['Customer']);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', WEBHOOK_RETRY_SCALE: '0.004' });

    connections.slack = (
      await ok(CONNECT, {
        input: {
          connectorKey: 'slack',
          authType: 'TOKEN',
          name: 'HotCRM bot',
          credentials: { token: slack.botToken },
          config: { baseUrl: `${slack.url}/api` },
        },
      })
    ).createConnection.id;
    connections.teams = await oauthConnection('teams', graphOAuth, { baseUrl: `${graph.url}/v1.0` });
    connections.docusign = await oauthConnection('docusign', docusignOAuth, { baseUrl: `${docusign.url}/restapi`, accountId: docusign.accountId });

    const flows = SEED_FLOWS({ slackChannel: escalations, teamId: team, teamsChannelId: teamsChannel, docusignTemplateId: templateId });
    automations.slack = await create({ ...flows.slackHighPriorityCases, connectionId: connections.slack });
    automations.teams = await create({ ...flows.teamsHighPriorityCases, connectionId: connections.teams });
    automations.docusign = await create({ ...flows.docusignWonDeals, connectionId: connections.docusign });
  });
  afterAll(async () => {
    for (const [definition, budget] of budgets) definition.rateLimit = budget;
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
    await Promise.all([slack?.stop(), graph?.stop(), docusign?.stop(), graphOAuth?.stop(), docusignOAuth?.stop()]);
  });

  it('a High case.created posts one Slack message and one Teams card with its subject, account and link', async () => {
    const event = await publish(
      caseCreated({ recordId: 'case-1042', case_number: '00001042', subject: 'Checkout fails for EU cards', account_name: 'ACME GmbH' }),
    );
    const [slackRun, teamsRun] = [await ended(automations.slack, event.id), await ended(automations.teams, event.id)];
    expect(slackRun).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1, result: { channel: escalations, ts: expect.stringMatching(/^\d+\.\d+$/) } });
    expect(teamsRun).toMatchObject({
      status: 'SUCCEEDED',
      attemptCount: 1,
      result: { id: expect.any(String), channelIdentity: { teamId: team, channelId: teamsChannel } },
    });

    const [message] = slack.messagesIn(escalations);
    expect(slack.messagesIn(escalations)).toHaveLength(1);
    expect(message.ts).toBe(slackRun.result.ts);
    expect(message.text).toBe(
      ':rotating_light: High-priority case 00001042: Checkout fails for EU cards (ACME GmbH) <https://crm.example/cases/case-1042|Open case>',
    );
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('*Checkout fails for EU cards*');
    expect(shown).toContain('ACME GmbH');
    expect(shown).toContain('"url":"https://crm.example/cases/case-1042"');

    const cards = graph.cardsIn(teamsChannel);
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({
      type: 'AdaptiveCard',
      body: expect.arrayContaining([
        expect.objectContaining({ type: 'TextBlock', text: 'Checkout fails for EU cards' }),
        expect.objectContaining({ type: 'FactSet', facts: expect.arrayContaining([{ title: 'Account', value: 'ACME GmbH' }]) }),
      ]),
      actions: [{ type: 'Action.OpenUrl', title: 'Open case', url: 'https://crm.example/cases/case-1042' }],
    });
  });

  it('a Low case.created posts nothing: no run is made, in the same commit as the event', async () => {
    const before = { slack: slack.messagesIn(escalations).length, teams: graph.cardsIn(teamsChannel).length };
    const event = await publish(caseCreated({ recordId: 'case-1043', priority: 'Low', subject: 'Typo on invoice' }));
    // Runs are enqueued with the event (the outbox): none now means none ever.
    expect(await runsFor(automations.slack, event.id)).toEqual([]);
    expect(await runsFor(automations.teams, event.id)).toEqual([]);
    expect({ slack: slack.messagesIn(escalations).length, teams: graph.cardsIn(teamsChannel).length }).toEqual(before);
  });

  it('opportunity.won sends one DocuSign envelope from the template, filled with the deal', async () => {
    const event = await publish(
      opportunityWon({ recordId: 'opp-77', name: 'ACME renewal 2027', amount: 48000, contact_name: 'Grace Hopper', contact_email: 'grace@acme.example' }),
    );
    const run = await ended(automations.docusign, event.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attemptCount: 1, result: { envelopeId: expect.any(String), status: 'sent' } });
    const sent = docusign.created.filter((body) => body.templateId === templateId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual({
      templateId,
      emailSubject: 'Order form for ACME renewal 2027',
      status: 'sent',
      // The run's id as a hidden envelope custom field: how an interrupted run finds its envelope.
      customFields: { textCustomFields: [{ name: 'hotcrm_automation_run', value: run.id, show: 'false', required: 'false' }] },
      templateRoles: [
        {
          roleName: 'Customer',
          name: 'Grace Hopper',
          email: 'grace@acme.example',
          tabs: {
            textTabs: [
              { tabLabel: 'deal_name', value: 'ACME renewal 2027' },
              { tabLabel: 'amount', value: '48000 EUR' },
            ],
          },
        },
      ],
    });
    const envelope = docusign.envelopes.find((e) => e.envelopeId === run.result.envelopeId)!;
    expect(envelope.status).toBe('sent');
    expect(docusign.recipients.get(envelope.envelopeId)!.signers).toEqual([expect.objectContaining({ roleName: 'Customer', email: 'grace@acme.example' })]);
  });

  it('the same case published twice (one idempotencyKey) is one event, one run per automation, one message and one card', async () => {
    const before = { slack: slack.messagesIn(escalations).length, teams: graph.cardsIn(teamsChannel).length };
    const input = { ...caseCreated({ recordId: 'case-2001', subject: 'Published twice' }), idempotencyKey: 'service-cloud:case-2001:created' };
    const [first, second] = [await publish(input), await publish(input)];
    expect(second.id).toBe(first.id);
    await ended(automations.slack, first.id);
    await ended(automations.teams, first.id);
    expect(await runsFor(automations.slack, first.id)).toHaveLength(1);
    expect(await runsFor(automations.teams, first.id)).toHaveLength(1);
    expect(slack.messagesIn(escalations).length - before.slack).toBe(1);
    expect(graph.cardsIn(teamsChannel).length - before.teams).toBe(1);
  });

  it('Slack’s 1 message per second per channel: two cases at once both post, the second after Slack’s 429 and Retry-After', async () => {
    slack.limitChannelPosts(1, 1);
    try {
      const before = slack.messagesIn(escalations).length;
      const requestsBefore = slack.requests.filter((r) => r.path === '/api/chat.postMessage').length;
      const [a, b] = await Promise.all([publish(caseCreated({ subject: 'Burst one' })), publish(caseCreated({ subject: 'Burst two' }))]);
      const runs = [await ended(automations.slack, a.id), await ended(automations.slack, b.id)];
      expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expect(slack.messagesIn(escalations).length - before).toBe(2);
      // One of the three posts was answered 429 ratelimited and sent again; none posted twice.
      expect(slack.requests.filter((r) => r.path === '/api/chat.postMessage').length - requestsBefore).toBe(3);
    } finally {
      slack.limitChannelPosts(1000, 1000);
    }
  });

  it('Graph throttling the card (429 + Retry-After): waited out, the run SUCCEEDS with one card', async () => {
    const before = graph.cardsIn(teamsChannel).length;
    const posts = () => graph.requests.filter((r) => r.method === 'POST').length;
    const postsBefore = posts();
    graph.failNext(graphThrottled(1));
    const event = await publish(caseCreated({ subject: 'Throttled card' }));
    const run = await ended(automations.teams, event.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(graph.cardsIn(teamsChannel).length - before).toBe(1);
    expect(posts() - postsBefore).toBe(2); // the throttled one and the one Graph took
  });

  it('a Teams card whose answer was lost: the next attempt finds it by its attachment id in the channel’s delta instead of posting again', async () => {
    const path = `/v1.0/teams/${team}/channels/${encodeURIComponent(teamsChannel)}/messages`;
    graph.loseNextAnswer(path);
    const before = graph.cardsIn(teamsChannel).length;
    const event = await publish(caseCreated({ subject: 'Card answer lost' }));
    const run = await ended(automations.teams, event.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(graph.cardsIn(teamsChannel).length - before).toBe(1);
    expect(graph.requests.filter((r) => r.method === 'POST' && r.path === path && JSON.stringify(r.body).includes('Card answer lost'))).toHaveLength(1);
    const lookup = graph.requests.filter((r) => r.path === `${path}/delta`).pop()!;
    expect(lookup.query.get('$filter')).toMatch(/^lastModifiedDateTime gt \S+Z$/);
    const posted = graph.messages.get(teamsChannel)!.find((m) => JSON.stringify(m.attachments).includes('Card answer lost'))!;
    expect(run.result).toMatchObject({ id: posted.id });
  });

  it('a DocuSign envelope whose answer was lost: the next attempt finds it by its custom field instead of sending a second one', async () => {
    docusign.loseNextAnswer(`/restapi/v2.1/accounts/${docusign.accountId}/envelopes`);
    const before = docusign.envelopes.length;
    const event = await publish(opportunityWon({ name: 'Envelope answer lost' }));
    const run = await ended(automations.docusign, event.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attemptCount: 2 });
    expect(docusign.envelopes.length - before).toBe(1);
    const envelope = docusign.envelopes[docusign.envelopes.length - 1];
    expect(envelope.emailSubject).toBe('Order form for Envelope answer lost');
    expect(run.result).toMatchObject({ envelopeId: envelope.envelopeId, status: 'sent' });
    const lookup = docusign.requests.filter((r) => r.method === 'GET' && r.query.has('custom_field')).pop()!;
    expect(lookup.query.get('custom_field')).toBe(`hotcrm_automation_run=${run.id}`);
  });

  describe('when Slack refuses', () => {
    let notInChannelError: string;

    it('a channel the bot was not invited to fails the run with not_in_channel and how to fix it, without retrying', async () => {
      const automation = await create({
        ...SEED_FLOWS({ slackChannel: uninvited, teamId: team, teamsChannelId: teamsChannel, docusignTemplateId: templateId }).slackHighPriorityCases,
        name: 'High-priority cases to #support-leads',
        connectionId: connections.slack,
      });
      const event = await publish(caseCreated({ subject: 'Nobody invited the bot' }));
      const run = await ended(automation, event.id);
      expect(run).toMatchObject({ status: 'FAILED', attemptCount: 1 });
      expect(run.error).toContain('not_in_channel');
      expect(run.error).toContain('/invite @app');
      expect(slack.messagesIn(uninvited)).toEqual([]);
      notInChannelError = run.error;
    });

    it('explainError knows the run’s error: the cause and the invitation', async () => {
      const { explainError } = await ok(EXPLAIN, { message: notInChannelError });
      expect(explainError).toMatchObject({ code: 'not_in_channel', retryable: false });
      expect(explainError.explanation).toMatch(/not a member of the channel/);
      expect(explainError.suggestedFix).toContain('/invite @app');
    });

    it('troubleshoot on the Slack connection reports the failed automation run with that explanation', async () => {
      const { troubleshoot } = await ok(TROUBLESHOOT, { id: connections.slack });
      const finding = troubleshoot.findings.find((f: any) => f.sample?.includes('not_in_channel'));
      expect(finding).toBeDefined();
      expect(finding.severity).not.toBe('INFO');
      expect(finding.explanation).toMatch(/not a member of the channel/);
      expect(finding.suggestedFix).toContain('/invite @app');
      expect(finding.sample).toContain('High-priority cases to #support-leads');
    });

    it('an unknown channel fails with channel_not_found after one attempt: a 404 that cannot succeed is not retried', async () => {
      const automation = await create({
        ...SEED_FLOWS({ slackChannel: 'C0DOESNOTEXIST', teamId: team, teamsChannelId: teamsChannel, docusignTemplateId: templateId }).slackHighPriorityCases,
        name: 'High-priority cases to a deleted channel',
        connectionId: connections.slack,
      });
      const event = await publish(caseCreated({ subject: 'Where did the channel go' }));
      const run = await ended(automation, event.id);
      expect(run).toMatchObject({ status: 'FAILED', attemptCount: 1 });
      expect(run.error).toContain('channel_not_found');
      expect(slack.requests.filter((r) => r.path === '/api/chat.postMessage' && r.body.channel === 'C0DOESNOTEXIST')).toHaveLength(1);
    });
  });

  it('a won deal whose contact email is not an email fails with the schema error, and DocuSign is never called', async () => {
    const before = docusign.created.length;
    const event = await publish(opportunityWon({ name: 'Broken deal', contact_email: 'grace at acme' }));
    const run = await ended(automations.docusign, event.id);
    expect(run).toMatchObject({ status: 'FAILED', attemptCount: 1 });
    expect(run.error).toContain('input.templateRoles.0.email');
    expect(run.error).toMatch(/format "email"/);
    expect(run.input.templateRoles[0].email).toBe('grace at acme');
    expect(docusign.created.length).toBe(before);
  });

  it('an expired DocuSign connection fails the run with that reason and raises an integrationAlert', async () => {
    const client = wsClient(t.url, BOOTSTRAP_KEY);
    clients.push(client);
    const alerts = watch(client, 'subscription { integrationAlert { code message connectionId severity } }');
    await sleep(200); // the subscription is registered before the alert's NOTIFY
    docusignOAuth.refuseRefresh();
    docusignOAuth.expireAccessTokens();
    const before = docusign.created.length;
    const event = await publish(opportunityWon({ name: 'Deal after the token died' }));
    const run = await ended(automations.docusign, event.id);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/EXPIRED|authorized again/);
    const alert = (await alerts.first).data!.integrationAlert;
    expect(alert).toMatchObject({ connectionId: connections.docusign, severity: 'ERROR' });
    expect(alert.message).toMatch(/Order forms for won deals.*(EXPIRED|authorized again)/);
    expect(docusign.created.length).toBe(before);
    alerts.stop();
  });
});
