import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { paginate, toRelay } from '../db/paginate';
import { BadUserInputError } from '../errors';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { DateTimeScalar } from '../graphql/scalars';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyStatus, UsageGranularity } from './api-key.enums';
import { toApiKey } from './api-key.mapper';
import { ApiKey, ApiKeyConnection, ApiKeyUsageBucket } from './api-key.type';
import { usageBuckets } from './api-key-usage.queries';

/** ACTIVE and EXPIRED are partly derived from expiresAt, so the filter says it in SQL. */
const STATUS_FILTER: Record<ApiKeyStatus, string> = {
  [ApiKeyStatus.ACTIVE]: "k.status = 'ACTIVE' AND (k.expires_at IS NULL OR k.expires_at > now())",
  [ApiKeyStatus.EXPIRED]: "(k.status = 'EXPIRED' OR (k.status = 'ACTIVE' AND k.expires_at <= now()))",
  [ApiKeyStatus.REVOKED]: "k.status = 'REVOKED'",
};

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
    const qb = ctx.db.getRepository(ApiKeyEntity).createQueryBuilder('k').where('k.organization_id = :org', { org: orgOf(ctx) });
    if (status) qb.andWhere(STATUS_FILTER[status]);
    return toRelay(await paginate(qb, { first, after }), toApiKey);
  }

  @Authorized(READ_SCOPE.apiKeys)
  @Query(() => ApiKey, { nullable: true })
  async apiKey(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ApiKey> {
    return toApiKey(found(await ctx.loaders.apiKey.load(id), 'ApiKey', id));
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
    return usageBuckets(ctx.db, key.organizationId, key.id, from, to, granularity);
  }
}
