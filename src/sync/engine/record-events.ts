import type { NewIntegrationEvent } from '../../events/event-recorder';

/** A CRM record a sync wrote, as its event tells it. */
export interface SyncWrittenRecord {
  id: string;
  created: boolean;
  /** The record's fields: after the write (the built-in store), or those the sync wrote (a store elsewhere). */
  data: Record<string, unknown>;
  /** For an update, the fields whose value changed, when the store can tell (the built-in one); else null. */
  changed: string[] | null;
  /**
   * What the sync wrote, as a version of the record: the content hash of the mapped values. Part
   * of the idempotency key, so a page written again (a resumed run) records nothing twice, while a
   * second, different write of the record in the same run is an event of its own.
   */
  version: string;
}

/** Which sync wrote the records: named in each event's `data.sync`. */
export interface SyncEventOrigin {
  syncConfigId: string;
  syncRunId: string;
  connectionId: string;
}

/**
 * The events of the CRM records a sync created or changed (issue 17): `<object>.created` and
 * `<object>.updated`, source `hotcrm` like every CRM event (DESIGN.md, the contract's
 * IntegrationEvent.source), objectType the CRM object and recordId its id, so webhooks and
 * automations match them as they match `case.created` published by the Service cloud. `data` is
 * the record's fields with its `id`, plus `changedFields` (an update, when known) and `sync` (the
 * config, run and connection that wrote it); CRM field names are snake_case, so neither collides.
 * A record whose write changed nothing has no event (the caller leaves it out).
 *
 * The connection is named in `data.sync`, not in the event's connection column: that column says
 * which connection a provider event arrived on, and these are HotCRM's own changes.
 */
export function recordEvents(object: string, origin: SyncEventOrigin, written: SyncWrittenRecord[]): (NewIntegrationEvent & { idempotencyKey: string })[] {
  return written.map((record) => {
    const data: Record<string, unknown> = { ...record.data, id: record.id };
    if (!record.created && record.changed) data.changedFields = record.changed;
    data.sync = origin;
    const type = `${object}.${record.created ? 'created' : 'updated'}`;
    return {
      type,
      source: 'hotcrm',
      objectType: object,
      recordId: record.id,
      data,
      idempotencyKey: `sync:${origin.syncRunId}:${type}:${record.id}:${record.version}`,
    };
  });
}
