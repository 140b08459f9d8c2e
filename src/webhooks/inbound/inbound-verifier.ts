import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionEntity } from '../../connections/connection.entity';
import type { ConnectorCall } from '../../connectors/connector.handler';

/** What a provider sent, as received: the exact bytes, since signatures are computed over them. */
export interface InboundRequest {
  method: 'GET' | 'POST';
  headers: IncomingHttpHeaders;
  query: Record<string, unknown>;
  body: Buffer;
}

/** The connection the URL names, its decrypted credentials, and what some schemes need besides. */
export interface InboundContext {
  connection: ConnectionEntity;
  credentials: Record<string, unknown>;
  /** The connector runtime's call for this connection (PayPal verifies through its own API). */
  bind(): Promise<ConnectorCall>;
  /** The client id of the organization's OAuth app for this connector, if one is set (Adobe Sign). */
  oauthClientId(): Promise<string | null>;
}

/** One provider event, recorded once per `id` as `<connector key>.<type>`. */
export interface ProviderEvent {
  /** The provider's event id (or a documented composite where it has none): the idempotency key. */
  id: string;
  /** The provider's event type, without the connector key. */
  type: string;
  /** The provider's event JSON, minus anything secret the provider echoes back (tokens, clientState). */
  data: unknown;
  occurredAt?: Date;
  objectType?: string | null;
  recordId?: string | null;
}

export interface InboundReply {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as text/plain, anything else as JSON; undefined sends no body. */
  body?: unknown;
}

export type Verification =
  /** Verified: record these (possibly none) and answer with `reply`. */
  | { kind: 'events'; events: ProviderEvent[]; reply: InboundReply }
  /** A handshake the provider needs answered (Slack challenge, Graph validationToken, Adobe client id); nothing to record. */
  | { kind: 'handshake'; reply: InboundReply }
  /** Not from the provider (or not verifiable): 401, nothing recorded. `reason` is safe to log: never a secret or signature. */
  | { kind: 'rejected'; reason: string }
  /** Authentic but unusable (not the JSON the provider documents): 400, nothing recorded. */
  | { kind: 'malformed'; reason: string };

/**
 * One provider's webhook scheme: checks the request came from the provider BEFORE anything is
 * stored, then says which events it carries and how the provider expects to be answered.
 */
export interface InboundVerifier {
  /** Whether the provider also calls the URL with GET (Adobe Sign's verification of intent). */
  readonly acceptsGet?: boolean;
  verify(request: InboundRequest, context: InboundContext): Promise<Verification>;
}

export const rejected = (reason: string): Verification => ({ kind: 'rejected', reason });
export const malformed = (reason: string): Verification => ({ kind: 'malformed', reason });

/** The one header value a scheme reads; a repeated header is ambiguous and counts as missing. */
export function header(request: InboundRequest, name: string): string | null {
  const value = request.headers[name.toLowerCase()];
  return typeof value === 'string' && value.length ? value : null;
}

/** The connection's signing secret (credentials.webhookSecret), when it has one. */
export function webhookSecret(context: InboundContext): string | null {
  const secret = context.credentials.webhookSecret;
  return typeof secret === 'string' && secret.length ? secret : null;
}

/** JSON.parse that answers undefined instead of throwing: a bad body is the caller's 400. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A provider timestamp (ISO text, or seconds since the epoch) as a Date; undefined when it is not one. */
export function dateOf(value: unknown, unit: 'iso' | 'seconds' = 'iso'): Date | undefined {
  let at: Date | null = null;
  if (unit === 'seconds' && (typeof value === 'number' || typeof value === 'string')) at = new Date(Number(value) * 1000);
  if (unit === 'iso' && typeof value === 'string') at = new Date(value);
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.length ? value : typeof value === 'number' ? String(value) : null;
}
