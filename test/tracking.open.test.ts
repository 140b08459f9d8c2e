import { internalIdFor } from '../src/sync/engine/record-identity';
import { linkScopeOf } from '../src/sync/link-scope';
import { openedAtOfMessages } from '../src/tracking/tracking.module';
import { GmailServer } from './providers/gmail.server';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const EVENTS = `query { integrationEvents(type: "email.opened", first: 100) { totalCount edges { node { type source data occurredAt } } } }`;
const PUBLIC_URL = 'https://crm.example.com/integration';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The parts of a MIME message (one level of multipart), each with its headers and decoded body. */
function mimeParts(mime: string): { contentType: string; body: string }[] {
  const [head, ...rest] = mime.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  const contentType = /^Content-Type: (.*)$/im.exec(head)![1];
  const boundary = /boundary="([^"]+)"/.exec(contentType)?.[1];
  const decode = (text: string) => Buffer.from(text.replace(/\r\n/g, ''), 'base64').toString('utf8');
  if (!boundary) return [{ contentType, body: decode(body) }];
  return body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const [partHead, ...partBody] = part.replace(/^\r\n/, '').split('\r\n\r\n');
      return { contentType: /^Content-Type: (.*)$/im.exec(partHead)![1], body: decode(partBody.join('\r\n\r\n')) };
    });
}

const pixelUrlIn = (html: string) => /<img src="([^"]+\/t\/[A-Za-z0-9_-]{43}\.gif)"/.exec(html)?.[1] ?? null;

