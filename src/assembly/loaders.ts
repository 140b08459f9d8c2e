import type { DataSource } from 'typeorm';
import { apiKeysModule } from '../apikeys/apikeys.module';
import { connectionsModule } from '../connections/connections.module';
import { connectorsModule } from '../connectors/connectors.module';
import type { Loaders } from '../graphql/context';
import { syncModule } from '../sync/sync.module';
import { webhooksModule } from '../webhooks/webhooks.module';
import { automationsModule } from '../automations/automations.module';
import { documentsModule } from '../documents/documents.module';

/**
 * A request's loaders: every capability's, all scoped by the caller's organization. Without a
 * principal nothing is loaded (the auth guard fails first); the empty org only keeps types simple.
 */
export function createLoaders(db: DataSource, organizationId: string | null): Loaders {
  const org = organizationId ?? '';
  return {
    ...connectorsModule.loaders(db, org),
    ...connectionsModule.loaders(db, org),
    ...syncModule.loaders(db, org),
    ...webhooksModule.loaders(db, org),
    ...apiKeysModule.loaders(db, org),
    ...automationsModule.loaders(db, org),
    ...documentsModule.loaders(db, org),
  } satisfies Loaders;
}
