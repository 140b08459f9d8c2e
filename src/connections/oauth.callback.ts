import { Router } from 'express';
import type { Logger } from 'pino';
import { isClientError } from '../errors';
import type { OAuthService } from './oauth.service';

const page = (title: string, detail: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font-family:system-ui;margin:3rem"><h1>${title}</h1><p>${detail}</p></body></html>`;

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * GET /oauth/callback: where the provider sends the user's browser back. The state alone names
 * the pending authorization (and its organization), so no API key is needed here; it is single
 * use and expires in ten minutes.
 */
/** The redirect parameters the pending authorization's connector keeps as config (QuickBooks' realmId). */
async function returnedConfig(oauth: OAuthService, state: string, query: Record<string, unknown>): Promise<Record<string, string> | null> {
  const names = await oauth.callbackConfigParams(state);
  const picked = Object.fromEntries(names.filter((name) => typeof query[name] === 'string').map((name) => [name, query[name] as string]));
  return Object.keys(picked).length ? picked : null;
}

export function oauthCallbackRouter(oauth: OAuthService, log: Logger): Router {
  const router = Router();
  router.get('/oauth/callback', async (req, res) => {
    const { state, code, error, error_description: description } = req.query as Record<string, string | undefined>;
    if (error) {
      res
        .status(400)
        .type('html')
        .send(page('Authorization was not granted', escape(`${error}${description ? `: ${description}` : ''}`)));
      return;
    }
    if (!state || !code) {
      res.status(400).type('html').send(page('Missing state or code', 'Start the connection again from HotCRM.'));
      return;
    }
    try {
      const connection = await oauth.complete(null, { state, code, config: await returnedConfig(oauth, state, req.query as Record<string, unknown>) });
      res.type('html').send(page('Connected', `${escape(connection.name)} is connected. You can close this window.`));
    } catch (failure) {
      const known = isClientError(failure);
      if (!known) log.error({ err: failure }, 'OAuth callback failed');
      res
        .status(known ? 400 : 500)
        .type('html')
        .send(page('Could not connect', known ? escape((failure as Error).message) : 'Unexpected error.'));
    }
  });
  return router;
}
