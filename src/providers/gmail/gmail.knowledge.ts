import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REAUTH = 'Reconnect Google through startOAuth/completeOAuth (access_type=offline, prompt=consent) to get a new refresh token.';

/** Google API error reasons (error.errors[].reason, error.status): developers.google.com/gmail/api/guides/handle-errors. */
export const GOOGLE_KNOWLEDGE: ProviderKnowledge = {
  name: 'gmail',
  aliases: ['gmail', 'google', 'google-apis', 'googleapis', 'google-workspace'],
  source: 'https://developers.google.com/gmail/api/guides/handle-errors',
  entries: [
    entry('authError', 'OAUTH_TOKEN_EXPIRED', 401, false, 'Invalid Credentials: the access token is expired or invalid, or lacks authorisation for the scope.', 'Tokens are refreshed automatically; if the refresh fails too, ' + REAUTH, [/invalid credentials/i]),
    entry('UNAUTHENTICATED', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The request lacks valid authentication credentials.', REAUTH),
    entry('invalid_grant', 'OAUTH_TOKEN_EXPIRED', 400, false, 'The refresh token was refused: revoked, expired (7 days for apps in testing), or the password changed.', REAUTH, [/token has been expired or revoked/i]),
    entry('insufficientPermissions', 'INSUFFICIENT_SCOPE', 403, false, 'The token does not carry the scope the call needs (Request had insufficient authentication scopes).', 'Add the Gmail scope (gmail.readonly, gmail.send, ...) to the OAuth consent screen and reconnect.', [/insufficient authentication scopes/i]),
    entry('ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'INSUFFICIENT_SCOPE', 403, false, 'The token does not carry the needed scope.', 'Add the scope and reconnect.'),
    entry('PERMISSION_DENIED', 'INSUFFICIENT_SCOPE', 403, false, 'The caller does not have permission.', 'Check the scopes and that the API is enabled in the Google Cloud project.'),
    entry('domainPolicy', 'ACCOUNT_RESTRICTED', 403, false, 'The Workspace domain\'s administrators disabled the app or API access.', 'Ask the Workspace admin to allow the app.'),
    entry('accessNotConfigured', 'ACCOUNT_RESTRICTED', 403, false, 'The Gmail API is not enabled for the Google Cloud project.', 'Enable the Gmail API in the Cloud console for the OAuth client\'s project.', [/has not been used in project/i, /it is disabled/i]),
    entry('rateLimitExceeded', 'RATE_LIMITED', 429, true, 'The project\'s request rate limit was reached.', 'Retries back off; lower the sync frequency.'),
    entry('userRateLimitExceeded', 'RATE_LIMITED', 403, true, 'The per-user rate limit was reached (250 quota units per user per second).', 'Retries back off; lower the sync frequency for this mailbox.', [/user-rate limit exceeded/i]),
    entry('RESOURCE_EXHAUSTED', 'RATE_LIMITED', 429, true, 'A quota or rate limit was exhausted.', 'Lower the sync frequency or raise the quota in the Cloud console.'),
    entry('quotaExceeded', 'QUOTA_EXCEEDED', 403, true, 'A usage quota was exceeded (for example concurrent requests).', 'Wait and lower concurrency; raise the quota in the Cloud console.'),
    entry('dailyLimitExceeded', 'QUOTA_EXCEEDED', 403, false, 'The project reached its daily courtesy limit.', 'Request more quota in the Cloud console; retries before the daily reset will fail.', [/daily limit exceeded/i]),
    entry('limitExceeded', 'QUOTA_EXCEEDED', 403, false, 'The user reached a Gmail sending or usage limit.', 'Wait for the limit to reset (up to 24 hours).'),
    entry('notFound', 'RESOURCE_NOT_FOUND', 404, false, 'The message, label or thread was not found.', 'Check the ids; a deleted message cannot be read.'),
    entry('failedPrecondition', 'INVALID_REQUEST', 400, false, 'The request cannot run in the current state (mail service not enabled, history id too old).', 'Run a FULL sync if the history id expired; check the account has Gmail enabled.'),
    entry('badRequest', 'INVALID_REQUEST', 400, false, 'A required field is missing or a value is invalid.', 'Read the message and fix the mapped value.'),
    entry('invalidArgument', 'INVALID_REQUEST', 400, false, 'A value is invalid.', 'Read the message and fix the mapped value.'),
    entry('backendError', 'PROVIDER_OUTAGE', 500, true, 'An unexpected error in Google\'s back end.', 'Retry later with backoff; check the Google Workspace status dashboard.'),
    entry('UNAVAILABLE', 'PROVIDER_OUTAGE', 503, true, 'The service is unavailable.', 'Retry later.'),
  ],
};
