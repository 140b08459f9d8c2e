import { startTestService, TestService } from './support/service';

/** Liveness, readiness and Prometheus metrics beside /graphql. */
describe('health and metrics endpoints', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('answers /healthz and /readyz with the database and queue checked', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', queue: 'ok' } });
  });

  it('serves Prometheus text whose GraphQL and SQL counters move with work', async () => {
    const sample = async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
      return {
        text,
        queries: value('integration_db_queries_total'),
        graphql: value('integration_graphql_requests_total\\{operation_type="query",outcome="ok"\\}'),
      };
    };
    const before = await sample();
    expect(before.text).toMatch(/^# TYPE integration_graphql_request_duration_seconds histogram$/m);
    expect(before.text).toMatch(/^process_cpu_user_seconds_total /m);
    await t.gql('{ connections { totalCount } }');
    const after = await sample();
    expect(after.graphql).toBe(before.graphql + 1);
    expect(after.queries).toBeGreaterThan(before.queries);
  });

  it('rejects request bodies over 1 MiB', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_100_000) } }),
    });
    expect(res.status).toBe(413);
  });
});
