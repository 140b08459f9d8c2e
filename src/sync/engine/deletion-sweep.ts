import type { Queryable } from '../../db/sql/queryable';
import { insertSeenIds } from '../sql/insert-seen-ids';
import type { SyncRunEntity } from '../sync-run.entity';

/**
 * Objects whose read without a checkpoint still does not list every record: PayPal's Transaction
 * Search reaches back three years at most (or to config.startDate), so older payments would look
 * deleted.
 */
const WINDOWED_READS: Record<string, string[]> = { paypal: ['transactions', 'refunds', 'captures'] };

/**
 * Whether a run reads the whole object, so that what it did not see is gone: a read without an
 * incremental checkpoint (a FULL run, or an object without incremental reads) of an object whose
 * list is not limited to a window. After its last page, SyncRunRecorder.sweepUnseen marks the
 * links the run did not see DELETED.
 */
export function detectsDeletions(provider: string, externalObject: string, since: unknown): boolean {
  return since === undefined && !(WINDOWED_READS[provider]?.includes(externalObject) ?? false);
}

/** The ids one page read (bidirectional runs; the inbound page statement inserts them itself). */
export async function recordSeen(db: Queryable, run: SyncRunEntity, externalIds: string[]): Promise<void> {
  await insertSeenIds(db, run.organizationId, run.id, externalIds);
}
