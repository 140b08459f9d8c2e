import type { RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import pinoHttp from 'pino-http';

/**
 * The access log. Lines for successful requests are debug-level, and pino-http builds each
 * request's child logger (its serialised, redacted headers) whether or not a line is then
 * written: under bench:apikeys that was about a tenth of an api process's CPU for nothing. So
 * pino-http runs when debug lines are kept; otherwise only failed requests (5xx, or a response
 * cut short) are logged, with method, path and timing but no headers.
 */
export function accessLog(log: Logger): RequestHandler {
  const level = (error: unknown, status: number) => (error || status >= 500 ? 'error' : 'debug');
  if (log.isLevelEnabled('debug')) return pinoHttp({ logger: log, customLogLevel: (_req, res, error) => level(error, res.statusCode) });
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      if (res.statusCode < 500) return;
      log.error(
        {
          req: { method: req.method, url: (req.originalUrl ?? req.url).split('?')[0] },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        'request failed',
      );
    });
    next();
  };
}

/** The access log around a handler outside Express that answers some requests (returns true) and leaves the rest. */
export function accessLogged(
  log: Logger,
  handler: (req: IncomingMessage, res: ServerResponse) => boolean,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const access = accessLog(log) as unknown as (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  return (req, res) => {
    if (!handler(req, res)) return false;
    access(req, res, () => undefined);
    return true;
  };
}
