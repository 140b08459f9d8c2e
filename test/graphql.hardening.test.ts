import { getIntrospectionQuery } from 'graphql';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Client } from 'graphql-ws';
import { loadConfig } from '../src/config';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';
import { watch, wsClient } from './support/ws-client';

/** `levels` object fields alternating syncConfigs / connection, around an `id`. */
function nested(start: 'connection' | 'syncConfigs', levels: number): string {
  let selection = 'id';
  for (let level = levels; level >= 1; level--) {
    const field = (level % 2 === 1) === (start === 'connection') ? 'connection' : 'syncConfigs';
    selection = `${field} { ${selection} }`;
  }
  return selection;
}

/** `connection(id) { syncConfigs { connection { … { id } } } }`: exactly `depth` levels deep. */
const deepQuery = (depth: number) => `query($id: ID!) { connection(id: $id) { ${nested('syncConfigs', depth - 2)} } }`;

const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: connections { totalCount }`).join(' ')} }`;
const directives = (n: number) => `{ connections { ${Array.from({ length: n }, () => 'totalCount @include(if: true)').join(' ')} } }`;
/** About `n` lexer tokens (11 + 8 per representation; commas are not tokens), all distinct. */
const tokens = (n: number) => {
  const representations = Array.from({ length: Math.floor((n - 11) / 8) }, (_, i) => `{ __typename: "Account", id: "a${i}" }`);
  return `{ _entities(representations: [${representations.join(' ')}]) { __typename } }`;
};
/** A literal `first` multiplies the cost of what it pages: 100 × 100 runs is refused. */
const costly = '{ syncConfigs(first: 100) { edges { node { runs(first: 100) { edges { node { id status } } } } } } }';

/** What a limit rejection looks like: the contract's BAD_USER_INPUT, naming the limit. */
const refused = (limit: string, reason = 'GRAPHQL_VALIDATION_FAILED') => ({ code: 'BAD_USER_INPUT', reason, limit });

