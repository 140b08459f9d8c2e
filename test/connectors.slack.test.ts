import { slack as slackDefinition } from '../src/providers/slack/slack.connector';
import { OAuthServer } from './providers/oauth.server';
import { SlackServer } from './providers/slack.server';
import { startTestService, TestService } from './support/service';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType } }';
const SET_CLIENT = 'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS =
  'query($id: ID!, $object: String!, $cursor: String) { connectionRecords(connectionId: $id, object: $object, cursor: $cursor) { records nextCursor } }';
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

/**
 * The Slack connector through GraphQL against a local server speaking Slack's Web API, where
 * errors are HTTP 200 with {ok:false, error}. The declared budget (1 request/s) would make this
 * file take ~20 s; it is raised for this process only (pacing is provider-http's own test).
 */
describe('Slack connector', () => {
  const declaredBudget = slackDefinition.rateLimit;
  let t: TestService;
  let oauth: OAuthServer;
  let slack: SlackServer;
  let connectionId: string;

  const connect = async (name: string) => {
    const tokens = oauth.issueTokens();
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'slack',
        name,
        credentials: {
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          expiresAt: new Date(Date.now() + tokens.expires_in * 1000).toISOString(),
        },
        config: { baseUrl: `${slack.url}/api` },
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id as string;
  };

  const readAll = async (object: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object, cursor });
      expect(res.errors).toBeUndefined();
      ids.push(...res.data.connectionRecords.records.map((r: any) => r.id));
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
    } while (cursor);
    return { ids, pages };
  };

  beforeAll(async () => {
    slackDefinition.rateLimit = { ...declaredBudget, limit: 100 };
    oauth = await new OAuthServer().start();
    slack = await new SlackServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const client: any = await t.gql(SET_CLIENT, {
      input: {
        connectorKey: 'slack',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    expect(client.errors).toBeUndefined();
    connectionId = await connect('Slack (local)');
  });
  afterAll(async () => {
    slackDefinition.rateLimit = declaredBudget;
    await t.stop();
    await Promise.all([slack.stop(), oauth.stop()]);
  });

  it('declares its objects, actions, Slack’s 1/s budget and comma-separated OAuth scopes', async () => {
    expect(declaredBudget).toMatchObject({ limit: 1, windowSeconds: 1 });
    const res: any = await t.gql('{ connector(key: "slack") { authTypes objects { name supportsWrite fields { name } } actions { name } } }');
    expect(res.data.connector.authTypes).toEqual(['OAUTH2', 'TOKEN']);
    expect(res.data.connector.objects.map((o: any) => o.name)).toEqual(['users', 'conversations']);
    expect(res.data.connector.actions.map((a: any) => a.name)).toEqual(['postMessage', 'openConversation']);
    const start: any = await t.gql('mutation($input: StartOAuthInput!) { startOAuth(input: $input) { authorizationUrl } }', {
      input: { connectorKey: 'slack', name: 'x', redirectUri: 'https://crm.example/cb' },
    });
    expect(new URL(start.data.startOAuth.authorizationUrl).searchParams.get('scope')).toBe(
      'users:read,users:read.email,channels:read,groups:read,chat:write,im:write,mpim:write,channels:history,groups:history',
    );
  });

  it('tests the connection with auth.test and the access token as Bearer', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    const call = slack.requests.find((r) => r.path === '/api/auth.test')!;
    expect(call.method).toBe('POST');
    expect(call.headers.authorization).toMatch(/^Bearer at_/);
  });

  it('connects with a bot token (TOKEN) and reports a refused one with Slack’s code', async () => {
    const good: any = await t.gql(CONNECT, {
      input: { connectorKey: 'slack', authType: 'TOKEN', name: 'bot', credentials: { token: slack.botToken }, config: { baseUrl: `${slack.url}/api` } },
    });
    expect(good.data.createConnection.authType).toBe('TOKEN');
    expect((await t.gql<any>(TEST, { id: good.data.createConnection.id })).data!.testConnection).toMatchObject({ ok: true });
    const bad: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'slack',
        authType: 'TOKEN',
        name: 'wrong bot',
        credentials: { token: 'xoxb-0000-wrong' },
        config: { baseUrl: `${slack.url}/api` },
      },
    });
    const res: any = await t.gql(TEST, { id: bad.data.createConnection.id });
    expect(res.data.testConnection).toMatchObject({ ok: false, status: 'ERROR' });
    expect(res.data.testConnection.message).toContain('invalid_auth');
  });

  it('lists users across pages with cursor until next_cursor is empty', async () => {
    const seeded = slack.seedUsers(450);
    const { ids, pages } = await readAll('users');
    expect(pages).toBe(3);
    expect(ids).toEqual(seeded.map((u) => u.id));
    const calls = slack.requests.filter((r) => r.path === '/api/users.list');
    expect(calls.map((r) => r.query.get('limit'))).toEqual(['200', '200', '200']);
    expect(calls[0].query.get('cursor')).toBeNull();
    expect(Buffer.from(calls[1].query.get('cursor')!, 'base64').toString()).toBe(`user:${seeded[199].id}`);
  });

  it('lists public and private conversations across pages, waiting out a 429', async () => {
    const seeded = [...slack.seedChannels(300), ...slack.seedChannels(120, { is_private: true, is_group: true })];
    slack.failNext({ status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    const started = Date.now();
    const { ids, pages } = await readAll('conversations');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(pages).toBe(3);
    expect(ids).toEqual(seeded.map((c) => c.id));
    expect(slack.requests.filter((r) => r.path === '/api/conversations.list').every((r) => r.query.get('types') === 'public_channel,private_channel')).toBe(
      true,
    );
  });

  it('posts a message as a JSON body with charset', async () => {
    const [channel] = slack.channels;
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Deal won*: ACME' } }];
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'postMessage', input: { channel: channel.id, text: 'Deal won: ACME', blocks } });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({
      channel: channel.id,
      ts: expect.stringMatching(/^\d+\.\d+$/),
      message: { text: 'Deal won: ACME' },
    });
    expect(res.data.executeConnectorAction.warning).toBeUndefined();
    const sent = slack.requests.filter((r) => r.path === '/api/chat.postMessage').pop()!;
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sent.body).toEqual({ channel: channel.id, text: 'Deal won: ACME', blocks });
  });

  it('opens a DM and a group DM with the users comma-separated', async () => {
    const [a, b] = slack.users;
    const dm: any = await t.gql(ACTION, { id: connectionId, action: 'openConversation', input: { users: [a.id] } });
    expect(dm.data.executeConnectorAction).toMatchObject({ no_op: false, channel: { id: expect.stringMatching(/^D/) } });
    const group: any = await t.gql(ACTION, { id: connectionId, action: 'openConversation', input: { users: [a.id, b.id] } });
    expect(group.data.executeConnectorAction.channel.id).toMatch(/^G/);
    expect(slack.requests.filter((r) => r.path === '/api/conversations.open').pop()!.body).toEqual({ users: `${a.id},${b.id}` });
  });

  it('refuses bad input before calling Slack', async () => {
    const before = slack.requests.length;
    const missing = await t.gql(ACTION, { id: connectionId, action: 'postMessage', input: { text: 'no channel' } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.channel' });
    const badUser = await t.gql(ACTION, { id: connectionId, action: 'openConversation', input: { users: ['not-a-user'] } });
    expect(badUser.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.users.0' });
    expect(slack.requests.length).toBe(before);
  });

  it('turns Slack’s ok:false into an error carrying Slack’s code', async () => {
    const res = await t.gql(ACTION, { id: connectionId, action: 'postMessage', input: { channel: 'C999NOPE', text: 'hello' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'slack', status: 404, code: 'channel_not_found' } });
  });

  it('posts only where the bot is a member: not_in_channel for a public channel it was not invited to, channel_not_found for a private one', async () => {
    const [outside] = slack.seedChannels(1, { is_member: false });
    const [hidden] = slack.seedChannels(1, { is_member: false, is_private: true, is_group: true });
    const [archived] = slack.seedChannels(1, { is_archived: true });
    const post = (channel: string) => t.gql(ACTION, { id: connectionId, action: 'postMessage', input: { channel, text: 'hello' } });
    expect((await post(outside.id)).errors?.[0].extensions).toMatchObject({ provider: { status: 403, code: 'not_in_channel' } });
    expect((await post(hidden.id)).errors?.[0].extensions).toMatchObject({ provider: { status: 404, code: 'channel_not_found' } });
    expect((await post(archived.id)).errors?.[0].extensions).toMatchObject({ provider: { status: 403, code: 'is_archived' } });
    expect(slack.messagesIn(outside.id)).toEqual([]);
    slack.publicWriteScope = true; // chat:write.public
    try {
      expect((await post(outside.id)).errors).toBeUndefined();
      expect((await post(hidden.id)).errors?.[0].extensions).toMatchObject({ provider: { code: 'channel_not_found' } });
    } finally {
      slack.publicWriteScope = false;
    }
    expect(slack.messagesIn(outside.id)).toHaveLength(1);
  });

  it('posts message metadata, kept with the message in the channel, and refuses a malformed one before calling Slack', async () => {
    const [channel] = slack.seedChannels(1);
    const metadata = { event_type: 'hotcrm_case_created', event_payload: { case_id: 'case-1' } };
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'postMessage', input: { channel: channel.id, text: 'Case', metadata } });
    expect(res.errors).toBeUndefined();
    expect(slack.requests.filter((r) => r.path === '/api/chat.postMessage').pop()!.body.metadata).toEqual(metadata);
    const [message] = slack.messagesIn(channel.id);
    expect(message).toMatchObject({ ts: res.data.executeConnectorAction.ts, metadata });
    const bad = await t.gql(ACTION, {
      id: connectionId,
      action: 'postMessage',
      input: { channel: channel.id, text: 'x', metadata: { event_type: 'has space', event_payload: {} } },
    });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.metadata.event_type' });
  });

  it('answers a post past Slack’s 1 message per second per channel with 429 + Retry-After, which the client waits out', async () => {
    const [channel] = slack.seedChannels(1);
    slack.limitChannelPosts(1, 1);
    const post = () => t.gql<any>(ACTION, { id: connectionId, action: 'postMessage', input: { channel: channel.id, text: 'paced' } });
    try {
      expect((await post()).errors).toBeUndefined();
      // The second post within the second finds the channel's budget spent: 429, then a retry after Retry-After.
      expect((await post()).errors).toBeUndefined();
    } finally {
      slack.limitChannelPosts(1000, 1000);
    }
    const answers = slack.requests.filter((r) => r.path === '/api/chat.postMessage' && r.body.channel === channel.id);
    expect(answers).toHaveLength(3);
    expect(slack.messagesIn(channel.id)).toHaveLength(2);
  });

  it('refreshes the access token when Slack answers token_expired, and retries', async () => {
    oauth.expireAccessTokens();
    const refreshes = oauth.refreshCount;
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    expect(oauth.refreshCount).toBe(refreshes + 1);
    const [refused, retried] = slack.requests.filter((r) => r.path === '/api/auth.test').slice(-2);
    expect(retried.headers.authorization).not.toBe(refused.headers.authorization);
    expect(oauth.isValid(retried.headers.authorization!.slice('Bearer '.length))).toBe(true);
  });

  it('marks the connection EXPIRED when the refresh token is refused', async () => {
    const id = await connect('Slack (to expire)');
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(RECORDS, { id, object: 'users' });
    expect(res.errors?.[0].extensions).toMatchObject({ connectionStatus: 'EXPIRED' });
    expect((await t.gql<any>(STATUS, { id })).data!.connection.status).toBe('EXPIRED');
  });
});
