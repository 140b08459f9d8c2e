// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { ApiKeyMutationsResolver } from './api-key.mutations.resolver';
import { ApiKeyResolver } from './api-key.resolver';
import type { DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import { mapped, ownedReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';
import { ApiKeyUsageEntity } from './api-key-usage.entity';
import { ApiKeyEntity } from './api-key.entity';
import { toApiKey } from './api-key.mapper';
import type { ApiKeyService } from './api-key.service';

/** API keys: hashed at rest, scoped, rate-limited, with usage counted per bucket. */
export const apiKeyLoaders = (db: DataSource, organizationId: string) => ({
  apiKey: byId(db, ApiKeyEntity, organizationId),
});

export const apiKeysModule = {
  resolvers: [ApiKeyResolver, ApiKeyMutationsResolver],
  entities: [ApiKeyEntity, ApiKeyUsageEntity],
  loaders: apiKeyLoaders,
  references: {
    ApiKey: ownedReference(READ_SCOPE.apiKeys, async (ctx, id) => mapped(await ctx.loaders.apiKey.load(id), toApiKey)),
  },
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    apiKeys: ApiKeyService;
  }
  interface Loaders extends ReturnType<typeof apiKeyLoaders> {}
}
