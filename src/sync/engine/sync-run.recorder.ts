import { DataSource, EntityManager } from 'typeorm';
import { InternalError } from '../../errors';
import type { EventRecorder } from '../../events/event-recorder';
import { PgPubSub } from '../../realtime/pg-pubsub';
import { clearRunHeartbeat } from '../sql/clear-run-heartbeat';
import { commitInboundPage, InboundPage } from '../sql/inbound-page-commit';
import { insertSyncLog } from '../sql/insert-sync-log';
import { insertSyncRun, NewSyncRun } from '../sql/insert-sync-run';
import { reassignRunJob } from '../sql/reassign-run-job';
import { recordRunPage } from '../sql/record-run-page';
import { runOwnership } from '../sql/run-ownership';
import { markLinksDeleted } from '../sql/mark-links-deleted';
import { sweepUnseenLinks } from '../sql/sweep-unseen-links';
import { updateSyncRun } from '../sql/update-sync-run';
import type { LinkScope } from '../link-scope';
import type { SyncConfigEntity } from '../sync-config.entity';
import { SyncRunEntity } from '../sync-run.entity';
import { SyncRunStatus } from '../sync.enums';
import { recordEvents, SyncWrittenRecord } from './record-events';

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
  /** Records linked to an existing CRM record by matchOn; none when absent. */
  matched?: number;
  pageCursor: string | null;
  nextCheckpoint: unknown;
}

/** What an inbound page commits besides its progress (the links, seen ids and CRM records), and its record events. */
export type InboundPageWrites = Pick<InboundPage, 'externalObject' | 'links' | 'seen' | 'records'> & {
  /**
   * Records a store elsewhere (the gateway) was given before the commit: their events commit
   * with the page. Those the page's `records` write are told by the statement itself.
   */
  written?: SyncWrittenRecord[];
  /** The version (content hash) of each record `records` writes, by CRM id: part of its event's idempotency key. */
  versions?: Map<string, string>;
};

/**
 * The run's row as the single record of its progress, and sync_run's one writer: every insert,
 * update and delete of a run goes through here (the SQL in src/sync/sql/ says which functions
 * write it). Every change is one transaction that also NOTIFYs, so syncRunUpdated streams each
 * page from whichever worker runs it.
 */
export class SyncRunRecorder {
  /** `events`: where the records a sync writes are recorded as events; without it (runs that write no record) none are. */
  constructor(
    private readonly db: DataSource,
    private readonly events?: EventRecorder,
  ) {}

  /** A new QUEUED run, in the caller's transaction (its job is sent in the same one). */
  async create(manager: EntityManager, run: NewSyncRun): Promise<SyncRunEntity> {
    return insertSyncRun(manager, run);
  }

  /** The new run's job is on the queue: the row says which, and subscribers hear of the run. */
  async queued(manager: EntityManager, run: SyncRunEntity, jobId: string | null): Promise<void> {
    await updateSyncRun(manager, run.id, { jobId });
    await PgPubSub.notify(manager, { topic: 'sync_run', organizationId: run.organizationId, id: run.id, parentId: run.syncConfigId });
  }

