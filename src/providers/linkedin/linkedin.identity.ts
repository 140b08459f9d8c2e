import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * The LinkedIn member: OpenID Connect userinfo `GET /v2/userinfo` (scopes openid and profile, which
 * the connector asks for; https://learn.microsoft.com/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2)
 * answers `sub`, the member's id.
 */
export async function identifyLinkedInMember(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<{ sub?: unknown } | null>({ method: 'GET', path: '/v2/userinfo' });
  return typeof body?.sub === 'string' && body.sub ? body.sub : null;
}
