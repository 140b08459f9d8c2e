import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, ServerOptions } from 'graphql-ws';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';

/** What every graphql-ws callback sees as `ctx.extra`, as graphql-ws's own ws adapter gives it. */
export interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
}

/** graphql-ws throws this for a message type the server never accepts (a client's `next`, `error`). */
const UNEXPECTED_MESSAGE = /^Unexpected message of type (\w+) received$/;
const KEEP_ALIVE_MS = 12_000;

/**
 * graphql-ws on a `ws` server: the library's protocol core (makeServer) on our own socket glue.
 * Its bundled adapter (graphql-ws/use/ws) answers any exception of a message handler, a client's
 * `next` frame included, with close code 4500 and the exception's text as the reason, and prints
 * the stack with console.error. Here a message the protocol does not allow from a client is the
 * client's error (4400, as the protocol says for a message it does not specify, and one log
 * line), and anything else is 4500 "Internal server error", logged once with its detail.
 */
export function serveGraphqlWs<E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<Record<string, unknown> | undefined, E & SocketExtra>,
  wsServer: WebSocketServer,
  log: Logger,
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wsServer.options.handleProtocols = handleProtocols;
  wsServer.once('error', (error) => {
    log.error({ err: error }, 'WebSocket server error; closing its sockets');
    for (const client of wsServer.clients) client.close(CloseCode.InternalServerError, 'Internal server error');
  });

  wsServer.on('connection', (socket, request) => {
    socket.once('error', (error) => {
      log.warn({ err: error.message }, 'WebSocket error; closing the socket');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    // A ping every interval; no pong within the next one and the socket is dropped. Both timers
    // end with the socket (an open socket keeps the process alive by itself, hence unref).
    let pongWait: NodeJS.Timeout | undefined;
    const keepAlive = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      pongWait = setTimeout(() => socket.terminate(), KEEP_ALIVE_MS).unref();
      socket.once('pong', () => clearTimeout(pongWait));
      socket.ping();
    }, KEEP_ALIVE_MS).unref();

    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              const unexpected = UNEXPECTED_MESSAGE.exec(message);
              if (unexpected) {
                log.warn({ messageType: unexpected[1] }, 'graphql-ws client sent a message the protocol does not allow; closing with 4400');
                socket.close(CloseCode.BadRequest, message);
              } else {
                log.error({ err: error }, 'unexpected error handling a graphql-ws message');
                socket.close(CloseCode.InternalServerError, 'Internal server error');
              }
            }
          }),
      },
      { socket, request } as E & SocketExtra,
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      clearTimeout(pongWait);
      void closed(code, String(reason));
    });
  });

  return {
    dispose: async () => {
      for (const client of wsServer.clients) client.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
