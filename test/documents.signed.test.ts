import { createHash, createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { AdobeSignServer } from './providers/adobe_sign.server';
import { DocuSignServer } from './providers/docusign.server';
import { OAuthServer } from './providers/oauth.server';
import { gatewayToken, startTestServiceWithLogs, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }';
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const DOCUMENTS = `query($provider: String, $internalObject: String, $internalId: ID) {
  documents(first: 50, provider: $provider, internalObject: $internalObject, internalId: $internalId) {
    totalCount edges { node { id provider externalId name contentType sizeBytes sha256 internalObject internalId downloadUrl createdAt } } } }`;
const EVENTS = `query($type: String) { integrationEvents(type: $type, first: 50) { totalCount edges { node { type data } } } }`;
const CONNECT_KEY = 'ConnectHmacKeyForTheDocumentsTest+0001=';
const PUBLIC_URL = 'https://integrations.example.com';
/** Small enough that a test PDF can exceed it. */
const MAX_BYTES = 64 * 1024;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Signed documents end to end (issue 18): an envelope completing (a DocuSign Connect message, the
 * same message again, a sync that sees it) keeps its combined PDF once, linked to the contract
 * record, downloadable at a short-lived signed URL; expired and tampered URLs get 403; a PDF over
 * DOCUMENT_MAX_BYTES is refused and logged; Adobe Sign uploads a transient document, sends the
 * agreement, and keeps its combinedDocument when the agreement completes. Real HTTP, real
 * Postgres, the providers' local stand-ins.
 */
describe('signed documents', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let docusign: DocuSignServer;
  let adobe: AdobeSignServer;
  let db: Client;
  let docusignId: string;
  const logLines: string[] = [];

  const gql = async (query: string, variables?: Record<string, unknown>, token?: string) => {
    const res: any = await t.gql(query, variables, token);
    expect(res.errors).toBeUndefined();
    return res.data;
  };
  const connectMessage = (body: string) =>
    fetch(`${t.url}/webhooks/inbound/${docusignId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-docusign-signature-1': createHmac('sha256', CONNECT_KEY).update(body).digest('base64') },
      body,
    });
  const documents = async (vars: Record<string, unknown> = {}, token?: string) => (await gql(DOCUMENTS, vars, token)).documents;
  /** Polls until the provider record's document is listed (the download is a job). */
  const documentOf = async (externalId: string, ms = 15_000) => {
    const until = Date.now() + ms;
    for (;;) {
      const found = (await documents()).edges.map((e: any) => e.node).find((d: any) => d.externalId === externalId);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no document for ${externalId}`);
      await sleep(100);
    }
  };
  /** The service's URL for a downloadUrl issued under PUBLIC_URL. */
  const local = (url: string) => url.replace(PUBLIC_URL, t.url);

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    docusign = await new DocuSignServer(oauth).start();
    adobe = await new AdobeSignServer(oauth).start();
    t = await startTestServiceWithLogs({ PUBLIC_URL, DOCUMENT_MAX_BYTES: String(MAX_BYTES), PROVIDER_RETRY_BASE_DELAY_MS: '5' }, logLines, 'info');
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    for (const connectorKey of ['docusign', 'adobe_sign']) {
      await gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
        input: {
          connectorKey,
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          authorizationUrl: `${oauth.url}/authorize`,
          tokenUrl: `${oauth.url}/token`,
        },
      });
    }
    const tokens = oauth.issueTokens();
    docusignId = (await gql(CONNECT, { input: docusign.connectionInput(tokens, CONNECT_KEY) })).createConnection.id;
  });
  afterAll(async () => {
    await db?.end();
    await t?.stop();
    await docusign?.stop();
    await adobe?.stop();
    await oauth?.stop();
  });

  describe('a DocuSign envelope completing', () => {
    let envelopeId: string;
    let stored: any;

    it('keeps its combined PDF once, though Connect sends the completion twice and a second message follows', async () => {
      [{ envelopeId }] = docusign.seedEnvelopes(1);
      const message = docusign.complete(envelopeId);
      const body = JSON.stringify(message);
      // The same message twice (a Connect retry), and another message about the same completion.
      const again = JSON.stringify({ ...message, generatedDateTime: new Date(Date.parse(message.generatedDateTime) + 1000).toISOString() });
      const replies = await Promise.all([connectMessage(body), connectMessage(body), connectMessage(again)]);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);

      stored = await documentOf(envelopeId);
      const pdf = docusign.combinedPdf(envelopeId);
      expect(stored).toMatchObject({
        provider: 'docusign',
        externalId: envelopeId,
        name: 'Contract 0.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        sha256: sha256(pdf),
        internalObject: 'contract',
      });
      await sleep(1000); // the second message's job, if any, has had its turn
      expect((await documents({ provider: 'docusign' })).totalCount).toBe(1);
      const downloads = docusign.requests.filter((r) => r.path.endsWith(`/envelopes/${envelopeId}/documents/combined`));
      expect(downloads).toHaveLength(1);
      expect(downloads[0].headers.accept).toBe('application/pdf');
      expect(downloads[0].headers.authorization).toMatch(/^Bearer /);
    });

    it('links it to a contract record that tracks the envelope: provider, envelope_id, status, signed_date', async () => {
      const { rows } = await db.query(`SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = 'contract' AND id = $1`, [
        stored.internalId,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0].data).toMatchObject({ provider: 'docusign', envelope_id: envelopeId, status: 'completed' });
      expect(rows[0].data.signed_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const linked = await documents({ internalObject: 'contract', internalId: stored.internalId });
      expect(linked.edges.map((e: any) => e.node.id)).toEqual([stored.id]);
    });

    it('a sync of envelopes into contract updates that same record and stores nothing twice', async () => {
      const config = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
        input: { name: 'Envelopes', connectionId: docusignId, sourceObject: 'envelopes', targetObject: 'contract', direction: 'INBOUND', frequency: 'manual' },
      });
      const run = await gql(TRIGGER, { id: config.createSyncConfig.id, mode: 'FULL' });
      expect((await waitForRunEnd(t.gql as any, run.triggerSync.id, 15_000)).status).toBe('COMPLETED');
      const links = await gql('query($id: ID!) { externalLinks(internalId: $id, internalObject: "contract") { edges { node { externalId } } } }', {
        id: stored.internalId,
      });
      expect(links.externalLinks.edges.map((e: any) => e.node.externalId)).toEqual([envelopeId]);
      await sleep(1000);
      expect((await documents({ provider: 'docusign' })).totalCount).toBe(1);
      expect(docusign.requests.filter((r) => r.path.endsWith(`/envelopes/${envelopeId}/documents/combined`))).toHaveLength(1);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM crm_record WHERE organization_id = 'default' AND object = 'contract'`);
      expect(rows[0].n).toBe(1);
    });

    it('keeps the PDF of an envelope a sync is the first to see completed', async () => {
      const [later] = docusign.seedEnvelopes(1);
      docusign.complete(later.envelopeId);
      const configs = await gql('query($id: ID!) { connection(id: $id) { syncConfigs { id } } }', { id: docusignId });
      const run = await gql(TRIGGER, { id: configs.connection.syncConfigs[0].id, mode: 'FULL' });
      expect((await waitForRunEnd(t.gql as any, run.triggerSync.id, 15_000)).status).toBe('COMPLETED');
      const document = await documentOf(later.envelopeId);
      expect(document.sha256).toBe(sha256(docusign.combinedPdf(later.envelopeId)));
      const link = await gql('query($id: ID!) { externalLinks(internalId: $id, internalObject: "contract") { edges { node { externalId } } } }', {
        id: document.internalId,
      });
      expect(link.externalLinks.edges.map((e: any) => e.node.externalId)).toEqual([later.envelopeId]);
    });

    it('serves the exact bytes at downloadUrl, without a session, as an attachment', async () => {
      const url = new URL((await documentOf(envelopeId)).downloadUrl);
      expect(url.origin + url.pathname).toBe(`${PUBLIC_URL}/documents/${stored.id}`);
      const expires = Number(url.searchParams.get('expires'));
      expect(expires - Date.now() / 1000).toBeGreaterThan(290);
      expect(expires - Date.now() / 1000).toBeLessThanOrEqual(300);
      const res = await fetch(local(url.toString()));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Contract 0.pdf"; filename*=UTF-8''Contract%200.pdf`);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(bytes.equals(docusign.combinedPdf(envelopeId))).toBe(true);
    });

    it('answers 403 to an expired URL and to a tampered one, and 404 to a signed URL of no document', async () => {
      const url = new URL(local(stored.downloadUrl));
      const expired = new URL(local(t.service.services.documents.urls.urlFor(stored.id, Date.now() - 301_000)));
      expect((await fetch(expired)).status).toBe(403);
      const variants: [string, string][] = [
        ['signature', flip(url.searchParams.get('signature')!)],
        ['signature', url.searchParams.get('signature')!.slice(1)],
        ['expires', String(Number(url.searchParams.get('expires')) + 3600)],
        ['expires', '9'.repeat(40)],
      ];
      for (const [name, value] of variants) {
        const tampered = new URL(url);
        tampered.searchParams.set(name, value);
        const res = await fetch(tampered);
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({ error: 'forbidden' });
      }
      const otherDocument = new URL(url);
      otherDocument.pathname = `/documents/${randomUUID()}`;
      expect((await fetch(otherDocument)).status).toBe(403); // the signature is over the id
      expect((await fetch(`${t.url}/documents/${stored.id}`)).status).toBe(403);
      expect((await fetch(local(t.service.services.documents.urls.urlFor(randomUUID())))).status).toBe(404);
      // The signature never reaches the access log.
      expect(logLines.some((line) => line.includes(url.searchParams.get('signature')!))).toBe(false);
    });

    it('shows another organization none of it, by query or by _entities', async () => {
      const other = await gatewayToken('org-other', ['read:sync']);
      expect((await documents({}, other)).totalCount).toBe(0);
      const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on StoredDocument { id downloadUrl } } }`;
      const r = [{ __typename: 'StoredDocument', id: stored.id }];
      expect((await gql(entities, { r }, other))._entities).toEqual([null]);
      expect((await gql(entities, { r }))._entities[0]).toMatchObject({ id: stored.id });
      const noScope: any = await t.gql(DOCUMENTS, {}, await gatewayToken('default', ['read:connections']));
      expect(noScope.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await documents({}, await gatewayToken('default', ['read:documents']))).totalCount).toBe(2);
    });

    it('outlasts a provider outage: the job fails, pg-boss retries it, and the PDF is kept once DocuSign answers', async () => {
      const [flaky] = docusign.seedEnvelopes(1);
      const before = docusign.requests.length;
      // One more 503 than the provider client's own attempts (1 + 4 retries): the job's first try fails.
      const busy = { status: 503, body: { errorCode: 'UNSPECIFIED_ERROR', message: 'busy' } };
      docusign.failNext(busy, busy, busy, busy, busy);
      expect((await connectMessage(JSON.stringify(docusign.complete(flaky.envelopeId)))).status).toBe(200);
      const document = await documentOf(flaky.envelopeId, 30_000);
      expect(docusign.requests.slice(before).filter((r) => r.path.endsWith(flaky.envelopeId)).length).toBeGreaterThanOrEqual(6);
      expect(document.sha256).toBe(sha256(docusign.combinedPdf(flaky.envelopeId)));
      const jobs = await db.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'document.fetch' AND data->>'externalId' = $1`, [flaky.envelopeId]);
      expect(jobs.rows).toEqual([{ state: 'completed', retry_count: 1 }]);
    }, 40_000);

    it('gives up at once, with a log line, on an envelope the account does not have (404): asking again cannot help', async () => {
      const envelopeId = randomUUID();
      const message = {
        event: 'envelope-completed',
        apiVersion: 'v2.1',
        generatedDateTime: new Date().toISOString(),
        data: { accountId: docusign.accountId, envelopeId },
      };
      expect((await connectMessage(JSON.stringify(message))).status).toBe(200);
      const until = Date.now() + 15_000;
      let jobs: any[] = [];
      while (Date.now() < until) {
        jobs = (await db.query(`SELECT state, retry_count FROM pgboss.job WHERE name = 'document.fetch' AND data->>'externalId' = $1`, [envelopeId])).rows;
        if (jobs[0]?.state === 'completed') break;
        await sleep(100);
      }
      expect(jobs).toEqual([{ state: 'completed', retry_count: 0 }]);
      expect(logLines.some((l) => l.includes(envelopeId) && l.includes('the provider has no such envelope'))).toBe(true);
      expect((await documents({ provider: 'docusign' })).edges.map((e: any) => e.node.externalId)).not.toContain(envelopeId);
    });

    it('refuses a PDF over DOCUMENT_MAX_BYTES, stores nothing, and says so in the log and as an event', async () => {
      const [big] = docusign.seedEnvelopes(1);
      docusign.setCombined(big.envelopeId, Buffer.alloc(MAX_BYTES + 1, 0x25));
      expect((await connectMessage(JSON.stringify(docusign.complete(big.envelopeId)))).status).toBe(200);
      const until = Date.now() + 15_000;
      let refused: any[] = [];
      while (!refused.length && Date.now() < until) {
        refused = (await gql(EVENTS, { type: 'integration.document.refused' })).integrationEvents.edges.map((e: any) => e.node.data);
        if (!refused.length) await sleep(100);
      }
      expect(refused).toEqual([
        expect.objectContaining({
          provider: 'docusign',
          externalId: big.envelopeId,
          sizeBytes: MAX_BYTES + 1,
          maxBytes: MAX_BYTES,
          reason: 'DOCUMENT_TOO_LARGE',
        }),
      ]);
      const line = logLines.map((l) => JSON.parse(l)).find((l) => l.externalId === big.envelopeId && /refused/.test(l.msg));
      expect(line).toMatchObject({ level: 40, sizeBytes: MAX_BYTES + 1, maxBytes: MAX_BYTES });
      expect(line.msg).toContain('DOCUMENT_MAX_BYTES');
      expect((await documents({ provider: 'docusign' })).edges.map((e: any) => e.node.externalId)).not.toContain(big.envelopeId);
    });
  });

  describe('Adobe Sign', () => {
    let adobeId: string;

    it('uploads a transient document (multipart), sends the agreement with it, and keeps the combinedDocument when it completes', async () => {
      const tokens = oauth.issueTokens();
      adobeId = (
        await gql(CONNECT, {
          input: {
            connectorKey: 'adobe_sign',
            name: 'Adobe Sign (local)',
            credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
            config: { baseUrl: `${adobe.url}/api/rest/v6` },
          },
        })
      ).createConnection.id;
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n% master services agreement\n'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256))]);
      const upload = await gql(ACTION, {
        id: adobeId,
        action: 'uploadTransientDocument',
        input: { fileName: 'MSA 2026.pdf', mimeType: 'application/pdf', contentBase64: pdf.toString('base64') },
      });
      const { transientDocumentId } = upload.executeConnectorAction;
      expect(adobe.uploads.get(transientDocumentId)).toEqual({ fileName: 'MSA 2026.pdf', mimeType: 'application/pdf', bytes: pdf });
      expect(String(adobe.requests.find((r) => r.path.endsWith('/transientDocuments'))!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);

      const sent = await gql(ACTION, {
        id: adobeId,
        action: 'sendAgreement',
        input: {
          name: 'MSA 2026',
          fileInfos: [{ transientDocumentId }],
          participantSetsInfo: [{ memberInfos: [{ email: 'signer@example.com' }], order: 1, role: 'SIGNER' }],
        },
      });
      const agreementId = sent.executeConnectorAction.id;
      expect(adobe.agreements.find((a) => a.id === agreementId)).toMatchObject({ status: 'OUT_FOR_SIGNATURE' });

      const notification = adobe.complete(agreementId);
      const post = () =>
        fetch(`${t.url}/webhooks/inbound/${adobeId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-adobesign-clientid': oauth.clientId },
          body: JSON.stringify(notification),
        });
      expect((await post()).status).toBe(200);
      expect((await post()).status).toBe(200); // Acrobat Sign retries with the same webhookNotificationId

      const document = await documentOf(agreementId);
      const combined = adobe.combinedPdf(agreementId);
      expect(combined.subarray(0, pdf.length).equals(pdf)).toBe(true);
      expect(document).toMatchObject({
        provider: 'adobe_sign',
        name: 'MSA 2026.pdf',
        sizeBytes: combined.length,
        sha256: sha256(combined),
        internalObject: 'contract',
      });
      const res = await fetch(local(document.downloadUrl));
      expect(Buffer.from(await res.arrayBuffer()).equals(combined)).toBe(true);
      const { rows } = await db.query(`SELECT data FROM crm_record WHERE organization_id = 'default' AND object = 'contract' AND id = $1`, [
        document.internalId,
      ]);
      expect(rows[0].data).toMatchObject({ provider: 'adobe_sign', envelope_id: agreementId, status: 'SIGNED' });
      expect(adobe.requests.filter((r) => r.path.endsWith(`/agreements/${agreementId}/combinedDocument`))).toHaveLength(1);
    });

    it('keeps the combinedDocument of an agreement a sync of agreements into contract sees SIGNED, and fetches nothing twice', async () => {
      const [signed] = adobe.seedAgreements(1, 'SIGNED');
      const [waiting] = adobe.seedAgreements(1, 'OUT_FOR_SIGNATURE');
      const config = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
        input: { name: 'Agreements', connectionId: adobeId, sourceObject: 'agreements', targetObject: 'contract', direction: 'INBOUND', frequency: 'manual' },
      });
      const run = await gql(TRIGGER, { id: config.createSyncConfig.id, mode: 'FULL' });
      expect((await waitForRunEnd(t.gql as any, run.triggerSync.id, 15_000)).status).toBe('COMPLETED');
      const document = await documentOf(signed.id);
      expect(document).toMatchObject({ provider: 'adobe_sign', name: 'Agreement 0.pdf', sha256: sha256(adobe.combinedPdf(signed.id)) });
      await sleep(1000);
      const adobeDocuments = (await documents({ provider: 'adobe_sign' })).edges.map((e: any) => e.node.externalId);
      expect(adobeDocuments).toHaveLength(2);
      expect(adobeDocuments).not.toContain(waiting.id);
      const fetched = adobe.requests.filter((r) => r.path.endsWith('/combinedDocument')).map((r) => r.path);
      expect(new Set(fetched).size).toBe(fetched.length);
    });

    it('refuses an upload without a file as Acrobat Sign would not get one: the input schema stops it', async () => {
      const res: any = await t.gql(ACTION, { id: adobeId, action: 'uploadTransientDocument', input: { fileName: 'empty.pdf' } });
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});

/** One base64url character changed. */
function flip(signature: string): string {
  const last = signature.at(-1) === 'A' ? 'B' : 'A';
  return signature.slice(0, -1) + last;
}
