import { randomBytes } from 'node:crypto';
import type { OAuthServer } from './oauth.server';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

type Agreement = Record<string, unknown> & { id: string; name: string; status: string };

const V6 = '/api/rest/v6';

/**
 * Adobe Acrobat Sign REST v6 as documented: Bearer tokens from the (local) OAuth server,
 * GET /agreements paged with cursor/pageSize and page.nextCursor (absent on the last page),
 * AgreementInfo with an ETag, POST /agreements answering 201 {id}, signingUrls only while the
 * agreement waits for a signature (404 AGREEMENT_NOT_SIGNABLE otherwise), errors as
 * {code, message}, throttling as 429 with Retry-After and retryAfter in the body.
 * POST /transientDocuments takes multipart/form-data (File-Name, Mime-Type, File) and answers
 * 201 {transientDocumentId}; GET /agreements/{id}/combinedDocument answers application/pdf.
 */
export class AdobeSignServer extends ProviderServer {
  readonly agreements: Agreement[] = [];
  readonly transientDocuments = new Set<string>();
  readonly libraryDocuments = new Set<string>(['CBJCHBCAABAAlibraryNDA']);
  private clock = Date.parse('2024-03-01T10:00:00Z');

  /** The account and user GET /users/me names (DetailedUserInfo). */
  accountId = 'CBJCHBCAABAAaccount0001';
  userId = 'CBJCHBCAABAAuser00001';

  constructor(private readonly oauth: OAuthServer) {
    super();
    this.on('GET', `${V6}/users/me`, (req) => this.authed(req, () => this.me(req)));
    this.on('GET', `${V6}/agreements`, (req) => this.authed(req, () => this.list(req)));
    this.on('POST', `${V6}/agreements`, (req) => this.authed(req, () => this.create(req.body)));
    this.on('GET', `${V6}/agreements/:id`, (req, [id]) => this.authed(req, () => this.info(id)));
    this.on('GET', `${V6}/agreements/:id/signingUrls`, (req, [id]) => this.authed(req, () => this.signingUrls(id, req)));
    this.on('GET', `${V6}/agreements/:id/combinedDocument`, (req, [id]) => this.authed(req, () => this.combinedDocument(id)));
    this.on('POST', `${V6}/transientDocuments`, (req) => this.upload(req));
  }

  /** Uploaded files by transientDocumentId: the multipart parts as received. */
  readonly uploads = new Map<string, { fileName: string | null; mimeType: string | null; bytes: Buffer }>();

