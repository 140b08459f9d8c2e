import { requireScopes } from './auth-guard';
import type { GraphQLContext } from './context';

export type EntityReference = { id?: string; key?: string; email?: string | null };

/**
 * `__resolveReference` of an entity this subgraph owns: the caller's scope first, then the same
 * org-scoped DataLoader the queries use (one statement per type per request, however many
 * representations); another organization's id resolves to null.
 */
export function ownedReference<T>(scope: string, load: (ctx: GraphQLContext, id: string) => Promise<T | null>) {
  return {
    __resolveReference: async (ref: EntityReference, ctx: GraphQLContext) => {
      requireScopes(ctx, [scope]);
      return ref.id ? load(ctx, ref.id) : null;
    },
  };
}

/** A loaded row through its GraphQL mapper, null staying null. */
export const mapped = <R, T>(row: R | null, map: (row: R) => T): T | null => (row ? map(row) : null);