describe('GraphQL hardening: operation limits, body size, CSRF, introspection, production errors', () => {
  // Production with INTROSPECTION=true, default limits; and production as shipped, with a
  // lowered depth limit to show the limits come from the environment.
  let t: TestService;
  let prod: TestService;
  let connectionId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    [t, prod] = await Promise.all([
      startTestService({ NODE_ENV: 'production', INTROSPECTION: 'true' }),
      startTestService({ NODE_ENV: 'production', GRAPHQL_MAX_DEPTH: '4' }),
    ]);
    connectionId = await seed.connection(t.service.db, 'default');
    await seed.syncConfig(t.service.db, 'default', connectionId);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all([t?.stop(), prod?.stop()]);
  });

  const client = (service: TestService) => {
    const c = wsClient(service.url, BOOTSTRAP_KEY);
    clients.push(c);
    return c;
  };

  it.each([
    ['depth', deepQuery(11), refused('depth')],
    ['cost', costly, refused('cost')],
    ['aliases', aliases(16), refused('aliases')],
    ['directives', directives(51), refused('directives')],
    ['tokens', tokens(2_020), refused('tokens', 'GRAPHQL_PARSE_FAILED')],
  ])('refuses an operation past the %s limit over HTTP with a 400 and BAD_USER_INPUT', async (_limit, query, extensions) => {
    const res = await t.gql(query, { id: connectionId });
    expect(res.status).toBe(400);
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].extensions).toEqual(extensions);
  });

  it('lets operations at the limits through, and the router’s and dashboards’ shapes stay well under', async () => {
    for (const query of [deepQuery(10), aliases(15), directives(50), tokens(1_990)]) {
      const res = await t.gql(query, { id: connectionId });
      expect({ query, errors: res.errors }).toEqual({ query, errors: undefined });
    }
    // A full page of connections with their configs' latest runs: what a dashboard asks.
    const dashboard = await t.gql(`{ connections(first: 100) { totalCount edges { cursor node { id name status lastError connector { key name category }
      syncConfigs { id name isActive lastSyncAt lastRun { id status recordsProcessed recordsFailed completedAt } } } } } }`);
    expect(dashboard.errors).toBeUndefined();
    // A query-plan fetch as the router sends it: every entity type in one `_entities` call.
    const entities = await t.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename
        ... on Account { externalLinks { id status externalId connection { id name connector { key } } syncConfig { id name lastRun { status } } } }
        ... on Contact { externalLinks { id } enrichment { provider } } ... on Invoice { externalLinks { id } }
        ... on Connection { id name status syncConfigs { id runs(first: 10) { totalCount edges { node { id status logs(first: 5) { message } } } } } }
        ... on SyncRun { id runStatus: status syncConfig { id connection { id } } } } }`,
      {
        r: [
          { __typename: 'Account', id: 'acc-1' },
          { __typename: 'Connection', id: connectionId },
          { __typename: 'Contact', id: 'c-1', email: 'a@b.c' },
        ],
      },
    );
    expect(entities.errors).toBeUndefined();
    // Rover and the router's dev mode introspect (limits skip `__schema`).
    const introspection = await t.gql(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }));
    expect(introspection.errors).toBeUndefined();
  });

  it('applies the same limits over graphql-ws, answering with an error message and keeping the socket', async () => {
    const ws = client(t);
    const tooDeep = watch(ws, `subscription { syncRunUpdated { syncConfig { ${nested('connection', 9)} } } }`);
    expect((await tooDeep.first).errors?.[0].extensions).toEqual(refused('depth'));
    const tooManyAliases = watch(ws, aliases(16));
    expect((await tooManyAliases.first).errors?.[0].extensions).toEqual(refused('aliases'));
    const tooManyTokens = watch(ws, tokens(2_020));
    expect((await tooManyTokens.first).errors?.[0].extensions).toEqual(refused('tokens', 'GRAPHQL_PARSE_FAILED'));
    // A syntax error used to escape graphql-ws and close the socket with 4500.
    const broken = watch(ws, 'subscription { syncRunUpdated { id ');
    expect((await broken.first).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
    const unknownField = watch(ws, 'subscription { syncRunUpdatd { id } }');
    expect((await unknownField.first).errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    // The same socket still serves.
    const ok = watch(ws, '{ connections { totalCount } }');
    expect(await ok.first).toEqual({ data: { connections: { totalCount: 1 } } });
  });

  // Hive Gateway sends a level's entity fetches to a subgraph as one request, each `_entities`
  // under an alias of its own; @apollo/gateway sends each alone. Neither alias is the client's.
  const batch = (...fetches: string[]) => {
    const variables = fetches.map((_, i) => `$r${i}: [_Any!]!`);
    const entities = fetches.map((selection, i) => `_v${i}__entities: _entities(representations: $r${i}) { __typename ${selection} }`);
    return `query(${variables.join(' ')}) { ${entities.join(' ')} }`;
  };
  const linksOn = (type: string, prefix: string, n: number) =>
    `... on ${type} { ${Array.from({ length: n }, (_, i) => `${prefix}${i}: externalLinks { id }`).join(' ')} }`;
  const representations = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, [{ __typename: 'Account', id: `acc-${i}` }]]));

  it("counts the client's aliases inside `_entities`, not the gateway's aliases of `_entities` and `_service`", async () => {
    // 14 aliases the client wrote, in two fetches the gateway aliased: through (16 were counted).
    const fourteen = await t.gql(batch(linksOn('Account', 'a', 7), linksOn('Contact', 'c', 7)), representations(2));
    expect(fourteen.errors).toBeUndefined();
    expect(fourteen.data?._v0__entities).toEqual([{ __typename: 'Account', ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`a${i}`, []])) }]);
    // 16 the client wrote are 16, however the gateway splits them.
    const sixteen = await t.gql(batch(linksOn('Account', 'a', 8), linksOn('Contact', 'c', 8)), representations(2));
    expect(sixteen.errors).toEqual([{ message: 'Aliases limit of 15 exceeded, found 16.', extensions: refused('aliases') }]);
    // The client's own root fields next to them count as ever.
    const own = await t.gql(
      `query($r0: [_Any!]!) { _v0__entities: _entities(representations: $r0) { __typename } ${aliases(16).slice(1, -1)} }`,
      representations(1),
    );
    expect(own.errors?.[0].extensions).toEqual(refused('aliases'));
    const service = await t.gql(`{ ${Array.from({ length: 16 }, (_, i) => `s${i}: _service { sdl }`).join(' ')} }`);
    expect(service.errors).toBeUndefined();
  });

  it("prices an entity fetch as the client's own field, without the `_entities` around it", async () => {
    // connection { syncConfigs { id name isActive lastSyncAt } }: 2 + 1.5 × (2 + 1.5 × 4) = 14, and
    // the `__typename` a gateway asks in every entity fetch 1 more: 15. With the `_entities` field
    // priced too, the same fetch cost 2 + 1.5 × 1 + 14 = 17.5.
    const limited = await startTestService({ GRAPHQL_MAX_COST: '15' });
    try {
      const id = await seed.connection(limited.service.db, 'default');
      const configs = 'syncConfigs { id name isActive lastSyncAt }';
      const direct = await limited.gql(`query($id: ID!) { connection(id: $id) { ${configs} } }`, { id });
      expect(direct.errors).toBeUndefined();
      const r = [{ __typename: 'Connection', id }];
      const fetched = await limited.gql(batch(`... on Connection { ${configs} }`), { r0: r });
      expect(fetched.errors).toBeUndefined();
      expect(fetched.data?._v0__entities).toEqual([{ __typename: 'Connection', syncConfigs: [] }]);
      expect((await limited.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Connection { ${configs} } } }`, { r })).errors).toBeUndefined();
      // What the client asked inside still counts: one field more, or the same fetch twice, is over.
      const dearer = await limited.gql(batch(`... on Connection { syncConfigs { id name isActive lastSyncAt frequency } }`), { r0: r });
      expect(dearer.errors).toEqual([{ message: 'Query Cost limit of 15 exceeded, found 17.25.', extensions: refused('cost') }]);
      const twice = await limited.gql(batch(`... on Connection { ${configs} }`, `... on Connection { ${configs} }`), { r0: r, r1: r });
      expect(twice.errors).toEqual([{ message: 'Query Cost limit of 15 exceeded, found 30.', extensions: refused('cost') }]);
    } finally {
      await limited.stop();
    }
  });

  it('reads the limits from the environment', async () => {
    const id = await seed.connection(prod.service.db, 'default');
    expect((await prod.gql(deepQuery(4), { id })).errors).toBeUndefined();
    const res = await prod.gql(deepQuery(5), { id });
    expect(res.errors?.[0]).toMatchObject({ message: 'Query depth limit of 4 exceeded, found 5.', extensions: refused('depth') });
    expect(() => loadConfig({ GRAPHQL_MAX_COST: '0' })).toThrow(/GRAPHQL_MAX_COST: must be a whole number of at least 1/);
    expect(loadConfig({}).graphqlLimits).toEqual({ maxDepth: 10, maxCost: 20_000, maxAliases: 15, maxDirectives: 50, maxTokens: 2_000 });
  });

  it('refuses request bodies over 1 MiB and serves one just under', async () => {
    const post = (padding: number) =>
      fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BOOTSTRAP_KEY}` },
        body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(padding) } }),
      });
    const overhead = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } }).length;
    expect((await post(1024 * 1024 - overhead)).status).toBe(200);
    const tooLarge = await post(1024 * 1024 - overhead + 1);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({
      errors: [{ message: 'Request body is larger than 1 MiB', extensions: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST_BODY' } }],
    });
    const malformed = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST_BODY' } }],
    });
  });

  it('answers POST /graphql alike whether the body comes with a Content-Length (straight to Apollo) or chunked (through Express)', async () => {
    // Plain JSON with a length takes json-post.handler.ts; anything else the Express route.
    const send = (body: Buffer, chunked: boolean, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = request(`${t.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${BOOTSTRAP_KEY}`,
            ...(chunked ? {} : { 'content-length': String(body.length) }),
            ...headers,
          },
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res
            .on('data', (c) => chunks.push(c))
            .on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        if (chunked) req.write(body.subarray(0, 5)); // forces Transfer-Encoding: chunked
        req.end(chunked ? body.subarray(5) : body);
      });
    const cases: [string, Buffer][] = [
      ['a query', Buffer.from(JSON.stringify({ query: 'query($id: ID!) { connection(id: $id) { id name } }', variables: { id: connectionId } }))],
      ['a batch', Buffer.from(JSON.stringify([{ query: '{ __typename }' }, { query: '{ connections { totalCount } }' }]))],
      ['an unknown field', Buffer.from(JSON.stringify({ query: '{ nope }' }))],
      ['malformed JSON', Buffer.from('{"query": "{ __typename }"')],
      ['a JSON string', Buffer.from('"{ __typename }"')],
      ['a byte order mark first', Buffer.from('\ufeff{"query": "{ __typename }"}')],
      ['no query', Buffer.from('{}')],
      ['over 1 MiB', Buffer.from(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1024 * 1024) } }))],
    ];
    for (const [name, body] of cases) {
      const direct = await send(body, false);
      const viaExpress = await send(body, true);
      expect({ name, ...direct, type: direct.type.split(';')[0] }).toEqual({ name, ...viaExpress, type: viaExpress.type.split(';')[0] });
    }
    // Compressed bodies are Express's (body-parser inflates them).
    const gzipped = await send(gzipSync(Buffer.from(JSON.stringify({ query: '{ connections { totalCount } }' }))), false, { 'content-encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(JSON.parse(gzipped.body)).toEqual({ data: { connections: { totalCount: 1 } } });
  });

  it('refuses CSRF-able simple requests unless they carry a preflight-forcing header', async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${t.url}/graphql?query=${encodeURIComponent('{ connections { totalCount } }')}`, {
        headers: { authorization: `Bearer ${BOOTSTRAP_KEY}`, ...headers },
      });
    const blocked = await get({});
    expect(blocked.status).toBe(400);
    const refusal: any = await blocked.json();
    expect(refusal.errors[0].message).toContain('Cross-Site Request Forgery');
    expect(refusal.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' });
    expect((await get({ 'apollo-require-preflight': 'true' })).status).toBe(200);
    expect((await get({ 'x-apollo-operation-name': 'Q' })).status).toBe(200);
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': contentType, authorization: `Bearer ${BOOTSTRAP_KEY}` },
        body: JSON.stringify({ query: 'mutation { deleteConnection(id: "00000000-0000-4000-8000-000000000000") }' }),
      });
      expect({ contentType, status: res.status }).toEqual({ contentType, status: 400 });
      expect(await res.text()).toContain('Cross-Site Request Forgery');
    }
  });

  it('refuses what the database cannot store or the transport cannot carry as BAD_USER_INPUT, not a 500', async () => {
    // Postgres text and jsonb hold no NUL: in a variable (at any depth) or in a literal.
    const nested = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'ok', credentials: { apiKey: 'sk_test_\u0000' } },
    });
    expect(nested.status).toBe(400);
    expect(nested.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'credentials.apiKey' });
    const scalar = await t.gql('query($key: String) { connections(connectorKey: $key) { totalCount } }', { key: 'a\u0000' });
    expect(scalar.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'key' });
    const literal = await t.gql('{ connections(connectorKey: "a\\u0000") { totalCount } }');
    expect(literal.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    const overWs = await watch(client(t), 'query($key: String) { connections(connectorKey: $key) { totalCount } }', { key: '\u0000' }).first;
    expect(overWs.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'key' });
    // `_entities` representations the router would never send.
    for (const representation of [true, -1, 'Connection', { id: connectionId }, { __typename: 'NoSuchType', id: connectionId }, { __typename: 'Query' }]) {
      const res = await t.gql('query($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [representation] });
      expect({ representation, extensions: res.errors?.[0].extensions }).toEqual({
        representation,
        extensions: { code: 'BAD_USER_INPUT', field: 'representations.0' },
      });
    }
    // A subscription over plain HTTP would run its resolver without an event.
    const subscription = await t.gql('subscription { syncRunUpdated { id } }');
    expect(subscription.status).toBe(400);
    expect(subscription.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    const empty = await t.gql('');
    expect(empty.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' });
  });

  it('turns introspection off in production unless INTROSPECTION=true', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "Connection") { name } }']) {
      const res = await prod.gql(query);
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
      const overWs = watch(client(prod), query);
      expect((await overWs.first).errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' });
    }
    // Nor does a typo get the schema's field names suggested back.
    const typo = await prod.gql('{ connectionz { totalCount } }');
    expect(typo.errors?.[0].message).toBe('Cannot query field "connectionz" on type "Query".');
    const typoOverWs = await watch(client(prod), '{ connectionz { totalCount } }').first;
    expect(typoOverWs.errors?.[0].message).toBe('Cannot query field "connectionz" on type "Query".');
    // The router still composes from `_service`.
    const sdl: any = await prod.gql('{ _service { sdl } }', undefined, null);
    expect(sdl.data._service.sdl).toContain('type Connection');
    // Production with INTROSPECTION=true serves it; outside production it is on by default.
    const allowed: any = await t.gql('{ __schema { queryType { name } } }');
    expect(allowed.data.__schema.queryType.name).toBe('Query');
    expect(loadConfig({ NODE_ENV: 'production' }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).introspection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('sends no stack trace, SQL or file path in any production error, over HTTP or WebSocket', async () => {
    const db = prod.service.db;
    await db.query('ALTER TABLE sync_conflict RENAME TO sync_conflict_hidden');
    try {
      const ws = client(prod);
      const answers = [
        await prod.gql('{ connections { totalCount '),
        await prod.gql('{ connections { nope } }'),
        await prod.gql('query($first: Int) { connections(first: $first) { totalCount } }', { first: 'many' }),
        await prod.gql('{ connection(id: "00000000-0000-4000-8000-000000000000") { id } }'),
        await prod.gql('{ apiKeys { totalCount } }', undefined, await gatewayToken('default', ['read:sync'])),
        await prod.gql('{ apiKeys { totalCount } }', undefined, 'hcrm_live_NoSuchKey'),
        await prod.gql('{ syncConflicts { totalCount } }'),
        await watch(ws, '{ syncConflicts { totalCount } }').first,
        await watch(ws, '{ connections { totalCount ').first,
      ];
      const codes = answers.map((a) => a.errors?.[0].extensions?.code);
      expect(codes).toEqual([
        'BAD_USER_INPUT',
        'BAD_USER_INPUT',
        'BAD_USER_INPUT',
        'NOT_FOUND',
        'FORBIDDEN',
        'UNAUTHENTICATED',
        'INTERNAL_SERVER_ERROR',
        'INTERNAL_SERVER_ERROR',
        'BAD_USER_INPUT',
      ]);
      for (const answer of answers) {
        const text = JSON.stringify(answer);
        expect(text).not.toMatch(/stacktrace|exception|\bat \S+ \(|node_modules|\.ts:\d|sync_conflict|relation|SELECT/i);
      }
      expect(answers[6].errors?.[0].message).toBe('Internal server error');
    } finally {
      await db.query('ALTER TABLE sync_conflict_hidden RENAME TO sync_conflict');
    }
  });
});
