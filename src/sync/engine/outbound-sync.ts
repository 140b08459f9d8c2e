import type { DataSource } from 'typeorm';
import type { ConnectorBinding } from '../../connections/connector-runtime';
import type { ObjectDefinition } from '../../connectors/connector.definition';
import { UnexpectedResponseError } from '../../errors';
import type { CrmChangeCursor, CrmRecord, CrmStore } from '../crm/crm-store.port';
import type { LinkScope } from '../link-scope';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { SyncRunEntity } from '../sync-run.entity';
import { PAGE_SIZE } from './inbound-sync';
import type { LinkRow } from '../sql/link-row';
import { linksByInternalIds } from '../sql/links-by-internal-ids';
import { saveLinks } from '../sql/save-links';
import { contentHash } from './record-identity';
import { resolveOutbound } from './references';
import { isRecordError, SyncPlan, syncPlan, writableObject } from './sync-plan';
import type { SyncRunRecorder } from './sync-run.recorder';
import type { RunContext, RunResult } from './run-context';

/** A stored outbound checkpoint, or null when `value` is not one (never synced, or another direction's). */
export function asPosition(value: unknown): CrmChangeCursor | null {
  const v = value as Partial<CrmChangeCursor> | null;
  return v && typeof v === 'object' && typeof v.at === 'string' && typeof v.id === 'string' ? { at: v.at, id: v.id } : null;
}

export interface PageCounts {
  created: number;
  updated: number;
  failed: number;
  conflicts: number;
  /** Records linked to an existing CRM record by matchOn (bidirectional's inbound half). */
  matched?: number;
}

export interface CrmPagesOptions {
  db: DataSource;
  store: CrmStore;
  recorder: SyncRunRecorder;
  config: SyncConfigEntity;
  run: SyncRunEntity;
  jobId: string;
  /** Where to read from (null: the beginning). */
  after: CrmChangeCursor | null;
  /** The run's checkpoint as committed with a page that reached `position` (the bidirectional run nests it). */
  checkpointAt(position: CrmChangeCursor | null): unknown;
  handlePage(records: CrmRecord[]): Promise<PageCounts>;
}

/**
 * HotCRM's changes in change order, page by page from `after`: each page is handled, then its
 * counters and checkpoint (the last record's position) commit together, so a resumed run starts
 * after the last committed page. A short page means the reader has caught up.
 */
export async function crmChangePages(o: CrmPagesOptions): Promise<{ cancelled: boolean; position: CrmChangeCursor | null }> {
  let after = o.after;
  for (;;) {
    if (!(await o.recorder.stillOwned(o.run.id, o.jobId))) return { cancelled: true, position: after };
    const page = await o.store.changedSince(o.config.organizationId, o.config.targetObject, after, PAGE_SIZE);
    const counts = page.records.length ? await o.handlePage(page.records) : { created: 0, updated: 0, failed: 0, conflicts: 0 };
    if (page.next) after = page.next;
    await o.db.transaction(async (manager) => {
      await o.recorder.page(manager, o.run, { processed: page.records.length, ...counts, pageCursor: null, nextCheckpoint: o.checkpointAt(after) });
    });
    if (page.records.length < PAGE_SIZE) return { cancelled: false, position: after };
  }
}

export interface OutboundContext {
  db: DataSource;
  binding: ConnectorBinding;
  config: SyncConfigEntity;
  /** The provider account's links. */
  scope: LinkScope;
  object: ObjectDefinition;
  plan: SyncPlan;
  /** Told about REFERENCE fields a write left out: their HotCRM record has no link on the provider account. */
  onUnresolved?(recordId: string, unresolved: { field: string; internalId: string }[]): Promise<void>;
}

/** CRM values in the provider's terms: references translated to its ids (those without a link left out, and reported). */
export async function externalPayload(ctx: OutboundContext, recordId: string, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  const resolved = await resolveOutbound(ctx.db, ctx.scope, ctx.plan.references, values);
  if (resolved.unresolved.length) await ctx.onUnresolved?.(recordId, resolved.unresolved);
  return ctx.plan.toExternal(resolved.values);
}

