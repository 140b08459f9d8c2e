import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import { createGuardedDispatcher } from '../net/target-guard';
import { retryAfterMs } from './retry-schedule';

/** DESIGN.md: success is a 2xx within 15 s. */
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Only this much of a response is kept (and read): enough to debug a receiver, bounded per attempt. */
export const RESPONSE_BODY_LIMIT = 4096;
const USER_AGENT = 'HotCRM-Webhooks/1.0 (+https://www.standardwebhooks.com)';
const MAX_ERROR_LENGTH = 300;

export interface SendRequest {
  url: string;
  /** The signing headers (webhook-id, webhook-timestamp, webhook-signature) and any extras. */
  headers: Record<string, string>;
  body: string;
  allowPrivateTargets: boolean;
  /** Covers connecting, the response headers and the (truncated) body together. */
  timeoutMs?: number;
}

export interface SendResult {
  /** The HTTP status, or null when no response arrived. */
  status: number | null;
  /** The first 4 KiB of the response body, decoded as UTF-8; null when no response arrived. */
  body: string | null;
  durationMs: number;
  /** Why the attempt failed short of (or while reading) a response; null when the receiver answered. */
  error: string | null;
  /** The response's Retry-After in ms, whatever the status; the caller decides when it applies. */
  retryAfterMs: number | null;
  /** A 2xx answered in time. 3xx is a failure: redirects are never followed. */
  ok: boolean;
}

/**
 * POSTs one webhook delivery attempt. One keep-alive connection pool per process is shared by
 * every delivery (receivers see few connections, and the TLS/TCP handshakes are paid once), with
 * the SSRF guard in the pool's connector: the target's address is checked after DNS resolution,
 * on every new connection, so a name that later resolves to a private address is still refused.
 * Never throws for network trouble: everything comes back in SendResult.
 */
export class WebhookSender {
  private guarded: Dispatcher | null = null;
  private open: Dispatcher | null = null;
  private closed = false;

  private dispatcher(allowPrivateTargets: boolean): Dispatcher {
    // Only after shutdown began; send() catches it like a transport error (the delivery is retried
    // later), so no caller meets it and it stays a plain Error.
    if (this.closed) throw new Error('the webhook sender is closed');
    // Our own timer bounds the whole attempt; the pool's timeouts are only a backstop.
    const options = { connectTimeoutMs: DEFAULT_TIMEOUT_MS, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000 };
    if (allowPrivateTargets) return (this.open ??= createGuardedDispatcher(true, options));
    return (this.guarded ??= createGuardedDispatcher(false, options));
  }

  async send({ url, headers, body, allowPrivateTargets, timeoutMs = DEFAULT_TIMEOUT_MS }: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const result = (partial: Omit<SendResult, 'durationMs'>): SendResult => ({ ...partial, durationMs: performance.now() - started });
    const target = URL.canParse(url) ? new URL(url) : null;
    if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
      return result({ status: null, body: null, error: 'invalid target URL', retryAfterMs: null, ok: false });
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let status: number | null = null;
    let text: string | null = null;
    let retryAfter: number | null = null;
    try {
      const response = await this.dispatcher(allowPrivateTargets).request({
        origin: target.origin,
        path: target.pathname + target.search,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...headers },
        body,
        signal: controller.signal,
      });
      status = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = retryAfterMs(Array.isArray(header) ? header[0] : header);
      text = await readPrefix(response.body);
      const ok = status >= 200 && status < 300;
      const error = status >= 300 && status < 400 ? `redirect (${status}) not followed` : null;
      return result({ status, body: text, error, retryAfterMs: retryAfter, ok });
    } catch (error) {
      const message = timedOut ? `timed out after ${timeoutMs} ms${status === null ? '' : ' reading the response body'}` : describeError(error);
      return result({ status, body: text, error: message, retryAfterMs: retryAfter, ok: false });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the pools (on shutdown); in-flight requests finish first. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.guarded?.close(), this.open?.close()]);
    this.guarded = this.open = null;
  }
}

/**
 * Reads up to RESPONSE_BODY_LIMIT bytes and then stops: leaving the loop destroys the stream, so
 * a receiver answering with megabytes costs us 4 KiB and a closed connection, not the download.
 * A short body is read to its end, which keeps the connection reusable.
 */
async function readPrefix(stream: AsyncIterable<Buffer> & { destroy?: () => void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_LIMIT) break;
  }
  const bytes = Buffer.concat(chunks, size).subarray(0, RESPONSE_BODY_LIMIT);
  // StringDecoder.write holds back a multi-byte character cut at the limit instead of mangling it.
  return new StringDecoder('utf8').write(bytes);
}

/** A short, secret-free description of a transport error: its code and message, nothing from the request. */
function describeError(error: unknown): string {
  const e = (error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error) as NodeJS.ErrnoException & { cause?: unknown };
  const inner = !e?.code && e?.cause instanceof Error ? (e.cause as NodeJS.ErrnoException) : e;
  const code = inner?.code;
  const message = inner instanceof Error ? inner.message : String(inner);
  const text = code === 'ECONNREFUSED' ? `connection refused (${message})` : code && !message.includes(code) ? `${code}: ${message}` : message;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
