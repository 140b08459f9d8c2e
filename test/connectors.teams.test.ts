import { OAuthServer } from './providers/oauth.server';
import { TeamsServer } from './providers/teams.server';
import { startTestService, TestService } from './support/service';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType } }';
const SET_CLIENT = 'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS =
  'query($id: ID!, $object: String!, $cursor: String) { connectionRecords(connectionId: $id, object: $object, cursor: $cursor) { records nextCursor } }';
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

const CARD = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: 'Deal won: ACME', weight: 'Bolder' }],
  actions: [{ type: 'Action.OpenUrl', title: 'Open', url: 'https://crm.example/deals/1' }],
};

/** The Microsoft Teams connector through GraphQL against a local Microsoft Graph v1.0 stand-in. */
describe('Microsoft Teams connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let graph: TeamsServer;
  let connectionId: string;
  let channelConnectionId: string;
  let team: Record<string, unknown>;
  let channel: Record<string, unknown>;

  const connect = async (name: string, config: Record<string, unknown> = {}) => {
    const tokens = oauth.issueTokens();
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'teams',
        name,
        credentials: {
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
        },
        config: { baseUrl: `${graph.url}/v1.0`, ...config },
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id as string;
  };

  const readAll = async (id: string, object: string) => {
    const records: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id, object, cursor });
      expect(res.errors).toBeUndefined();
      records.push(...res.data.connectionRecords.records);
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
    } while (cursor);
    return { records, pages };
  };

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    graph = await new TeamsServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const client: any = await t.gql(SET_CLIENT, {
      input: {
        connectorKey: 'teams',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    expect(client.errors).toBeUndefined();
    const seeded = graph.seedTeams(5);
    team = seeded[0];
    seeded.forEach((tm, i) => graph.seedChannels(tm.id, i === 0 ? 3 : 1));
    channel = graph.channels.get(team.id as string)![0];
    connectionId = await connect('Teams (local)');
    channelConnectionId = await connect('Teams (one channel)', { teamId: team.id, channelId: channel.id });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([graph.stop(), oauth.stop()]);
  });

  it('declares teams, channels and messages, and sendAdaptiveCard', async () => {
    const res: any = await t.gql(
      '{ connector(key: "teams") { authTypes objects { name supportsIncremental supportsWrite } actions { name } rateLimit { limit windowSeconds } } }',
    );
    expect(res.data.connector).toMatchObject({ authTypes: ['OAUTH2'], rateLimit: { limit: 60, windowSeconds: 60 }, actions: [{ name: 'sendAdaptiveCard' }] });
    expect(res.data.connector.objects).toEqual([
      { name: 'teams', supportsIncremental: false, supportsWrite: false },
      { name: 'channels', supportsIncremental: false, supportsWrite: false },
      { name: 'messages', supportsIncremental: true, supportsWrite: true },
    ]);
  });

  it('tests the connection with GET /me/joinedTeams and the access token as Bearer', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    const call = graph.requests.find((r) => r.path === '/v1.0/me/joinedTeams')!;
    expect(call.headers.authorization).toMatch(/^Bearer at_/);
  });

  it('lists joined teams across server-side pages by following @odata.nextLink, waiting out a 429', async () => {
    graph.teamsPageSize = 2;
    graph.failNext({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests.', innerError: {} } },
    });
    const started = Date.now();
    const { records, pages } = await readAll(connectionId, 'teams');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(pages).toBe(3);
    expect(records.map((r) => r.id)).toEqual(graph.teams.map((tm) => tm.id));
    const calls = graph.requests.filter((r) => r.path === '/v1.0/me/joinedTeams').slice(-3);
    expect(calls.map((r) => r.query.has('$skiptoken'))).toEqual([false, true, true]);
    graph.teamsPageSize = 100;
  });

  it('lists every joined team’s channels, one team per page and the team’s own next links, each with its teamId', async () => {
    graph.channelsPageSize = 2;
    const { records, pages } = await readAll(connectionId, 'channels');
    expect(pages).toBe(6); // the first team's 3 channels in two pages, then one page per other team
    const expected = [...graph.channels.entries()].flatMap(([teamId, rows]) => rows.map((c) => `${teamId}/${c.id}`)).sort();
    expect(records.map((c) => `${c.teamId}/${c.id}`).sort()).toEqual(expected);
    graph.channelsPageSize = 100;
  });

  it('lists only config.teamId’s channels when the connection names a team', async () => {
    const { records, pages } = await readAll(channelConnectionId, 'channels');
    expect(pages).toBe(1);
    expect(records.map((c) => c.id)).toEqual(graph.channels.get(team.id as string)!.map((c) => c.id));
    expect(records.every((c) => c.teamId === team.id)).toBe(true);
  });

  it('lists channel messages with $top=50 and @odata.nextLink', async () => {
    const seeded = graph.seedMessages(team.id as string, channel.id as string, 120);
    const { records, pages } = await readAll(channelConnectionId, 'messages');
    expect(pages).toBe(3);
    expect(records.map((m) => m.id)).toEqual(seeded.map((m) => m.id));
    const calls = graph.requests.filter((r) => r.path.endsWith('/messages') && r.method === 'GET');
    expect(calls.map((r) => r.query.get('$top'))).toEqual(['50', '50', '50']);
    expect(calls[0].path).toBe(`/v1.0/teams/${team.id}/channels/${encodeURIComponent(channel.id as string)}/messages`);
  });

  it('needs config.teamId and config.channelId for messages, and refuses cursors pointing elsewhere', async () => {
    const before = graph.requests.length;
    const noChannel = await t.gql(RECORDS, { id: connectionId, object: 'messages' });
    expect(noChannel.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.teamId' });
    const foreign = await t.gql(RECORDS, { id: channelConnectionId, object: 'messages', cursor: 'https://attacker.example/v1.0/steal' });
    expect(foreign.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cursor' });
    expect(graph.requests.length).toBe(before);
  });

  it('sends an Adaptive Card as an attachment referenced from the HTML body', async () => {
    const res: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendAdaptiveCard',
      input: { teamId: team.id, channelId: channel.id, card: CARD, summary: 'Deal <won>' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({
      id: expect.any(String),
      messageType: 'message',
      channelIdentity: { teamId: team.id, channelId: channel.id },
    });
    const sent = graph.requests.filter((r) => r.method === 'POST').pop()!;
    expect(sent.path).toBe(`/v1.0/teams/${team.id}/channels/${encodeURIComponent(channel.id as string)}/messages`);
    const [attachment] = sent.body.attachments;
    expect(attachment).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(JSON.parse(attachment.content)).toEqual(CARD);
    expect(sent.body.body).toEqual({ contentType: 'html', content: `<p>Deal &#60;won&#62;</p><attachment id="${attachment.id}"></attachment>` });
  });

  it('defaults the target to the connection’s channel and refuses bad input before calling Graph', async () => {
    const res: any = await t.gql(ACTION, { id: channelConnectionId, action: 'sendAdaptiveCard', input: { card: CARD } });
    expect(res.errors).toBeUndefined();
    const before = graph.requests.length;
    const missing = await t.gql(ACTION, { id: connectionId, action: 'sendAdaptiveCard', input: { teamId: team.id, channelId: channel.id } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.card' });
    const notACard = await t.gql(ACTION, { id: connectionId, action: 'sendAdaptiveCard', input: { card: { type: 'HeroCard', version: '1.0' } } });
    expect(notACard.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.card.type' });
    const noTarget = await t.gql(ACTION, { id: connectionId, action: 'sendAdaptiveCard', input: { card: CARD } });
    expect(noTarget.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.teamId' });
    expect(graph.requests.length).toBe(before);
  });

  it('surfaces Graph’s error code and message', async () => {
    const res = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendAdaptiveCard',
      input: { teamId: team.id, channelId: '19:missing@thread.tacv2', card: CARD },
    });
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      provider: { name: 'teams', status: 404, code: 'NotFound', message: expect.stringContaining('request-id') },
    });
  });

  it('refreshes the access token after a 401 and retries', async () => {
    oauth.expireAccessTokens();
    const refreshes = oauth.refreshCount;
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'teams' });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(5);
    expect(oauth.refreshCount).toBe(refreshes + 1);
  });

  it('marks the connection EXPIRED when the refresh token is refused', async () => {
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(TEST, { id: channelConnectionId });
    expect((res.data as any).testConnection).toMatchObject({ ok: false, status: 'EXPIRED' });
    expect((await t.gql<any>(STATUS, { id: channelConnectionId })).data!.connection.status).toBe('EXPIRED');
  });
});
