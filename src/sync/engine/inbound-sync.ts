import type { ConnectorRecord } from '../../connectors/connector.handler';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../db/sql/prepared-query';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';
import { crmFieldNames } from '../crm/crm-objects';
import type { SameDatabaseWrites } from '../crm/crm-store.port';
import { applyMapping } from '../mapping/apply-mapping';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { SyncRunEntity } from '../sync-run.entity';
import { detectsDeletions, sweepUnseen } from './deletion-sweep';
import { LINK_BY_ID } from './link-store';
import { linkPlanFor } from './link-plan';
import { attachToInvoices, Candidate, own, PreparedRecord, reportUnlinked } from './payment-parents';
import { externalIdReader, sourceHasher } from './record-identity';
import { sourceObjectOf } from './sync-plan';
import { PageProgress, RunNotOwnedError } from './sync-run.recorder';
import type { RunContext, RunResult } from './run-context';

export const PAGE_SIZE = 100;

/**
 * Part of every source hash: bump it when a transform's output changes (a fix to PHONE_E164, say),
 * so records already synced are mapped again instead of being skipped as unchanged.
 */
const MAPPING_ENGINE_VERSION = 1;

/** Without a mapping, fields whose names the CRM object has are copied as they are. */
function sameNames(object: string): (record: ConnectorRecord) => Record<string, unknown> {
  const known = new Set(crmFieldNames(object).filter((name) => !['id', 'created_date', 'last_modified_date'].includes(name)));
  return (record) => Object.fromEntries(Object.entries(record).filter(([key]) => known.has(key)));
}

/**
 * External to HotCRM, page by page from where the run stands: skip records whose raw form (and
 * the mapping) are as last synced, map the rest, skip those whose mapped content is unchanged,
 * upsert the rest into the CRM store (ids derived
 * from the external id, so a resumed page writes the same records), then commit the page's links,
 * counters and resume cursor in one transaction. A worker killed anywhere resumes at the last
 * committed page and rewrites at most that page, idempotently.
 *
 * A config with a link plan (payments to invoices, person records to contacts: link-plan.ts)
 * records links only. A read of the whole object also commits the ids each page saw, and after
 * its last page marks the links nobody saw DELETED (deletion-sweep.ts).
 */
