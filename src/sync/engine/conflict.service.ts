import { linkScopeOf } from '../link-scope';
import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';
import type { ConnectorRuntime } from '../../connections/connector-runtime';
import { isUuid, Page, PageArgs, paginate, whereUuid } from '../../db/paginate';
import { BadUserInputError, ConflictError, NotFoundError } from '../../errors';
import type { CrmStore } from '../crm/crm-store.port';
import { FieldMappingEntity } from '../field-mapping.entity';
import { SyncConfigEntity } from '../sync-config.entity';
import { SyncConflictEntity } from '../sync-conflict.entity';
import { ConflictChoice, SyncConflictStatus } from '../sync.enums';
import { lockConflictLink } from '../sql/lock-conflict-link';
import { lockSyncConflict } from '../sql/lock-sync-conflict';
import { markConflictResolved } from '../sql/mark-conflict-resolved';
import { settleConflictLink } from '../sql/settle-conflict-link';
import { contentHash } from './record-identity';
import { resolveOutbound } from './references';
import { syncPlan, writableObject } from './sync-plan';

/**
 * Settles a conflict MANUAL held open: the chosen value is written to both sides and becomes the
 * field's base in the link's lastSyncedData, so the next run sees the field in agreement.
 */
export class SyncConflictService {
  constructor(
    private readonly db: DataSource,
    private readonly runtime: ConnectorRuntime,
    private readonly store: CrmStore,
  ) {}

  /** The organization's conflicts, a page at a time, optionally of one config or status. */
  async list(
    organizationId: string,
    args: PageArgs,
    filter: { syncConfigId?: string | null; status?: SyncConflictStatus | null } = {},
  ): Promise<Page<SyncConflictEntity>> {
    const qb = this.db.getRepository(SyncConflictEntity).createQueryBuilder('c').where('c.organization_id = :org', { org: organizationId });
    whereUuid(qb, 'c.sync_config_id', filter.syncConfigId);
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    return paginate(qb, args);
  }

  async resolve(organizationId: string, id: string, choice: ConflictChoice, value: unknown): Promise<SyncConflictEntity> {
    if (choice === ConflictChoice.CUSTOM && value === undefined) throw new BadUserInputError('value is required when choice is CUSTOM', 'value');
    const conflict = isUuid(id) ? await this.db.getRepository(SyncConflictEntity).findOne({ where: { organizationId, id } }) : null;
    if (!conflict) throw new NotFoundError('SyncConflict', id);
    if (conflict.status !== SyncConflictStatus.OPEN) throw new ConflictError(`Conflict ${id} is already ${conflict.status}`);
    const chosen = choice === ConflictChoice.KEEP_SOURCE ? conflict.sourceValue : choice === ConflictChoice.KEEP_TARGET ? conflict.targetValue : value;

    // The row stays locked while both sides are written: a second resolve of the same conflict
    // waits, then finds it RESOLVED; a provider refusal rolls back and leaves it OPEN.
    await this.db.transaction(async (manager) => {
      const locked = await lockSyncConflict(manager, conflict.id);
      if (locked?.status !== SyncConflictStatus.OPEN) throw new ConflictError(`Conflict ${id} is already ${locked?.status ?? 'gone'}`);
      const config = await manager.findOne(SyncConfigEntity, { where: { organizationId, id: conflict.syncConfigId } });
      if (!config) throw new NotFoundError('SyncConfig', conflict.syncConfigId);
      const connection = await manager.findOneOrFail(ConnectionEntity, { where: { id: config.connectionId } });
      const link = await lockConflictLink(manager, conflict.externalLinkId, linkScopeOf(connection), {
        externalObject: config.sourceObject,
        internalObject: config.targetObject,
        externalId: conflict.externalId,
      });
      const internalId: string | null = link?.internal_id ?? conflict.internalId;
      if (!internalId) throw new ConflictError(`Conflict ${id} has no HotCRM record to write to`);

      const mapping = config.fieldMappingId ? await manager.findOne(FieldMappingEntity, { where: { id: config.fieldMappingId } }) : null;
      const binding = await this.runtime.bind(connection);
      const object = writableObject(binding, config);
      const plan = syncPlan(mapping?.rules ?? null, object, config.targetObject);
      // A REFERENCE field's chosen HotCRM id goes out as the provider's id (left out when not linked there).
      const outward = await resolveOutbound(manager, linkScopeOf(connection), plan.references, { [conflict.field]: chosen });
      const payload = plan.toExternal(outward.values);
      if (Object.keys(payload).length) await binding.handler.update!(binding.call, object.name, conflict.externalId, payload);
      await this.store.upsert(organizationId, config.targetObject, [{ id: internalId, data: { [conflict.field]: chosen } }]);

      if (link) {
        const data = { ...(link.last_synced_data ?? {}), [conflict.field]: chosen };
        await settleConflictLink(manager, link.id, data, contentHash(data), conflict.id);
      }
      await markConflictResolved(manager, conflict.id, chosen);
    });
    return this.db.getRepository(SyncConflictEntity).findOneOrFail({ where: { id: conflict.id } });
  }
}
