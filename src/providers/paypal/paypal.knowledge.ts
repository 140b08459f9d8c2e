import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const CLIENT_FIX = 'Check the REST app\'s client id and secret (and sandbox vs live) in the PayPal developer dashboard, then save them with updateConnection.';

/** PayPal REST error names and issues (name, details[].issue): developer.paypal.com/api/rest/reference/orders/v2/errors and /api/errors. */
export const PAYPAL_KNOWLEDGE: ProviderKnowledge = {
  name: 'paypal',
  aliases: ['paypal'],
  source: 'https://developer.paypal.com/api/rest/responses/, https://developer.paypal.com/api/errors/resource-not-found',
  entries: [
    entry('invalid_client', 'INVALID_CREDENTIALS', 401, false, 'Client authentication failed: wrong client id or secret, or sandbox credentials used against live.', CLIENT_FIX, [/client authentication failed/i]),
    entry('AUTHENTICATION_FAILURE', 'INVALID_CREDENTIALS', 401, false, 'Authentication failed due to an invalid or expired access token.', 'Tokens are fetched again automatically; if it persists, check the client credentials. ' + CLIENT_FIX),
    entry('invalid_token', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The access token is invalid or expired.', 'A new token is requested on the next run; if it persists, check the client credentials.'),
    entry('NOT_AUTHORIZED', 'INSUFFICIENT_SCOPE', 403, false, 'Authorization failed due to insufficient permissions.', 'Enable the feature (Invoicing, Transaction Search) on the REST app and wait for the permission to propagate.'),
    entry('PERMISSION_DENIED', 'INSUFFICIENT_SCOPE', 403, false, 'The caller does not have permission for this action or resource.', 'Enable the needed feature on the REST app.'),
    entry('PAYEE_ACCOUNT_NOT_VERIFIED', 'ACCOUNT_RESTRICTED', 403, false, 'The payee account is not verified.', 'Verify the PayPal business account.'),
    entry('RATE_LIMIT_REACHED', 'RATE_LIMITED', 429, true, 'Too many requests; PayPal blocks them until the rate drops.', 'Lower the sync frequency; prefer webhooks to polling.'),
    entry('INVALID_RESOURCE_ID', 'RESOURCE_NOT_FOUND', 404, false, 'The requested resource id was not found (wrong id, other account, or sandbox vs live).', 'Check the id and that the connection is for the same account and environment.', [/requested resource id was not found/i]),
    entry('RESOURCE_NOT_FOUND', 'RESOURCE_NOT_FOUND', 404, false, 'The specified resource does not exist.', 'Check the id and environment.'),
    entry('INVALID_REQUEST', 'INVALID_REQUEST', 400, false, 'The request is not well-formed, syntactically incorrect, or violates the schema.', 'Read details[].field and fix the mapping rule that writes it.', [/request is not well-formed/i]),
    entry('MISSING_REQUIRED_PARAMETER', 'REQUIRED_FIELD_MISSING', 400, false, 'A required field or parameter is missing.', 'Add a mapping rule for the field PayPal names in details[].field.', [/required (field|parameter) is missing/i]),
    entry('INVALID_PARAMETER_VALUE', 'MAPPING_TYPE_MISMATCH', 400, false, 'A field value is invalid.', 'Transform the value into the format PayPal documents (amounts as strings with two decimals, ISO dates).'),
    entry('INVALID_PARAMETER_SYNTAX', 'MAPPING_TYPE_MISMATCH', 400, false, 'A value does not match the required syntax.', 'Reformat the mapped value.'),
    entry('INVALID_STRING_LENGTH', 'MAPPING_TYPE_MISMATCH', 400, false, 'A string is too long or too short.', 'Trim the mapped value.'),
    entry('CURRENCY_MISMATCH', 'MAPPING_TYPE_MISMATCH', 422, false, 'Currencies of the amounts in the request do not match.', 'Map currency_code consistently.'),
    entry('DUPLICATE_INVOICE_NUMBER', 'DUPLICATE_RECORD', 422, false, 'The invoice number is already used.', 'Map a unique invoice number or let PayPal generate one.'),
    entry('UNPROCESSABLE_ENTITY', 'INVALID_REQUEST', 422, false, 'The action could not be done: a business rule failed.', 'Read details[].issue for the rule.'),
    entry('INTERNAL_SERVER_ERROR', 'PROVIDER_OUTAGE', 500, true, 'An internal PayPal error.', 'Retry later (requests carry PayPal-Request-Id, so retries are idempotent); check www.paypal-status.com.'),
    entry('SERVICE_UNAVAILABLE', 'PROVIDER_OUTAGE', 503, true, 'PayPal is temporarily unavailable.', 'Retry later.'),
  ],
};
