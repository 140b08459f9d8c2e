import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ConnectorRuntime } from '../../connections/connector-runtime';
import { ConnectionEntity } from '../../connections/connection.entity';
import type { CrmStore } from '../crm/crm-store.port';
import { FieldMappingEntity } from '../field-mapping.entity';
import { type LinkScope, linkScopeOf } from '../link-scope';
import { hasPendingReferences } from '../sql/resolvable-pending-references';
import { fillPendingReferences } from './references';
import { adoptLearnedAccountLinks } from '../sql/adopt-account-links';
import { SyncConfigEntity } from '../sync-config.entity';
import { SyncRunEntity } from '../sync-run.entity';
import { SyncDirection, SyncRunStatus } from '../sync.enums';
import { runBidirectional } from './bidirectional-sync';
import { runInbound } from './inbound-sync';
import { runOutbound } from './outbound-sync';
import type { RunDirection } from './run-context';
import { onePageBinding, type EventPage } from './event-page';
import type PgBoss from 'pg-boss';
import { RunNotOwnedError, SyncRunRecorder } from './sync-run.recorder';
import { enqueueSyncRun, retriesLater, retryDelaySeconds, SYNC_RUN_RETRY } from './sync-run.job';
import type { EventRecorder } from '../../events/event-recorder';
import { runCounts } from '../sql/run-counts';
import { saveConfigCheckpoint } from '../sql/save-config-checkpoint';

/** A completed run that leaves its config's checkpoint as it is (an event's run). */
const KEEP_CHECKPOINT = Symbol('keep checkpoint');

/** Something that looks at a run after its end committed (it reads the row itself; it must not throw). */
export interface RunEndObserver {
  afterRun(runId: string): Promise<void>;
}

/**
 * Runs one sync run to its end: RUNNING, the direction's page loop, then COMPLETED (committing
 * the config's checkpoint and an integration.sync.completed event) or FAILED (with the error and
 * integration.sync.failed). A run already COMPLETED, FAILED or CANCELLED is left alone, so a
 * redelivered job is harmless.
 */
export class SyncRunExecutor {
  private readonly recorder: SyncRunRecorder;

  constructor(
    private readonly db: DataSource,
    private readonly runtime: ConnectorRuntime,
    private readonly store: CrmStore,
    private readonly log: Logger,
    private readonly boss: PgBoss,
    private readonly events: EventRecorder,
    private readonly retryBaseSeconds: number = SYNC_RUN_RETRY.defaultBaseSeconds,
    /** Told about each run once its end has committed (metrics, anomaly alerts); they never throw. */
    private readonly observers: RunEndObserver[] = [],
  ) {
    this.recorder = new SyncRunRecorder(db, events);
  }

  /** `event`: the run applies one provider event (event-apply.ts), reading that page instead of the provider. */
  async execute(runId: string, jobId: string, event?: EventPage): Promise<void> {
    const run = await this.db.getRepository(SyncRunEntity).findOne({ where: { id: runId } });
    if (!run || ![SyncRunStatus.QUEUED, SyncRunStatus.RUNNING].includes(run.status as SyncRunStatus)) return;
    if (run.jobId && run.jobId !== jobId) return; // recovery gave the run to another job
    const config = await this.db.getRepository(SyncConfigEntity).findOne({ where: { id: run.syncConfigId } });
    if (!config) return;
    const startedAt = run.startedAt ?? new Date();
    await this.recorder.status(run, {
      status: SyncRunStatus.RUNNING,
      startedAt,
      heartbeatAt: new Date(),
      attempts: run.attempts + 1,
      sinceCheckpoint: run.startedAt ? run.sinceCheckpoint : (config.cursor ?? null),
    } as Partial<SyncRunEntity>);
    const current = (await this.db.getRepository(SyncRunEntity).findOneOrFail({ where: { id: runId } })) as SyncRunEntity;
    try {
      const runDirection: RunDirection =
        config.direction === SyncDirection.OUTBOUND ? runOutbound : config.direction === SyncDirection.BIDIRECTIONAL ? runBidirectional : runInbound;
      const connection = await this.db.getRepository(ConnectionEntity).findOneOrFail({ where: { id: config.connectionId } });
      const mapping = config.fieldMappingId ? await this.db.getRepository(FieldMappingEntity).findOne({ where: { id: config.fieldMappingId } }) : null;
      const bound = await this.runtime.bind(connection);
      const binding = event ? onePageBinding(bound, event) : bound;
      const scope = linkScopeOf(connection);
      // Connections to the account that learned it after writing links hand them to the account.
      if (connection.providerAccountId) await adoptLearnedAccountLinks(this.db, scope);
      const result = await runDirection({
        db: this.db,
        store: this.store,
        recorder: this.recorder,
        binding,
        config,
        scope,
        run: current,
        rules: mapping?.rules ?? null,
        jobId,
        single: !!event,
      });
      // An event's run leaves the config's checkpoint alone: the config's runs read the provider's change feed.
      if (event) result.nextCheckpoint = KEEP_CHECKPOINT;
      // Cancelled or reassigned (also between the last page and here): leave the row alone.
      if (result.cancelled || !(await this.recorder.stillOwned(runId, jobId))) return;
      await this.fillReferences(current, scope);
      await this.finish(current, config, SyncRunStatus.COMPLETED, startedAt, null, result.nextCheckpoint);
    } catch (error) {
      if (error instanceof RunNotOwnedError) return; // cancelled or reassigned mid-page: stop quietly
      const message = (error as Error).message;
      if (retriesLater(error, current.attempts) && (await this.retryLater(current, config, message))) return;
      this.log.warn({ runId, err: message }, 'sync run failed');
      await this.recorder.log(current, 'error', message, { code: (error as { code?: string }).code });
      await this.finish(current, config, SyncRunStatus.FAILED, startedAt, message, undefined);
    }
  }

