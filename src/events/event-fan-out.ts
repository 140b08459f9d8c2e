import type { EntityManager } from 'typeorm';

/** A recorded event as the capabilities that react to it see it (the committed row's fields). */
export interface RecordedEventFacts {
  id: string;
  type: string;
  source: string;
  objectType: string | null;
  recordId: string | null;
  data: unknown;
  occurredAt: Date;
  /** The connection a provider event arrived on (null for HotCRM's own events). */
  connectionId?: string | null;
}

/**
 * Work an event causes beyond webhooks (automation runs), queued by the outbox in the event's own
 * transaction, so the work exists if and only if the event committed. Implementations register
 * with the outbox at assembly time: the outbox (webhooks) never imports them, and they never
 * import the outbox's internals. Called once per newly recorded event, never for a repeat.
 */
export interface EventFanOut {
  fanOut(tx: EntityManager, organizationId: string, event: RecordedEventFacts): Promise<void>;
  /** The same for a batch of new events (a sync page's record events), in a few statements whatever its size. */
  fanOutMany(tx: EntityManager, organizationId: string, events: RecordedEventFacts[]): Promise<void>;
}
