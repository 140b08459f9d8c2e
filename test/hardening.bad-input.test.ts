import { request } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '../src/logger';
import { BOOTSTRAP_KEY, startTestService, TestService } from './support/service';
import { frameSocket } from './support/ws-client';

/** `{"a":{"a":…1}}` nested `levels` deep, as text: the shape of the unauthenticated freeze. */
const deepJsonText = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const deepJson = (levels: number) => JSON.parse(deepJsonText(levels));

const SUGGEST = `query($s:[JSON!]){
  suggestFieldMappings(source:{object:"x",fields:[{name:"a",sampleValues:$s}]}, target:{object:"account",fields:[{name:"name"}]}){ sourceField } }`;

/** A raw POST /graphql: the body as given (no re-serialisation), no Authorization unless asked. */
function post(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('bad input never hurts', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ NODE_ENV: 'development' });
  });
  afterAll(() => t?.stop());

  describe('deeply nested JSON is refused before authentication, in linear time', () => {
    it('100,000 levels without credentials: BAD_USER_INPUT, and /readyz answers meanwhile', async () => {
      const body = JSON.stringify({ query: SUGGEST, variables: { s: [{}] } }).replace('[{}]', `[${deepJsonText(100_000)}]`);
      expect(body.length).toBeGreaterThan(500_000);
      expect(body.length).toBeLessThan(1024 * 1024);
      const [res, ready] = await Promise.all([post(t.url, body), fetch(`${t.url}/readyz`)]);
      expect(ready.status).toBe(200);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'JSON_TOO_DEEP' });
      // No timed assertion here (figures live in bench/): the freeze this guards against took 100 s,
      // which the test's own timeout catches; the linear scan answers in a few ms.
    });

    it('the same body through the Express path (chunked) is refused the same way', async () => {
      const body = JSON.stringify({ query: SUGGEST, variables: { s: [{}] } }).replace('[{}]', `[${deepJsonText(5_000)}]`);
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8; x=1' }, // not the direct path's plain type
        body,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'JSON_TOO_DEEP' });
    });

    it('a JSON value deeper than 64 levels inside an allowed body is BAD_USER_INPUT naming the variable', async () => {
      const res = await t.gql(SUGGEST, { s: [deepJson(70)] });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 's.0' });
      expect(res.errors?.[0].message).toContain('deeper than 64 levels');
      const fine = await t.gql(SUGGEST, { s: [deepJson(60)] });
      expect(fine.errors).toBeUndefined();
    });

    it('a field mapping whose rule defaultValue nests 20,000 levels: BAD_USER_INPUT, not a stack overflow', async () => {
      const input = {
        name: 'deep',
        sourceObject: 'customer',
        targetObject: 'account',
        rules: [{ sourceField: 'name', targetField: 'name', defaultValue: {} }],
      };
      const body = JSON.stringify({
        query: 'mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }',
        variables: { input },
      }).replace('"defaultValue":{}', `"defaultValue":${deepJsonText(20_000)}`);
      const res = await post(t.url, body, { authorization: `Bearer ${BOOTSTRAP_KEY}` });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      // At 80 levels the body passes, and the JSON value's own limit names the field.
      const deepValue = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
        input: { ...input, rules: [{ ...input.rules[0], defaultValue: deepJson(80) }] },
      });
      expect(deepValue.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.0.defaultValue' });
    });
  });

  describe('a lone surrogate in JSON', () => {
    it('is BAD_USER_INPUT naming the field, never a database error', async () => {
      const body =
        '{"query":"mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }","variables":{"input":{"type":"a.b","data":{"k":"\\ud800"}}}}';
      const res = await post(t.url, body, { authorization: `Bearer ${BOOTSTRAP_KEY}` });
      const error = JSON.parse(res.text).errors[0];
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'data' });
      expect(error.message).toContain('lone UTF-16 surrogate');
    });

    it('as an object key, too', async () => {
      const body =
        '{"query":"mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }","variables":{"input":{"type":"a.b","data":{"\\udc00":1}}}}';
      const res = await post(t.url, body, { authorization: `Bearer ${BOOTSTRAP_KEY}` });
      expect(JSON.parse(res.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'data' });
    });

    it('a well-formed pair (an emoji) is stored as sent', async () => {
      const res = await t.gql<any>('mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }', {
        input: { type: 'a.b', data: { k: 'ok \u{1F600}' } },
      });
      expect(res.errors).toBeUndefined();
    });
  });

  it('a log line of a failed statement carries its SQL but never its parameters', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', 'test', sink);
    // A real failed statement on the real database (TypeORM's QueryFailedError), logged as the
    // services log an unexpected error.
    const secret = 'sk_live_parameter_value_1234';
    const error = await t.service.db.query('SELECT $1::int AS n', [secret]).catch((e: unknown) => e);
    expect((error as { parameters?: unknown[] }).parameters).toEqual([secret]);
    log.error({ err: error }, 'unexpected error');
    expect(lines.join('')).toContain('SELECT $1::int');
    expect(lines.join('')).not.toContain(secret);
    expect(lines.join('')).toContain('invalid input syntax for type integer: \\"[parameter]\\"');
  });

  describe("a bad persisted-query hash is the client's error", () => {
    it.each([
      ['a hash that does not match the query', { query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: 'bad' } } }],
      ['an unknown hash with no query', { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }],
      ['an unsupported version', { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'bad' } } }],
    ])('%s', async (_name, body) => {
      const res = await post(t.url, JSON.stringify(body), { authorization: `Bearer ${BOOTSTRAP_KEY}` });
      const code = JSON.parse(res.text).errors[0].extensions.code;
      expect(['BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']).toContain(code);
      expect(res.status).toBeLessThan(500);
    });
  });

  describe('HTTP errors show no stack and no path, in every NODE_ENV', () => {
    let prod: TestService;
    beforeAll(async () => {
      prod = await startTestService({ NODE_ENV: 'production' });
    });
    afterAll(() => prod?.stop());

    it.each(['/dashboard/..%2f..%2fpackage.json', '/dashboard/%00', '/dashboard/%E0%A4%A', '/dashboard/nope.js', '/no-such-route'])('%s', async (route) => {
      for (const service of [t, prod]) {
        const res = await fetch(`${service.url}${route}`);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const text = await res.text();
        expect(text.length).toBeLessThan(200);
        expect(text).not.toMatch(/\bat \S+ \(|node_modules|\/work\/|Error:/);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      }
    });
  });

  describe('over graphql-ws, the same answers as over HTTP', () => {
    it('deep JSON: BAD_USER_INPUT for the operation, and the socket stays open', async () => {
      const ws = await frameSocket(t.url, BOOTSTRAP_KEY);
      const deep = await ws.operation('1', `{"query":${JSON.stringify(SUGGEST)},"variables":{"s":[${deepJsonText(100_000)}]}}`);
      expect(deep.type).toBe('error');
      expect(deep.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'JSON_TOO_DEEP' });
      const value = await ws.operation('2', JSON.stringify({ query: SUGGEST, variables: { s: [deepJson(70)] } }));
      expect(value.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 's.0' });
      const fine = await ws.operation('3', JSON.stringify({ query: '{ connections { totalCount } }' }));
      expect(fine.type).toBe('next');
      ws.close();
    });

    it('a null for a non-null variable: BAD_USER_INPUT naming it, as over HTTP', async () => {
      const query = 'query($id: ID!) { connection(id: $id) { id } }';
      const http = await t.gql(query, { id: null });
      const ws = await frameSocket(t.url, BOOTSTRAP_KEY);
      const overWs = await ws.operation('1', JSON.stringify({ query, variables: { id: null } }));
      ws.close();
      expect(overWs.type).toBe('error');
      expect(overWs.payload[0].extensions).toEqual(http.errors![0].extensions);
      expect(overWs.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
      expect(overWs.payload[0].message).toBe(http.errors![0].message);
    });

    it('a lone surrogate: BAD_USER_INPUT naming the field', async () => {
      const ws = await frameSocket(t.url, BOOTSTRAP_KEY);
      const res = await ws.operation(
        '1',
        '{"query":"mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }","variables":{"input":{"type":"a.b","data":{"k":"\\ud800"}}}}',
      );
      ws.close();
      expect(res.type).toBe('error');
      expect(res.payload[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'data' });
    });

    it('a client `next` frame closes the socket with 4400, not 4500', async () => {
      const ws = await frameSocket(t.url, BOOTSTRAP_KEY);
      ws.send(JSON.stringify({ id: '1', type: 'next', payload: { data: {} } }));
      expect(await ws.closed).toEqual({ code: 4400, reason: 'Unexpected message of type next received' });
    });
  });
});
