import { apiKeysModule } from '../apikeys/apikeys.module';
import { connectionsModule } from '../connections/connections.module';
import { connectorsModule } from '../connectors/connectors.module';
import { intelligenceModule } from '../intelligence/intelligence.module';
import { syncModule } from '../sync/sync.module';
import { webhooksModule } from '../webhooks/webhooks.module';

/** Every capability of the service, in the order the schema lists their fields. */
export const capabilityModules = [connectorsModule, connectionsModule, syncModule, webhooksModule, apiKeysModule, intelligenceModule] as const;
