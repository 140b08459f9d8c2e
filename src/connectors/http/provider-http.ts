import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Dispatcher, FormData, fetch as undiciFetch } from 'undici';
import { Blob } from 'node:buffer';
import type { BlockedTargetError } from '../../net/target-guard';
import { ProviderError, ProviderErrorParser } from './provider-error';
import { RateBudget, RatePolicy } from './rate-budget';
import { parseRetryAfter } from '../../net/retry-after';

export interface ProviderHttpOptions {
  /** Names the budget key (`provider:<provider>`) and ProviderError.provider. */
  provider: string;
  /** Overrides the budget key when the provider name is not unique (custom connectors per org). */
  budgetKey?: string;
  rateLimit: RatePolicy;
  budget: RateBudget;
  /** From createGuardedDispatcher, so every attempt is re-checked against the SSRF rules. */
  dispatcher: Dispatcher;
  timeoutMs?: number;
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  parseError?: ProviderErrorParser;
  /** Retries are logged at warn with the endpoint (origin and path only), never headers or bodies. */
  log?: Logger;
  onRetry?: (event: ProviderRetryEvent) => void;
}

export interface ProviderRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  /** multipart/form-data parts (Adobe Sign's POST /transientDocuments); the boundary is fetch's. */
  multipart?: MultipartPart[];
  /**
   * Read a successful response as bytes (a PDF) instead of text or JSON, refusing more than
   * maxBytes (ResponseTooLargeError, never retried): by Content-Length before reading, else as
   * the bytes arrive. Error responses are still read as text or JSON.
   */
  binary?: { maxBytes: number };
  /** A body sent as it is; its content-type comes with `headers`. */
  text?: string;
  /** Budget points per attempt (default 1): a batch of n calls is n requests to the provider's quota. */
  cost?: number;
  timeoutMs?: number;
  /**
   * Whether sending twice is harmless. Defaults to true for GET, HEAD, PUT, DELETE and OPTIONS
   * and for requests with an Idempotency-Key header. When false, failures after the request may
   * have reached the provider (5xx, reset, timeout) are not retried: a second POST could charge
   * twice or spend a rotated refresh token. 429 and refused connections are always retried.
   */
  idempotent?: boolean;
  /** Cancels the request and any pending retry (shutdown, a cancelled sync run). */
  signal?: AbortSignal;
}

/** One part of a multipart/form-data body: a text field, or a file with its name and type. */
export type MultipartPart = { name: string; value: string } | { name: string; filename: string; contentType: string; data: Buffer };

/** A binary response longer than the caller allows; `sizeBytes` is what the provider announced or what arrived before stopping. */
export class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE';
  constructor(
    readonly maxBytes: number,
    readonly sizeBytes: number,
  ) {
    super(`the response is larger than ${maxBytes} bytes (${sizeBytes} bytes${sizeBytes > maxBytes ? '' : ' or more'})`);
    this.name = 'ResponseTooLargeError';
  }
}

export interface ProviderResponse<T> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the provider says JSON, the text otherwise, null when empty; a Buffer for `binary` requests. */
  body: T;
}

export interface ProviderRetryEvent {
  provider: string;
  method: string;
  /** Origin and path only: query strings may carry API keys. */
  endpoint: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  status: number | null;
  reason: string;
  delayMs: number;
}

type Outcome =
  | { kind: 'response'; status: number; headers: Headers; body: unknown }
  | { kind: 'network'; code: string; message: string; beforeRequestSent: boolean; error: unknown };

const BLOCKED_TARGET: BlockedTargetError['code'] = 'BLOCKED_TARGET';
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
/** Failures where the request cannot have reached the provider, so a retry is always safe. */
export const CONNECT_PHASE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
/** Spreads replicas told the same Retry-After so they do not return on the same tick. */
const RETRY_AFTER_JITTER_MS = 250;

/**
 * Every call to a provider API (DESIGN.md §4 "Provider HTTP"): one point of the shared rate
 * budget per attempt, a timeout on every attempt, and retries with exponential backoff and full
 * jitter for 429 (honouring Retry-After), 5xx and dropped connections. A 401 is returned as a
 * ProviderError at once: the OAuth layer refreshes the token and retries once itself.
 */
export class ProviderHttp {
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly budgetKey: string;

  constructor(private readonly options: ProviderHttpOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.budgetKey = options.budgetKey ?? `provider:${options.provider}`;
  }

