import type { ConnectorCall } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';

interface AuthTest {
  ok?: boolean;
  error?: string;
  team_id?: unknown;
}

/**
 * The workspace a token belongs to: `auth.test` (https://docs.slack.dev/reference/methods/auth.test,
 * no scope required) answers `team_id` beside the user and bot ids. Bot and user tokens of the
 * same workspace give the same team id. Refused tokens are {ok:false, error} with HTTP 200: the
 * handler's checkResponse raises the auth errors, any other ok:false is raised here.
 */
export async function identifySlackTeam(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<AuthTest | null>({
    method: 'POST',
    path: '/auth.test',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    json: {},
  });
  if (body?.ok !== true) throw new ProviderError({ provider: 'slack', status: 400, providerCode: body?.error ?? 'invalid_response' });
  return typeof body.team_id === 'string' && body.team_id ? body.team_id : null;
}
