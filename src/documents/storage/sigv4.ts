import { createHash } from 'node:crypto';
import { sign } from 'aws4';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** `s3` for S3 and S3-compatible stores. */
  service: string;
}

export interface SigV4Request {
  method: string;
  url: URL;
  /** Headers to sign besides host, x-amz-date and x-amz-content-sha256 (lower-case names). */
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body (sha256Hex(Buffer.alloc(0)) for none). */
  payloadSha256: string;
  now?: Date;
}

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/**
 * AWS Signature Version 4 in the Authorization header
 * (docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html), by the `aws4` package
 * (the signer request, got and many AWS clients use) rather than by hand. The payload's hash is
 * given, not recomputed from a body, so a stream or a large buffer is hashed once. Answers the
 * headers to send, lower-case: the given ones plus host, x-amz-date, x-amz-content-sha256 and
 * authorization. aws4 leaves `range` out of the signed headers (S3 accepts it unsigned).
 */
export function signV4(request: SigV4Request, credentials: SigV4Credentials): Record<string, string> {
  const amzDate = (request.now ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, ''); // 20130524T000000Z
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    'x-amz-content-sha256': request.payloadSha256,
    'x-amz-date': amzDate,
  };
  const signed = sign(
    {
      host: request.url.host,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method.toUpperCase(),
      service: credentials.service,
      region: credentials.region,
      headers,
    },
    { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  );
  return Object.fromEntries(Object.entries(signed.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
