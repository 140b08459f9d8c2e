import { Client, createClient } from 'graphql-ws';
import type { DataSource } from 'typeorm';
import WebSocket from 'ws';

export interface GraphQLMessage {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

/** One subscription's messages, and a promise of its first one (a `next` or an `error`). */
export interface Watched {
  received: GraphQLMessage[];
  errors: { message: string; extensions?: Record<string, any> }[];
  first: Promise<GraphQLMessage>;
  stop(): void;
}

/** A graphql-ws client as the router's passthrough mode (or a dashboard) opens it. */
export function wsClient(serviceUrl: string, token: string): Client {
  return createClient({
    url: `${serviceUrl.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: false,
  });
}

/**
 * Subscribes and records what arrives. An `error` message (graphql-ws sends it for validation
 * failures and refused subscriptions) lands in `errors` and settles `first` as `{ errors }`.
 */
export function watch(client: Client, query: string, variables: Record<string, unknown> = {}): Watched {
  const received: GraphQLMessage[] = [];
  const errors: Watched['errors'] = [];
  let settle!: (message: GraphQLMessage) => void;
  const first = new Promise<GraphQLMessage>((resolve) => (settle = resolve));
  const stop = client.subscribe(
    { query, variables },
    {
      next: (message) => {
        received.push(message as GraphQLMessage);
        settle(message as GraphQLMessage);
      },
      error: (error) => {
        const list = Array.isArray(error) ? error : [{ message: String((error as Error)?.message ?? error), extensions: { code: 'SOCKET_CLOSED' } }];
        errors.push(...list);
        settle({ errors: list });
      },
      complete: () => undefined,
    },
  );
  return { received, errors, first, stop };
}

/** A change notice as a committing transaction sends it (ids only; the resolver loads the row). */
export async function notifyChange(db: DataSource, notice: { topic: string; organizationId: string; id: string; parentId?: string | null }): Promise<void> {
  await db.query(`SELECT pg_notify('integration_changes', $1)`, [JSON.stringify(notice)]);
}

/**
 * Re-sends `notify` until `done()` holds: a subscription is registered some moments after the
 * subscribe message, and a notice sent before that reaches nobody. Fails after `ms`.
 */
export async function notifyUntil(notify: () => Promise<void>, done: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('no subscriber received the notice');
    await notify();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first answer to an operation on a FrameSocket: its `next`, `error` or `complete`, or `closed` when the socket went first. */
export interface FrameAnswer {
  type: 'next' | 'error' | 'complete' | 'closed';
  payload?: any;
}

/**
 * A graphql-transport-ws socket driven frame by frame, as a hostile or buggy client may: frames are
 * sent as raw text (a lone surrogate, 100,000 levels of nesting, a `next` from the client), which
 * graphql-ws's own client would never send. Answers each operation's first message and tells
 * whether, and how, the server closed the socket.
 */
export async function frameSocket(serviceUrl: string, token: string) {
  const socket = new WebSocket(`${serviceUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const answers = new Map<string, FrameAnswer>();
  const waiters = new Map<string, (answer: FrameAnswer) => void>();
  let closedWith: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      closedWith = { code, reason: String(reason) };
      for (const wake of waiters.values()) wake({ type: 'closed', payload: closedWith });
      resolve(closedWith);
    }),
  );
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'connection_ack') return waiters.get('ack')?.(message);
    if (!['next', 'error', 'complete'].includes(message.type) || answers.has(message.id)) return; // the first answer counts
    answers.set(message.id, message);
    waiters.get(message.id)?.(message);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const acked = new Promise((resolve) => waiters.set('ack', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await acked;
  return {
    send: (text: string) => socket.send(text),
    /** Sends a subscribe frame whose payload is the given raw JSON text. */
    operation: (id: string, payloadText: string) =>
      new Promise<FrameAnswer>((resolve) => {
        if (closedWith) return resolve({ type: 'closed', payload: closedWith });
        waiters.set(id, resolve);
        socket.send(`{"id":${JSON.stringify(id)},"type":"subscribe","payload":${payloadText}}`);
      }),
    closed,
    closedWith: () => closedWith,
    close: () => socket.close(),
  };
}
