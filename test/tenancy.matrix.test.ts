import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { buildIntegrationSchema } from '../src/assembly/schema';
import { acmeInput } from './providers/custom-api.definition';
import { seed } from './support/seed';
import { gatewayToken, GraphQLResponse, startTestService, TestService } from './support/service';
import { notifyChange, notifyUntil, watch, wsClient } from './support/ws-client';

/** Org A's rows, by name; the matrix points org B at them. */
type Ids = Record<string, string>;

/** One call of the matrix: `target` is one of A's ids (or keys), or a stand-in that names nothing. */
interface Row {
  field: string;
  query: string;
  variables: (target: string, b: Ids) => Record<string, unknown>;
  target: (a: Ids) => string;
  /** What names nothing at all (default: a fresh UUID). */
  standIn?: string;
}

const row = (field: string, query: string, target: (a: Ids) => string, variables: Row['variables'] = (id) => ({ id }), standIn?: string): Row => ({
  field,
  query,
  variables,
  target,
  standIn,
});

/** Reads of one row by id: B is answered exactly as for an id that does not exist. */
const BY_ID: Row[] = [
  row('connection', 'query($id: ID!) { connection(id: $id) { id } }', (a) => a.connection),
  row('connector', 'query($id: ID!) { connector(id: $id) { id } }', (a) => a.connector),
  row('connector', 'query($id: String!) { connector(key: $id) { id } }', () => 'acme_erp', undefined, 'zz_unknown'),
  row('connectionRecords', 'query($id: ID!) { connectionRecords(connectionId: $id, object: "customers") { nextCursor } }', (a) => a.connection),
  row('fieldMapping', 'query($id: ID!) { fieldMapping(id: $id) { id } }', (a) => a.mapping),
  row('syncConfig', 'query($id: ID!) { syncConfig(id: $id) { id } }', (a) => a.config),
  row('syncRun', 'query($id: ID!) { syncRun(id: $id) { id } }', (a) => a.run),
  row('webhookSubscription', 'query($id: ID!) { webhookSubscription(id: $id) { id } }', (a) => a.subscription),
  row('webhookDelivery', 'query($id: ID!) { webhookDelivery(id: $id) { id } }', (a) => a.delivery),
  row('apiKey', 'query($id: ID!) { apiKey(id: $id) { id } }', (a) => a.apiKey),
  row('automation', 'query($id: ID!) { automation(id: $id) { id } }', (a) => a.automation),
  row('syncInsights', 'query($id: ID!) { syncInsights(syncConfigId: $id) { __typename } }', (a) => a.config),
  row('troubleshoot', 'query($id: ID!) { troubleshoot(connectionId: $id) { __typename } }', (a) => a.connection),
  row('troubleshoot', 'query($id: ID!) { troubleshoot(syncConfigId: $id) { __typename } }', (a) => a.config),
  row(
    'suggestFieldMappingsForConnection',
    'query($id: ID!) { suggestFieldMappingsForConnection(connectionId: $id, object: "customers", targetObject: "account") { targetField } }',
    (a) => a.connection,
  ),
];

/** Lists, filtered by A's ids or not: B sees none of A's rows (A, checked too, sees them). */
const LISTS: { field: string; args?: string; variables?: (a: Ids) => Record<string, unknown> }[] = [
  { field: 'connections' },
  { field: 'connections', args: '(connectorKey: "acme_erp")' },
  { field: 'connectors', args: '(search: "acme")' },
  { field: 'fieldMappings' },
  { field: 'syncConfigs' },
  { field: 'syncConfigs', args: '(connectionId: $id)', variables: (a) => ({ id: a.connection }) },
  { field: 'syncConflicts' },
  { field: 'syncConflicts', args: '(syncConfigId: $id)', variables: (a) => ({ id: a.config }) },
  { field: 'externalLinks' },
  { field: 'externalLinks', args: '(connectionId: $id)', variables: (a) => ({ id: a.connection }) },
  { field: 'externalLinks', args: '(syncConfigId: $id)', variables: (a) => ({ id: a.config }) },
  { field: 'externalLinks', args: '(internalObject: "account", internalId: "acc-acme")' },
  { field: 'webhookSubscriptions' },
  { field: 'integrationEvents' },
  { field: 'integrationEvents', args: '(type: "opportunity.*")' },
  { field: 'apiKeys' },
  { field: 'automations' },
  { field: 'automations', args: '(connectionId: $id)', variables: (a) => ({ id: a.connection }) },
];

