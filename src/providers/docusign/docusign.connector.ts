import { BadUserInputError, NotFoundError } from '../../errors';
import { ActionDefinition, ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { accountPath } from './docusign.account';
import { identifyDocuSignAccount } from './docusign.identity';
import { findSentEnvelope, withRunMarker } from './docusign.envelope-recovery';

/**
 * DocuSign eSignature REST v2.1 (https://developers.docusign.com/docs/esign-rest-api/reference/).
 * Every path sits under /v2.1/accounts/{accountId}: config.accountId is the API Account ID, and
 * in production config.baseUrl is that account's base_uri + '/restapi' (from /oauth/userinfo).
 * Envelopes are listed by status change: from_date is mandatory for the list call, so a first
 * run looks back DEFAULT_LOOKBACK_DAYS (or from config.fromDate) and later runs start at the
 * checkpoint. Paging is start_position/count, answered with string counters
 * (resultSetSize, totalSetSize, endPosition) and a nextUri. Errors are {errorCode, message}.
 * Envelopes:create takes either documents + recipients (sendEnvelope) or a templateId +
 * templateRoles (sendEnvelopeFromTemplate); status "sent" sends at once, answering an
 * envelopeSummary {envelopeId, uri, statusDateTime, status}.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'envelopes',
    supportsIncremental: true,
    supportsWrite: true,
    fields: [
      f('id', FieldType.STRING, true),
      f('envelopeId', FieldType.STRING, true),
      f('status', FieldType.ENUM),
      f('emailSubject', FieldType.STRING),
      f('emailBlurb', FieldType.STRING),
      f('sender.userName', FieldType.STRING),
      f('sender.email', FieldType.EMAIL),
      f('createdDateTime', FieldType.DATETIME),
      f('sentDateTime', FieldType.DATETIME),
      f('deliveredDateTime', FieldType.DATETIME),
      f('completedDateTime', FieldType.DATETIME),
      f('declinedDateTime', FieldType.DATETIME),
      f('voidedDateTime', FieldType.DATETIME),
      f('voidedReason', FieldType.STRING),
      f('statusChangedDateTime', FieldType.DATETIME),
      f('lastModifiedDateTime', FieldType.DATETIME),
      f('expireDateTime', FieldType.DATETIME),
      f('envelopeUri', FieldType.STRING),
    ],
  },
  {
    // One record per recipient of each listed envelope; DocuSign's recipientId is only unique
    // within its envelope, so `id` is "<envelopeId>:<recipientId>".
    name: 'recipients',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('envelopeId', FieldType.STRING, true),
      f('recipientId', FieldType.STRING, true),
      f('recipientIdGuid', FieldType.STRING),
      f('recipientGroup', FieldType.ENUM),
      f('recipientType', FieldType.STRING),
      f('name', FieldType.STRING),
      f('email', FieldType.EMAIL),
      f('status', FieldType.ENUM),
      f('routingOrder', FieldType.STRING),
      f('roleName', FieldType.STRING),
      f('clientUserId', FieldType.STRING),
      f('deliveredDateTime', FieldType.DATETIME),
      f('signedDateTime', FieldType.DATETIME),
      f('declinedDateTime', FieldType.DATETIME),
      f('declinedReason', FieldType.STRING),
    ],
  },
];

const MAX_PAGE_SIZE = 100;
/** Recipients cost one call per envelope, so their pages cover fewer envelopes. */
const RECIPIENT_ENVELOPES_PER_PAGE = 20;
const DEFAULT_LOOKBACK_DAYS = 365;
/** The recipient lists of GET .../envelopes/{envelopeId}/recipients. */
const RECIPIENT_GROUPS = [
  'signers',
  'carbonCopies',
  'certifiedDeliveries',
  'agents',
  'editors',
  'intermediaries',
  'inPersonSigners',
  'witnesses',
  'notaries',
  'seals',
];
interface EnvelopesInformation {
  envelopes?: ConnectorRecord[];
  resultSetSize?: string;
  totalSetSize?: string;
  startPosition?: string;
  endPosition?: string;
  nextUri?: string;
}

function validDate(value: unknown): string | null {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : null;
}

/** The cursor carries from_date too, so every page of one listing asks for the same window. */
function windowOf(call: ConnectorCall, cursor: string | null | undefined, since: unknown): { start: number; fromDate: string } {
  if (cursor) {
    const bar = cursor.indexOf('|');
    const start = Number(cursor.slice(0, bar));
    const fromDate = validDate(cursor.slice(bar + 1));
    if (bar < 1 || !Number.isInteger(start) || start < 0 || !fromDate) throw new BadUserInputError('Not a DocuSign cursor', 'cursor');
    return { start, fromDate };
  }
  const fromDate = validDate(since) ?? validDate(call.config.fromDate) ?? new Date(Date.now() - DEFAULT_LOOKBACK_DAYS * 86_400_000).toISOString();
  return { start: 0, fromDate };
}

/** One page of Envelopes: listStatusChanges, with the cursor of the next page and the newest status change seen. */
async function envelopePage(call: ConnectorCall, cursor: string | null | undefined, since: unknown, count: number) {
  const { start, fromDate } = windowOf(call, cursor, since);
  const { body } = await call.request<EnvelopesInformation>({
    method: 'GET',
    path: `${accountPath(call)}/envelopes`,
    // Oldest change first, so a page boundary moves forward through time.
    query: { from_date: fromDate, start_position: start, count, order_by: 'last_modified', order: 'asc' },
  });
  const envelopes = (body?.envelopes ?? []).map((e): ConnectorRecord => ({ id: e.envelopeId, ...e }));
  const end = Number(body?.endPosition ?? start + envelopes.length - 1);
  const more = envelopes.length > 0 && (Boolean(body?.nextUri) || end + 1 < Number(body?.totalSetSize ?? 0));
  let newest = validDate(since) ? Date.parse(since as string) : 0;
  for (const e of envelopes) newest = Math.max(newest, Date.parse(String(e.statusChangedDateTime ?? e.lastModifiedDateTime)) || 0);
  return { envelopes, nextCursor: more ? `${end + 1}|${fromDate}` : null, checkpoint: newest ? new Date(newest).toISOString() : undefined };
}

function flattenRecipients(envelopeId: string, recipients: Record<string, unknown>): ConnectorRecord[] {
  return RECIPIENT_GROUPS.flatMap((group) =>
    ((recipients[group] as ConnectorRecord[] | undefined) ?? []).map((r) => ({
      id: `${envelopeId}:${r.recipientId}`,
      envelopeId,
      recipientGroup: group,
      ...r,
    })),
  );
}

async function recipientsOf(call: ConnectorCall, envelopeId: string): Promise<ConnectorRecord[]> {
  const { body } = await call.request<Record<string, unknown>>({
    method: 'GET',
    path: `${accountPath(call)}/envelopes/${encodeURIComponent(envelopeId)}/recipients`,
  });
  return flattenRecipients(envelopeId, body ?? {});
}

async function getEnvelope(call: ConnectorCall, envelopeId: string): Promise<ConnectorRecord> {
  const { body } = await call.request<ConnectorRecord>({ method: 'GET', path: `${accountPath(call)}/envelopes/${encodeURIComponent(envelopeId)}` });
  return { id: body.envelopeId, ...body };
}

function known(object: string): void {
  if (!OBJECTS.some((o) => o.name === object)) throw new UnsupportedObjectError('DocuSign', `has no object "${object}" here`);
}

/** DocuSign wants recipientIds and documentIds; number them when the caller left them out. */
function numbered<T extends Record<string, unknown>>(items: T[], key: string, from = 1): T[] {
  return items.map((item, i) => ({ ...item, [key]: item[key] ?? String(from + i) }));
}

const handler: ConnectorHandler = {
  async test(call) {
    await call.request({ method: 'GET', path: accountPath(call) });
  },

  identify: identifyDocuSignAccount,

  async list(call, object, { cursor, pageSize, since }): Promise<ListPage> {
    known(object);
    if (object === 'envelopes') {
      const page = await envelopePage(call, cursor, since, Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE));
      return { records: page.envelopes, nextCursor: page.nextCursor, checkpoint: page.checkpoint };
    }
    // Recipients have no list call of their own: read a page of envelopes, then each one's recipients.
    const page = await envelopePage(call, cursor, since, Math.min(pageSize ?? RECIPIENT_ENVELOPES_PER_PAGE, RECIPIENT_ENVELOPES_PER_PAGE));
    const lists = await Promise.all(page.envelopes.map((e) => recipientsOf(call, String(e.envelopeId))));
    return { records: lists.flat(), nextCursor: page.nextCursor, checkpoint: page.checkpoint };
  },

  async get(call, object, id) {
    known(object);
    if (object === 'envelopes') return getEnvelope(call, id);
    const [envelopeId, recipientId] = id.split(':');
    const found = (await recipientsOf(call, envelopeId)).find((r) => String(r.recipientId) === recipientId);
    if (!found) throw new NotFoundError('DocuSign recipient', id);
    return found;
  },

  /** Envelopes: create (a draft unless data.status is 'sent'); recipients are written through their envelope. */
  async create(call, object, data) {
    if (object !== 'envelopes') throw new UnsupportedObjectError('DocuSign', `${object} are read-only here`);
    const { body } = await call.request<{ envelopeId: string }>({ method: 'POST', path: `${accountPath(call)}/envelopes`, json: data });
    return getEnvelope(call, body.envelopeId);
  },

  async update(call, object, id, data) {
    if (object !== 'envelopes') throw new UnsupportedObjectError('DocuSign', `${object} are read-only here`);
    const { id: _id, envelopeId: _envelopeId, ...changes } = data;
    await call.request({ method: 'PUT', path: `${accountPath(call)}/envelopes/${encodeURIComponent(id)}`, json: changes });
    return getEnvelope(call, id);
  },

  actions: {
    async sendEnvelope(call, input, options) {
      const signers = numbered(input.signers as ConnectorRecord[], 'recipientId');
      const carbonCopies = numbered((input.carbonCopies as ConnectorRecord[] | undefined) ?? [], 'recipientId', signers.length + 1);
      const documents = numbered(input.documents as ConnectorRecord[], 'documentId').map((d) => ({
        ...d,
        // Non-PDF documents need their extension for DocuSign's conversion.
        fileExtension: d.fileExtension ?? /\.([A-Za-z0-9]{1,10})$/.exec(String(d.name))?.[1] ?? 'pdf',
      }));
      const recipients = { signers, ...(carbonCopies.length ? { carbonCopies } : {}) };
      const definition = { emailSubject: input.emailSubject, emailBlurb: input.emailBlurb, documents, recipients, status: 'sent' };
      return (await call.request({ method: 'POST', path: `${accountPath(call)}/envelopes`, json: withRunMarker(definition, options?.idempotencyKey) })).body;
    },

    /** An envelope from a server template: the template brings documents and tabs, templateRoles fill its roles by roleName. */
    async sendEnvelopeFromTemplate(call, input, options) {
      const { templateId, templateRoles, emailSubject, emailBlurb } = input;
      const definition = { templateId, templateRoles, ...(emailSubject ? { emailSubject } : {}), ...(emailBlurb ? { emailBlurb } : {}), status: 'sent' };
      return (await call.request({ method: 'POST', path: `${accountPath(call)}/envelopes`, json: withRunMarker(definition, options?.idempotencyKey) })).body;
    },

    async voidEnvelope(call, input) {
      const path = `${accountPath(call)}/envelopes/${encodeURIComponent(String(input.envelopeId))}`;
      const { body } = await call.request<Record<string, unknown>>({ method: 'PUT', path, json: { status: 'voided', voidedReason: input.voidedReason } });
      return { envelopeId: input.envelopeId, status: 'voided', ...body };
    },
  },

  // An interrupted run's envelope is found by the envelope custom field its run id gives (docusign.envelope-recovery.ts).
  actionRecovery: { sendEnvelope: { findPrevious: findSentEnvelope }, sendEnvelopeFromTemplate: { findPrevious: findSentEnvelope } },

  parseError(body) {
    const error = body as { errorCode?: unknown; message?: unknown } | null;
    if (error && typeof error === 'object' && typeof error.errorCode === 'string') {
      return { code: error.errorCode, message: typeof error.message === 'string' ? error.message : undefined };
    }
    return ProviderError.parseCommonBody(body); // the token endpoint answers in OAuth2's shape
  },
};

