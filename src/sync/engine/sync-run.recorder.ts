import { DataSource, EntityManager } from 'typeorm';
import { InternalError } from '../../errors';
import { PgPubSub } from '../../realtime/pg-pubsub';
import { SyncRunEntity } from '../sync-run.entity';
import { SyncRunStatus } from '../sync.enums';

/**
 * The run was cancelled or handed to another job while this worker was on a page. A signal the
 * executor stops on quietly, not a failure to report; an InternalError should it ever surface.
 */
export class RunNotOwnedError extends InternalError {
  readonly code = 'RUN_NOT_OWNED';
  constructor(readonly runId: string) {
    super(`Sync run ${runId} is no longer this worker's`);
  }
}

export interface PageProgress {
  processed: number;
  created: number;
  updated: number;
  failed: number;
  /** Conflicts the page raised (outbound and bidirectional pages); none when absent. */
  conflicts?: number;
  pageCursor: string | null;
  nextCheckpoint: unknown;
}

/**
 * The run's row as the single record of its progress: every change is one transaction that
 * also NOTIFYs, so syncRunUpdated streams each page from whichever worker runs it.
 */
export class SyncRunRecorder {
  constructor(private readonly db: DataSource) {}

  async status(run: SyncRunEntity, changes: Partial<SyncRunEntity>, manager?: EntityManager): Promise<void> {
    const write = async (m: EntityManager) => {
      await m.update(SyncRunEntity, { id: run.id }, changes as never);
      await PgPubSub.notify(m, { topic: 'sync_run', organizationId: run.organizationId, id: run.id, parentId: run.syncConfigId });
    };
    await (manager ? write(manager) : this.db.transaction(write));
  }

  /**
   * Counters, resume point and heartbeat, in the same transaction as the page's links. Only
   * while this worker still owns the run (RUNNING, same job): otherwise RunNotOwnedError rolls
   * the page back, so a cancelled or reassigned run is never written by two workers.
   */
  async page(manager: EntityManager, run: SyncRunEntity, progress: PageProgress): Promise<void> {
    const result = await manager.query(
      `UPDATE sync_run SET records_processed = records_processed + $2, records_created = records_created + $3,
              records_updated = records_updated + $4, records_failed = records_failed + $5, conflicts = conflicts + $9,
              page_cursor = $6, next_checkpoint = $7::jsonb, heartbeat_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM $8
        RETURNING id`,
      [
        run.id,
        progress.processed,
        progress.created,
        progress.updated,
        progress.failed,
        progress.pageCursor,
        JSON.stringify(progress.nextCheckpoint ?? null),
        run.jobId,
        progress.conflicts ?? 0,
      ],
    );
    // TypeORM answers an UPDATE with [rows, rowCount].
    const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
    if (!rows.length) throw new RunNotOwnedError(run.id);
    await PgPubSub.notify(manager, { topic: 'sync_run', organizationId: run.organizationId, id: run.id, parentId: run.syncConfigId });
  }

  /** Orphan recovery gave a RUNNING run a new job: the heartbeat restarts its grace period. */
  async reassignJob(runId: string, jobId: string): Promise<void> {
    await this.db.query(`UPDATE sync_run SET job_id = $2, heartbeat_at = now() WHERE id = $1 AND status = 'RUNNING'`, [runId, jobId]);
  }

  /** A cancelled run whose worker died had its job cancelled: it is not looked at again. */
  async forgetAbandonedJob(runId: string): Promise<void> {
    await this.db.query('UPDATE sync_run SET heartbeat_at = NULL WHERE id = $1', [runId]);
  }

  async log(
    run: SyncRunEntity,
    level: 'info' | 'warn' | 'error',
    message: string,
    extra: { code?: string; externalId?: string } = {},
    manager?: EntityManager,
  ): Promise<void> {
    await (manager ?? this.db.manager).query(
      'INSERT INTO sync_log (organization_id, sync_run_id, level, message, code, external_id) VALUES ($1, $2, $3, $4, $5, $6)',
      [run.organizationId, run.id, level, message.slice(0, 2000), extra.code ?? null, extra.externalId ?? null],
    );
  }

  /**
   * False once the run was cancelled, or handed to another job by orphan recovery (this worker
   * was presumed dead): either way this worker stops at the next page boundary.
   */
  async stillOwned(runId: string, jobId: string): Promise<boolean> {
    const [row] = await this.db.query('SELECT status, job_id FROM sync_run WHERE id = $1', [runId]);
    return !!row && row.status !== SyncRunStatus.CANCELLED && (row.job_id === null || row.job_id === jobId);
  }
}
