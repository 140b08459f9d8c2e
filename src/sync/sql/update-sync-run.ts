import type { EntityManager } from 'typeorm';
import { SyncRunEntity } from '../sync-run.entity';

/**
 * Sets some of a run's columns (status changes, the job it runs under). Only SyncRunRecorder
 * calls this: sync_run has one writer. Through TypeORM, which also stamps updated_at.
 */
export async function updateSyncRun(manager: EntityManager, runId: string, changes: Partial<SyncRunEntity>): Promise<void> {
  await manager.update(SyncRunEntity, { id: runId }, changes as never);
}
