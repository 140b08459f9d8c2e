import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Client as WsClient } from 'graphql-ws';
import { Client } from 'pg';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, gatewayToken, startReplica, startTestService, TestService } from './support/service';
import { notifyChange, notifyUntil, watch, wsClient } from './support/ws-client';

/**
 * A router in callback mode (Apollo's HTTP callback protocol): the subscription is POSTed with
 * extensions.subscription, the subgraph confirms with `check`, then POSTs `next` messages to the
 * router's callback URL, fed by the same LISTEN/NOTIFY as graphql-ws, and `complete` at the end.
 * Errors on this path read exactly as over HTTP and graphql-ws: the one error formatter.
 */
describe('subscriptions over the HTTP callback protocol', () => {
  let t: TestService;
  let router: Server;
  let routerUrl: string;
  /** Every callback message the router received, in order, whatever its subscription id. */
  const messages: any[] = [];
  /** How the router answers a subscription's messages, by id and action (204 when not set). */
  const answers: Record<string, Partial<Record<'check' | 'next' | 'complete', number>>> = {};
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await startTestService();
    router = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const message = JSON.parse(body);
        messages.push({ ...message, protocol: req.headers['subscription-protocol'] });
        res.writeHead(answers[message.id]?.[message.action as 'check'] ?? 204, { 'subscription-protocol': 'callback/1.0' }).end();
      });
    });
    await new Promise<void>((r) => router.listen(0, '127.0.0.1', r));
    routerUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.dispose()));
    await t.stop();
    router.closeAllConnections();
    await new Promise((r) => router.close(r));
  });

  /** POSTs a subscription as a router in callback mode does, under its own subscription id. */
  const subscribe = (id: string, query: string, token: string = BOOTSTRAP_KEY, variables: Record<string, unknown> = {}, heartbeatIntervalMs = 0, service = t) =>
    fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json;callbackSpec=1.0', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query,
        variables,
        extensions: { subscription: { callbackUrl: `${routerUrl}/callback/${id}`, subscriptionId: id, verifier: `v-${id}`, heartbeatIntervalMs } },
      }),
    });
  const of = (id: string, action?: string) => messages.filter((m) => m.id === id && (!action || m.action === action)).map(({ protocol: _, ...m }) => m);
  /** NOTIFYs a committed run change `times` times, a little apart. */
  const runChanged = async (runId: string, times = 5) => {
    for (let i = 0; i < times; i++) {
      await notifyChange(t.service.db, { topic: 'sync_run', organizationId: 'default', id: runId });
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let runId: string;
  beforeAll(async () => {
    runId = await seed.syncRun(t.service.db, 'default', await seed.syncConfig(t.service.db, 'default', await seed.connection(t.service.db, 'default')));
  });

  /** The same subscription over graphql-ws, for comparison: its errors are the reference. */
  const overWebSocket = (query: string, token: string) => {
    const socket = wsClient(t.url, token);
    sockets.push(socket);
    return watch(socket, query);
  };

  it('confirms with check, then sends a next message for a committed change', async () => {
    const connectionId = await seed.connection(t.service.db, 'default', { status: 'CONNECTED' });
    const response = await subscribe('sub-1', 'subscription($id: ID) { connectionStatusChanged(connectionId: $id) { id status } }', BOOTSTRAP_KEY, {
      id: connectionId,
    });
    expect(response.status).toBe(200);
    await waitFor(() => of('sub-1', 'check').length > 0);
    expect(of('sub-1', 'check')[0]).toEqual({ kind: 'subscription', action: 'check', id: 'sub-1', verifier: 'v-sub-1' });
    expect(messages.find((m) => m.id === 'sub-1').protocol).toBe('callback/1.0');

    const pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
    await pg.query('BEGIN');
    await pg.query(`UPDATE connection SET status = 'EXPIRED' WHERE id = $1`, [connectionId]);
    await pg.query(`SELECT pg_notify('integration_changes', $1)`, [JSON.stringify({ topic: 'connection', organizationId: 'default', id: connectionId })]);
    await pg.query('COMMIT');
    await pg.end();

    await waitFor(() => of('sub-1', 'next').length > 0);
    expect(of('sub-1', 'next')[0]).toEqual({
      kind: 'subscription',
      action: 'next',
      id: 'sub-1',
      verifier: 'v-sub-1',
      payload: { data: { connectionStatusChanged: { id: connectionId, status: 'EXPIRED' } } },
    });
  });

  it('completes a subscription the key may not read with FORBIDDEN and requiredScopes, as graphql-ws answers', async () => {
    const token = await gatewayToken('default', ['read:connections']);
    const response = await subscribe('no-scope', 'subscription { syncRunUpdated { id } }', token);
    expect(response.status).toBe(200);
    await waitFor(() => of('no-scope', 'complete').length > 0);
    const complete = of('no-scope', 'complete')[0];
    expect(complete.errors).toEqual([
      {
        message: 'Missing scope: requires read:sync',
        locations: [{ line: 1, column: 16 }],
        path: ['syncRunUpdated'],
        extensions: { code: 'FORBIDDEN', requiredScopes: ['read:sync'] },
      },
    ]);
    expect(of('no-scope', 'next')).toEqual([]);

    const ws = overWebSocket('subscription { syncRunUpdated { id } }', token);
    const reference = (await ws.first).errors;
    expect(complete.errors).toEqual(reference);
  });

  it('sends an unexpected failure as INTERNAL_SERVER_ERROR without the database text, as graphql-ws does', async () => {
    const ws = overWebSocket('subscription { syncRunUpdated { id } }', BOOTSTRAP_KEY);
    const response = await subscribe('bad-notice', 'subscription { syncRunUpdated { id } }');
    expect(response.status).toBe(200);
    await waitFor(() => of('bad-notice', 'check').length > 0);

    // A notice whose id is not a uuid: loading its row fails inside Postgres.
    await notifyUntil(
      () => notifyChange(t.service.db, { topic: 'sync_run', organizationId: 'default', id: 'not-a-uuid' }),
      () => of('bad-notice', 'next').length > 0 && ws.received.length > 0,
    );
    const next = of('bad-notice', 'next')[0];
    expect(JSON.stringify(next)).not.toMatch(/uuid|syntax/);
    expect(next.payload).toEqual({
      data: null,
      errors: [
        { message: 'Internal server error', locations: [{ line: 1, column: 16 }], path: ['syncRunUpdated'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ],
    });
    expect(next.payload).toEqual(ws.received[0]);
  });

  it('answers an operation over the limits with a 400 and starts no subscription for it', async () => {
    // syncRunUpdated, syncConfig, then connection / syncConfigs alternating: 11 levels.
    let selection = 'id';
    for (let level = 9; level >= 1; level--) selection = `${level % 2 ? 'connection' : 'syncConfigs'} { ${selection} }`;
    const response = await subscribe('too-deep', `subscription { syncRunUpdated { syncConfig { ${selection} } } }`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'depth' });
    // Nothing runs behind the refusal: no check, and no next however many notices come.
    await runChanged(runId);
    expect(of('too-deep')).toEqual([]);
  });

  it('fails the request with a 400 when the callback URL does not confirm, and subscribes nothing', async () => {
    answers['unconfirmed'] = { check: 404 };
    const response = await subscribe('unconfirmed', 'subscription { syncRunUpdated { id } }');
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors).toEqual([
      {
        message: 'The callback URL did not confirm the subscription (check answered 404)',
        extensions: { code: 'BAD_USER_INPUT', field: 'extensions.subscription.callbackUrl' },
      },
    ]);
    await runChanged(runId);
    expect(of('unconfirmed').map((m) => m.action)).toEqual(['check']);
  });

  it('answers a subscription extension without a usable callback URL with BAD_USER_INPUT', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BOOTSTRAP_KEY}` },
      body: JSON.stringify({
        query: 'subscription { syncRunUpdated { id } }',
        extensions: { subscription: { callbackUrl: 'file:///etc/passwd', subscriptionId: 'x', verifier: 'v' } },
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'extensions.subscription' });
  });

  it('ends a subscription whose router answers a next with 404, without a complete', async () => {
    answers['left'] = { next: 404 };
    await subscribe('left', 'subscription { syncRunUpdated { id } }');
    await waitFor(() => of('left', 'check').length > 0);
    await notifyUntil(
      () => notifyChange(t.service.db, { topic: 'sync_run', organizationId: 'default', id: runId }),
      () => of('left', 'next').length > 0,
    );
    await runChanged(runId);
    expect(of('left').map((m) => m.action)).toEqual(['check', 'next']);
  });

  it('sends a check every heartbeat interval, and ends the subscription once the router answers one with 404', async () => {
    await subscribe('beating', 'subscription { syncRunUpdated { id } }', BOOTSTRAP_KEY, {}, 100);
    await waitFor(() => of('beating', 'check').length >= 3);
    expect(messages.filter((m) => m.id === 'beating').every((m) => m.protocol === 'callback/1.0')).toBe(true);
    answers['beating'] = { check: 404 };
    const checks = of('beating', 'check').length;
    await waitFor(() => of('beating', 'check').length > checks);
    await new Promise((r) => setTimeout(r, 300));
    await runChanged(runId);
    expect(of('beating', 'next')).toEqual([]);
    expect(of('beating', 'check').length).toBe(checks + 1);
  });

  it('completes its open subscriptions when a replica shuts down', async () => {
    const replica = await startReplica(t);
    try {
      await subscribe('draining', 'subscription { syncRunUpdated { id } }', BOOTSTRAP_KEY, {}, 0, replica);
      await waitFor(() => of('draining', 'check').length > 0);
    } finally {
      await replica.stop();
    }
    expect(of('draining').map((m) => m.action)).toEqual(['check', 'complete']);
  });
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
