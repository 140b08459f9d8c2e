import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const KEY_FIX =
  'Create a key in Mailchimp (Profile → Extras → API keys) and save it with updateConnection(credentials: { apiKey }); keep its -usNN suffix, which names the data center.';
const AUDIENCE_FIX = 'Check config.listId against the audience id in Mailchimp (Audience → Settings → Audience name and defaults).';

/**
 * Mailchimp Marketing API errors: the problem document's title is the code
 * (https://mailchimp.com/developer/marketing/docs/errors/, its error glossary).
 */
export const MAILCHIMP_KNOWLEDGE: ProviderKnowledge = {
  name: 'mailchimp',
  aliases: ['mailchimp', 'mailchimp marketing'],
  source: 'https://mailchimp.com/developer/marketing/docs/errors/',
  entries: [
    entry(
      'API Key Invalid',
      'INVALID_CREDENTIALS',
      401,
      false,
      'Mailchimp refused the API key: it was revoked or mistyped, or it was sent to another data center than its -usNN suffix names.',
      KEY_FIX,
      [/api key may be invalid/i, /wrong datacenter/i],
    ),
    entry('API Key Missing', 'INVALID_CREDENTIALS', 401, false, 'The request carried no API key.', KEY_FIX, [/did not include an api key/i]),
    entry('Wrong Datacenter', 'INVALID_CREDENTIALS', 403, false, 'The key belongs to another data center than the host called.', KEY_FIX),
    entry(
      'User Disabled',
      'ACCOUNT_RESTRICTED',
      403,
      false,
      'The Mailchimp account is disabled (billing, compliance review).',
      'Resolve the notice in the Mailchimp account; calls work again once it is enabled.',
    ),
    entry(
      'Forbidden',
      'INSUFFICIENT_SCOPE',
      403,
      false,
      "The key's user may not do this (a user role without API access).",
      'Use a key of a Manager or Admin user.',
    ),
    entry(
      'Resource Not Found',
      'RESOURCE_NOT_FOUND',
      404,
      false,
      'The audience, member or campaign in the URL does not exist on this account (or was deleted).',
      AUDIENCE_FIX,
      [/requested resource could not be found/i],
    ),
    entry(
      'Member Exists',
      'DUPLICATE_RECORD',
      400,
      false,
      'POST /members was used for an email already on the audience; the connector upserts with PUT at the subscriber hash, which never answers this.',
      'Use the upsertMember action or an outbound sync instead of a plain create.',
      [/is already a list member/i],
    ),
    entry(
      'Invalid Resource',
      'INVALID_REQUEST',
      400,
      false,
      'Mailchimp rejected the member: a field failed validation (an invalid or fake-looking email, a required merge field missing, a status it does not accept), or the address signed up to too many lists recently.',
      'Read the field errors in the message; map the required merge fields, or make them optional in the audience settings.',
      [/looks fake or invalid/i, /signed up to a lot of lists/i, /merge fields were invalid/i],
    ),
    entry(
      'Forgotten Email Not Subscribed',
      'ACCOUNT_RESTRICTED',
      400,
      false,
      'The contact was permanently deleted (GDPR "forget") and cannot be added back through the API.',
      'Only the person can re-subscribe, through a Mailchimp signup form; leave the record out of the outbound sync.',
      [/permanently deleted and cannot be re-imported/i],
    ),
    entry(
      'Member In Compliance State',
      'ACCOUNT_RESTRICTED',
      400,
      false,
      'The member unsubscribed, bounced or was cleaned and is in a compliance state; it cannot be subscribed through the API.',
      'Send it with status pending (double opt-in) or leave it out.',
      [/compliance state/i],
    ),
    entry('Bad Request', 'INVALID_REQUEST', 400, false, 'Mailchimp could not process the request (a generic 400).', 'Read the detail in the message.'),
    entry('JSON Parse Error', 'INVALID_REQUEST', 400, false, 'The body was not valid JSON.', 'A connector bug: report it with the request.'),
    entry('Method Not Allowed', 'INVALID_REQUEST', 405, false, 'The method does not exist for this resource.', 'A connector bug: report it with the request.'),
    entry(
      'Too Many Requests',
      'RATE_LIMITED',
      429,
      true,
      "The account exceeded Mailchimp's limit of 10 simultaneous connections (or a throttle on the endpoint).",
      'Retries wait and try again; if it recurs, stagger the syncs of connections to the same Mailchimp account.',
      [/too many requests/i, /simultaneous connections/i],
    ),
    entry('Internal Server Error', 'PROVIDER_OUTAGE', 500, true, 'Mailchimp hit an internal error.', 'Retry later; check status.mailchimp.com.'),
    entry(
      'Compliance Related',
      'ACCOUNT_RESTRICTED',
      503,
      false,
      'Mailchimp paused the account for a compliance review.',
      'Follow the notice in the Mailchimp account; calls succeed once the review ends.',
    ),
  ],
};
