import { seed } from './support/seed';
import { startTestService, TestService } from './support/service';

/** Relay pagination and filters of the stored-object queries, against real rows. */
describe('list queries', () => {
  let t: TestService;
  let connectionIds: string[];

  beforeAll(async () => {
    t = await startTestService();
    connectionIds = [];
    for (let i = 0; i < 45; i++) {
      connectionIds.push(
        await seed.connection(t.service.db, 'default', {
          name: `conn-${String(i).padStart(2, '0')}`,
          connector_key: i % 3 === 0 ? 'slack' : 'stripe',
          status: i % 5 === 0 ? 'ERROR' : 'CONNECTED',
          created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        }),
      );
    }
  });
  afterAll(() => t.stop());

  const page = `query($first: Int, $after: String, $connectorKey: String, $status: ConnectionStatus) {
    connections(first: $first, after: $after, connectorKey: $connectorKey, status: $status) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name status connector { key } } }
    }
  }`;

  it('pages through every row once, in creation order, with 20 by default', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(page, { after });
      expect(res.errors).toBeUndefined();
      const conn = res.data.connections;
      expect(conn.totalCount).toBe(45);
      expect(conn.edges.length).toBeLessThanOrEqual(20);
      seen.push(...conn.edges.map((e: any) => e.node.name));
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `conn-${String(i).padStart(2, '0')}`));
  });

  it('filters by connector key and status, counting only matches', async () => {
    const res: any = await t.gql(page, { first: 100, connectorKey: 'slack', status: 'ERROR' });
    const names = res.data.connections.edges.map((e: any) => e.node.name);
    // i % 3 === 0 and i % 5 === 0: 0, 15, 30
    expect(names).toEqual(['conn-00', 'conn-15', 'conn-30']);
    expect(res.data.connections.totalCount).toBe(3);
    expect(res.data.connections.edges[0].node.connector.key).toBe('slack');
  });

  it('answers an empty page with hasNextPage false and a null endCursor', async () => {
    const res: any = await t.gql(page, { first: 0 });
    expect(res.data.connections).toMatchObject({ totalCount: 45, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
  });

  it('refuses first above 100 and negative first with BAD_USER_INPUT naming the field', async () => {
    for (const first of [101, -1]) {
      const res = await t.gql(page, { first });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    }
  });

  it('refuses a malformed cursor with BAD_USER_INPUT naming after', async () => {
    for (const after of ['not-a-cursor', Buffer.from('["2026-01-01T00:00:00Z","nope"]').toString('base64url'), '']) {
      const res = await t.gql(page, { after: after || 'e30' });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });

  it('refuses arguments of the wrong type with BAD_USER_INPUT', async () => {
    const literal = await t.gql('{ connections(first: "ten") { totalCount } }');
    expect(literal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const variable = await t.gql(page, { first: 'ten' });
    expect(variable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badEnum = await t.gql(page, { status: 'SOMETIMES' });
    expect(badEnum.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers unknown and malformed ids with NOT_FOUND', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await t.gql('query($id: ID!) { connection(id: $id) { id } }', { id });
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('reads one connection with its hint and inbound webhook URL, never a secret', async () => {
    const id = connectionIds[1];
    const res: any = await t.gql('query($id: ID!) { connection(id: $id) { id credentialHint inboundWebhookUrl scopes } }', { id });
    expect(res.data.connection).toEqual({
      id,
      credentialHint: 'sk_test_…4242',
      inboundWebhookUrl: expect.stringMatching(new RegExp(`/webhooks/inbound/${id}$`)),
      scopes: [],
    });
  });
});
