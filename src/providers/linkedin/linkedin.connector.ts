import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { API_VERSION, parseLinkedInError } from './linkedin.api';
import { identifyLinkedInMember } from './linkedin.identity';
import { listAdministeredOrganizations, lookupOrganization } from './linkedin.organizations';

/**
 * LinkedIn (https://learn.microsoft.com/linkedin/) allows a third party exactly this, and the
 * connector does nothing else:
 * - the signed-in member, through OpenID Connect (GET /v2/userinfo, scopes openid profile email);
 * - the organizations the member administers (organizationAcls, then the organizations batch get);
 * - one organization's public page by its vanity name (the vanityName finder).
 * Other members' profiles are not available to third parties (no search, no lookup by email),
 * so no contact other than the member's own can be enriched from LinkedIn. Nothing is writable.
 * The organization calls need the Community Management API product and its
 * rw_organization_admin scope, which the default scopes leave out so that an app with only
 * "Sign In with LinkedIn using OpenID Connect" can still connect.
 */
const f = field;

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
    fields: [
      f('organization', FieldType.STRING, true),
      f('organizationId', FieldType.INTEGER),
      f('localizedName', FieldType.STRING),
      f('vanityName', FieldType.STRING),
      f('localizedWebsite', FieldType.URL),
      f('localizedDescription', FieldType.STRING),
      f('primaryOrganizationType', FieldType.ENUM),
      f('role', FieldType.ENUM),
      f('state', FieldType.ENUM),
      f('roleAssignee', FieldType.STRING),
      f('lookupError', FieldType.OBJECT),
    ],
  },
];

async function userinfo(call: ConnectorCall): Promise<ConnectorRecord> {
  return (await call.request<ConnectorRecord>({ method: 'GET', path: '/v2/userinfo' })).body;
}

const handler: ConnectorHandler = {
  async test(call) {
    await userinfo(call);
  },

  identify: identifyLinkedInMember,

  async list(call, object, options): Promise<ListPage> {
    if (object === 'profile') return { records: [await userinfo(call)], nextCursor: null };
    if (object === 'organizations') return listAdministeredOrganizations(call, options);
    throw new UnsupportedObjectError('LinkedIn', `has no object "${object}" here`);
  },

  actions: {
    getProfile: (call) => userinfo(call),
    lookupOrganization,
  },

  parseError: parseLinkedInError,
};

export const linkedin: ConnectorDefinition = {
  key: 'linkedin',
  name: 'LinkedIn',
  description:
    'The signed-in member (OpenID Connect), the organizations the member administers, and organization lookup by vanity name: what the LinkedIn API allows a third party; no other member profiles.',
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
      description: 'The signed-in member (OpenID Connect userinfo): sub, name, given_name, family_name, email, picture, locale.',
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    },
    {
      name: 'lookupOrganization',
      description:
        'An organization (company page) by its vanity name, the <name> in linkedin.com/company/<name>; NOT_FOUND when none has it. Needs the rw_organization_admin scope.',
      inputSchema: {
        type: 'object',
        required: ['vanityName'],
        properties: { vanityName: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
