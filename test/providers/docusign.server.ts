import { randomBytes, randomUUID } from 'node:crypto';
import type { OAuthServer } from './oauth.server';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

type Envelope = Record<string, unknown> & { envelopeId: string; status: string; statusChangedDateTime: string; lastModifiedDateTime: string };
type Recipient = Record<string, unknown> & { recipientId: string };

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * DocuSign eSignature REST v2.1 as documented: every path under /restapi/v2.1/accounts/{accountId},
 * Bearer tokens from the (local) OAuth server, Envelopes: listStatusChanges requiring from_date and
 * paging with start_position/count, counters as strings and a nextUri while more remain;
 * per-envelope recipients grouped by type; errors as {errorCode, message}; 429 with the
 * X-RateLimit-* headers DocuSign documents (it sends no Retry-After). Envelopes:create takes
 * documents + recipients, or a templateId + templateRoles matched to a seeded template's roles by
 * roleName (TEMPLATE_ID_INVALID for an unknown template); envelopes keep their customFields, and
 * the list takes custom_field=<name>=<value>.
 */
export class DocuSignServer extends ProviderServer {
  readonly envelopes: Envelope[] = [];
  readonly recipients = new Map<string, Record<string, Recipient[]>>();
  /** Server templates by templateId: their roles (by roleName) and the documents they bring. */
  readonly templates = new Map<string, { name: string; roles: string[]; documents: { documentId: string; name: string }[] }>();
  /** Envelopes:create bodies as received, for assertions on what was sent. */
  readonly created: Record<string, unknown>[] = [];
  private readonly pdfs = new Map<string, Buffer>();
  /** Status changes start a month ago, a minute apart: inside a default look-back. */
  private clock = Date.now() - 30 * 86_400_000;

  constructor(
    private readonly oauth: OAuthServer,
    readonly accountId = '3f2c1a7e-5b4d-4e8f-9a10-2b3c4d5e6f70',
  ) {
    super();
    const account = `/restapi/v2.1/accounts/${accountId}`;
    this.on('GET', account, (req) =>
      this.authed(req, () => ({ body: { accountIdGuid: accountId, accountName: 'HotCRM Demo', planName: 'DEVCENTER_DEMO_APRIL2013', currentPlanId: 'b2c3' } })),
    );
    this.on('GET', `${account}/envelopes`, (req) => this.authed(req, () => this.list(req)));
    this.on('POST', `${account}/envelopes`, (req) => this.authed(req, () => this.create(req.body)));
    this.on('GET', `${account}/envelopes/:id`, (req, [id]) => this.authed(req, () => this.envelope(id)));
    this.on('PUT', `${account}/envelopes/:id`, (req, [id]) => this.authed(req, () => this.update(id, req.body)));
    this.on('GET', `${account}/envelopes/:id/recipients`, (req, [id]) => this.authed(req, () => this.recipientsOf(id)));
    this.on('GET', `${account}/envelopes/:id/documents/combined`, (req, [id]) => this.authed(req, () => this.combined(id)));
    this.on('GET', /^\/restapi\/v2\.1\/accounts\/([^/]+)(?:\/.*)?$/, (req) =>
      this.authed(req, () => error(400, 'USER_LACKS_MEMBERSHIP', 'The UserID does not have a valid membership in this Account.')),
    );
  }

  /**
   * The combined PDF of an envelope (EnvelopeDocuments: get, documentId `combined`): made up once
   * per envelope, or as set by `setCombined` (a large one, say), served as application/pdf.
   */
  combinedPdf(envelopeId: string): Buffer {
    let pdf = this.pdfs.get(envelopeId);
    if (!pdf) {
      pdf = Buffer.concat([Buffer.from(`%PDF-1.7\n% DocuSign envelope ${envelopeId}\n`), randomBytes(2048), Buffer.from('\n%%EOF\n')]);
      this.pdfs.set(envelopeId, pdf);
    }
    return pdf;
  }

  setCombined(envelopeId: string, pdf: Buffer): void {
    this.pdfs.set(envelopeId, pdf);
  }

