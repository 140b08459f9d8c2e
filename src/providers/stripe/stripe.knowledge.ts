import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const KEY_FIX = 'Create a new secret or restricted key in the Stripe Dashboard (Developers → API keys) and save it with updateConnection(credentials: { apiKey }).';

/** Stripe's error types (error.type) and error codes (error.code): docs.stripe.com/api/errors and /error-codes. */
export const STRIPE_KNOWLEDGE: ProviderKnowledge = {
  name: 'stripe',
  aliases: ['stripe'],
  source: 'https://docs.stripe.com/api/errors, https://docs.stripe.com/error-codes',
  entries: [
    entry('api_key_expired', 'INVALID_CREDENTIALS', 401, false, 'The API key on the connection has expired (it was rolled or given an expiry in the Dashboard).', KEY_FIX, [/expired api key/i]),
    entry('authentication_error', 'INVALID_CREDENTIALS', 401, false, 'Stripe could not authenticate the request: the API key is missing, mistyped, revoked or from another account.', KEY_FIX, [/invalid api key provided/i, /no api key provided/i]),
    entry('secret_key_required', 'INVALID_CREDENTIALS', 401, false, 'A publishable key (pk_…) was used where a secret key (sk_… or rk_…) is required.', KEY_FIX),
    entry('platform_api_key_expired', 'INVALID_CREDENTIALS', 401, false, 'The Connect platform key used for this account has expired.', KEY_FIX),
    entry('permission_error', 'INSUFFICIENT_SCOPE', 403, false, 'The key is valid but not allowed to perform this request, typically a restricted key (rk_…) without the resource permission.', 'Give the restricted key read (and for outbound syncs write) access to the synced resource in the Dashboard, or use a key with that permission.', [/does not have the required permissions/i, /restricted key/i]),
    entry('rate_limit', 'RATE_LIMITED', 429, true, 'Too many requests hit the Stripe API too quickly (Stripe allows about 100 read and 100 write operations per second in live mode, 25 in test mode).', 'Nothing to change for occasional bursts: requests are retried with backoff. If it recurs, lower the sync frequency or stagger configs that share this Stripe account.', [/too many requests/i, /rate limit/i]),
    entry('rate_limit_error', 'RATE_LIMITED', 429, true, 'Stripe refused the request because the account sent too many requests in a short time.', 'Lower the sync frequency or stagger configs that use this Stripe account; retries with backoff happen automatically.'),
    entry('lock_timeout', 'RATE_LIMITED', 429, true, 'Another request was modifying the same Stripe object at the same time, so Stripe could not take its lock.', 'Retry later; avoid two configs writing the same Stripe objects concurrently.'),
    entry('api_error', 'PROVIDER_OUTAGE', 500, true, 'A problem on Stripe\'s side (rare); the request may not have been applied.', 'Retry later and check status.stripe.com; runs resume from their last committed page.'),
    entry('api_connection_error', 'TARGET_UNREACHABLE', undefined, true, 'The connection to Stripe failed before a response arrived.', 'Check network egress to api.stripe.com (proxy, firewall, DNS); the run is retried automatically.'),
    entry('resource_missing', 'RESOURCE_NOT_FOUND', 404, false, 'The ID in the request does not exist in this Stripe account (deleted, from another account, or test vs live mode mismatch).', 'Check that the connection\'s key is for the same account and mode (test/live) the records were created in; relink or remove the stale link.', [/no such [a-z_ ]+:/i]),
    entry('parameter_missing', 'REQUIRED_FIELD_MISSING', 400, false, 'A required parameter was not sent.', 'Add a mapping rule (or a default value) for the parameter Stripe names in the message, so outbound writes always send it.', [/missing required param/i]),
    entry('parameter_invalid_empty', 'REQUIRED_FIELD_MISSING', 400, false, 'A parameter was sent empty where Stripe requires a value.', 'Give the mapped field a DEFAULT transform or defaultValue so it is never empty.'),
    entry('parameter_invalid_integer', 'MAPPING_TYPE_MISMATCH', 400, false, 'A parameter that must be an integer (amounts are integers in the smallest currency unit) got another type.', 'Map amounts with the DECIMAL_TO_CENTS transform (and CENTS_TO_DECIMAL inbound).', [/invalid integer/i]),
    entry('parameter_invalid_string_empty', 'REQUIRED_FIELD_MISSING', 400, false, 'A string parameter was sent empty.', 'Give the mapped field a defaultValue or drop the rule when the CRM field is blank.'),
    entry('parameter_unknown', 'INVALID_REQUEST', 400, false, 'The request contains a parameter Stripe does not know, usually a mapping rule whose source field name is not a Stripe field.', 'Fix the field mapping so each rule\'s sourceField is a documented Stripe field.', [/received unknown parameter/i]),
    entry('email_invalid', 'MAPPING_TYPE_MISMATCH', 400, false, 'The email address sent is not valid.', 'Clean the CRM value or map the email with TRIM and LOWERCASE transforms.', [/invalid email address/i]),
    entry('invalid_request_error', 'INVALID_REQUEST', 400, false, 'The request had invalid parameters.', 'Read the message and param Stripe names, then fix the mapping rule that produces it.'),
    entry('idempotency_error', 'INVALID_REQUEST', 400, false, 'An Idempotency-Key was reused with different parameters.', 'Use a fresh key per distinct request; this usually clears on the next run.'),
    entry('idempotency_key_in_use', 'RATE_LIMITED', 409, true, 'Another request with the same idempotency key is still being processed.', 'Retry after the first request finishes.'),
    entry('card_declined', 'PAYMENT_DECLINED', 402, false, 'The card was declined by the issuer; decline_code gives the reason.', 'Ask the customer for another payment method; retrying the same card rarely helps.', [/your card was declined/i]),
    entry('card_error', 'PAYMENT_DECLINED', 402, false, 'The card cannot be charged (declined, expired, wrong CVC or number).', 'Collect a new payment method from the customer.'),
    entry('expired_card', 'PAYMENT_DECLINED', 402, false, 'The card has expired.', 'Ask the customer to update the card.'),
    entry('insufficient_funds', 'PAYMENT_DECLINED', 402, false, 'The card has insufficient funds.', 'Ask the customer for another payment method.'),
    entry('account_invalid', 'ACCOUNT_RESTRICTED', 403, false, 'The Stripe-Account header names an account the platform cannot access.', 'Check the connected account id in the connection config.'),
    entry('testmode_charges_only', 'ACCOUNT_RESTRICTED', 400, false, 'The account is not activated for live charges.', 'Activate the Stripe account or use a test key.'),
  ],
};