  async request<T = unknown>(req: ProviderRequest): Promise<ProviderResponse<T>> {
    const method = req.method.toUpperCase();
    const url = buildUrl(req.url, req.query);
    const { headers, body } = buildPayload(req);
    const idempotent = req.idempotent ?? (IDEMPOTENT_METHODS.has(method) || 'idempotency-key' in headers);
    const endpoint = `${url.origin}${url.pathname}`;

    for (let attempt = 1; ; attempt++) {
      for (let point = 0; point < (req.cost ?? 1); point++) await this.options.budget.take(this.budgetKey, this.options.rateLimit);
      const outcome = await this.attempt(method, url, headers, body, req.timeoutMs ?? this.timeoutMs, req.signal, req.binary);
      if (outcome.kind === 'response' && outcome.status < 400) {
        return { status: outcome.status, headers: outcome.headers, body: outcome.body as T };
      }

      const backoffMs = this.backoff(attempt);
      let delayMs: number | null = null;
      let retryAfterSeconds: number | undefined;
      if (outcome.kind === 'response') {
        // Retry-After where the provider sends it; DocuSign and others send X-RateLimit-Reset
        // (epoch seconds) instead.
        const retryAfterMs = parseRetryAfter(outcome.headers.get('retry-after')) ?? parseRateLimitReset(outcome.headers.get('x-ratelimit-reset'));
        if (outcome.status === 429 || (outcome.status === 403 && isQuotaRefusal(outcome.body))) {
          retryAfterSeconds = Math.max(1, Math.ceil((retryAfterMs ?? backoffMs) / 1000));
          // Waiting less than the provider asked only earns another 429; past maxDelayMs the
          // caller (a job that can reschedule) is better placed to wait.
          if (retryAfterMs === null) delayMs = backoffMs;
          else if (retryAfterMs <= this.maxDelayMs) delayMs = retryAfterMs + Math.random() * Math.min(RETRY_AFTER_JITTER_MS, this.baseDelayMs);
        } else if (outcome.status >= 500 && idempotent) {
          delayMs = retryAfterMs !== null && retryAfterMs <= this.maxDelayMs ? retryAfterMs : backoffMs;
        }
      } else {
        if (outcome.code === BLOCKED_TARGET) throw this.blocked(outcome.message, outcome.error);
        if (idempotent || outcome.beforeRequestSent) delayMs = backoffMs;
      }

      if (delayMs === null || attempt > this.maxRetries) throw this.failure(outcome, retryAfterSeconds);

      const event: ProviderRetryEvent = {
        provider: this.options.provider,
        method,
        endpoint,
        attempt,
        status: outcome.kind === 'response' ? outcome.status : null,
        reason: outcome.kind === 'response' ? `HTTP ${outcome.status}` : `${outcome.code}: ${outcome.message}`,
        delayMs: Math.round(delayMs),
      };
      this.options.log?.warn(event, 'provider request failed; retrying');
      this.options.onRetry?.(event);
      await sleep(delayMs, undefined, req.signal ? { signal: req.signal } : undefined);
    }
  }

  /** Full jitter (AWS architecture blog): uniform in [0, min(max, base × 2^(attempt-1))]. */
  private backoff(attempt: number): number {
    return Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
  }

  private async attempt(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: string | FormData | undefined,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    binary?: { maxBytes: number },
  ): Promise<Outcome> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
    let responded = false;
    try {
      // undici's own fetch rather than the global one: Node 20 bundles an older undici, so the
      // package's fetch keeps fetch and dispatcher on one version; and Node's fetch keeps a socket
      // error as `cause` only if it is instanceof its own Error, so from another realm (jest) a
      // BlockedTargetError would arrive as a plain Error without its code.
      const response = await undiciFetch(url, { method, headers, body, signal, dispatcher: this.options.dispatcher });
      responded = true;
      // undici's Headers implements the same interface as the global one; no copy needed.
      const responseHeaders = response.headers as unknown as Headers;
      if (binary && response.status < 400) {
        return { kind: 'response', status: response.status, headers: responseHeaders, body: await readBytes(response, binary.maxBytes) };
      }
      // Read inside the same signal: a provider that stalls mid-body is a timeout too.
      const text = await response.text();
      return { kind: 'response', status: response.status, headers: responseHeaders, body: parseBody(text, responseHeaders.get('content-type')) };
    } catch (error) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (timeout.aborted) return { kind: 'network', code: 'TIMEOUT', message: `no complete response within ${timeoutMs} ms`, beforeRequestSent: false, error };
      const cause = networkCause(error);
      if (!cause) throw error; // an invalid header or body: a bug, not a provider failure
      const code = (cause as { code?: unknown }).code;
      const networkCode = typeof code === 'string' ? code : 'NETWORK_ERROR';
      return {
        kind: 'network',
        code: networkCode,
        message: cause.message,
        beforeRequestSent: !responded && CONNECT_PHASE_CODES.has(networkCode),
        error: cause,
      };
    }
  }

  private failure(outcome: Outcome, retryAfterSeconds: number | undefined): ProviderError {
    const provider = this.options.provider;
    if (outcome.kind === 'network') {
      return new ProviderError({ provider, status: null, providerCode: outcome.code, providerMessage: outcome.message, cause: outcome.error });
    }
    const parse = this.options.parseError ?? ((b: unknown) => ProviderError.parseCommonBody(b));
    let detail: ReturnType<ProviderErrorParser> = {};
    try {
      detail = parse(outcome.body, outcome.status, outcome.headers);
    } catch {
      // A parser that cannot read an unexpected body must not hide the HTTP failure itself.
    }
    const quota = outcome.status === 403 && isQuotaRefusal(outcome.body);
    return new ProviderError({
      provider,
      status: outcome.status,
      providerCode: detail.code,
      providerMessage: detail.message,
      retryAfterSeconds,
      ...(quota ? { code: 'RATE_LIMITED' as const } : {}),
    });
  }

  /** The target passed validation when saved but now resolves somewhere private: a config problem. */
  private blocked(message: string, cause: unknown): ProviderError {
    return new ProviderError({
      provider: this.options.provider,
      status: null,
      code: 'BAD_USER_INPUT',
      providerCode: BLOCKED_TARGET,
      providerMessage: message,
      cause,
    });
  }
}

