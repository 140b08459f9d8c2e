import type { ConnectorCall, ConnectorRecord, ListOptions, ListPage } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { FinderPage, organizationIdOf, VERSIONED_HEADERS } from './linkedin.api';

/** The most role assignments one page asks for; their organizations are then fetched in one batch get. */
export const MAX_PAGE_SIZE = 100;

/** The organization fields a record carries, flat so a field mapping reads them directly. */
const ORGANIZATION_FIELDS = ['localizedName', 'vanityName', 'localizedWebsite', 'localizedDescription', 'primaryOrganizationType'] as const;

interface BatchGet {
  results?: Record<string, ConnectorRecord>;
  errors?: Record<string, { status?: number; message?: string }>;
}

/**
 * The organizations (company pages) the member administers: their approved ADMINISTRATOR role
 * assignments (`GET /rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`,
 * organization-access-control-by-role), each with its organization resolved by one batch get
 * per page (`GET /rest/organizations?ids=List(…)`, organization-lookup-api; versioned APIs have no
 * URN decoration). An organization the batch get refuses keeps only its role assignment, and says
 * why in `lookupError`, rather than vanishing from the list (which would read as a deletion).
 */
export async function listAdministeredOrganizations(call: ConnectorCall, { cursor, pageSize }: ListOptions): Promise<ListPage> {
  const start = cursor ? Number(cursor) : 0;
  const count = Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  const { body } = await call.request<FinderPage<ConnectorRecord>>({
    method: 'GET',
    path: '/rest/organizationAcls',
    query: { q: 'roleAssignee', role: 'ADMINISTRATOR', state: 'APPROVED', start, count },
    headers: VERSIONED_HEADERS,
  });
  const acls = body.elements ?? [];
  const resolved = await batchGetOrganizations(
    call,
    acls.map((acl) => organizationIdOf(acl.organization)).filter((id): id is number => id !== null),
  );
  const records = acls.map((acl) => {
    const id = organizationIdOf(acl.organization);
    const found = id === null ? undefined : resolved.results?.[String(id)];
    if (!found) {
      const error = id === null ? undefined : resolved.errors?.[String(id)];
      return { ...acl, organizationId: id, lookupError: error ? { status: error.status ?? null, message: error.message ?? null } : null };
    }
    return { ...acl, organizationId: id, ...pick(found) };
  });
  const total = body.paging?.total;
  const next = start + acls.length;
  const more = acls.length === count && count > 0 && (total === undefined || next < total);
  return { records, nextCursor: more ? String(next) : null };
}

async function batchGetOrganizations(call: ConnectorCall, ids: number[]): Promise<BatchGet> {
  if (!ids.length) return {};
  // The ids are digits only (organizationIdOf), so the unencoded List(...) cannot carry anything else.
  const { body } = await call.request<BatchGet>({
    method: 'GET',
    path: `/rest/organizations?ids=List(${[...new Set(ids)].join(',')})`,
    headers: VERSIONED_HEADERS,
  });
  return body;
}

function pick(org: ConnectorRecord): ConnectorRecord {
  return Object.fromEntries(ORGANIZATION_FIELDS.filter((field) => org[field] !== undefined).map((field) => [field, org[field]]));
}

/**
 * One organization by its vanity name, the `<name>` of linkedin.com/company/<name>
 * (`GET /rest/organizations?q=vanityName&vanityName=`, organization-lookup-api). LinkedIn answers
 * no match with an empty page, not a 404; here that is a provider error with code NOT_FOUND, so
 * a caller (an automation step) stops rather than carrying on with nothing. A member who does not
 * administer the page gets only its public fields (id, localizedName, vanityName,
 * localizedWebsite, logoV2, locations, primaryOrganizationType).
 */
export async function lookupOrganization(call: ConnectorCall, input: Record<string, unknown>): Promise<ConnectorRecord> {
  const vanityName = String(input.vanityName).trim();
  const { body } = await call.request<FinderPage<ConnectorRecord>>({
    method: 'GET',
    path: '/rest/organizations',
    query: { q: 'vanityName', vanityName },
    headers: VERSIONED_HEADERS,
  });
  const [org] = body.elements ?? [];
  if (!org) {
    throw new ProviderError({
      provider: 'linkedin',
      status: 404,
      providerCode: 'NOT_FOUND',
      providerMessage: `No LinkedIn organization has the vanity name "${vanityName}"`,
    });
  }
  return { organization: `urn:li:organization:${org.id}`, ...org };
}
