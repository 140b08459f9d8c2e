import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, startTestService, TestService } from './support/service';

/**
 * A router in callback mode (Apollo's HTTP callback protocol): the subscription is POSTed with
 * extensions.subscription, the subgraph confirms with `check`, then POSTs `next` messages to the
 * router's callback URL, fed by the same LISTEN/NOTIFY as graphql-ws.
 */
describe('subscriptions over the HTTP callback protocol', () => {
  let t: TestService;
  let router: Server;
  let callbackUrl: string;
  const messages: any[] = [];

  beforeAll(async () => {
    t = await startTestService();
    router = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        messages.push(JSON.parse(body));
        res.writeHead(204, { 'subscription-protocol': 'callback/1.0' }).end();
      });
    });
    await new Promise<void>((r) => router.listen(0, '127.0.0.1', r));
    callbackUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}/callback/sub-1`;
  });
  afterAll(async () => {
    await t.stop();
    router.closeAllConnections();
    await new Promise((r) => router.close(r));
  });

  it('confirms with check, then sends a next message for a committed change', async () => {
    const connectionId = await seed.connection(t.service.db, 'default', { status: 'CONNECTED' });
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json;callbackSpec=1.0', authorization: `Bearer ${BOOTSTRAP_KEY}` },
      body: JSON.stringify({
        query: 'subscription($id: ID) { connectionStatusChanged(connectionId: $id) { id status } }',
        variables: { id: connectionId },
        extensions: { subscription: { callbackUrl, subscriptionId: 'sub-1', verifier: 'v-123', heartbeatIntervalMs: 0 } },
      }),
    });
    expect(response.status).toBe(200);
    await waitFor(() => messages.some((m) => m.action === 'check'));
    expect(messages.find((m) => m.action === 'check')).toMatchObject({ kind: 'subscription', id: 'sub-1', verifier: 'v-123' });

    const pg = new Client({ connectionString: t.databaseUrl });
    await pg.connect();
    await pg.query('BEGIN');
    await pg.query(`UPDATE connection SET status = 'EXPIRED' WHERE id = $1`, [connectionId]);
    await pg.query(`SELECT pg_notify('integration_changes', $1)`, [JSON.stringify({ topic: 'connection', organizationId: 'default', id: connectionId })]);
    await pg.query('COMMIT');
    await pg.end();

    await waitFor(() => messages.some((m) => m.action === 'next'));
    expect(messages.find((m) => m.action === 'next')).toMatchObject({
      kind: 'subscription',
      id: 'sub-1',
      verifier: 'v-123',
      payload: { data: { connectionStatusChanged: { id: connectionId, status: 'EXPIRED' } } },
    });
  });
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
