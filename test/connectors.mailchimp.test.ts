import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { MailchimpServer, md5, problem } from './providers/mailchimp.server';
import { startTestService, TestService } from './support/service';
import { waitForRunEnd } from './support/sync-fixtures';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) {
  id status providerAccountId credentialHint inboundWebhookUrl } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsFailed errorDetails logs { level message } } }`;
const TRIGGER = 'mutation($id: ID!, $mode: SyncMode) { triggerSync(id: $id, mode: $mode) { id status } }';
const EVENTS = `query($type: String) { integrationEvents(source: "mailchimp", type: $type, first: 50) {
  totalCount edges { node { type objectType recordId data occurredAt } } } }`;
const WEBHOOK_SECRET = 'mc-hook-7f3a1c9e5b2d4f6a8c0e1b3d5f7a9c2e';

/**
 * The Mailchimp connector through GraphQL against a local server that follows the Marketing API
 * 3.0 (test/providers/mailchimp.server.ts): the key's data center, the account identity,
 * count/offset paging, the PUT upsert by subscriber hash from an outbound sync of contacts,
 * problem-document errors, 429 retries, the form-encoded webhooks with their URL secret, and
 * campaign responses into campaign_member.
 */
describe('Mailchimp connector', () => {
  let t: TestService;
  let mc: MailchimpServer;
  let crm: BuiltInCrmStore;
  let audience: Record<string, any>;
  let connectionId: string;

  const baseUrl = () => `${mc.url}/{dc}/3.0`;
  const connect = (input: Record<string, unknown>) => t.gql(CONNECT, { input: { connectorKey: 'mailchimp', name: 'Mailchimp', ...input } }) as Promise<any>;
  const gqlOk = async (query: string, variables: Record<string, unknown>) => {
    const res: any = await t.gql(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const run = async (configId: string, mode?: string) =>
    waitForRunEnd((q, v) => t.gql(q, v), (await gqlOk(TRIGGER, { id: configId, mode })).triggerSync.id, 30_000, RUN);
  const syncConfig = async (name: string, sourceObject: string, targetObject: string, direction: string, rules: unknown[], id = connectionId) => {
    const mapping = await gqlOk('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: { name, sourceObject, targetObject, rules },
    });
    const config = await gqlOk('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name, connectionId: id, sourceObject, targetObject, direction, frequency: 'manual', fieldMappingId: mapping.createFieldMapping.id },
    });
    return config.createSyncConfig.id as string;
  };

  beforeAll(async () => {
    mc = await new MailchimpServer('us21').start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    crm = new BuiltInCrmStore(t.service.db);
    audience = mc.addList('Newsletter');
    const res = await connect({ credentials: { apiKey: mc.apiKey, webhookSecret: WEBHOOK_SECRET }, config: { baseUrl: baseUrl(), listId: audience.id } });
    expect(res.errors).toBeUndefined();
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await mc.stop();
  });

  describe('connecting', () => {
    it('calls the data center the key names, with the key as the Basic password, and learns the account and audience', async () => {
      const res: any = await t.gql('query($id: ID!) { connection(id: $id) { status providerAccountId } }', { id: connectionId });
      expect(res.data.connection).toEqual({ status: 'CONNECTED', providerAccountId: `${mc.accountId}:${audience.id}` });
      expect(mc.requests.some((r) => r.path === '/us21/3.0/' && r.query.get('fields') === 'account_id,account_name')).toBe(true);
      expect((await gqlOk(TEST, { id: connectionId })).testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
      const ping = mc.requests.find((r) => r.path === '/us21/3.0/ping')!;
      const [user, password] = Buffer.from(String(ping.headers.authorization).replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      expect(user).toBeTruthy();
      expect(password).toBe(mc.apiKey);
      expect(mc.requests.every((r) => r.path.startsWith('/us21/3.0/') || r.path === '/us21/3.0')).toBe(true);
    });

    it('refuses a key without its data center as BAD_USER_INPUT, storing nothing', async () => {
      const before = await t.service.db.query(`SELECT count(*)::int AS n FROM connection`);
      for (const apiKey of ['0123456789abcdef0123456789abcdef', 'abc-', 'abc-21']) {
        const res = await connect({ credentials: { apiKey }, config: { baseUrl: baseUrl(), listId: audience.id } });
        expect(res.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'credentials.apiKey' });
      }
      expect(await t.service.db.query(`SELECT count(*)::int AS n FROM connection`)).toEqual(before);
    });

    it('refuses pointing a connection at another audience: its links belong to the first', async () => {
      const other = mc.addList('Other audience');
      const res: any = await t.gql('mutation($id: ID!, $input: UpdateConnectionInput!) { updateConnection(id: $id, input: $input) { id } }', {
        id: connectionId,
        input: { config: { baseUrl: baseUrl(), listId: other.id } },
      });
      expect(res.errors[0].extensions).toMatchObject({ code: 'CONFLICT', foundProviderAccountId: `${mc.accountId}:${other.id}` });
    });

    it("reports a key sent to another data center with Mailchimp's own problem detail", async () => {
      const wrongDc = mc.apiKey.replace(/-us21$/, '-us6');
      const res = await connect({ credentials: { apiKey: wrongDc }, config: { baseUrl: baseUrl(), listId: audience.id } });
      expect(mc.requests.some((r) => r.path.startsWith('/us6/3.0'))).toBe(true);
      const tested = (await gqlOk(TEST, { id: res.data.createConnection.id })).testConnection;
      expect(tested).toMatchObject({ ok: false, status: 'ERROR' });
      expect(tested.message).toContain('attempted to access the wrong datacenter');
    });
  });

  describe('reading', () => {
    it('pages members of the audience by count and offset until total_items', async () => {
      const paged = mc.addList('Paged');
      for (let i = 0; i < 250; i++) mc.addMember(paged.id, `member${i}@example.com`, { FNAME: `M${i}` });
      const conn = (await connect({ credentials: { apiKey: mc.apiKey }, config: { baseUrl: baseUrl(), listId: paged.id } })).data.createConnection.id;
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: any = (await gqlOk(RECORDS, { id: conn, object: 'members', cursor, pageSize: 100 })).connectionRecords;
        seen.push(...page.records.map((r: any) => r.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(250);
      const calls = mc.requests.filter((r) => r.path === `/us21/3.0/lists/${paged.id}/members`);
      expect(calls.map((r) => [r.query.get('count'), r.query.get('offset')])).toEqual([
        ['100', '0'],
        ['100', '100'],
        ['100', '200'],
      ]);
    });

    it('lists the audiences', async () => {
      const page: any = (await gqlOk(RECORDS, { id: connectionId, object: 'lists' })).connectionRecords;
      expect(page.records.map((l: any) => l.name)).toEqual(expect.arrayContaining(['Newsletter', 'Paged']));
      expect(page.nextCursor).toBeNull();
    });

    it('surfaces the problem document of a refused call under extensions.provider', async () => {
      const conn = (await connect({ credentials: { apiKey: mc.apiKey }, config: { baseUrl: baseUrl(), listId: 'nosuchlist' } })).data.createConnection.id;
      const res: any = await t.gql(RECORDS, { id: conn, object: 'members' });
      expect(res.errors[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        provider: { name: 'mailchimp', status: 404, code: 'Resource Not Found', message: expect.stringContaining('could not be found') },
      });
      const explained: any = await t.gql(
        'query { explainError(provider: "mailchimp", code: "Resource Not Found", status: 404) { code suggestedFix retryable } }',
      );
      expect(explained.data.explainError).toMatchObject({
        code: 'Resource Not Found',
        retryable: false,
        suggestedFix: expect.stringContaining('config.listId'),
      });
    });

    it('retries a 429 Too Many Requests and then answers', async () => {
      const before = mc.requests.length;
      mc.failNext({ ...problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.'), headers: { 'retry-after': '0' } });
      const page: any = (await gqlOk(RECORDS, { id: connectionId, object: 'lists' })).connectionRecords;
      expect(page.records.length).toBeGreaterThan(0);
      expect(mc.requests.length - before).toBe(2);
    });
  });

  describe('writing', () => {
    it('upserts a member with the upsertMember action under the MD5 of the lowercased email, with its tags', async () => {
      const out: any = (
        await gqlOk(ACTION, {
          id: connectionId,
          action: 'upsertMember',
          input: { email: 'Ada.Lovelace@Example.com', mergeFields: { FNAME: 'Ada' }, tags: ['vip'] },
        })
      ).executeConnectorAction;
      const hash = md5('ada.lovelace@example.com');
      expect(out.id).toBe(hash);
      expect(mc.members.get(audience.id)!.get(hash)).toMatchObject({ status: 'subscribed', merge_fields: { FNAME: 'Ada' }, tags: [{ name: 'vip' }] });
      const bad: any = await t.gql(ACTION, { id: connectionId, action: 'upsertMember', input: { email: 'not-an-email' } });
      expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('sends contacts to the audience: members under the hash path, updated on the next run, never duplicated', async () => {
      const members = () => mc.members.get(audience.id)!;
      const before = members().size;
      const rows = Array.from({ length: 25 }, (_, i) => ({ data: { first_name: `First${i}`, last_name: `Last${i}`, email: `Contact${i}@Example.com` } }));
      const written = await crm.upsert('default', 'contact', rows);
      const configId = await syncConfig('Contacts → audience', 'members', 'contact', 'OUTBOUND', [
        { sourceField: 'email_address', targetField: 'email' },
        { sourceField: 'merge_fields.FNAME', targetField: 'first_name' },
        { sourceField: 'merge_fields.LNAME', targetField: 'last_name' },
      ]);
      const first = await run(configId);
      expect(first).toMatchObject({ status: 'COMPLETED', recordsCreated: 25, recordsFailed: 0 });
      expect(members().size).toBe(before + 25);
      const puts = mc.requests.filter((r) => r.method === 'PUT');
      expect(puts.some((r) => r.path === `/us21/3.0/lists/${audience.id}/members/${md5('contact7@example.com')}`)).toBe(true);
      expect(members().get(md5('contact7@example.com'))).toMatchObject({ status: 'subscribed', merge_fields: { FNAME: 'First7', LNAME: 'Last7' } });

      await crm.upsert('default', 'contact', [{ id: written[7].id, data: { first_name: 'Renamed', last_name: 'Last7', email: 'Contact7@Example.com' } }]);
      const second = await run(configId);
      expect(second).toMatchObject({ status: 'COMPLETED', recordsUpdated: 1, recordsCreated: 0, recordsFailed: 0 });
      expect(members().get(md5('contact7@example.com'))!.merge_fields.FNAME).toBe('Renamed');

      // Links lost (as after a crash between the write and its link): the upsert lands on the same members.
      await t.service.db.query('DELETE FROM external_link WHERE sync_config_id = $1', [configId]);
      expect(await run(configId, 'FULL')).toMatchObject({ status: 'COMPLETED', recordsFailed: 0 });
      expect(members().size).toBe(before + 25);
    });

    it('keeps an unsubscribed member unsubscribed when the contact is sent again', async () => {
      mc.addMember(audience.id, 'gone@example.com', { FNAME: 'Gone' }, 'unsubscribed');
      await crm.upsert('default', 'contact', [{ data: { first_name: 'Gone', last_name: 'Away', email: 'gone@example.com' } }]);
      const configId = await syncConfig('Contacts again', 'members', 'contact', 'OUTBOUND', [
        { sourceField: 'email_address', targetField: 'email' },
        { sourceField: 'merge_fields.FNAME', targetField: 'first_name' },
      ]);
      expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsFailed: 0 });
      expect(mc.members.get(audience.id)!.get(md5('gone@example.com'))!.status).toBe('unsubscribed');
    });
    it('counts a contact Mailchimp refuses, and one without an email, as failed, says why, and goes on', async () => {
      mc.forgotten.add('forgotten@example.com');
      await crm.upsert('default', 'contact', [
        { data: { first_name: 'For', last_name: 'Gotten', email: 'forgotten@example.com' } },
        { data: { first_name: 'No', last_name: 'Email' } },
        { data: { first_name: 'Fine', last_name: 'Member', email: 'fine@example.com' } },
      ]);
      const configId = await syncConfig('Contacts, some refused', 'members', 'contact', 'OUTBOUND', [
        { sourceField: 'email_address', targetField: 'email' },
        { sourceField: 'merge_fields.FNAME', targetField: 'first_name' },
      ]);
      const result = await run(configId);
      expect(result).toMatchObject({ status: 'COMPLETED', recordsFailed: 2 });
      expect(mc.members.get(audience.id)!.has(md5('fine@example.com'))).toBe(true);
      expect(mc.members.get(audience.id)!.has(md5('forgotten@example.com'))).toBe(false);
      const messages = result.logs.map((l: any) => l.message).join('\n');
      expect(messages).toContain('permanently deleted and cannot be re-imported');
      expect(messages).toContain('email_address');
      const explained: any = await t.gql('query($m: String) { explainError(provider: "mailchimp", status: 400, message: $m) { code retryable } }', {
        m: 'forgotten@example.com was permanently deleted and cannot be re-imported.',
      });
      expect(explained.data.explainError).toEqual({ code: 'Forgotten Email Not Subscribed', retryable: false });
    });

    it('sends leads to the same audience, a lead and a contact of one email being one member', async () => {
      const members = () => mc.members.get(audience.id)!;
      const before = members().size;
      await crm.upsert('default', 'lead', [
        { data: { first_name: 'Lena', last_name: 'Lead', company: 'Leads Ltd', email: 'lena.lead@example.com', status: 'Open' } },
        { data: { first_name: 'First3', last_name: 'Last3', company: 'Both Co', email: 'CONTACT3@example.com', status: 'Open' } },
      ]);
      const configId = await syncConfig('Leads → audience', 'members', 'lead', 'OUTBOUND', [
        { sourceField: 'email_address', targetField: 'email' },
        { sourceField: 'merge_fields.FNAME', targetField: 'first_name' },
        { sourceField: 'merge_fields.LNAME', targetField: 'last_name' },
      ]);
      expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2, recordsFailed: 0 });
      expect(members().size).toBe(before + 1);
      expect(members().get(md5('lena.lead@example.com'))).toMatchObject({ email_address: 'lena.lead@example.com', merge_fields: { FNAME: 'Lena' } });
    });
  });

  describe('inbound webhooks', () => {
    const hookUrl = (secret: string | null = WEBHOOK_SECRET) =>
      `${t.url}/webhooks/inbound/${connectionId}${secret === null ? '' : `?secret=${encodeURIComponent(secret)}`}`;
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = (body: string, url = hookUrl()) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailChimp' }, body });
    const member = (type: string, email: string, extra: Record<string, string> = {}) =>
      form({
        type,
        fired_at: '2025-03-26 21:35:57',
        'data[id]': md5(email),
        'data[email]': email,
        'data[email_type]': 'html',
        'data[list_id]': audience.id,
        'data[merges][EMAIL]': email,
        'data[merges][FNAME]': 'Grace',
        'data[merges][LNAME]': 'Hopper',
        ...extra,
      });
    const events = async (type?: string) => (await gqlOk(EVENTS, { type })).integrationEvents;

    it('answers the GET Mailchimp sends to validate the URL, once the secret holds', async () => {
      expect((await fetch(hookUrl())).status).toBe(200);
      expect((await fetch(hookUrl('wrong'))).status).toBe(401);
      expect((await events()).totalCount).toBe(0);
    });

    it('refuses a POST without the secret or with another one, recording nothing', async () => {
      for (const url of [hookUrl(null), hookUrl('mc-hook-guess'), hookUrl('')]) {
        const res = await post(member('subscribe', 'grace@example.com'), url);
        expect(res.status).toBe(401);
      }
      expect((await events()).totalCount).toBe(0);
    });

    it('records subscribe, unsubscribe, profile and cleaned as mailchimp.<type> with the member, once each', async () => {
      const bodies = [
        member('subscribe', 'grace@example.com', { 'data[ip_opt]': '10.20.10.30' }),
        member('unsubscribe', 'grace@example.com', { 'data[action]': 'unsub', 'data[reason]': 'manual', fired_at: '2025-03-27 08:00:00' }),
        member('profile', 'grace@example.com', { 'data[merges][FNAME]': 'Amazing Grace', fired_at: '2025-03-28 08:00:00' }),
        form({
          type: 'cleaned',
          fired_at: '2025-03-29 08:00:00',
          'data[list_id]': audience.id,
          'data[campaign_id]': '4fjk2ma9xd',
          'data[reason]': 'hard',
          'data[email]': 'bounced@example.com',
        }),
      ];
      for (const body of bodies) expect((await post(body)).status).toBe(200);
      // Mailchimp retries what it thinks failed: the same bodies again record nothing new.
      for (const body of bodies) expect((await post(body)).status).toBe(200);
      const all = await events();
      expect(all.totalCount).toBe(4);
      const byType = Object.fromEntries(all.edges.map((e: any) => [e.node.type, e.node]));
      expect(Object.keys(byType).sort()).toEqual(['mailchimp.cleaned', 'mailchimp.profile', 'mailchimp.subscribe', 'mailchimp.unsubscribe']);
      expect(byType['mailchimp.subscribe']).toMatchObject({
        objectType: 'members',
        recordId: md5('grace@example.com'),
        occurredAt: '2025-03-26T21:35:57.000Z',
        data: { type: 'subscribe', data: { email: 'grace@example.com', list_id: audience.id, merges: { FNAME: 'Grace', LNAME: 'Hopper' } } },
      });
      expect(byType['mailchimp.profile'].data.data.merges.FNAME).toBe('Amazing Grace');
      expect(byType['mailchimp.cleaned']).toMatchObject({ recordId: 'bounced@example.com', data: { data: { reason: 'hard', campaign_id: '4fjk2ma9xd' } } });
      expect(JSON.stringify(all)).not.toContain(WEBHOOK_SECRET);
    });

    it('updates the member a profile event names in a realtime members sync, reading that one member', async () => {
      const live = mc.addList('Live');
      const member = mc.addMember(live.id, 'live@example.com', { FNAME: 'Before', LNAME: 'Event' });
      const conn = (await connect({ credentials: { apiKey: mc.apiKey, webhookSecret: WEBHOOK_SECRET }, config: { baseUrl: baseUrl(), listId: live.id } })).data
        .createConnection.id;
      const mapping = await gqlOk('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
        input: {
          name: 'Live members',
          sourceObject: 'members',
          targetObject: 'contact',
          rules: [
            { sourceField: 'email_address', targetField: 'email' },
            { sourceField: 'merge_fields.FNAME', targetField: 'first_name' },
          ],
        },
      });
      const configId = (
        await gqlOk('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
          input: {
            name: 'Live members',
            connectionId: conn,
            sourceObject: 'members',
            targetObject: 'contact',
            direction: 'INBOUND',
            frequency: 'realtime',
            fieldMappingId: mapping.createFieldMapping.id,
          },
        })
      ).createSyncConfig.id;
      expect(await run(configId, 'FULL')).toMatchObject({ status: 'COMPLETED', recordsCreated: 1 });
      const firstName = async () =>
        (await t.service.db.query(`SELECT data->>'first_name' AS v FROM crm_record WHERE object = 'contact' AND data->>'email' = 'live@example.com'`))[0]?.v;
      expect(await firstName()).toBe('Before');

      const before = mc.requests.length;
      member.merge_fields.FNAME = 'After';
      member.last_changed = new Date().toISOString();
      const body = form({
        type: 'profile',
        fired_at: new Date().toISOString().slice(0, 19).replace('T', ' '),
        'data[id]': member.id,
        'data[email]': 'live@example.com',
        'data[list_id]': live.id,
        'data[merges][FNAME]': 'After',
      });
      expect((await post(body, `${t.url}/webhooks/inbound/${conn}?secret=${WEBHOOK_SECRET}`)).status).toBe(200);
      for (let i = 0; i < 200 && (await firstName()) !== 'After'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await firstName()).toBe('After');
      const calls = mc.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      expect(calls).toContain(`GET /us21/3.0/lists/${live.id}/members/${member.id}`);
      expect(calls).not.toContain(`GET /us21/3.0/lists/${live.id}/members`);
    });

    it('answers 400 to a verified body that is not a Mailchimp form', async () => {
      const res = await fetch(hookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"subscribe"}' });
      expect(res.status).toBe(400);
    });
  });

  describe('campaign responses', () => {
    it('brings each recipient of each sent campaign back as a campaign_member, with its first response', async () => {
      const early = mc.addCampaign(audience.id, 'Spring launch', '2025-04-01T09:00:00+00:00', [
        {
          email: 'contact1@example.com',
          actions: [
            { action: 'open', timestamp: '2025-04-01T10:00:00+00:00' },
            { action: 'click', timestamp: '2025-04-01T10:05:00+00:00' },
          ],
        },
        { email: 'contact2@example.com', actions: [] },
        { email: 'contact3@example.com', actions: [{ action: 'bounce', timestamp: '2025-04-01T09:01:00+00:00' }] },
      ]);
      const later = mc.addCampaign(
        audience.id,
        'Summer sale',
        '2025-06-01T09:00:00+00:00',
        Array.from({ length: 7 }, (_, i) => ({
          email: `contact${i}@example.com`,
          actions: i % 2 ? [{ action: 'open', timestamp: `2025-06-0${i + 1}T08:00:00+00:00` }] : [],
        })),
      );
      const campaignsConfig = await syncConfig('Campaigns in', 'campaigns', 'campaign', 'INBOUND', [
        { sourceField: 'settings.title', targetField: 'name' },
        { sourceField: 'type', targetField: 'type' },
        { sourceField: 'status', targetField: 'status' },
        { sourceField: 'send_time', targetField: 'start_date' },
      ]);
      expect(await run(campaignsConfig)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2 });
      const membersConfig = await syncConfig('Campaign responses in', 'campaign_responses', 'campaign_member', 'INBOUND', [
        { sourceField: 'campaign_id', targetField: 'campaign_id', transform: { type: 'REFERENCE', params: { object: 'campaigns' } } },
        { sourceField: 'email_id', targetField: 'contact_id', transform: { type: 'REFERENCE', params: { object: 'members' } } },
        { sourceField: 'email_address', targetField: 'email' },
        { sourceField: 'status', targetField: 'status' },
        { sourceField: 'responded', targetField: 'responded' },
        { sourceField: 'first_responded_at', targetField: 'first_responded_date' },
      ]);
      expect(await run(membersConfig)).toMatchObject({ status: 'COMPLETED', recordsCreated: 10, recordsFailed: 0 });

      const campaigns: any[] = await t.service.db.query(`SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = 'campaign'`);
      const idOf = (name: string) => campaigns.find((c) => c.data.name === name).id;
      const rows: any[] = await t.service.db.query(`SELECT data FROM crm_record WHERE organization_id = 'default' AND object = 'campaign_member'`);
      const find = (campaign: string, email: string) => rows.map((r) => r.data).find((d) => d.campaign_id === idOf(campaign) && d.email === email);
      expect(find('Spring launch', 'contact1@example.com')).toMatchObject({ status: 'clicked', responded: true });
      expect(new Date(find('Spring launch', 'contact1@example.com').first_responded_date).toISOString()).toBe('2025-04-01T10:00:00.000Z');
      expect(find('Spring launch', 'contact2@example.com')).toMatchObject({ status: 'sent', responded: false });
      expect(find('Spring launch', 'contact3@example.com')).toMatchObject({ status: 'bounced', responded: false });
      expect(find('Summer sale', 'contact3@example.com')).toMatchObject({ status: 'opened', responded: true });
      // The members the contacts were sent out as lead back to those contacts.
      const [contact1] = await t.service.db.query(`SELECT id FROM crm_record WHERE object = 'contact' AND data->>'email' = 'Contact1@Example.com'`);
      expect(find('Spring launch', 'contact1@example.com').contact_id).toBe(contact1.id);
      const reports = mc.requests.filter((r) => /\/reports\/[^/]+\/email-activity$/.test(r.path)).map((r) => r.path.split('/')[4]);
      expect(new Set(reports)).toEqual(new Set([early.id, later.id]));
    });
  });

  describe('inbound members', () => {
    it('syncs an audience of more members than a page holds into contacts', async () => {
      const big = mc.addList('Big');
      for (let i = 0; i < 1234; i++) mc.addMember(big.id, `reader${i}@example.com`, { FNAME: `Reader`, LNAME: `No${i}` });
      const conn = (await connect({ credentials: { apiKey: mc.apiKey }, config: { baseUrl: baseUrl(), listId: big.id } })).data.createConnection.id;
      const configId = await syncConfig(
        'Audience → contacts',
        'members',
        'contact',
        'INBOUND',
        [
          { sourceField: 'email_address', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'merge_fields.FNAME', targetField: 'first_name' },
          { sourceField: 'merge_fields.LNAME', targetField: 'last_name' },
        ],
        conn,
      );
      expect(await run(configId)).toMatchObject({ status: 'COMPLETED', recordsCreated: 1234, recordsFailed: 0 });
      const calls = mc.requests.filter((r) => r.path === `/us21/3.0/lists/${big.id}/members`);
      expect(calls.length).toBeGreaterThan(1);
      const offsets = calls.map((r) => Number(r.query.get('offset')));
      const count = Number(calls[0].query.get('count'));
      expect(offsets).toEqual(offsets.map((_, i) => i * count));
      const [{ n }] = await t.service.db.query(
        `SELECT count(*)::int AS n FROM crm_record WHERE object = 'contact' AND data->>'email' LIKE 'reader%@example.com'`,
      );
      expect(n).toBe(1234);
    });
  });
});
