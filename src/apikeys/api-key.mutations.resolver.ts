import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { WRITE_SCOPE } from '../graphql/scopes';
import { CreateApiKeyInput } from './api-key.inputs';
import { toApiKey, toSecretPayload } from './api-key.mapper';
import { ApiKey, ApiKeySecretPayload } from './api-key.type';

/** The caller's own scopes bound what it may hand out (src/apikeys/api-key.scopes.ts). */
function callerScopes(ctx: GraphQLContext): readonly string[] {
  return ctx.principal?.scopes ?? [];
}

@Resolver()
export class ApiKeyMutationsResolver {
  @Authorized(WRITE_SCOPE.apiKeys)
  @Mutation(() => ApiKeySecretPayload)
  async createApiKey(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput): Promise<ApiKeySecretPayload> {
    const issued = await ctx.services.apiKeys.create(orgOf(ctx), callerScopes(ctx), input);
    return toSecretPayload(issued.row, issued.key);
  }

  @Authorized(WRITE_SCOPE.apiKeys)
  @Mutation(() => ApiKeySecretPayload, {
    description: 'New key with the same settings; the old one keeps working for the grace period (default 86400 s), then expires.',
  })
  async rotateApiKey(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('gracePeriodSeconds', () => Int, { nullable: true }) gracePeriodSeconds?: number | null,
  ): Promise<ApiKeySecretPayload> {
    const issued = await ctx.services.apiKeys.rotate(orgOf(ctx), callerScopes(ctx), id, gracePeriodSeconds);
    return toSecretPayload(issued.row, issued.key);
  }

  @Authorized(WRITE_SCOPE.apiKeys)
  @Mutation(() => ApiKey)
  async revokeApiKey(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ApiKey> {
    return toApiKey(await ctx.services.apiKeys.revoke(orgOf(ctx), id));
  }
}
