import type { DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import type { ConnectorCatalog } from './connector.catalog';
import type { CustomConnectorService } from './custom-connector.service';
import { ConnectorEntity } from './connector.entity';
import { ConnectorRecordsResolver } from './connector-records.resolver';
import { ConnectorMutationsResolver } from './connector.mutations.resolver';
import { connectorReferences } from './connector.reference';
import { ConnectorResolver } from './connector.resolver';

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
