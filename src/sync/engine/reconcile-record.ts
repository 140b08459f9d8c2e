import type { EntityManager } from 'typeorm';
import type { CrmRecord, CrmStore } from '../crm/crm-store.port';
import type { SyncWrittenRecord } from './record-events';
import type { ConflictResolution } from '../sync.enums';
import { holdConflicts } from '../sql/hold-conflicts';
import type { LinkRow } from '../sql/link-row';
import { saveLinks } from '../sql/save-links';
import { externalPayload, type OutboundContext } from './outbound-sync';
import { contentHash } from './record-identity';
import { threeWayMerge } from './three-way-merge';

export interface ReconcileContext extends OutboundContext {
  store: CrmStore;
  strategy: ConflictResolution;
  /** The run's start: LAST_WRITE_WINS's stand-in for an external modification time the provider does not give. */
  observedAt: Date;
  /** Records the events of CRM records written, in the transaction that saves their links (SyncRunRecorder.recordWrites). */
  recordWrites?: (manager: EntityManager, written: SyncWrittenRecord[]) => Promise<void>;
}

export interface ReconcileOutcome {
  /** True when either side was written. */
  written: boolean;
  /** Fields changed on both sides to different values, settled or held. */
  conflicts: number;
}

/**
 * One linked record present on both sides: three-way merge per field against the link's
 * lastSyncedData, then write each side what it lacks and remember the agreed values.
 *
 * The external side is written first: if the provider refuses, nothing has changed anywhere and
 * the record is retried next run. It gets every agreed field except those held open (providers
 * such as Stripe replace a nested hash like `address` whole, so a partial write could drop its
 * siblings); HotCRM gets only the changed fields (its store merges). Held fields keep the old
 * base in the snapshot, so the next run still sees them changed on both sides.
 */
export async function reconcileRecord(
  ctx: ReconcileContext,
  link: LinkRow,
  source: Record<string, unknown>,
  sourceModifiedAt: Date | null,
  crm: CrmRecord,
  /** The provider's version of `source` (an event's, a change feed's), stamped on the link. */
  sourceVersion: number | null = null,
): Promise<ReconcileOutcome> {
  const { handler, call } = ctx.binding;
  const merge = threeWayMerge({
    base: link.lastSyncedData,
    source,
    target: ctx.plan.crmView(crm.data),
    fields: ctx.plan.fields,
    strategy: ctx.strategy,
    sourceModifiedAt,
    targetModifiedAt: crm.lastModifiedDate,
    observedAt: ctx.observedAt,
  });
  const toSource = Object.keys(merge.toSource).length > 0;
  const toTarget = Object.keys(merge.toTarget).length > 0;
  if (toSource) {
    const held = new Set(merge.held.map((c) => c.field));
    const agreed = Object.fromEntries(Object.entries(merge.snapshot).filter(([field]) => !held.has(field)));
    await handler.update!(call, ctx.object.name, link.externalId, await externalPayload(ctx, crm.id, agreed));
  }
  if (toTarget) await ctx.store.upsert(ctx.config.organizationId, ctx.config.targetObject, [{ id: crm.id, data: merge.toTarget }]);
  await ctx.db.transaction(async (manager) => {
    await saveLinks(manager, ctx.scope, ctx.config, ctx.object.name, [
      {
        internalId: crm.id,
        externalId: link.externalId,
        data: merge.snapshot,
        hash: contentHash(merge.snapshot),
        status: merge.held.length ? 'CONFLICT' : 'SYNCED',
        version: sourceVersion,
      },
    ]);
    await holdConflicts(manager, ctx.config, { id: link.id, internalId: crm.id, externalId: link.externalId }, merge.held);
    // HotCRM's record took the external side's changes: its <object>.updated, with the fields that changed.
    if (toTarget && ctx.recordWrites) {
      const changed = Object.keys(merge.toTarget).sort();
      await ctx.recordWrites(manager, [
        { id: crm.id, created: false, data: { ...crm.data, ...merge.toTarget }, changed, version: contentHash(merge.snapshot) },
      ]);
    }
  });
  return { written: toSource || toTarget, conflicts: merge.conflicts.length };
}
