import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  at: number;
  headers: Record<string, string>;
  body: string;
  json: any;
  /** webhook-id header: the same on every attempt of one delivery. */
  id: string;
}

export type Responder = (request: ReceivedWebhook, index: number) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };

/**
 * A webhook receiver on 127.0.0.1 as a customer would run one: it records every request with its
 * raw body and answers what the test tells it (status, headers, a delay). `verify` checks a
 * request with the standardwebhooks library, exactly as a receiver's own code would.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  private respond: Responder = () => ({ status: 204 });
  private readonly waiters = new Set<() => void>();

  constructor(private readonly fixedPort?: number) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.fixedPort ?? 0, '127.0.0.1', () => resolve());
    });
    return this;
  }

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  answer(responder: Responder): this {
    this.respond = responder;
    return this;
  }

  /** Resolves once `predicate` holds for what has been received (checked on every request). */
  async waitFor(predicate: (received: ReceivedWebhook[]) => boolean, ms = 15_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + ms;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${ms} ms (received ${this.received.length})`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
    return this.received;
  }

  static verify(secret: string, request: ReceivedWebhook): unknown {
    return new Webhook(secret).verify(request.body, request.headers);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    let json: any = null;
    try {
      json = JSON.parse(body);
    } catch {
      /* recorded as is */
    }
    const request: ReceivedWebhook = { at: Date.now(), headers, body, json, id: headers['webhook-id'] };
    const index = this.received.length;
    this.received.push(request);
    for (const wake of [...this.waiters]) wake();
    const answer = this.respond(request, index);
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.body ?? '');
  }
}
