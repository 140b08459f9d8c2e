import { gatewayToken, startTestService, TestService } from './support/service';

const EXPLAIN = `query($provider: String!, $status: Int, $code: String, $message: String) {
  explainError(provider: $provider, status: $status, code: $code, message: $message) { code explanation suggestedFix retryable } }`;

/**
 * explainError answers from each provider's documented errors, offline: by the provider's code,
 * else by its message, else by the HTTP status; connector keys and provider names both work.
 */
describe('explainError', () => {
  let t: TestService;
  const explain = async (variables: Record<string, unknown>, token?: string) => {
    const res = await t.gql(EXPLAIN, variables, token);
    if (res.errors) throw Object.assign(new Error(res.errors[0].message), { extensions: res.errors[0].extensions });
    return res.data!.explainError;
  };

  beforeAll(async () => {
    t = await startTestService({ ROLE: 'api' });
  });
  afterAll(async () => {
    await t.stop();
  });

  it('explains documented provider codes, each with a fix and whether a retry can help', async () => {
    const cases: [Record<string, unknown>, string, boolean, RegExp][] = [
      [{ provider: 'stripe', status: 402, code: 'card_declined' }, 'card_declined', false, /declined/i],
      [{ provider: 'stripe', status: 401, code: 'api_key_expired' }, 'api_key_expired', false, /expired/i],
      [{ provider: 'stripe', status: 429, code: 'rate_limit' }, 'rate_limit', true, /too many requests/i],
      [{ provider: 'slack', code: 'invalid_auth' }, 'invalid_auth', false, /token is invalid/i],
      [{ provider: 'slack', status: 429, code: 'ratelimited' }, 'ratelimited', true, /rate-limit/i],
      [{ provider: 'slack', code: 'channel_not_found' }, 'channel_not_found', false, /channel/i],
      [{ provider: 'slack', code: 'not_in_channel' }, 'not_in_channel', false, /not a member of the channel/i],
      [{ provider: 'slack', code: 'msg_too_long' }, 'msg_too_long', false, /40,000/],
      [{ provider: 'teams', status: 401, code: 'InvalidAuthenticationToken' }, 'InvalidAuthenticationToken', false, /access token/i],
      [{ provider: 'outlook', status: 429, code: 'throttledRequest' }, 'throttledRequest', true, /throttled/i],
      [{ provider: 'quickbooks', status: 401, code: '3200' }, '3200', false, /AuthenticationFailed/],
      [{ provider: 'quickbooks', status: 400, code: '6240' }, '6240', false, /Duplicate Name/],
      [{ provider: 'docusign', status: 401, code: 'USER_AUTHENTICATION_FAILED' }, 'USER_AUTHENTICATION_FAILED', false, /invalid/i],
      [{ provider: 'docusign', status: 400, code: 'TEMPLATE_ID_INVALID' }, 'TEMPLATE_ID_INVALID', false, /template/i],
      [{ provider: 'docusign', status: 429, code: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED' }, 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', true, /hourly/i],
      [{ provider: 'adobe_sign', status: 401, code: 'INVALID_ACCESS_TOKEN' }, 'INVALID_ACCESS_TOKEN', false, /expired/i],
      [{ provider: 'paypal', status: 404, code: 'INVALID_RESOURCE_ID' }, 'INVALID_RESOURCE_ID', false, /not found/i],
      [{ provider: 'gmail', status: 403, code: 'userRateLimitExceeded' }, 'userRateLimitExceeded', true, /per-user/i],
      [{ provider: 'gmail', status: 403, code: 'dailyLimitExceeded' }, 'dailyLimitExceeded', false, /daily/i],
      [{ provider: 'linkedin', status: 401, code: '65600' }, '65600', false, /invalid access token/i],
    ];
    for (const [variables, code, retryable, explanation] of cases) {
      const answer = await explain(variables);
      expect({ variables, code: answer.code, retryable: answer.retryable }).toEqual({ variables, code, retryable });
      expect(answer.explanation).toMatch(explanation);
      expect(answer.suggestedFix).toEqual(expect.any(String));
    }
  });

  it('normalises provider names and code spellings', async () => {
    expect((await explain({ provider: 'Microsoft Teams', code: 'activityLimitReached' })).code).toBe('activityLimitReached');
    expect((await explain({ provider: 'Microsoft Graph', code: 'itemNotFound' })).code).toBe('itemNotFound');
    expect((await explain({ provider: 'Adobe Sign', code: 'invalid_access_token' })).code).toBe('INVALID_ACCESS_TOKEN');
    expect((await explain({ provider: 'Google APIs', code: 'rateLimitExceeded' })).retryable).toBe(true);
    // QuickBooks writes errorCode=003200 in its messages.
    expect((await explain({ provider: 'QuickBooks Online', code: '003200' })).code).toBe('3200');
  });

  it('finds the error from the message when no code is given', async () => {
    const stripeKey = await explain({ provider: 'stripe', status: 401, message: 'Invalid API Key provided: sk_test_****oked' });
    expect(stripeKey).toMatchObject({ code: 'authentication_error', retryable: false });
    expect(stripeKey.suggestedFix).toMatch(/updateConnection/);
    expect((await explain({ provider: 'quickbooks', status: 400, message: 'Duplicate Name Exists Error: The name supplied already exists.' })).code).toBe(
      '6240',
    );
    // A provider code quoted inside the text.
    expect((await explain({ provider: 'slack', message: 'chat.postMessage failed: not_in_channel' })).code).toBe('not_in_channel');
    expect((await explain({ provider: 'stripe', message: 'connect ECONNREFUSED 127.0.0.1:443' })).code).toBe('ECONNREFUSED');
  });

  it('falls back to the HTTP status, saying so when the provider code is unknown', async () => {
    expect(await explain({ provider: 'stripe', status: 503 })).toMatchObject({ code: 'HTTP_503', retryable: true });
    const unknownCode = await explain({ provider: 'slack', status: 404, code: 'no_such_thing' });
    expect(unknownCode.code).toBe('HTTP_404');
    expect(unknownCode.explanation).toMatch(/"no_such_thing" is not in the knowledge base/);
    expect((await explain({ provider: 'paypal', status: 418 })).code).toBe('HTTP_418');
  });

  it('answers for a provider it has no knowledge of from the status and generic patterns', async () => {
    expect(await explain({ provider: 'acme_erp', status: 429 })).toMatchObject({ code: 'HTTP_429', retryable: true });
    expect(await explain({ provider: 'acme_erp', status: 401 })).toMatchObject({ code: 'HTTP_401', retryable: false });
    expect((await explain({ provider: 'acme_erp', message: 'getaddrinfo ENOTFOUND erp.acme.invalid' })).code).toBe('ENOTFOUND');
    // A Stripe code means nothing coming from another provider.
    expect((await explain({ provider: 'acme_erp', code: 'card_declined' })).code).toBe('UNKNOWN_ERROR');
    expect(await explain({ provider: 'acme_erp' })).toMatchObject({ code: 'UNKNOWN_ERROR', retryable: false });
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    for (const [variables, field] of [
      [{ provider: '  ' }, 'provider'],
      [{ provider: 'x'.repeat(101) }, 'provider'],
      [{ provider: 'stripe', status: 42 }, 'status'],
      [{ provider: 'stripe', status: 600 }, 'status'],
      [{ provider: 'stripe', code: 'c'.repeat(201) }, 'code'],
      [{ provider: 'stripe', message: 'm'.repeat(5001) }, 'message'],
    ] as const) {
      const res = await t.gql(EXPLAIN, variables);
      expect({ variables, code: res.errors?.[0].extensions?.code, field: res.errors?.[0].extensions?.field }).toEqual({
        variables,
        code: 'BAD_USER_INPUT',
        field,
      });
    }
  });

  it('needs read:connections', async () => {
    const denied = await t.gql(EXPLAIN, { provider: 'stripe', code: 'rate_limit' }, await gatewayToken('acme', ['read:sync']));
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const allowed = await explain({ provider: 'stripe', code: 'rate_limit' }, await gatewayToken('acme', ['read:connections']));
    expect(allowed.code).toBe('rate_limit');
  });
});
