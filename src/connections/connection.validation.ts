import type { Config } from '../config';
import { ConnectorCatalog } from '../connectors/connector.catalog';
import { ConnectorDefinition } from '../connectors/connector.definition';
import { AuthType } from '../connectors/connector.enums';
import { BadUserInputError } from '../errors';
import { assertPublicTarget } from '../net/target-guard';

/** Credential fields each auth type needs unless the connector says otherwise. */
const DEFAULT_CREDENTIAL_FIELDS: Partial<Record<AuthType, string[]>> = {
  [AuthType.API_KEY]: ['apiKey'],
  [AuthType.BASIC]: ['username', 'password'],
  [AuthType.TOKEN]: ['token'],
};

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The connector a connection names, built in or the organization's own; BAD_USER_INPUT otherwise. */
export async function resolveConnector(catalog: ConnectorCatalog, organizationId: string, key: string, field = 'connectorKey') {
  const connector = await catalog.byKey(organizationId, key);
  if (!connector) throw new BadUserInputError(`Unknown connector "${key}"`, field);
  return { connector, definition: await catalog.definitionFor(organizationId, key) };
}

export function chooseAuthType(available: AuthType[], requested: AuthType | null | undefined): AuthType {
  if (requested && !available.includes(requested)) {
    throw new BadUserInputError(`This connector does not support ${requested}; it supports ${available.join(', ')}`, 'authType');
  }
  return requested ?? available[0];
}

/** Every required credential is a non-empty string; unknown extras (webhookSecret) are kept. */
export function checkCredentials(definition: ConnectorDefinition | null, authType: AuthType, credentials: unknown): Record<string, unknown> {
  if (credentials !== undefined && credentials !== null && !isPlainObject(credentials)) {
    throw new BadUserInputError('credentials must be an object', 'credentials');
  }
  const given = (credentials ?? {}) as Record<string, unknown>;
  const required = definition?.credentialFields?.[authType] ?? DEFAULT_CREDENTIAL_FIELDS[authType] ?? [];
  for (const name of required) {
    if (typeof given[name] !== 'string' || !(given[name] as string).trim()) {
      throw new BadUserInputError(`credentials.${name} is required for ${authType}`, `credentials.${name}`);
    }
  }
  for (const [name, value] of Object.entries(given)) {
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
      throw new BadUserInputError(`credentials.${name} must be a string`, `credentials.${name}`);
    }
  }
  definition?.handler?.checkCredentials?.(authType, given);
  return given;
}

/**
 * Non-secret settings; a baseUrl override must be a public http(s) URL (ALLOW_PRIVATE_TARGETS aside),
 * and the settings the connector's paths use (its configFields) must be there.
 */
export async function checkConfig(config: unknown, settings: Config, definition?: ConnectorDefinition | null): Promise<Record<string, unknown> | null> {
  if (config !== undefined && config !== null && !isPlainObject(config)) throw new BadUserInputError('config must be an object', 'config');
  for (const name of definition?.configFields ?? []) {
    const value = (config as Record<string, unknown> | null | undefined)?.[name];
    if (typeof value !== 'string' || !value.trim()) throw new BadUserInputError(`config.${name} is required by this connector`, `config.${name}`);
  }
  if (config === undefined || config === null) return null;
  if (config.baseUrl !== undefined) {
    if (typeof config.baseUrl !== 'string') throw new BadUserInputError('config.baseUrl must be a URL', 'config.baseUrl');
    await assertPublicTarget(config.baseUrl, settings.allowPrivateTargets, 'config.baseUrl');
  }
  return config;
}
