import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { RESPONSE_BODY_LIMIT, SendResult, WebhookSender } from '../src/webhooks/webhook-sender';
import { generateWebhookSecret, secretHint, signDelivery } from '../src/webhooks/webhook-signer';

interface Hit {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on 127.0.0.1 whose routes each test sets; it records every request and connection. */
class TestServer {
  readonly hits: Hit[] = [];
  connections = 0;
  private server!: Server;
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {};

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.hits.push({ method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const route = this.routes[req.url!] ?? ((_q, r) => r.writeHead(404).end());
      route(req, res);
    });
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string, host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('webhook signing (Standard Webhooks)', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'opportunity.won', timestamp: '2025-06-01T12:00:00Z', data: { amount: 1500 } });

  it('generates whsec_ secrets of 32 random bytes and hints at them by their last 4 characters', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    expect(secretHint(secret)).toBe(`whsec_…${secret.slice(-4)}`);
    expect(secretHint(secret)).not.toContain(secret.slice(6, 20));
  });

  it('produces the three headers, which the standardwebhooks library verifies', () => {
    const secret = generateWebhookSecret();
    const timestamp = new Date();
    const headers = signDelivery({ messageId: 'msg_abc', timestamp, body, secrets: [secret] });
    expect(Object.keys(headers).sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['webhook-id']).toBe('msg_abc');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(secret).verify(body.replace('1500', '1501'), headers)).toThrow('No matching signature found');
  });

  it('signs with both secrets during a rotation, and each secret alone verifies', () => {
    const current = generateWebhookSecret();
    const previous = generateWebhookSecret();
    const headers = signDelivery({ messageId: randomUUID(), timestamp: new Date(), body, secrets: [current, previous] });
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(signatures[0]).toBe(
      signDelivery({ messageId: headers['webhook-id'], timestamp: new Date(Number(headers['webhook-timestamp']) * 1000), body, secrets: [current] })[
        'webhook-signature'
      ],
    );
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('refuses to sign without a secret', () => {
    expect(() => signDelivery({ messageId: 'm', timestamp: new Date(), body, secrets: [] })).toThrow();
  });
});

