import express, { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { InboundReply, InboundRequest } from './inbound-verifier';
import type { InboundWebhookService } from './inbound-webhook.service';

/** Providers' webhook bodies are small JSON; DocuSign or Adobe Sign with documents attached are not accepted. */
export const MAX_INBOUND_BODY = '1mb';
const PATH = '/webhooks/inbound/:connectionId';

/**
 * POST (and, for Adobe Sign's intent check, GET) /webhooks/inbound/:connectionId. The body is
 * kept as raw bytes whatever its content type: every scheme signs the exact bytes sent.
 *
 * Mounted ahead of the access log on purpose: that log records request headers, and these carry
 * signatures. This router logs its own line per request instead, with no header or body in it.
 */
export function inboundWebhookRouter(inbound: InboundWebhookService, log: Logger): Router {
  const router = Router();

  const handle = (method: InboundRequest['method']) => async (req: Request, res: Response) => {
    const connectionId = String(req.params.connectionId);
    try {
      const request: InboundRequest = {
        method,
        headers: req.headers,
        query: req.query as Record<string, unknown>,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      };
      send(res, (await inbound.handle(connectionId, request)).reply);
    } catch (error) {
      // Only the message: provider errors never carry secrets, and request headers stay out.
      log.error({ connectionId, err: { message: (error as Error).message, name: (error as Error).name } }, 'inbound webhook failed');
      // A 5xx makes the provider retry later; the event is recorded then, once.
      send(res, { status: 503, body: { error: 'unavailable' } });
    }
  };

  router.post(PATH, express.raw({ type: () => true, limit: MAX_INBOUND_BODY }), handle('POST'));
  router.get(PATH, handle('GET'));
  // Body-parser refusals (too large, bad encoding, aborted) without Express' HTML error page.
  router.use(PATH, (error: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!error?.status || error.status >= 500) return next(error);
    send(res, { status: error.status, body: { error: error.type ?? 'bad_request' } });
  });
  return router;
}

function send(res: Response, reply: InboundReply): void {
  res.status(reply.status);
  // A Graph validationToken is echoed as text: never let a browser sniff it into HTML.
  res.set('x-content-type-options', 'nosniff');
  if (reply.headers) res.set(reply.headers);
  if (reply.body === undefined) res.end();
  else if (typeof reply.body === 'string') (reply.headers?.['content-type'] ? res : res.type('text/plain')).send(reply.body);
  else res.json(reply.body);
}
