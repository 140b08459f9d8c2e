import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { removeDataDir, restartEmbeddedPostgres, ServiceProcess, spawnService, waitUntil } from './support/process';

/**
 * The built service as a real process on its embedded PostgreSQL: what `npm start` gives a new
 * user, surviving a database restart, and stopping cleanly on SIGTERM.
 */
describe('the service process on embedded PostgreSQL', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let key: string;

  const query = async (svc: ServiceProcess, q: string) => {
    const res = await fetch(`${svc.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: q }),
    });
    return (await res.json()) as any;
  };
  const databaseUrl = (svc: ServiceProcess) => {
    const port = readFileSync(path.join(svc.dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3];
    return `postgres://postgres:postgres@127.0.0.1:${port}/integration`;
  };

  beforeAll(async () => {
    // Two instances with their own data dirs side by side; neither takes 5432.
    [a, b] = await Promise.all([spawnService({ NODE_ENV: 'development' }), spawnService({ NODE_ENV: 'development' })]);
    key = /hcrm_test_[1-9A-HJ-NP-Za-km-z]+/.exec(a.output())![0];
  }, 120_000);
  afterAll(async () => {
    for (const svc of [a, b]) {
      if (!svc) continue;
      if (svc.child.exitCode === null) {
        svc.child.kill('SIGTERM');
        await svc.exited;
      }
      removeDataDir(svc.dataDir);
    }
  });

  it('prints a bootstrap key once on first start and says it runs on embedded Postgres', async () => {
    expect(a.output()).toContain('shown only this once');
    expect(a.output()).toContain('DATABASE_URL is unset: running on an embedded PostgreSQL');
    expect(databaseUrl(a)).not.toContain(':5432/');
    expect(databaseUrl(a)).not.toBe(databaseUrl(b));
    const res = await query(a, '{ connectors { key } connections { totalCount } }');
    expect(res.data.connectors).toHaveLength(11);
    expect(res.data.connections.totalCount).toBe(0);
  });

  it('never writes the key or credentials to its logs, only to the one-time notice', async () => {
    const lines = a
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.includes(key))).toEqual([]);
    expect(lines.filter((line) => line.includes('postgres:postgres@'))).toEqual([]);
  });

  it('recovers after PostgreSQL restarts, queries and subscriptions alike, without being restarted', async () => {
    const received: any[] = [];
    let connected = false;
    const ws = createClient({
      url: a.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      lazy: false,
      on: { connected: () => (connected = true) },
    });
    ws.subscribe(
      { query: 'subscription { connectionStatusChanged { id status } }' },
      { next: (m) => received.push(m), error: () => undefined, complete: () => undefined },
    );
    // The subscription is registered before the database goes away.
    await waitUntil(() => connected, 10_000);
    await new Promise((r) => setTimeout(r, 300));

    await restartEmbeddedPostgres(a.dataDir);
    await waitUntil(async () => (await query(a, '{ connections { totalCount } }').catch(() => null))?.data?.connections?.totalCount === 0, 30_000);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);

    // A change committed after the restart still reaches the subscriber (LISTEN was re-issued).
    const notify = async (sql: string, params: unknown[]) => {
      const pg = new Client({ connectionString: databaseUrl(a) });
      pg.on('error', () => undefined);
      await pg.connect();
      try {
        return (await pg.query(sql, params)).rows;
      } finally {
        await pg.end();
      }
    };
    const [{ id }] = await notify(
      `INSERT INTO connection (organization_id, connector_key, name, auth_type, status)
        VALUES ('default', 'stripe', 'after restart', 'API_KEY', 'ERROR') RETURNING id`,
      [],
    );
    await waitUntil(
      async () => {
        await notify(`SELECT pg_notify('integration_changes', $1)`, [JSON.stringify({ topic: 'connection', organizationId: 'default', id })]).catch(
          () => undefined,
        );
        await new Promise((r) => setTimeout(r, 250));
        return received.length > 0;
      },
      20_000,
      () => a.output().split('\n').slice(-30).join('\n'),
    );
    await ws.dispose();
    expect(received[0].data.connectionStatusChanged).toEqual({ id, status: 'ERROR' });
  }, 90_000);

  it('stops on SIGTERM: exit code 0 and the embedded PostgreSQL shut down', async () => {
    b.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(existsSync(path.join(b.dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(b.output()).toContain('"msg":"stopped"');
  }, 30_000);

  it('keeps its data and its key across a restart on the same data dir', async () => {
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    a = await spawnService({ NODE_ENV: 'development', INTEGRATION_DATA_DIR: a.dataDir });
    expect(a.output()).not.toContain('shown only this once');
    const res = await query(a, '{ connections { edges { node { name } } } }');
    expect(res.data.connections.edges.map((e: any) => e.node.name)).toEqual(['after restart']);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
  }, 90_000);
});
