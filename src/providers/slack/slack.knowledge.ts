import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REINSTALL = 'Reconnect Slack through startOAuth/completeOAuth so the workspace issues a new token.';

/** Slack Web API error strings (ok:false, error): api.slack.com/web#errors and each method's Errors table. */
export const SLACK_KNOWLEDGE: ProviderKnowledge = {
  name: 'slack',
  aliases: ['slack'],
  source: 'https://api.slack.com/web#errors, https://api.slack.com/methods',
  entries: [
    entry('invalid_auth', 'INVALID_CREDENTIALS', 401, false, 'The token is invalid: mistyped, from another workspace, or the app was removed.', REINSTALL),
    entry('not_authed', 'INVALID_CREDENTIALS', 401, false, 'No token was sent with the request.', REINSTALL),
    entry('token_revoked', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The token was revoked (the app was uninstalled or a user revoked it).', REINSTALL),
    entry('token_expired', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The token expired; the app uses token rotation and the refresh did not happen or was refused.', REINSTALL),
    entry('account_inactive', 'INVALID_CREDENTIALS', 401, false, 'The token belongs to a deleted user or workspace.', 'Reconnect Slack as an active user of the workspace.'),
    entry('missing_scope', 'INSUFFICIENT_SCOPE', 403, false, 'The token lacks a scope the method needs; `needed` in the message names it.', 'Add the needed scope to the Slack app\'s OAuth settings, then reconnect so the token carries it.', [/needed:/i]),
    entry('not_allowed_token_type', 'INSUFFICIENT_SCOPE', 403, false, 'The method does not accept this kind of token (bot vs user).', 'Connect with the token type the method requires.'),
    entry('no_permission', 'INSUFFICIENT_SCOPE', 403, false, 'The workspace token is not allowed to act here.', 'Ask a workspace admin to grant the app access.'),
    entry('access_denied', 'INSUFFICIENT_SCOPE', 403, false, 'Access to a resource in the request was denied.', 'Check the app\'s permissions in the workspace.'),
    entry('not_in_channel', 'INSUFFICIENT_SCOPE', 403, false, 'The bot is not a member of the channel.', 'Invite the app to the channel (/invite @app) or add the chat:write.public scope.'),
    entry('is_archived', 'INVALID_REQUEST', 403, false, 'The channel has been archived.', 'Unarchive the channel or point the sync at another one.'),
    entry('channel_not_found', 'RESOURCE_NOT_FOUND', 404, false, 'The channel id is wrong, or the token cannot see the channel (private channel, other workspace).', 'Check the channel id in the config and invite the app to private channels.'),
    entry('user_not_found', 'RESOURCE_NOT_FOUND', 404, false, 'The user id does not exist in this workspace.', 'Check the mapped user id.'),
    entry('ratelimited', 'RATE_LIMITED', 429, true, 'The app exceeded the method\'s rate-limit tier; Retry-After says when to try again.', 'Retries honour Retry-After; if it persists, run the sync less often.'),
    entry('rate_limited', 'RATE_LIMITED', 429, true, 'The app exceeded the method\'s rate-limit tier.', 'Run the sync less often.'),
    entry('invalid_arguments', 'INVALID_REQUEST', 400, false, 'The method was called with invalid arguments; response_metadata.messages says which.', 'Fix the arguments the message names.'),
    entry('invalid_cursor', 'INVALID_REQUEST', 400, false, 'The pagination cursor is no longer valid.', 'Run a FULL sync to start paging again.'),
    entry('internal_error', 'PROVIDER_OUTAGE', 500, true, 'Slack hit a transient internal error.', 'Retry later; check status.slack.com.'),
    entry('fatal_error', 'PROVIDER_OUTAGE', 500, true, 'Slack hit a serious internal error; part of the operation may have run.', 'Retry later; check status.slack.com.'),
    entry('service_unavailable', 'PROVIDER_OUTAGE', 503, true, 'Slack is temporarily unavailable.', 'Retry later; check status.slack.com.'),
    entry('request_timeout', 'PROVIDER_OUTAGE', 503, true, 'Slack timed out while processing the request.', 'Retry later.'),
    entry('team_access_not_granted', 'INSUFFICIENT_SCOPE', 403, false, 'The token has no access to the workspace (Enterprise Grid).', 'Grant the app access to the workspace in the org admin settings.'),
    entry('ekm_access_denied', 'ACCOUNT_RESTRICTED', 403, false, 'Administrators have suspended access (Enterprise Key Management).', 'Contact the workspace administrators.'),
  ],
};
