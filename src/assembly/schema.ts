import { GraphQLSchema } from 'graphql';
import type { ResolverClass } from '../graphql/capability-module';
import { buildFederatedSchema } from '../graphql/federated-schema';
import { capabilityModules } from './modules';
import { referenceResolvers } from './references';

/** The subgraph: every capability's resolvers, orphaned types and entity references. */
export function buildIntegrationSchema(): Promise<{ schema: GraphQLSchema; sdl: string }> {
  return buildFederatedSchema({
    resolvers: capabilityModules.flatMap((module): ResolverClass[] => [...module.resolvers]),
    orphanedTypes: capabilityModules.flatMap((module): ResolverClass[] => ('orphanedTypes' in module ? [...module.orphanedTypes] : [])),
    references: referenceResolvers,
  });
}
