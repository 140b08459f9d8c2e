import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';
import type { OAuthServer } from './oauth.server';

/** An organization (company page) as the Organizations API answers it to one of its administrators. */
export interface LinkedInOrganization {
  id: number;
  localizedName: string;
  vanityName: string;
  localizedWebsite?: string;
  localizedDescription?: string;
  primaryOrganizationType?: string;
  [field: string]: unknown;
}

/** What the Organization Lookup API answers a member who does not administer the organization. */
const PUBLIC_FIELDS = ['id', 'name', 'localizedName', 'localizedWebsite', 'vanityName', 'logoV2', 'locations', 'primaryOrganizationType'];
const ORGANIZATION_SCOPES = ['r_organization_admin', 'rw_organization_admin'];

/**
 * LinkedIn's API as documented (learn.microsoft.com/linkedin):
 * - OpenID Connect userinfo `GET /v2/userinfo` (sign-in-with-linkedin-v2);
 * - `GET /rest/organizationAcls?q=roleAssignee&role=&state=` (organization-access-control-by-role),
 *   paged with start/count and paging.total;
 * - `GET /rest/organizations?q=vanityName&vanityName=` (a finder: `elements`, empty when no page
 *   has the name) and the batch get `GET /rest/organizations?ids=List(1,2)` answering
 *   {results, statuses, errors} by id (organization-lookup-api); an organization the member does
 *   not administer is 403 in a batch get and shows only its public fields through the finder.
 * Versioned calls need `LinkedIn-Version: YYYYMM` and `X-Restli-Protocol-Version: 2.0.0`;
 * organization calls need a token with r_organization_admin or rw_organization_admin (the vanity
 * finder rw_organization_admin). Errors are {status, serviceErrorCode, code, message}
 * (shared/api-guide/concepts/error-handling); 401 for a token the local OAuth server did not
 * issue or has expired.
 */
export class LinkedInServer extends ProviderServer {
  /** The member's role assignments (organizationAcls elements). */
  organizations: Record<string, unknown>[] = [];
  /** Every organization LinkedIn knows, by id: the vanity finder searches all of them. */
  readonly directory = new Map<number, LinkedInOrganization>();

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
    this.on('GET', '/rest/organizationAcls', (req) => this.versioned(req, ORGANIZATION_SCOPES, () => this.acls(req)));
    this.on('GET', '/rest/organizations', (req) =>
      req.query.get('q') === 'vanityName'
        ? this.versioned(req, ['rw_organization_admin'], () => this.byVanityName(req))
        : this.versioned(req, ORGANIZATION_SCOPES, () => this.batchGet(req)),
    );
  }

  /** `count` organizations the member administers (ids 1000…), each in the directory. */
  seedOrganizations(count: number): void {
    this.organizations = [];
    for (let i = 0; i < count; i++) this.addAcl(this.addOrganization({ id: 1000 + i, localizedName: `Org ${i}`, vanityName: `org-${i}` }).id);
  }

  addOrganization(org: Partial<LinkedInOrganization> & { id: number; localizedName: string; vanityName: string }): LinkedInOrganization {
    const full: LinkedInOrganization = {
      name: { localized: { en_US: org.localizedName }, preferredLocale: { country: 'US', language: 'en' } },
      primaryOrganizationType: 'NONE',
      locations: [],
      ...org,
    };
    this.directory.set(org.id, full);
    return full;
  }

  addAcl(organizationId: number, role = 'ADMINISTRATOR', state = 'APPROVED'): void {
    this.organizations.push({ organization: `urn:li:organization:${organizationId}`, role, state, roleAssignee: `urn:li:person:${this.member.sub}` });
  }

  private error(status: number, serviceErrorCode: number, code: string, message: string): Reply {
    return { status, body: { status, serviceErrorCode, code, message } };
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (!this.oauth.isValid(bearer(req))) return this.error(401, 65601, 'REVOKED_ACCESS_TOKEN', 'The token used in the request has been revoked by the user');
    return then();
  }

  private versioned(req: ProviderRequest, scopes: string[], then: () => Reply): Reply {
    return this.authed(req, () => {
      if (!/^\d{6}(\.\d{2})?$/.test(String(req.headers['linkedin-version'] ?? ''))) {
        return this.error(400, 100, 'VERSION_MISSING', 'A version must be present. Please specify a version by adding the LinkedIn-Version header.');
      }
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') return this.error(400, 100, 'ILLEGAL_ARGUMENT', 'X-Restli-Protocol-Version 2.0.0 is required');
      const granted = this.oauth.scopesOf(bearer(req));
      if (!scopes.some((scope) => granted.includes(scope))) {
        return this.error(403, 100, 'ACCESS_DENIED', `Not enough permissions to access: GET ${req.path}`);
      }
      return then();
    });
  }

  private page(req: ProviderRequest, all: unknown[]): Reply {
    const start = Number(req.query.get('start') ?? 0);
    const count = Number(req.query.get('count') ?? 10);
    if (!Number.isInteger(start) || start < 0 || !Number.isInteger(count) || count < 0) {
      return this.error(400, 100, 'ILLEGAL_ARGUMENT', 'start and count must be non-negative integers');
    }
    return { body: { paging: { start, count, total: all.length, links: [] }, elements: all.slice(start, start + count) } };
  }

  private acls(req: ProviderRequest): Reply {
    if (req.query.get('q') !== 'roleAssignee') return this.error(400, 100, 'ILLEGAL_ARGUMENT', 'q must be roleAssignee or organization');
    const role = req.query.get('role');
    const state = req.query.get('state');
    return this.page(
      req,
      this.organizations.filter((acl) => (!role || acl.role === role) && (!state || acl.state === state)),
    );
  }

  private administers(id: number): boolean {
    return this.organizations.some((acl) => acl.organization === `urn:li:organization:${id}` && acl.role === 'ADMINISTRATOR' && acl.state === 'APPROVED');
  }

  private byVanityName(req: ProviderRequest): Reply {
    const wanted = (req.query.get('vanityName') ?? '').toLowerCase();
    if (!wanted) return this.error(400, 100, 'ILLEGAL_ARGUMENT', 'vanityName is required for the vanityName finder');
    const found = [...this.directory.values()].filter((org) => org.vanityName.toLowerCase() === wanted);
    const shown = found.map((org) => (this.administers(org.id) ? org : Object.fromEntries(Object.entries(org).filter(([k]) => PUBLIC_FIELDS.includes(k)))));
    return this.page(req, shown);
  }

  /** Rest.li 2.0 batch get: `ids=List(1000,1001)`, the parentheses and commas left unencoded. */
  private batchGet(req: ProviderRequest): Reply {
    const raw = /(?:^|&)ids=List\(([^)]*)\)(?:&|$)/.exec(req.rawQuery);
    if (!raw) return this.error(400, 100, 'ILLEGAL_ARGUMENT', 'Expected q=vanityName, q=emailDomain or ids=List(...)');
    const ids = raw[1].split(',').filter(Boolean);
    const results: Record<string, unknown> = {};
    const statuses: Record<string, number> = {};
    const errors: Record<string, unknown> = {};
    for (const id of ids) {
      const org = this.directory.get(Number(id));
      if (!org) {
        statuses[id] = 404;
        errors[id] = { status: 404, message: `Organization ${id} not found` };
      } else if (!this.administers(org.id)) {
        statuses[id] = 403;
        errors[id] = { status: 403, message: `Viewer does not have permission to urn:li:organization:${id}` };
      } else {
        statuses[id] = 200;
        results[id] = org;
      }
    }
    return { body: { results, statuses, errors } };
  }
}
