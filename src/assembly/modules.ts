// Imported in this order (api keys, connections, connectors, sync, webhooks, intelligence, automations, tracking, documents):
// type-graphql lists types and fields in the order their classes load.
import { apiKeysModule } from '../apikeys/apikeys.module';
import { connectionsModule } from '../connections/connections.module';
import { connectorsModule } from '../connectors/connectors.module';
import { syncModule } from '../sync/sync.module';
import { webhooksModule } from '../webhooks/webhooks.module';
import { intelligenceModule } from '../intelligence/intelligence.module';
import { automationsModule } from '../automations/automations.module';
import { trackingModule } from '../tracking/tracking.module';
import { documentsModule } from '../documents/documents.module';

/** Every capability of the service, in the order the schema lists their fields. */
export const capabilityModules = [
  connectorsModule,
  connectionsModule,
  syncModule,
  webhooksModule,
  apiKeysModule,
  intelligenceModule,
  automationsModule,
  trackingModule,
  documentsModule,
] as const;
