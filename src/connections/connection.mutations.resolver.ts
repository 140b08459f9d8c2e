import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { JSONScalar } from '../graphql/scalars';
import { WRITE_SCOPE } from '../graphql/scopes';
import { CompleteOAuthInput, CreateConnectionInput, SetOAuthClientInput, StartOAuthInput, UpdateConnectionInput } from './connection.inputs';
import { toConnection } from './connection.mapper';
import { Connection, ConnectionTestResult, OAuthAuthorization } from './connection.type';

@Resolver()
export class ConnectionMutationsResolver {
  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connection)
  async createConnection(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateConnectionInput) input: CreateConnectionInput): Promise<Connection> {
    return toConnection(await ctx.services.connections.create(orgOf(ctx), input), ctx.config.publicUrl);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connection)
  async updateConnection(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateConnectionInput) input: UpdateConnectionInput,
  ): Promise<Connection> {
    return toConnection(await ctx.services.connections.update(orgOf(ctx), id, input), ctx.config.publicUrl);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => ConnectionTestResult)
  testConnection(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<ConnectionTestResult> {
    return ctx.services.connections.test(orgOf(ctx), id);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connection)
  async disconnect(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Connection> {
    return toConnection(await ctx.services.connections.disconnect(orgOf(ctx), id), ctx.config.publicUrl);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Boolean)
  deleteConnection(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.connections.delete(orgOf(ctx), id);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => JSONScalar, {
    nullable: true,
    description: "Runs one of the connection's Connector.actions by name (postMessage on a Slack connection) with input checked against its inputSchema.",
  })
  executeConnectorAction(
    @Ctx() ctx: GraphQLContext,
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('action', () => String) action: string,
    @Arg('input', () => JSONScalar) input: unknown,
  ): Promise<unknown> {
    return ctx.services.actions.execute(orgOf(ctx), connectionId, action, input);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Boolean)
  async setOAuthClient(@Ctx() ctx: GraphQLContext, @Arg('input', () => SetOAuthClientInput) input: SetOAuthClientInput): Promise<boolean> {
    await ctx.services.oauth.setClient(orgOf(ctx), input);
    return true;
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => OAuthAuthorization)
  startOAuth(@Ctx() ctx: GraphQLContext, @Arg('input', () => StartOAuthInput) input: StartOAuthInput): Promise<OAuthAuthorization> {
    return ctx.services.oauth.start(orgOf(ctx), input);
  }

  @Authorized(WRITE_SCOPE.connections)
  @Mutation(() => Connection)
  async completeOAuth(@Ctx() ctx: GraphQLContext, @Arg('input', () => CompleteOAuthInput) input: CompleteOAuthInput): Promise<Connection> {
    return toConnection(await ctx.services.oauth.complete(orgOf(ctx), input), ctx.config.publicUrl);
  }
}
