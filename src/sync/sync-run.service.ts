import { bossExecutor } from '../jobs/boss-executor';
import type PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { Page, PageArgs, paginate } from '../db/paginate';
import { ConflictError, NotFoundError } from '../errors';
import { lockSyncConfig } from './sql/lock-sync-config';
import { SyncRunRecorder } from './engine/sync-run.recorder';
import { cancelSyncRunJob, enqueueSyncRun } from './engine/sync-run.job';
import { SyncConfigEntity } from './sync-config.entity';
import { SyncRunEntity } from './sync-run.entity';
import { SyncMode, SyncRunStatus, SyncTrigger } from './sync.enums';

/** Starting and stopping runs: a QUEUED row and its pg-boss job are created together. */
export class SyncRunService {
  private readonly recorder: SyncRunRecorder;

  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
  ) {
    this.recorder = new SyncRunRecorder(db);
  }

  /**
   * One run at a time per config: while one is queued or running, triggering again returns it
   * rather than stacking another (the queue's stately policy enforces the same across replicas).
   */
  async trigger(organizationId: string, configId: string, mode: SyncMode | null | undefined, trigger: SyncTrigger): Promise<SyncRunEntity> {
    const config = await this.db
      .getRepository(SyncConfigEntity)
      .findOne({ where: { organizationId, id: configId } })
      .catch(() => null);
    if (!config) throw new NotFoundError('SyncConfig', configId);
    return this.db.transaction(async (manager) => {
      // Serialises triggers of one config, so two callers cannot both see "none pending".
      await lockSyncConfig(manager, config.id);
      const pending = await manager.findOne(SyncRunEntity, {
        where: [
          { syncConfigId: config.id, status: SyncRunStatus.QUEUED },
          { syncConfigId: config.id, status: SyncRunStatus.RUNNING },
        ],
        order: { createdAt: 'DESC' },
      });
      if (pending) return pending;
      const run = await this.recorder.create(manager, {
        organizationId,
        syncConfigId: config.id,
        status: SyncRunStatus.QUEUED,
        trigger,
        mode: mode ?? (config.cursor === null || config.cursor === undefined ? SyncMode.FULL : SyncMode.INCREMENTAL),
      });
      const jobId = await enqueueSyncRun(this.boss, { runId: run.id, syncConfigId: config.id }, { db: bossExecutor(manager) });
      await this.recorder.queued(manager, run, jobId);
      return { ...run, jobId } as SyncRunEntity;
    });
  }

  /** A config's runs, newest first (a dashboard wants the latest), a page at a time. */
  async runsOf(organizationId: string, syncConfigId: string, args: PageArgs): Promise<Page<SyncRunEntity>> {
    const qb = this.db
      .getRepository(SyncRunEntity)
      .createQueryBuilder('r')
      .where('r.organization_id = :org AND r.sync_config_id = :configId', { org: organizationId, configId: syncConfigId });
    return paginate(qb, args, { column: 'created_at', direction: 'DESC' });
  }

  /** The committed row, read afresh (a subscription's notice names a run that just changed); null when not the organization's. */
  async find(organizationId: string, runId: string): Promise<SyncRunEntity | null> {
    return this.db.getRepository(SyncRunEntity).findOne({ where: { id: runId, organizationId } });
  }

  async cancel(organizationId: string, runId: string): Promise<SyncRunEntity> {
    const run = await this.db
      .getRepository(SyncRunEntity)
      .findOne({ where: { organizationId, id: runId } })
      .catch(() => null);
    if (!run) throw new NotFoundError('SyncRun', runId);
    if (![SyncRunStatus.QUEUED, SyncRunStatus.RUNNING].includes(run.status as SyncRunStatus)) {
      throw new ConflictError(`Run ${runId} is already ${run.status}`);
    }
    const completedAt = new Date();
    await this.recorder.status(run, {
      status: SyncRunStatus.CANCELLED,
      completedAt,
      durationMs: run.startedAt ? completedAt.getTime() - run.startedAt.getTime() : 0,
    } as Partial<SyncRunEntity>);
    // A queued job is cancelled outright. A running one is left to its worker, which stops at the
    // next page boundary (its page commit is refused): cancelling the job would free the config's
    // one-active-run slot while that worker is still writing.
    if (run.jobId && run.status === SyncRunStatus.QUEUED) await cancelSyncRunJob(this.boss, run.jobId);
    return this.db.getRepository(SyncRunEntity).findOneOrFail({ where: { id: runId } });
  }
}