  /**
   * Every recipient has signed: the envelope is `completed` (completedDateTime, statusChangedDateTime),
   * and the Connect message DocuSign would send for it (JSON SIM, envelope-completed, REST v2.1).
   */
  complete(envelopeId: string): { event: string; generatedDateTime: string; data: Record<string, unknown> } & Record<string, unknown> {
    const envelope = this.envelopes.find((e) => e.envelopeId === envelopeId)!;
    this.clock = Math.max(Date.now(), this.clock + 1);
    const at = new Date(this.clock).toISOString();
    Object.assign(envelope, { status: 'completed', completedDateTime: at, statusChangedDateTime: at, lastModifiedDateTime: at });
    return {
      event: 'envelope-completed',
      apiVersion: 'v2.1',
      uri: `/restapi/v2.1/accounts/${this.accountId}/envelopes/${envelopeId}`,
      retryCount: 0,
      configurationId: 10452,
      generatedDateTime: at,
      data: { accountId: this.accountId, userId: '0b5b7a2e-2f7a-4c1b-9f0e-1d2c3b4a5f60', envelopeId, envelopeSummary: { ...envelope } },
    };
  }

  /**
   * The envelope moves to `status` (delivered, declined, voided...) and the Connect message DocuSign
   * sends for it (`envelope-<status>`, JSON SIM, REST v2.1), as complete() does for completed.
   */
  changeStatus(envelopeId: string, status: string): { event: string; generatedDateTime: string; data: Record<string, unknown> } & Record<string, unknown> {
    const envelope = this.envelopes.find((e) => e.envelopeId === envelopeId)!;
    this.clock = Math.max(Date.now(), this.clock + 1);
    const at = new Date(this.clock).toISOString();
    Object.assign(envelope, { status, statusChangedDateTime: at, lastModifiedDateTime: at }, status === 'delivered' ? { deliveredDateTime: at } : {});
    return {
      event: `envelope-${status}`,
      apiVersion: 'v2.1',
      uri: `/restapi/v2.1/accounts/${this.accountId}/envelopes/${envelopeId}`,
      retryCount: 0,
      configurationId: 10452,
      generatedDateTime: at,
      data: { accountId: this.accountId, userId: '0b5b7a2e-2f7a-4c1b-9f0e-1d2c3b4a5f60', envelopeId },
    };
  }

  private combined(id: string): Reply {
    if (!this.envelopes.some((e) => e.envelopeId === id)) return this.envelope(id);
    return { headers: { 'content-type': 'application/pdf' }, body: this.combinedPdf(id) };
  }

