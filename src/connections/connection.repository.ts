import { DataSource, EntityManager } from 'typeorm';
import { Page, PageArgs, paginate } from '../db/paginate';
import { PgPubSub } from '../realtime/pg-pubsub';
import type { EventRecorder } from '../events/event-recorder';
import { ConnectionEntity } from './connection.entity';
import type { ConnectionStatus } from './connection.enums';

/**
 * The connection table's writes. A status change and its NOTIFY commit together, so
 * connectionStatusChanged never announces a change that rolled back and never misses one; the
 * integration.connection.status_changed event for webhooks commits with it too.
 */
export class ConnectionRepository {
  constructor(
    private readonly db: DataSource,
    private readonly events: EventRecorder,
  ) {}

  async findOwned(organizationId: string, id: string, manager: EntityManager = this.db.manager): Promise<ConnectionEntity | null> {
    return manager.findOne(ConnectionEntity, { where: { organizationId, id } });
  }

  /** The organization's connections, a page at a time, optionally of one connector or status. */
  async page(
    organizationId: string,
    args: PageArgs,
    filter: { connectorKey?: string | null; status?: ConnectionStatus | null },
  ): Promise<Page<ConnectionEntity>> {
    const qb = this.db.getRepository(ConnectionEntity).createQueryBuilder('c').where('c.organization_id = :org', { org: organizationId });
    if (filter.connectorKey) qb.andWhere('c.connector_key = :connectorKey', { connectorKey: filter.connectorKey });
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    return paginate(qb, args);
  }

  /** Inserts a connection and announces its first status. */
  async insert(row: Partial<ConnectionEntity>): Promise<ConnectionEntity> {
    return this.db.transaction(async (manager) => {
      const saved = await manager.save(ConnectionEntity, manager.create(ConnectionEntity, row));
      await PgPubSub.notify(manager, { topic: 'connection', organizationId: saved.organizationId, id: saved.id });
      return saved;
    });
  }

  /** Applies `changes`; NOTIFYs when the status moved (or when asked, e.g. credentials replaced). */
  async update(current: ConnectionEntity, changes: Partial<ConnectionEntity>, manager?: EntityManager): Promise<ConnectionEntity> {
    const run = async (m: EntityManager) => {
      await m.update(ConnectionEntity, { id: current.id, organizationId: current.organizationId }, changes as never);
      if (changes.status && changes.status !== current.status) {
        await PgPubSub.notify(m, { topic: 'connection', organizationId: current.organizationId, id: current.id });
        await this.events.record(
          current.organizationId,
          {
            type: 'integration.connection.status_changed',
            source: 'hotcrm',
            objectType: 'connection',
            recordId: current.id,
            data: {
              connectionId: current.id,
              connectorKey: current.connectorKey,
              previousStatus: current.status,
              status: changes.status,
              lastError: changes.lastError ?? null,
            },
          },
          m,
        );
      }
      return (await m.findOneOrFail(ConnectionEntity, { where: { id: current.id } })) as ConnectionEntity;
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = await this.db.getRepository(ConnectionEntity).delete({ organizationId, id });
    return (result.affected ?? 0) > 0;
  }
}
