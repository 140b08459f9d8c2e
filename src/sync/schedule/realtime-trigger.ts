import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventOutbox } from '../../webhooks/event-outbox';
import type { AppliedEvent, EventApplier } from '../engine/event-apply';
import { realtimeConfigs } from '../sql/realtime-configs';
import type { SyncRunService } from '../sync-run.service';
import { SyncTrigger } from '../sync.enums';

/**
 * `realtime` configs run when something changes, not only on their one-minute safety poll:
 * a provider event received on a connection updates the one record it carries or names in that
 * connection's realtime inbound configs of its object (EventApplier, event-apply.ts), and runs
 * the connection's other inbound and bidirectional configs; a CRM event (account.updated, or any
 * event whose objectType is a CRM object) runs the outbound and bidirectional configs of that
 * object. A trigger while a run is already queued joins it (SyncRunService.trigger), so a burst
 * of events costs one run. A trigger lost to a crash between the event's commit and here is
 * caught by the safety poll.
 */
export class RealtimeSyncTrigger {
  constructor(
    private readonly db: DataSource,
    private readonly syncRuns: SyncRunService,
    private readonly log: Logger,
    private readonly applier?: EventApplier,
  ) {}

  attach(events: EventOutbox): void {
    events.onCommitted((organizationId, event) => {
      this.onEvent(organizationId, event).catch((error) =>
        this.log.warn({ err: (error as Error).message, eventType: event.type }, 'realtime sync trigger failed'),
      );
    });
  }

  async onEvent(organizationId: string, event: AppliedEvent): Promise<void> {
    // Our own events (a sync finishing) must not start syncs, or two configs could chase each other.
    if (event.type.startsWith('integration.') || event.type === 'webhook.test') return;
    const crmObject = event.objectType ?? event.type.split('.')[0];
    const configs = await realtimeConfigs(this.db, organizationId, event.connectionId ?? null, crmObject);
    const applied = await this.applyEvent(organizationId, event, configs);
    for (const config of configs) if (!applied.has(config.id)) await this.syncRuns.trigger(organizationId, config.id, null, SyncTrigger.WEBHOOK);
  }

  /** The configs the event updated by itself; on failure none, and they run instead. */
  private async applyEvent(organizationId: string, event: AppliedEvent, configs: Awaited<ReturnType<typeof realtimeConfigs>>): Promise<Set<string>> {
    if (!this.applier || !event.connectionId || !configs.length) return new Set();
    return this.applier.apply(organizationId, event, configs).catch((error) => {
      this.log.warn({ err: (error as Error).message, eventType: event.type }, 'realtime event could not be applied; running the sync instead');
      return new Set<string>();
    });
  }
}
