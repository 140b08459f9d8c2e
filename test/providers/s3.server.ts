import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signV4 } from '../../src/documents/storage/sigv4';

/**
 * An S3-compatible object store on 127.0.0.1, path-style (`/<bucket>/<key>`), answering
 * PutObject, GetObject and DeleteObject with S3's XML error bodies, and checking what S3 checks:
 * `x-amz-content-sha256` against the body (XAmzContentSHA256Mismatch) and the SigV4 signature
 * over the signed headers (SignatureDoesNotMatch). The signature is recomputed with our signer,
 * which test/documents.s3-store.test.ts checks against AWS's published examples.
 */
export class S3Server {
  readonly objects = new Map<string, { body: Buffer; type: string }>();
  readonly requests: { method: string; path: string; headers: IncomingMessage['headers'] }[] = [];
  url = '';
  private server?: Server;

  constructor(
    readonly credentials: { accessKeyId: string; secretAccessKey: string; region: string },
    readonly bucket: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      this.requests.push({ method: req.method!, path: req.url!, headers: req.headers });
      const fail = (status: number, code: string) => {
        res.writeHead(status, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
      };
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
        { ...this.credentials, service: 's3' },
      );
      if (resigned.authorization !== req.headers.authorization) return fail(403, 'SignatureDoesNotMatch');
      if (!req.url!.startsWith(`/${this.bucket}/`)) return fail(404, 'NoSuchBucket');
      const key = decodeURIComponent(req.url!.slice(this.bucket.length + 2));
      if (req.method === 'PUT') {
        this.objects.set(key, { body, type: String(req.headers['content-type']) });
        res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` }).end();
      } else if (req.method === 'GET') {
        const object = this.objects.get(key);
        if (!object) return fail(404, 'NoSuchKey');
        res.writeHead(200, { 'content-type': object.type, 'content-length': String(object.body.length) }).end(object.body);
      } else if (req.method === 'DELETE') {
        this.objects.delete(key);
        res.writeHead(204).end();
      } else fail(405, 'MethodNotAllowed');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : new Date(NaN);
}
