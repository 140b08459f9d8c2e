import type { DataSource } from 'typeorm';
import type { GraphQLContext, Loaders } from './context';

/** A type-graphql resolver class. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type for resolver classes
export type ResolverClass = Function;

/** A TypeORM entity class. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
export type EntityClass = Function;

/** `__resolveReference` per federated entity the capability owns or extends. */
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: never, ctx: GraphQLContext) => unknown }>;

/**
 * What one capability contributes to the service, exported from its `<capability>.module.ts`
 * and composed in src/assembly/. The kit only names the shape; it imports no capability.
 */
export interface CapabilityModule {
  /** Resolver classes, in the order the schema lists their fields. */
  resolvers: readonly ResolverClass[];
  /** Types no root field returns (entities of other clouds this capability extends, ...). */
  orphanedTypes?: readonly ResolverClass[];
  /** The capability's tables. */
  entities: readonly EntityClass[];
  /** Its per-request DataLoaders, scoped by the caller's organization. */
  loaders?: (db: DataSource, organizationId: string) => Partial<Loaders>;
  references?: ReferenceResolvers;
  /** Factories of its pg-boss queues; the assembly gives them what they run. */
  queues?: Record<string, (...deps: never[]) => unknown>;
}
