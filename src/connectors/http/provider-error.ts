import { AppError } from '../../errors';

/** What a provider said went wrong, in its own words. */
export interface ProviderErrorDetail {
  code?: string;
  message?: string;
}

/** Reads a provider's error body; one per provider when the common shapes do not fit. */
/** `headers`: for providers that put the reason in a response header rather than the body. */
export type ProviderErrorParser = (body: unknown, status: number, headers?: Headers) => ProviderErrorDetail;

/** The contract's codes a provider failure can surface as (contract/integration.graphql). */
export type ProviderErrorCode = 'RATE_LIMITED' | 'BAD_USER_INPUT' | 'INTERNAL_SERVER_ERROR';

export interface ProviderErrorOptions {
  provider: string;
  /** HTTP status, or null when no response arrived (reset, timeout, refused). */
  status: number | null;
  providerCode?: string;
  providerMessage?: string;
  retryAfterSeconds?: number;
  /** Overrides the status mapping, e.g. BAD_USER_INPUT for a target the SSRF guard refused. */
  code?: ProviderErrorCode;
  cause?: unknown;
}

/** Provider text is shown to callers: keep it bounded so an HTML error page cannot flood a response. */
const MAX_MESSAGE_LENGTH = 500;

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim().slice(0, MAX_MESSAGE_LENGTH);
  if (typeof value === 'number') return String(value);
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A provider call that failed for good: after retries, or at once for a 4xx. It maps to one of
 * the contract's codes (a provider's 401 is not the caller's UNAUTHENTICATED) and carries the
 * provider's own code and message under extensions.provider; never request headers or secrets.
 */
export class ProviderError extends AppError {
  readonly code: ProviderErrorCode;
  readonly provider: string;
  readonly status: number | null;
  readonly providerCode?: string;
  readonly providerMessage?: string;
  readonly retryAfterSeconds?: number;

  constructor(options: ProviderErrorOptions) {
    const what = options.status === null ? 'request failed' : `responded ${options.status}`;
    const detail = options.providerMessage ?? options.providerCode;
    super(`${options.provider} ${what}${detail ? `: ${detail}` : ''}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.provider = options.provider;
    this.status = options.status;
    this.providerCode = options.providerCode;
    this.providerMessage = options.providerMessage;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.code = options.code ?? ProviderError.codeForStatus(options.status);
  }

  static codeForStatus(status: number | null): ProviderErrorCode {
    if (status === 429) return 'RATE_LIMITED';
    if (status !== null && status >= 400 && status < 500) return 'BAD_USER_INPUT';
    return 'INTERNAL_SERVER_ERROR';
  }

  /**
   * The error shapes most providers use: {error:{code,message,type}} (Stripe, Google, Microsoft
   * Graph), {error:"string", error_description} (OAuth2), {message}, {errors:[{message,code}]}.
   */
  static parseCommonBody(body: unknown): ProviderErrorDetail {
    if (typeof body === 'string') {
      // Plain-text errors are useful; an HTML error page is noise.
      return body.trimStart().startsWith('<') ? {} : { message: text(body) };
    }
    if (!isRecord(body)) return {};
    const { error } = body;
    if (isRecord(error)) {
      return { code: text(error.code) ?? text(error.type) ?? text(error.status), message: text(error.message) ?? text(error.description) };
    }
    if (typeof error === 'string') {
      return { code: text(error), message: text(body.error_description) ?? text(body.message) ?? text(error) };
    }
    if (Array.isArray(body.errors) && isRecord(body.errors[0])) {
      const first = body.errors[0];
      return { code: text(first.code) ?? text(first.errorCode) ?? text(first.type), message: text(first.message) ?? text(first.detail) };
    }
    return {
      code: text(body.code) ?? text(body.errorCode) ?? text(body.error_code),
      message: text(body.message) ?? text(body.error_description) ?? text(body.detail),
    };
  }

  extensions(): Record<string, unknown> {
    const provider = { name: this.provider, status: this.status, code: this.providerCode ?? null, message: this.providerMessage ?? null };
    return this.code === 'RATE_LIMITED' ? { provider, retryAfterSeconds: this.retryAfterSeconds ?? 1 } : { provider };
  }
}