/** Changes aimed at A's rows (or keys, or OAuth state): answered as if they named nothing. */
const MUTATIONS: Row[] = [
  row('updateConnector', 'mutation($id: ID!) { updateConnector(id: $id, input: { name: "taken" }) { id } }', (a) => a.connector),
  row('deleteConnector', 'mutation($id: ID!) { deleteConnector(id: $id) }', (a) => a.connector),
  row('updateConnection', 'mutation($id: ID!) { updateConnection(id: $id, input: { name: "taken" }) { id } }', (a) => a.connection),
  row('testConnection', 'mutation($id: ID!) { testConnection(id: $id) { ok } }', (a) => a.connection),
  row('disconnect', 'mutation($id: ID!) { disconnect(id: $id) { id } }', (a) => a.connection),
  row('deleteConnection', 'mutation($id: ID!) { deleteConnection(id: $id) }', (a) => a.connection),
  row('executeConnectorAction', 'mutation($id: ID!) { executeConnectorAction(connectionId: $id, action: "addNote", input: {}) }', (a) => a.connection),
  row(
    'createConnection',
    'mutation($id: String!) { createConnection(input: { connectorKey: $id, name: "x", credentials: { apiKey: "k" } }) { id } }',
    () => 'acme_erp',
    undefined,
    'zz_unknown',
  ),
  row(
    'setOAuthClient',
    'mutation($id: String!) { setOAuthClient(input: { connectorKey: $id, clientId: "c", clientSecret: "s" }) }',
    () => 'acme_erp',
    undefined,
    'zz_unknown',
  ),
  row(
    'startOAuth',
    'mutation($id: String!) { startOAuth(input: { connectorKey: $id, name: "x", redirectUri: "http://127.0.0.1:9/cb" }) { state } }',
    () => 'acme_erp',
    undefined,
    'zz_unknown',
  ),
  row('completeOAuth', 'mutation($id: String!) { completeOAuth(input: { state: $id, code: "c" }) { id } }', (a) => a.oauthState, undefined, 'no-such-state'),
  row('updateFieldMapping', 'mutation($id: ID!) { updateFieldMapping(id: $id, input: { name: "taken" }) { id } }', (a) => a.mapping),
  row('deleteFieldMapping', 'mutation($id: ID!) { deleteFieldMapping(id: $id) }', (a) => a.mapping),
  row('createSyncConfig', CREATE_CONFIG('$id', null), (a) => a.connection),
  row(
    'createSyncConfig',
    CREATE_CONFIG('$own', '$id'),
    (a) => a.mapping,
    (id, b) => ({ id, own: b.connection }),
  ),
  row('updateSyncConfig', 'mutation($id: ID!) { updateSyncConfig(id: $id, input: { name: "taken" }) { id } }', (a) => a.config),
  row(
    'updateSyncConfig',
    'mutation($own: ID!, $id: ID) { updateSyncConfig(id: $own, input: { fieldMappingId: $id }) { id } }',
    (a) => a.mapping,
    (id, b) => ({ id, own: b.config }),
  ),
  row('deleteSyncConfig', 'mutation($id: ID!) { deleteSyncConfig(id: $id) }', (a) => a.config),
  row('triggerSync', 'mutation($id: ID!) { triggerSync(id: $id) { id } }', (a) => a.config),
  row('cancelSyncRun', 'mutation($id: ID!) { cancelSyncRun(id: $id) { id } }', (a) => a.run),
  row('resolveSyncConflict', 'mutation($id: ID!) { resolveSyncConflict(id: $id, choice: SOURCE) { id } }', (a) => a.conflict),
  row('updateWebhookSubscription', 'mutation($id: ID!) { updateWebhookSubscription(id: $id, input: { name: "taken" }) { id } }', (a) => a.subscription),
  row('deleteWebhookSubscription', 'mutation($id: ID!) { deleteWebhookSubscription(id: $id) }', (a) => a.subscription),
  row('rotateWebhookSecret', 'mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }', (a) => a.subscription),
  row('retryWebhookDelivery', 'mutation($id: ID!) { retryWebhookDelivery(id: $id) { id } }', (a) => a.delivery),
  row('replayWebhookDeliveries', 'mutation($id: ID!) { replayWebhookDeliveries(subscriptionId: $id, since: "2000-01-01T00:00:00Z") }', (a) => a.subscription),
  row('sendTestWebhook', 'mutation($id: ID!) { sendTestWebhook(id: $id) { id } }', (a) => a.subscription),
  row('rotateApiKey', 'mutation($id: ID!) { rotateApiKey(id: $id) { key } }', (a) => a.apiKey),
  row('revokeApiKey', 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', (a) => a.apiKey),
  row(
    'createAutomation',
    'mutation($id: ID!) { createAutomation(input: { name: "x", eventTypes: ["a.b"], connectionId: $id, action: "postMessage", inputTemplate: { channel: "C1", text: "t" } }) { id } }',
    (a) => a.connection,
  ),
  row('updateAutomation', 'mutation($id: ID!) { updateAutomation(id: $id, input: { name: "taken" }) { id } }', (a) => a.automation),
  row('deleteAutomation', 'mutation($id: ID!) { deleteAutomation(id: $id) }', (a) => a.automation),
  row('retryAutomationRun', 'mutation($id: ID!) { retryAutomationRun(id: $id) { id } }', (a) => a.automationRun),
];

function CREATE_CONFIG(connection: string, mapping: string | null): string {
  const vars = mapping ? `(${connection === '$own' ? '$own: ID!, ' : ''}$id: ID)` : '($id: ID!)';
  return `mutation${vars} { createSyncConfig(input: { name: "x", connectionId: ${connection}, sourceObject: "customers", targetObject: "account",
    direction: INBOUND, frequency: "manual"${mapping ? `, fieldMappingId: ${mapping}` : ''} }) { id } }`;
}

/** Every owned entity type and which of A's ids it is resolved by. */
const ENTITY_IDS: Record<string, string> = {
  Connection: 'connection',
  Connector: 'connector',
  FieldMapping: 'mapping',
  SyncConfig: 'config',
  SyncRun: 'run',
  SyncConflict: 'conflict',
  ExternalLink: 'link',
  WebhookSubscription: 'subscription',
  WebhookDelivery: 'delivery',
  IntegrationEvent: 'event',
  ApiKey: 'apiKey',
  Automation: 'automation',
  AutomationRun: 'automationRun',
};

/** Subscriptions B opens, unfiltered and filtered by A's parent rows; topic and the notice's ids. */
const SUBSCRIPTIONS: { field: string; topic: string; query: string; parent?: (a: Ids) => string; notice: (x: Ids) => { id: string; parentId?: string } }[] = [
  {
    field: 'syncRunUpdated',
    topic: 'sync_run',
    query: 'subscription($p: ID) { syncRunUpdated(syncConfigId: $p) { id } }',
    parent: (a) => a.config,
    notice: (x) => ({ id: x.run, parentId: x.config }),
  },
  {
    field: 'webhookDeliveryUpdated',
    topic: 'webhook_delivery',
    query: 'subscription($p: ID) { webhookDeliveryUpdated(subscriptionId: $p) { id } }',
    parent: (a) => a.subscription,
    notice: (x) => ({ id: x.delivery, parentId: x.subscription }),
  },
  {
    field: 'automationRunUpdated',
    topic: 'automation_run',
    query: 'subscription($p: ID) { automationRunUpdated(automationId: $p) { id } }',
    parent: (a) => a.automation,
    notice: (x) => ({ id: x.automationRun, parentId: x.automation }),
  },
  {
    field: 'connectionStatusChanged',
    topic: 'connection',
    query: 'subscription($p: ID) { connectionStatusChanged(connectionId: $p) { id } }',
    parent: (a) => a.connection,
    notice: (x) => ({ id: x.connection }),
  },
];

/** What B is told, with the id it asked about blanked, so A's id and a stand-in compare equal. */
const told = (res: GraphQLResponse, target: string) => ({
  status: res.status,
  data: JSON.stringify(res.data ?? null),
  errors: (res.errors ?? []).map((e) => ({ code: e.extensions?.code, message: e.message.split(target).join('<id>') })),
});

/**
 * Tenant isolation, table-driven: for every query, mutation, subscription and `_entities` type,
 * a caller of org B (scope `*`) never sees, changes or is told of org A's rows. A new operation is
 * covered by adding a row; rows whose operation is not in the schema yet are skipped.
 */
describe('tenant isolation matrix', () => {
  let t: TestService;
  let asA: string;
  let asB: string;
  let fields: Set<string>;
  const a: Ids = {};
  const b: Ids = {};
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api', PROVIDER_RETRY_BASE_DELAY_MS: '1' });
    [asA, asB] = await Promise.all([gatewayToken('acme', ['*']), gatewayToken('beta', ['*'])]);
    const { schema } = await buildIntegrationSchema();
    fields = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) => Object.keys(type?.getFields() ?? {})));
    const db = t.service.db;
    for (const [org, ids] of [
      ['acme', a],
      ['beta', b],
    ] as const) {
      ids.connection = await seed.connection(db, org, { config: { baseUrl: 'http://127.0.0.1:9' } });
      ids.mapping = await seed.fieldMapping(db, org);
      ids.config = await seed.syncConfig(db, org, ids.connection, { field_mapping_id: ids.mapping });
      ids.run = await seed.syncRun(db, org, ids.config, { status: 'RUNNING' });
      ids.subscription = await seed.webhookSubscription(db, org);
      ids.event = await seed.event(db, org);
      ids.delivery = await seed.delivery(db, org, ids.subscription, ids.event);
      ids.automation = await seed.automation(db, org, ids.connection);
      ids.automationRun = await seed.automationRun(db, org, ids.automation, ids.event);
    }
    a.conflict = await seed.conflict(db, 'acme', a.config);
    a.apiKey = await seed.apiKey(db, 'acme');
    a.link = await seed.externalLink(db, 'acme', a.connection, { sync_config_id: a.config, internal_id: 'acc-acme' });
    await seed.externalLink(db, 'acme', a.connection, {
      provider: 'linkedin',
      internal_object: 'contact',
      internal_id: 'con-acme',
      last_synced_data: { email: 'jane@acme.test', full_name: 'Jane Acme' },
    });
    await seed.externalLink(db, 'acme', a.connection, {
      internal_object: 'invoice',
      internal_id: 'inv-acme',
      external_object: 'charges',
      last_synced_data: { amount: 10, currency: 'usd', status: 'succeeded' },
    });
    // What only A's own operations create: a custom connector, and an OAuth flow in progress.
    const connector: any = await t.gql(
      'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id } }',
      { input: acmeInput('http://127.0.0.1:9', { key: 'acme_erp' }) },
      asA,
    );
    a.connector = connector.data.createConnector.id;
    await seed.connection(db, 'acme', { connector_key: 'acme_erp', custom_connector_id: a.connector, name: 'Acme ERP' });
    await t.gql(
      `mutation { setOAuthClient(input: { connectorKey: "linkedin", clientId: "acme-client", clientSecret: "s",
        authorizationUrl: "http://127.0.0.1:9/authorize", tokenUrl: "http://127.0.0.1:9/token" }) }`,
      undefined,
      asA,
    );
    const oauth: any = await t.gql(
      'mutation { startOAuth(input: { connectorKey: "linkedin", name: "A", redirectUri: "http://127.0.0.1:9/cb" }) { state } }',
      undefined,
      asA,
    );
    a.oauthState = oauth.data.startOAuth.state;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  /** Every row of org A in every table that has organization_id, to prove B changed none. */
  async function snapshotOfA(): Promise<Record<string, unknown[]>> {
    const tables: { table_name: string }[] = await t.service.db.query(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY table_name`,
    );
    const snapshot: Record<string, unknown[]> = {};
    for (const { table_name } of tables)
      snapshot[table_name] = await t.service.db.query(`SELECT * FROM "${table_name}" WHERE organization_id = 'acme' ORDER BY 1`);
    return snapshot;
  }

  it('reads by id: A sees its row, B is told exactly what an id naming nothing gets', async () => {
    const problems: string[] = [];
    for (const r of BY_ID.filter((r) => fields.has(r.field))) {
      const target = r.target(a);
      const owner = await t.gql(r.query, r.variables(target, a), asA);
      if (owner.errors?.some((e) => ['NOT_FOUND', 'FORBIDDEN'].includes(e.extensions?.code))) problems.push(`${r.query}: A cannot read its own row`);
      const other = told(await t.gql(r.query, r.variables(target, b), asB), target);
      const standIn = r.standIn ?? randomUUID();
      const nothing = told(await t.gql(r.query, r.variables(standIn, b), asB), standIn);
      if (JSON.stringify(other) !== JSON.stringify(nothing))
        problems.push(`${r.query}: B gets ${JSON.stringify(other)}, an unknown id ${JSON.stringify(nothing)}`);
      if (!other.errors.length && other.data !== JSON.stringify({ [r.field]: null })) problems.push(`${r.query}: B gets ${other.data}`);
    }
    expect(problems).toEqual([]);
  });

  it('lists: A sees its rows, B sees none of them, filtered by A’s ids or not', async () => {
    const idsOfA = new Set(Object.values(await snapshotOfA()).flatMap((rows) => rows.map((r: any) => r.id)));
    const problems: string[] = [];
    for (const list of LISTS.filter((l) => fields.has(l.field))) {
      const selection = list.field === 'connectors' ? '{ id }' : '{ edges { node { id } } }';
      const query = `query${list.variables ? '($id: ID)' : ''} { ${list.field}${list.args ?? ''} ${selection} }`;
      const ids = (res: GraphQLResponse): string[] => {
        const value = (res.data as any)?.[list.field];
        return Array.isArray(value) ? value.map((c: any) => c.id) : (value?.edges ?? []).map((e: any) => e.node.id);
      };
      const variables = list.variables?.(a);
      const [owner, other] = [await t.gql(query, variables, asA), await t.gql(query, variables, asB)];
      if (!ids(owner).some((id) => idsOfA.has(id))) problems.push(`${query}: A sees ${JSON.stringify(owner)}`);
      if (other.errors || ids(other).some((id) => idsOfA.has(id))) problems.push(`${query}: B sees ${JSON.stringify(other)}`);
    }
    expect(problems).toEqual([]);
  });

  it('_entities of every type: A’s rows resolve to null for B, CRM records show B none of A’s links', async () => {
    const representations: Record<string, string>[] = Object.entries(ENTITY_IDS).map(([type, name]) => ({ __typename: type, id: a[name] }));
    representations.push({ __typename: 'Connector', key: 'acme_erp' });
    const types = [...new Set(representations.map((r) => r.__typename))];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${types.map((type) => `... on ${type} { id }`).join(' ')} } }`;
    const owner: any = await t.gql(query, { r: representations }, asA);
    expect(owner.errors).toBeUndefined();
    expect(owner.data._entities.map((e: any) => e?.id ?? null)).toEqual(representations.map((r) => r.id ?? a.connector));
    const other: any = await t.gql(query, { r: representations }, asB);
    expect(other.errors).toBeUndefined();
    expect(other.data._entities).toEqual(representations.map(() => null));

    const crm = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { externalLinks { id } }
      ... on Contact { externalLinks { id } enrichment { fullName } } ... on Invoice { externalLinks { id } payments { externalId } } } }`;
    const records = [
      { __typename: 'Account', id: 'acc-acme' },
      { __typename: 'Contact', id: 'con-acme', email: 'jane@acme.test' },
      { __typename: 'Invoice', id: 'inv-acme' },
    ];
    const seen: any = await t.gql(crm, { r: records }, asA);
    expect(seen.data._entities.map((e: any) => [e.externalLinks.length, e.enrichment?.fullName ?? e.payments?.length ?? null])).toEqual([
      [1, null],
      [1, 'Jane Acme'],
      [0, 1],
    ]);
    const hidden: any = await t.gql(crm, { r: records }, asB);
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data._entities).toEqual([{ externalLinks: [] }, { externalLinks: [], enrichment: null }, { externalLinks: [], payments: [] }]);
  });

  it('mutations aimed at A’s rows change nothing and tell B nothing an unknown id would not', async () => {
    const before = await snapshotOfA();
    const problems: string[] = [];
    for (const r of MUTATIONS.filter((r) => fields.has(r.field))) {
      const target = r.target(a);
      const other = told(await t.gql(r.query, r.variables(target, b), asB), target);
      const standIn = r.standIn ?? randomUUID();
      const nothing = told(await t.gql(r.query, r.variables(standIn, b), asB), standIn);
      if (JSON.stringify(other) !== JSON.stringify(nothing))
        problems.push(`${r.field}: B gets ${JSON.stringify(other)}, an unknown target ${JSON.stringify(nothing)}`);
      if (!other.errors.some((e) => ['NOT_FOUND', 'BAD_USER_INPUT'].includes(e.code))) problems.push(`${r.field}: B was not refused: ${JSON.stringify(other)}`);
    }
    expect(problems).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
  });

  it('keys A chose do not collide for B: a connector key, an idempotency key', async () => {
    const mine: any = await t.gql(
      'mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id key } }',
      { input: acmeInput('http://127.0.0.1:9', { key: 'acme_erp' }) },
      asB,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data.createConnector.id).not.toBe(a.connector);
    if (!fields.has('publishEvent')) return;
    const publish = (token: string, data: Record<string, unknown>) =>
      t.gql<any>(
        'mutation($input: PublishEventInput!) { publishEvent(input: $input) { id data } }',
        { input: { type: 'opportunity.won', data, idempotencyKey: 'deal-42' } },
        token,
      );
    const first = await publish(asA, { by: 'acme' });
    const second = await publish(asB, { by: 'beta' });
    expect(second.errors).toBeUndefined();
    expect(second.data.publishEvent.id).not.toBe(first.data.publishEvent.id);
    expect(second.data.publishEvent.data).toEqual({ by: 'beta' });
  });

  it('subscriptions: B’s streams carry B’s changes and never A’s, filtered by A’s ids or not', async () => {
    const client = wsClient(t.url, asB);
    clients.push(client);
    for (const s of SUBSCRIPTIONS.filter((s) => fields.has(s.field))) {
      const all = watch(client, s.query, {});
      const byParent = s.parent ? watch(client, s.query, { p: s.parent(a) }) : null;
      const ofA = { topic: s.topic, organizationId: 'acme', ...s.notice(a) };
      // B's own change, claiming A's parent: passes B's parent filter only if the org check is what holds A's back.
      const ofB = { topic: s.topic, organizationId: 'beta', ...s.notice(b), ...(s.parent ? { parentId: s.parent(a) } : {}) };
      await notifyUntil(
        async () => {
          await notifyChange(t.service.db, ofA);
          await notifyChange(t.service.db, ofB);
        },
        () => all.received.length > 0 && (!byParent || byParent.received.length > 0),
      );
      // Notices from one connection arrive in order: each A notice preceded a B one that did arrive.
      for (const w of [all, byParent].filter(Boolean)) {
        expect(w!.errors).toEqual([]);
        expect(new Set(w!.received.map((m) => JSON.stringify(m)))).toEqual(new Set([JSON.stringify({ data: { [s.field]: { id: s.notice(b).id } } })]));
        w!.stop();
      }
    }
  });
});
