import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { BadUserInputError, ConflictError } from '../errors';
import { assertPublicTarget } from '../net/target-guard';
import { ConnectorCatalog } from './connector.catalog';
import { ConnectorEntity } from './connector.entity';
import { AuthType, ConnectorCategory, ConnectorStatus, ConnectorType } from './connector.enums';
import type { Connector } from './connector.type';
import { BUILT_IN_CONNECTORS } from '../providers/registry';
import { validateDefinition } from './rest-engine/definition.validator';

export interface CreateConnectorRequest {
  key: string;
  name: string;
  category: ConnectorCategory;
  authTypes: AuthType[];
  baseUrl: string;
  definition: unknown;
}

/** Lower-case machine names, like the built-ins' (adobe_sign): 2 to 49 characters. */
const KEY_PATTERN = /^[a-z][a-z0-9_]{1,48}$/;
const MAX_NAME_LENGTH = 200;
const UNIQUE_VIOLATION = '23505';

/** CONFLICT that still names the field, as every refusal of createConnector does. */
export class ConnectorKeyTakenError extends ConflictError {
  constructor(key: string) {
    super(`This organization already has a connector with key "${key}"`);
  }
  extensions() {
    return { field: 'key' };
  }
}

/**
 * createConnector: an organization declares a REST connector (auth, base URL, objects with their
 * endpoints and paging) that the generic engine (rest-engine/) runs. Everything is checked before
 * anything is stored; the definition is stored normalised, so reads need no second validation.
 */
export class CustomConnectorService {
  private readonly catalog: ConnectorCatalog;

  constructor(
    private readonly db: DataSource,
    private readonly config: Pick<Config, 'allowPrivateTargets'>,
  ) {
    this.catalog = new ConnectorCatalog(db);
  }

  async create(organizationId: string, input: CreateConnectorRequest): Promise<Connector> {
    const key = checkKey(input.key);
    const name = input.name?.trim();
    if (!name) throw new BadUserInputError('name must not be empty', 'name');
    if (name.length > MAX_NAME_LENGTH) throw new BadUserInputError(`name must be at most ${MAX_NAME_LENGTH} characters`, 'name');
    if (!Object.values(ConnectorCategory).includes(input.category)) throw new BadUserInputError(`Unknown category "${input.category}"`, 'category');
    const authTypes = checkAuthTypes(input.authTypes);
    const definition = validateDefinition(input.definition, authTypes);
    // Targets are checked last among the inputs: they may need DNS, the rest is local.
    await assertPublicTarget(input.baseUrl, this.config.allowPrivateTargets, 'baseUrl');
    if (definition.oauth) {
      await assertPublicTarget(definition.oauth.authorizationUrl, this.config.allowPrivateTargets, 'definition.oauth.authorizationUrl');
      await assertPublicTarget(definition.oauth.tokenUrl, this.config.allowPrivateTargets, 'definition.oauth.tokenUrl');
    }

    const repo = this.db.getRepository(ConnectorEntity);
    if (await repo.exists({ where: { organizationId, key } })) throw new ConnectorKeyTakenError(key);
    const row = repo.create({
      organizationId,
      key,
      name,
      description: definition.description ?? null,
      category: input.category,
      connectorType: ConnectorType.REST_API,
      authTypes,
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
      version: definition.version ?? null,
      icon: definition.icon ?? null,
      status: ConnectorStatus.ACTIVE,
      definition: definition as unknown as Record<string, unknown>,
    });
    try {
      await repo.save(row);
    } catch (error) {
      // Two concurrent creates with one key: the unique (organization_id, key) decides.
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) throw new ConnectorKeyTakenError(key);
      throw error;
    }
    const created = await this.catalog.byKey(organizationId, key);
    // Just inserted in this call, and custom connectors are never deleted: an invariant, not input.
    if (!created) throw new Error(`connector ${key} vanished after insert`);
    return created;
  }
}

function checkKey(key: string): string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new BadUserInputError('key must be 2-49 characters: a lower-case letter, then lower-case letters, digits or _', 'key');
  }
  if (BUILT_IN_CONNECTORS.has(key)) throw new BadUserInputError(`key "${key}" is a built-in connector's`, 'key');
  return key;
}

function checkAuthTypes(authTypes: AuthType[]): AuthType[] {
  if (!Array.isArray(authTypes) || authTypes.length === 0) throw new BadUserInputError('authTypes must name at least one auth type', 'authTypes');
  const known = new Set<string>(Object.values(AuthType));
  authTypes.forEach((type, i) => {
    if (!known.has(type)) throw new BadUserInputError(`authTypes.${i}: unknown auth type "${type}"`, `authTypes.${i}`);
    if (authTypes.indexOf(type) !== i) throw new BadUserInputError(`authTypes.${i} repeats ${type}`, `authTypes.${i}`);
  });
  return authTypes;
}
