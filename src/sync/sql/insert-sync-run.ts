import type { EntityManager } from 'typeorm';
import { SyncRunEntity } from '../sync-run.entity';

/** A new run as SyncRunService.trigger queues it: what it was asked for, every counter at zero. */
export type NewSyncRun = Pick<SyncRunEntity, 'organizationId' | 'syncConfigId' | 'status' | 'trigger' | 'mode'>;

/** Inserts a run row, answering it with its generated id and timestamps. Only SyncRunRecorder calls this. */
export async function insertSyncRun(manager: EntityManager, run: NewSyncRun): Promise<SyncRunEntity> {
  return manager.save(
    SyncRunEntity,
    manager.create(SyncRunEntity, {
      ...run,
      recordsProcessed: 0,
      recordsCreated: 0,
      recordsUpdated: 0,
      recordsDeleted: 0,
      recordsFailed: 0,
      recordsMatched: 0,
      conflicts: 0,
      attempts: 0,
    }),
  );
}
