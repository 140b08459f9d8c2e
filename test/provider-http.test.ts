import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import pino from 'pino';
import { Dispatcher, fetch } from 'undici';
import { ProviderError } from '../src/connectors/http/provider-error';
import { ProviderHttp, ProviderHttpOptions, ProviderRetryEvent } from '../src/connectors/http/provider-http';
import { RateBudget, RateBudgetExceededError } from '../src/connectors/http/rate-budget';
import { createDataSource } from '../src/assembly/data-source';
import { migrate } from '../src/db/data-source';
import { BadUserInputError } from '../src/errors';
import { assertPublicTarget, BlockedTargetError, createGuardedDispatcher, isPrivateAddress } from '../src/net/target-guard';
import { createTestDatabase } from './support/database';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

interface TestServer {
  url: string;
  /** Arrival time (ms) of every request, in order. */
  arrivals: number[];
}

const servers: http.Server[] = [];

/** A provider stand-in on 127.0.0.1; `handler` sees which request (1, 2, ...) it is answering. */
async function provider(handler: Handler): Promise<TestServer> {
  const arrivals: number[] = [];
  const server = http.createServer((req, res) => {
    arrivals.push(Date.now());
    req.resume();
    req.on('end', () => handler(req, res, arrivals.length));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrivals };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const STRIPE_ERROR = { error: { type: 'api_error', code: 'processing_error', message: 'An error occurred while processing your request.' } };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let budget: RateBudget;
const dispatchers: Dispatcher[] = [];
let openDispatcher: Dispatcher;

function client(overrides: Partial<ProviderHttpOptions> = {}): ProviderHttp {
  return new ProviderHttp({
    provider: 'stripe',
    rateLimit: { limit: 1000, windowSeconds: 1 },
    budget,
    dispatcher: openDispatcher,
    timeoutMs: 1000,
    baseDelayMs: 10,
    maxDelayMs: 200,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const dataSource = createDataSource(database.url, pino({ level: 'silent' }));
  await dataSource.initialize();
  await migrate(dataSource);
  await dataSource.destroy();
  budget = RateBudget.fromUrl(database.url);
  openDispatcher = createGuardedDispatcher(true);
  dispatchers.push(openDispatcher);
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all(dispatchers.map((d) => d.close()));
  await budget?.close();
  await database?.drop();
});

describe('ProviderHttp retries', () => {
  it('waits out a 429 for at least its Retry-After, then succeeds', async () => {
    const server = await provider((_req, res, hit) => (hit === 1 ? json(res, 429, STRIPE_ERROR, { 'retry-after': '1' }) : json(res, 200, { id: 'cus_1' })));
    const retries: ProviderRetryEvent[] = [];
    const response = await client({ maxDelayMs: 2000, onRetry: (e) => retries.push(e) }).request<{ id: string }>({
      method: 'GET',
      url: `${server.url}/v1/customers/cus_1`,
    });
    expect(response.body).toEqual({ id: 'cus_1' });
    expect(server.arrivals[1] - server.arrivals[0]).toBeGreaterThanOrEqual(1000);
    expect(retries).toEqual([expect.objectContaining({ provider: 'stripe', status: 429, attempt: 1, endpoint: `${server.url}/v1/customers/cus_1` })]);
  });

  it('gives up at once with RATE_LIMITED when Retry-After is longer than it may wait', async () => {
    const server = await provider((_req, res) => json(res, 429, STRIPE_ERROR, { 'retry-after': '120' }));
    const error = await failure(client().request({ method: 'GET', url: server.url }));
    expect(server.arrivals).toHaveLength(1);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.extensions()).toMatchObject({ retryAfterSeconds: 120, provider: { name: 'stripe', status: 429 } });
  });

  it('treats Google’s 403 rateLimitExceeded like a 429, and a plain 403 as final', async () => {
    const quota = { error: { code: 403, message: 'Rate Limit Exceeded', status: 'PERMISSION_DENIED', errors: [{ reason: 'rateLimitExceeded' }] } };
    const server = await provider((_req, res, hit) => (hit === 1 ? json(res, 403, quota) : json(res, 200, { ok: true })));
    const response = await client().request({ method: 'GET', url: server.url });
    expect(response.body).toEqual({ ok: true });
    expect(server.arrivals).toHaveLength(2);
    const always = await provider((_req, res) => json(res, 403, quota));
    const exhausted = await failure(client({ maxRetries: 1 }).request({ method: 'GET', url: always.url }));
    expect(exhausted.code).toBe('RATE_LIMITED');
    const denied = await provider((_req, res) =>
      json(res, 403, { error: { code: 403, message: 'Insufficient Permission', errors: [{ reason: 'insufficientPermissions' }] } }),
    );
    const final = await failure(client().request({ method: 'GET', url: denied.url }));
    expect(final.code).toBe('BAD_USER_INPUT');
    expect(denied.arrivals).toHaveLength(1);
  });

  it('retries a 503 and returns the later success', async () => {
    const server = await provider((_req, res, hit) => (hit < 3 ? json(res, 503, { message: 'busy' }) : json(res, 200, { ok: true })));
    const response = await client().request({ method: 'GET', url: server.url, query: { limit: 10, starting_after: undefined } });
    expect(response).toMatchObject({ status: 200, body: { ok: true } });
    expect(server.arrivals).toHaveLength(3);
  });

  it('gives up after maxRetries with the provider code and message from a Stripe error body', async () => {
    const server = await provider((_req, res) => json(res, 500, STRIPE_ERROR));
    const error = await failure(client({ maxRetries: 2 }).request({ method: 'GET', url: server.url }));
    expect(server.arrivals).toHaveLength(3);
    expect(error).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 500, providerCode: 'processing_error', providerMessage: STRIPE_ERROR.error.message });
    expect(error.extensions()).toEqual({ provider: { name: 'stripe', status: 500, code: 'processing_error', message: STRIPE_ERROR.error.message } });
  });

  it('does not retry a 400 and reports it as BAD_USER_INPUT', async () => {
    const server = await provider((_req, res) =>
      json(res, 400, { error: { type: 'invalid_request_error', code: 'parameter_missing', message: 'Missing required param: amount.' } }),
    );
    const error = await failure(client().request({ method: 'POST', url: server.url, form: { currency: 'usd' } }));
    expect(server.arrivals).toHaveLength(1);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: 400, providerCode: 'parameter_missing' });
  });

  it('returns a 401 without retrying so the OAuth layer can refresh', async () => {
    const server = await provider((_req, res) => json(res, 401, { error: 'invalid_token', error_description: 'The access token expired' }));
    const error = await failure(client().request({ method: 'GET', url: server.url }));
    expect(server.arrivals).toHaveLength(1);
    expect(error).toMatchObject({ status: 401, providerCode: 'invalid_token', providerMessage: 'The access token expired' });
  });

  it('uses the per-provider parseError hook', async () => {
    const server = await provider((_req, res) => json(res, 422, { ok: false, reason: { id: 'E42', text: 'bad envelope' } }));
    const parseError = (body: any) => ({ code: body.reason.id, message: body.reason.text });
    const error = await failure(client({ parseError }).request({ method: 'GET', url: server.url }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', providerCode: 'E42', providerMessage: 'bad envelope' });
  });

  it('retries an attempt that times out', async () => {
    const server = await provider((_req, res, hit) =>
      hit === 1 ? setTimeout(() => json(res, 200, { late: true }), 600).unref() : json(res, 200, { late: false }),
    );
    const response = await client({ timeoutMs: 150 }).request({ method: 'GET', url: server.url });
    expect(response.body).toEqual({ late: false });
    expect(server.arrivals).toHaveLength(2);
  });

  it('retries when the provider resets the connection', async () => {
    const server = await provider((req, res, hit) => (hit === 1 ? req.socket.destroy() : json(res, 200, { ok: true })));
    const response = await client().request({ method: 'GET', url: server.url });
    expect(response.body).toEqual({ ok: true });
    expect(server.arrivals).toHaveLength(2);
  });

  it('does not resend a POST after a 5xx unless it carries an Idempotency-Key', async () => {
    const server = await provider((_req, res, hit) => (hit <= 2 ? json(res, 502, STRIPE_ERROR) : json(res, 200, { ok: true })));
    await failure(client().request({ method: 'POST', url: server.url, json: { amount: 100 } }));
    expect(server.arrivals).toHaveLength(1);
    const response = await client().request({ method: 'POST', url: server.url, json: { amount: 100 }, headers: { 'Idempotency-Key': 'k1' } });
    expect(response.body).toEqual({ ok: true });
    expect(server.arrivals).toHaveLength(3);
  });
});