  /** createConnection's input for a connection to this stand-in, with a Connect HMAC key (credentials.webhookSecret). */
  connectionInput(tokens: { access_token: string; refresh_token: string }, webhookSecret: string): Record<string, unknown> {
    return {
      connectorKey: 'docusign',
      name: 'DocuSign (local)',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, webhookSecret },
      config: { baseUrl: `${this.url}/restapi`, accountId: this.accountId },
    };
  }

  /** Envelopes whose status changed a minute apart, each with a signer and a carbon copy. */
  seedEnvelopes(count: number, status = 'sent'): Envelope[] {
    return Array.from({ length: count }, (_, i) => {
      const envelope = this.add({ status, emailSubject: `Contract ${i}` });
      this.recipients.set(envelope.envelopeId, {
        signers: [
          {
            recipientId: '1',
            recipientIdGuid: randomUUID(),
            recipientType: 'signer',
            name: `Signer ${i}`,
            email: `signer${i}@example.com`,
            status,
            routingOrder: '1',
          },
        ],
        carbonCopies: [
          {
            recipientId: '2',
            recipientIdGuid: randomUUID(),
            recipientType: 'carboncopy',
            name: 'Legal',
            email: 'legal@example.com',
            status: 'created',
            routingOrder: '2',
          },
        ],
      });
      return envelope;
    });
  }

  /** A template with these role names (DocuSign matches templateRoles to them by roleName). */
  seedTemplate(name: string, roles: string[]): string {
    const templateId = randomUUID();
    this.templates.set(templateId, { name, roles, documents: [{ documentId: '1', name: `${name}.pdf` }] });
    return templateId;
  }

  /** `now`: an envelope sent through the API is stamped with the real time, as DocuSign does; seeded ones follow the test clock. */
  private add(fields: Record<string, unknown>, now = false): Envelope {
    this.clock = now ? Math.max(Date.now(), this.clock + 1) : this.clock + 60_000;
    const at = new Date(this.clock).toISOString().replace('Z', '0000Z'); // DocuSign's 7-digit fractions
    const envelopeId = randomUUID();
    const envelope = {
      envelopeId,
      status: 'created',
      envelopeUri: `/envelopes/${envelopeId}`,
      createdDateTime: at,
      sentDateTime: at,
      statusChangedDateTime: at,
      lastModifiedDateTime: at,
      sender: { userName: 'Ada Lovelace', email: 'ada@example.com' },
      ...fields,
    } as Envelope;
    this.envelopes.push(envelope);
    return envelope;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (!this.oauth.isValid(bearer(req))) return error(401, 'AUTHORIZATION_INVALID_TOKEN', 'The access token provided is expired, revoked or malformed.');
    return then();
  }

  private list(req: ProviderRequest): Reply {
    const q = req.query;
    const from = q.get('from_date');
    if (!from && !q.get('envelope_ids') && !q.get('transaction_ids') && !q.get('folder_ids')) {
      return error(
        400,
        'INVALID_REQUEST_PARAMETER',
        "The request contained at least one invalid parameter. A value for 'from_date', 'envelope_ids', 'folder_ids' or 'transaction_ids' must be set.",
      );
    }
    if (Number.isNaN(Date.parse(from!)))
      return error(400, 'INVALID_REQUEST_PARAMETER', "The request contained at least one invalid parameter. Invalid value specified for 'from_date'.");
    const start = Number(q.get('start_position') ?? 0);
    const count = Number(q.get('count') ?? 1000);
    const field = q.get('order_by') === 'last_modified' ? 'lastModifiedDateTime' : 'statusChangedDateTime';
    const sign = q.get('order') === 'asc' ? 1 : -1;
    // custom_field=<name>=<value>: only envelopes whose text custom field of that name holds that value.
    const customField = q.get('custom_field');
    const [fieldName, ...fieldValue] = customField?.split('=') ?? [];
    const hasField = (e: Envelope) =>
      !customField ||
      ((e.customFields as { textCustomFields?: { name: string; value: string }[] } | undefined)?.textCustomFields ?? []).some(
        (f) => f.name === fieldName && f.value === fieldValue.join('='),
      );
    const matching = this.envelopes
      .filter((e) => Date.parse(e.statusChangedDateTime) >= Date.parse(from!) && hasField(e))
      .sort((a, b) => sign * (Date.parse(String(a[field])) - Date.parse(String(b[field]))));
    const page = matching.slice(start, start + count);
    const end = start + page.length - 1;
    const base = `/v2.1/accounts/${this.accountId}/envelopes`;
    const more = end + 1 < matching.length;
    return {
      body: {
        resultSetSize: String(page.length),
        startPosition: String(start),
        endPosition: String(end),
        totalSetSize: String(matching.length),
        nextUri: more ? `${base}?start_position=${end + 1}&count=${count}&from_date=${encodeURIComponent(from!)}` : '',
        previousUri: start > 0 ? `${base}?start_position=${Math.max(0, start - count)}&count=${count}&from_date=${encodeURIComponent(from!)}` : '',
        // DocuSign leaves the array out of an empty result set.
        ...(page.length ? { envelopes: page } : {}),
      },
    };
  }

  private create(body: any): Reply {
    this.created.push(body);
    if (body?.templateId !== undefined) return this.createFromTemplate(body);
    const signers = body?.recipients?.signers;
    if (!Array.isArray(body?.documents) || !body.documents.length)
      return error(
        400,
        'ENVELOPE_IS_INCOMPLETE',
        'The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.',
      );
    if (!Array.isArray(signers) || !signers.every((s: Recipient) => s.recipientId && s.email && s.name))
      return error(400, 'INVALID_RECIPIENT_ID', 'A recipient ID is missing or invalid.');
    if (!signers.every((s: Recipient) => EMAIL.test(String(s.email))))
      return error(400, 'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', 'The email address for the recipient is invalid. The recipient Id follows.');
    if (!body.documents.every((d: Record<string, string>) => d.documentId && /^[A-Za-z0-9+/]+={0,2}$/.test(d.documentBase64 ?? '')))
      return error(400, 'INVALID_REQUEST_BODY', 'The request body is missing or improperly formatted. Document base64 is invalid.');
    return this.created201(body, body.emailSubject, body.recipients);
  }

  /**
   * From a server template: an unknown templateId is TEMPLATE_ID_INVALID; templateRoles fill the
   * template's roles by roleName (a role name the template lacks matches nothing); an envelope
   * whose roles all stay empty has no recipient and is incomplete.
   */
  private createFromTemplate(body: any): Reply {
    const template = this.templates.get(String(body.templateId));
    if (!template) return error(400, 'TEMPLATE_ID_INVALID', 'Invalid template ID.');
    const roles: Recipient[] = Array.isArray(body.templateRoles) ? body.templateRoles : [];
    const signers = template.roles.flatMap((roleName, i): Recipient[] => {
      const role = roles.find((r) => r.roleName === roleName);
      return role
        ? [
            {
              ...role,
              recipientId: String(i + 1),
              recipientIdGuid: randomUUID(),
              recipientType: 'signer',
              status: body.status,
              routingOrder: role.routingOrder ?? '1',
            },
          ]
        : [];
    });
    if (!signers.length)
      return error(
        400,
        'ENVELOPE_IS_INCOMPLETE',
        'The Envelope is not Complete. A Complete Envelope Requires Documents, Recipients, Tabs, and a Subject Line.',
      );
    if (!signers.every((s) => EMAIL.test(String(s.email))))
      return error(400, 'INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', 'The email address for the recipient is invalid. The recipient Id follows.');
    return this.created201(body, body.emailSubject ?? `Please DocuSign: ${template.name}`, { signers });
  }

  private created201(body: any, emailSubject: string, recipients: Record<string, Recipient[]>): Reply {
    const envelope = this.add(
      {
        status: body.status === 'sent' ? 'sent' : 'created',
        emailSubject,
        emailBlurb: body.emailBlurb,
        ...(body.templateId ? { templateId: body.templateId } : {}),
        ...(body.customFields ? { customFields: body.customFields } : {}),
      },
      true,
    );
    this.recipients.set(envelope.envelopeId, recipients);
    return {
      status: 201,
      body: { envelopeId: envelope.envelopeId, uri: envelope.envelopeUri, statusDateTime: envelope.statusChangedDateTime, status: envelope.status },
    };
  }

  private envelope(id: string): Reply {
    const envelope = this.envelopes.find((e) => e.envelopeId === id);
    return envelope ? { body: envelope } : error(404, 'ENVELOPE_DOES_NOT_EXIST', 'The envelope specified either does not exist or you have no rights to it.');
  }

  private update(id: string, body: any): Reply {
    const envelope = this.envelopes.find((e) => e.envelopeId === id);
    if (!envelope) return this.envelope(id);
    if (body?.status === 'voided') {
      if (!body.voidedReason)
        return error(
          400,
          'INVALID_REQUEST_PARAMETER',
          'The request contained at least one invalid parameter. voidedReason is required when voiding an envelope.',
        );
      if (!['sent', 'delivered'].includes(envelope.status))
        return error(400, 'ENVELOPE_CANNOT_VOID_INVALID_STATE', "Only envelopes in the 'Sent' or 'Delivered' states may be voided.");
      const at = new Date((this.clock += 60_000)).toISOString();
      Object.assign(envelope, { status: 'voided', voidedReason: body.voidedReason, voidedDateTime: at, statusChangedDateTime: at, lastModifiedDateTime: at });
    } else {
      Object.assign(envelope, body);
    }
    return { body: { envelopeId: id } };
  }

  private recipientsOf(id: string): Reply {
    const recipients = this.recipients.get(id);
    if (!recipients) return this.envelope(id);
    const count = Object.values(recipients).reduce((n, list) => n + (Array.isArray(list) ? list.length : 0), 0);
    return {
      body: {
        signers: [],
        agents: [],
        editors: [],
        intermediaries: [],
        carbonCopies: [],
        certifiedDeliveries: [],
        inPersonSigners: [],
        seals: [],
        witnesses: [],
        notaries: [],
        ...recipients,
        recipientCount: String(count),
        currentRoutingOrder: '1',
      },
    };
  }
}

/** 429 as DocuSign sends it when the hourly (or 30-second burst) limit is spent. */
export function docusignRateLimited(): Reply {
  return {
    status: 429,
    headers: { 'x-ratelimit-limit': '3000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
    body: { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The maximum number of hourly API invocations has been exceeded. Hourly Limit: 3000' },
  };
}

function error(status: number, errorCode: string, message: string): Reply {
  return { status, body: { errorCode, message } };
}