export async function runInbound(context: RunContext): Promise<RunResult> {
  const { db, store, recorder, binding, config, run, rules, jobId } = context;
  const { handler, call, definition } = binding;
  const object = sourceObjectOf(binding, config);
  const plan = linkPlanFor(definition.key, object.name, config.targetObject);
  const map = rules ? (record: ConnectorRecord) => applyMapping(rules, record) : plan ? plan.defaultView : sameNames(config.targetObject);
  const idOf = externalIdReader(object);
  const sourceHash = plan ? null : sourceHasher({ engine: MAPPING_ENGINE_VERSION, rules: rules ?? `same names as ${config.targetObject}` });
  const since = run.mode === 'INCREMENTAL' && object.supportsIncremental ? (run.sinceCheckpoint ?? undefined) : undefined;
  const complete = detectsDeletions(definition.key, object.name, since);
  // The built-in store's records are written by the page's commit statement itself.
  const inline = plan ? undefined : store.sameDatabase;
  // An initial load (no link to this object yet) has no record to compare with: its pages skip the
  // link lookups. A record listed twice during the run is then written twice, idempotently.
  const initialLoad = !plan && !(await hasLinks(db, config, object.name));
  const cursor = run.pageCursor;
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
    const candidates: Candidate[] = [];
    const seen: string[] = [];
    let failed = 0;
    const read: { record: ConnectorRecord; externalId: string; source: string | null }[] = [];
    for (const record of page.records) {
      const externalId = idOf(record);
      if (externalId) read.push({ record, externalId, source: sourceHash ? sourceHash(record) : null });
      else failed++;
    }
    // Ordinary records whose raw form and mapping are as last synced are done before mapping
    // (the bulk of an unchanged re-sync); link plans resolve their links after mapping.
    const knownRaw =
      plan || initialLoad
        ? new Map<string, KnownLink>()
        : await knownLinks(
            db,
            config,
            object.name,
            read.map((r) => r.externalId),
          );
    for (const { record, externalId, source } of read) {
      const apps = plan ? plan.applications(record, externalId) : [{ externalId, parentExternalId: null }];
      for (const app of apps) seen.push(app.externalId);
      const link = knownRaw.get(externalId);
      if (!apps.length || (link && source !== null && link.source === source && link.status !== 'DELETED')) continue;
      try {
        const data = map(record);
        if (plan?.kind === 'profile' && !data.email) continue; // nothing to match a contact by
        for (const app of apps) candidates.push({ app, data: app.overrides ? { ...data, ...app.overrides } : data, source });
      } catch (error) {
        failed++;
        await recorder.log(run, 'warn', `Record could not be mapped: ${(error as Error).message}`, { code: 'MAPPING_FAILED', externalId });
      }
    }
    const { prepared, unlinked } =
      plan?.kind === 'payment'
        ? await attachToInvoices(db, config, plan, candidates)
        : { prepared: candidates.map((c) => own(config.connectionId, object.name, c)), unlinked: [] };
    if (unlinked.length) {
      failed += unlinked.length;
      await reportUnlinked(recorder, run, plan!, unlinked);
    }
    const known = plan
      ? await knownLinks(
          db,
          config,
          object.name,
          prepared.map((p) => p.externalId),
        )
      : knownRaw;
    // A link marked DELETED whose record is back is rewritten, and so SYNCED again. A record
    // whose raw form changed but maps to the same values only has its link's source hash updated.
    const changed = prepared.filter((p) => known.get(p.externalId)?.hash !== p.hash || known.get(p.externalId)?.status === 'DELETED');
    const isChanged = new Set(changed);
    const refreshed = prepared.filter((p) => !isChanged.has(p) && p.source !== null && known.get(p.externalId)?.source !== p.source);
    let created = 0;
    let updated = 0;
    let records: CrmRow[] | null = null;
    if (plan) {
      created = changed.filter((p) => !known.has(p.externalId)).length;
      updated = changed.length - created;
    } else if (inline) {
      // Counted as created or updated by the commit statement that writes them.
      if (changed.length)
        records = inline.rows(
          config.organizationId,
          config.targetObject,
          changed.map((p) => ({ id: p.internalId, data: p.data })),
        );
    } else if (changed.length) {
      const written = await store.upsert(
        config.organizationId,
        config.targetObject,
        changed.map((p) => ({ id: p.internalId, data: p.data })),
      );
      created = written.filter((w: { created: boolean }) => w.created).length;
      updated = written.length - created;
    }
    const links = refreshed.length ? [...changed, ...refreshed] : changed;
    return {
      page,
      links,
      records,
      seen: complete ? seen : null,
      checkpoint: checkpointAfter,
      progress: { processed: page.records.length, created, updated, failed },
    };
  };

  if (!(await recorder.stillOwned(run.id, jobId))) return { cancelled: true, nextCheckpoint: checkpoint };
  let next: Promise<Awaited<ReturnType<typeof prepare>>> | null = prepare(cursor, checkpoint);
  while (next) {
    const current: Awaited<ReturnType<typeof prepare>> = await next;
    checkpoint = current.checkpoint;
    next = current.page.nextCursor ? prepare(current.page.nextCursor, checkpoint) : null;
    next?.catch(() => undefined); // surfaced when awaited, after this page has committed
    // Records (built-in store), links, seen ids, counters, resume point and NOTIFY in one
    // statement, refused (RunNotOwnedError) once the run was cancelled or reassigned.
    await commitPage(db, run, definition.key, config, object.name, current.records && { rows: current.records, store: inline! }, current.links, current.seen, {
      ...current.progress,
      pageCursor: current.page.nextCursor,
      nextCheckpoint: checkpoint,
    });
  }
  if (complete) {
    const deleted = await db.transaction((manager) => sweepUnseen(manager, run, config, object.name));
    if (deleted) await recorder.log(run, 'info', `${deleted} ${object.name} no longer listed by ${definition.key}: links marked DELETED`, { code: 'DELETED' });
  }
  return { cancelled: false, nextCheckpoint: checkpoint };
}

/** A CRM record as a store in this database writes it in the page's commit statement. */
type CrmRow = { id: string; data: Record<string, unknown> };

interface KnownLink {
  hash: string | null;
  source: string | null;
  status: string;
}

async function hasLinks(db: DataSource, config: SyncConfigEntity, externalObject: string): Promise<boolean> {
  const [{ linked }] = await db.query('SELECT EXISTS (SELECT 1 FROM external_link WHERE connection_id = $1 AND external_object = $2) AS linked', [
    config.connectionId,
    externalObject,
  ]);
  return linked;
}

