import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ChangeNotice } from '../realtime/change-notice';
import { sharedRow, subscribeToChanges } from '../graphql/subscription-filter';
import { Connector } from '../connectors/connector.type';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { ConnectionStatus } from './connection.enums';
import { toConnection } from './connection.mapper';
import { Connection, ConnectionConnection } from './connection.type';

@Resolver(() => Connection)
export class ConnectionResolver {
  @Authorized(READ_SCOPE.connections)
  @Query(() => ConnectionConnection)
  async connections(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('connectorKey', () => String, { nullable: true }) connectorKey?: string,
    @Arg('status', () => ConnectionStatus, { nullable: true }) status?: ConnectionStatus,
  ) {
    const page = await ctx.services.connections.list(orgOf(ctx), { first, after }, { connectorKey, status });
    return toRelay(page, (row) => toConnection(row, ctx.config.publicUrl));
  }

  @Authorized(READ_SCOPE.connections)
  @Query(() => Connection, { nullable: true })
  async connection(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Connection> {
    return toConnection(found(await ctx.loaders.connection.load(id), 'Connection', id), ctx.config.publicUrl);
  }

  @FieldResolver(() => Connector)
  async connector(@Root() connection: Connection, @Ctx() ctx: GraphQLContext): Promise<Connector> {
    return found(await ctx.services.catalog.byKey(connection.organizationId, connection.connectorKey), 'Connector', connection.connectorKey);
  }

  @Subscription(() => Connection, { subscribe: subscribeToChanges('connection', READ_SCOPE.connections, 'connectionId') })
  async connectionStatusChanged(
    @Root() notice: ChangeNotice,
    @Ctx() ctx: GraphQLContext,
    @Arg('connectionId', () => ID, { nullable: true }) _connectionId?: string,
  ): Promise<Connection> {
    const row = await sharedRow(notice, () => ctx.services.connections.find(notice.organizationId, notice.id));
    return toConnection(found(row, 'Connection', notice.id), ctx.config.publicUrl);
  }
}
