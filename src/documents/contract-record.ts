import type { DataSource } from 'typeorm';
import type { CrmStore } from '../sync/crm/crm-store.port';
import { internalIdFor } from '../sync/engine/record-identity';
import type { LinkScope } from '../sync/link-scope';
import { findLinkedContract } from './sql/find-contract-links';

export interface CompletedRecord {
  scope: LinkScope;
  /** The connector object (envelopes, agreements). */
  externalObject: string;
  externalId: string;
  /** The provider's word for completed (DocuSign `completed`, Adobe Sign `SIGNED`). */
  status: string;
  completedAt: Date | null;
}

/**
 * The `contract` CRM record that tracks an envelope's status, which its document is linked to:
 * - the record a sync of the envelopes into contract linked (external_link): the sync owns its
 *   fields, so it is left as it is;
 * - otherwise one this service writes itself (provider, envelope_id, status, signed_date) under the
 *   id a sync of that envelope would give it (record-identity.ts internalIdFor), so a sync
 *   configured later updates this same record instead of creating a second one.
 */
export async function contractFor(db: DataSource, store: CrmStore, completed: CompletedRecord): Promise<string> {
  const { scope, externalObject, externalId } = completed;
  const linked = await findLinkedContract(db, scope, externalObject, externalId);
  if (linked) return linked;
  const id = internalIdFor(scope, externalObject, externalId);
  const data: Record<string, unknown> = { provider: scope.provider, envelope_id: externalId, status: completed.status };
  if (completed.completedAt) data.signed_date = completed.completedAt.toISOString().slice(0, 10);
  const [written] = await store.upsert(scope.organizationId, 'contract', [{ id, data }]);
  return written.id;
}