/** Open tracking through GraphQL: sendEmail / sendMail with track: true against the Gmail and Graph stand-ins, then the pixel. */
describe('email open tracking', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let gmail: GmailServer;
  let graph: OutlookServer;
  let gmailConnection: string;
  let outlookConnection: string;

  const connect = async (connectorKey: string, baseUrl: string) => {
    const set: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    expect(set.errors).toBeUndefined();
    const tokens = oauth.issueTokens();
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey,
        name: `${connectorKey} (local)`,
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3600_000).toISOString() },
        config: { baseUrl },
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.createConnection.status).toBe('CONNECTED');
    return res.data.createConnection.id as string;
  };
  const act = async (id: string, action: string, input: Record<string, unknown>) => {
    const res: any = await t.gql(ACTION, { id, action, input });
    expect(res.errors).toBeUndefined();
    return res.data.executeConnectorAction;
  };
  /** The pixel fetched as a mail client or image proxy would: from this service, whatever PUBLIC_URL says. */
  const fetchPixel = async (pixelUrl: string, method = 'GET') => {
    const path = new URL(pixelUrl).pathname.replace(/^\/integration/, '');
    const response = await fetch(`${t.url}${path}`, { method });
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  };
  const opened = async () => {
    const res: any = await t.gql(EVENTS);
    expect(res.errors).toBeUndefined();
    return res.data.integrationEvents.edges.map((e: any) => e.node);
  };
  const trackedRow = async (id: string) =>
    (
      await t.service.db.query(
        `SELECT message_id, open_count, opened_at, last_opened_at, encode(token_hash, 'hex') AS token_hash FROM tracked_email WHERE id = $1`,
        [id],
      )
    )[0];

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    gmail = await new GmailServer((token) => oauth.isValid(token)).start();
    graph = await new OutlookServer((token) => oauth.isValid(token)).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', PUBLIC_URL });
    gmailConnection = await connect('gmail', `${gmail.url}/gmail/v1`);
    outlookConnection = await connect('outlook', `${graph.url}/v1.0`);
  });
  afterAll(async () => {
    await t.stop();
    await gmail.stop();
    await graph.stop();
    await oauth.stop();
  });

  it('Gmail: an HTML email carries the pixel before </body>; the first fetch records one email.opened, later fetches only count', async () => {
    const result = await act(gmailConnection, 'sendEmail', {
      to: ['ana@example.com'],
      cc: ['ben@example.com'],
      subject: 'Proposal',
      body: '<html><body><p>Here it is</p></body></html>',
      contentType: 'text/html',
      track: true,
    });
    const sent = gmail.sent[gmail.sent.length - 1];
    expect(result).toMatchObject({ id: expect.any(String), threadId: expect.any(String), labelIds: ['SENT'], trackingId: expect.any(String) });
    const [part] = mimeParts(sent.mime);
    expect(part.contentType).toBe('text/html; charset="UTF-8"');
    const pixelUrl = pixelUrlIn(part.body)!;
    expect(pixelUrl.startsWith(`${PUBLIC_URL}/t/`)).toBe(true);
    expect(part.body).toMatch(/<p>Here it is<\/p><img [^>]+\/><\/body><\/html>$/);
    // The result names the tracking row, never the token the pixel carries.
    expect(JSON.stringify(result)).not.toContain(new URL(pixelUrl).pathname.slice(3, 46));

    const row = await trackedRow(result.trackingId);
    expect(row).toMatchObject({ message_id: result.id, open_count: 0, opened_at: null });
    expect(row.token_hash).toHaveLength(64);

    const first = await fetchPixel(pixelUrl);
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('content-type')).toBe('image/gif');
    expect(first.response.headers.get('cache-control')).toContain('no-store');
    expect(first.body.equals(GIF)).toBe(true);

    let events = (await opened()).filter((e: any) => e.data.trackingId === result.trackingId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'email.opened',
      source: 'hotcrm',
      data: { messageId: result.id, provider: 'gmail', connectionId: gmailConnection, recipients: ['ana@example.com', 'ben@example.com'], subject: 'Proposal' },
    });
    const afterFirst = await trackedRow(result.trackingId);
    expect(afterFirst.open_count).toBe(1);
    expect(new Date(events[0].data.openedAt).getTime()).toBe(afterFirst.opened_at.getTime());
    expect(JSON.stringify(events[0])).not.toContain(new URL(pixelUrl).pathname.slice(3, 46));

    await fetchPixel(pixelUrl);
    await fetchPixel(pixelUrl);
    events = (await opened()).filter((e: any) => e.data.trackingId === result.trackingId);
    expect(events).toHaveLength(1);
    const later = await trackedRow(result.trackingId);
    expect(later.open_count).toBe(3);
    expect(later.opened_at.getTime()).toBe(afterFirst.opened_at.getTime());
    expect(later.last_opened_at.getTime()).toBeGreaterThanOrEqual(afterFirst.last_opened_at.getTime());
  });

  it('Gmail: a plain-text email becomes multipart/alternative, the text as written and an HTML copy with the pixel', async () => {
    const result = await act(gmailConnection, 'sendEmail', { to: ['ana@example.com'], subject: 'Grüße', body: 'Line <1>\nLine 2', track: true });
    const parts = mimeParts(gmail.sent[gmail.sent.length - 1].mime);
    expect(parts.map((p) => p.contentType)).toEqual(['text/plain; charset="UTF-8"', 'text/html; charset="UTF-8"']);
    expect(parts[0].body).toBe('Line <1>\nLine 2');
    expect(parts[1].body).toContain('<div style="white-space:pre-wrap">Line &lt;1&gt;\nLine 2</div>');
    expect(pixelUrlIn(parts[1].body)).not.toBeNull();
    expect(result.trackingId).toEqual(expect.any(String));
  });

  it('without track, nothing is added: the body is sent as given and no tracking row exists', async () => {
    const before = Number((await t.service.db.query('SELECT count(*)::int AS n FROM tracked_email'))[0].n);
    const result = await act(gmailConnection, 'sendEmail', { to: ['ana@example.com'], subject: 'Plain', body: '<p>hi</p>', contentType: 'text/html' });
    expect(result).not.toHaveProperty('trackingId');
    const [part] = mimeParts(gmail.sent[gmail.sent.length - 1].mime);
    expect(part.body).toBe('<p>hi</p>');
    await act(outlookConnection, 'sendMail', { to: ['adele@contoso.example'], subject: 'Plain', body: 'hi' });
    expect(graph.sentMail[graph.sentMail.length - 1]).toMatchObject({ message: { body: { contentType: 'Text', content: 'hi' } } });
    expect(Number((await t.service.db.query('SELECT count(*)::int AS n FROM tracked_email'))[0].n)).toBe(before);
  });

  it('Outlook: a tracked message is a draft with an immutable id, sent with /send; its id is the Sent Items copy', async () => {
    const draftsBefore = graph.requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/me/messages').length;
    const result = await act(outlookConnection, 'sendMail', {
      to: ['adele@contoso.example'],
      bcc: ['audit@contoso.example'],
      subject: 'Quarterly review',
      body: 'See you Monday',
      track: true,
    });
    expect(result).toEqual({ accepted: true, messageId: expect.any(String), trackingId: expect.any(String) });
    const create = graph.requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/me/messages');
    expect(create).toHaveLength(draftsBefore + 1);
    expect(create[create.length - 1].headers.prefer).toBe('IdType="ImmutableId"');
    const send = graph.requests.filter((r) => r.method === 'POST' && r.path === `/v1.0/me/messages/${result.messageId}/send`);
    expect(send).toHaveLength(1);
    // The id stayed the message's through the move to Sent Items.
    const sentCopy = graph.sentItems.find((m) => m.id === result.messageId)!;
    expect(sentCopy).toMatchObject({ isDraft: false, subject: 'Quarterly review', bccRecipients: [{ emailAddress: { address: 'audit@contoso.example' } }] });
    const body = sentCopy.body as { contentType: string; content: string };
    expect(body.contentType).toBe('HTML');
    expect(body.content).toContain('<div style="white-space:pre-wrap">See you Monday</div>');
    const pixelUrl = pixelUrlIn(body.content)!;
    expect(pixelUrl).not.toBeNull();

    const { body: gif } = await fetchPixel(pixelUrl);
    expect(gif.equals(GIF)).toBe(true);
    await fetchPixel(pixelUrl);
    const events = (await opened()).filter((e: any) => e.data.trackingId === result.trackingId);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({
      messageId: result.messageId,
      provider: 'outlook',
      connectionId: outlookConnection,
      recipients: ['adele@contoso.example', 'audit@contoso.example'],
    });
    expect((await trackedRow(result.trackingId)).open_count).toBe(2);
  });

  it('Outlook: a draft the provider refuses (a token without Mail.ReadWrite) leaves no tracking row', async () => {
    graph.failNext({ status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' } } });
    const before = Number((await t.service.db.query('SELECT count(*)::int AS n FROM tracked_email'))[0].n);
    const res: any = await t.gql(ACTION, {
      id: outlookConnection,
      action: 'sendMail',
      input: { to: ['x@contoso.example'], subject: 's', body: 'b', track: true },
    });
    expect(res.errors?.[0]?.message).toMatch(/access is denied/i);
    expect(Number((await t.service.db.query('SELECT count(*)::int AS n FROM tracked_email'))[0].n)).toBe(before);
  });

  it('Outlook: a send refused after the draft was made deletes the draft and the tracking row', async () => {
    graph.refuseNextSend = {
      status: 400,
      body: { error: { code: 'ErrorInvalidRecipients', message: 'At least one recipient is not valid.', innerError: { date: new Date().toISOString() } } },
    };
    const before = Number((await t.service.db.query('SELECT count(*)::int AS n FROM tracked_email'))[0].n);
    const res: any = await t.gql(ACTION, {
      id: outlookConnection,
      action: 'sendMail',
      input: { to: ['x@contoso.example'], subject: 'Refused', body: 'b', track: true },
    });
    expect(res.errors?.[0]?.message).toMatch(/recipient/i);
    const created = graph.requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/me/messages').pop()!;
    expect(created.body.subject).toBe('Refused');
    expect(graph.requests.filter((r) => r.method === 'DELETE' && r.path.startsWith('/v1.0/me/messages/'))).toHaveLength(1);
    expect(graph.drafts.filter((d) => d.subject === 'Refused')).toEqual([]);
    expect(Number((await t.service.db.query('SELECT count(*)::int AS n FROM tracked_email'))[0].n)).toBe(before);
  });

  it('an automation run can send tracked mail, and its open records email.opened', async () => {
    const created: any = await t.gql(`mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { id } }`, {
      input: {
        name: 'Welcome mail, tracked',
        eventTypes: ['lead.created'],
        connectionId: gmailConnection,
        action: 'sendEmail',
        inputTemplate: { to: ['{{event.data.email}}'], subject: 'Welcome {{event.data.name}}', body: 'Hello', track: true },
      },
    });
    expect(created.errors).toBeUndefined();
    const automationId = created.data.createAutomation.id;
    const published: any = await t.gql('mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }', {
      input: { type: 'lead.created', data: { email: 'lee@example.com', name: 'Lee' } },
    });
    expect(published.errors).toBeUndefined();
    let run: any = null;
    for (const deadline = Date.now() + 15_000; !run && Date.now() < deadline;) {
      const res: any = await t.gql('query($id: ID!) { automation(id: $id) { runs(first: 5) { edges { node { status result error } } } } }', {
        id: automationId,
      });
      run = res.data.automation.runs.edges.map((e: any) => e.node).find((r: any) => r.status === 'SUCCEEDED' || r.status === 'FAILED') ?? null;
      if (!run) await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toMatchObject({ status: 'SUCCEEDED', result: { trackingId: expect.any(String), labelIds: ['SENT'] } });
    const sent = gmail.sent[gmail.sent.length - 1];
    expect(sent.mime).toContain('Subject: Welcome Lee');
    await fetchPixel(pixelUrlIn(mimeParts(sent.mime)[1].body)!);
    const events = (await opened()).filter((e: any) => e.data.trackingId === run.result.trackingId);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ recipients: ['lee@example.com'], subject: 'Welcome Lee' });
  });

  it('an unknown, malformed or overlong token gets the same GIF and counts nothing; HEAD counts nothing', async () => {
    const result = await act(gmailConnection, 'sendEmail', { to: ['ana@example.com'], subject: 'Probe', body: 'x', track: true });
    const pixelUrl = pixelUrlIn(mimeParts(gmail.sent[gmail.sent.length - 1].mime)[1].body)!;
    const eventsBefore = (await opened()).length;
    const unknown = `${PUBLIC_URL}/t/${'A'.repeat(43)}.gif`;
    for (const url of [unknown, `${PUBLIC_URL}/t/short.gif`, `${PUBLIC_URL}/t/${'B'.repeat(5000)}.gif`, `${PUBLIC_URL}/t/${'A'.repeat(43)}.png`]) {
      const { response, body } = await fetchPixel(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/gif');
      expect(response.headers.get('cache-control')).toContain('no-store');
      expect(body.equals(GIF)).toBe(true);
    }
    const head = await fetchPixel(pixelUrl, 'HEAD');
    expect(head.response.status).toBe(200);
    expect((await opened()).length).toBe(eventsBefore);
    expect((await trackedRow(result.trackingId)).open_count).toBe(0);
  });

  it('two first fetches at once record one email.opened and count two', async () => {
    const result = await act(gmailConnection, 'sendEmail', { to: ['ana@example.com'], subject: 'Race', body: 'x', track: true });
    const pixelUrl = pixelUrlIn(mimeParts(gmail.sent[gmail.sent.length - 1].mime)[1].body)!;
    const fetches = await Promise.all(Array.from({ length: 6 }, () => fetchPixel(pixelUrl)));
    expect(fetches.every((f) => f.body.equals(GIF))).toBe(true);
    const events = (await opened()).filter((e: any) => e.data.trackingId === result.trackingId);
    expect(events).toHaveLength(1);
    expect((await trackedRow(result.trackingId)).open_count).toBe(6);
  });

  it("the first open sets opened_at on the message's activity, and openedAtOfMessages answers it for activities written later", async () => {
    const result = await act(gmailConnection, 'sendEmail', { to: ['ana@example.com'], subject: 'Logged', body: 'x', track: true });
    const pixelUrl = pixelUrlIn(mimeParts(gmail.sent[gmail.sent.length - 1].mime)[1].body)!;
    // The activity as the mailbox sync writes it: id from the link identity, linked as messages/<id>.
    const connection = await t.service.services.connections.get('default', gmailConnection);
    const scope = linkScopeOf(connection);
    const activityId = internalIdFor(scope, 'messages', result.id);
    const db = t.service.db;
    await db.query(`INSERT INTO crm_record (organization_id, object, id, data) VALUES ('default', 'activity', $1, $2::jsonb)`, [
      activityId,
      JSON.stringify({ kind: 'email', direction: 'outbound', subject: 'Logged', opened_at: null }),
    ]);
    await db.query(
      `INSERT INTO external_link (organization_id, connection_id, provider, account_key, internal_object, internal_id, external_object, external_id, status)
       VALUES ('default', $1, $2, $3, 'activity', $4, 'messages', $5, 'SYNCED')`,
      [gmailConnection, scope.provider, scope.accountKey, activityId, result.id],
    );
    // Another organization's activity under the same message id is not touched.
    await db.query(`INSERT INTO crm_record (organization_id, object, id, data) VALUES ('other', 'activity', $1, '{"kind":"email"}'::jsonb)`, [activityId]);

    expect(await openedAtOfMessages(db, 'default', gmailConnection, [result.id])).toEqual(new Map());
    await fetchPixel(pixelUrl);
    const [activity] = await db.query(`SELECT data FROM crm_record WHERE organization_id = 'default' AND object = 'activity' AND id = $1`, [activityId]);
    const row = await trackedRow(result.trackingId);
    expect(new Date(activity.data.opened_at).getTime()).toBe(row.opened_at.getTime());
    const [other] = await db.query(`SELECT data FROM crm_record WHERE organization_id = 'other' AND id = $1`, [activityId]);
    expect(other.data).toEqual({ kind: 'email' });

    const opens = await openedAtOfMessages(db, 'default', gmailConnection, [result.id, 'unknown-id']);
    expect([...opens.keys()]).toEqual([result.id]);
    expect(opens.get(result.id)!.getTime()).toBe(row.opened_at.getTime());
    expect(await openedAtOfMessages(db, 'other', gmailConnection, [result.id])).toEqual(new Map());
  });
});
