import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ProviderRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The query string as sent, undecoded (Rest.li tells `List(1,2)` from `List%281%2C2%29`). */
  rawQuery: string;
  headers: IncomingMessage['headers'];
  /** Parsed JSON or form body ({} when empty); `raw` keeps the bytes. */
  body: any;
  raw: string;
  /** The body's exact bytes (a multipart upload is not UTF-8 text). */
  bytes: Buffer;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON, text, or a Buffer sent as it is (a PDF) with the reply's content-type header. */
  body?: unknown;
}

export type Route = (req: ProviderRequest, params: string[]) => Reply | Promise<Reply>;

/**
 * A local stand-in for a provider's API on 127.0.0.1: routes by method and path pattern, records
 * every request, and can be told to fail the next N requests (429 with Retry-After, 5xx, a reset)
 * to exercise the client's retries.
 */
export class ProviderServer {
  readonly requests: ProviderRequest[] = [];
  private readonly routes: { method: string; pattern: RegExp; route: Route }[] = [];
  private readonly failures: (Reply | 'reset')[] = [];
  /** Paths whose next answer is lost: the route acts, then the connection drops before the reply. */
  private readonly lostAnswers: string[] = [];
  private readonly holds: { path: string; arrived: () => void; released: Promise<void> }[] = [];
  private server?: Server;
  url = '';

  on(method: string, pattern: string | RegExp, route: Route): this {
    const regex = typeof pattern === 'string' ? new RegExp(`^${pattern.replace(/:[a-z_]+/gi, '([^/]+)')}$`) : pattern;
    this.routes.push({ method, pattern: regex, route });
    return this;
  }

  /** The next requests fail this way, in order, before routes answer again. */
  failNext(...failures: (Reply | 'reset')[]): this {
    this.failures.push(...failures);
    return this;
  }

  /**
   * The next request to each of these paths is handled (the provider acts: a message is posted)
   * but its answer never arrives: the socket is destroyed instead, as when a worker dies mid-call
   * or a connection resets after the request was sent.
   */
  loseNextAnswer(...paths: string[]): this {
    this.lostAnswers.push(...paths);
    return this;
  }

  /**
   * Holds the next request to `path` before it is answered: `reached` settles when it arrives,
   * `release()` lets it go on (to a queued failNext, or its route). For states that exist only
   * while a call is in flight (a run RUNNING, a worker to kill mid-call).
   */
  holdNext(path: string): { reached: Promise<void>; release(): void } {
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ path, arrived, released });
    return { reached, release };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://local');
    const type = String(req.headers['content-type'] ?? '');
    const body = !raw
      ? {}
      : type.includes('json')
        ? JSON.parse(raw)
        : type.includes('x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(raw))
          : raw;
    const request: ProviderRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      rawQuery: url.search.slice(1),
      headers: req.headers,
      body,
      raw,
      bytes,
    };
    this.requests.push(request);
    const hold = this.holds.findIndex((h) => h.path === request.path);
    if (hold >= 0) {
      const [{ arrived, released }] = this.holds.splice(hold, 1);
      arrived();
      await released;
    }
    const failure = this.failures.shift();
    if (failure === 'reset') {
      req.socket.destroy();
      return;
    }
    let reply: Reply = failure ?? { status: 404, body: { error: { type: 'invalid_request_error', message: `No route ${request.method} ${request.path}` } } };
    if (!failure) {
      for (const { method, pattern, route } of this.routes) {
        const match = method === request.method ? pattern.exec(request.path) : null;
        if (match) {
          reply = await route(request, match.slice(1).map(decodeURIComponent));
          break;
        }
      }
    }
    const lost = this.lostAnswers.indexOf(request.path);
    if (!failure && lost >= 0) {
      this.lostAnswers.splice(lost, 1);
      req.socket.destroy();
      return;
    }
    if (Buffer.isBuffer(reply.body)) {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/octet-stream', 'content-length': String(reply.body.length), ...reply.headers });
      res.end(reply.body);
      return;
    }
    const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json', ...reply.headers });
    res.end(payload);
  }
}

export function bearer(req: ProviderRequest): string | null {
  const match = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''));
  return match ? match[1] : null;
}
