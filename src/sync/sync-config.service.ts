import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../connections/connection.entity';
import type { ObjectDefinition } from '../connectors/connector.definition';
import type { ConnectorCatalog } from '../connectors/connector.catalog';
import { isUuid, Page, PageArgs, paginate, whereUuid } from '../db/paginate';
import { BadUserInputError, NotFoundError } from '../errors';
import { checkMatchOn } from './crm/match-on';
import { connectionAccountKey, linkScopeOf } from './link-scope';
import { adoptConfigLinks } from './sql/adopt-account-links';
import { moveConfigLinks } from './sql/move-config-links';
import { checkConfigMove } from './sync-config.move';
import { FieldMappingEntity } from './field-mapping.entity';
import { nextRunAt, parseFrequency } from './schedule/frequency';
import type { CreateSyncConfigInput, UpdateSyncConfigInput } from './sync-config.inputs';
import { SyncConfigEntity } from './sync-config.entity';
import { checkDirection, checkMappingFits, checkName, crmFieldsOf, findSourceObject } from './sync-config.validation';
import { ConflictResolution } from './sync.enums';

/**
 * SyncConfigs' rules: what may be stored (objects the connector and HotCRM have, a mapping that
 * fits them, a direction the provider accepts, a frequency the scheduler understands) and when
 * the config next runs. Every check runs before the write, so a refused input stores nothing.
 */
