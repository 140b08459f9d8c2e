import type { ConnectorRecord } from '../../connectors/connector.handler';
import { DataSource } from 'typeorm';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';
import { crmFieldNames } from '../crm/crm-objects';
import { applyMapping } from '../mapping/apply-mapping';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { SyncRunEntity } from '../sync-run.entity';
import { contentHash, internalIdFor } from './record-identity';
import { PageProgress, RunNotOwnedError } from './sync-run.recorder';
import type { RunContext, RunResult } from './run-context';

export const PAGE_SIZE = 100;

interface PreparedRecord {
  externalId: string;
  internalId: string;
  data: Record<string, unknown>;
  hash: string;
}

/** Without a mapping, fields whose names the CRM object has are copied as they are. */
function sameNames(object: string): (record: ConnectorRecord) => Record<string, unknown> {
  const known = new Set(crmFieldNames(object).filter((name) => !['id', 'created_date', 'last_modified_date'].includes(name)));
  return (record) => Object.fromEntries(Object.entries(record).filter(([key]) => known.has(key)));
}

/**
 * External to HotCRM, page by page from where the run stands: map each record, skip those whose
 * mapped content is unchanged since the last sync, upsert the rest into the CRM store (ids derived
 * from the external id, so a resumed page writes the same records), then commit the page's links,
 * counters and resume cursor in one transaction. A worker killed anywhere resumes at the last
 * committed page and rewrites at most that page, idempotently.
 */
export async function runInbound(context: RunContext): Promise<RunResult> {
  const { db, store, recorder, binding, config, run, rules, jobId } = context;
  const { handler, call, definition } = binding;
  const object = definition.objects.find((o) => o.name === config.sourceObject);
  if (!object) throw new Error(`${definition.key} has no object ${config.sourceObject}`);
  const map = rules ? (record: ConnectorRecord) => applyMapping(rules, record) : sameNames(config.targetObject);
  const since = run.mode === 'INCREMENTAL' && object.supportsIncremental ? run.sinceCheckpoint ?? undefined : undefined;
  let cursor = run.pageCursor;
  let checkpoint: unknown = run.nextCheckpoint ?? since ?? null;

  const fetch = (from: string | null, reached: unknown) => handler.list(call, object.name, { cursor: from, pageSize: PAGE_SIZE, since, checkpoint: reached });

  /**
   * Stage one of a page: read it, map it, drop unchanged records, write the rest to the CRM
   * store. It runs for page N+1 while page N commits, so the provider, this process and Postgres
   * work at the same time; commits stay in page order, and a stage-one write ahead of its commit
   * is rewritten identically if the run resumes.
   */
  const prepare = async (from: string | null, reached: unknown) => {
    const page = await fetch(from, reached);
    const checkpointAfter = page.checkpoint !== undefined ? page.checkpoint : reached;
    const prepared: PreparedRecord[] = [];
    let failed = 0;
    for (const record of page.records) {
      const externalId = record.id === undefined || record.id === null ? null : String(record.id);
      if (!externalId) {
        failed++;
        continue;
      }
      try {
        const data = map(record);
        prepared.push({ externalId, internalId: internalIdFor(config.connectionId, object.name, externalId), data, hash: contentHash(data) });
      } catch (error) {
        failed++;
        await recorder.log(run, 'warn', `Record could not be mapped: ${(error as Error).message}`, { code: 'MAPPING_FAILED', externalId });
      }
    }
    const known = await knownHashes(db, config, object.name, prepared.map((p) => p.externalId));
    const changed = prepared.filter((p) => known.get(p.externalId) !== p.hash);
    const written = changed.length
      ? await store.upsert(config.organizationId, config.targetObject, changed.map((p) => ({ id: p.internalId, data: p.data })))
      : [];
    const created = written.filter((w: { created: boolean }) => w.created).length;
    return { page, changed, checkpoint: checkpointAfter, progress: { processed: page.records.length, created, updated: written.length - created, failed } };
  };

  if (!(await recorder.stillOwned(run.id, jobId))) return { cancelled: true, nextCheckpoint: checkpoint };
  let next: Promise<Awaited<ReturnType<typeof prepare>>> | null = prepare(cursor, checkpoint);
  while (next) {
    const current: Awaited<ReturnType<typeof prepare>> = await next;
    checkpoint = current.checkpoint;
    next = current.page.nextCursor ? prepare(current.page.nextCursor, checkpoint) : null;
    next?.catch(() => undefined); // surfaced when awaited, after this page has committed
    // Links, counters, resume point and NOTIFY in one statement, refused (RunNotOwnedError)
    // once the run was cancelled or reassigned.
    await commitPage(db, run, definition.key, config, object.name, current.changed, { ...current.progress, pageCursor: current.page.nextCursor, nextCheckpoint: checkpoint });
  }
  return { cancelled: false, nextCheckpoint: checkpoint };
}

