import { CustomApiServer } from './providers/custom-api.server';
import { GmailServer, StoredMessage } from './providers/gmail.server';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { gatewayToken, startTestService, TestService } from './support/service';
import { syncKit } from './support/crm-object-fixtures';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsDeleted recordsFailed errorDetails
  logs { level code message } } }`;
const ACTIVITIES = `query($r: [_Any!]!, $first: Int, $after: String) { _entities(representations: $r) { ... on Contact { id
  activities(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id provider kind direction subject snippet from to occurredAt openedAt externalId } } } } } }`;
const OAUTH_CLIENT = 'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }';

/**
 * Communication history through GraphQL: Gmail messages and Outlook messages and events synced
 * into `activity` by a sync config without a mapping, linked to every known contact taking part
 * (from, to, cc) and to their accounts, inbound or outbound by the connected mailbox's address,
 * read back as Contact.activities through `_entities`, as the router asks for it.
 */
describe('activities: mail and calendar as communication history on contacts', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let gmail: GmailServer;
  let graph: OutlookServer;
  let desk: CustomApiServer;
  let accountId: string;
  const contacts: Record<string, string> = {};

  const ok = async (q: string, v?: Record<string, unknown>) => {
    const res: any = await t.gql(q, v);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const run = async (configId: string, mode?: string) => waitForRunEnd(t.gql as never, (await ok(TRIGGER, { id: configId, mode })).triggerSync.id, 30_000, RUN);
  const connect = async (connectorKey: string, config: Record<string, unknown>) => {
    await ok(OAUTH_CLIENT, {
      input: {
        connectorKey,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    const tokens = oauth.issueTokens();
    const data = await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: {
        connectorKey,
        name: connectorKey,
        authType: 'OAUTH2',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        config,
      },
    });
    return data.createConnection.id as string;
  };
  const activityConfig = async (connectionId: string, sourceObject: string) =>
    (
      await ok('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
        input: { name: `${sourceObject} → activity`, connectionId, sourceObject, targetObject: 'activity', direction: 'INBOUND', frequency: 'manual' },
      })
    ).createSyncConfig.id as string;
  const activitiesOf = async (emails: Record<string, string>, first?: number, after?: string) =>
    (await ok(ACTIVITIES, { r: Object.entries(emails).map(([id, email]) => ({ __typename: 'Contact', id, email })), first, after }))._entities.map(
      (e: any) => e.activities,
    );
  const stored = async (externalId: string) =>
    (
      await t.service.db.query(`SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = 'activity' AND data->>'external_id' = $1`, [
        externalId,
      ])
    )[0];

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    gmail = await new GmailServer((token) => oauth.isValid(token), 'owner@example.com').start();
    graph = await new OutlookServer((token) => oauth.isValid(token)).start();
    desk = await new CustomApiServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    // The CRM as the Sales cloud left it: one account, three contacts (two of them at the account).
    const store = t.service.services.crmStore;
    [{ id: accountId }] = await store.upsert('default', 'account', [{ data: { name: 'Acme' } }]);
    const written = await store.upsert('default', 'contact', [
      { data: { first_name: 'Ada', email: 'Ada@Acme.test', account_id: accountId } },
      { data: { first_name: 'Bob', email: 'bob@acme.test', account_id: accountId } },
      { data: { first_name: 'Cara', email: 'cara@other.test' } },
    ]);
    ['ada@acme.test', 'bob@acme.test', 'cara@other.test'].forEach((email, i) => (contacts[email] = written[i].id));
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([gmail.stop(), graph.stop(), desk.stop(), oauth.stop()]);
  });

  let inbound: StoredMessage;
  let outbound: StoredMessage;
  let unknown: StoredMessage;

  it('syncs a Gmail mailbox into activities linked to every contact taking part, and their accounts', async () => {
    inbound = gmail.addMessage({ from: 'Ada Lovelace <ADA@acme.test>', to: 'owner@example.com', subject: 'Question' });
    outbound = gmail.addMessage({
      from: 'Owner <owner@example.com>',
      to: 'bob@acme.test',
      cc: '"Cara, C." <cara@other.test>, ada@acme.test',
      subject: 'Offer',
    });
    unknown = gmail.addMessage({ from: 'Dana <dana@late.test>', to: 'owner@example.com', subject: 'Hello from Dana' });
    const connectionId = await connect('gmail', { baseUrl: `${gmail.url}/gmail/v1` });
    const configId = await activityConfig(connectionId, 'messages');
    expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 3, recordsCreated: 3, recordsFailed: 0 });

    // Cc was asked for: the activity needs every participant.
    const get = gmail.requests.find((r) => r.path === `/gmail/v1/users/me/messages/${outbound.id}`)!;
    expect(get.query.getAll('metadataHeaders')).toEqual(['From', 'To', 'Cc', 'Subject', 'Date']);

    const offer = await stored(outbound.id);
    expect(offer.data).toMatchObject({
      kind: 'email',
      direction: 'outbound',
      from: 'owner@example.com',
      to: ['bob@acme.test'],
      cc: ['cara@other.test', 'ada@acme.test'],
      participants: ['owner@example.com', 'bob@acme.test', 'cara@other.test', 'ada@acme.test'],
      contact_ids: [contacts['ada@acme.test'], contacts['bob@acme.test'], contacts['cara@other.test']].sort(),
      account_ids: [accountId],
      provider: 'gmail',
      external_id: outbound.id,
    });
    expect(offer.data).not.toHaveProperty('opened_at');
    expect((await stored(inbound.id)).data).toMatchObject({
      direction: 'inbound',
      from: 'ada@acme.test',
      contact_ids: [contacts['ada@acme.test']],
      account_ids: [accountId],
    });
    // Nobody HotCRM knows takes part: kept all the same, linked to nobody yet.
    expect((await stored(unknown.id)).data).toMatchObject({ direction: 'inbound', contact_ids: [], account_ids: [] });

    const [ada, bob, cara] = await activitiesOf({
      [contacts['ada@acme.test']]: 'ada@acme.test',
      [contacts['bob@acme.test']]: 'BOB@acme.test',
      [contacts['cara@other.test']]: 'cara@other.test',
    });
    expect(ada.totalCount).toBe(2);
    // Newest first: the offer came after the question.
    expect(ada.edges.map((e: any) => [e.node.externalId, e.node.direction])).toEqual([
      [outbound.id, 'OUTBOUND'],
      [inbound.id, 'INBOUND'],
    ]);
    expect(ada.edges[1].node).toMatchObject({
      provider: 'gmail',
      kind: 'EMAIL',
      subject: 'Question',
      snippet: 'About Question',
      from: 'ada@acme.test',
      to: ['owner@example.com'],
      openedAt: null,
      occurredAt: new Date(Number(inbound.internalDate)).toISOString(),
    });
    expect(bob.edges.map((e: any) => e.node.externalId)).toEqual([outbound.id]);
    expect(cara.edges.map((e: any) => e.node.externalId)).toEqual([outbound.id]);
  });

  it('pages Contact.activities newest first with cursors, and an unchanged re-sync writes nothing', async () => {
    const more = [1, 2, 3].map((n) => gmail.addMessage({ from: 'ada@acme.test', to: 'owner@example.com', subject: `Follow-up ${n}` }));
    const [configId] = (await t.service.db.query(`SELECT id FROM sync_config WHERE source_object = 'messages' AND target_object = 'activity'`)).map(
      (r: any) => r.id,
    );
    expect(await run(configId, 'FULL')).toMatchObject({ status: 'COMPLETED', recordsCreated: 3, recordsUpdated: 0 });
    const ada = { [contacts['ada@acme.test']]: 'ada@acme.test' };
    const [first] = await activitiesOf(ada, 2);
    expect(first.totalCount).toBe(5);
    expect(first.pageInfo.hasNextPage).toBe(true);
    expect(first.edges.map((e: any) => e.node.subject)).toEqual(['Follow-up 3', 'Follow-up 2']);
    const [second] = await activitiesOf(ada, 2, first.pageInfo.endCursor);
    expect(second.edges.map((e: any) => e.node.subject)).toEqual(['Follow-up 1', 'Offer']);
    const [last] = await activitiesOf(ada, 2, second.pageInfo.endCursor);
    expect(last.edges.map((e: any) => e.node.externalId)).toEqual([inbound.id]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(more).toHaveLength(3);
    const bad: any = await t.gql(ACTIVITIES, { r: [{ __typename: 'Contact', id: contacts['ada@acme.test'], email: 'ada@acme.test' }], after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('gives a contact that appears later its history, at query time and on the stored activity', async () => {
    const connectionId = await syncKit(t.gql as never).declareDesk(desk.url, desk.apiKey);
    desk.add('contacts', { first_name: 'Dana', last_name: 'Late', email: 'dana@late.test' });
    const configId = await syncKit(t.gql as never).config(connectionId, 'contacts', 'contact', [
      { sourceField: 'first_name', targetField: 'first_name' },
      { sourceField: 'last_name', targetField: 'last_name' },
      { sourceField: 'email', targetField: 'email' },
    ]);
    expect(await syncKit(t.gql as never).run(configId)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    const [{ id: dana }] = await t.service.db.query(`SELECT id FROM crm_record WHERE object = 'contact' AND data->>'email' = 'dana@late.test'`);
    expect((await stored(unknown.id)).data.contact_ids).toEqual([dana]);
    const [history] = await activitiesOf({ [dana]: 'dana@late.test' });
    expect(history).toMatchObject({ totalCount: 1, edges: [{ node: { externalId: unknown.id, subject: 'Hello from Dana', direction: 'INBOUND' } }] });
  });

  it('sees a message deleted from the Gmail mailbox at the next incremental run: its link is DELETED, the history kept', async () => {
    const connectionId = await connect('gmail', { baseUrl: `${gmail.url}/gmail/v1` });
    const configId = await activityConfig(connectionId, 'messages');
    await run(configId);
    const doomed = gmail.addMessage({ from: 'ada@acme.test', to: 'owner@example.com', subject: 'Delete me' });
    expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    const subjects = async () => (await activitiesOf({ [contacts['ada@acme.test']]: 'ada@acme.test' }, 50))[0].edges.map((e: any) => e.node.subject);
    expect(await subjects()).toContain('Delete me');

    gmail.deleteMessage(doomed.id);
    expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsFailed: 0, recordsDeleted: 1 });
    const walk = gmail.requests.filter((r) => r.path === '/gmail/v1/users/me/history').at(-1)!;
    expect(walk.query.getAll('historyTypes')).toEqual(['messageAdded', 'messageDeleted']);
    const links = await ok('query($id: ID!) { externalLinks(internalObject: "activity", internalId: $id) { edges { node { externalId status } } } }', {
      id: (await stored(doomed.id)).id,
    });
    expect(links.externalLinks.edges.map((e: any) => e.node)).toEqual([{ externalId: doomed.id, status: 'DELETED' }]);
    // HotCRM's record stays, as for every deletion (docs/sync.md): the contact's history keeps it.
    expect(await subjects()).toContain('Delete me');
  });

  it("carries a tracked email's first open onto its activity, whether the open comes before the sync or after", async () => {
    const connectionId = await connect('gmail', { baseUrl: `${gmail.url}/gmail/v1` });
    const configId = await activityConfig(connectionId, 'messages');
    await run(configId);
    const send = async (subject: string) => {
      const res: any = await t.gql('mutation($id: ID!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: "sendEmail", input: $input) }', {
        id: connectionId,
        input: { to: ['bob@acme.test'], subject, body: `<html><body>${subject}</body></html>`, contentType: 'text/html', track: true },
      });
      expect(res.errors).toBeUndefined();
      // A single-part HTML message: its body is base64 after the headers.
      const [, body] = gmail.sent[gmail.sent.length - 1].mime.split('\r\n\r\n');
      const html = Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
      const path = /\/t\/[A-Za-z0-9_-]{43}\.gif/.exec(html)![0];
      return { id: res.data.executeConnectorAction.id as string, open: () => fetch(`${t.url}${path}`).then((r) => r.arrayBuffer()) };
    };
    const openedOf = async (messageId: string) => {
      const [bob] = await activitiesOf({ [contacts['bob@acme.test']]: 'bob@acme.test' }, 50);
      return bob.edges.find((e: any) => e.node.externalId === messageId)?.node.openedAt;
    };

    // Opened before the mailbox's next run: the run writes the activity with the open.
    const early = await send('Opened early');
    await early.open();
    // Synced first, opened afterwards: the open reaches the stored activity.
    const late = await send('Opened late');
    await run(configId);
    expect(await openedOf(early.id)).toEqual(expect.any(String));
    expect(await openedOf(late.id)).toBeNull();
    await late.open();
    const openedAt = await openedOf(late.id);
    expect(openedAt).toEqual(expect.any(String));
    // A later run (and a later open) keeps the first open.
    await late.open();
    await run(configId, 'FULL');
    expect(await openedOf(late.id)).toBe(openedAt);
  });

  it('syncs Outlook messages and calendar events (MEETING, outbound when the mailbox organizes)', async () => {
    const message = graph.addMessage({ subject: 'Renewal', from: 'bob@acme.test', to: [graph.mail], cc: ['ada@acme.test'] });
    const event = graph.addEvent('Kickoff', 2);
    graph.update('events', String(event.id), {
      attendees: [{ emailAddress: { name: 'Cara', address: 'Cara@Other.test' }, type: 'required', status: { response: 'none', time: '0001-01-01T00:00:00Z' } }],
    });
    const connectionId = await connect('outlook', { baseUrl: `${graph.url}/v1.0` });
    const messages = await activityConfig(connectionId, 'messages');
    const events = await activityConfig(connectionId, 'events');
    expect(await run(messages)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    expect(await run(events)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
    // The mailbox's own address, asked once per run (GET /me $select=mail,userPrincipalName).
    expect(graph.requests.some((r) => r.path === '/v1.0/me' && r.query.get('$select') === 'mail,userPrincipalName')).toBe(true);

    expect((await stored(String(message.id))).data).toMatchObject({
      kind: 'email',
      direction: 'inbound',
      from: 'bob@acme.test',
      cc: ['ada@acme.test'],
      contact_ids: [contacts['ada@acme.test'], contacts['bob@acme.test']].sort(),
      account_ids: [accountId],
    });
    const [cara] = await activitiesOf({ [contacts['cara@other.test']]: 'cara@other.test' });
    expect(cara.edges[0].node).toMatchObject({
      provider: 'outlook',
      kind: 'MEETING',
      direction: 'OUTBOUND',
      subject: 'Kickoff',
      from: graph.mail,
      to: ['cara@other.test'],
      externalId: event.id,
    });
    expect(Math.abs(Date.parse(cara.edges[0].node.occurredAt) - (Date.now() + 2 * 86_400_000))).toBeLessThan(60_000);

    // An open recorded by tracking survives the message being synced again after it changed.
    const row = await stored(String(message.id));
    await t.service.db.query(`UPDATE crm_record SET data = data || '{"opened_at": "2024-05-02T10:00:00.000Z"}' WHERE id = $1`, [row.id]);
    graph.update('messages', String(message.id), { subject: 'Renewal (updated)' });
    expect(await run(messages)).toMatchObject({ status: 'COMPLETED', recordsUpdated: 1 });
    const [bob] = await activitiesOf({ [contacts['bob@acme.test']]: 'bob@acme.test' });
    const renewal = bob.edges.find((e: any) => e.node.externalId === message.id).node;
    expect(renewal).toMatchObject({ subject: 'Renewal (updated)', openedAt: '2024-05-02T10:00:00.000Z' });
  });

  it('syncs Outlook Sent Items as outbound activities under immutable ids, so a tracked sendMail opens its activity', async () => {
    const connectionId = await connect('outlook', { baseUrl: `${graph.url}/v1.0` });
    const act = async (input: Record<string, unknown>) => {
      const res: any = await t.gql('mutation($id: ID!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: "sendMail", input: $input) }', {
        id: connectionId,
        input,
      });
      expect(res.errors).toBeUndefined();
      return res.data.executeConnectorAction;
    };
    await act({ to: ['ada@acme.test'], subject: 'Plain send', body: 'Hello' });
    const tracked = await act({ to: ['bob@acme.test'], cc: ['cara@other.test'], subject: 'Tracked send', body: '<p>Hi</p>', contentType: 'HTML', track: true });
    const configId = await activityConfig(connectionId, 'sent_messages');
    expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2, recordsFailed: 0 });
    // Every read of mail asks for immutable ids (with the page size, in one Prefer header).
    const reads = graph.requests.filter((r) => r.path.includes('/messages/delta'));
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) expect(String(r.headers.prefer)).toMatch(/odata\.maxpagesize=\d+, IdType="ImmutableId"/);

    // The tracked message's activity has the id the send returned (the draft's immutable id).
    const sent = await stored(tracked.messageId);
    expect(sent.data).toMatchObject({
      kind: 'email',
      direction: 'outbound',
      from: graph.mail,
      to: ['bob@acme.test'],
      cc: ['cara@other.test'],
      contact_ids: [contacts['bob@acme.test'], contacts['cara@other.test']].sort(),
    });
    const [ada] = await activitiesOf({ [contacts['ada@acme.test']]: 'ada@acme.test' }, 50);
    expect(ada.edges.find((e: any) => e.node.subject === 'Plain send').node).toMatchObject({ direction: 'OUTBOUND', provider: 'outlook' });

    const draft = graph.requests.find((r) => r.method === 'POST' && r.path === '/v1.0/me/messages')!;
    const pixel = /\/t\/[A-Za-z0-9_-]{43}\.gif/.exec(JSON.stringify(draft.body))![0];
    await fetch(`${t.url}${pixel}`).then((r) => r.arrayBuffer());
    const [bob] = await activitiesOf({ [contacts['bob@acme.test']]: 'bob@acme.test' }, 50);
    expect(bob.edges.find((e: any) => e.node.externalId === tracked.messageId).node.openedAt).toEqual(expect.any(String));
  });

  it('resolves an Activity by id through _entities, scoped to the caller organization', async () => {
    const row = await stored(inbound.id);
    const q = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Activity { id subject externalId } } }';
    const res = await ok(q, {
      r: [
        { __typename: 'Activity', id: row.id },
        { __typename: 'Activity', id: '00000000-0000-4000-8000-000000000000' },
      ],
    });
    expect(res._entities).toEqual([{ id: row.id, subject: 'Question', externalId: inbound.id }, null]);
    // Another organization sees neither the activity nor a contact's history, and needs read:sync.
    const other = await gatewayToken('other-org', ['read:sync']);
    const theirs: any = await t.gql(q, { r: [{ __typename: 'Activity', id: row.id }] }, other);
    expect(theirs.data._entities).toEqual([null]);
    const history: any = await t.gql(ACTIVITIES, { r: [{ __typename: 'Contact', id: contacts['ada@acme.test'], email: 'ada@acme.test' }] }, other);
    expect(history.data._entities[0].activities).toMatchObject({ totalCount: 0, edges: [] });
    const unscoped: any = await t.gql(
      ACTIVITIES,
      { r: [{ __typename: 'Contact', id: contacts['ada@acme.test'], email: 'ada@acme.test' }] },
      await gatewayToken('default', ['read:contacts']),
    );
    expect(unscoped.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