const RECIPIENT_INPUT = {
  type: 'object',
  required: ['email', 'name'],
  properties: {
    email: { type: 'string', format: 'email' },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    recipientId: { type: 'string', pattern: '^[1-9][0-9]*$' },
    routingOrder: { type: 'string', pattern: '^[1-9][0-9]*$' },
    clientUserId: { type: 'string', description: 'Makes the recipient an embedded signer of your app.' },
  },
  additionalProperties: false,
};

const ACTIONS: ActionDefinition[] = [
  {
    name: 'sendEnvelope',
    description: 'Creates an envelope and sends it for signature (POST /v2.1/accounts/{accountId}/envelopes with status "sent").',
    inputSchema: {
      type: 'object',
      required: ['emailSubject', 'documents', 'signers'],
      properties: {
        emailSubject: { type: 'string', minLength: 1, maxLength: 100 },
        emailBlurb: { type: 'string', maxLength: 10000 },
        documents: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'documentBase64'],
            properties: {
              documentId: { type: 'string', pattern: '^[1-9][0-9]*$' },
              name: { type: 'string', minLength: 1 },
              fileExtension: { type: 'string', pattern: '^[A-Za-z0-9]{1,10}$' },
              documentBase64: { type: 'string', minLength: 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
            },
            additionalProperties: false,
          },
        },
        signers: {
          type: 'array',
          minItems: 1,
          items: {
            ...RECIPIENT_INPUT,
            properties: { ...RECIPIENT_INPUT.properties, tabs: { type: 'object', description: 'DocuSign tabs, e.g. {"signHereTabs": [...]}' } },
          },
        },
        carbonCopies: { type: 'array', items: RECIPIENT_INPUT },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'sendEnvelopeFromTemplate',
    description:
      'Creates an envelope from a server template and sends it (POST /v2.1/accounts/{accountId}/envelopes with templateId, templateRoles and status "sent"); each role is matched to the template by roleName.',
    inputSchema: {
      type: 'object',
      required: ['templateId', 'templateRoles'],
      properties: {
        templateId: { type: 'string', format: 'uuid', description: 'The template’s ID (Templates › the template › Template ID).' },
        emailSubject: { type: 'string', minLength: 1, maxLength: 100, description: 'Overrides the template’s subject.' },
        emailBlurb: { type: 'string', maxLength: 10000 },
        templateRoles: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['roleName', 'email', 'name'],
            properties: {
              roleName: { type: 'string', minLength: 1, description: 'A role the template defines, spelled as the template spells it.' },
              email: { type: 'string', format: 'email' },
              name: { type: 'string', minLength: 1, maxLength: 100 },
              routingOrder: { type: 'string', pattern: '^[1-9][0-9]*$' },
              clientUserId: { type: 'string', description: 'Makes the recipient an embedded signer of your app.' },
              tabs: { type: 'object', description: 'Values for the template’s tabs, e.g. {"textTabs": [{"tabLabel": "amount", "value": "50000"}]}' },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'voidEnvelope',
    description: 'Voids a sent envelope (PUT /v2.1/accounts/{accountId}/envelopes/{envelopeId} with status "voided").',
    inputSchema: {
      type: 'object',
      required: ['envelopeId', 'voidedReason'],
      properties: {
        envelopeId: { type: 'string', format: 'uuid' },
        voidedReason: { type: 'string', minLength: 1, maxLength: 200 },
      },
      additionalProperties: false,
    },
  },
];

export const docusign: ConnectorDefinition = {
  key: 'docusign',
  name: 'DocuSign',
  description: 'Envelopes and recipients of DocuSign eSignature.',
  provider: 'docusign',
  category: ConnectorCategory.E_SIGNATURE,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://demo.docusign.net/restapi',
  version: 'v2.1',
  icon: null,
  oauth: {
    authorizationUrl: 'https://account-d.docusign.com/oauth/auth',
    tokenUrl: 'https://account-d.docusign.com/oauth/token',
    // "extended" keeps the refresh token alive (30 days, renewed on each use) for unattended syncs.
    defaultScopes: ['signature', 'extended'],
    // DocuSign's token endpoint takes the integration key and secret as HTTP Basic only.
    clientAuth: 'basic',
  },
  rateLimit: { strategy: 'token_bucket', limit: 50, windowSeconds: 1 },
  objects: OBJECTS,
  actions: ACTIONS,
  handler,
};
