import type { SyncRunEntity } from '../sync-run.entity';
import type { SyncRunRecorder } from './sync-run.recorder';

/**
 * Whether a read record's state is older than the one its link last wrote, by the provider's
 * version (epoch ms). Equal is not stale: Stripe's `created` is in whole seconds, and a
 * `customer.created` and `customer.updated` of the same second must both apply (an identical
 * state is then skipped by its content hash anyway). Unknown on either side is never stale.
 */
export function isStale(version: number | undefined, linked: number | null | undefined): boolean {
  return version !== undefined && linked !== null && linked !== undefined && version < linked;
}

/** At most this many stale ids are logged one by one per page; the rest are counted. */
const LOGGED = 20;

/** Stale records changed nothing: logged, so a late event is seen as skipped rather than lost. */
export async function reportStale(recorder: SyncRunRecorder, run: SyncRunEntity, externalObject: string, externalIds: string[]): Promise<void> {
  for (const externalId of externalIds.slice(0, LOGGED)) {
    await recorder.log(run, 'info', `${externalObject} ${externalId}: older than the state last synced; skipped`, { code: 'STALE_CHANGE', externalId });
  }
  if (externalIds.length > LOGGED) {
    await recorder.log(run, 'info', `${externalIds.length - LOGGED} more ${externalObject} older than the state last synced; skipped`, {
      code: 'STALE_CHANGE',
    });
  }
}

/** `records` without those older than their link (`known`), which are reported. */
export async function dropStale<T extends { externalId: string; version: number | null }>(
  recorder: SyncRunRecorder,
  run: SyncRunEntity,
  externalObject: string,
  records: T[],
  known: Map<string, { version: number | null }>,
): Promise<T[]> {
  const stale = new Set(records.filter((r) => isStale(r.version ?? undefined, known.get(r.externalId)?.version)));
  if (stale.size)
    await reportStale(
      recorder,
      run,
      externalObject,
      [...stale].map((r) => r.externalId),
    );
  return stale.size ? records.filter((r) => !stale.has(r)) : records;
}

/** Prepared records with the version the page gave each (null: none), as their links will be stamped. */
export function versioned<T extends { externalId: string }>(records: T[], versions: Record<string, number>): (T & { version: number | null })[] {
  return records.map((r) => ({ ...r, version: versions[r.externalId] ?? null }));
}
