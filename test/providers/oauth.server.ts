import { createHash, randomBytes } from 'node:crypto';
import { ProviderRequest, ProviderServer, Reply } from './provider-server';

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
}

/**
 * An OAuth 2.0 authorization server (RFC 6749 + PKCE, RFC 7636) on 127.0.0.1: /authorize
 * approves at once and redirects with a code; /token serves authorization_code (checking the
 * code_verifier), refresh_token and client_credentials grants, with client authentication in
 * the form or as HTTP Basic. Access tokens it issued are valid until `expiresIn` passes or
 * `expireAccessTokens()` is called; `refuseRefresh()` makes refresh tokens invalid_grant.
 */
export class OAuthServer extends ProviderServer {
  readonly codes = new Map<string, IssuedCode>();
  readonly validAccessTokens = new Set<string>();
  readonly refreshTokens = new Set<string>();
  refreshCount = 0;
  expiresIn = 3600;
  refuse = false;
  /** Milliseconds the token endpoint waits before answering (to widen refresh races in tests). */
  tokenDelayMs = 0;
  /** The scope each token was granted; a refreshed token keeps its refresh token's (RFC 6749 §6). */
  private readonly grantedScopes = new Map<string, string>();

  constructor(
    readonly clientId = 'local-client-id',
    readonly clientSecret = 'local-client-secret',
  ) {
    super();
    this.on('GET', '/authorize', (req) => this.authorize(req));
    this.on('POST', '/token', (req) => this.token(req));
    // Adobe Sign documents a separate refresh endpoint; the grant handling is the same.
    this.on('POST', '/oauth/v2/refresh', (req) => this.token(req));
  }

  /** Tokens the provider API stand-ins accept. */
  isValid(accessToken: string | null): boolean {
    return !!accessToken && this.validAccessTokens.has(accessToken);
  }

  /** The scopes an access token was granted (what a provider checks before answering). */
  scopesOf(accessToken: string | null): string[] {
    return (this.grantedScopes.get(accessToken ?? '') ?? '').split(/[ ,]+/).filter(Boolean);
  }

  issueTokens(scope = ''): { access_token: string; refresh_token: string; expires_in: number; token_type: string } {
    const access = `at_${randomBytes(12).toString('hex')}`;
    const refresh = `rt_${randomBytes(12).toString('hex')}`;
    this.validAccessTokens.add(access);
    this.refreshTokens.add(refresh);
    this.grantedScopes.set(access, scope);
    this.grantedScopes.set(refresh, scope);
    return { access_token: access, refresh_token: refresh, expires_in: this.expiresIn, token_type: 'Bearer' };
  }

  expireAccessTokens(): void {
    this.validAccessTokens.clear();
  }

  refuseRefresh(): void {
    this.refuse = true;
  }

  private authorize(req: ProviderRequest): Reply {
    const q = req.query;
    if (q.get('client_id') !== this.clientId || q.get('response_type') !== 'code') return { status: 400, body: { error: 'invalid_request' } };
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
      return { status: 400, body: { error: 'invalid_request', error_description: 'PKCE S256 required' } };
    const code = `code_${randomBytes(8).toString('hex')}`;
    this.codes.set(code, { clientId: this.clientId, redirectUri: q.get('redirect_uri')!, challenge: q.get('code_challenge')!, scope: q.get('scope') ?? '' });
    const target = new URL(q.get('redirect_uri')!);
    target.searchParams.set('code', code);
    target.searchParams.set('state', q.get('state')!);
    return { status: 302, headers: { location: target.toString() } };
  }

  private async token(req: ProviderRequest): Promise<Reply> {
    if (this.tokenDelayMs) await new Promise((r) => setTimeout(r, this.tokenDelayMs));
    const form = req.body as Record<string, string>;
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent) : [form.client_id, form.client_secret];
    if (id !== this.clientId || secret !== this.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
    switch (form.grant_type) {
      case 'authorization_code': {
        const issued = this.codes.get(form.code);
        this.codes.delete(form.code);
        const verified =
          issued &&
          createHash('sha256')
            .update(form.code_verifier ?? '')
            .digest('base64url') === issued.challenge;
        if (!issued || issued.redirectUri !== form.redirect_uri || !verified) return { status: 400, body: { error: 'invalid_grant' } };
        return { body: { ...this.issueTokens(issued.scope), scope: issued.scope } };
      }
      case 'refresh_token': {
        this.refreshCount++;
        if (this.refuse || !this.refreshTokens.has(form.refresh_token))
          return { status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token is invalid or revoked' } };
        this.refreshTokens.delete(form.refresh_token);
        return { body: this.issueTokens(this.grantedScopes.get(form.refresh_token)) };
      }
      case 'client_credentials': {
        const { refresh_token: _none, ...tokens } = this.issueTokens();
        return { body: tokens };
      }
      default:
        return { status: 400, body: { error: 'unsupported_grant_type' } };
    }
  }
}
