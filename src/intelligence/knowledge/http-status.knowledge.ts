import { entry } from './entry';
import type { KnowledgeEntry } from './knowledge.types';

/**
 * What an HTTP status means when nothing more specific is known (RFC 9110, RFC 6585), keyed by
 * status; the code reported is HTTP_<status>. Classes (4xx, 5xx) catch the undocumented ones.
 */
export const HTTP_STATUS_KNOWLEDGE: Record<number, KnowledgeEntry> = {
  400: entry(
    'HTTP_400',
    'INVALID_REQUEST',
    400,
    false,
    'Bad Request: the provider refused the request as malformed or invalid.',
    "Read the provider's message; it usually names the field. Fix the mapping rule or config value that produces it.",
  ),
  401: entry(
    'HTTP_401',
    'INVALID_CREDENTIALS',
    401,
    false,
    'Unauthorized: the credentials are missing, wrong, expired or revoked.',
    "Update the connection's credentials (updateConnection) or reconnect through OAuth, then run testConnection.",
  ),
  402: entry(
    'HTTP_402',
    'ACCOUNT_RESTRICTED',
    402,
    false,
    "Payment Required: the provider account's plan or billing does not allow the request.",
    "Check the provider account's subscription and billing.",
  ),
  403: entry(
    'HTTP_403',
    'INSUFFICIENT_SCOPE',
    403,
    false,
    'Forbidden: the credentials are valid but lack a permission or scope for this request.',
    'Grant the missing permission or scope to the app or key, then reconnect.',
  ),
  404: entry(
    'HTTP_404',
    'RESOURCE_NOT_FOUND',
    404,
    false,
    'Not Found: the object or endpoint does not exist, or the credentials cannot see it.',
    'Check the ids and the base URL in the connection config.',
  ),
  405: entry(
    'HTTP_405',
    'INVALID_REQUEST',
    405,
    false,
    'Method Not Allowed: the endpoint does not accept this method (often a read-only object written to).',
    'Sync this object INBOUND only.',
  ),
  408: entry('HTTP_408', 'PROVIDER_OUTAGE', 408, true, 'Request Timeout: the provider gave up waiting for the request.', 'Retry later.'),
  409: entry(
    'HTTP_409',
    'DUPLICATE_RECORD',
    409,
    true,
    'Conflict: the request conflicts with the current state (a duplicate, or a concurrent change).',
    'Retry once; if it persists, match existing records instead of creating new ones.',
  ),
  410: entry(
    'HTTP_410',
    'RESOURCE_NOT_FOUND',
    410,
    false,
    'Gone: the resource (or a sync/delta token) is no longer available.',
    'Run a FULL sync; remove links to deleted records.',
  ),
  412: entry('HTTP_412', 'INVALID_REQUEST', 412, true, 'Precondition Failed: the record changed since it was read.', 'Retry; the record is read again.'),
  413: entry(
    'HTTP_413',
    'INVALID_REQUEST',
    413,
    false,
    "Content Too Large: the request body exceeds the provider's limit.",
    'Reduce the mapped payload (long text fields, attachments).',
  ),
  415: entry('HTTP_415', 'INVALID_REQUEST', 415, false, 'Unsupported Media Type.', "Check the connector's request content type."),
  422: entry(
    'HTTP_422',
    'INVALID_REQUEST',
    422,
    false,
    'Unprocessable Content: the request is well formed but breaks a validation rule.',
    'Read the message for the rule and fix the mapped value.',
  ),
  423: entry('HTTP_423', 'RATE_LIMITED', 423, true, 'Locked: the resource is locked by another operation.', 'Retry later.'),
  429: entry(
    'HTTP_429',
    'RATE_LIMITED',
    429,
    true,
    "Too Many Requests: the provider's rate limit was reached.",
    'Retries honour Retry-After; if it recurs, lower the sync frequency or stagger configs on this connection.',
  ),
  500: entry('HTTP_500', 'PROVIDER_OUTAGE', 500, true, "Internal Server Error on the provider's side.", "Retry later and check the provider's status page."),
  501: entry(
    'HTTP_501',
    'INVALID_REQUEST',
    501,
    false,
    'Not Implemented: the provider does not support this operation.',
    'Stop syncing this object in this direction.',
  ),
  502: entry('HTTP_502', 'PROVIDER_OUTAGE', 502, true, 'Bad Gateway: a proxy in front of the provider got no valid answer.', 'Retry later.'),
  503: entry(
    'HTTP_503',
    'PROVIDER_OUTAGE',
    503,
    true,
    'Service Unavailable: the provider is down or overloaded.',
    "Retry later and check the provider's status page.",
  ),
  504: entry('HTTP_504', 'PROVIDER_OUTAGE', 504, true, 'Gateway Timeout: the provider did not answer in time.', 'Retry later; smaller pages may help.'),
};

/** A status with no entry of its own: its class decides. */
export function httpStatusKnowledge(status: number): KnowledgeEntry | null {
  const exact = HTTP_STATUS_KNOWLEDGE[status];
  if (exact) return exact;
  if (status >= 500 && status <= 599)
    return { ...HTTP_STATUS_KNOWLEDGE[500], code: `HTTP_${status}`, status, explanation: `HTTP ${status}: a server error on the provider's side.` };
  if (status >= 400 && status <= 499)
    return { ...HTTP_STATUS_KNOWLEDGE[400], code: `HTTP_${status}`, status, explanation: `HTTP ${status}: the provider refused the request.` };
  return null;
}