/**
 * fetch reports transport failures as TypeError('fetch failed' or 'terminated') with the socket
 * error as cause. Checked by shape, not instanceof, since errors may come from another realm.
 */
function networkCause(error: unknown): { code?: unknown; message: string } | null {
  if (!error || typeof error !== 'object' || (error as Error).name !== 'TypeError') return null;
  const cause = (error as { cause?: unknown }).cause;
  return cause && typeof cause === 'object' && typeof (cause as Error).message === 'string' ? (cause as Error) : null;
}

/**
 * Google APIs (Gmail) answer some rate limits with 403 and a reason rather than 429
 * (https://developers.google.com/gmail/api/guides/handle-errors): retried like a 429.
 */
const QUOTA_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
function isQuotaRefusal(body: unknown): boolean {
  const errors = (body as { error?: { errors?: { reason?: unknown }[] } } | null)?.error?.errors;
  return Array.isArray(errors) && errors.some((e) => QUOTA_REASONS.has(String(e?.reason)));
}

/** X-RateLimit-Reset as epoch seconds to a delay in ms (null when absent or not a future epoch). */
export function parseRateLimitReset(value: string | null, now = Date.now()): number | null {
  const epoch = Number(value);
  if (!value || !Number.isFinite(epoch) || epoch < 1_000_000_000) return null;
  return Math.max(0, epoch * 1000 - now);
}

function buildUrl(base: string, query: ProviderRequest['query']): URL {
  const url = new URL(base);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.append(name, String(value));
  }
  return url;
}

/**
 * A binary body up to `maxBytes`: a Content-Length above it is refused before a byte is read,
 * and a body without one (chunked) is cut off as soon as it passes the limit.
 */
async function readBytes(response: Awaited<ReturnType<typeof undiciFetch>>, maxBytes: number): Promise<Buffer> {
  const announced = Number(response.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(maxBytes, announced);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > maxBytes) throw new ResponseTooLargeError(maxBytes, size);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks, size);
}

/** Serialised once, so every attempt sends the same bytes (a multipart body: the same parts). */
function buildPayload(req: ProviderRequest): { headers: Record<string, string>; body: string | FormData | undefined } {
  // Handlers build requests in code (the REST engine never sets form): no input can reach this.
  const bodies = [req.json, req.form, req.multipart, req.text].filter((b) => b !== undefined).length;
  if (bodies > 1) throw new Error('ProviderHttp request takes one of json, form, multipart or text');
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value;
  let body: string | FormData | undefined;
  if (req.multipart !== undefined) {
    // undici's FormData (the fetch's own), which writes the boundary into content-type itself.
    const form = new FormData();
    for (const part of req.multipart) {
      if ('value' in part) form.append(part.name, part.value);
      else form.append(part.name, new Blob([part.data], { type: part.contentType }), part.filename);
    }
    delete headers['content-type'];
    body = form;
  } else if (req.json !== undefined) {
    body = JSON.stringify(req.json);
    headers['content-type'] ??= 'application/json';
  } else if (req.form !== undefined) {
    body = new URLSearchParams(req.form).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (req.text !== undefined) {
    body = req.text;
  }
  return { headers, body };
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return null;
  if (contentType && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // a provider mislabelling an error page; keep what it said
    }
  }
  return text;
}
