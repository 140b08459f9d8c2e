import { Router } from 'express';
import type { Logger } from 'pino';
import type { OpenTrackingService } from './open-tracking.service';
import { TOKEN_LENGTH } from './tracking-token';

/** A 1×1 transparent GIF (GIF89a, one colour, transparent index 0). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const FILE_LENGTH = TOKEN_LENGTH + '.gif'.length;

/**
 * GET /t/<token>.gif, without authentication (mail clients and image proxies fetch it). Every
 * request gets the same GIF, whatever the token and whether counting worked, so a token cannot
 * be probed; only a well-formed known token counts (the length is checked before anything
 * else). no-store so each open is fetched again rather than served from a cache.
 *
 * Mounted ahead of the access log: the path is the token, which must not reach a log line.
 */
export function trackingPixelRouter(tracking: OpenTrackingService, log: Logger): Router {
  const router = Router();
  router.get('/t/:file', async (req, res) => {
    const file = String(req.params.file);
    // HEAD (link checkers, some proxies) gets the headers but opens nothing.
    if (req.method === 'GET' && file.length === FILE_LENGTH && file.endsWith('.gif')) {
      await tracking.open(file.slice(0, TOKEN_LENGTH)).catch((error: unknown) => {
        log.warn({ err: { message: (error as Error).message, name: (error as Error).name } }, 'tracking pixel: the open could not be counted');
      });
    }
    res.set({
      'content-type': 'image/gif',
      'content-length': String(PIXEL_GIF.length),
      'cache-control': 'no-store, max-age=0',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.status(200).end(req.method === 'HEAD' ? undefined : PIXEL_GIF);
  });
  return router;
}
