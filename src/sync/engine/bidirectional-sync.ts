import type { ConnectorRecord } from '../../connectors/connector.handler';
import type { CrmChangeCursor, CrmRecord } from '../crm/crm-store.port';
import type { SyncRunEntity } from '../sync-run.entity';
import { ConflictResolution } from '../sync.enums';
import { PAGE_SIZE } from './inbound-sync';
import { linksByExternalIds } from '../sql/links-by-external-ids';
import { linksByInternalIds } from '../sql/links-by-internal-ids';
import { saveLinks } from '../sql/save-links';
import { asPosition, crmChangePages, PageCounts, pushRecord, reportUnresolvedOut } from './outbound-sync';
import { ReconcileContext, reconcileRecord } from './reconcile-record';
import { detectsDeletions, recordSeen } from './deletion-sweep';
import { matchBeforeCreate, matchWrite, reportAmbiguous } from './match-before-create';
import { rememberUnresolved, reportUnresolved, resolveInbound } from './references';
import { isStale, reportStale } from './source-version';
import { contentHash, externalIdReader, internalIdFor } from './record-identity';
import { isRecordError, syncPlan, writableObject } from './sync-plan';
import type { SyncRunRecorder } from './sync-run.recorder';
import { externalModifiedAt } from './three-way-merge';
import type { RunContext, RunResult } from './run-context';

/** Both sides' checkpoints in sync_config.cursor: the connector's (inbound) and HotCRM's change position (outbound). */
export interface BidirectionalCheckpoint {
  inbound: unknown;
  outbound: CrmChangeCursor | null;
}

/** What sync_run.next_checkpoint holds during a run: the checkpoints so far and the phase, to resume. */
interface Progress extends BidirectionalCheckpoint {
  phase: 'inbound' | 'outbound';
}

/** Reads a stored cursor, including one left by the config's earlier direction (a bare inbound or outbound checkpoint). */
export function splitCheckpoint(value: unknown): BidirectionalCheckpoint {
  if (value && typeof value === 'object' && ('inbound' in value || 'outbound' in value)) {
    const v = value as Partial<BidirectionalCheckpoint>;
    return { inbound: v.inbound ?? null, outbound: asPosition(v.outbound) };
  }
  const position = asPosition(value);
  return position ? { inbound: null, outbound: position } : { inbound: value ?? null, outbound: null };
}

const zero = (): PageCounts => ({ created: 0, updated: 0, failed: 0, conflicts: 0 });

/**
 * Both directions in one run, so the three-way compare sees both sides at once:
 *   1. external pages (as inbound reads them): new records are created in HotCRM; records whose
 *      mapped content differs from the link's snapshot are merged with their CRM record;
 *   2. HotCRM's changes since the outbound checkpoint: new records are created externally;
 *      changed linked records are merged with the external record (read with handler.get).
 * Records merged in phase 1 are not merged again in phase 2 (their own writes show up there as
 * changes). Counters: created and updated add both sides' writes; conflicts count every field
 * changed on both sides, whether the strategy settled it or MANUAL held it open.
 */
export async function runBidirectional(context: RunContext): Promise<RunResult> {
  const { db, store, recorder, binding, config, scope, run, rules, jobId } = context;
  const object = writableObject(binding, config);
  const ctx: ReconcileContext = {
    db,
    binding,
    config,
    scope,
    object,
    store,
    plan: syncPlan(rules, object, config.targetObject),
    onUnresolved: reportUnresolvedOut(recorder, run, config, binding.definition.key),
    strategy: config.conflictResolution as ConflictResolution,
    observedAt: run.startedAt ?? new Date(),
    recordWrites: (manager, written) => recorder.recordWrites(manager, run, config, written),
  };
  const since = run.mode === 'INCREMENTAL' ? splitCheckpoint(run.sinceCheckpoint) : { inbound: null, outbound: null };
  const inboundSince = object.supportsIncremental && since.inbound !== null ? since.inbound : undefined;
  const stored = run.nextCheckpoint as Progress | null;
  const progress: Progress =
    stored && typeof stored === 'object' && 'phase' in stored ? { ...stored } : { phase: 'inbound', inbound: inboundSince ?? null, outbound: since.outbound };
  const merged = new Set<string>();
  // CRM records matched so far in this run, by the external record that took them.
  const claimed = new Map<string, string>();
  // A read of every external record (as inbound): what it did not see is marked DELETED.
  // A run applying one event (event-apply.ts) reads that record only: no sweep, and no phase 2.
  const complete = !context.single && detectsDeletions(binding.definition.key, object.name, inboundSince);
  const idOf = externalIdReader(object);

  const commit = async (processed: number, counts: PageCounts, pageCursor: string | null, seen: string[]) =>
    db.transaction(async (manager) => {
      await recorder.page(manager, run, { processed, ...counts, pageCursor, nextCheckpoint: { ...progress } });
      if (complete) await recordSeen(manager, run, seen);
      // The sweep commits with the last external page, before phase 2 reads HotCRM's changes.
      if (complete && progress.phase === 'outbound') await recorder.sweepUnseen(manager, run, ctx.config, ctx.scope, object.name);
    });

  let cursor = progress.phase === 'inbound' ? run.pageCursor : null;
  while (progress.phase === 'inbound') {
    if (!(await recorder.stillOwned(run.id, jobId))) return { cancelled: true, nextCheckpoint: null };
    const page = await binding.handler.list(binding.call, object.name, { cursor, pageSize: PAGE_SIZE, since: inboundSince, checkpoint: progress.inbound });
    const counts = await externalPage(ctx, recorder, run, page.records, merged, claimed, page.versions ?? {});
    if (page.checkpoint !== undefined) progress.inbound = page.checkpoint;
    if (!page.nextCursor) progress.phase = 'outbound';
    await commit(
      page.records.length,
      counts,
      page.nextCursor,
      page.records.flatMap((r) => idOf(r) ?? []),
    );
    // Deletions an incremental read (or an event) reports: their links are marked DELETED, as inbound.
    const gone = page.deleted ?? [];
    if (gone.length) {
      const deleted = await recorder.markDeleted(run, config, scope, object.name, gone, page.versions);
      if (deleted) await recorder.log(run, 'info', `${deleted} ${object.name} deleted in ${binding.definition.key}: links marked DELETED`, { code: 'DELETED' });
    }
    cursor = page.nextCursor;
  }
  if (context.single) return { cancelled: false, nextCheckpoint: null };

  const result = await crmChangePages({
    db,
    store,
    recorder,
    config,
    run,
    jobId,
    after: progress.outbound,
    checkpointAt: (position) => ({ ...progress, outbound: position }),
    handlePage: (records) => crmPage(ctx, recorder, run, records, merged),
  });
  return { cancelled: result.cancelled, nextCheckpoint: { inbound: progress.inbound, outbound: result.position } satisfies BidirectionalCheckpoint };
}

