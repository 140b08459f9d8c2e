import { buildIntegrationSchema } from '../src/assembly/schema';
import { StripeServer } from './providers/stripe.server';
import { OperationGenerator, seededRandom, GeneratedOperation } from './support/operation-generator';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, startTestService, TestService } from './support/service';
import { frameSocket } from './support/ws-client';

const OPERATIONS = 1_000;
const IN_FLIGHT = 4;
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);

interface Outcome {
  op: GeneratedOperation;
  status: number;
  codes: string[];
  ms: number;
}

/**
 * 1,000 operations generated from the built schema (every root field, random selections,
 * wrong-typed and huge variables, nesting past the limits, ids of the caller's rows, another
 * organization's and none) against one service with a `*` key: nothing may answer 5xx or
 * INTERNAL_SERVER_ERROR, and the service still answers afterwards. Replay with FUZZ_SEED.
 */
describe(`schema fuzz (seed ${SEED})`, () => {
  let t: TestService;
  let stripe: StripeServer;
  const ids = { own: [] as string[], other: [] as string[] };

  beforeAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`schema fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
    stripe = await new StripeServer().start();
    // api role: queued syncs and deliveries stay queued, so the run measures the API alone.
    t = await startTestService({ ROLE: 'api', PROVIDER_RETRY_BASE_DELAY_MS: '1' });
    const db = t.service.db;
    for (const [org, pool] of [
      ['default', ids.own],
      ['acme', ids.other],
    ] as const) {
      const connection = await seed.connection(db, org, { config: { baseUrl: 'http://127.0.0.1:9' } });
      const mapping = await seed.fieldMapping(db, org);
      const config = await seed.syncConfig(db, org, connection, { field_mapping_id: mapping });
      const run = await seed.syncRun(db, org, config, { status: 'RUNNING' });
      const subscription = await seed.webhookSubscription(db, org);
      const event = await seed.event(db, org);
      const delivery = await seed.delivery(db, org, subscription, event);
      pool.push(connection, mapping, config, run, subscription, event, delivery);
      pool.push(await seed.conflict(db, org, config), await seed.externalLink(db, org, connection, { sync_config_id: config }));
      pool.push(await seed.apiKey(db, org), await seed.syncLog(db, org, run));
    }
    const [{ id: connectorId }] = await db.query(
      `INSERT INTO connector (organization_id, key, name, category, auth_types, base_url, definition)
       VALUES ('acme', 'acme_erp', 'Acme ERP', 'OTHER', '{API_KEY}', 'http://127.0.0.1:9', '{}') RETURNING id`,
    );
    ids.other.push(connectorId);
    const stripeConnection: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe (local)', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    ids.own.push(stripeConnection.data.createConnection.id);
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
  });

  it(`answers ${OPERATIONS} generated operations without a 5xx or INTERNAL_SERVER_ERROR, and keeps serving`, async () => {
    const generator = new OperationGenerator((await buildIntegrationSchema()).schema, seededRandom(SEED), ids);
    // Generated up front, in order, so the seed alone decides every operation.
    const ops = Array.from({ length: OPERATIONS }, () => generator.fuzz());
    const outcomes: Outcome[] = [];
    let next = 0;
    const worker = async () => {
      while (next < ops.length) {
        const op = ops[next++];
        outcomes.push(await send(t, op));
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

    const failures = outcomes.filter((o) => o.status >= 500 || o.codes.includes('INTERNAL_SERVER_ERROR'));
    const tally = (key: (o: Outcome) => string[]) => outcomes.flatMap(key).reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
    // eslint-disable-next-line no-console
    console.log('schema fuzz outcomes', {
      status: tally((o) => [String(o.status)]),
      codes: tally((o) => (o.codes.length ? o.codes : ['none'])),
      fields: new Set(ops.map((o) => `${o.root}.${o.field}`)).size,
    });
    // eslint-disable-next-line no-console
    console.log(
      'slowest',
      [...outcomes]
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 5)
        .map((o) => ({ ms: o.ms, codes: o.codes, query: o.op.query.slice(0, 200) })),
    );
    expect(
      failures.map(({ op, status, codes }) => ({ status, codes, query: op.query.slice(0, 500), variables: JSON.stringify(op.variables).slice(0, 500) })),
    ).toEqual([]);

    // Every root field was exercised, and the service is still whole.
    const roots = ['Query', 'Mutation', 'Subscription'] as const;
    const everyField = roots.flatMap((root) => generator.rootFields(root).map((f) => `${root}.${f.name}`));
    expect(everyField.filter((name) => !ops.some((o) => `${o.root}.${o.field}` === name))).toEqual([]);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    const health: any = await t.gql('{ connections { totalCount } }');
    expect(health.errors).toBeUndefined();
    expect(health.data.connections.totalCount).toBeGreaterThan(0);
  }, 240_000); // 1,000 operations: about 15 s on a quiet machine, several times that under load

  it('answers the same hostile operations over graphql-ws with no INTERNAL_SERVER_ERROR, and never drops the socket', async () => {
    // Queries and mutations (a subscription would wait for events) from a second seeded stream.
    const generator = new OperationGenerator((await buildIntegrationSchema()).schema, seededRandom(SEED + 1), ids);
    const ops = Array.from({ length: 600 }, () => generator.fuzz())
      .filter((op) => op.root !== 'Subscription')
      .slice(0, 300);
    const socket = await frameSocket(t.url, BOOTSTRAP_KEY);
    const failures: unknown[] = [];
    for (const [index, op] of ops.entries()) {
      const answer = await socket.operation(String(index), JSON.stringify({ query: op.query, variables: op.variables }));
      const errors = answer.type === 'error' ? answer.payload : (answer.payload?.errors ?? []);
      if (errors.some((e: any) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || !e.extensions?.code))
        failures.push({ query: op.query.slice(0, 300), errors });
    }
    expect(failures).toEqual([]);
    expect(socket.closedWith()).toBeUndefined();
    socket.close();
  }, 240_000);

  it("treats bad persisted-query extensions as the client's error on every transport", async () => {
    const extensions = [
      { persistedQuery: { version: 1, sha256Hash: 'bad' } },
      { persistedQuery: { version: 2, sha256Hash: 'f'.repeat(64) } },
      { persistedQuery: { version: 1 } },
      { persistedQuery: 'x' },
      { persistedQuery: { version: 1, sha256Hash: '\u0000\ud800' } },
    ];
    const socket = await frameSocket(t.url, BOOTSTRAP_KEY);
    for (const [index, extension] of extensions.entries()) {
      for (const query of ['{ __typename }', undefined]) {
        const http = await fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${BOOTSTRAP_KEY}` },
          body: JSON.stringify({ query, extensions: extension }),
        });
        expect(http.status).toBeLessThan(500);
        const body: any = await http.json();
        for (const error of body.errors ?? []) expect(error.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
        // graphql-ws: a subscribe without a query string or with non-object extensions is not a
        // message of the protocol (4400 by design); the rest must be answered, not dropped.
        if (!query || typeof extension.persistedQuery !== 'object') continue;
        const ws = await socket.operation(`pq${index}`, JSON.stringify({ query, extensions: extension }));
        const errors = ws.type === 'error' ? ws.payload : (ws.payload?.errors ?? []);
        for (const error of errors) expect(error.extensions.code).not.toBe('INTERNAL_SERVER_ERROR');
      }
    }
    expect(socket.closedWith()).toBeUndefined();
    socket.close();
  });
});

async function send(t: TestService, op: GeneratedOperation): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BOOTSTRAP_KEY}` },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const text = await response.text();
  let codes: string[] = [];
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    codes = (body.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
  } catch {
    codes = [`non-JSON ${response.status}`];
  }
  return { op, status: response.status, codes, ms: Math.round(performance.now() - started) };
}
