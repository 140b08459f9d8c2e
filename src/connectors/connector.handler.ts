import { InternalError } from '../errors';
import type { AuthType } from './connector.enums';
import type { EmailOpenTracking } from './open-tracking';
import type { MultipartPart } from './http/provider-http';

/**
 * A handler asked for an object, or an operation on one, it does not offer. Callers check the
 * object against the connector's definition first (connectionRecords, sync config validation, a
 * sync plan's supportsWrite), so reaching this means a definition and its handler disagree: the
 * server's failure, hence an InternalError, with the code in a sync run's log.
 */
export class UnsupportedObjectError extends InternalError {
  readonly code = 'UNSUPPORTED_OBJECT';
  constructor(
    readonly connector: string,
    detail: string,
  ) {
    super(`${connector} ${detail}`);
    this.name = 'UnsupportedObjectError';
  }
}

/** One request to the provider, relative to the connection's base URL; auth is added for it. */
export interface CallRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the base URL (`/v1/customers`) or an absolute URL the provider handed out (next links). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  /** multipart/form-data parts (a file upload such as Adobe Sign's transient documents). */
  multipart?: MultipartPart[];
  /** Read a successful answer as bytes (a PDF), refusing more than maxBytes (ResponseTooLargeError). */
  binary?: { maxBytes: number };
  /** A body sent as it is (a multipart batch), its content-type in `headers`. */
  text?: string;
  headers?: Record<string, string>;
  /** Points of the rate budget the request spends (default 1): a batch of n calls costs n. */
  cost?: number;
  /** Safe to resend after an uncertain failure (the provider dedupes it, e.g. PayPal-Request-Id). */
  idempotent?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a provider's JSON, read field by field by each handler
export interface CallResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * What a connector handler gets for one operation on one connection: the connection's settings,
 * its decrypted credentials, and an HTTP function that already applies the base URL, the
 * credentials, the provider's rate budget, retries, timeouts, the target guard and (for OAuth2)
 * token refresh before expiry and after a 401.
 */
export interface ConnectorCall {
  connectionId: string;
  organizationId: string;
  authType: AuthType;
  config: Record<string, unknown>;
  credentials: Record<string, unknown>;
  baseUrl: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as CallResponse
  request<T = any>(req: CallRequest): Promise<CallResponse<T>>;
}

export type ConnectorRecord = Record<string, unknown>;

export interface ListOptions {
  /** Where the previous page ended, as this handler returned it; null for the first page. */
  cursor?: string | null;
  pageSize?: number;
  /** Incremental checkpoint from the last committed page of an earlier run (handler-defined). */
  since?: unknown;
  /** The checkpoint this read has reached so far (from earlier pages), to carry forward. */
  checkpoint?: unknown;
}

export interface ListPage {
  records: ConnectorRecord[];
  /** Pass back as `cursor` for the next page; null when this was the last one. */
  nextCursor: string | null;
  /**
   * For incremental objects: the checkpoint of the read so far once this page is committed; it
   * replaces the previous one (undefined keeps it). A handler whose pages are not in change
   * order combines it with `options.checkpoint`.
   */
  checkpoint?: unknown;
  /**
   * An incremental read's deletions: external ids of records the provider reports deleted since
   * `options.since` (Stripe `customer.deleted` events, QuickBooks CDC `status: "Deleted"`, Graph
   * delta `@removed`). None of them is also in `records`. A FULL read need not report any: the
   * deletion sweep over the ids it listed covers it.
   */
  deleted?: string[];
  /**
   * The provider's version of each listed or deleted record's state, by external id, in epoch
   * milliseconds (Stripe event `created`, QuickBooks MetaData.LastUpdatedTime, Graph
   * lastModifiedDateTime), where the read knows it. A record whose link holds a version at least
   * as new is skipped, so an older state never overwrites a newer one.
   */
  versions?: Record<string, number>;
  /**
   * Set when `options.since` is too old for the provider's change feed (Stripe keeps 30 days of
   * events, QuickBooks CDC looks back 30 days): why, in words for the run's log. The page then
   * has no records, no deletions, no next cursor and no checkpoint, and the object must be read
   * in FULL instead (without `since`).
   */
  fullReadRequired?: string;
}

/** How an action is being run beyond its input. */
export interface ActionRunOptions {
  /**
   * Stable for one logical call however often it is attempted (an automation run's id): an action
   * with an ActionRecovery sends it where the provider can use it (Stripe's Idempotency-Key,
   * PayPal-Request-Id, a Slack message's metadata).
   */
  idempotencyKey?: string;
  /** Open tracking for mail actions whose input asks for it (`track: true`); absent where no caller offers it. */
  openTracking?: EmailOpenTracking;
}

