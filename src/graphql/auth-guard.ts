import type { AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { GraphQLContext } from './context';
import { hasAnyScope } from './scopes';

/**
 * type-graphql's @Authorized(...scopes) check: the listed scopes are alternatives. Throws the
 * contract's errors itself so a missing key (UNAUTHENTICATED) and a missing scope (FORBIDDEN)
 * stay distinguishable.
 */
export const authGuard: AuthChecker<GraphQLContext, string> = ({ context }, scopes) => {
  requireScopes(context, scopes);
  return true;
};

/** The same check for code outside type-graphql's decorators (`_entities` references). */
export function requireScopes(context: GraphQLContext, scopes: readonly string[]): void {
  if (context.authError) throw context.authError;
  if (!context.principal) throw new UnauthenticatedError();
  if (!hasAnyScope(context.principal.scopes, scopes)) throw new ForbiddenError([...scopes]);
}
