import type { Queryable } from '../../db/sql/queryable';
import type { CrmStore } from '../crm/crm-store.port';
import type { StoredMappingRule } from '../field-mapping.entity';
import type { LinkScope } from '../link-scope';
import { referencedCrmObject } from '../mapping/reference-target';
import { TransformType } from '../sync.enums';
import { linksByExternalIds } from '../sql/links-by-external-ids';
import { linksByInternalIds } from '../sql/links-by-internal-ids';
import { deletePendingReferences, type PendingTargets, resolvablePendingReferences } from '../sql/resolvable-pending-references';
import { type PendingReference, savePendingReferences } from '../sql/save-pending-references';
import type { SyncRunEntity } from '../sync-run.entity';
import type { SyncRunRecorder } from './sync-run.recorder';

/**
 * REFERENCE fields (DESIGN.md "Sync identity": foreign keys in HotCRM always hold HotCRM ids).
 * The mapping leaves the provider's id in the field (transforms.ts); here, a page at a time, it
 * becomes the id of the HotCRM record linked to that external record on the same provider
 * account, whichever sync linked it, and back on the way out. A reference whose target is not
 * linked yet fails nothing: the field is left out of the write, the run logs
 * UNRESOLVED_REFERENCE, and the reference waits (pending_reference) until a link to its target
 * appears; then the field is written (fillPendingReferences), even if the referencing record
 * never changes again.
 */
export interface ReferenceField {
  /** The CRM field holding the id (the rule's target). */
  field: string;
  /** The external object whose ids the provider puts there (params.object). */
  externalObject: string;
  /** The HotCRM object the id names. */
  crmObject: string;
}

/** An inbound reference left unset: the record (by its external id), the field and what it waits for. */
export interface UnresolvedReference {
  externalId: string;
  field: string;
  targetExternalObject: string;
  targetExternalId: string;
  targetCrmObject: string;
}

const params = (rule: StoredMappingRule) => (rule.transform?.params ?? {}) as { object?: string; crmObject?: string | null };

/** The config's REFERENCE rules (validate-rules.ts made sure each names its HotCRM object). */
export function referenceFields(rules: StoredMappingRule[] | null, targetObject: string): ReferenceField[] {
  return (rules ?? []).flatMap((rule) => {
    if (rule.transform?.type !== TransformType.REFERENCE) return [];
    const { object, crmObject } = params(rule);
    const target = referencedCrmObject(rule.targetField, crmObject ?? null, targetObject);
    return object && target ? [{ field: rule.targetField, externalObject: object, crmObject: target }] : [];
  });
}

const idText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

/**
 * Inbound, one page: each reference's provider id in `records[].data` becomes the linked HotCRM
 * id (one lookup per reference field per page); an unlinked one is removed from the data and
 * returned.
 */
export async function resolveInbound(
  db: Queryable,
  scope: LinkScope,
  refs: ReferenceField[],
  records: { externalId: string; data: Record<string, unknown> }[],
): Promise<UnresolvedReference[]> {
  const unresolved: UnresolvedReference[] = [];
  for (const ref of refs) {
    const ids = [...new Set(records.flatMap((r) => idText(r.data[ref.field]) ?? []))];
    const links = await linksByExternalIds(db, scope, ref.externalObject, ref.crmObject, ids);
    for (const record of records) {
      const id = idText(record.data[ref.field]);
      if (id === null) continue;
      const link = links.get(id);
      if (link) {
        record.data[ref.field] = link.internalId;
        continue;
      }
      delete record.data[ref.field];
      unresolved.push({
        externalId: record.externalId,
        field: ref.field,
        targetExternalObject: ref.externalObject,
        targetExternalId: id,
        targetCrmObject: ref.crmObject,
      });
    }
  }
  return unresolved;
}

/**
 * Outbound, one record's CRM values: each reference's HotCRM id becomes the provider's id of the
 * record linked to it; an unlinked one is left out of the payload and named in `unresolved`.
 */
export async function resolveOutbound(
  db: Queryable,
  scope: LinkScope,
  refs: ReferenceField[],
  values: Record<string, unknown>,
): Promise<{ values: Record<string, unknown>; unresolved: { field: string; internalId: string }[] }> {
  if (!refs.length) return { values, unresolved: [] };
  const out = { ...values };
  const unresolved: { field: string; internalId: string }[] = [];
  for (const ref of refs) {
    const id = idText(out[ref.field]);
    if (id === null) continue;
    const link = (await linksByInternalIds(db, scope, ref.crmObject, ref.externalObject, [id])).get(id);
    if (link) out[ref.field] = link.externalId;
    else {
      delete out[ref.field];
      unresolved.push({ field: ref.field, internalId: id });
    }
  }
  return { values: out, unresolved };
}

