import { entry } from './entry';
import type { KnowledgeEntry } from './knowledge.types';

/**
 * Failures no provider documents because they happen before or around the provider: network
 * errors (Node's error codes), our own engine's messages (src/sync, src/connections), OAuth
 * token endpoint answers (RFC 6749 5.2). Matched by code first, then by message.
 */
export const GENERIC_KNOWLEDGE: KnowledgeEntry[] = [
  entry('ECONNREFUSED', 'TARGET_UNREACHABLE', undefined, true, 'Nothing accepted the connection at the provider\'s address (the server is down or the base URL points at the wrong host or port).', 'Check the base URL in the connection config and that the host is reachable from the integration service.', [/ECONNREFUSED/]),
  entry('ENOTFOUND', 'TARGET_UNREACHABLE', undefined, false, 'The provider\'s host name does not resolve (DNS).', 'Fix the host name in the connection\'s base URL.', [/ENOTFOUND/, /EAI_AGAIN/]),
  entry('ETIMEDOUT', 'TARGET_UNREACHABLE', undefined, true, 'The connection to the provider timed out.', 'Check network egress (firewall, proxy) to the provider.', [/ETIMEDOUT/, /UND_ERR_CONNECT_TIMEOUT/, /ENETUNREACH/, /EHOSTUNREACH/]),
  entry('ECONNRESET', 'PROVIDER_OUTAGE', undefined, true, 'The provider closed the connection mid-request.', 'Usually transient; retries handle it. If it persists, check proxies between the service and the provider.', [/ECONNRESET/, /socket hang up/i, /other side closed/i]),
  entry('TIMEOUT', 'PROVIDER_OUTAGE', undefined, true, 'The provider sent no complete response within the request timeout.', 'Retry later; if the provider is consistently slow, sync smaller pages less often.', [/no complete response within/i]),
  entry('BLOCKED_TARGET', 'TARGET_BLOCKED', undefined, false, 'The target resolves to a private, loopback, link-local or metadata address, which outbound calls refuse.', 'Point the connection at a public address (or set ALLOW_PRIVATE_TARGETS=true for local development only).', [/refusing to connect to .*(private|loopback|link-local|metadata)/i]),
  entry('CONNECTION_REAUTHORIZATION_REQUIRED', 'OAUTH_TOKEN_EXPIRED', undefined, false, 'The connection\'s OAuth tokens were refused and the refresh failed, so it is EXPIRED.', 'Reconnect through startOAuth/completeOAuth (API-key connections: updateConnection with new credentials).', [/needs to be authorized again/i, /token refresh refused/i, /no refresh token was issued/i]),
  entry('invalid_grant', 'OAUTH_TOKEN_EXPIRED', 400, false, 'The authorization server refused the refresh token (expired, revoked or already used).', 'Reconnect through startOAuth/completeOAuth.', [/invalid_grant/]),
  entry('invalid_client', 'INVALID_CREDENTIALS', 401, false, 'The OAuth client id or secret was refused by the token endpoint.', 'Save the app\'s current client id and secret with setOAuthClient.', [/invalid_client/]),
  entry('insufficient_scope', 'INSUFFICIENT_SCOPE', 403, false, 'The token does not carry the scope the request needs (RFC 6750).', 'Request the missing scope and reconnect.', [/insufficient[_ ]scope/i, /missing[_ ]scope/i]),
  entry('MAPPING_TYPE_MISMATCH', 'MAPPING_TYPE_MISMATCH', undefined, false, 'A field mapping transform could not convert a value (a TO_NUMBER of text, a DATE_FORMAT of a non-date, a phone that is not a number).', 'Change the rule\'s transform to match the source values, add a defaultValue, or clean the source data.', [/: (TO_NUMBER|TO_BOOLEAN|DATE_FORMAT|PHONE_E164|CENTS_TO_DECIMAL|DECIMAL_TO_CENTS|ENUM_MAP): /, /expected a (number|boolean)/i, /not a (phone number|date)/i]),
  entry('REQUIRED_FIELD_MISSING', 'REQUIRED_FIELD_MISSING', undefined, false, 'The receiving side needs a field the mapping does not fill.', 'Add a mapping rule (or a defaultValue) for the required field.', [/\brequired\b.*\b(missing|field|param|value)/i, /\bmissing\b.*\brequired\b/i, /\bis required\b/i, /must not be (empty|blank|null)/i, /cannot be (empty|blank|null)/i]),
  entry('RATE_LIMITED', 'RATE_LIMITED', 429, true, 'The provider\'s rate limit was reached.', 'Lower the sync frequency or stagger configs on this connection.', [/rate.?limit/i, /too many requests/i, /throttl/i]),
];
