import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import { buildIntegrationSchema } from '../src/assembly/schema';
import { OperationGenerator, RootName } from './support/operation-generator';
import { gatewayToken, startTestService, TestService } from './support/service';
import { notifyChange, notifyUntil, watch, wsClient } from './support/ws-client';

/** The scopes of DESIGN.md ("Auth and tenancy") that operations may demand. */
const KNOWN_SCOPES = [
  ...['connections', 'sync', 'mappings', 'webhooks', 'api_keys', 'automations', 'documents'].flatMap((resource) => [`read:${resource}`, `write:${resource}`]),
  'publish:events',
];
const ORG = 'scopes';

/**
 * The "Scopes" table of docs/auth.md (moved there from the README): `Query.name` (or `_entities`
 * of `A`, `B`) → the scopes it names. The section runs to the next heading or the end of the file.
 */
function scopeTable(): Map<string, string[]> {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'auth.md'), 'utf8');
  const section = /^## Scopes\n([\s\S]*?)(?=^#{1,2} |$(?![\s\S]))/m.exec(doc)?.[1] ?? '';
  const table = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = /^\| (.+?) \| (.+?) \|$/.exec(line);
    if (!cells || cells[1] === 'operation' || cells[1].startsWith('---')) continue;
    const scopes = [...cells[2].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const entities = /^`_entities` of (.+?)(?: \(|$)/.exec(cells[1]);
    const names = entities ? [...entities[1].matchAll(/`(\w+)`/g)].map((m) => `_entities.${m[1]}`) : [cells[1].replace(/`/g, '')];
    for (const name of names) table.set(name, scopes);
  }
  return table;
}

/** Which subscription streams which change topic (a notice of it makes the subscription emit). */
const SUBSCRIPTION_TOPICS: Record<string, string> = {
  syncRunUpdated: 'sync_run',
  webhookDeliveryUpdated: 'webhook_delivery',
  connectionStatusChanged: 'connection',
  integrationAlert: 'integration_alert',
  automationRunUpdated: 'automation_run',
};

/** An `_entities` call for one type: owned types by id, the CRM types through a field of ours. */
function entityCall(type: string) {
  const crm = ['Account', 'Contact', 'Invoice'].includes(type);
  const representation =
    type === 'Connector'
      ? { __typename: type, key: 'stripe' }
      : { __typename: type, id: '00000000-0000-4000-8000-000000000000', ...(type === 'Contact' ? { email: 'a@b.c' } : {}) };
  return {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on ${type} { ${crm ? 'externalLinks { id }' : '__typename'} } } }`,
    variables: { r: [representation] },
  };
}

/**
 * Every operation of the built schema demands exactly the scope its row in docs/auth.md names: a key
 * holding any single other scope is FORBIDDEN, one holding that scope gets through. Operations
 * not built yet keep their rows and are skipped until they exist.
 */
describe('scopes: every operation demands the scope docs/auth.md names', () => {
  let t: TestService;
  let generator: OperationGenerator;
  let rootFields: { root: RootName; name: string }[];
  let entityTypes: string[];
  const table = scopeTable();
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api' });
    const { schema } = await buildIntegrationSchema();
    generator = new OperationGenerator(schema);
    rootFields = (['Query', 'Mutation', 'Subscription'] as const).flatMap((root) =>
      generator
        .rootFields(root)
        .filter((f) => !['_entities', '_service'].includes(f.name))
        .map((f) => ({ root, name: f.name })),
    );
    entityTypes = (schema.getType('_Entity') as any).getTypes().map((type: { name: string }) => type.name);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t?.stop();
  });

  /** The scopes among KNOWN_SCOPES that let the call through (anything but FORBIDDEN). */
  async function allowingScopes(call: (token: string) => Promise<{ errors?: { extensions?: Record<string, any> }[] }>): Promise<string[]> {
    const answers = await Promise.all(KNOWN_SCOPES.map(async (scope) => call(await gatewayToken(ORG, [scope]))));
    for (const answer of answers) expect(answer.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('UNAUTHENTICATED');
    return KNOWN_SCOPES.filter((_, i) => !answers[i].errors?.some((e) => e.extensions?.code === 'FORBIDDEN'));
  }

  it('has a docs/auth.md row for every operation of the schema', () => {
    const names = [...rootFields.map((f) => `${f.root}.${f.name}`), ...entityTypes.map((type) => `_entities.${type}`), 'Query._service'];
    expect(names.filter((name) => !table.has(name))).toEqual([]);
    // eslint-disable-next-line no-console
    console.log(
      'docs/auth.md scope rows not in the schema yet:',
      [...table.keys()].filter((name) => !names.includes(name)),
    );
  });

  it('queries and mutations: only the named scope gets through, and no credentials is UNAUTHENTICATED', async () => {
    const problems: string[] = [];
    for (const { root, name } of rootFields.filter((f) => f.root !== 'Subscription')) {
      const expected = table.get(`${root}.${name}`);
      if (!expected) continue;
      const op = generator.minimal(root, name);
      const allowed = await allowingScopes((token) => t.gql(op.query, op.variables, token));
      if (allowed.join(' ') !== expected.join(' '))
        problems.push(`${root}.${name}: docs/auth.md says ${expected.join(' or ')}, the schema lets ${allowed.join(', ') || 'nothing'} through`);
      const anonymous = await t.gql(op.query, op.variables, null);
      if (anonymous.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED')
        problems.push(`${root}.${name} answers without credentials: ${JSON.stringify(anonymous).slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  });

  it('_entities: each entity type demands its read scope; _service needs none', async () => {
    const problems: string[] = [];
    for (const type of entityTypes) {
      const expected = table.get(`_entities.${type}`)!;
      const { query, variables } = entityCall(type);
      const allowed = await allowingScopes((token) => t.gql(query, variables, token));
      if (allowed.join(' ') !== expected.join(' '))
        problems.push(`_entities of ${type}: docs/auth.md says ${expected.join(' or ')}, the schema lets ${allowed.join(', ') || 'nothing'} through`);
    }
    expect(problems).toEqual([]);
    const sdl: any = await t.gql('{ _service { sdl } }', undefined, null);
    expect(sdl.data._service.sdl).toContain('type Query');
  });

  it('subscriptions: refused (FORBIDDEN) without the named scope, streaming with it', async () => {
    const sockets = new Map<string, Client>();
    for (const scope of KNOWN_SCOPES) {
      const client = wsClient(t.url, await gatewayToken(ORG, [scope]));
      clients.push(client);
      sockets.set(scope, client);
    }
    const problems: string[] = [];
    for (const { name } of rootFields.filter((f) => f.root === 'Subscription')) {
      const expected = table.get(`Subscription.${name}`);
      if (!expected) continue;
      const op = generator.minimal('Subscription', name);
      const watched = KNOWN_SCOPES.map((scope) => watch(sockets.get(scope)!, op.query, op.variables));
      // A notice of the caller's organization (for a row that does not exist: the stream then
      // carries NOT_FOUND, which still shows the subscription was let through).
      const notice = { topic: SUBSCRIPTION_TOPICS[name], organizationId: ORG, id: '00000000-0000-4000-8000-000000000000' };
      await notifyUntil(
        () => notifyChange(t.service.db, notice),
        () => watched.every((w) => w.received.length + w.errors.length > 0),
      );
      const answers = await Promise.all(watched.map((w) => w.first));
      watched.forEach((w) => w.stop());
      const allowed = KNOWN_SCOPES.filter((_, i) => !answers[i].errors?.some((e) => e.extensions?.code === 'FORBIDDEN'));
      if (allowed.join(' ') !== expected.join(' '))
        problems.push(`Subscription.${name}: docs/auth.md says ${expected.join(' or ')}, the schema lets ${allowed.join(', ') || 'nothing'} through`);
    }
    expect(problems).toEqual([]);
  });
});
