import type { DataSource } from 'typeorm';
import { Page, PageArgs, paginate } from '../db/paginate';
import { eventTypeLike } from './event-type-pattern';
import { IntegrationEventEntity } from './integration-event.entity';

/** Reads of the event log for integrationEvents (events are written by the outbox only). */
export class IntegrationEventQueries {
  constructor(private readonly db: DataSource) {}

  /** Newest first; `type` takes the same patterns as eventTypes. */
  async list(organizationId: string, args: PageArgs, filter: { type?: string | null; source?: string | null }): Promise<Page<IntegrationEventEntity>> {
    const qb = this.db.getRepository(IntegrationEventEntity).createQueryBuilder('e').where('e.organization_id = :org', { org: organizationId });
    const like = filter.type ? eventTypeLike(filter.type) : null;
    if (like) qb.andWhere(`e.type LIKE :like ESCAPE '\\'`, { like });
    if (filter.source) qb.andWhere('e.source = :source', { source: filter.source });
    return paginate(qb, args, { column: 'occurred_at', direction: 'DESC' });
  }
}
