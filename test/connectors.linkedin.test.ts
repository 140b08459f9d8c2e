import { LinkedInServer } from './providers/linkedin.server';
import { OAuthServer } from './providers/oauth.server';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const ENRICHMENT = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id enrichment { provider fullName headline company } } } }';
const ORG_SCOPES = 'openid profile email rw_organization_admin';
const RUN = 'query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsDeleted recordsFailed errorDetails } }';

/**
 * The LinkedIn connector does what LinkedIn's API lets a third party do, and no more: the
 * signed-in member, the organizations that member administers (synced into accounts), and a
 * company page looked up by vanity name. Through GraphQL against local stand-ins for LinkedIn's
 * OAuth server and API.
 */
describe('LinkedIn connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let linkedin: LinkedInServer;
  let withOrgScope: string;
  let profileOnly: string;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const ok = async (q: string, v?: Record<string, unknown>) => {
    const res = await gql(q, v);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const connect = async (name: string, scope: string) => {
    const tokens = oauth.issueTokens(scope);
    const { createConnection } = await ok(CONNECT, {
      input: {
        connectorKey: 'linkedin',
        name,
        authType: 'OAUTH2',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        config: { baseUrl: linkedin.url },
      },
    });
    expect(createConnection.status).toBe('CONNECTED');
    return createConnection.id as string;
  };
  const action = (id: string, name: string, input: unknown) => gql(ACTION, { id, action: name, input });

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    linkedin = await new LinkedInServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    await ok('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'linkedin',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    withOrgScope = await connect('LinkedIn (pages)', ORG_SCOPES);
    profileOnly = await connect('LinkedIn (sign-in only)', 'openid profile email');
  });
  afterAll(async () => {
    await t.stop();
    await linkedin.stop();
    await oauth.stop();
  });
  beforeEach(() => {
    linkedin.organizations = [];
    linkedin.directory.clear();
  });

  it('lists only the approved ADMINISTRATOR assignments, each with its organization from one batch get per page', async () => {
    linkedin.addOrganization({ id: 2001, localizedName: 'Analytical Engines', vanityName: 'analytical-engines', localizedWebsite: 'https://engines.example' });
    linkedin.addOrganization({ id: 2002, localizedName: 'Difference Co', vanityName: 'difference-co' });
    linkedin.addOrganization({ id: 2003, localizedName: 'Pending Ltd', vanityName: 'pending-ltd' });
    linkedin.addAcl(2001);
    linkedin.addAcl(2002, 'ANALYST'); // a role, but not an administrator's
    linkedin.addAcl(2003, 'ADMINISTRATOR', 'REQUESTED'); // asked for, not granted
    linkedin.addAcl(2999); // an assignment whose organization LinkedIn no longer has
    const before = linkedin.requests.length;

    const { connectionRecords } = await ok(RECORDS, { id: withOrgScope, object: 'organizations' });
    expect(connectionRecords.nextCursor).toBeNull();
    expect(connectionRecords.records).toEqual([
      expect.objectContaining({
        organization: 'urn:li:organization:2001',
        organizationId: 2001,
        localizedName: 'Analytical Engines',
        vanityName: 'analytical-engines',
        localizedWebsite: 'https://engines.example',
        role: 'ADMINISTRATOR',
        state: 'APPROVED',
      }),
      expect.objectContaining({
        organization: 'urn:li:organization:2999',
        organizationId: 2999,
        lookupError: { status: 404, message: 'Organization 2999 not found' },
      }),
    ]);
    const calls = linkedin.requests.slice(before);
    expect(calls.map((r) => `${r.path}?${r.rawQuery}`)).toEqual([
      '/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED&start=0&count=100',
      '/rest/organizations?ids=List(2001,2999)',
    ]);
    for (const call of calls) {
      expect(call.headers).toMatchObject({ 'linkedin-version': '202603', 'x-restli-protocol-version': '2.0.0' });
      expect(call.headers.authorization).toMatch(/^Bearer /);
    }
  });

  it('pages the assignments with start/count, and syncs the administered organizations into accounts', async () => {
    linkedin.seedOrganizations(130);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const { connectionRecords }: any = await ok(RECORDS, { id: withOrgScope, object: 'organizations', cursor, pageSize: 50 });
      seen.push(...connectionRecords.records.map((r: any) => r.localizedName));
      cursor = connectionRecords.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(130);
    expect(new Set(seen).size).toBe(130);

    const { createFieldMapping } = await ok('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'LinkedIn pages → accounts',
        sourceObject: 'organizations',
        targetObject: 'account',
        rules: [
          { sourceField: 'localizedName', targetField: 'name' },
          { sourceField: 'localizedWebsite', targetField: 'website' },
        ],
      },
    });
    const { createSyncConfig } = await ok('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'LinkedIn pages',
        connectionId: withOrgScope,
        sourceObject: 'organizations',
        targetObject: 'account',
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId: createFieldMapping.id,
      },
    });
    const run = await waitForRunEnd(gql, (await ok(TRIGGER, { id: createSyncConfig.id })).triggerSync.id, 30_000, RUN);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 130, recordsCreated: 130, recordsFailed: 0 });
    const accounts: { name: string }[] = await t.service.db.query(
      `SELECT data->>'name' AS name FROM crm_record WHERE organization_id = 'default' AND object = 'account' AND deleted_at IS NULL`,
    );
    expect(accounts).toHaveLength(130);
    expect(accounts.map((a) => a.name)).toContain('Org 129');

    // The member stops administering one page: the next full read no longer lists it, and the sweep marks its link.
    linkedin.organizations = linkedin.organizations.filter((acl) => acl.organization !== 'urn:li:organization:1007');
    const again = await waitForRunEnd(gql, (await ok(TRIGGER, { id: createSyncConfig.id })).triggerSync.id, 30_000, RUN);
    expect(again).toMatchObject({ status: 'COMPLETED', recordsProcessed: 129, recordsDeleted: 1, recordsFailed: 0 });
    const [link] = await t.service.db.query(`SELECT status FROM external_link WHERE connection_id = $1 AND external_id = 'urn:li:organization:1007'`, [
      withOrgScope,
    ]);
    expect(link.status).toBe('DELETED');
  });

  it('looks an organization up by vanity name: the page, its public fields only when the member does not administer it', async () => {
    linkedin.addOrganization({ id: 3001, localizedName: 'Analytical Engines', vanityName: 'analytical-engines', localizedDescription: 'Engines', logoV2: {} });
    linkedin.addOrganization({ id: 3002, localizedName: 'Someone Else', vanityName: 'someone-else', localizedDescription: 'Private to admins' });
    linkedin.addAcl(3001);

    const mine = await ok(ACTION, { id: withOrgScope, action: 'lookupOrganization', input: { vanityName: ' Analytical-Engines ' } });
    expect(mine.executeConnectorAction).toMatchObject({
      organization: 'urn:li:organization:3001',
      id: 3001,
      localizedName: 'Analytical Engines',
      localizedDescription: 'Engines',
    });
    const theirs = (await ok(ACTION, { id: withOrgScope, action: 'lookupOrganization', input: { vanityName: 'someone-else' } })).executeConnectorAction;
    expect(theirs).toMatchObject({ organization: 'urn:li:organization:3002', id: 3002, localizedName: 'Someone Else', vanityName: 'someone-else' });
    expect(theirs.localizedDescription).toBeUndefined();
    const sent = linkedin.requests.at(-1)!;
    expect(sent.rawQuery).toBe('q=vanityName&vanityName=someone-else');
    expect(sent.headers).toMatchObject({ 'linkedin-version': '202603', 'x-restli-protocol-version': '2.0.0' });
  });

  it('a vanity name no page has is a NOT_FOUND provider error, not an empty answer', async () => {
    const res = await action(withOrgScope, 'lookupOrganization', { vanityName: 'no-such-company' });
    expect(res.data?.executeConnectorAction ?? null).toBeNull();
    expect(res.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      provider: { name: 'linkedin', status: 404, code: 'NOT_FOUND', message: 'No LinkedIn organization has the vanity name "no-such-company"' },
    });
  });

  it('refuses bad input before calling LinkedIn', async () => {
    const before = linkedin.requests.length;
    for (const [input, field] of [
      [{}, 'input.vanityName'],
      [{ vanityName: '' }, 'input.vanityName'],
      [{ vanityName: '   ' }, 'input.vanityName'],
      [{ vanityName: 42 }, 'input.vanityName'],
      [{ vanityName: 'x', email: 'grace@navy.example' }, 'input.email'], // no lookup of people by email: LinkedIn has none
    ] as const) {
      const res = await action(withOrgScope, 'lookupOrganization', input);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect((await action(withOrgScope, 'enrichContact', { email: 'grace@navy.example' })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(linkedin.requests.length).toBe(before);
  });

  it('authorising with rw_organization_admin added to the OpenID scopes gives a connection that can look organizations up', async () => {
    linkedin.addOrganization({ id: 5001, localizedName: 'Scoped Inc', vanityName: 'scoped-inc' });
    const { startOAuth } = await ok('mutation($input: StartOAuthInput!) { startOAuth(input: $input) { authorizationUrl } }', {
      input: {
        connectorKey: 'linkedin',
        name: 'LinkedIn (authorised)',
        redirectUri: 'https://app.example/cb',
        config: { baseUrl: linkedin.url },
        scopes: ORG_SCOPES.split(' '),
      },
    });
    expect(new URL(startOAuth.authorizationUrl).searchParams.get('scope')).toBe(ORG_SCOPES);
    const consent = await fetch(startOAuth.authorizationUrl, { redirect: 'manual' });
    const callback = new URL(consent.headers.get('location')!);
    const { completeOAuth } = await ok('mutation($input: CompleteOAuthInput!) { completeOAuth(input: $input) { id status scopes } }', {
      input: { state: callback.searchParams.get('state'), code: callback.searchParams.get('code') },
    });
    expect(completeOAuth).toMatchObject({ status: 'CONNECTED', scopes: ORG_SCOPES.split(' ') });
    const found = await ok(ACTION, { id: completeOAuth.id, action: 'lookupOrganization', input: { vanityName: 'scoped-inc' } });
    expect(found.executeConnectorAction).toMatchObject({ organization: 'urn:li:organization:5001', localizedName: 'Scoped Inc' });
  });

  it('a token without the organization scope gets LinkedIn’s ACCESS_DENIED; the member profile still works', async () => {
    linkedin.seedOrganizations(1);
    const listed = await gql(RECORDS, { id: profileOnly, object: 'organizations' });
    expect(listed.errors[0].extensions).toMatchObject({ provider: { name: 'linkedin', status: 403, code: 'ACCESS_DENIED' } });
    const lookup = await action(profileOnly, 'lookupOrganization', { vanityName: 'org-0' });
    expect(lookup.errors[0].extensions).toMatchObject({ provider: { status: 403, code: 'ACCESS_DENIED' } });
    expect((await ok(ACTION, { id: profileOnly, action: 'getProfile', input: {} })).executeConnectorAction).toEqual(linkedin.member);
  });

  it('throttling: a 429 that persists is RATE_LIMITED with LinkedIn’s code; one that passes is retried', async () => {
    linkedin.addOrganization({ id: 4001, localizedName: 'Throttled', vanityName: 'throttled' });
    const throttled = {
      status: 429,
      body: {
        status: 429,
        serviceErrorCode: 101,
        code: 'TOO_MANY_REQUESTS',
        message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.',
      },
    };
    linkedin.failNext(throttled);
    expect((await ok(ACTION, { id: withOrgScope, action: 'lookupOrganization', input: { vanityName: 'throttled' } })).executeConnectorAction.id).toBe(4001);
    linkedin.failNext(...Array.from({ length: 5 }, () => throttled));
    const res = await action(withOrgScope, 'lookupOrganization', { vanityName: 'throttled' });
    expect(res.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', provider: { status: 429, code: 'TOO_MANY_REQUESTS' } });
  });

  it('enriches only the contact whose email is the member’s own, with what userinfo says', async () => {
    const { createSyncConfig } = await ok('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name: 'Me', connectionId: withOrgScope, sourceObject: 'profile', targetObject: 'contact', direction: 'INBOUND', frequency: 'manual' },
    });
    const run = await waitForRunEnd(gql, (await ok(TRIGGER, { id: createSyncConfig.id })).triggerSync.id, 30_000, RUN);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsFailed: 0 });
    const { _entities } = await ok(ENRICHMENT, {
      r: [
        { __typename: 'Contact', id: 'con-me', email: 'Ada@Example.com' },
        { __typename: 'Contact', id: 'con-colleague', email: 'charles@example.com' },
      ],
    });
    expect(_entities).toEqual([
      { id: 'con-me', enrichment: { provider: 'linkedin', fullName: 'Ada Lovelace', headline: null, company: null } },
      { id: 'con-colleague', enrichment: null },
    ]);
  });
});
