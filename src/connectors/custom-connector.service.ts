import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors';
import { assertPublicTarget } from '../net/target-guard';
import { ConnectorCatalog } from './connector.catalog';
import { ConnectorEntity } from './connector.entity';
import { AuthType, ConnectorCategory, ConnectorStatus, ConnectorType } from './connector.enums';
import type { Connector } from './connector.type';
import { BUILT_IN_CONNECTORS } from '../providers/registry';
import { validateDefinition } from './rest-engine/definition.validator';
import type { RestDeclaration } from './rest-engine/rest-declaration';
import { readConnectorUsage } from './sql/connector-usage';
import { isUuid } from '../db/paginate';

export interface CreateConnectorRequest {
  key: string;
  name: string;
  category: ConnectorCategory;
  authTypes: AuthType[];
  baseUrl: string;
  definition: unknown;
}

/** updateConnector: every field but the key (connections name the connector by it) may change; absent keeps it. */
export type UpdateConnectorRequest = Partial<Omit<CreateConnectorRequest, 'key'>>;

/** Lower-case machine names, like the built-ins' (adobe_sign): 2 to 49 characters. */
const KEY_PATTERN = /^[a-z][a-z0-9_]{1,48}$/;
const MAX_NAME_LENGTH = 200;
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

/** CONFLICT that still names the field, as every refusal of createConnector does. */
export class ConnectorKeyTakenError extends ConflictError {
  constructor(key: string) {
    super(`This organization already has a connector with key "${key}"`);
  }
  extensions() {
    return { field: 'key' };
  }
}

/** CONFLICT naming the input field whose change the organization's connections or sync configs still depend on. */
export class ConnectorInUseError extends ConflictError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
  extensions() {
    return this.field ? { field: this.field } : {};
  }
}

/** The checked, normalised parts of a declaration, as the connector row stores them. */
type CheckedDeclaration = Pick<ConnectorEntity, 'name' | 'category' | 'authTypes' | 'baseUrl'> & { definition: RestDeclaration };

