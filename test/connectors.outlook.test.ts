import { outlook as definition } from '../src/providers/outlook/outlook.connector';
import type { ConnectorRecord } from '../src/connectors/connector.handler';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { ProviderServer } from './providers/provider-server';
import { bindNewConnection, startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType connector { key } } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

/** The Outlook connector through GraphQL against local stand-ins for Microsoft's OAuth server and Graph. */
describe('Outlook connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let graph: OutlookServer;
  let connectionId: string;
  let baseUrl: string;

  const readAll = async (object: string, pageSize: number) => {
    const pages: ConnectorRecord[][] = [];
    let cursor: string | null = null;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object, cursor, pageSize });
      expect(res.errors).toBeUndefined();
      pages.push(res.data.connectionRecords.records);
      cursor = res.data.connectionRecords.nextCursor;
    } while (cursor);
    return pages;
  };
  const received = (method: string, path: string) => graph.requests.filter((r) => r.method === method && r.path === path);

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    graph = await new OutlookServer((token) => oauth.isValid(token)).start();
    baseUrl = `${graph.url}/v1.0`;
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const app: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'outlook',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    expect(app.errors).toBeUndefined();
    const tokens = oauth.issueTokens();
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'outlook',
        name: 'Outlook (local)',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        config: { baseUrl },
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnection).toMatchObject({ status: 'CONNECTED', authType: 'OAUTH2', connector: { key: 'outlook' } });
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await graph.stop();
    await oauth.stop();
  });

  it('describes messages and events, its actions and their input schemas', async () => {
    const res: any = await t.gql('{ connector(key: "outlook") { objects { name supportsIncremental supportsWrite } actions { name inputSchema } } }');
    expect(res.data.connector.objects).toEqual([
      { name: 'messages', supportsIncremental: true, supportsWrite: false },
      { name: 'sent_messages', supportsIncremental: true, supportsWrite: false },
      { name: 'events', supportsIncremental: true, supportsWrite: true },
    ]);
    expect(res.data.connector.actions.map((a: any) => [a.name, a.inputSchema.required])).toEqual([
      ['sendMail', ['to', 'subject', 'body']],
      ['createEvent', ['subject', 'start', 'end']],
    ]);
  });

  it('tests the connection with GET /me', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    expect(received('GET', '/v1.0/me').pop()!.headers.authorization).toMatch(/^Bearer at_/);
  });

  it('lists inbox messages through a delta round, following @odata.nextLink with Prefer: odata.maxpagesize', async () => {
    const seeded = graph.seedMessages(25);
    const pages = await readAll('messages', 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat().map((r) => r.id)).toEqual(seeded.map((m) => m.id));
    expect(pages[0][0]).toMatchObject({ subject: 'Message 0', isRead: false, from: { emailAddress: { address: 'alex@contoso.example' } } });
    expect(pages[0][0]).not.toHaveProperty('body'); // $select keeps records to the declared fields
    const [first, ...rest] = graph.requests.filter((r) => r.path.endsWith('/messages/delta'));
    expect(first.path).toBe('/v1.0/me/mailFolders/inbox/messages/delta');
    expect(first.query.get('$select')).toContain('receivedDateTime');
    expect(rest.map((r) => [r.path.includes("mailFolders('"), !!r.query.get('$skiptoken'), r.headers.prefer])).toEqual([
      [true, true, 'odata.maxpagesize=10, IdType="ImmutableId"'],
      [true, true, 'odata.maxpagesize=10, IdType="ImmutableId"'],
    ]);
    expect(first.headers.prefer).toBe('odata.maxpagesize=10, IdType="ImmutableId"');
  });

  it('lists calendar events through a calendarView delta round within its time window', async () => {
    const inside = Array.from({ length: 12 }, (_, i) => graph.addEvent(`Meeting ${i}`, i + 1));
    graph.addEvent('Far future', 800);
    const pages = await readAll('events', 5);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
    expect(pages.flat().map((r) => r.subject)).toEqual(inside.map((e) => e.subject));
    const first = received('GET', '/v1.0/me/calendarView/delta').find((r) => r.query.has('startDateTime'))!;
    const [start, end] = [Date.parse(first.query.get('startDateTime')!), Date.parse(first.query.get('endDateTime')!)];
    expect(Date.now() - start).toBeGreaterThan(29 * 86_400_000);
    expect(end - Date.now()).toBeGreaterThan(364 * 86_400_000);
  });

  it('sends mail with POST /me/sendMail', async () => {
    const res: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendMail',
      input: {
        to: ['adele@contoso.example'],
        cc: ['lee@contoso.example'],
        subject: 'Quarterly review',
        body: '<p>See you Monday</p>',
        contentType: 'HTML',
        saveToSentItems: false,
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toEqual({ accepted: true });
    expect(graph.sentMail.pop()).toEqual({
      message: {
        subject: 'Quarterly review',
        body: { contentType: 'HTML', content: '<p>See you Monday</p>' },
        toRecipients: [{ emailAddress: { address: 'adele@contoso.example' } }],
        ccRecipients: [{ emailAddress: { address: 'lee@contoso.example' } }],
      },
      saveToSentItems: false,
    });
  });

  it('creates an event with attendees with POST /me/events', async () => {
    const input = {
      subject: 'Kick-off',
      start: { dateTime: '2030-03-04T10:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2030-03-04T11:00:00', timeZone: 'W. Europe Standard Time' },
      attendees: [
        { email: 'adele@contoso.example', name: 'Adele Vance' },
        { email: 'room1@contoso.example', type: 'resource' },
      ],
      location: 'Room 1',
      body: 'Agenda to follow',
    };
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'createEvent', input });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ id: expect.any(String), subject: 'Kick-off', start: input.start });
    const sent = received('POST', '/v1.0/me/events').pop()!.body;
    expect(sent).toEqual({
      subject: 'Kick-off',
      start: input.start,
      end: input.end,
      attendees: [
        { emailAddress: { address: 'adele@contoso.example', name: 'Adele Vance' }, type: 'required' },
        { emailAddress: { address: 'room1@contoso.example' }, type: 'resource' },
      ],
      body: { contentType: 'Text', content: 'Agenda to follow' },
      location: { displayName: 'Room 1' },
      transactionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('refuses bad action input before calling Graph, and surfaces Graph’s error code', async () => {
    const before = graph.requests.length;
    const noEnd = await t.gql(ACTION, {
      id: connectionId,
      action: 'createEvent',
      input: { subject: 'x', start: { dateTime: '2030-03-04T10:00:00', timeZone: 'UTC' } },
    });
    expect(noEnd.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.end' });
    const offset = await t.gql(ACTION, {
      id: connectionId,
      action: 'createEvent',
      input: { subject: 'x', start: { dateTime: '2030-03-04T10:00:00Z', timeZone: 'UTC' }, end: { dateTime: '2030-03-04T11:00:00', timeZone: 'UTC' } },
    });
    expect(offset.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.start.dateTime' });
    expect(graph.requests.length).toBe(before);
    const zone = { dateTime: '2030-03-04T10:00:00', timeZone: 'Mars/Olympus' };
    const refused = await t.gql(ACTION, { id: connectionId, action: 'createEvent', input: { subject: 'x', start: zone, end: zone } });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      provider: { name: 'outlook', status: 400, code: 'TimeZoneNotSupportedException' },
    });
  });

  it('follows only links under the connection’s own base URL, so a cursor cannot send the token elsewhere', async () => {
    const elsewhere = await new ProviderServer().start();
    try {
      const res = await t.gql(RECORDS, {
        id: connectionId,
        object: 'messages',
        cursor: `${elsewhere.url}/v1.0/me/mailFolders/inbox/messages/delta?$skiptoken=x`,
      });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cursor' });
      const wrongObject = await t.gql(RECORDS, { id: connectionId, object: 'events', cursor: `${baseUrl}/me/messages?$skiptoken=x` });
      expect(wrongObject.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cursor' });
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.stop();
    }
  });

  it('waits out a 429 for its Retry-After', async () => {
    graph.failNext({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'Application is over its MailboxConcurrency limit.' } },
    });
    const started = Date.now();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'events', pageSize: 3 });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('syncs incrementally from the stored @odata.deltaLink, and starts a new round after a 410', async () => {
    const tokens = oauth.issueTokens();
    const call = await bindNewConnection(t, {
      connectorKey: 'outlook',
      name: 'direct',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
      config: { baseUrl },
    });
    const handler = definition.handler!;
    const round = async (object: string, since?: unknown) => {
      const records: ConnectorRecord[] = [];
      const deleted: string[] = [];
      let cursor: string | null = null;
      let checkpoint: unknown;
      do {
        const page = await handler.list(call, object, { cursor, since, pageSize: 20 });
        records.push(...page.records);
        deleted.push(...(page.deleted ?? []));
        checkpoint = page.checkpoint;
        expect(checkpoint === undefined).toBe(page.nextCursor !== null); // the deltaLink arrives with the last page only
        cursor = page.nextCursor;
      } while (cursor);
      return { records, deleted, checkpoint: checkpoint as string };
    };

    const full = await round('messages');
    expect(full.records).toHaveLength(25);
    expect(full.checkpoint).toMatch(new RegExp(`^${graph.url}/v1\\.0/me/mailFolders\\('.+'\\)/messages/delta\\?\\$deltatoken=`));

    const [a, b] = graph.items.messages.slice(0, 2).map((i) => i.id);
    graph.update('messages', a, { isRead: true });
    graph.remove('messages', b);
    graph.addMessage({ subject: 'Fresh' });
    const changes = await round('messages', full.checkpoint);
    expect(received('GET', new URL(full.checkpoint).pathname).some((r) => r.query.has('$deltatoken'))).toBe(true);
    expect(changes.records).toEqual([expect.objectContaining({ id: a, isRead: true }), expect.objectContaining({ subject: 'Fresh' })]);
    expect(changes.deleted).toEqual([b]); // Graph's {id, "@removed": {reason}}: a deletion, not a record
    expect((await round('messages', changes.checkpoint)).records).toEqual([]);

    graph.expireDeltaTokens();
    const restarted = await round('messages', changes.checkpoint);
    expect(restarted.records).toHaveLength(25); // 25 seeded - 1 removed + 1 fresh, all of them again

    const events = await round('events');
    const at = (days: number) => ({ dateTime: new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 19), timeZone: 'UTC' });
    // Created beyond the calendar view's window, then moved into it: only then does the round see it.
    const created = await handler.create!(call, 'events', { subject: 'Sync check', start: at(600), end: at(600.02) });
    const moved = await handler.update!(call, 'events', String(created.id), { subject: 'Sync check (moved)', start: at(2), end: at(2.02) });
    expect(moved).toMatchObject({ id: created.id, subject: 'Sync check (moved)' });
    expect(await handler.get!(call, 'events', String(created.id))).toMatchObject({ subject: 'Sync check (moved)' });
    const eventChanges = await round('events', events.checkpoint);
    expect(eventChanges.records.map((r) => r.subject)).toEqual(['Sync check (moved)']);
    await expect(handler.create!(call, 'messages', { subject: 'x' })).rejects.toThrow(/read-only/);
  });

  it('refreshes an expired access token after a 401 and carries on', async () => {
    const before = oauth.refreshCount;
    oauth.expireAccessTokens();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'messages', pageSize: 2 });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(2);
    expect(oauth.refreshCount).toBe(before + 1);
  });

  it('marks the connection EXPIRED when Microsoft refuses the refresh token', async () => {
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(TEST, { id: connectionId });
    expect(res.data?.testConnection).toMatchObject({ ok: false, status: 'EXPIRED' });
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
  });
});
