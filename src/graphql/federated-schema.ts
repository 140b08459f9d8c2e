import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLSchema, parse } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { authGuard } from './auth-guard';
import type { ReferenceResolvers, ResolverClass } from './capability-module';

const FEDERATION_LINK = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7",
        import: ["@key", "@external", "@requires", "@shareable"])
`;

export interface FederatedSchemaParts {
  resolvers: readonly ResolverClass[];
  orphanedTypes: readonly ResolverClass[];
  references: ReferenceResolvers;
}

/**
 * type-graphql builds the schema from the classes; printing it with its directives and handing
 * the SDL to buildSubgraphSchema yields a Federation 2 subgraph (_service, _entities) that keeps
 * type-graphql's resolvers, auth guard included, plus __resolveReference per entity (the shape of
 * type-graphql's apollo-federation-2 example).
 */
export async function buildFederatedSchema(parts: FederatedSchemaParts): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: [...parts.resolvers] as [ResolverClass, ...ResolverClass[]],
    orphanedTypes: [...parts.orphanedTypes],
    authChecker: authGuard,
    validate: false,
    // Every subscription brings its own `subscribe` (PgPubSub from the context, so notices reach
    // all replicas); type-graphql still insists on a pubSub, which must never be reached: no
    // request or job can call it, so reaching it is a bug and a plain Error (an invariant).
    pubSub: {
      publish: () => {
        throw new Error('publish through PgPubSub.notify');
      },
      subscribe: () => {
        throw new Error('subscriptions declare their own subscribe');
      },
    },
    skipCheck: true,
  });
  const sdl = `${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphQLSchema)}`;
  const resolverMap = createResolversMap(typeGraphQLSchema) as Record<string, Record<string, unknown>>;
  for (const [typeName, extra] of Object.entries(parts.references)) {
    resolverMap[typeName] = { ...(resolverMap[typeName] ?? {}), ...extra };
  }
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolverMap as never });
  return { schema, sdl };
}
