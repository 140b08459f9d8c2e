import type { GraphQLContext } from '../graphql/context';
import { orgOf } from '../graphql/context';
import { requireScopes } from '../graphql/auth-guard';
import type { EntityReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';

/** A Connector is keyed by id (custom ones) or by key (`stripe`), so it resolves either. */
export const connectorReferences = {
  Connector: {
    __resolveReference: async (ref: EntityReference, ctx: GraphQLContext) => {
      requireScopes(ctx, [READ_SCOPE.connections]);
      if (ref.id) return ctx.services.catalog.byId(orgOf(ctx), ref.id);
      return ref.key ? ctx.services.catalog.byKey(orgOf(ctx), ref.key) : null;
    },
  },
};