  /**
   * Any run may have linked what references of the provider account wait for (a customers sync
   * linking the customer of an invoice synced before it, an outbound create): they are filled in
   * now, and a fill-in a crash interrupted is made here by the next run.
   */
  private async fillReferences(run: SyncRunEntity, scope: LinkScope): Promise<void> {
    if (!(await hasPendingReferences(this.db, scope))) return;
    const filled = await fillPendingReferences(this.db, this.store, scope);
    if (filled) await this.recorder.log(run, 'info', `${filled} references waiting for their target filled in`, { code: 'REFERENCES_FILLED' });
  }

  /**
   * A transient failure (the provider's 5xx or 429, a network error) puts the run back in the
   * queue with exponential backoff; it resumes from its last committed page.
   */
  private async retryLater(run: SyncRunEntity, config: SyncConfigEntity, message: string): Promise<boolean> {
    const delaySeconds = retryDelaySeconds(run.attempts, this.retryBaseSeconds);
    const jobId = await enqueueSyncRun(this.boss, { runId: run.id, syncConfigId: config.id }, { startAfterSeconds: delaySeconds });
    if (!jobId) return false; // another job of this config is queued already: give up this run
    await this.recorder.log(run, 'warn', `Attempt ${run.attempts} failed (${message}); retrying in ${delaySeconds} s`, { code: 'RETRY' });
    await this.recorder.status(run, { status: SyncRunStatus.QUEUED, jobId, errorDetails: message, heartbeatAt: null } as Partial<SyncRunEntity>);
    return true;
  }

  private async finish(
    run: SyncRunEntity,
    config: SyncConfigEntity,
    status: SyncRunStatus,
    startedAt: Date,
    errorDetails: string | null,
    checkpoint: unknown,
  ): Promise<void> {
    const completedAt = new Date();
    await this.db.transaction(async (manager) => {
      await this.recorder.status(
        run,
        { status, completedAt, durationMs: completedAt.getTime() - startedAt.getTime(), errorDetails, heartbeatAt: null } as Partial<SyncRunEntity>,
        manager,
      );
      if (status === SyncRunStatus.COMPLETED && checkpoint !== KEEP_CHECKPOINT) {
        await saveConfigCheckpoint(manager, config.id, checkpoint, completedAt);
      }
      const counts = await runCounts(manager, run.id);
      // The outbox: the event and its webhook deliveries commit with the run's end.
      const type = status === SyncRunStatus.COMPLETED ? 'integration.sync.completed' : 'integration.sync.failed';
      await this.events.record(
        run.organizationId,
        {
          type,
          source: 'hotcrm',
          objectType: 'sync_run',
          recordId: run.id,
          data: { syncRunId: run.id, syncConfigId: config.id, status, errorDetails, ...counts },
          idempotencyKey: `sync_run:${run.id}:${status}`,
        },
        manager,
      );
    });
    for (const observer of this.observers) await observer.afterRun(run.id);
  }
}
