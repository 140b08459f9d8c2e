import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { byId, childrenOf } from '../graphql/loader-kit';
import type { RelayPage } from '../graphql/relay';
import { activitiesById, activitiesOf } from './activities.queries';
import type { Activity } from './activity.type';
import { ExternalLinkEntity } from './external-link.entity';
import { externalLinksByInternalId, LinkRow, linksByEmail } from './external-link.queries';
import { FieldMappingEntity } from './field-mapping.entity';
import { SyncConfigEntity } from './sync-config.entity';
import { SyncConflictEntity } from './sync-conflict.entity';
import { SyncLogEntity } from './sync-log.entity';
import { SyncRunEntity } from './sync-run.entity';

function logsByRun(db: DataSource, organizationId: string) {
  return new DataLoader<string, SyncLogEntity[]>(async (runIds) => {
    const rows = await db.getRepository(SyncLogEntity).find({ where: { organizationId, syncRunId: In([...new Set(runIds)]) }, order: { id: 'ASC' } });
    return runIds.map((id) => rows.filter((row) => row.syncRunId === id));
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

/** The sync capability's per-request loaders, every one scoped by the caller's organization. */
export const syncLoaders = (db: DataSource, organizationId: string) => ({
  fieldMapping: byId(db, FieldMappingEntity, organizationId),
  syncConfig: byId(db, SyncConfigEntity, organizationId),
  syncRun: byId(db, SyncRunEntity, organizationId),
  syncConflict: byId(db, SyncConflictEntity, organizationId),
  externalLink: byId(db, ExternalLinkEntity, organizationId),
  syncConfigsByConnection: childrenOf(db, SyncConfigEntity, organizationId, 'connectionId'),
  /** A run's log lines; the resolver applies the `first` limit. */
  logsByRun: logsByRun(db, organizationId),
  lastRunByConfig: lastRunByConfig(db, organizationId),
  /** Keyed `<internalObject>:<internalId>`: Account/Contact/Invoice.externalLinks and payments. */
  linksByInternal: new DataLoader<string, LinkRow[]>((keys) => externalLinksByInternalId(db, organizationId, keys)),
  /** Synced profile records by lower-cased email: Contact.enrichment. */
  linksByEmail: new DataLoader<string, ExternalLinkEntity[]>((emails) => linksByEmail(db, organizationId, emails)),
  /** Keyed by activitiesKey (address, first, after): Contact.activities, one statement per batch. */
  activitiesByEmail: new DataLoader<string, RelayPage<Activity>>((keys) => activitiesOf(db, organizationId, keys)),
  activity: new DataLoader<string, Activity | null>((ids) => activitiesById(db, organizationId, ids)),
});
