import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import express, { ErrorRequestHandler, Express } from 'express';
import { DocumentNode, getOperationAST, getVariableValues, GraphQLError, GraphQLSchema } from 'graphql';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Metrics } from '../http/metrics';
import { isClientError } from '../errors';
import { QueryArmor } from './armor';
import { guardEntityRepresentations } from './entities-guard';
import type { GraphQLContext } from './context';
import { createErrorFormatter } from './format-error';
import { bodyTooDeepError, jsonTextNestsDeeperThan, MAX_BODY_DEPTH, valueNestsDeeperThan } from './json-limits';
import { bodyError, jsonPostHandler, MAX_BODY_BYTES } from './json-post.handler';
import { serveGraphqlWs } from './ws-transport';
import type { Principal } from './principal';
import { ContextDeps, contextFor, createRequestContext } from './request-context';
import { subscriptionCallbackPlugin } from './subscription-callback';

/** Counts and times every operation for /metrics. */
function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const stop = metrics.graphqlDuration.startTimer();
      return {
        async willSendResponse({ operation, errors }) {
          const operationType = operation?.operation ?? 'unknown';
          stop({ operation_type: operationType });
          metrics.graphqlRequests.inc({ operation_type: operationType, outcome: errors?.length ? 'error' : 'ok' });
        },
      };
    },
  };
}

/**
 * A subscription sent as a plain HTTP request would be executed like a query, calling the
 * subscription's resolver without an event; only graphql-ws and the router's callback protocol
 * (the `subscription` request extension) carry subscriptions.
 */
const subscriptionsNeedAStream: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, request }) {
        if (operation?.operation !== 'subscription' || request.extensions?.subscription) return;
        throw new GraphQLError("Subscriptions are served over graphql-ws on /graphql, or through the router's HTTP callback protocol", {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      },
    };
  },
};

/**
 * Variables coerced as graphql-js's execute would, before it runs: over HTTP Apollo does this and
 * marks the errors BAD_USER_INPUT; graphql-ws would let execute return them without a code, which
 * the formatter could only call INTERNAL_SERVER_ERROR. The same answer on every transport.
 */
function coercionErrors(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: unknown): GraphQLError[] | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null; // execute reports a missing operation itself
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], (variables ?? {}) as Record<string, unknown>, { maxErrors: 50 });
  if (!coerced.errors) return null;
  return coerced.errors.map(
    (error) => new GraphQLError(error.message, { nodes: error.nodes, originalError: error.originalError, extensions: { code: 'BAD_USER_INPUT' } }),
  );
}

/**
 * Body-parser failures (a body over 1 MiB, malformed JSON) as GraphQL errors in JSON, instead of
 * Express's HTML page, which outside NODE_ENV=production carries a stack trace.
 */
const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : null;
  if (!status) return next(error);
  const kind =
    error.type === 'entity.too.large'
      ? 'too_large'
      : error.type === 'entity.parse.failed'
        ? 'not_json'
        : error.type === JSON_TOO_DEEP
          ? 'too_deep'
          : 'unreadable';
  const answer = bodyError(kind);
  res
    .status(kind === 'unreadable' ? status : answer.status)
    .type('application/json')
    .send(answer.body);
};

const JSON_TOO_DEEP = 'json.too.deep';

/** body-parser's `verify` hook: sees the raw body before it is parsed, as the direct path does. */
function refuseDeepNesting(_req: unknown, _res: unknown, raw: Buffer, encoding: string): void {
  if (jsonTextNestsDeeperThan(raw.toString(encoding as BufferEncoding), MAX_BODY_DEPTH)) {
    throw Object.assign(new Error('request body nests too deep'), { status: 400, type: JSON_TOO_DEEP });
  }
}

/**
 * GraphQL over HTTP (POST /graphql, Apollo Server) and over WebSocket (graphql-ws, the
 * `graphql-transport-ws` protocol the router's passthrough mode speaks) on one http.Server, plus
 * Apollo's HTTP callback protocol for routers in callback mode.
 */
