import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { identifyLinkedInMember } from './linkedin.identity';

/**
 * LinkedIn (https://learn.microsoft.com/linkedin/): the signed-in member through OpenID Connect
 * (GET /v2/userinfo, scopes openid profile email) and the organizations the member administers
 * (GET /rest/organizationAcls?q=roleAssignee, versioned API: LinkedIn-Version and
 * X-Restli-Protocol-Version headers, paged with start/count and paging.total). LinkedIn allows
 * no other member data to third parties, and nothing here is writable.
 */
const f = field;
const API_VERSION = '202501';
const MAX_PAGE_SIZE = 100;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'profile',
    supportsIncremental: false,
    supportsWrite: false,
    fields: [
      f('sub', FieldType.STRING, true),
      f('name', FieldType.STRING),
      f('given_name', FieldType.STRING),
      f('family_name', FieldType.STRING),
      f('email', FieldType.EMAIL),
      f('email_verified', FieldType.BOOLEAN),
      f('picture', FieldType.URL),
      f('locale', FieldType.OBJECT),
    ],
  },
  {
    name: 'organizations',
    supportsIncremental: false,
    supportsWrite: false,
    fields: [f('organization', FieldType.STRING, true), f('role', FieldType.ENUM), f('state', FieldType.ENUM), f('roleAssignee', FieldType.STRING)],
  },
];

const versioned = { 'linkedin-version': API_VERSION, 'x-restli-protocol-version': '2.0.0' };

async function userinfo(call: ConnectorCall): Promise<ConnectorRecord> {
  return (await call.request<ConnectorRecord>({ method: 'GET', path: '/v2/userinfo' })).body;
}

const handler: ConnectorHandler = {
  async test(call) {
    await userinfo(call);
  },

  identify: identifyLinkedInMember,

  async list(call, object, { cursor, pageSize }): Promise<ListPage> {
    if (object === 'profile') return { records: [await userinfo(call)], nextCursor: null };
    if (object !== 'organizations') throw new UnsupportedObjectError('LinkedIn', `has no object "${object}" here`);
    const start = cursor ? Number(cursor) : 0;
    const count = Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const { body } = await call.request<{ elements: ConnectorRecord[]; paging?: { start: number; count: number; total?: number } }>({
      method: 'GET',
      path: '/rest/organizationAcls',
      query: { q: 'roleAssignee', state: 'APPROVED', start, count },
      headers: versioned,
    });
    const records = body.elements ?? [];
    const total = body.paging?.total;
    const next = start + records.length;
    const more = records.length === count && (total === undefined || next < total);
    return { records, nextCursor: more ? String(next) : null };
  },

  actions: {
    getProfile: (call) => userinfo(call),
  },

  parseError(body) {
    const error = body as { serviceErrorCode?: number; code?: string; message?: string };
    return { code: error?.code ?? (error?.serviceErrorCode !== undefined ? String(error.serviceErrorCode) : undefined), message: error?.message };
  },
};

export const linkedin: ConnectorDefinition = {
  key: 'linkedin',
  name: 'LinkedIn',
  description: 'The member profile and organizations available through the LinkedIn API.',
  provider: 'linkedin',
  category: ConnectorCategory.SOCIAL,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://api.linkedin.com',
  version: API_VERSION,
  icon: null,
  oauth: {
    authorizationUrl: 'https://www.linkedin.com/oauth/v2/authorization',
    tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
    defaultScopes: ['openid', 'profile', 'email'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: OBJECTS,
  actions: [
    {
      name: 'getProfile',
      description: 'The signed-in member (OpenID Connect userinfo).',
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    },
  ],
  handler,
};