describe('ProviderHttp bodies: binary answers and multipart uploads', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))]);

  it('reads a binary answer as the exact bytes (a PDF is not UTF-8)', async () => {
    const server = await provider((_req, res) => (res.writeHead(200, { 'content-type': 'application/pdf' }), res.end(pdf)));
    const response = await client().request<Buffer>({ method: 'GET', url: server.url, binary: { maxBytes: 10_000 } });
    expect(Buffer.isBuffer(response.body) && response.body.equals(pdf)).toBe(true);
  });

  it('refuses a binary answer over maxBytes by its Content-Length, and when chunked as the bytes pass the limit; never retried', async () => {
    const announced = await provider(
      (_req, res) => (res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(pdf.length) }), res.end(pdf)),
    );
    await expect(client().request({ method: 'GET', url: announced.url, binary: { maxBytes: 1000 } })).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      sizeBytes: pdf.length,
      maxBytes: 1000,
    });
    const chunked = await provider((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.write(pdf.subarray(0, 800));
      setTimeout(() => res.end(pdf.subarray(800)), 20);
    });
    const error = await client()
      .request({ method: 'GET', url: chunked.url, binary: { maxBytes: 1000 } })
      .catch((e) => e);
    expect(error).toMatchObject({ code: 'RESPONSE_TOO_LARGE', maxBytes: 1000 });
    expect(error.sizeBytes).toBeGreaterThan(1000);
    expect(announced.arrivals).toHaveLength(1);
    expect(chunked.arrivals).toHaveLength(1);
  });

  it('still reads an error answer of a binary request as the provider error it is', async () => {
    const server = await provider((_req, res) => json(res, 404, STRIPE_ERROR));
    expect(await failure(client().request({ method: 'GET', url: server.url, binary: { maxBytes: 10 } }))).toMatchObject({
      status: 404,
      providerCode: 'processing_error',
    });
  });

  it('sends multipart/form-data: text fields and a file part with its name and type', async () => {
    let received: { type: string; body: Buffer } | null = null;
    const server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received = { type: String(req.headers['content-type']), body: Buffer.concat(chunks) };
      json(res, 201, { transientDocumentId: 't1' });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const response = await client().request({
      method: 'POST',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      multipart: [
        { name: 'File-Name', value: 'MSA.pdf' },
        { name: 'File', filename: 'MSA.pdf', contentType: 'application/pdf', data: pdf },
      ],
    });
    expect(response.body).toEqual({ transientDocumentId: 't1' });
    expect(received!.type).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(new Uint8Array(received!.body), { headers: { 'content-type': received!.type } }).formData();
    expect(form.get('File-Name')).toBe('MSA.pdf');
    const file = form.get('File') as File;
    expect([file.name, file.type]).toEqual(['MSA.pdf', 'application/pdf']);
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
  });
});