  /**
   * POST /transientDocuments: multipart/form-data with File-Name, Mime-Type and File (the only
   * required part); 201 {transientDocumentId}. Parsed by the platform's own multipart reader.
   */
  private async upload(req: ProviderRequest): Promise<Reply> {
    if (!this.oauth.isValid(bearer(req))) return this.authed(req, () => ({}));
    const type = String(req.headers['content-type'] ?? '');
    if (!type.startsWith('multipart/form-data')) return error(415, 'UNSUPPORTED_MEDIA_TYPE', 'The request content type must be multipart/form-data.');
    const form = await new Response(new Uint8Array(req.bytes), { headers: { 'content-type': type } }).formData();
    const file = form.get('File');
    if (!file || typeof file === 'string') return error(400, 'MISSING_REQUIRED_PARAM', 'Required parameter File is missing.');
    const id = this.addTransientDocument();
    const text = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : null);
    this.uploads.set(id, { fileName: text('File-Name'), mimeType: text('Mime-Type'), bytes: Buffer.from(await file.arrayBuffer()) });
    return { status: 201, body: { transientDocumentId: id } };
  }

  /** The combined PDF: the agreement's uploaded file with Acrobat Sign's signature page appended (here, a marker). */
  combinedPdf(agreementId: string): Buffer {
    const agreement = this.agreements.find((a) => a.id === agreementId)!;
    const files = ((agreement.fileInfos ?? []) as { transientDocumentId?: string }[]).map((f) => this.uploads.get(f.transientDocumentId ?? '')?.bytes);
    const uploaded = files.filter((b): b is Buffer => !!b);
    return Buffer.concat([
      ...(uploaded.length ? uploaded : [Buffer.from(`%PDF-1.7\n% agreement ${agreementId}\n`)]),
      Buffer.from(`\n% signed: ${agreement.status}\n%%EOF\n`),
    ]);
  }

  /**
   * Every participant has signed: status SIGNED, and the AGREEMENT_WORKFLOW_COMPLETED
   * notification Acrobat Sign would POST (webhookNotificationId, event, eventResourceType, agreement).
   */
  complete(agreementId: string): Record<string, unknown> {
    const agreement = this.agreements.find((a) => a.id === agreementId)!;
    agreement.status = 'SIGNED';
    const eventDate = new Date((this.clock += 60_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      webhookId: 'CBJCHBCAABAAwebhook0001',
      webhookName: 'HotCRM',
      webhookNotificationId: `CBJCHBCAABAA${randomBytes(12).toString('hex')}`,
      webhookUrlInfo: { url: 'https://hotcrm.example/webhooks/inbound' },
      webhookScope: 'ACCOUNT',
      webhookNotificationApplicableUsers: [{ id: this.userId, email: 'ada@example.com', role: 'SENDER', payloadApplicable: 'true' }],
      event: 'AGREEMENT_WORKFLOW_COMPLETED',
      subEvent: '',
      eventDate,
      eventResourceType: 'agreement',
      eventResourceParentType: '',
      eventResourceParentId: '',
      participantRole: 'SIGNER',
      actionType: 'ESIGNED',
      participantUserId: 'CBJCHBCAABAAsigner',
      participantUserEmail: 'signer@example.com',
      actingUserId: 'CBJCHBCAABAAsigner',
      actingUserEmail: 'signer@example.com',
      initiatingUserId: this.userId,
      initiatingUserEmail: 'ada@example.com',
      agreement: { id: agreement.id, name: agreement.name, signatureType: 'ESIGN', status: 'SIGNED' },
    };
  }

  private combinedDocument(id: string): Reply {
    if (!this.agreements.some((a) => a.id === id)) return this.info(id);
    return { headers: { 'content-type': 'application/pdf' }, body: this.combinedPdf(id) };
  }

  /** A document uploaded with POST /transientDocuments (valid for 7 days at Adobe). */
  addTransientDocument(): string {
    const id = `CBJCHBCAABAA${randomBytes(12).toString('hex')}`;
    this.transientDocuments.add(id);
    return id;
  }

  seedAgreements(count: number, status = 'OUT_FOR_SIGNATURE'): Agreement[] {
    return Array.from({ length: count }, (_, i) =>
      this.add({ name: `Agreement ${i}`, status, participantSetsInfo: [{ memberInfos: [{ email: `signer${i}@example.com` }], order: 1, role: 'SIGNER' }] }),
    );
  }

  private add(fields: Record<string, unknown> & { name: string; status: string }): Agreement {
    const at = new Date((this.clock += 60_000)).toISOString();
    const agreement: Agreement = {
      id: `CBJCHBCAABAA${randomBytes(16).toString('hex')}`,
      type: 'AGREEMENT',
      signatureType: 'ESIGN',
      senderEmail: 'ada@example.com',
      createdDate: at,
      displayDate: at,
      esign: true,
      hidden: false,
      groupId: 'CBJCHBCAABAAgroup',
      ...fields,
    };
    this.agreements.push(agreement);
    return agreement;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (!this.oauth.isValid(bearer(req))) return error(401, 'INVALID_ACCESS_TOKEN', 'Access token provided is invalid or has expired');
    return then();
  }

  /** users.getUserDetail with userId 'me': needs a user_read scope (any modifier), PERMISSION_DENIED without one. */
  private me(req: ProviderRequest): Reply {
    if (!this.oauth.scopesOf(bearer(req)).some((scope) => scope.split(':')[0] === 'user_read'))
      return error(403, 'PERMISSION_DENIED', 'The API caller does not have the permission to execute this operation.');
    const user = { id: this.userId, accountId: this.accountId, accountType: 'GLOBAL', email: 'ada@example.com', firstName: 'Ada', lastName: 'Lovelace' };
    return { body: { ...user, company: 'HotCRM Local', initials: 'AL', isAccountAdmin: true, locale: 'en_US', status: 'ACTIVE' } };
  }

  private list(req: ProviderRequest): Reply {
    const size = Number(req.query.get('pageSize') ?? 100);
    if (!Number.isInteger(size) || size < 1) return error(400, 'INVALID_PAGE_SIZE', 'The page size specified is invalid.');
    const cursor = req.query.get('cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0) return error(400, 'INVALID_CURSOR', 'The cursor provided is invalid.');
    // Newest first, summarised as UserAgreement.
    const rows = [...this.agreements].reverse().slice(start, start + size);
    const next = start + size < this.agreements.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    const userAgreementList = rows.map(({ id, name, status, type, displayDate, esign, hidden, groupId, participantSetsInfo }) => ({
      id,
      name,
      status,
      type,
      displayDate,
      esign,
      hidden,
      groupId,
      displayParticipantSetInfos: ((participantSetsInfo ?? []) as { memberInfos: { email: string }[] }[]).map((p) => ({
        displayUserSetMemberInfos: p.memberInfos.map((m) => ({ email: m.email })),
      })),
    }));
    return { body: { userAgreementList, page: next ? { nextCursor: next } : {} } };
  }

  private create(body: any): Reply {
    for (const field of ['fileInfos', 'name', 'participantSetsInfo', 'signatureType', 'state']) {
      if (body?.[field] === undefined || body[field] === '') return error(400, 'MISSING_REQUIRED_PARAM', `Required parameter ${field} is missing.`);
    }
    if (!['ESIGN', 'WRITTEN'].includes(body.signatureType)) return error(400, 'INVALID_SIGNATURE_TYPE', 'The signature type specified is invalid.');
    if (!['IN_PROCESS', 'DRAFT', 'AUTHORING'].includes(body.state)) return error(400, 'INVALID_STATE', 'The state specified is invalid.');
    for (const file of body.fileInfos as { transientDocumentId?: string; libraryDocumentId?: string }[]) {
      if (file.transientDocumentId && !this.transientDocuments.has(file.transientDocumentId))
        return error(404, 'INVALID_TRANSIENT_DOCUMENT_ID', 'The transient document ID specified is invalid.');
      if (file.libraryDocumentId && !this.libraryDocuments.has(file.libraryDocumentId))
        return error(404, 'INVALID_LIBRARY_DOCUMENT_ID', 'The library document ID specified is invalid.');
    }
    const { state, ...info } = body;
    const created = this.add({ ...info, status: state === 'IN_PROCESS' ? 'OUT_FOR_SIGNATURE' : state });
    return { status: 201, body: { id: created.id } };
  }

  private info(id: string): Reply {
    const agreement = this.agreements.find((a) => a.id === id);
    if (!agreement) return error(404, 'INVALID_AGREEMENT_ID', 'The Agreement ID specified is invalid.');
    return { headers: { etag: `"${Buffer.from(JSON.stringify(agreement)).length}"` }, body: agreement };
  }

  private signingUrls(id: string, req: ProviderRequest): Reply {
    const agreement = this.agreements.find((a) => a.id === id);
    if (!agreement) return this.info(id);
    if (agreement.status !== 'OUT_FOR_SIGNATURE') return error(404, 'AGREEMENT_NOT_SIGNABLE', 'The agreement is not currently waiting for anyone to sign it.');
    const members = (agreement.participantSetsInfo as { memberInfos: { email: string }[] }[]).flatMap((p) => p.memberInfos);
    const frame = req.query.get('frameParent');
    return {
      body: {
        signingUrlSetInfos: [
          {
            signingUrls: members.map((m) => ({
              email: m.email,
              esignUrl: `https://secure.na1.adobesign.com/public/apiesign?pid=${id.slice(-8)}${frame ? `&frameParent=${encodeURIComponent(frame)}` : ''}`,
            })),
          },
        ],
      },
    };
  }
}

/** Throttling as Acrobat Sign answers it. */
export function adobeThrottled(seconds = 1): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: { code: 'THROTTLING_TOO_MANY_REQUESTS', message: `Too many requests. Retry after ${seconds} seconds.`, retryAfter: seconds },
  };
}

function error(status: number, code: string, message: string): Reply {
  return { status, body: { code, message } };
}
