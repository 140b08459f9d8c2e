import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context';
import { READ_SCOPE } from '../../graphql/scopes';
import { ErrorExplanation } from '../intelligence.type';

@Resolver()
export class ExplainErrorResolver {
  /** What a provider error means, whether retrying helps, and what to change; from documented codes, offline. */
  @Authorized(READ_SCOPE.connections)
  @Query(() => ErrorExplanation)
  explainError(
    @Ctx() ctx: GraphQLContext,
    @Arg('provider', () => String) provider: string,
    @Arg('status', () => Int, { nullable: true }) status?: number | null,
    @Arg('code', () => String, { nullable: true }) code?: string | null,
    @Arg('message', () => String, { nullable: true }) message?: string | null,
  ): ErrorExplanation {
    return ctx.services.errorExplainer.explain({ provider, status, code, message });
  }
}