/** An OutboundContext's onUnresolved: one UNRESOLVED_REFERENCE warning per record. */
export function reportUnresolvedOut(recorder: SyncRunRecorder, run: SyncRunEntity, config: SyncConfigEntity, externalObject: string) {
  return async (recordId: string, unresolved: { field: string; internalId: string }[]): Promise<void> => {
    const fields = unresolved.map((u) => `${u.field} (${u.internalId})`).join(', ');
    await recorder.log(run, 'warn', `${config.targetObject} ${recordId}: ${fields} not linked on this ${externalObject} account yet; left out of the write`, {
      code: 'UNRESOLVED_REFERENCE',
    });
  };
}

/**
 * Writes one CRM record to the external system: an update of the linked record, or a create
 * whose new id becomes the link. Records whose mapped content matches the link's hash are
 * skipped; that is also what keeps an inbound write from echoing back out. The link is saved at
 * once, not with the page, and the create carries an idempotency key derived from the CRM record,
 * so a worker dying between the two cannot create it a second time where the provider dedupes.
 */
export async function pushRecord(ctx: OutboundContext, record: CrmRecord, link: LinkRow | undefined): Promise<'created' | 'updated' | 'skipped'> {
  const { handler, call, definition } = ctx.binding;
  const view = ctx.plan.crmView(record.data);
  const hash = contentHash(view);
  if (link && link.contentHash === hash) return 'skipped';
  const payload = await externalPayload(ctx, record.id, view);
  let externalId: string;
  if (link) {
    await handler.update!(call, ctx.object.name, link.externalId, payload);
    externalId = link.externalId;
  } else {
    // Stable per CRM record: a create repeated after a crash is deduplicated by the provider.
    const idempotencyKey = `hotcrm-${ctx.config.connectionId}-${ctx.object.name}-${record.id}`;
    const created = await handler.create!(call, ctx.object.name, payload, { idempotencyKey });
    if (created?.id === undefined || created.id === null)
      throw new UnexpectedResponseError(definition.key, `returned no id for the created ${ctx.object.name}`);
    externalId = String(created.id);
  }
  await saveLinks(ctx.db, ctx.scope, ctx.config, ctx.object.name, [{ internalId: record.id, externalId, data: view, hash }]);
  return link ? 'updated' : 'created';
}

/**
 * HotCRM to external: CRM records changed since the config's checkpoint (sync_config.cursor,
 * a {at, id} change position), mapped through the inverted rules and written through the
 * connector. Same signature and result as runInbound, so the executor just picks the function.
 */
export async function runOutbound(context: RunContext): Promise<RunResult> {
  const { db, store, recorder, binding, config, scope, run, rules, jobId } = context;
  const object = writableObject(binding, config);
  const ctx: OutboundContext = {
    db,
    binding,
    config,
    scope,
    object,
    plan: syncPlan(rules, object, config.targetObject),
    onUnresolved: reportUnresolvedOut(recorder, run, config, binding.definition.key),
  };
  const since = run.mode === 'INCREMENTAL' ? asPosition(run.sinceCheckpoint) : null;
  const start = asPosition(run.nextCheckpoint) ?? since;
  const result = await crmChangePages({
    db,
    store,
    recorder,
    config,
    run,
    jobId,
    after: start,
    checkpointAt: (position) => position,
    handlePage: async (records) => {
      const links = await linksByInternalIds(
        db,
        scope,
        config.targetObject,
        object.name,
        records.map((r) => r.id),
      );
      const counts = { created: 0, updated: 0, failed: 0, conflicts: 0 };
      for (const record of records) {
        try {
          const outcome = await pushRecord(ctx, record, links.get(record.id));
          if (outcome !== 'skipped') counts[outcome]++;
        } catch (error) {
          if (!isRecordError(error)) throw error;
          counts.failed++;
          await recorder.log(run, 'warn', `${config.targetObject} ${record.id} could not be written: ${(error as Error).message}`, { code: 'WRITE_FAILED' });
        }
      }
      return counts;
    },
  });
  return { cancelled: result.cancelled, nextCheckpoint: result.position };
}
