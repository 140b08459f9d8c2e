import type { Logger } from 'pino';
import type { Config } from '../config';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.format';
import { ApiKeyRepository } from './api-key.repository';

/**
 * The bootstrap key is the operator's setup key (scope `*`), also what scripts and dashboards use
 * before anyone creates scoped keys: a limit that protects the service without getting in the
 * way of setup or tooling. Keys created through createApiKey default to 1000 per 60 s.
 */
const BOOTSTRAP_RATE_LIMIT = { rateLimit: 100_000, rateWindowSeconds: 60 } as const;

/**
 * So a fresh install can be used at all: INTEGRATION_BOOTSTRAP_API_KEY is ensured as a key with
 * scope `*` for INTEGRATION_BOOTSTRAP_ORG; without it, the first start of an organization with no
 * keys creates one and prints it once on stdout (never through the logger).
 */
export async function ensureBootstrapKey(config: Config, keys: ApiKeyRepository, log: Logger): Promise<void> {
  const organizationId = config.bootstrapOrg;
  if (config.bootstrapApiKey) {
    const created = await keys.insertIfAbsent({
      organizationId,
      name: 'bootstrap',
      prefix: displayPrefix(config.bootstrapApiKey),
      keyHash: hashApiKey(config.bootstrapApiKey),
      scopes: ['*'],
      ...BOOTSTRAP_RATE_LIMIT,
    });
    if (created) log.info({ organizationId }, 'bootstrap API key registered from INTEGRATION_BOOTSTRAP_API_KEY');
    return;
  }
  if ((await keys.countForOrganization(organizationId)) > 0) return;
  const generated = generateApiKey(config.apiKeyEnvironment);
  const created = await keys.insertIfAbsent({
    organizationId,
    name: 'bootstrap',
    prefix: generated.prefix,
    keyHash: generated.hash,
    scopes: ['*'],
    ...BOOTSTRAP_RATE_LIMIT,
  });
  if (created) {
    process.stdout.write(
      `\nBootstrap API key for organization "${organizationId}" (scope *), shown only this once:\n\n  ${generated.key}\n\n` +
        'Send it as: Authorization: Bearer <key>\n\n',
    );
  }
}
