import { fetch } from 'undici';
import type { DocumentStore } from './document-store.port';
import { sha256Hex, signV4 } from './sigv4';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** https://endpoint/bucket/key (MinIO and most compatibles) rather than https://bucket.endpoint/key. */
  forcePathStyle: boolean;
}

/** A failed S3 call: the status and S3's error code (XML <Code>), never the request's signature. */
export class DocumentStoreError extends Error {
  readonly code = 'DOCUMENT_STORE_FAILED';
  constructor(operation: string, status: number, s3Code: string | null) {
    super(`S3 ${operation} answered ${status}${s3Code ? ` ${s3Code}` : ''}`);
    this.name = 'DocumentStoreError';
  }
}

const TIMEOUT_MS = 30_000;

/**
 * An S3-compatible bucket (DOCUMENT_STORE=s3): PutObject, GetObject and DeleteObject, signed
 * with SigV4 (sigv4.ts) over the exact body. The endpoint is operator configuration, not user
 * input, so it is not put through the outbound target guard.
 */
export class S3DocumentStore implements DocumentStore {
  readonly kind = 's3';

  constructor(private readonly settings: S3Settings) {}

  async put(key: string, { bytes, contentType }: { organizationId: string; bytes: Buffer; contentType: string }): Promise<void> {
    const response = await this.send('PUT', key, bytes, { 'content-type': contentType });
    if (!response.ok) throw new DocumentStoreError('PutObject', response.status, await s3Code(response));
  }

  async get(key: string): Promise<Buffer | null> {
    const response = await this.send('GET', key);
    if (response.status === 404) return null;
    if (!response.ok) throw new DocumentStoreError('GetObject', response.status, await s3Code(response));
    return Buffer.from(await response.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const response = await this.send('DELETE', key);
    // S3 answers 204 whether or not the key existed.
    if (!response.ok && response.status !== 404) throw new DocumentStoreError('DeleteObject', response.status, await s3Code(response));
  }

  private send(method: string, key: string, body?: Buffer, headers: Record<string, string> = {}) {
    const { endpoint, bucket, forcePathStyle } = this.settings;
    const base = new URL(endpoint);
    const objectPath = key
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
    const url = forcePathStyle
      ? new URL(`${base.origin}${base.pathname.replace(/\/$/, '')}/${bucket}/${objectPath}`)
      : new URL(`${base.protocol}//${bucket}.${base.host}/${objectPath}`);
    const signed = signV4(
      { method, url, headers, payloadSha256: sha256Hex(body ?? Buffer.alloc(0)) },
      { accessKeyId: this.settings.accessKeyId, secretAccessKey: this.settings.secretAccessKey, region: this.settings.region, service: 's3' },
    );
    const { host: _host, ...sent } = signed;
    return fetch(url, { method, headers: sent, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  }
}

async function s3Code(response: { text(): Promise<string> }): Promise<string | null> {
  const text = await response.text().catch(() => '');
  return /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1] ?? null;
}