describe('webhook sender', () => {
  let server: TestServer;
  let sender: WebhookSender;
  const post = (url: string, extra: Partial<Parameters<WebhookSender['send']>[0]> = {}): Promise<SendResult> =>
    sender.send({ url, headers: { 'webhook-id': 'msg_1' }, body: '{"hello":"world"}', allowPrivateTargets: true, ...extra });

  beforeEach(async () => {
    server = await new TestServer().start();
    sender = new WebhookSender();
  });
  afterEach(async () => {
    await sender.close();
    await server.stop();
  });

  it('POSTs JSON with the signing headers and a user-agent; a 2xx is ok', async () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'contact.created', timestamp: new Date().toISOString(), data: { name: 'Ada' } });
    server.routes['/hooks?x=1'] = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    const headers = signDelivery({ messageId: 'msg_2', timestamp: new Date(), body, secrets: [secret] });
    const result = await sender.send({ url: server.url('/hooks?x=1'), headers, body, allowPrivateTargets: true });

    expect(result).toMatchObject({ status: 200, body: 'thanks', ok: true, error: null, retryAfterMs: null });
    expect(result.durationMs).toBeGreaterThan(0);
    const [hit] = server.hits;
    expect(hit.method).toBe('POST');
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['user-agent']).toMatch(/^HotCRM-Webhooks\//);
    expect(hit.body).toBe(body);
    // What arrived is verifiable by an off-the-shelf receiver.
    expect(new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>)).toEqual(JSON.parse(body));
  });

  it.each([201, 202, 204])('treats %p as success', async (status) => {
    server.routes['/ok'] = (_req, res) => res.writeHead(status).end();
    expect(await post(server.url('/ok'))).toMatchObject({ status, ok: true, error: null, body: '' });
  });

  it.each([400, 404, 410, 500])('reports %p as a failure with the response body and no transport error', async (status) => {
    server.routes['/fail'] = (_req, res) => res.writeHead(status).end(`status ${status}`);
    expect(await post(server.url('/fail'))).toMatchObject({ status, ok: false, error: null, body: `status ${status}` });
  });

  it.each([301, 302, 307, 308])('does not follow a %p redirect: it is a failure', async (status) => {
    server.routes['/moved'] = (_req, res) => res.writeHead(status, { location: server.url('/elsewhere') }).end();
    server.routes['/elsewhere'] = (_req, res) => res.writeHead(200).end('followed');
    const result = await post(server.url('/moved'));
    expect(result).toMatchObject({ status, ok: false, error: `redirect (${status}) not followed` });
    expect(server.hits.map((h) => h.path)).toEqual(['/moved']);
  });

  it('keeps only the first 4 KiB of the response and stops reading a huge one', async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let closedEarly = false;
    server.routes['/huge'] = (_req, res) => {
      res.writeHead(200, { 'content-length': String(total) });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      res.on('close', () => (closedEarly = written < total));
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const result = await post(server.url('/huge'));
    expect(result).toMatchObject({ status: 200, ok: true, error: null });
    expect(result.body).toHaveLength(RESPONSE_BODY_LIMIT);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the server see the connection close
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(total / 4);
  });

  it('does not cut a multi-byte character in half at the 4 KiB limit', async () => {
    server.routes['/utf8'] = (_req, res) => res.writeHead(200).end('a' + 'é'.repeat(5000));
    const result = await post(server.url('/utf8'));
    expect(Buffer.byteLength(result.body!)).toBe(RESPONSE_BODY_LIMIT - 1);
    expect(result.body).toBe('a' + 'é'.repeat(2047));
  });

  it('times out a server that never answers', async () => {
    server.routes['/slow'] = () => undefined; // never responds
    const result = await post(server.url('/slow'), { timeoutMs: 300 });
    expect(result).toMatchObject({ status: null, body: null, ok: false, error: 'timed out after 300 ms' });
  });

  it('times out a response whose body never ends, even after a 200', async () => {
    server.routes['/trickle'] = (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    };
    const result = await post(server.url('/trickle'), { timeoutMs: 300 });
    expect(result).toMatchObject({ status: 200, ok: false, error: 'timed out after 300 ms reading the response body' });
  });

  it('reports Retry-After on 429 (delta-seconds) and 503 (HTTP-date)', async () => {
    server.routes['/busy'] = (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down');
    expect(await post(server.url('/busy'))).toMatchObject({ status: 429, ok: false, retryAfterMs: 7000, body: 'slow down' });
    const at = new Date(Date.now() + 3_600_000).toUTCString();
    server.routes['/down'] = (_req, res) => res.writeHead(503, { 'retry-after': at }).end();
    const result = await post(server.url('/down'));
    expect(result.status).toBe(503);
    expect(result.retryAfterMs).toBeGreaterThan(3_590_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(3_600_000);
  });

  it('reports a refused connection without throwing', async () => {
    const port = server.port;
    await server.stop();
    server = await new TestServer().start(); // afterEach stops this one
    const result = await post(`http://127.0.0.1:${port}/gone`);
    expect(result).toMatchObject({ status: null, body: null, ok: false, retryAfterMs: null });
    expect(result.error).toMatch(/^connection refused/);
  });

  it('reports an unresolvable host and an invalid URL without throwing', async () => {
    const unresolvable = await post('http://no-such-host.invalid/hooks', { allowPrivateTargets: false });
    expect(unresolvable).toMatchObject({ status: null, ok: false });
    expect(unresolvable.error).toMatch(/ENOTFOUND/);
    expect(await post('not a url')).toMatchObject({ status: null, ok: false, error: 'invalid target URL' });
    expect(await post('ftp://example.com/x')).toMatchObject({ status: null, ok: false, error: 'invalid target URL' });
  });

  it.each([
    ['a loopback literal', '127.0.0.1', /Refusing to connect to 127\.0\.0\.1/],
    ['an IPv6 loopback literal', '[::1]', /Refusing to connect to ::1/],
    ['a name resolving to loopback', 'localhost', /Refusing to connect to localhost \((127\.0\.0\.1|::1)\)/],
  ])('refuses %s at connect time unless private targets are allowed', async (_what, host, message) => {
    server.routes['/hooks'] = (_req, res) => res.writeHead(204).end();
    const refused = await post(server.url('/hooks', host), { allowPrivateTargets: false });
    expect(refused).toMatchObject({ status: null, ok: false });
    expect(refused.error).toMatch(message);
    expect(server.hits).toHaveLength(0);
    if (host === '127.0.0.1' || host === 'localhost') {
      expect(await post(server.url('/hooks', host), { allowPrivateTargets: true })).toMatchObject({ status: 204, ok: true });
    }
  });

  it('reuses kept-alive connections across deliveries', async () => {
    server.routes['/hooks'] = (_req, res) => res.writeHead(204).end();
    // undici may open a second socket while the first is being returned to the pool; not 20.
    for (let i = 0; i < 20; i++) expect((await post(server.url('/hooks'))).ok).toBe(true);
    expect(server.connections).toBeLessThanOrEqual(2);
    const burst = await Promise.all(Array.from({ length: 50 }, () => post(server.url('/hooks'))));
    expect(burst.every((r) => r.ok)).toBe(true);
    const afterBurst = server.connections;
    for (let i = 0; i < 20; i++) expect((await post(server.url('/hooks'))).ok).toBe(true);
    expect(server.connections).toBe(afterBurst);
    expect(server.hits).toHaveLength(90);
  });

  it('reports sends after close as errors instead of throwing', async () => {
    await sender.close();
    expect(await post(server.url('/hooks'))).toMatchObject({ status: null, ok: false, error: 'the webhook sender is closed' });
  });
});
