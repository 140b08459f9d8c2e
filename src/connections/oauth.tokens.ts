import { ProviderError } from '../connectors/http/provider-error';
import type { ProviderHttp } from '../connectors/http/provider-http';

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  clientAuth?: 'form' | 'basic';
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[] | null;
  tokenType: string;
}

/** Refresh this long before expiry (DESIGN.md: within 5 minutes). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * RFC 6749 token requests (authorization code with PKCE, refresh, client credentials), sent
 * through the provider's own ProviderHttp so they get the same target guard, budget, timeouts
 * and retries as every other call to that provider.
 */
export async function requestToken(http: ProviderHttp, client: OAuthClientCredentials, grant: Record<string, string>): Promise<TokenSet> {
  const form: Record<string, string> = { ...grant };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (client.clientAuth === 'basic') {
    const basic = Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64');
    headers.authorization = `Basic ${basic}`;
  } else {
    form.client_id = client.clientId;
    form.client_secret = client.clientSecret;
  }
  const { body } = await http.request<Record<string, unknown>>({ method: 'POST', url: client.tokenUrl, form, headers });
  // Slack answers 200 with {ok:false, error}; other providers use HTTP status codes.
  if (body && body.ok === false) {
    throw new ProviderError({
      provider: 'oauth',
      status: 400,
      providerCode: String(body.error ?? 'invalid_grant'),
      providerMessage: String(body.error ?? 'token request refused'),
    });
  }
  const accessToken = (body.access_token ?? (body.authed_user as Record<string, unknown> | undefined)?.access_token) as string | undefined;
  if (typeof accessToken !== 'string' || !accessToken) {
    throw new ProviderError({
      provider: 'oauth',
      status: 502,
      providerCode: 'invalid_token_response',
      providerMessage: 'The token response has no access_token',
    });
  }
  const expiresIn = Number(body.expires_in);
  const scope = typeof body.scope === 'string' ? body.scope.split(/[ ,]+/).filter(Boolean) : null;
  return {
    accessToken,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : null,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : null,
    scopes: scope,
    tokenType: typeof body.token_type === 'string' ? body.token_type : 'Bearer',
  };
}

export function needsRefresh(expiresAt: Date | null, now = Date.now()): boolean {
  return !!expiresAt && expiresAt.getTime() - now <= REFRESH_MARGIN_MS;
}
