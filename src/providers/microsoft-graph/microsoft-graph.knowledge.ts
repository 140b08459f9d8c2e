import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REAUTH = 'Reconnect through startOAuth/completeOAuth so Microsoft issues new tokens.';
const CONSENT =
  'Add the Graph permission the operation needs (Mail.Read, ChannelMessage.Read.All, ...) to the app registration, ' +
  'have an admin grant consent, then reconnect.';

/**
 * Microsoft Graph error codes (error.code, innerError.code) and the identity platform's token
 * errors: learn.microsoft.com/graph/errors, /graph/throttling, Exchange and Teams error codes.
 * Serves both the teams and the outlook connectors.
 */
export const MICROSOFT_GRAPH_KNOWLEDGE: ProviderKnowledge = {
  name: 'microsoft-graph',
  aliases: ['microsoft-graph', 'microsoft', 'graph', 'msgraph', 'teams', 'microsoft-teams', 'outlook', 'office365', 'microsoft-365', 'exchange'],
  source: 'https://learn.microsoft.com/graph/errors, https://learn.microsoft.com/graph/throttling',
  entries: [
    entry(
      'InvalidAuthenticationToken',
      'OAUTH_TOKEN_EXPIRED',
      401,
      false,
      'The access token is expired, malformed or for another resource ("Access token has expired or is not yet valid").',
      REAUTH,
      [/access token has expired/i, /lifetime validation failed/i],
    ),
    entry('unauthenticated', 'INVALID_CREDENTIALS', 401, false, 'The caller is not authenticated.', REAUTH),
    entry(
      'invalid_grant',
      'OAUTH_TOKEN_EXPIRED',
      400,
      false,
      'The refresh token was refused: expired (90 days unused), revoked, or the password changed (AADSTS70008, AADSTS50173).',
      REAUTH,
      [/AADSTS70008/i, /AADSTS50173/i, /AADSTS700082/i],
    ),
    entry(
      'invalid_client',
      'INVALID_CREDENTIALS',
      401,
      false,
      "The app's client id or secret was refused (secret expired or wrong, AADSTS7000215).",
      'Create a new client secret in the app registration and save it with setOAuthClient.',
      [/AADSTS7000215/i],
    ),
    entry('accessDenied', 'INSUFFICIENT_SCOPE', 403, false, 'The caller does not have permission to perform the action.', CONSENT),
    entry(
      'ErrorAccessDenied',
      'INSUFFICIENT_SCOPE',
      403,
      false,
      'Exchange denied access to the mailbox or folder ("Access is denied. Check credentials and try again").',
      CONSENT,
    ),
    entry('Authorization_RequestDenied', 'INSUFFICIENT_SCOPE', 403, false, 'Insufficient privileges to complete the operation.', CONSENT, [
      /insufficient privileges/i,
    ]),
    entry('Forbidden', 'INSUFFICIENT_SCOPE', 403, false, 'Access to the resource is denied (missing permission, license or conditional access).', CONSENT),
    entry(
      'throttledRequest',
      'RATE_LIMITED',
      429,
      true,
      'Graph throttled the app; Retry-After says how long to wait.',
      'Retries honour Retry-After; if it persists, sync less often or fewer objects at once.',
    ),
    entry('activityLimitReached', 'RATE_LIMITED', 429, true, 'The app or user has been throttled.', 'Retries honour Retry-After; lower the sync frequency.'),
    entry('TooManyRequests', 'RATE_LIMITED', 429, true, 'Too many requests for this app and tenant.', 'Lower the sync frequency.'),
    entry(
      'ApplicationThrottled',
      'RATE_LIMITED',
      429,
      true,
      'Exchange throttled the application for this mailbox.',
      'Lower the sync frequency; Outlook allows 10,000 requests per 10 minutes per app and mailbox.',
    ),
    entry(
      'MailboxConcurrency',
      'RATE_LIMITED',
      429,
      true,
      'More than four concurrent requests hit the same mailbox.',
      'Avoid several configs reading the same mailbox at the same time.',
    ),
    entry('quotaLimitReached', 'QUOTA_EXCEEDED', 507, false, 'The user has reached their storage quota.', 'Free space in the mailbox or drive.'),
    entry(
      'itemNotFound',
      'RESOURCE_NOT_FOUND',
      404,
      false,
      'The resource does not exist or the caller cannot see it.',
      'Check the ids in the config (team, channel, folder) and that the signed-in user can access them.',
    ),
    entry(
      'ErrorItemNotFound',
      'RESOURCE_NOT_FOUND',
      404,
      false,
      'The message, event or folder was not found in the store.',
      'Check the folder or item id; a deleted item cannot be synced.',
    ),
    entry(
      'ErrorInvalidIdMalformed',
      'INVALID_REQUEST',
      400,
      false,
      'The id is malformed (often an id from another mailbox or API version).',
      'Re-sync with a FULL run so ids are read again.',
    ),
    entry('Request_ResourceNotFound', 'RESOURCE_NOT_FOUND', 404, false, 'The directory object does not exist.', 'Check the user or group id.'),
    entry(
      'invalidRequest',
      'INVALID_REQUEST',
      400,
      false,
      'The request is malformed or incorrect.',
      'Read the message; fix the mapping or config value it names.',
    ),
    entry('BadRequest', 'INVALID_REQUEST', 400, false, 'The request is malformed or incorrect.', 'Read the message; fix the mapping or config value it names.'),
    entry(
      'nameAlreadyExists',
      'DUPLICATE_RECORD',
      409,
      false,
      'The name is already in use.',
      'Map a unique name or match the existing item instead of creating one.',
    ),
    entry(
      'resyncRequired',
      'INVALID_REQUEST',
      410,
      false,
      'The delta token is no longer valid; the app must resynchronise.',
      'Run a FULL sync to get a fresh delta token.',
      [/resync/i],
    ),
    entry('syncStateNotFound', 'INVALID_REQUEST', 410, false, 'The delta token has expired.', 'Run a FULL sync to get a fresh delta token.'),
    entry(
      'serviceNotAvailable',
      'PROVIDER_OUTAGE',
      503,
      true,
      'The service is temporarily unavailable.',
      'Retry later; check the Microsoft 365 service health dashboard.',
    ),
    entry(
      'generalException',
      'PROVIDER_OUTAGE',
      500,
      true,
      'An unspecified error occurred in Graph.',
      'Retry later; if it persists, quote the request-id to Microsoft support.',
    ),
    entry(
      'UnknownError',
      'PROVIDER_OUTAGE',
      500,
      true,
      'Graph returned an unknown error (often a transient back-end failure).',
      'Retry later; if it persists, quote the request-id to Microsoft support.',
    ),
    entry(
      'notSupported',
      'INVALID_REQUEST',
      501,
      false,
      'The request is not supported (for example the account type does not support the API).',
      'Check the account type (work/school vs personal) supports the synced object.',
    ),
  ],
};
