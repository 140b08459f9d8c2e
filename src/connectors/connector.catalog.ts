import { DataSource } from 'typeorm';
import { isUuid } from '../db/paginate';
import { ConnectorDefinition } from './connector.definition';
import { ConnectorEntity } from './connector.entity';
import { AuthType, ConnectorCategory, ConnectorStatus, ConnectorType } from './connector.enums';
import { Connector } from './connector.type';
import { BUILT_IN_CONNECTORS } from '../providers/registry';
import { customDefinition } from './rest-engine/custom-definition';

/** The built-ins (in code, the same for every organization) and the organization's own. */
export class ConnectorCatalog {
  constructor(private readonly db: DataSource) {}

  async list(organizationId: string, filter: { category?: ConnectorCategory | null; search?: string | null }): Promise<Connector[]> {
    const custom = await this.db.getRepository(ConnectorEntity).find({ where: { organizationId }, order: { key: 'ASC' } });
    const all = [...[...BUILT_IN_CONNECTORS.values()].map(fromDefinition), ...custom.map(fromEntity)];
    const needle = filter.search?.trim().toLowerCase();
    return all.filter(
      (c) =>
        (!filter.category || c.category === filter.category) &&
        (!needle || [c.key, c.name, c.description ?? '', c.provider].some((text) => text.toLowerCase().includes(needle))),
    );
  }

  async byKey(organizationId: string, key: string): Promise<Connector | null> {
    const builtIn = BUILT_IN_CONNECTORS.get(key);
    if (builtIn) return fromDefinition(builtIn);
    const row = await this.db.getRepository(ConnectorEntity).findOne({ where: { organizationId, key } });
    return row ? fromEntity(row) : null;
  }

  /** The definition calls run with: a built-in's, or a custom connector's through the REST engine. */
  async definitionFor(organizationId: string, key: string): Promise<ConnectorDefinition | null> {
    const builtIn = BUILT_IN_CONNECTORS.get(key);
    if (builtIn) return builtIn;
    const row = await this.db.getRepository(ConnectorEntity).findOne({ where: { organizationId, key } });
    return row ? customDefinition(row) : null;
  }

  /** Built-ins use their key as id; custom connectors have a UUID. */
  async byId(organizationId: string, id: string): Promise<Connector | null> {
    const builtIn = BUILT_IN_CONNECTORS.get(id);
    if (builtIn) return fromDefinition(builtIn);
    if (!isUuid(id)) return null;
    const row = await this.db.getRepository(ConnectorEntity).findOne({ where: { organizationId, id } });
    return row ? fromEntity(row) : null;
  }
}

function fromDefinition(d: ConnectorDefinition): Connector {
  return Object.assign(new Connector(), {
    id: d.key,
    key: d.key,
    name: d.name,
    description: d.description,
    provider: d.provider,
    category: d.category,
    connectorType: d.connectorType,
    authTypes: d.authTypes,
    baseUrl: d.baseUrl,
    version: d.version,
    icon: d.icon,
    builtIn: true,
    status: ConnectorStatus.ACTIVE,
    objects: d.objects,
    actions: d.actions.map((a) => ({ name: a.name, description: a.description ?? null, inputSchema: a.inputSchema })),
    rateLimit: d.rateLimit,
    organizationId: null,
  });
}

/** A custom connector's declared objects, actions and budget live in its stored definition. */
function fromEntity(row: ConnectorEntity): Connector {
  const definition = row.definition as Partial<Pick<ConnectorDefinition, 'objects' | 'actions' | 'rateLimit'>>;
  return Object.assign(new Connector(), {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    provider: row.key,
    category: row.category as ConnectorCategory,
    connectorType: row.connectorType as ConnectorType,
    authTypes: row.authTypes as AuthType[],
    baseUrl: row.baseUrl,
    version: row.version,
    icon: row.icon,
    builtIn: false,
    status: row.status as ConnectorStatus,
    objects: definition.objects ?? [],
    actions: (definition.actions ?? []).map((a) => ({ name: a.name, description: a.description ?? null, inputSchema: a.inputSchema })),
    rateLimit: definition.rateLimit ?? null,
    organizationId: row.organizationId,
  });
}