async function failed(recorder: SyncRunRecorder, run: SyncRunEntity, counts: PageCounts, error: unknown, what: string, externalId?: string): Promise<void> {
  if (!isRecordError(error)) throw error;
  counts.failed++;
  await recorder.log(run, 'warn', `${what}: ${(error as Error).message}`, { code: 'SYNC_RECORD_FAILED', externalId });
}

/** Phase 1, one page of external records. */
async function externalPage(
  ctx: ReconcileContext,
  recorder: SyncRunRecorder,
  run: SyncRunEntity,
  records: ConnectorRecord[],
  merged: Set<string>,
  claimed: Map<string, string>,
  versions: Record<string, number>,
): Promise<PageCounts> {
  const { config, object, plan, store } = ctx;
  const counts = zero();
  const prepared: { externalId: string; raw: ConnectorRecord; source: Record<string, unknown>; hash: string }[] = [];
  const idOf = externalIdReader(object);
  for (const raw of records) {
    const externalId = idOf(raw);
    if (!externalId) {
      counts.failed++;
      continue;
    }
    try {
      prepared.push({ externalId, raw, source: plan.fromExternal(raw), hash: '' });
    } catch (error) {
      await failed(recorder, run, counts, error, 'Record could not be mapped', externalId);
    }
  }
  // References in HotCRM's ids before anything compares: the snapshot and the CRM hold those.
  const unresolved = await resolveInbound(
    ctx.db,
    ctx.scope,
    plan.references,
    prepared.map((p) => ({ externalId: p.externalId, data: p.source })),
  );
  for (const p of prepared) p.hash = contentHash(p.source);
  const links = await linksByExternalIds(
    ctx.db,
    ctx.scope,
    object.name,
    config.targetObject,
    prepared.map((p) => p.externalId),
  );
  // A state older than the one last written (an event arriving late) changes nothing.
  const stale = prepared.filter((p) => isStale(versions[p.externalId], links.get(p.externalId)?.sourceVersion));
  if (stale.length) {
    await reportStale(
      recorder,
      run,
      object.name,
      stale.map((p) => p.externalId),
    );
  }
  const current = stale.length ? prepared.filter((p) => !stale.includes(p)) : prepared;
  // Unchanged since the last sync on the external side: any CRM-side change is phase 2's. A
  // record listed again after its link was marked DELETED is merged again (and relinked).
  const changed = current.filter((p) => links.get(p.externalId)?.contentHash !== p.hash || links.get(p.externalId)?.status === 'DELETED');
  const linkedIds = changed.flatMap((p) => (links.has(p.externalId) ? [links.get(p.externalId)!.internalId] : []));
  const crm = await store.get(config.organizationId, config.targetObject, linkedIds);

  // New external records, and linked ones whose CRM record is gone: written to HotCRM as inbound
  // does, new ones first looked for among the CRM's records by matchOn (match-before-create.ts).
  const fresh = changed.filter((p) => !links.has(p.externalId));
  const { matched, ambiguous } = await matchBeforeCreate(
    store,
    config,
    { links: ctx.scope, externalObject: object.name, claimed },
    fresh.map((p) => ({ externalId: p.externalId, data: p.source })),
    ctx.db,
  );
  if (ambiguous.length) {
    counts.failed += ambiguous.length;
    await reportAmbiguous(recorder, run, config, ambiguous);
  }
  const skipped = new Set(ambiguous.map((a) => a.externalId));
  const copies = changed.flatMap((p) => {
    const link = links.get(p.externalId);
    if ((link && crm.has(link.internalId)) || skipped.has(p.externalId)) return [];
    return [{ ...p, internalId: link?.internalId ?? matched.get(p.externalId) ?? internalIdFor(ctx.scope, object.name, p.externalId) }];
  });
  if (copies.length) {
    const written = await store.upsert(
      config.organizationId,
      config.targetObject,
      copies.map((c) => ({ id: c.internalId, data: matched.has(c.externalId) ? matchWrite(c.source) : c.source })),
    );
    // The links and the records' events commit together (a crash before: the records are written again, and announced then).
    await ctx.db.transaction(async (manager) => {
      await saveLinks(
        manager,
        ctx.scope,
        config,
        object.name,
        copies.map((c) => ({ internalId: c.internalId, externalId: c.externalId, data: c.source, hash: c.hash, version: versions[c.externalId] ?? null })),
      );
      await ctx.recordWrites?.(
        manager,
        copies.map((c, i) => ({
          id: written[i].id,
          created: written[i].created || (!links.has(c.externalId) && !matched.has(c.externalId)),
          data: matched.has(c.externalId) ? matchWrite(c.source) : c.source,
          changed: null,
          version: c.hash,
        })),
      );
    });
    written.forEach((w, i) => {
      if (matched.has(copies[i].externalId)) counts.matched = (counts.matched ?? 0) + 1;
      else counts[w.created ? 'created' : 'updated']++;
    });
    copies.forEach((c) => merged.add(c.internalId));
  }

  if (plan.references.length) {
    const written = [
      ...copies,
      ...changed.flatMap((p) =>
        links.has(p.externalId) && crm.has(links.get(p.externalId)!.internalId) ? [{ ...p, internalId: links.get(p.externalId)!.internalId }] : [],
      ),
    ];
    const ids = new Set(written.map((w) => w.externalId));
    const left = unresolved.filter((u) => ids.has(u.externalId));
    await rememberUnresolved(ctx.db, ctx.scope, config, plan.references, written, left);
    await reportUnresolved(recorder, run, config, left);
  }

  for (const p of changed) {
    const link = links.get(p.externalId);
    const record = link && crm.get(link.internalId);
    if (!link || !record) continue;
    try {
      const outcome = await reconcileRecord(ctx, link, p.source, externalModifiedAt(p.raw), record, versions[p.externalId] ?? null);
      if (outcome.written) counts.updated++;
      counts.conflicts += outcome.conflicts;
      merged.add(record.id);
    } catch (error) {
      await failed(recorder, run, counts, error, `${object.name} ${p.externalId} could not be merged`, p.externalId);
    }
  }
  return counts;
}