export class SyncConfigService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: ConnectorCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(organizationId: string, id: string): Promise<SyncConfigEntity> {
    const row = isUuid(id) ? await this.db.getRepository(SyncConfigEntity).findOne({ where: { organizationId, id } }) : null;
    if (!row) throw new NotFoundError('SyncConfig', id);
    return row;
  }

  /** The organization's configs, a page at a time, optionally of one connection or activity. */
  async list(
    organizationId: string,
    args: PageArgs,
    filter: { connectionId?: string | null; isActive?: boolean | null } = {},
  ): Promise<Page<SyncConfigEntity>> {
    const qb = this.db.getRepository(SyncConfigEntity).createQueryBuilder('s').where('s.organization_id = :org', { org: organizationId });
    whereUuid(qb, 's.connection_id', filter.connectionId);
    if (filter.isActive !== undefined && filter.isActive !== null) qb.andWhere('s.is_active = :isActive', { isActive: filter.isActive });
    return paginate(qb, args);
  }

  async create(organizationId: string, input: CreateSyncConfigInput): Promise<SyncConfigEntity> {
    const name = checkName(input.name);
    const { connection, source } = await this.sourceObject(organizationId, input.connectionId, input.sourceObject);
    crmFieldsOf(input.targetObject);
    checkDirection(input.direction, source);
    const frequency = input.frequency?.trim() ?? '';
    parseFrequency(frequency);
    const fieldMappingId = input.fieldMappingId ?? null;
    if (fieldMappingId) await this.checkMapping(organizationId, fieldMappingId, source, input.targetObject);
    const isActive = input.isActive ?? true;
    const matchOn = input.matchOn ? checkMatchOn(input.targetObject, input.matchOn) : null;
    const repo = this.db.getRepository(SyncConfigEntity);
    return repo.save(
      repo.create({
        organizationId,
        connectionId: connection.id,
        fieldMappingId,
        name,
        sourceObject: source.name,
        targetObject: input.targetObject,
        direction: input.direction,
        frequency,
        conflictResolution: input.conflictResolution ?? ConflictResolution.LAST_WRITE_WINS,
        isActive,
        matchOn,
        nextSyncAt: this.nextSyncAt(frequency, isActive),
      }),
    );
  }

  async update(organizationId: string, id: string, input: UpdateSyncConfigInput): Promise<SyncConfigEntity> {
    const current = await this.get(organizationId, id);
    const changes: Partial<SyncConfigEntity> = {};
    if (input.name !== undefined && input.name !== null) changes.name = checkName(input.name);
    // The connector object is needed only for checks that depend on it; pausing or renaming a
    // config must keep working even if its connector has since dropped the object.
    let source: ObjectDefinition | null = null;
    const sourceNow = async () => (source ??= (await this.sourceObject(organizationId, current.connectionId, current.sourceObject)).source);
    if (input.direction) {
      checkDirection(input.direction, await sourceNow());
      changes.direction = input.direction;
    }
    if (input.frequency !== undefined && input.frequency !== null) {
      changes.frequency = input.frequency.trim();
      parseFrequency(changes.frequency);
    }
    if (input.conflictResolution) changes.conflictResolution = input.conflictResolution;
    if (input.fieldMappingId) {
      await this.checkMapping(organizationId, input.fieldMappingId, await sourceNow(), current.targetObject);
      changes.fieldMappingId = input.fieldMappingId;
    } else if (input.fieldMappingId === null) {
      changes.fieldMappingId = null;
    }
    if (input.isActive !== undefined && input.isActive !== null) changes.isActive = input.isActive;
    if (input.matchOn) changes.matchOn = checkMatchOn(current.targetObject, input.matchOn);
    else if (input.matchOn === null) changes.matchOn = null;
    // Only a schedule change moves the next run; renaming must not postpone an imminent sync.
    if (changes.frequency !== undefined || changes.isActive !== undefined) {
      changes.nextSyncAt = this.nextSyncAt(changes.frequency ?? current.frequency, changes.isActive ?? current.isActive);
    }
    const target =
      input.connectionId && input.connectionId !== current.connectionId ? await checkConfigMove(this.db, organizationId, current, input.connectionId) : null;
    if (target) changes.connectionId = target.id;
    if (!Object.keys(changes).length) return current;
    // The config and its links move together, or not at all.
    await this.db.transaction(async (manager) => {
      await manager.getRepository(SyncConfigEntity).update({ id: current.id, organizationId }, changes as never);
      if (!target) return;
      await moveConfigLinks(manager, organizationId, current.id, target.id);
      // Links still under the old connection's own key become the (same) account's.
      await adoptConfigLinks(manager, linkScopeOf(target), connectionAccountKey(current.connectionId), current.id);
    });
    return this.db.getRepository(SyncConfigEntity).findOneOrFail({ where: { id: current.id, organizationId } });
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const current = await this.get(organizationId, id);
    const result = await this.db.getRepository(SyncConfigEntity).delete({ id: current.id, organizationId });
    return (result.affected ?? 0) > 0;
  }

  /** Paused and manual configs have no next run; the others run at their schedule's next tick. */
  private nextSyncAt(frequency: string, isActive: boolean): Date | null {
    return isActive ? nextRunAt(parseFrequency(frequency), this.now()) : null;
  }

  /** The organization's connection and the connector object named `sourceObject`. */
  private async sourceObject(organizationId: string, connectionId: string, sourceObject: string) {
    const connection = isUuid(connectionId ?? '')
      ? await this.db.getRepository(ConnectionEntity).findOne({ where: { organizationId, id: connectionId } })
      : null;
    if (!connection) throw new BadUserInputError(`connection ${connectionId} not found`, 'connectionId');
    const definition = await this.catalog.definitionFor(organizationId, connection.connectorKey);
    const source = findSourceObject(definition?.objects ?? [], sourceObject, connection.connectorKey);
    return { connection, source };
  }

  private async checkMapping(organizationId: string, fieldMappingId: string, source: ObjectDefinition, targetObject: string): Promise<void> {
    const mapping = isUuid(fieldMappingId) ? await this.db.getRepository(FieldMappingEntity).findOne({ where: { organizationId, id: fieldMappingId } }) : null;
    if (!mapping) throw new BadUserInputError(`field mapping ${fieldMappingId} not found`, 'fieldMappingId');
    checkMappingFits(mapping, source, targetObject);
  }
}
