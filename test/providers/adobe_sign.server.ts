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
