import { createHash, createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { loadConfig } from '../src/config';
import { S3DocumentStore } from '../src/documents/storage/s3-document-store';
import { sha256Hex, signV4 } from '../src/documents/storage/sigv4';
import { DocuSignServer } from './providers/docusign.server';
import { OAuthServer } from './providers/oauth.server';
import { S3Server } from './providers/s3.server';
import { startTestService, TestService } from './support/service';

const EXAMPLE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3' };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const LOCAL = { accessKeyId: 'AKIALOCALTESTKEY0001', secretAccessKey: 'local/secret/key/for+the+s3+stand-in', region: 'eu-west-1' };

/**
 * The S3-compatible document store (DOCUMENT_STORE=s3): its SigV4 signer against AWS's own
 * examples (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example:
 * GET Object" and "Example: GET Bucket (List Objects)"), PutObject / GetObject / DeleteObject
 * against an S3-shaped server (test/providers/s3.server.ts) that checks the payload hash and the
 * signature, and the whole service keeping a signed envelope's PDF there. Not run against AWS or
 * MinIO here.
 */
describe('S3 document store', () => {
  it('signs as AWS documents: GET Bucket Lifecycle (a sub-resource without a value)', () => {
    const headers = signV4(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/?lifecycle'),
        payloadSha256: EMPTY_SHA256,
        now: new Date('2013-05-24T00:00:00Z'),
      },
      EXAMPLE,
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    );
  });

  it('signs as AWS documents: a query string in canonical order', () => {
    const headers = signV4(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J'),
        payloadSha256: EMPTY_SHA256,
        now: new Date('2013-05-24T00:00:00Z'),
      },
      EXAMPLE,
    );
    expect(headers.authorization).toMatch(/Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7$/);
  });

  describe('against an S3-shaped server', () => {
    let s3: S3Server;
    beforeAll(async () => {
      s3 = await new S3Server(LOCAL, 'hotcrm-docs').start();
    });
    afterAll(() => s3.stop());

    const store = (secretAccessKey = LOCAL.secretAccessKey) =>
      new S3DocumentStore({
        endpoint: s3.url,
        bucket: 'hotcrm-docs',
        region: LOCAL.region,
        accessKeyId: LOCAL.accessKeyId,
        secretAccessKey,
        forcePathStyle: true,
      });

    it('puts, gets and deletes an object under bucket/key, signed over the exact bytes', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 255, 1, 254])]);
      await store().put('documents/docusign/abc 1', { organizationId: 'org', bytes: pdf, contentType: 'application/pdf' });
      expect(s3.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/hotcrm-docs/documents/docusign/abc%201' });
      expect(s3.requests.at(-1)!.headers['x-amz-content-sha256']).toBe(sha256Hex(pdf));
      expect((await store().get('documents/docusign/abc 1'))!.equals(pdf)).toBe(true);
      expect(await store().get('documents/docusign/missing')).toBeNull();
      await store().delete('documents/docusign/abc 1');
      expect(await store().get('documents/docusign/abc 1')).toBeNull();
    });

    it("reports S3's error code, never the signature", async () => {
      const failed = await store('wrong-secret')
        .put('documents/x', { organizationId: 'org', bytes: Buffer.from('x'), contentType: 'application/pdf' })
        .catch((e: Error) => e);
      expect(failed).toMatchObject({ code: 'DOCUMENT_STORE_FAILED', message: 'S3 PutObject answered 403 SignatureDoesNotMatch' });
      expect(String((failed as Error).message)).not.toMatch(/Signature=/);
    });
  });

  it('refuses DOCUMENT_STORE=s3 at start without the bucket and its credentials', () => {
    expect(() => loadConfig({ DOCUMENT_STORE: 's3', S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com' })).toThrow(
      /DOCUMENT_STORE=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/,
    );
    const config = loadConfig({
      DOCUMENT_STORE: 's3',
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com/',
      S3_BUCKET: 'b',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
    });
    expect(config.documents).toMatchObject({
      store: 's3',
      maxBytes: 25 * 1024 * 1024,
      urlTtlSeconds: 300,
      s3: { endpoint: 'https://s3.eu-west-1.amazonaws.com', region: 'us-east-1' },
    });
  });

  describe('the service with DOCUMENT_STORE=s3', () => {
    let t: TestService;
    let s3: S3Server;
    let oauth: OAuthServer;
    let docusign: DocuSignServer;
    const key = 'ConnectKeyForTheS3StoreTest0001=';

    beforeAll(async () => {
      s3 = await new S3Server(LOCAL, 'signed').start();
      oauth = await new OAuthServer().start();
      docusign = await new DocuSignServer(oauth).start();
      t = await startTestService({
        DOCUMENT_STORE: 's3',
        S3_ENDPOINT: s3.url,
        S3_BUCKET: 'signed',
        S3_REGION: LOCAL.region,
        S3_ACCESS_KEY_ID: LOCAL.accessKeyId,
        S3_SECRET_ACCESS_KEY: LOCAL.secretAccessKey,
      });
    });
    afterAll(async () => {
      await t?.stop();
      await docusign?.stop();
      await oauth?.stop();
      await s3?.stop();
    });

    it("keeps a completed envelope's PDF in the bucket, not in Postgres, and serves it from there", async () => {
      const tokens = oauth.issueTokens();
      const created: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
        input: {
          connectorKey: 'docusign',
          name: 'DocuSign',
          credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, webhookSecret: key },
          config: { baseUrl: `${docusign.url}/restapi`, accountId: docusign.accountId },
        },
      });
      const [envelope] = docusign.seedEnvelopes(1);
      const body = JSON.stringify(docusign.complete(envelope.envelopeId));
      const posted = await fetch(`${t.url}/webhooks/inbound/${created.data.createConnection.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-docusign-signature-1': createHmac('sha256', key).update(body).digest('base64') },
        body,
      });
      expect(posted.status).toBe(200);
      let document: any = null;
      for (const until = Date.now() + 15_000; !document && Date.now() < until; await sleep(100)) {
        document = ((await t.gql('{ documents { edges { node { id sha256 downloadUrl } } } }')) as any).data.documents.edges[0]?.node ?? null;
      }
      const pdf = docusign.combinedPdf(envelope.envelopeId);
      expect(document.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
      expect([...s3.objects.values()].map((o) => [o.body.equals(pdf), o.type])).toEqual([[true, 'application/pdf']]);
      const db = new Client({ connectionString: t.databaseUrl });
      await db.connect();
      const rows = await db.query(`SELECT d.storage, (SELECT count(*)::int FROM stored_document_content) AS in_postgres FROM stored_document d`);
      await db.end();
      expect(rows.rows).toEqual([{ storage: 's3', in_postgres: 0 }]);
      const url = new URL(document.downloadUrl);
      const res = await fetch(`${t.url}${url.pathname}${url.search}`);
      expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
      expect(s3.requests.filter((r) => r.method === 'GET')).toHaveLength(1);
    });
  });
});
