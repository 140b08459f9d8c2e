import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { setupInboundSync, TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const CREATE_CONNECTION = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id providerAccountId } }';
const MOVE = `mutation($id: ID!, $input: UpdateSyncConfigInput!) { updateSyncConfig(id: $id, input: $input) { id connection { id } } }`;
const LINKS = 'query($id: ID!) { externalLinks(syncConfigId: $id, first: 100) { totalCount edges { node { connection { id } status } } } }';

/**
 * updateSyncConfig(connectionId) (issue 16): a config moves to another connection of its
 * connector; its links carry over when both reach the same provider account, and a config with
 * links cannot move to another account (CONFLICT), so HotCRM records never point at another
 * account's external records.
 */
describe('moving a sync config to another connection', () => {
  let t: TestService;
  let stripe: StripeServer;
  let other: StripeServer;
  let configId: string;

  const connect = async (server: StripeServer, name: string) => {
    const res: any = await t.gql(CREATE_CONNECTION, {
      input: { connectorKey: 'stripe', name, credentials: { apiKey: server.apiKey }, config: { baseUrl: server.url } },
    });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.createConnection;
  };
  const run = async () => {
    const res: any = await t.gql(TRIGGER, { id: configId, mode: 'FULL' });
    return waitForRunEnd((q, v) => t.gql(q, v), res.data.triggerSync.id, 30_000);
  };

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    other = await new StripeServer('sk_test_51OtherStripeKey4242', 'acct_1OtherStripeAcct02').start();
    stripe.seedCustomers(4);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    ({ configId } = await setupInboundSync((q, v) => t.gql(q, v), stripe));
    expect(await run()).toMatchObject({ status: 'COMPLETED', recordsCreated: 4 });
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
    await other?.stop();
  });

  it('to another connection of the same account: the links carry over and nothing is created again', async () => {
    const second = await connect(stripe, 'Stripe, new key');
    expect(second.providerAccountId).toBe(stripe.accountId);
    const moved: any = await t.gql(MOVE, { id: configId, input: { connectionId: second.id } });
    expect(moved.errors).toBeUndefined();
    expect(moved.data.updateSyncConfig.connection.id).toBe(second.id);
    const links: any = await t.gql(LINKS, { id: configId });
    expect(links.data.externalLinks.totalCount).toBe(4);
    expect(links.data.externalLinks.edges.every(({ node }: any) => node.connection.id === second.id)).toBe(true);
    expect(await run()).toMatchObject({ status: 'COMPLETED', recordsCreated: 0 });
  });

  it('to a connection of another account: CONFLICT, and the config stays where it was', async () => {
    const before: any = await t.gql(MOVE, { id: configId, input: {} });
    const elsewhere = await connect(other, 'Another Stripe account');
    const refused: any = await t.gql(MOVE, { id: configId, input: { connectionId: elsewhere.id } });
    expect(refused.errors[0].extensions.code).toBe('CONFLICT');
    const after: any = await t.gql(MOVE, { id: configId, input: {} });
    expect(after.data.updateSyncConfig.connection.id).toBe(before.data.updateSyncConfig.connection.id);
  });

  it('an unknown connection is BAD_USER_INPUT on connectionId', async () => {
    const res: any = await t.gql(MOVE, { id: configId, input: { connectionId: '00000000-0000-0000-0000-000000000000' } });
    expect(res.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'connectionId' });
  });
});
