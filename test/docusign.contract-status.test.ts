import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DocuSignServer } from './providers/docusign.server';
import { OAuthServer } from './providers/oauth.server';
import { GraphQLResponse, startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const CONNECT_KEY = 'ConnectHmacKeyForTheContractStatusTest01=';

/**
 * Signing status on the CRM record (issue 18): a realtime sync of DocuSign `envelopes` into
 * `contract` reads the envelope each Connect message names (docusign.event-change.ts), so the
 * contract's status follows the envelope (sent → delivered → completed) without a re-list, and
 * an older message never overwrites a newer state. Real HTTP, Postgres, the DocuSign stand-in.
 */
describe('DocuSign signing status on the contract record', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let docusign: DocuSignServer;
  let db: Client;
  let connectionId: string;

  const gql = async (query: string, variables?: Record<string, unknown>) => {
    const res: GraphQLResponse = await t.gql(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as any;
  };
  const connectMessage = async (message: unknown) => {
    const body = JSON.stringify(message);
    const res = await fetch(`${t.url}/webhooks/inbound/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-docusign-signature-1': createHmac('sha256', CONNECT_KEY).update(body).digest('base64') },
      body,
    });
    expect(res.status).toBe(200);
  };
  /** The status on the contract record the sync linked to the envelope. */
  const contractStatus = async (envelopeId: string) => {
    const { rows } = await db.query(
      `SELECT r.data->>'status' AS status FROM external_link l
         JOIN crm_record r ON r.organization_id = l.organization_id AND r.object = 'contract' AND r.id = l.internal_id::uuid
        WHERE l.organization_id = 'default' AND l.provider = 'docusign' AND l.external_object = 'envelopes' AND l.external_id = $1`,
      [envelopeId],
    );
    return rows.map((r) => r.status);
  };
  const waitForStatus = async (envelopeId: string, status: string) => {
    const until = Date.now() + 15_000;
    while (!(await contractStatus(envelopeId)).includes(status)) {
      if (Date.now() > until) throw new Error(`contract of ${envelopeId} never became ${status}: ${await contractStatus(envelopeId)}`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    docusign = await new DocuSignServer(oauth).start();
    t = await startTestService();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    await gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'docusign',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    const tokens = oauth.issueTokens();
    connectionId = (
      await gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input: docusign.connectionInput(tokens, CONNECT_KEY) })
    ).createConnection.id;
  });
  afterAll(async () => {
    await db?.end();
    await t?.stop();
    await docusign?.stop();
    await oauth?.stop();
  });

  it('follows the envelope from Connect messages: delivered, then completed; a late older message changes nothing', async () => {
    const [{ envelopeId }] = docusign.seedEnvelopes(1);
    const config = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name: 'Envelopes realtime', connectionId, sourceObject: 'envelopes', targetObject: 'contract', direction: 'INBOUND', frequency: 'realtime' },
    });
    const full = await gql(TRIGGER, { id: config.createSyncConfig.id, mode: 'FULL' });
    expect((await waitForRunEnd(t.gql as any, full.triggerSync.id, 15_000)).status).toBe('COMPLETED');
    expect(await contractStatus(envelopeId)).toEqual(['sent']);

    const delivered = docusign.changeStatus(envelopeId, 'delivered');
    await connectMessage(delivered);
    await waitForStatus(envelopeId, 'delivered');

    await connectMessage(docusign.complete(envelopeId));
    await waitForStatus(envelopeId, 'completed');

    // The delivered message again (a Connect retry arriving late): older than the state applied.
    await connectMessage({ ...delivered, retryCount: 1 });
    await sleep(1500);
    expect(await contractStatus(envelopeId)).toEqual(['completed']);
    // Each message read the one envelope it names; nothing re-listed the envelopes.
    const lists = docusign.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/accounts/${docusign.accountId}/envelopes`));
    expect(lists).toHaveLength(1);
  });
});
