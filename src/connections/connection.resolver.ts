import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ChangeNotice } from '../realtime/change-notice';
import { sharedRow, subscribeToChanges } from '../graphql/subscription-filter';
import { ConnectorCatalog } from '../connectors/connector.catalog';
import { Connector } from '../connectors/connector.type';
import { paginate, toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { ConnectionEntity } from './connection.entity';
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
    const qb = ctx.db
      .getRepository(ConnectionEntity)
      .createQueryBuilder('c')
      .where('c.organization_id = :org', { org: orgOf(ctx) });
    if (connectorKey) qb.andWhere('c.connector_key = :connectorKey', { connectorKey });
    if (status) qb.andWhere('c.status = :status', { status });
    return toRelay(await paginate(qb, { first, after }), (row) => toConnection(row, ctx.config.publicUrl));
  }

  @Authorized(READ_SCOPE.connections)
  @Query(() => Connection, { nullable: true })
  async connection(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<Connection> {
    return toConnection(found(await ctx.loaders.connection.load(id), 'Connection', id), ctx.config.publicUrl);
  }

  @FieldResolver(() => Connector)
  async connector(@Root() connection: Connection, @Ctx() ctx: GraphQLContext): Promise<Connector> {
    return found(await new ConnectorCatalog(ctx.db).byKey(connection.organizationId, connection.connectorKey), 'Connector', connection.connectorKey);
  }

  @Subscription(() => Connection, { subscribe: subscribeToChanges('connection', READ_SCOPE.connections, 'connectionId') })
  async connectionStatusChanged(
    @Root() notice: ChangeNotice,
    @Ctx() ctx: GraphQLContext,
    @Arg('connectionId', () => ID, { nullable: true }) _connectionId?: string,
  ): Promise<Connection> {
    const row = await sharedRow(notice, () =>
      ctx.db.getRepository(ConnectionEntity).findOne({ where: { id: notice.id, organizationId: notice.organizationId } }),
    );
    return toConnection(found(row, 'Connection', notice.id), ctx.config.publicUrl);
  }
}