async function knownHashes(db: DataSource, config: SyncConfigEntity, externalObject: string, externalIds: string[]): Promise<Map<string, string | null>> {
  if (!externalIds.length) return new Map();
  const rows: { external_id: string; content_hash: string | null }[] = await db.query(
    'SELECT external_id, content_hash FROM external_link WHERE connection_id = $1 AND external_object = $2 AND external_id = ANY($3::text[])',
    [config.connectionId, externalObject, externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, row.content_hash]));
}

/**
 * One statement per page: the links of every changed record (keyed as DESIGN.md says), the
 * run's counters and resume point, and the NOTIFY, written only while the run is still RUNNING
 * under this worker's job. A round trip and a commit per page instead of five.
 */
async function commitPage(
  db: DataSource,
  run: SyncRunEntity,
  provider: string,
  config: SyncConfigEntity,
  externalObject: string,
  records: PreparedRecord[],
  progress: PageProgress,
): Promise<void> {
  const rows: unknown[] = await db.query(
    `WITH run AS (
       UPDATE sync_run SET records_processed = records_processed + $9, records_created = records_created + $10,
              records_updated = records_updated + $11, records_failed = records_failed + $12,
              page_cursor = $13, next_checkpoint = $14::jsonb, heartbeat_at = now(), updated_at = now()
        WHERE id = $8 AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM $15
        RETURNING id, organization_id, sync_config_id
     ), links AS (
       INSERT INTO external_link (organization_id, connection_id, sync_config_id, provider, internal_object, internal_id,
                                  external_object, external_id, status, last_synced_data, content_hash, last_synced_at)
       SELECT $1, $2, $3, $4, $5, r.internal_id, $6, r.external_id, 'SYNCED', r.data, r.hash, now()
         FROM jsonb_to_recordset($7::jsonb) AS r(internal_id text, external_id text, data jsonb, hash text)
        WHERE EXISTS (SELECT 1 FROM run)
       ON CONFLICT (connection_id, external_object, external_id) DO UPDATE
          SET internal_id = EXCLUDED.internal_id, sync_config_id = EXCLUDED.sync_config_id, status = 'SYNCED',
              last_synced_data = EXCLUDED.last_synced_data, content_hash = EXCLUDED.content_hash,
              last_synced_at = now(), updated_at = now()
       RETURNING 1
     )
     SELECT pg_notify('${CHANGES_CHANNEL}', json_build_object('topic', 'sync_run', 'organizationId', organization_id, 'id', id, 'parentId', sync_config_id)::text),
            (SELECT count(*) FROM links) AS links
       FROM run`,
    [
      config.organizationId,
      config.connectionId,
      config.id,
      provider,
      config.targetObject,
      externalObject,
      JSON.stringify(records.map((r) => ({ internal_id: r.internalId, external_id: r.externalId, data: r.data, hash: r.hash }))),
      run.id,
      progress.processed,
      progress.created,
      progress.updated,
      progress.failed,
      progress.pageCursor,
      JSON.stringify(progress.nextCheckpoint ?? null),
      run.jobId,
    ],
  );
  if (!rows.length) throw new RunNotOwnedError(run.id);
}
