import type { Queryable } from '../../db/sql/queryable';
import { linkedInvoices } from '../sql/linked-invoices';
import type { LinkScope } from '../link-scope';
import type { SyncRunEntity } from '../sync-run.entity';
import type { LinkApplication, LinkPlan } from './link-plan';
import { contentHash, internalIdFor } from './record-identity';
import type { SyncRunRecorder } from './sync-run.recorder';

/** A mapped external record (or one application of it, for link plans) before it is linked. */
export interface Candidate {
  app: LinkApplication;
  data: Record<string, unknown>;
  /** The raw record's source hash (ordinary records; null under a link plan). */
  source: string | null;
}

/** A candidate with the CRM record it links to, ready to write. */
export interface PreparedRecord {
  externalId: string;
  internalId: string;
  data: Record<string, unknown>;
  hash: string;
  source: string | null;
}

/** An ordinary record (or a person record): its CRM id derived from the external id. */
export function own(scope: LinkScope, externalObject: string, { app, data, source }: Candidate): PreparedRecord {
  return { externalId: app.externalId, internalId: internalIdFor(scope, externalObject, app.externalId), data, hash: contentHash(data), source };
}

/**
 * Payments: the invoice each pays, through the link of the provider's invoice on the same
 * provider account (one query per page). A payment whose invoice is not linked (yet) is `unlinked`.
 */
export async function attachToInvoices(
  db: Queryable,
  scope: LinkScope,
  plan: LinkPlan,
  candidates: Candidate[],
): Promise<{ prepared: PreparedRecord[]; unlinked: LinkApplication[] }> {
  const refs = [...new Set(candidates.map((c) => c.app.parentExternalId!))];
  const rows = refs.length ? await linkedInvoices(db, scope, plan.parentObject, refs) : [];
  const invoices = new Map(rows.map((row) => [row.external_id, row.internal_id]));
  const prepared: PreparedRecord[] = [];
  const unlinked: LinkApplication[] = [];
  for (const { app, data } of candidates) {
    const internalId = invoices.get(app.parentExternalId!);
    // The invoice is part of the hash: a payment moved to another invoice is relinked.
    if (internalId) prepared.push({ externalId: app.externalId, internalId, data, hash: contentHash({ data, invoice: internalId }), source: null });
    else unlinked.push(app);
  }
  return { prepared, unlinked };
}

/** One log line per page, not per payment: the usual cause (invoices not synced yet) is shared. */
export async function reportUnlinked(recorder: SyncRunRecorder, run: SyncRunEntity, plan: LinkPlan, unlinked: LinkApplication[]): Promise<void> {
  const sample = unlinked
    .slice(0, 5)
    .map((a) => `${a.externalId} → ${a.parentExternalId}`)
    .join(', ');
  await recorder.log(
    run,
    'warn',
    `${unlinked.length} payment(s) pay ${plan.parentObject} not linked to a HotCRM invoice on this connection (${sample}); ` +
      'sync those invoices first: the next FULL run retries them',
    { code: 'PARENT_NOT_LINKED', externalId: unlinked[0].externalId },
  );
}