describe('RateBudget', () => {
  it('holds two replicas sharing one database to the policy in total', async () => {
    const replicas = [RateBudget.fromUrl(database.url), RateBudget.fromUrl(database.url)];
    const policy = { limit: 5, windowSeconds: 1 };
    try {
      const start = Date.now();
      const done = await Promise.all(Array.from({ length: 8 }, (_, i) => replicas[i % 2].take('provider:shared', policy).then(() => Date.now() - start)));
      const inFirstSecond = done.filter((ms) => ms < 1000).length;
      expect(inFirstSecond).toBeGreaterThanOrEqual(1);
      expect(inFirstSecond).toBeLessThanOrEqual(5);
      expect(Math.max(...done)).toBeGreaterThanOrEqual(1000);
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });

  it('stops waiting after maxWaitMs with a typed RATE_LIMITED error', async () => {
    const impatient = RateBudget.fromUrl(database.url, { maxWaitMs: 100 });
    try {
      await impatient.take('provider:slow', { limit: 1, windowSeconds: 5 });
      const error = await impatient.take('provider:slow', { limit: 1, windowSeconds: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateBudgetExceededError);
      expect(error).toMatchObject({ code: 'RATE_LIMITED', key: 'provider:slow' });
      expect((error as RateBudgetExceededError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect((error as RateBudgetExceededError).retryAfterSeconds).toBeLessThanOrEqual(5);
    } finally {
      await impatient.close();
    }
  });
});

describe('target guard', () => {
  const refused = ['http://10.0.0.1/', 'http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://localhost/'];

  it.each(refused)('refuses %s unless private targets are allowed', async (url) => {
    const error = await assertPublicTarget(url, false, 'url').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadUserInputError);
    expect(error).toMatchObject({ field: 'url' });
    await expect(assertPublicTarget(url, true, 'url')).resolves.toBeUndefined();
  });

  it.each([
    ['not a url', 'targetUrl'],
    ['ftp://example.com/file', 'config.baseUrl'],
  ])('refuses %s naming the field %s', async (url, field) => {
    for (const allowPrivate of [false, true]) {
      const error = await assertPublicTarget(url, allowPrivate, field).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadUserInputError);
      expect((error as BadUserInputError).extensions()).toEqual({ field });
    }
  });

  it('classifies addresses, including IPv4 inside IPv6 and the metadata endpoints', () => {
    for (const ip of [
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '0.0.0.0',
      '100.64.0.1',
      '169.254.169.254',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      '64:ff9b::a00:1',
      '2002:a00:1::1',
      'not-an-ip',
    ]) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) {
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false]);
    }
  });

  it('refuses to connect to a private address at connect time, by literal and by name', async () => {
    const server = await provider((_req, res) => json(res, 200, { ok: true }));
    const port = new URL(server.url).port;
    const guarded = createGuardedDispatcher(false);
    dispatchers.push(guarded);
    for (const url of [server.url, `http://localhost:${port}/`]) {
      const error = await fetch(url, { dispatcher: guarded }).catch((e: unknown) => e);
      expect((error as Error).cause).toBeInstanceOf(BlockedTargetError);
      expect((error as Error).cause).toMatchObject({ code: 'BLOCKED_TARGET' });
    }
    expect(server.arrivals).toHaveLength(0);

    const allowed = await fetch(server.url, { dispatcher: openDispatcher });
    expect(allowed.status).toBe(200);
    await allowed.body?.cancel();
  });

  it('turns a blocked target into a BAD_USER_INPUT ProviderError without retrying', async () => {
    const server = await provider((_req, res) => json(res, 200, { ok: true }));
    const guarded = createGuardedDispatcher(false);
    dispatchers.push(guarded);
    const error = await failure(client({ dispatcher: guarded }).request({ method: 'GET', url: server.url }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: null, providerCode: 'BLOCKED_TARGET' });
    expect(server.arrivals).toHaveLength(0);
  });
});
