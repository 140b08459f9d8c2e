import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toRelay } from '../db/paginate';
import { BadUserInputError } from '../errors';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { DateTimeScalar } from '../graphql/scalars';
import { ApiKeyStatus, UsageGranularity } from './api-key.enums';
import { toApiKey, toVerification } from './api-key.mapper';
import { parseRequiredScopes } from './api-key.scopes';
import { ApiKey, ApiKeyConnection, ApiKeyUsageBucket, ApiKeyVerification } from './api-key.type';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized(READ_SCOPE.apiKeys)
  @Query(() => ApiKeyConnection)
  async apiKeys(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => ApiKeyStatus, { nullable: true }) status?: ApiKeyStatus,
  ) {
    return toRelay(await ctx.services.apiKeys.list(orgOf(ctx), { first, after }, status), toApiKey);
  }

  @Authorized(READ_SCOPE.apiKeys)
  @Query(() => ApiKey, { nullable: true })
  async apiKey(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ApiKey> {
    return toApiKey(found(await ctx.loaders.apiKey.load(id), 'ApiKey', id));
  }

  /**
   * For the gateway: read:api_keys, and it answers for a key of any organization (holding the key
   * is the proof; see toVerification for what a caller of another organization is told).
   */
  @Authorized(READ_SCOPE.apiKeys)
  @Query(() => ApiKeyVerification, { description: 'For the gateway and other services: checks a key, its scopes and its rate limit (and counts the request).' })
  async verifyApiKey(
    @Ctx() ctx: GraphQLContext,
    @Arg('key', () => String) key: string,
    @Arg('requiredScopes', () => [String], { nullable: true }) requiredScopes?: string[] | null,
  ): Promise<ApiKeyVerification> {
    const result = await ctx.services.apiKeys.verifier.verify(key, parseRequiredScopes(requiredScopes));
    return toVerification(result, orgOf(ctx));
  }

  @FieldResolver(() => [ApiKeyUsageBucket])
  async usage(
    @Root() key: ApiKey,
    @Ctx() ctx: GraphQLContext,
    @Arg('from', () => DateTimeScalar) from: Date,
    @Arg('to', () => DateTimeScalar) to: Date,
    @Arg('granularity', () => UsageGranularity) granularity: UsageGranularity,
  ): Promise<ApiKeyUsageBucket[]> {
    if (to.getTime() <= from.getTime()) throw new BadUserInputError('to must be after from', 'to');
    return ctx.services.apiKeys.usage(key.organizationId, key.id, from, to, granularity);
  }
}
