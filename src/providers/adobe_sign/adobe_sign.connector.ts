import { ActionDefinition, ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { identifyAdobeSignAccount } from './adobe_sign.identity';

/**
 * Adobe Acrobat Sign REST v6 (https://secure.na1.adobesign.com/public/docs/restapi/v6): OAuth2
 * authorization code (scopes carry a modifier such as agreement_read:account), Bearer tokens,
 * agreements listed with cursor/pageSize and page.nextCursor in the body (userAgreementList),
 * errors as {code, message}. Accounts live on shards (na1, na2, eu1, ...): outside na1,
 * config.baseUrl is the account's api_access_point + 'api/rest/v6'.
 * GET /agreements has no modified-since filter, so agreements are read in full each run.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'agreements',
    supportsIncremental: false,
    supportsWrite: true,
    fields: [
      // What GET /agreements returns per agreement (UserAgreement)...
      f('id', FieldType.STRING, true),
      f('name', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('type', FieldType.ENUM),
      f('displayDate', FieldType.DATETIME),
      f('esign', FieldType.BOOLEAN),
      f('hidden', FieldType.BOOLEAN),
      f('groupId', FieldType.STRING),
      f('parentId', FieldType.STRING),
      f('latestVersionId', FieldType.STRING),
      f('displayParticipantSetInfos', FieldType.ARRAY),
      // ...and what GET /agreements/{agreementId} adds (AgreementInfo).
      f('senderEmail', FieldType.EMAIL),
      f('signatureType', FieldType.ENUM),
      f('createdDate', FieldType.DATETIME),
      f('expirationTime', FieldType.DATETIME),
      f('message', FieldType.STRING),
      f('participantSetsInfo', FieldType.ARRAY),
      f('externalId.id', FieldType.STRING),
    ],
  },
];

const MAX_PAGE_SIZE = 100;

const ROLES = [
  'SIGNER',
  'APPROVER',
  'ACCEPTOR',
  'CERTIFIED_RECIPIENT',
  'FORM_FILLER',
  'DELEGATE_TO_SIGNER',
  'DELEGATE_TO_APPROVER',
  'DELEGATE_TO_ACCEPTOR',
  'DELEGATE_TO_CERTIFIED_RECIPIENT',
  'DELEGATE_TO_FORM_FILLER',
  'NOTARY_SIGNER',
  'ELECTRONIC_SEALER',
];

interface UserAgreements {
  userAgreementList?: ConnectorRecord[];
  page?: { nextCursor?: string };
}

function known(object: string): void {
  if (!OBJECTS.some((o) => o.name === object)) throw new UnsupportedObjectError('Adobe Sign', `has no object "${object}" here`);
}

function agreementPath(id: unknown): string {
  return `/agreements/${encodeURIComponent(String(id))}`;
}

async function getAgreement(call: ConnectorCall, id: string): Promise<ConnectorRecord> {
  return (await call.request<ConnectorRecord>({ method: 'GET', path: agreementPath(id) })).body;
}

const handler: ConnectorHandler = {
  async test(call) {
    // Within the agreement_read scope the connection asks for (GET /users/me needs user_read).
    await call.request({ method: 'GET', path: '/agreements', query: { pageSize: 1 } });
  },

  identify: identifyAdobeSignAccount,

  async list(call, object, { cursor, pageSize }): Promise<ListPage> {
    known(object);
    const query = { pageSize: Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE), cursor: cursor ?? undefined };
    const { body } = await call.request<UserAgreements>({ method: 'GET', path: '/agreements', query });
    return { records: body?.userAgreementList ?? [], nextCursor: body?.page?.nextCursor || null };
  },

  async get(call, object, id) {
    known(object);
    return getAgreement(call, id);
  },

  /** AgreementCreationInfo as given; the response is only {id}, so the agreement is read back. */
  async create(call, object, data) {
    known(object);
    const { body } = await call.request<{ id: string }>({ method: 'POST', path: '/agreements', json: data });
    return getAgreement(call, body.id);
  },

  /**
   * PUT /agreements/{id} replaces a DRAFT or AUTHORING agreement and wants the ETag it was read
   * with in If-Match, so read, merge and write back (Adobe answers 412 if it changed in between).
   */
  async update(call, object, id, data) {
    known(object);
    const current = await call.request<ConnectorRecord>({ method: 'GET', path: agreementPath(id) });
    const etag = current.headers.get('etag');
    const { id: _id, ...changes } = data;
    await call.request({ method: 'PUT', path: agreementPath(id), json: { ...current.body, ...changes }, headers: etag ? { 'if-match': etag } : {} });
    return getAgreement(call, id);
  },

  actions: {
    /**
     * POST /transientDocuments (multipart/form-data: File-Name, Mime-Type and the File part;
     * answers 201 {transientDocumentId}, valid for 7 days): the id sendAgreement's
     * fileInfos[].transientDocumentId takes. Not idempotent: a retry after an uncertain failure
     * would upload a second copy, which is harmless (unused transient documents expire).
     */
    async uploadTransientDocument(call, input) {
      const data = Buffer.from(String(input.contentBase64), 'base64');
      const fileName = String(input.fileName);
      const mimeType = typeof input.mimeType === 'string' ? input.mimeType : 'application/pdf';
      const { body } = await call.request<{ transientDocumentId: string }>({
        method: 'POST',
        path: '/transientDocuments',
        multipart: [
          { name: 'File-Name', value: fileName },
          { name: 'Mime-Type', value: mimeType },
          { name: 'File', filename: fileName, contentType: mimeType, data },
        ],
      });
      return { transientDocumentId: body.transientDocumentId };
    },

    async sendAgreement(call, input) {
      const agreement = { ...input, signatureType: 'ESIGN', state: 'IN_PROCESS' };
      const { body } = await call.request<{ id: string }>({ method: 'POST', path: '/agreements', json: agreement });
      return body;
    },

    async getSigningUrl(call, input) {
      const query = { frameParent: input.frameParent as string | undefined };
      return (await call.request({ method: 'GET', path: `${agreementPath(input.agreementId)}/signingUrls`, query })).body;
    },
  },

  parseError(body) {
    const error = body as { code?: unknown; message?: unknown } | null;
    if (error && typeof error === 'object' && typeof error.code === 'string') {
      return { code: error.code, message: typeof error.message === 'string' ? error.message : undefined };
    }
    return ProviderError.parseCommonBody(body); // the OAuth endpoints answer {error, error_description}
  },
};

