import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';

/** The links an incremental read's deletions concern: one run's links of one external object to one CRM object. */
export interface DeletionScope {
  links: LinkScope;
  runId: string;
  jobId: string | null;
  externalObject: string;
  internalObject: string;
}

/**
 * Marks DELETED the links of `externalIds` (ids the provider reported deleted since the run's
 * checkpoint) and adds them to the run's records_deleted, in one statement, only while the run is
 * RUNNING under its job. `owned` is 0 when it no longer is (nothing was written). An id with no
 * link (never synced, or deleted already) changes nothing. Only SyncRunRecorder calls this: the
 * statement writes sync_run.
 */
export async function markLinksDeleted(
  db: Queryable,
  scope: DeletionScope,
  externalIds: string[],
  /** The provider's version (epoch ms) of each deletion, where known: an older one than the link's changes nothing. */
  versions: (number | null)[] = [],
): Promise<{ owned: number; deleted: number }> {
  const rows: { owned: number; deleted: number }[] = await db.query(
    `WITH run AS (
       SELECT id FROM sync_run WHERE id = $1 AND organization_id = $2 AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM $3 FOR UPDATE
     ), gone AS (
       UPDATE external_link l SET status = 'DELETED', updated_at = now(), source_version = GREATEST(l.source_version, d.version)
         FROM unnest($7::text[], $9::bigint[]) AS d(external_id, version)
        WHERE l.organization_id = $2 AND l.provider = $8 AND l.account_key = $4 AND l.external_object = $5 AND l.internal_object = $6
          AND l.external_id = d.external_id AND l.status <> 'DELETED' AND EXISTS (SELECT 1 FROM run)
          AND (d.version IS NULL OR l.source_version IS NULL OR d.version >= l.source_version)
       RETURNING 1
     ), counted AS (
       UPDATE sync_run SET records_deleted = records_deleted + (SELECT count(*) FROM gone), updated_at = now()
        WHERE id IN (SELECT id FROM run) RETURNING 1
     )
     SELECT (SELECT count(*) FROM counted)::int AS owned, (SELECT count(*) FROM gone)::int AS deleted`,
    [
      scope.runId,
      scope.links.organizationId,
      scope.jobId,
      scope.links.accountKey,
      scope.externalObject,
      scope.internalObject,
      externalIds,
      scope.links.provider,
      externalIds.map((_, i) => versions[i] ?? null),
    ],
  );
  return rows[0];
}
