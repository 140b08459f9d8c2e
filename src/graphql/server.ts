import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginSubscriptionCallback } from '@apollo/server/plugin/subscriptionCallback';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import type { Metrics } from '../http/metrics';
import { AppError } from '../errors';
import type { GraphQLContext } from './context';
import { createErrorFormatter } from './format-error';
import type { Principal } from './principal';
import { ContextDeps, contextFor, createRequestContext } from './request-context';

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
 * GraphQL over HTTP (POST /graphql, Apollo Server) and over WebSocket (graphql-ws, the
 * `graphql-transport-ws` protocol the router's passthrough mode speaks) on one http.Server, plus
 * Apollo's HTTP callback protocol for routers in callback mode.
 */
export async function mountGraphQL(app: Express, httpServer: Server, schema: GraphQLSchema, deps: ContextDeps, metrics: Metrics) {
  // One formatter for HTTP and WebSocket, so both speak the contract's error codes.
  const formatError = createErrorFormatter((error) => deps.log.error({ err: error }, 'unexpected error in a GraphQL operation'));
  const formatAll = (errors: readonly GraphQLError[]) => errors.map((error) => formatError(error.toJSON(), error));

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { principal?: Principal }>(
    {
      schema,
      // A socket without valid credentials is refused at connection_init (close code 4403).
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        try {
          const principal = await deps.authenticator.authenticate(typeof authorization === 'string' ? authorization : null);
          if (!principal) return false;
          ctx.extra.principal = principal;
          return true;
        } catch (error) {
          if (error instanceof AppError) return false;
          // The key could not be checked (say the database is restarting): close with 1013
          // "try again later", which graphql-ws clients retry, rather than a fatal 4500.
          deps.log.warn({ err: (error as Error).message }, 'could not authenticate a WebSocket; asking the client to retry');
          (ctx.extra as { socket?: WebSocket }).socket?.close(1013, 'Service temporarily unavailable');
          return false;
        }
      },
      context: (ctx) => contextFor(deps, ctx.extra.principal ?? null),
      onError: (_ctx, _id, _payload, errors) => formatAll(errors),
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: formatAll(result.errors) } : result),
    },
    wsServer,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: deps.config.introspection,
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
      ApolloServerPluginSubscriptionCallback(),
      ApolloServerPluginLandingPageDisabled(),
      // No field carries cache hints; the default plugin would wrap every field of every response.
      ApolloServerPluginCacheControlDisabled(),
      // Federated traces for the router, with error messages masked: they may name other rows.
      ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
      metricsPlugin(metrics),
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
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => createRequestContext(deps, req.headers.authorization) }),
  );
  return apollo;
}
