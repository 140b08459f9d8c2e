import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';
import type { OAuthServer } from './oauth.server';

/**
 * LinkedIn's API as documented: OpenID userinfo, versioned REST organizationAcls paged with
 * start/count/paging.total; errors as {serviceErrorCode, message, status}; 401 for a token it
 * does not accept (here: one the local OAuth server did not issue or has expired).
 */
export class LinkedInServer extends ProviderServer {
  organizations: Record<string, unknown>[] = [];

  constructor(
    private readonly oauth: OAuthServer,
    readonly member = {
      sub: 'mem-782bd',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.com',
      email_verified: true,
      picture: 'https://media.example/ada.jpg',
      locale: { country: 'GB', language: 'en' },
    },
  ) {
    super();
    this.on('GET', '/v2/userinfo', (req) => this.authed(req, () => ({ body: this.member })));
    this.on('GET', '/rest/organizationAcls', (req) => this.authed(req, () => this.acls(req)));
  }

  seedOrganizations(count: number): void {
    this.organizations = Array.from({ length: count }, (_, i) => ({
      organization: `urn:li:organization:${1000 + i}`,
      role: 'ADMINISTRATOR',
      state: 'APPROVED',
      roleAssignee: `urn:li:person:${this.member.sub}`,
    }));
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (!this.oauth.isValid(bearer(req)))
      return { status: 401, body: { serviceErrorCode: 65601, message: 'The token used in the request has been revoked by the user', status: 401 } };
    return then();
  }

  private acls(req: ProviderRequest): Reply {
    if (req.headers['x-restli-protocol-version'] !== '2.0.0' || !req.headers['linkedin-version']) {
      return { status: 400, body: { serviceErrorCode: 100, message: 'A version header is required', status: 400 } };
    }
    const start = Number(req.query.get('start') ?? 0);
    const count = Number(req.query.get('count') ?? 10);
    return { body: { paging: { start, count, total: this.organizations.length }, elements: this.organizations.slice(start, start + count) } };
  }
}
