// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { ConnectionResolver } from './connection.resolver';
import { ConnectionMutationsResolver } from './connection.mutations.resolver';
import type { DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import { mapped, ownedReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';
import { ConnectionEntity } from './connection.entity';
import { toConnection } from './connection.mapper';
import { ConnectionTestResult, OAuthAuthorization } from './connection.type';
import type { ConnectionService } from './connection.service';
import type { ConnectorActionService } from './connector-action.service';
import type { ConnectorRuntime } from './connector-runtime';
import type { CredentialsVault } from './credentials-vault';
import { OAuthClientEntity } from './oauth-client.entity';
import { OAuthStateEntity } from './oauth-state.entity';
import type { OAuthService } from './oauth.service';

/** Connections: credentials (encrypted), OAuth, token refresh and the runtime that calls providers. */
export const connectionLoaders = (db: DataSource, organizationId: string) => ({
  connection: byId(db, ConnectionEntity, organizationId),
});

export const connectionsModule = {
  resolvers: [ConnectionResolver, ConnectionMutationsResolver],
  // Contract types whose operations arrive with later issues: no root field returns them yet.
  orphanedTypes: [OAuthAuthorization, ConnectionTestResult],
  entities: [ConnectionEntity, OAuthClientEntity, OAuthStateEntity],
  loaders: connectionLoaders,
  references: {
    Connection: ownedReference(READ_SCOPE.connections, async (ctx, id) =>
      mapped(await ctx.loaders.connection.load(id), (row) => toConnection(row, ctx.config.publicUrl)),
    ),
  },
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    vault: CredentialsVault;
    connections: ConnectionService;
    oauth: OAuthService;
    actions: ConnectorActionService;
    runtime: ConnectorRuntime;
  }
  interface Loaders extends ReturnType<typeof connectionLoaders> {}
}
