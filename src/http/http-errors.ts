import type { ErrorRequestHandler, RequestHandler } from 'express';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';

/**
 * The last two handlers of the app: every HTTP error of every route, in every NODE_ENV, is a
 * short JSON body with no stack and no path. Express's own final handler writes an HTML page
 * with the stack (outside production), and `send` puts absolute paths in its messages.
 */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'Not Found' });
};

export function httpErrors(log: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = httpStatus(error);
    if (status >= 500) log.error({ err: error, method: req.method, path: req.path }, 'unexpected error in an HTTP route');
    else log.debug({ status, method: req.method }, 'HTTP request refused');
    if (res.headersSent) return res.destroy();
    res.status(status).json({ error: STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request') });
  };
}

/** The 4xx an error declares (http-errors' status, send's, body-parser's), else 500. */
function httpStatus(error: unknown): number {
  const status = (error as { status?: unknown; statusCode?: unknown })?.status ?? (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
