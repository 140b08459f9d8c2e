import type { EntityManager } from 'typeorm';

/**
 * What a capability needs to record an integration event: the interface lives low, so API keys,
 * connections and the sync engine record events without depending on webhooks, which implements
 * it (webhooks/event-outbox.ts: the event, its deliveries and their jobs in one transaction).
 */
export interface NewIntegrationEvent {
  /** e.g. integration.sync.completed, opportunity.won, stripe.invoice.paid */
  type: string;
  /** 'hotcrm' for published and internal events, the connector key for provider events. */
  source: string;
  objectType?: string | null;
  recordId?: string | null;
  /** JSON; never a secret. */
  data: unknown;
  occurredAt?: Date;
  /** Unique per (organization, source): a repeat returns the stored event and fans out nothing. */
  idempotencyKey?: string | null;
  /** The connection a provider event arrived on. */
  connectionId?: string | null;
}

export interface EventRecorder {
  /** In `manager`'s transaction when given (the caller's commit is the event's), else in its own. */
  record(organizationId: string, input: NewIntegrationEvent, manager?: EntityManager): Promise<unknown>;
  /**
   * Many events at once, in `manager`'s transaction, in a few statements whatever their number
   * (a sync page's record events): each needs an idempotency key, and one already used records
   * nothing, so a retried batch fans out only what is new. Nothing is announced to in-process
   * listeners (realtime sync triggers): the caller's records are read by the syncs themselves.
   */
  recordMany(organizationId: string, inputs: (NewIntegrationEvent & { idempotencyKey: string })[], manager: EntityManager): Promise<{ recorded: number }>;
}
