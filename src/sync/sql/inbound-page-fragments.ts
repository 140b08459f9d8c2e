import { CHANGES_CHANNEL } from '../../realtime/change-notice';
import type { SqlFragment } from './sql-fragment';

/**
 * The inbound page commit's parameters, in placeholder order ($1 is organizationId). `records`
 * comes last: it is sent only when the page writes CRM records in the statement.
 */
export const PAGE_PARAMS = [
  'organizationId',
  'connectionId',
  'syncConfigId',
  'provider',
  'internalObject',
  'externalObject',
  'links',
  'runId',
  'processed',
  'created',
  'updated',
  'failed',
  'pageCursor',
  'nextCheckpoint',
  'jobId',
  'seen',
  'matched',
  'accountKey',
  'records',
] as const;

export type PageParam = (typeof PAGE_PARAMS)[number];

/** What the page commit binds for its fragments. */
export interface PageBind {
  /** The placeholder of each parameter. */
  p: Record<PageParam, string>;
  /** The condition every write of the page waits on: the `owned` fragment found the run. */
  owned: string;
}

/**
 * `owned`: the run's row, locked, while it is RUNNING under this worker's job; empty once it was
 * cancelled or handed to another job, and then nothing of the page is written.
 */
export const ownedRun: SqlFragment<PageBind> = {
  name: 'owned',
  text: ({ p }) => `
       SELECT id FROM sync_run WHERE id = ${p.runId} AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM ${p.jobId} FOR UPDATE`,
};

/** `records` when the page writes no CRM record in the statement (a store elsewhere, or nothing changed). */
export const noCrmRecords: SqlFragment<PageBind> = {
  name: 'records',
  text: () => 'SELECT NULL::uuid AS id, false AS created, NULL::jsonb AS data, NULL::text[] AS changed WHERE false',
};

/**
 * `links`: the link of every changed record, keyed by (organization, provider, account, external
 * object, external id) as DESIGN.md says, and CRM object, written through this run's connection, SYNCED, with the mapped values, content hash and source hash the next run
 * compares with; source_version only moves forward (GREATEST skips NULL: a read without versions keeps the last one).
 */
export const linksUpsert: SqlFragment<PageBind> = {
  name: 'links',
  text: ({ p, owned }) => {
    const linkScope = [p.organizationId, p.connectionId, p.syncConfigId, p.provider, p.accountKey, p.internalObject].join(', ');
    return `
       INSERT INTO external_link (organization_id, connection_id, sync_config_id, provider, account_key, internal_object, internal_id,
                                  external_object, external_id, status, last_synced_data, content_hash, source_hash, source_version, last_synced_at)
       SELECT ${linkScope}, r.internal_id, ${p.externalObject}, r.external_id, 'SYNCED', r.data, r.hash, r.source, r.version, now()
         FROM jsonb_to_recordset(${p.links}::jsonb) AS r(internal_id text, external_id text, data jsonb, hash text, source text, version bigint)
        WHERE ${owned}
       ON CONFLICT (organization_id, provider, account_key, external_object, external_id, internal_object) DO UPDATE
          SET internal_id = EXCLUDED.internal_id, connection_id = EXCLUDED.connection_id, sync_config_id = EXCLUDED.sync_config_id,
              status = 'SYNCED',
              last_synced_data = EXCLUDED.last_synced_data, content_hash = EXCLUDED.content_hash,
              source_hash = EXCLUDED.source_hash, last_synced_at = now(), updated_at = now(),
              source_version = GREATEST(external_link.source_version, EXCLUDED.source_version)
        WHERE EXCLUDED.source_version IS NULL OR external_link.source_version IS NULL OR EXCLUDED.source_version >= external_link.source_version`;
  },
};

/**
 * For the `records` fragment of a page that carries versions: true when no link of the row's CRM
 * record (`x.id`, the record write's row) holds a newer version than the page's state. The page's
 * records were checked when it was read; this repeats the check as it writes, so an event applied
 * in between (the same record, newer) is not overwritten by the page's older state. The links
 * fragment's ON CONFLICT guard does the same for the links.
 */
export const noNewerLink = ({ p }: PageBind): string => `NOT EXISTS (
         SELECT 1 FROM jsonb_to_recordset(${p.links}::jsonb) AS v(internal_id text, version bigint)
           JOIN external_link l ON l.organization_id = ${p.organizationId} AND l.internal_object = ${p.internalObject} AND l.internal_id = v.internal_id
                               AND l.provider = ${p.provider} AND l.account_key = ${p.accountKey} AND l.external_object = ${p.externalObject}
          WHERE v.internal_id = x.id::text AND v.version IS NOT NULL AND l.source_version > v.version)`;

/** `seen`: the ids the page saw, for the deletion sweep after a complete read (null: not one). */
export const seenIds: SqlFragment<PageBind> = {
  name: 'seen',
  text: ({ p, owned }) => `
       INSERT INTO sync_run_seen (organization_id, sync_run_id, external_ids)
       SELECT ${p.organizationId}, ${p.runId}, ${p.seen}::text[] WHERE ${p.seen}::text[] IS NOT NULL AND ${owned}`,
};

/**
 * `run`: the page added to the run's counters (records the `records` fragment wrote count as
 * created or updated; `matched` of the merged ones were linked by matchOn, and count as matched
 * instead), its resume point and heartbeat; RETURNING what the notice names.
 */
export const runCounters: SqlFragment<PageBind> = {
  name: 'run',
  text: ({ p }) => `
       UPDATE sync_run SET records_processed = records_processed + ${p.processed},
              records_created = records_created + ${p.created} + (SELECT count(*) FROM records WHERE created),
              records_updated = records_updated + ${p.updated} + (SELECT count(*) FROM records WHERE NOT created) - ${p.matched},
              records_matched = records_matched + ${p.matched},
              records_failed = records_failed + ${p.failed},
              page_cursor = ${p.pageCursor}, next_checkpoint = ${p.nextCheckpoint}::jsonb, heartbeat_at = now(), updated_at = now()
        WHERE id = (SELECT id FROM owned)
        RETURNING id, organization_id, sync_config_id`,
};

/**
 * The statement's result: the NOTIFY of the run's change (syncRunUpdated), one row when the page
 * was written and none when the run was no longer owned; `written`, the CRM records the `records`
 * fragment created or actually changed (null when none), which the page's record events are.
 */
export const RUN_CHANGE_NOTICE =
  `SELECT pg_notify('${CHANGES_CHANNEL}', ` +
  `json_build_object('topic', 'sync_run', 'organizationId', organization_id, 'id', id, 'parentId', sync_config_id)::text),
              (SELECT json_agg(json_build_object('id', w.id, 'created', w.created, 'data', w.data, 'changed', w.changed))
                 FROM records w WHERE w.created OR cardinality(w.changed) > 0) AS written
       FROM run`;