export type ActionHandler = (call: ConnectorCall, input: Record<string, unknown>, options?: ActionRunOptions) => Promise<unknown>;

/** What an earlier call with the same idempotency key turned out to have done. */
export type PreviousCall = { found: true; result: unknown } | { found: false } | { unknown: string };

/**
 * An action's opt-in answer to "the last attempt may have reached the provider, but its answer
 * never arrived" (a worker killed mid-call, a reset after sending). Without one, a caller that
 * must not act twice (an automation run) fails rather than resend.
 */
export interface ActionRecovery {
  /** The provider deduplicates on the idempotency key: resending with it cannot act twice. */
  idempotentWithKey?: boolean;
  /** Asks the provider whether a call with this key took effect at or after `since`. */
  findPrevious?(call: ConnectorCall, input: Record<string, unknown>, idempotencyKey: string, since: Date): Promise<PreviousCall>;
}

/** The behaviour of one provider; its metadata lives beside it in the ConnectorDefinition. */
export interface ConnectorHandler {
  /** Headers that authenticate a request with these credentials (default: Bearer token). */
  authorize?(authType: AuthType, credentials: Record<string, unknown>): Record<string, string>;
  /**
   * Credentials' shape beyond the required fields, checked when they are saved: throws
   * BadUserInputError (Mailchimp's API key must end in its data center, `-us21`).
   */
  checkCredentials?(authType: AuthType, credentials: Record<string, unknown>): void;
  /**
   * The API's base URL where it depends on the credentials (Mailchimp: the key's data center
   * picks `https://<dc>.api.mailchimp.com/3.0`), config.baseUrl's override included. Without it
   * the base URL is config.baseUrl, else the definition's.
   */
  baseUrl?(credentials: Record<string, unknown>, config: Record<string, unknown>): string;
  /** A cheap authenticated call that proves the credentials work. */
  test(call: ConnectorCall): Promise<void>;
  /**
   * The provider account this connection reaches (Stripe's acct_…, a Slack team id, a QuickBooks
   * realmId, the Google or Microsoft user), from the provider's documented identity call or what
   * the authorization returned. Any connection to the same account reads the same records, so it
   * must be stable and must not depend on the credential (a new key or token for the same account
   * gives the same id). Null when the provider cannot tell; absent for connectors that never can.
   */
  identify?(call: ConnectorCall): Promise<string | null>;
  /**
   * A mail or calendar connector's own address (lowercased), which tells outbound messages from
   * inbound ones when they are synced as activities. Null when the provider does not say.
   */
  mailboxAddress?(call: ConnectorCall): Promise<string | null>;
  list(call: ConnectorCall, object: string, options: ListOptions): Promise<ListPage>;
  get?(call: ConnectorCall, object: string, id: string): Promise<ConnectorRecord>;
  /**
   * `idempotencyKey` is stable for one logical create (the sync derives it from the CRM record):
   * providers that deduplicate on it (Stripe's Idempotency-Key) then never create twice when a
   * run resumes after a crash between the create and its link.
   */
  create?(call: ConnectorCall, object: string, data: ConnectorRecord, options?: { idempotencyKey?: string }): Promise<ConnectorRecord>;
  update?(call: ConnectorCall, object: string, id: string, data: ConnectorRecord): Promise<ConnectorRecord>;
  actions: Record<string, ActionHandler>;
  /** Per action name, how an interrupted call of it can be settled without acting twice. */
  actionRecovery?: Record<string, ActionRecovery>;
  /**
   * Inspects every successful HTTP response; throwing a ProviderError here makes it a failure
   * (status 401 included, which refreshes an OAuth2 token and resends once). For providers that
   * answer errors with HTTP 200 (Slack's {ok: false}).
   */
  checkResponse?(response: CallResponse): void;
  /** The provider's error body to {code, message}, when its shape is not a common one. */
  parseError?(body: unknown, status: number, headers?: Headers): { code?: string; message?: string };
}

/** Bearer for tokens, API keys and OAuth access tokens; Basic for username and password. */
export function defaultAuthorize(authType: AuthType, credentials: Record<string, unknown>): Record<string, string> {
  switch (authType) {
    case 'BASIC':
      return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` };
    case 'API_KEY':
      return { authorization: `Bearer ${credentials.apiKey}` };
    case 'TOKEN':
      return { authorization: `Bearer ${credentials.token}` };
    case 'OAUTH2':
      return { authorization: `Bearer ${credentials.accessToken}` };
    default:
      return {};
  }
}