/**
 * After a page's references were resolved: the written records' settled references stop
 * waiting, the unresolved ones wait (for the record's final HotCRM id, `internalIdOf`).
 */
export async function rememberUnresolved(
  db: Queryable,
  scope: LinkScope,
  config: { id: string; targetObject: string },
  refs: ReferenceField[],
  written: { externalId: string; internalId: string }[],
  unresolved: UnresolvedReference[],
): Promise<void> {
  if (!refs.length || !written.length) return;
  const internalIdOf = new Map(written.map((w) => [w.externalId, w.internalId]));
  const waiting = new Set(unresolved.map((u) => `${u.externalId}\u0000${u.field}`));
  const settled = written.flatMap((w) =>
    refs.filter((ref) => !waiting.has(`${w.externalId}\u0000${ref.field}`)).map((ref) => ({ crmRecordId: w.internalId, field: ref.field })),
  );
  const pending: PendingReference[] = unresolved.flatMap((u) => {
    const crmRecordId = internalIdOf.get(u.externalId);
    return crmRecordId
      ? [
          {
            crmRecordId,
            field: u.field,
            targetExternalObject: u.targetExternalObject,
            targetExternalId: u.targetExternalId,
            targetCrmObject: u.targetCrmObject,
          },
        ]
      : [];
  });
  await savePendingReferences(db, scope, config.id, config.targetObject, settled, pending);
}

/** Per page, one warning per record up to this many, then one line for the rest. */
const REPORTED_PER_PAGE = 20;

/** UNRESOLVED_REFERENCE warnings for references left unset; nothing is counted failed (the record was written). */
export async function reportUnresolved(
  recorder: SyncRunRecorder,
  run: SyncRunEntity,
  config: { targetObject: string },
  unresolved: UnresolvedReference[],
): Promise<void> {
  for (const u of unresolved.slice(0, REPORTED_PER_PAGE)) {
    await recorder.log(
      run,
      'warn',
      `${u.externalId}: ${config.targetObject}.${u.field} left unset, no ${u.targetCrmObject} is linked to ${u.targetExternalObject} ${u.targetExternalId} yet; ` +
        'it is filled in once one is',
      { code: 'UNRESOLVED_REFERENCE', externalId: u.externalId },
    );
  }
  if (unresolved.length > REPORTED_PER_PAGE) {
    const rest = unresolved.length - REPORTED_PER_PAGE;
    await recorder.log(run, 'warn', `${rest} more references on this page are not linked yet; each is filled in once its target is`, {
      code: 'UNRESOLVED_REFERENCE',
    });
  }
}

const FILL_BATCH = 500;

/**
 * Writes every waiting reference of the provider account whose target is linked now, and
 * forgets it. Called after each page of a run while references wait, for the targets the page
 * linked (`targets`, found by the target index), and once at the end of every run for all of
 * them, so a fill-in missed by a crash is made by the next run. A reference whose record is
 * not in the store (yet: it is saved just before its page writes the record) keeps waiting.
 * Returns how many fields were written.
 */
export async function fillPendingReferences(db: Queryable, store: CrmStore, scope: LinkScope, targets: PendingTargets = null): Promise<number> {
  let filled = 0;
  let after: string | null = null;
  for (;;) {
    const ready = await resolvablePendingReferences(db, scope, targets, after, FILL_BATCH);
    if (!ready.length) return filled;
    after = ready[ready.length - 1].id;
    const done: string[] = [];
    const byObject = new Map<string, typeof ready>();
    for (const r of ready) byObject.set(r.crmObject, [...(byObject.get(r.crmObject) ?? []), r]);
    for (const [object, rows] of byObject) {
      // Only records that exist: a reference saved ahead of its record's write must not create it.
      const existing = await store.get(scope.organizationId, object, [...new Set(rows.map((r) => r.crmRecordId))]);
      const data = new Map<string, Record<string, unknown>>();
      for (const r of rows.filter((row) => existing.has(row.crmRecordId))) {
        data.set(r.crmRecordId, { ...data.get(r.crmRecordId), [r.field]: r.internalId });
        done.push(r.id);
      }
      if (data.size)
        await store.upsert(
          scope.organizationId,
          object,
          [...data].map(([id, fields]) => ({ id, data: fields })),
        );
    }
    await deletePendingReferences(db, scope.organizationId, done);
    filled += done.length;
    if (ready.length < FILL_BATCH) return filled;
  }
}
