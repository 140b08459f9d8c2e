import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventOutbox } from '../../webhooks/event-outbox';
import type { IntegrationEventEntity } from '../../webhooks/integration-event.entity';
import { realtimeConfigs } from '../sql/realtime-configs';
import type { SyncRunService } from '../sync-run.service';
import { SyncTrigger } from '../sync.enums';

/**
 * `realtime` configs run when something changes, not only on their one-minute safety poll:
 * a provider event received on a connection runs that connection's inbound and bidirectional
 * configs; a CRM event (account.updated, or any event whose objectType is a CRM object) runs the
 * outbound and bidirectional configs of that object. A trigger while a run is already queued
 * joins it (SyncRunService.trigger), so a burst of events costs one run. A trigger lost to a
 * crash between the event's commit and here is caught by the safety poll.
 */
export class RealtimeSyncTrigger {
  constructor(
    private readonly db: DataSource,
    private readonly syncRuns: SyncRunService,
    private readonly log: Logger,
  ) {}

  attach(events: EventOutbox): void {
    events.onCommitted((organizationId, event) => {
      this.onEvent(organizationId, event).catch((error) =>
        this.log.warn({ err: (error as Error).message, eventType: event.type }, 'realtime sync trigger failed'),
      );
    });
  }

  async onEvent(organizationId: string, event: Pick<IntegrationEventEntity, 'type' | 'objectType' | 'connectionId'>): Promise<void> {
    // Our own events (a sync finishing) must not start syncs, or two configs could chase each other.
    if (event.type.startsWith('integration.') || event.type === 'webhook.test') return;
    const crmObject = event.objectType ?? event.type.split('.')[0];
    const configs = await realtimeConfigs(this.db, organizationId, event.connectionId ?? null, crmObject);
    for (const config of configs) await this.syncRuns.trigger(organizationId, config.id, null, SyncTrigger.WEBHOOK);
  }
}