async function knownLinks(db: DataSource, config: SyncConfigEntity, externalObject: string, externalIds: string[]): Promise<Map<string, KnownLink>> {
  if (!externalIds.length) return new Map();
  const rows: { external_id: string; content_hash: string | null; source_hash: string | null; status: string }[] = await db.query(
    `SELECT l.external_id, l.content_hash, l.source_hash, l.status FROM unnest($3::text[]) AS page(external_id) ${LINK_BY_ID}`,
    [config.connectionId, externalObject, externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, { hash: row.content_hash, source: row.source_hash, status: row.status }]));
}

/**
 * One statement per page: the CRM records of changed records (stores in this database), the links
 * of every changed record (keyed as DESIGN.md says), the ids the page saw (full reads), the run's
 * counters and resume point, and the NOTIFY, written only while the run is still RUNNING under
 * this worker's job. A round trip and a commit per page instead of five, and a page's records and
 * links commit together.
 */
async function commitPage(
  db: DataSource,
  run: SyncRunEntity,
  provider: string,
  config: SyncConfigEntity,
  externalObject: string,
  records: { rows: CrmRow[]; store: SameDatabaseWrites } | null,
  links: PreparedRecord[],
  seen: string[] | null,
  progress: PageProgress,
): Promise<void> {
  const owned = 'EXISTS (SELECT 1 FROM owned)';
  const written = records
    ? records.store.upsertSql({ organization: '$1', object: '$5', rows: '$17', when: owned })
    : 'SELECT NULL::uuid AS id, false AS created WHERE false';
  const rows = await preparedQuery(
    db,
    `WITH owned AS (
       SELECT id FROM sync_run WHERE id = $8 AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM $15 FOR UPDATE
     ), records AS (${written}
     ), links AS (
       INSERT INTO external_link (organization_id, connection_id, sync_config_id, provider, internal_object, internal_id,
                                  external_object, external_id, status, last_synced_data, content_hash, source_hash, last_synced_at)
       SELECT $1, $2, $3, $4, $5, r.internal_id, $6, r.external_id, 'SYNCED', r.data, r.hash, r.source, now()
         FROM jsonb_to_recordset($7::jsonb) AS r(internal_id text, external_id text, data jsonb, hash text, source text)
        WHERE ${owned}
       ON CONFLICT (connection_id, external_object, external_id) DO UPDATE
          SET internal_id = EXCLUDED.internal_id, sync_config_id = EXCLUDED.sync_config_id, status = 'SYNCED',
              last_synced_data = EXCLUDED.last_synced_data, content_hash = EXCLUDED.content_hash,
              source_hash = EXCLUDED.source_hash, last_synced_at = now(), updated_at = now()
     ), seen AS (
       INSERT INTO sync_run_seen (organization_id, sync_run_id, external_ids)
       SELECT $1, $8, $16::text[] WHERE $16::text[] IS NOT NULL AND ${owned}
     ), run AS (
       UPDATE sync_run SET records_processed = records_processed + $9,
              records_created = records_created + $10 + (SELECT count(*) FROM records WHERE created),
              records_updated = records_updated + $11 + (SELECT count(*) FROM records WHERE NOT created),
              records_failed = records_failed + $12,
              page_cursor = $13, next_checkpoint = $14::jsonb, heartbeat_at = now(), updated_at = now()
        WHERE id = (SELECT id FROM owned)
        RETURNING id, organization_id, sync_config_id
     )
     SELECT pg_notify('${CHANGES_CHANNEL}', json_build_object('topic', 'sync_run', 'organizationId', organization_id, 'id', id, 'parentId', sync_config_id)::text)
       FROM run`,
    [
      config.organizationId,
      config.connectionId,
      config.id,
      provider,
      config.targetObject,
      externalObject,
      JSON.stringify(links.map((r) => ({ internal_id: r.internalId, external_id: r.externalId, data: r.data, hash: r.hash, source: r.source }))),
      run.id,
      progress.processed,
      progress.created,
      progress.updated,
      progress.failed,
      progress.pageCursor,
      JSON.stringify(progress.nextCheckpoint ?? null),
      run.jobId,
      seen,
      ...(records ? [JSON.stringify(records.rows)] : []),
    ],
  );
  if (!rows.length) throw new RunNotOwnedError(run.id);
}
