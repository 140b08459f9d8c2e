import { gmail as definition } from '../src/providers/gmail/gmail.connector';
import type { ConnectorRecord } from '../src/connectors/connector.handler';
import { GmailServer } from './providers/gmail.server';
import { OAuthServer } from './providers/oauth.server';
import { bindNewConnection, startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType connector { key } } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

/** The Gmail connector through GraphQL against local stand-ins for Google's OAuth server and the Gmail API. */
describe('Gmail connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let mail: GmailServer;
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

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    mail = await new GmailServer((token) => oauth.isValid(token)).start();
    baseUrl = `${mail.url}/gmail/v1`;
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const app: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'gmail',
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
        connectorKey: 'gmail',
        name: 'Gmail (local)',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3600_000).toISOString() },
        config: { baseUrl },
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnection).toMatchObject({ status: 'CONNECTED', authType: 'OAUTH2', connector: { key: 'gmail' } });
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await mail.stop();
    await oauth.stop();
  });

  it('asks Google for offline access with consent, so a refresh token is issued', async () => {
    const res: any = await t.gql('mutation($input: StartOAuthInput!) { startOAuth(input: $input) { authorizationUrl } }', {
      input: { connectorKey: 'gmail', name: 'Gmail (flow)', redirectUri: 'https://app.example.com/oauth/callback' },
    });
    expect(res.errors).toBeUndefined();
    const url = new URL(res.data.startOAuth.authorizationUrl);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send');
  });

  it('describes its objects, the sendEmail action and its rate budget', async () => {
    const res: any = await t.gql(
      '{ connector(key: "gmail") { objects { name supportsIncremental supportsWrite fields { name } } actions { name } rateLimit { limit windowSeconds } } }',
    );
    expect(res.data.connector.objects.map((o: any) => [o.name, o.supportsIncremental])).toEqual([
      ['messages', true],
      ['threads', false],
    ]);
    expect(res.data.connector.objects[0].fields.map((f: any) => f.name)).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'date', 'historyId']));
    expect(res.data.connector.actions).toEqual([{ name: 'sendEmail' }]);
    expect(res.data.connector.rateLimit).toEqual({ limit: 250, windowSeconds: 100 });
  });

  it('tests the connection with users/me/profile', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    expect(mail.requests.some((r) => r.path === '/gmail/v1/users/me/profile' && r.headers.authorization?.startsWith('Bearer at_'))).toBe(true);
  });

  it('lists messages across pages of ids, reading each with format=metadata and the mapped headers', async () => {
    const seeded = mail.seedMessages(25);
    const pages = await readAll('messages', 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const records = pages.flat();
    expect(records.map((r) => r.id).sort()).toEqual(seeded.map((m) => m.id).sort());
    const newest = seeded[24];
    expect(records[0]).toMatchObject({
      id: newest.id,
      threadId: newest.threadId,
      from: 'Sender 24 <sender24@example.com>',
      to: 'owner@example.com',
      subject: 'Message 24',
      historyId: newest.historyId,
      labelIds: ['INBOX', 'UNREAD'],
    });
    expect(new Date(String(records[0].date)).getTime()).toBe(Number(newest.internalDate));
    const lists = mail.requests.filter((r) => r.path === '/gmail/v1/users/me/messages');
    expect(lists.slice(-3).map((r) => [r.query.get('maxResults'), !!r.query.get('pageToken')])).toEqual([
      ['10', false],
      ['10', true],
      ['10', true],
    ]);
    const get = mail.requests.find((r) => r.path === `/gmail/v1/users/me/messages/${newest.id}`)!;
    expect(get.query.get('format')).toBe('metadata');
    expect(get.query.getAll('metadataHeaders')).toEqual(['From', 'To', 'Cc', 'Subject', 'Date']);
    // Each page's gets went in one batch request (POST /batch/gmail/v1), every call counted.
    expect(mail.batches.slice(-3)).toEqual([10, 10, 5]);
    expect(mail.requests.filter((r) => r.path === '/gmail/v1/batch/gmail/v1' || r.path === '/batch/gmail/v1').length).toBeGreaterThanOrEqual(3);
  });

  it('lists threads across pages', async () => {
    const first = mail.messages[0];
    mail.addMessage({ from: 'owner@example.com', to: 'sender0@example.com', subject: 'Re: Message 0', threadId: first.threadId });
    const pages = await readAll('threads', 10);
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const thread = pages.flat().find((r) => r.id === first.threadId)!;
    expect(thread).toMatchObject({ snippet: 'About Re: Message 0' });
  });

  it('sends an email as a base64url RFC 2822 message with To, Subject, From and Content-Type', async () => {
    const res: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendEmail',
      input: { to: ['ana@example.com', 'ben@example.com'], from: 'owner@example.com', subject: 'Angebot für Müller', body: 'Grüße,\nAna' },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ labelIds: ['SENT'] });
    const [sent] = mail.sent.slice(-1);
    const [head, body] = sent.mime.split('\r\n\r\n');
    expect(head).toContain('To: ana@example.com, ben@example.com');
    expect(head).toContain('From: owner@example.com');
    expect(head).toContain('Content-Type: text/plain; charset="UTF-8"');
    const subject = /^Subject: (.*)$/m.exec(head)![1];
    expect(subject).toMatch(/^=\?UTF-8\?B\?/);
    expect(Buffer.from(subject.replace(/^=\?UTF-8\?B\?|\?=$/g, ''), 'base64').toString()).toBe('Angebot für Müller');
    expect(Buffer.from(body, 'base64').toString()).toBe('Grüße,\nAna');
  });

  it('refuses bad sendEmail input before calling Gmail, and surfaces Google’s reason for a refused send', async () => {
    const before = mail.requests.length;
    const missing = await t.gql(ACTION, { id: connectionId, action: 'sendEmail', input: { to: ['ana@example.com'], body: 'x' } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subject' });
    const injected = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendEmail',
      input: { to: ['ana@example.com'], subject: 'Hi\r\nBcc: spy@example.com', body: 'x' },
    });
    expect(injected.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.subject' });
    expect(mail.requests.length).toBe(before);
    const refused = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendEmail',
      input: { to: ['ana@example.com'], subject: 'Hi', body: 'x', threadId: 'deadbeef' },
    });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'gmail', status: 404, code: 'notFound' } });
  });

  it('retries a 429 from Gmail with backoff', async () => {
    const before = mail.requests.length;
    mail.failNext({
      status: 429,
      body: { error: { code: 429, message: 'Too many concurrent requests for user', errors: [{ reason: 'rateLimitExceeded' }], status: 'RESOURCE_EXHAUSTED' } },
    });
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'threads', pageSize: 5 });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(5);
    expect(mail.requests.slice(before).map((r) => r.path)).toEqual(['/gmail/v1/users/me/threads', '/gmail/v1/users/me/threads']);
  });

  it('reads a call the batch answered 429 by itself, with the usual retries', async () => {
    const [older, newer] = mail.seedMessages(2);
    mail.throttledInBatch.add(newer.id);
    const before = mail.requests.length;
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'messages', pageSize: 2 });
    mail.throttledInBatch.clear();
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records.map((r: any) => r.id)).toEqual([newer.id, older.id]);
    const calls = mail.requests.slice(before).filter((r) => r.path === `/gmail/v1/users/me/messages/${newer.id}`);
    expect(calls).toHaveLength(2); // once inside the batch (429), once by itself
  });

  it('refuses a cursor it did not hand out', async () => {
    const res = await t.gql(RECORDS, { id: connectionId, object: 'messages', cursor: 'not-a-cursor' });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cursor' });
  });

  it('syncs incrementally from the largest historyId seen, and falls back to a full listing when history is gone', async () => {
    const tokens = oauth.issueTokens();
    const call = await bindNewConnection(t, {
      connectorKey: 'gmail',
      name: 'direct',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
      config: { baseUrl },
    });
    const list = (options: { cursor?: string | null; since?: unknown; pageSize?: number }) => definition.handler!.list(call, 'messages', options);
    let checkpoint: unknown;
    let cursor: string | null = null;
    do {
      const page = await list({ cursor, pageSize: 100 });
      checkpoint = page.checkpoint;
      cursor = page.nextCursor;
    } while (cursor);
    expect(checkpoint).toBe(mail.currentHistoryId);

    const added = [1, 2, 3].map((i) => mail.addMessage({ from: `new${i}@example.com`, to: 'owner@example.com', subject: `New ${i}` }));
    const first = await list({ since: checkpoint, pageSize: 2 });
    expect(
      mail.requests
        .filter((r) => r.path === '/gmail/v1/users/me/history')
        .pop()!
        .query.get('startHistoryId'),
    ).toBe(checkpoint);
    expect(first.records.map((r) => r.subject)).toEqual(['New 1', 'New 2']);
    expect(first.checkpoint).toBe(added[1].historyId);
    const second = await list({ since: checkpoint, cursor: first.nextCursor });
    expect(second.records.map((r) => r.subject)).toEqual(['New 3']);
    expect(second.nextCursor).toBeNull();
    expect(second.checkpoint).toBe(mail.currentHistoryId);

    const quiet = await list({ since: second.checkpoint });
    expect(quiet).toMatchObject({ records: [], nextCursor: null, checkpoint: mail.currentHistoryId });

    mail.expireHistory();
    const resync = await list({ since: second.checkpoint, pageSize: 5 });
    expect(resync.records.map((r) => r.subject)).toEqual(['New 3', 'New 2', 'New 1', expect.any(String), expect.any(String)]);
    expect(resync.nextCursor).toEqual(expect.any(String));
    const next = await list({ since: second.checkpoint, cursor: resync.nextCursor, pageSize: 5 });
    expect(next.records).toHaveLength(5);
    expect(
      mail.requests
        .filter((r) => r.path === '/gmail/v1/users/me/messages')
        .pop()!
        .query.get('pageToken'),
    ).toBeTruthy();
  });

  it('refreshes an expired access token after a 401 and carries on', async () => {
    const before = oauth.refreshCount;
    oauth.expireAccessTokens();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'threads', pageSize: 3 });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(3);
    expect(oauth.refreshCount).toBe(before + 1);
    const refused = mail.requests.filter((r) => r.path === '/gmail/v1/users/me/threads').slice(-2);
    expect(refused[0].headers.authorization).not.toBe(refused[1].headers.authorization);
  });

  it('marks the connection EXPIRED when Google refuses the refresh token', async () => {
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(RECORDS, { id: connectionId, object: 'messages', pageSize: 1 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', connectionStatus: 'EXPIRED' });
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
  });
});
