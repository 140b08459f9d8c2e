import { ApolloServer, HeaderMap } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLContext } from './context';
import { BODY_TOO_DEEP_MESSAGE, jsonTextNestsDeeperThan, MAX_BODY_DEPTH } from './json-limits';

/** The request body limit of POST /graphql, on this path and on Express's. */
export const MAX_BODY_BYTES = 1024 * 1024;

const BODY_ERRORS = {
  too_large: { status: 413, message: 'Request body is larger than 1 MiB', reason: 'BAD_REQUEST_BODY' },
  not_json: { status: 400, message: 'Request body is not valid JSON', reason: 'BAD_REQUEST_BODY' },
  unreadable: { status: 400, message: 'Request body could not be read', reason: 'BAD_REQUEST_BODY' },
  too_deep: { status: 400, message: BODY_TOO_DEEP_MESSAGE, reason: 'JSON_TOO_DEEP' },
} as const;

/** Body failures as GraphQL errors in JSON, the same answer on this path and on Express's. */
export function bodyError(kind: keyof typeof BODY_ERRORS): { status: number; body: string } {
  const { status, message, reason } = BODY_ERRORS[kind];
  return { status, body: JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason } }] }) };
}

/** application/json, with no charset or UTF-8: what a GraphQL client sends, and all this path reads. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * POST /graphql with a JSON body straight from node:http to Apollo, the path every gateway and
 * client request takes. Through Express the same request crossed five routers, body-parser,
 * content negotiation and an ETag (a SHA-1 of every response): about a fifth of an api process's
 * CPU under bench:apikeys, as much as Apollo itself. This does what @as-integrations/express5 does
 * (Apollo's documented executeHTTPGraphQLRequest) for the one common shape only: a declared
 * Content-Length within the limit, plain UTF-8 JSON, no Content-Encoding. Any other request (GET,
 * chunked or compressed bodies, other media types, other paths) returns false, untouched, and goes
 * through Express as before.
 */
export function jsonPostHandler(apollo: ApolloServer<GraphQLContext>, context: (req: IncomingMessage) => Promise<GraphQLContext>) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST') return false;
    const query = req.url!.indexOf('?');
    if ((query < 0 ? req.url : req.url!.slice(0, query)) !== '/graphql') return false;
    const length = Number(req.headers['content-length']);
    const encoding = req.headers['content-encoding'];
    if (!Number.isInteger(length) || !PLAIN_JSON.test(req.headers['content-type'] ?? '') || (encoding && encoding !== 'identity')) return false;
    if (length > MAX_BODY_BYTES) {
      reply(res, bodyError('too_large'));
      req.resume(); // drain, so the connection can be reused
      return true;
    }
    readBody(req, length)
      .then(
        (text) => respond(apollo, context, req, res, text),
        () => reply(res, bodyError('unreadable')),
      )
      .catch((error) => {
        // Apollo answers every GraphQL failure itself; this is a bug or a broken socket.
        if (!res.headersSent)
          reply(res, { status: 500, body: JSON.stringify({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }) });
        else res.destroy(error);
      });
    return true;
  };
}

function readBody(req: IncomingMessage, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.once('end', () =>
      received === length ? resolve(Buffer.concat(chunks, received).toString('utf8')) : reject(new Error('body length does not match Content-Length')),
    );
    req.once('error', reject);
    // A client gone before the end of its body: settled, not left pending. Every request closes;
    // only an incomplete one is an error (an Error's stack trace costs more than the parse).
    req.once('close', () => {
      if (!req.complete) reject(new Error('client closed the request before its body ended'));
    });
  });
}

async function respond(
  apollo: ApolloServer<GraphQLContext>,
  context: (req: IncomingMessage) => Promise<GraphQLContext>,
  req: IncomingMessage,
  res: ServerResponse,
  text: string,
): Promise<void> {
  // Before anything parses or walks it, and before authentication: nesting costs every later
  // step (variable coercion, our checks, TypeORM) more than linear time.
  if (jsonTextNestsDeeperThan(text, MAX_BODY_DEPTH)) return reply(res, bodyError('too_deep'));
  let body: unknown;
  try {
    // A UTF-8 byte order mark is dropped, as body-parser's decoding drops it.
    body = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return reply(res, bodyError('not_json'));
  }
  // body-parser's strict mode, as on the Express path: only an object or an array is a body.
  if (typeof body !== 'object' || body === null) return reply(res, bodyError('not_json'));
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const query = req.url!.indexOf('?');
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: query < 0 ? '' : req.url!.slice(query), body },
    context: () => context(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function reply(res: ServerResponse, { status, body }: { status: number; body: string }): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
