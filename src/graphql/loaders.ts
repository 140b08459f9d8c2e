import DataLoader from 'dataloader';
import { DataSource, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { ConnectionEntity } from '../connections/connection.entity';
import { ConnectorEntity } from '../connectors/connector.entity';
import { isUuid } from '../db/paginate';
import { ApiKeyEntity } from '../apikeys/api-key.entity';
import { ExternalLinkEntity } from '../sync/external-link.entity';
import { FieldMappingEntity } from '../sync/field-mapping.entity';
import { SyncConfigEntity } from '../sync/sync-config.entity';
import { SyncConflictEntity } from '../sync/sync-conflict.entity';
import { SyncLogEntity } from '../sync/sync-log.entity';
import { SyncRunEntity } from '../sync/sync-run.entity';
import { WebhookAttemptEntity } from '../webhooks/webhook-attempt.entity';
import { IntegrationEventEntity } from '../webhooks/integration-event.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { WebhookSubscriptionEntity } from '../webhooks/webhook-subscription.entity';
import { externalLinksByInternalId, LinkRow, linksByEmail } from '../sync/external-link.queries';

type OrgRow = ObjectLiteral & { id: string; organizationId: string };

/**
 * One query per entity type per request, however many ids are asked for, always scoped by the
 * caller's organization: another org's id simply comes back as null.
 */
function byId<T extends OrgRow>(db: DataSource, entity: EntityTarget<T>, organizationId: string) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length ? await db.getRepository(entity).find({ where: { organizationId, id: In(valid) } as never }) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Rows that belong to many parents at once (a connection's sync configs), one query per batch. */
function childrenOf<T extends OrgRow>(db: DataSource, entity: EntityTarget<T>, organizationId: string, parentKey: keyof T & string) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const valid = [...new Set(parentIds.filter(isUuid))];
    const rows = valid.length
      ? await db.getRepository(entity).find({ where: { organizationId, [parentKey]: In(valid) } as never, order: { createdAt: 'ASC', id: 'ASC' } as never })
      : [];
    const grouped = new Map<string, T[]>();
    for (const row of rows) grouped.set(row[parentKey], [...(grouped.get(row[parentKey]) ?? []), row]);
    return parentIds.map((id) => grouped.get(id) ?? []);
  });
}

function childrenOfLogs(db: DataSource, organizationId: string) {
  return new DataLoader<string, SyncLogEntity[]>(async (runIds) => {
    const rows = await db.getRepository(SyncLogEntity).find({ where: { organizationId, syncRunId: In([...new Set(runIds)]) }, order: { id: 'ASC' } });
    return runIds.map((id) => rows.filter((row) => row.syncRunId === id));
  });
}

function childrenOfAttempts(db: DataSource, organizationId: string) {
  return new DataLoader<string, WebhookAttemptEntity[]>(async (deliveryIds) => {
    const rows = await db
      .getRepository(WebhookAttemptEntity)
      .find({ where: { organizationId, deliveryId: In([...new Set(deliveryIds)]) }, order: { attemptNumber: 'ASC' } });
    return deliveryIds.map((id) => rows.filter((row) => row.deliveryId === id));
  });
}

/** The newest run of each config, one DISTINCT ON query for the whole batch. */
function lastRunByConfig(db: DataSource, organizationId: string) {
  return new DataLoader<string, SyncRunEntity | null>(async (configIds) => {
    const rows = await db
      .getRepository(SyncRunEntity)
      .createQueryBuilder('run')
      .distinctOn(['run.sync_config_id'])
      .where('run.organization_id = :organizationId', { organizationId })
      .andWhere('run.sync_config_id IN (:...ids)', { ids: [...new Set(configIds)] })
      .orderBy('run.sync_config_id')
      .addOrderBy('run.created_at', 'DESC')
      .addOrderBy('run.id', 'DESC')
      .getMany();
    return configIds.map((id) => rows.find((row) => row.syncConfigId === id) ?? null);
  });
}

function deliveryCountByEvent(db: DataSource, organizationId: string) {
  return new DataLoader<string, number>(async (eventIds) => {
    const rows: { event_id: string; n: string }[] = await db.query(
      'SELECT event_id, count(*) AS n FROM webhook_delivery WHERE organization_id = $1 AND event_id = ANY($2::uuid[]) GROUP BY event_id',
      [organizationId, [...new Set(eventIds)]],
    );
    const counts = new Map(rows.map((row) => [row.event_id, Number(row.n)]));
    return eventIds.map((id) => counts.get(id) ?? 0);
  });
}

export function createLoaders(db: DataSource, organizationId: string | null) {
  // Without a principal nothing is loaded: the auth guard fails first, this only keeps types simple.
  const org = organizationId ?? '';
  return {
    connection: byId(db, ConnectionEntity, org),
    customConnector: byId(db, ConnectorEntity, org),
    fieldMapping: byId(db, FieldMappingEntity, org),
    syncConfig: byId(db, SyncConfigEntity, org),
    syncRun: byId(db, SyncRunEntity, org),
    syncConflict: byId(db, SyncConflictEntity, org),
    externalLink: byId(db, ExternalLinkEntity, org),
    webhookSubscription: byId(db, WebhookSubscriptionEntity, org),
    webhookDelivery: byId(db, WebhookDeliveryEntity, org),
    integrationEvent: byId(db, IntegrationEventEntity, org),
    apiKey: byId(db, ApiKeyEntity, org),
    syncConfigsByConnection: childrenOf(db, SyncConfigEntity, org, 'connectionId'),
    /** A run's log lines; the resolver applies the `first` limit. */
    logsByRun: childrenOfLogs(db, org),
    attemptsByDelivery: childrenOfAttempts(db, org),
    lastRunByConfig: lastRunByConfig(db, org),
    deliveryCountByEvent: deliveryCountByEvent(db, org),
    /** Keyed `<internalObject>:<internalId>`: Account/Contact/Invoice.externalLinks and payments. */
    linksByInternal: new DataLoader<string, LinkRow[]>((keys) => externalLinksByInternalId(db, org, keys)),
    /** Synced profile records by lower-cased email: Contact.enrichment. */
    linksByEmail: new DataLoader<string, ExternalLinkEntity[]>((emails) => linksByEmail(db, org, emails)),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