/** An external record's mapped values with references as HotCRM ids (an unlinked one left out, as on phase 1). */
async function crmSide(ctx: ReconcileContext, externalId: string, source: Record<string, unknown>): Promise<Record<string, unknown>> {
  await resolveInbound(ctx.db, ctx.scope, ctx.plan.references, [{ externalId, data: source }]);
  return source;
}

/** Phase 2, one page of HotCRM's changes. */
async function crmPage(ctx: ReconcileContext, recorder: SyncRunRecorder, run: SyncRunEntity, records: CrmRecord[], merged: Set<string>): Promise<PageCounts> {
  const { binding, object, plan } = ctx;
  const counts = zero();
  const links = await linksByInternalIds(
    ctx.db,
    ctx.scope,
    ctx.config.targetObject,
    object.name,
    records.map((r) => r.id),
  );
  for (const record of records) {
    if (merged.has(record.id)) continue;
    const link = links.get(record.id);
    // Its external record is gone: neither recreated there nor merged with nothing.
    if (link?.status === 'DELETED') continue;
    try {
      if (!link) {
        if ((await pushRecord(ctx, record, undefined)) === 'created') counts.created++;
        continue;
      }
      if (link.contentHash === contentHash(plan.crmView(record.data))) continue; // unchanged, or our own write
      // Without a way to read one record, the external side is taken as unchanged since the last sync.
      const external = binding.handler.get ? await binding.handler.get(binding.call, object.name, link.externalId) : null;
      const source = external ? await crmSide(ctx, link.externalId, plan.fromExternal(external)) : (link.lastSyncedData ?? {});
      const outcome = await reconcileRecord(ctx, link, source, external ? externalModifiedAt(external) : null, record);
      if (outcome.written) counts.updated++;
      counts.conflicts += outcome.conflicts;
    } catch (error) {
      await failed(recorder, run, counts, error, `${ctx.config.targetObject} ${record.id} could not be synced`, link?.externalId);
    }
  }
  return counts;
}
