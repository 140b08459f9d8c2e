import type { DataSource, EntityManager } from 'typeorm';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { SyncRunEntity } from '../sync-run.entity';
import { RunNotOwnedError } from './sync-run.recorder';

type Queryable = Pick<DataSource | EntityManager, 'query'>;

/**
 * Objects whose read without a checkpoint still does not list every record: PayPal's Transaction
 * Search reaches back three years at most (or to config.startDate), so older payments would look
 * deleted.
 */
const WINDOWED_READS: Record<string, string[]> = { paypal: ['transactions', 'refunds'] };

/**
 * Whether a run reads the whole object, so that what it did not see is gone: a read without an
 * incremental checkpoint (a FULL run, or an object without incremental reads) of an object whose
 * list is not limited to a window.
 */
export function detectsDeletions(provider: string, externalObject: string, since: unknown): boolean {
  return since === undefined && !(WINDOWED_READS[provider]?.includes(externalObject) ?? false);
}

/** The ids one page read (bidirectional runs; the inbound page statement inserts them itself). */
export async function recordSeen(db: Queryable, run: SyncRunEntity, externalIds: string[]): Promise<void> {
  await db.query('INSERT INTO sync_run_seen (organization_id, sync_run_id, external_ids) VALUES ($1, $2, $3::text[])', [
    run.organizationId,
    run.id,
    externalIds,
  ]);
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
 * `manager` must be a transaction's (SET LOCAL lasts until its end). Runs only while this worker owns the run (RUNNING, same job); otherwise RunNotOwnedError, and
 * nothing is marked: a cancelled, failed or reassigned run never sweeps.
 */
export async function sweepUnseen(manager: EntityManager, run: SyncRunEntity, config: SyncConfigEntity, externalObject: string): Promise<number> {
  // Inside the caller's transaction. The links of a first sync are seldom analyzed yet by its end;
  // the planner then expects one row and picks a nested-loop anti-join, one pass over the seen
  // ids per link (measured: 157 s for 30,000). Without nested loops it hashes the seen ids and
  // reads the links once (~0.1 s per 100,000), whatever the statistics say.
  await manager.query('SET LOCAL enable_nestloop = off');
  const rows: { owned: number; deleted: number }[] = await manager.query(
    `WITH run AS (
       SELECT id FROM sync_run WHERE id = $1 AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM $2 FOR UPDATE
     ), gone AS (
       UPDATE external_link l SET status = 'DELETED', updated_at = now()
        WHERE l.connection_id = $3 AND l.external_object = $4 AND l.internal_object = $5
          AND l.status <> 'DELETED' AND l.created_at < $6 AND EXISTS (SELECT 1 FROM run)
          AND NOT EXISTS (
            SELECT 1 FROM sync_run_seen s CROSS JOIN LATERAL unnest(s.external_ids) AS u(external_id)
             WHERE s.sync_run_id = $1 AND u.external_id = l.external_id)
       RETURNING 1
     ), counted AS (
       UPDATE sync_run SET records_deleted = records_deleted + (SELECT count(*) FROM gone), updated_at = now()
        WHERE id IN (SELECT id FROM run) RETURNING 1
     ), cleared AS (
       DELETE FROM sync_run_seen WHERE sync_run_id = $1 AND EXISTS (SELECT 1 FROM run) RETURNING 1
     )
     SELECT (SELECT count(*) FROM counted)::int AS owned, (SELECT count(*) FROM gone)::int AS deleted`,
    [run.id, run.jobId, config.connectionId, externalObject, config.targetObject, run.startedAt ?? new Date()],
  );
  if (!rows[0]?.owned) throw new RunNotOwnedError(run.id);
  return rows[0].deleted;
}
