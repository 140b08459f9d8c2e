import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import {
  countOf,
  DEFAULT_BASE_URL,
  listIdOf,
  mailchimpBaseUrl,
  offsetOf,
  offsetPage,
  parseMailchimpError,
  requireDataCenter,
  subscriberHash,
} from './mailchimp.api';
import { readCampaignResponses } from './mailchimp.email-activity';
import { identifyMailchimpAccount } from './mailchimp.identity';
import { MemberTag, memberPath, setTags, updateMember, upsertMember } from './mailchimp.members';

/**
 * Mailchimp Marketing API 3.0 (https://mailchimp.com/developer/marketing/api/): an API key whose
 * `-us21` suffix picks the host, HTTP Basic with the key as password, count/offset pages with
 * total_items, problem-detail errors (mailchimp.api.ts). Objects: the account's audiences
 * (`lists`), the members of the connection's audience (config.listId), its campaigns, and each
 * campaign's responses per recipient (`campaign_responses`, for campaign_member). Members are
 * written with PUT /lists/{list_id}/members/{subscriber_hash}, Mailchimp's own upsert keyed by
 * the MD5 of the lowercased email: the same contact twice is one member, never two.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'members',
    // since_last_changed sees edits but not archived or deleted members; a full read and the deletion sweep do.
    supportsIncremental: false,
    supportsWrite: true,
    fields: [
      f('id', FieldType.STRING, true),
      f('email_address', FieldType.EMAIL, true),
      f('status', FieldType.ENUM),
      f('status_if_new', FieldType.ENUM),
      f('merge_fields.FNAME', FieldType.STRING),
      f('merge_fields.LNAME', FieldType.STRING),
      f('merge_fields.PHONE', FieldType.PHONE),
      f('merge_fields.BIRTHDAY', FieldType.STRING),
      f('merge_fields.ADDRESS', FieldType.OBJECT),
      f('email_type', FieldType.ENUM),
      f('language', FieldType.STRING),
      f('vip', FieldType.BOOLEAN),
      f('member_rating', FieldType.INTEGER),
      f('tags', FieldType.ARRAY),
      f('location.country_code', FieldType.STRING),
      f('timestamp_signup', FieldType.DATETIME),
      f('last_changed', FieldType.DATETIME),
      f('list_id', FieldType.STRING, false, 'lists'),
    ],
  },
  {
    name: 'lists',
    // Audiences are created in Mailchimp's app: each needs a physical address and permission reminder.
    supportsIncremental: false,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('web_id', FieldType.INTEGER),
      f('name', FieldType.STRING),
      f('permission_reminder', FieldType.STRING),
      f('campaign_defaults.from_email', FieldType.EMAIL),
      f('campaign_defaults.from_name', FieldType.STRING),
      f('stats.member_count', FieldType.INTEGER),
      f('stats.unsubscribe_count', FieldType.INTEGER),
      f('date_created', FieldType.DATETIME),
    ],
  },
  {
    name: 'campaigns',
    supportsIncremental: false,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('type', FieldType.ENUM),
      f('status', FieldType.ENUM),
      f('settings.title', FieldType.STRING),
      f('settings.subject_line', FieldType.STRING),
      f('recipients.list_id', FieldType.STRING, false, 'lists'),
      f('create_time', FieldType.DATETIME),
      f('send_time', FieldType.DATETIME),
      f('emails_sent', FieldType.INTEGER),
    ],
  },
  {
    name: 'campaign_responses',
    // The email activity report has `since`, but a recipient's row carries all its activity: a full read is simpler and exact.
    supportsIncremental: false,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('campaign_id', FieldType.STRING, true, 'campaigns'),
      f('email_id', FieldType.STRING, false, 'members'),
      f('email_address', FieldType.EMAIL),
      f('status', FieldType.ENUM),
      f('responded', FieldType.BOOLEAN),
      f('first_responded_at', FieldType.DATETIME),
      f('opens', FieldType.INTEGER),
      f('clicks', FieldType.INTEGER),
      f('activity', FieldType.ARRAY),
      f('list_id', FieldType.STRING, false, 'lists'),
    ],
  },
];

async function page(
  call: ConnectorCall,
  path: string,
  key: string,
  cursor: string | null | undefined,
  pageSize: number | undefined,
  query = {},
): Promise<ListPage> {
  const offset = offsetOf(cursor);
  const { body } = await call.request<Record<string, unknown>>({ method: 'GET', path, query: { ...query, count: countOf(pageSize), offset } });
  return offsetPage((body[key] as ConnectorRecord[] | undefined) ?? [], offset, body.total_items);
}

const handler: ConnectorHandler = {
  authorize(_authType, credentials) {
    // "You can use any string as the user name. Your API key is used where you would normally include your password."
    return { authorization: `Basic ${Buffer.from(`hotcrm:${String(credentials.apiKey ?? '').trim()}`).toString('base64')}` };
  },

  checkCredentials(_authType, credentials) {
    requireDataCenter(credentials.apiKey);
  },

  baseUrl: mailchimpBaseUrl,

  async test(call) {
    // "A health check for the API that won't return any account-specific information."
    await call.request({ method: 'GET', path: '/ping' });
  },

  identify: identifyMailchimpAccount,

  async list(call, object, { cursor, pageSize }): Promise<ListPage> {
    switch (object) {
      case 'members':
        return page(call, `/lists/${encodeURIComponent(listIdOf(call))}/members`, 'members', cursor, pageSize);
      case 'lists':
        return page(call, '/lists', 'lists', cursor, pageSize);
      case 'campaigns':
        return page(call, '/campaigns', 'campaigns', cursor, pageSize, typeof call.config.listId === 'string' ? { list_id: call.config.listId } : {});
      case 'campaign_responses':
        return readCampaignResponses(call, cursor, pageSize);
      default:
        throw new UnsupportedObjectError('Mailchimp', `has no object "${object}" here`);
    }
  },

  async get(call, object, id) {
    const paths: Record<string, () => string> = {
      members: () => memberPath(listIdOf(call), encodeURIComponent(id)),
      lists: () => `/lists/${encodeURIComponent(id)}`,
      campaigns: () => `/campaigns/${encodeURIComponent(id)}`,
    };
    if (!paths[object]) throw new UnsupportedObjectError('Mailchimp', `cannot read one "${object}" by id`);
    return (await call.request<ConnectorRecord>({ method: 'GET', path: paths[object]() })).body;
  },

  async create(call, object, data) {
    if (object !== 'members') throw new UnsupportedObjectError('Mailchimp', `${object} are read-only here`);
    return upsertMember(call, listIdOf(call), data);
  },

  async update(call, object, id, data) {
    if (object !== 'members') throw new UnsupportedObjectError('Mailchimp', `${object} are read-only here`);
    return updateMember(call, listIdOf(call), id, data);
  },

  actions: {
    async upsertMember(call, input) {
      const { listId, email, statusIfNew, status, mergeFields, tags } = input as Record<string, unknown>;
      const data: ConnectorRecord = { email_address: email, merge_fields: mergeFields, status, status_if_new: statusIfNew, tags };
      for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key];
      return upsertMember(call, listIdOf(call, listId), data);
    },
    async updateMemberTags(call, input) {
      const { listId, email, tags } = input as { listId?: string; email: string; tags: MemberTag[] };
      const hash = subscriberHash(email);
      await setTags(call, listIdOf(call, listId), hash, tags);
      return { id: hash, tags };
    },
  },

  parseError: parseMailchimpError,
};

const LIST_ID = { type: 'string', minLength: 1, description: 'The audience id; config.listId when left out.' };

export const mailchimp: ConnectorDefinition = {
  key: 'mailchimp',
  name: 'Mailchimp',
  description: 'Audiences, members, campaigns and campaign responses in Mailchimp (Marketing API 3.0).',
  provider: 'mailchimp',
  category: ConnectorCategory.MARKETING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.API_KEY],
  baseUrl: DEFAULT_BASE_URL,
  version: '3.0',
  icon: null,
  // Mailchimp limits each account to 10 simultaneous connections and answers 429 past that
  // (https://mailchimp.com/developer/marketing/docs/fundamentals/#api-limits); no per-second rate is published.
  rateLimit: { strategy: 'token_bucket', limit: 10, windowSeconds: 1 },
  credentialFields: { [AuthType.API_KEY]: ['apiKey'] },
  objects: OBJECTS,
  actions: [
    {
      name: 'upsertMember',
      description: 'Adds a contact to an audience or updates it (PUT /lists/{list_id}/members/{subscriber_hash}), then adds its tags.',
      inputSchema: {
        type: 'object',
        required: ['email'],
        properties: {
          listId: LIST_ID,
          email: { type: 'string', format: 'email' },
          statusIfNew: {
            enum: ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'],
            description: 'Status of a new member (default subscribed).',
          },
          status: { enum: ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'], description: 'Also changes an existing member.' },
          mergeFields: { type: 'object', additionalProperties: { type: ['string', 'number', 'object'] }, description: 'Merge tags: FNAME, LNAME, PHONE, ...' },
          tags: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        additionalProperties: false,
      },
    },
    {
      name: 'updateMemberTags',
      description: 'Adds (active) or removes (inactive) tags on a member (POST /lists/{list_id}/members/{subscriber_hash}/tags).',
      inputSchema: {
        type: 'object',
        required: ['email', 'tags'],
        properties: {
          listId: LIST_ID,
          email: { type: 'string', format: 'email' },
          tags: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['name', 'status'],
              properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, status: { enum: ['active', 'inactive'] } },
              additionalProperties: false,
            },
          },
        },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