const EMAIL_MEMBER = {
  type: 'object',
  required: ['email'],
  properties: { email: { type: 'string', format: 'email' } },
  additionalProperties: false,
};

/**
 * The largest file uploadTransientDocument takes, as base64 characters: the whole GraphQL request
 * (executeConnectorAction) is limited to 1 MiB, so ~730 KiB of file. Larger files go to Acrobat
 * Sign another way (a library document, fileInfos[].documentURL).
 */
const MAX_UPLOAD_BASE64_CHARS = 1_000_000;

const ACTIONS: ActionDefinition[] = [
  {
    name: 'uploadTransientDocument',
    description:
      'Uploads a file for sendAgreement (POST /transientDocuments, multipart/form-data); answers {transientDocumentId}, which Acrobat Sign keeps for 7 days. The file is given as base64 (at most 1,000,000 characters, ~730 KiB).',
    inputSchema: {
      type: 'object',
      required: ['fileName', 'contentBase64'],
      properties: {
        fileName: {
          type: 'string',
          minLength: 1,
          maxLength: 255,
          pattern: '^[^/\\\\]+$',
          description: 'The name with its extension (contract.pdf): Acrobat Sign reads the type from it.',
        },
        mimeType: { type: 'string', pattern: '^[a-z]+/[a-zA-Z0-9.+-]+$', description: 'Defaults to application/pdf.' },
        contentBase64: { type: 'string', minLength: 4, maxLength: MAX_UPLOAD_BASE64_CHARS, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'sendAgreement',
    description: 'Creates an agreement and sends it for e-signature (POST /agreements, signatureType ESIGN, state IN_PROCESS).',
    inputSchema: {
      type: 'object',
      required: ['name', 'fileInfos', 'participantSetsInfo'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 255 },
        fileInfos: {
          type: 'array',
          minItems: 1,
          description: 'Documents: a transientDocumentId from POST /transientDocuments or a libraryDocumentId.',
          items: {
            type: 'object',
            properties: { transientDocumentId: { type: 'string', minLength: 1 }, libraryDocumentId: { type: 'string', minLength: 1 } },
            oneOf: [{ required: ['transientDocumentId'] }, { required: ['libraryDocumentId'] }],
            additionalProperties: false,
          },
        },
        participantSetsInfo: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['memberInfos', 'order', 'role'],
            properties: {
              memberInfos: { type: 'array', minItems: 1, items: EMAIL_MEMBER },
              order: { type: 'integer', minimum: 1 },
              role: { enum: ROLES },
              name: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
        message: { type: 'string', maxLength: 10000 },
        ccs: { type: 'array', items: EMAIL_MEMBER },
        externalId: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } }, additionalProperties: false },
        expirationTime: { type: 'string', format: 'date-time' },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'getSigningUrl',
    description: 'The e-sign URLs of an agreement waiting for signature (GET /agreements/{agreementId}/signingUrls).',
    inputSchema: {
      type: 'object',
      required: ['agreementId'],
      properties: {
        agreementId: { type: 'string', minLength: 1 },
        frameParent: { type: 'string', minLength: 1, description: 'Origin that will embed the signing page in an iframe.' },
      },
      additionalProperties: false,
    },
  },
];

export const adobeSign: ConnectorDefinition = {
  key: 'adobe_sign',
  name: 'Adobe Acrobat Sign',
  description: 'Agreements sent for signature with Adobe Acrobat Sign.',
  provider: 'adobe_sign',
  category: ConnectorCategory.E_SIGNATURE,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://api.na1.adobesign.com/api/rest/v6',
  version: 'v6',
  icon: null,
  oauth: {
    authorizationUrl: 'https://secure.na1.adobesign.com/public/oauth/v2',
    // Code exchange at /token; Adobe documents refreshes at /oauth/v2/refresh (refreshUrl).
    tokenUrl: 'https://api.na1.adobesign.com/oauth/v2/token',
    refreshUrl: 'https://api.na1.adobesign.com/oauth/v2/refresh',
    // The ':account' modifier grants access to the whole account's agreements, not only the user's.
    defaultScopes: ['agreement_read:account', 'agreement_write:account', 'agreement_send:account'],
    scopeSeparator: ' ',
    clientAuth: 'form',
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: OBJECTS,
  actions: ACTIONS,
  handler,
};
