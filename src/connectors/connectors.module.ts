// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { ConnectorResolver } from './connector.resolver';
import { ConnectorRecordsResolver } from './connector-records.resolver';
import { ConnectorMutationsResolver } from './connector.mutations.resolver';
import type { DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import type { ConnectorCatalog } from './connector.catalog';
import type { CustomConnectorService } from './custom-connector.service';
import { ConnectorEntity } from './connector.entity';
import { connectorReferences } from './connector.reference';

/** The connector catalog: built-in providers beside an organization's declared custom connectors. */
export const connectorLoaders = (db: DataSource, organizationId: string) => ({
  customConnector: byId(db, ConnectorEntity, organizationId),
});

export const connectorsModule = {
  resolvers: [ConnectorResolver, ConnectorRecordsResolver, ConnectorMutationsResolver],
  entities: [ConnectorEntity],
  loaders: connectorLoaders,
  references: connectorReferences,
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    catalog: ConnectorCatalog;
    customConnectors: CustomConnectorService;
  }
  interface Loaders extends ReturnType<typeof connectorLoaders> {}
}