/**
 * createConnector, updateConnector, deleteConnector: an organization declares a REST connector
 * (auth, base URL, objects with their endpoints and paging) that the generic engine (rest-engine/)
 * runs, and may change or remove it while nothing depends on what changes. Everything is checked
 * before anything is stored; the definition is stored normalised, so reads need no second validation.
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
    const checked = await this.check(input);
    const repo = this.db.getRepository(ConnectorEntity);
    if (await repo.exists({ where: { organizationId, key } })) throw new ConnectorKeyTakenError(key);
    const row = repo.create({ organizationId, key, connectorType: ConnectorType.REST_API, status: ConnectorStatus.ACTIVE, ...stored(checked) });
    try {
      await repo.save(row);
    } catch (error) {
      // Two concurrent creates with one key: the unique (organization_id, key) decides.
      if (driverCode(error) === UNIQUE_VIOLATION) throw new ConnectorKeyTakenError(key);
      throw error;
    }
    return this.reread(organizationId, key);
  }

  /**
   * Validated like a create over the merged result. Refused with CONFLICT when the organization's
   * connections authenticate with an auth type it drops, their sync configs read an object it
   * drops, or their automations run an action it drops.
   */
  async update(organizationId: string, id: string, input: UpdateConnectorRequest): Promise<Connector> {
    const row = await this.owned(organizationId, id);
    const current = row.definition as unknown as RestDeclaration;
    const checked = await this.check({
      name: input.name ?? row.name,
      category: input.category ?? (row.category as ConnectorCategory),
      authTypes: input.authTypes ?? (row.authTypes as AuthType[]),
      baseUrl: input.baseUrl ?? row.baseUrl,
      definition: input.definition ?? asDeclared(current),
    });
    const usage = await readConnectorUsage(this.db, organizationId, row.id);
    const droppedAuth = usage.authTypes.find((type) => !checked.authTypes.includes(type));
    if (droppedAuth) {
      throw new ConnectorInUseError(
        `Connections of this connector authenticate with ${droppedAuth}: keep it in authTypes, or delete those connections first`,
        'authTypes',
      );
    }
    const objects = new Set(checked.definition.objects.map((o) => o.name));
    const droppedObjects = usage.syncObjects.filter((name) => !objects.has(name));
    if (droppedObjects.length) {
      throw new ConnectorInUseError(
        `Sync configs still read ${droppedObjects.join(', ')} through this connector: keep ${droppedObjects.length > 1 ? 'those objects' : 'that object'} in definition.objects, or delete the sync configs first`,
        'definition.objects',
      );
    }
    const actions = new Set((checked.definition.actions ?? []).map((a) => a.name));
    const droppedActions = usage.automationActions.filter((name) => !actions.has(name));
    if (droppedActions.length) {
      throw new ConnectorInUseError(
        `Automations still run ${droppedActions.join(', ')} through this connector: keep ${droppedActions.length > 1 ? 'those actions' : 'that action'} in definition.actions, or delete the automations first`,
        'definition.actions',
      );
    }
    // save() moves updated_at: the revision in the definition's poolKey, so every replica's next
    // call builds a client with the new error parser and budget policy.
    await this.db.getRepository(ConnectorEntity).save(Object.assign(row, stored(checked)));
    return this.reread(organizationId, row.key);
  }

  /** Refused with CONFLICT while any connection of the organization uses the connector. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const row = await this.owned(organizationId, id);
    const inUse = (count?: number) =>
      new ConnectorInUseError(
        `Connections still use connector "${row.key}"${count ? ` (${count})` : ''}: delete them first (deleteConnection), then the connector`,
      );
    const usage = await readConnectorUsage(this.db, organizationId, row.id);
    if (usage.connections > 0) throw inUse(usage.connections);
    try {
      await this.db.getRepository(ConnectorEntity).delete({ organizationId, id: row.id });
    } catch (error) {
      // A connection made between the check and the delete: connection.custom_connector_id is ON DELETE RESTRICT.
      if (driverCode(error) === FOREIGN_KEY_VIOLATION) throw inUse();
      throw error;
    }
    return true;
  }

  /** The organization's own connector by id; a built-in is refused, another organization's is NOT_FOUND. */
  private async owned(organizationId: string, id: string): Promise<ConnectorEntity> {
    if (BUILT_IN_CONNECTORS.has(id)) throw new BadUserInputError(`${id} is a built-in connector: only custom connectors can be changed or deleted`, 'id');
    const row = isUuid(id) ? await this.db.getRepository(ConnectorEntity).findOne({ where: { organizationId, id } }) : null;
    if (!row) throw new NotFoundError('Connector', id);
    return row;
  }

  private async check(input: Omit<CreateConnectorRequest, 'key'>): Promise<CheckedDeclaration> {
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
    return { name, category: input.category, authTypes, baseUrl: input.baseUrl.replace(/\/+$/, ''), definition };
  }

  private async reread(organizationId: string, key: string): Promise<Connector> {
    const connector = await this.catalog.byKey(organizationId, key);
    // Just written in this call: an invariant, not input.
    if (!connector) throw new Error(`connector ${key} vanished after it was written`);
    return connector;
  }
}

function stored(checked: CheckedDeclaration): Partial<ConnectorEntity> {
  const { definition } = checked;
  return {
    name: checked.name,
    category: checked.category,
    authTypes: checked.authTypes,
    baseUrl: checked.baseUrl,
    description: definition.description ?? null,
    version: definition.version ?? null,
    icon: definition.icon ?? null,
    definition: definition as unknown as Record<string, unknown>,
  };
}

/** A stored (normalised) definition as createConnector takes it: without the derived object flags. */
function asDeclared(definition: RestDeclaration): unknown {
  return { ...definition, objects: definition.objects.map(({ supportsIncremental: _i, supportsWrite: _w, ...object }) => object) };
}

function driverCode(error: unknown): string | undefined {
  return (error as { driverError?: { code?: string } }).driverError?.code;
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
