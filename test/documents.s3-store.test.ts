import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import { S3DocumentStore } from '../src/documents/storage/s3-document-store';
import { sha256Hex, signV4 } from '../src/documents/storage/sigv4';

const EXAMPLE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 's3' };
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * The S3-compatible document store (DOCUMENT_STORE=s3): its SigV4 signer against AWS's own
 * examples (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example:
 * GET Object" and "Example: GET Bucket (List Objects)"), and PutObject / GetObject / DeleteObject
 * against a small S3-shaped server on 127.0.0.1 that checks what S3 checks: the payload hash
 * against the body, and the signature. Not run against AWS or MinIO here.
 */
describe('S3 document store', () => {
  it('signs as AWS documents: GET Object with a Range header', () => {
    const headers = signV4(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { range: 'bytes=0-9' },
        payloadSha256: EMPTY_SHA256,
        now: new Date('2013-05-24T00:00:00Z'),
      },
      EXAMPLE,
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
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
    let server: Server;
    let url: string;
    const objects = new Map<string, { body: Buffer; type: string }>();
    const seen: { method: string; path: string; headers: IncomingMessage['headers'] }[] = [];

    beforeAll(async () => {
      server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        seen.push({ method: req.method!, path: req.url!, headers: req.headers });
        const fail = (status: number, code: string) => {
          res.writeHead(status, { 'content-type': 'application/xml' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>no</Message></Error>`);
        };
        // What S3 checks: the declared payload hash is the body's, and the signature is over what was sent.
        if (req.headers['x-amz-content-sha256'] !== createHash('sha256').update(body).digest('hex')) return fail(400, 'XAmzContentSHA256Mismatch');
        const signedNames = /SignedHeaders=([^,]+)/.exec(String(req.headers.authorization))?.[1].split(';') ?? [];
        const resigned = signV4(
          {
            method: req.method!,
            url: new URL(req.url!, `http://${req.headers.host}`),
            headers: Object.fromEntries(
              signedNames.filter((n) => !['host', 'x-amz-date', 'x-amz-content-sha256'].includes(n)).map((n) => [n, String(req.headers[n])]),
            ),
            payloadSha256: String(req.headers['x-amz-content-sha256']),
            now: parseAmzDate(String(req.headers['x-amz-date'])),
          },
          { ...EXAMPLE, region: 'eu-west-1' },
        );
        if (resigned.authorization !== req.headers.authorization) return fail(403, 'SignatureDoesNotMatch');
        const key = req.url!;
        if (req.method === 'PUT') {
          objects.set(key, { body, type: String(req.headers['content-type']) });
          res.writeHead(200, { etag: '"x"' }).end();
        } else if (req.method === 'GET') {
          const object = objects.get(key);
          if (!object) return fail(404, 'NoSuchKey');
          res.writeHead(200, { 'content-type': object.type, 'content-length': String(object.body.length) }).end(object.body);
        } else if (req.method === 'DELETE') {
          objects.delete(key);
          res.writeHead(204).end();
        } else fail(405, 'MethodNotAllowed');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const store = (secretAccessKey = EXAMPLE.secretAccessKey) =>
      new S3DocumentStore({
        endpoint: url,
        bucket: 'hotcrm-docs',
        region: 'eu-west-1',
        accessKeyId: EXAMPLE.accessKeyId,
        secretAccessKey,
        forcePathStyle: true,
      });

    it('puts, gets and deletes an object under bucket/key, signed over the exact bytes', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 255, 1, 254])]);
      await store().put('documents/docusign/abc 1', { organizationId: 'org', bytes: pdf, contentType: 'application/pdf' });
      expect(seen.at(-1)).toMatchObject({ method: 'PUT', path: '/hotcrm-docs/documents/docusign/abc%201' });
      expect(seen.at(-1)!.headers['x-amz-content-sha256']).toBe(sha256Hex(pdf));
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
});

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value)!;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}