  async status(run: SyncRunEntity, changes: Partial<SyncRunEntity>, manager?: EntityManager): Promise<void> {
    const write = async (m: EntityManager) => {
      await updateSyncRun(m, run.id, changes);
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
    const owned = await recordRunPage(manager, run.id, run.jobId, { ...progress, conflicts: progress.conflicts ?? 0, matched: progress.matched ?? 0 });
    if (!owned) throw new RunNotOwnedError(run.id);
    await PgPubSub.notify(manager, { topic: 'sync_run', organizationId: run.organizationId, id: run.id, parentId: run.syncConfigId });
  }

  /**
   * An inbound page: its records (built-in store), links, seen ids, counters, resume point and
   * NOTIFY in one statement (src/sync/sql/inbound-page-commit.ts), refused (RunNotOwnedError)
   * once the run was cancelled or reassigned. A page that writes records commits their events
   * (`<object>.created` / `.updated`, record-events.ts) in the same transaction, through the
   * outbox: a rolled back or refused page announces nothing, and a committed one loses none.
   * A page writing no record stays one statement in its own commit.
   */
  async inboundPage(run: SyncRunEntity, config: SyncConfigEntity, scope: LinkScope, writes: InboundPageWrites, progress: PageProgress): Promise<void> {
    const { written: elsewhere = [], versions, ...rest } = writes;
    const page: InboundPage = {
      ...rest,
      scope,
      connectionId: config.connectionId,
      syncConfigId: config.id,
      internalObject: config.targetObject,
      runId: run.id,
      jobId: run.jobId,
      counts: { processed: progress.processed, created: progress.created, updated: progress.updated, failed: progress.failed, matched: progress.matched ?? 0 },
      pageCursor: progress.pageCursor,
      nextCheckpoint: progress.nextCheckpoint,
    };
    const events = this.events;
    if (!events || (!page.records?.rows.length && !elsewhere.length)) {
      if (!(await commitInboundPage(this.db, page)).owned) throw new RunNotOwnedError(run.id);
      return;
    }
    await this.db.transaction(async (manager) => {
      const committed = await commitInboundPage({ in: manager }, page);
      if (!committed.owned) throw new RunNotOwnedError(run.id);
      const here = committed.written.map((w) => ({ ...w, version: versions?.get(w.id) ?? '' }));
      const origin = { syncConfigId: config.id, syncRunId: run.id, connectionId: config.connectionId };
      await events.recordMany(run.organizationId, recordEvents(config.targetObject, origin, [...elsewhere, ...here]), manager);
    });
  }

  /**
   * Events of CRM records the run wrote outside an inbound page's statement (bidirectional runs),
   * in `manager`'s transaction: the one that saves the records' links, so a crash before it
   * leaves the records unlinked, written again and announced by the run that resumes.
   */
  async recordWrites(manager: EntityManager, run: SyncRunEntity, config: SyncConfigEntity, written: SyncWrittenRecord[]): Promise<void> {
    if (!this.events || !written.length) return;
    const origin = { syncConfigId: config.id, syncRunId: run.id, connectionId: config.connectionId };
    await this.events.recordMany(run.organizationId, recordEvents(config.targetObject, origin, written), manager);
  }

  /**
   * After the last page of a complete read has committed: links of this object (on this
   * connection, to this CRM object) that no page of the run saw become DELETED, and the run counts
   * them in recordsDeleted. Only links older than the run's start: one created meanwhile (by an
   * outbound sync, say) may be behind the read's position. HotCRM's record is kept: it is
   * HotCRM's own (opportunities, notes and other syncs may hang on it), and a read can miss a
   * record without it being gone (offset paging while records are deleted); a record seen again
   * later is linked again (SYNCED). The run's seen ids are cleared in the same statement.
   *
   * `manager` must be a transaction's. Runs only while this worker owns the run (RUNNING, same
   * job); otherwise RunNotOwnedError, and nothing is marked: a cancelled, failed or reassigned run
   * never sweeps. Returns how many links were marked.
   */
  /** An incremental read's deletions: their links become DELETED and count in records_deleted. */
  async markDeleted(
    run: SyncRunEntity,
    config: SyncConfigEntity,
    links: LinkScope,
    externalObject: string,
    externalIds: string[],
    versions?: Record<string, number>,
  ): Promise<number> {
    const scope = {
      links,
      runId: run.id,
      jobId: run.jobId,
      externalObject,
      internalObject: config.targetObject,
    };
    const marked = await markLinksDeleted(this.db, scope, externalIds, versions ? externalIds.map((id) => versions[id] ?? null) : []);
    if (!marked.owned) throw new RunNotOwnedError(run.id);
    return marked.deleted;
  }

  async sweepUnseen(manager: EntityManager, run: SyncRunEntity, config: SyncConfigEntity, links: LinkScope, externalObject: string): Promise<number> {
    const swept = await sweepUnseenLinks(manager, {
      runId: run.id,
      jobId: run.jobId,
      links,
      externalObject,
      internalObject: config.targetObject,
      startedAt: run.startedAt ?? new Date(),
    });
    if (!swept?.owned) throw new RunNotOwnedError(run.id);
    return swept.deleted;
  }

  /** Orphan recovery gave a RUNNING run a new job: the heartbeat restarts its grace period. */
  async reassignJob(runId: string, jobId: string): Promise<void> {
    await reassignRunJob(this.db, runId, jobId);
  }

  /** A cancelled run whose worker died had its job cancelled: it is not looked at again. */
  async forgetAbandonedJob(runId: string): Promise<void> {
    await clearRunHeartbeat(this.db, runId);
  }

  async log(
    run: SyncRunEntity,
    level: 'info' | 'warn' | 'error',
    message: string,
    extra: { code?: string; externalId?: string } = {},
    manager?: EntityManager,
  ): Promise<void> {
    await insertSyncLog(manager ?? this.db.manager, {
      organizationId: run.organizationId,
      syncRunId: run.id,
      level,
      message: message.slice(0, 2000),
      code: extra.code ?? null,
      externalId: extra.externalId ?? null,
    });
  }

  /**
   * False once the run was cancelled, or handed to another job by orphan recovery (this worker
   * was presumed dead): either way this worker stops at the next page boundary.
   */
  async stillOwned(runId: string, jobId: string): Promise<boolean> {
    const row = await runOwnership(this.db, runId);
    return !!row && row.status !== SyncRunStatus.CANCELLED && (row.job_id === null || row.job_id === jobId);
  }
}