export async function mountGraphQL(app: Express, httpServer: Server, schema: GraphQLSchema, deps: ContextDeps, metrics: Metrics) {
  // One formatter for HTTP, WebSocket and the callback protocol, so all three speak the contract's
  // error codes and none lets an unexpected error's text out.
  const formatError = createErrorFormatter((error) => deps.log.error({ err: error }, 'unexpected error in a GraphQL operation'));
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));
  const armor = new QueryArmor({ ...deps.config.graphqlLimits, introspection: deps.config.introspection });
  guardEntityRepresentations(schema);

  // A message is bounded like an HTTP body (ws's default would take 100 MiB).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  const wsCleanup = serveGraphqlWs<{ principal?: Principal; authorization?: string }>(
    {
      schema,
      // A socket without valid credentials is refused at connection_init (close code 4403).
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const principal = await deps.authenticator.authenticate(typeof authorization === 'string' ? authorization : null);
          if (!principal) return false;
          ctx.extra.principal = principal;
          ctx.extra.authorization = authorization as string;
          return true;
        } catch (error) {
          if (isClientError(error)) return false;
          // The key could not be checked (say the database is restarting): close with 1013
          // "try again later", which graphql-ws clients retry, rather than a fatal 4500.
          deps.log.warn({ err: (error as Error).message }, 'could not authenticate a WebSocket; asking the client to retry');
          (ctx.extra as { socket?: WebSocket }).socket?.close(1013, 'Service temporarily unavailable');
          return false;
        }
      },
      // Parse and validate with the same limits and introspection rule as HTTP; a bad operation
      // gets an `error` message for its id instead of taking the socket down.
      onSubscribe: async (ctx, _id, payload) => {
        // Each operation on a socket is a request of its API key: counted against its rate limit,
        // and refused once the key is revoked or expired, not only at connection time.
        if (ctx.extra.principal?.kind === 'api_key') {
          try {
            await deps.authenticator.authenticate(ctx.extra.authorization);
          } catch (error) {
            if (!isClientError(error)) throw error;
            return [new GraphQLError(error.message, { originalError: error })];
          }
        }
        // graphql-ws parsed the message (JSON.parse is linear); nothing walks it before this.
        if (valueNestsDeeperThan(payload, MAX_BODY_DEPTH)) return [bodyTooDeepError()];
        const checked = armor.checkOperation(schema, payload.query, payload.variables);
        if (Array.isArray(checked)) return checked;
        const badVariables = coercionErrors(schema, checked.document, payload.operationName, payload.variables);
        if (badVariables) return badVariables;
        return { schema, document: checked.document, operationName: payload.operationName, variableValues: payload.variables };
      },
      context: (ctx) => contextFor(deps, ctx.extra.principal ?? null),
      // Operations on a socket never reach Apollo's plugins: counted here (no latency histogram:
      // a subscription lasts as long as its client wants).
      onOperation: (_ctx, _id, _payload, args, result) => {
        const failed = !(Symbol.asyncIterator in (result as object)) && !!(result as { errors?: unknown[] }).errors?.length;
        metrics.graphqlRequests.inc({
          operation_type: getOperationAST(args.document, args.operationName)?.operation ?? 'unknown',
          outcome: failed ? 'error' : 'ok',
        });
      },
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatAll(result.errors) } : result),
    },
    wsServer,
    deps.log,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: deps.config.introspection,
    // Field suggestions ("Did you mean …?") would describe a schema introspection hides.
    hideSchemaDetailsFromClientErrors: !deps.config.introspection,
    validationRules: armor.validationRules(),
    parseOptions: armor.parseOptions(),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo must not race it.
    stopOnTerminationSignals: false,
    // Compact JSON: Apollo's default pretty-prints, which doubles the bytes of a large
    // `_entities` answer and was the largest single cost in bench:entities.
    stringifyResult: (result) => JSON.stringify(result),
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      subscriptionCallbackPlugin({ formatErrors: formatAll, log: deps.log }),
      ApolloServerPluginLandingPageDisabled(),
      // No field carries cache hints; the default plugin would wrap every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      // Federated traces for the router, with error messages masked: they may name other rows.
      ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
      metricsPlugin(metrics),
      armor.apolloPlugin(),
      subscriptionsNeedAStream,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();
  const context = (req: IncomingMessage) => createRequestContext(deps, req.headers.authorization);
  app.use(
    '/graphql',
    express.json({ limit: MAX_BODY_BYTES, verify: refuseDeepNesting }),
    bodyErrors,
    expressMiddleware(apollo, { context: async ({ req }) => context(req) }),
  );
  return { apollo, handleJsonPost: jsonPostHandler(apollo, context) };
}
