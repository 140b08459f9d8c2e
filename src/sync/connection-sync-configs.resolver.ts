import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Connection } from '../connections/connection.type';
import { GraphQLContext } from '../graphql/context';
import { READ_SCOPE } from '../graphql/scopes';
import { toSyncConfig } from './sync.mappers';
import { SyncConfig } from './sync-config.type';

/** Connection.syncConfigs: a sync field on the connection type, so it lives with sync (connections know nothing of sync). */
@Resolver(() => Connection)
export class ConnectionSyncConfigsResolver {
  @Authorized(READ_SCOPE.sync)
  @FieldResolver(() => [SyncConfig])
  async syncConfigs(@Root() connection: Connection, @Ctx() ctx: GraphQLContext): Promise<SyncConfig[]> {
    return (await ctx.loaders.syncConfigsByConnection.load(connection.id)).map(toSyncConfig);
  }
}
