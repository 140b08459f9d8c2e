import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../../connections/connection.entity';
import type { ConnectorRuntime } from '../../connections/connector-runtime';
import type { ConnectorRecord } from '../../connectors/connector.handler';
import type { EventChange, EventChangeReader } from '../../connectors/event-change';
import { ProviderError } from '../../connectors/http/provider-error';
import { eventChangeReader } from '../../providers/registry';
import type { IntegrationEventEntity } from '../../webhooks/integration-event.entity';
import { lockConfigEvents } from '../sql/lock-config-events';
import type { RealtimeConfigRow } from '../sql/realtime-configs';
import type { SyncRunEntity } from '../sync-run.entity';
import { SyncDirection, SyncMode, SyncRunStatus, SyncTrigger } from '../sync.enums';
import type { EventPage } from './event-page';
import type { SyncRunExecutor } from './sync-run.executor';
import { SyncRunRecorder } from './sync-run.recorder';
import { KeyedQueue } from './keyed-queue';

/** Event applications at once in this process (the pool has 10 connections; each takes up to three: its lock, its run's). */
const EVENTS_AT_ONCE = 2;

export type AppliedEvent = Pick<IntegrationEventEntity, 'id' | 'type' | 'data' | 'objectType' | 'recordId' | 'occurredAt' | 'connectionId'>;

/**
 * Realtime from the event itself: a verified provider event that carries or names one record
 * (Stripe's `data.object`, a QuickBooks entity, a Graph message) updates that record in the
 * connection's realtime INBOUND and BIDIRECTIONAL configs of its object, as a one-record run (trigger WEBHOOK)
 * through the same page machinery as any inbound run (mapping, matchOn, links, counts), so
 * nothing is re-listed. The run's page carries the provider's version of the record: a state
 * older than its link's source_version changes nothing (inbound-sync.ts), so events arriving out
 * of order, or after a newer run, never overwrite newer data.
 *
 * Events of one config apply one at a time (an advisory lock), across replicas. An event lost to
 * a crash before it applied is read by the config's next incremental run (its safety poll).
 * A bidirectional config's event run is its phase 1 for that record only (the three-way merge
 * with the CRM record; HotCRM's own changes wait for its next run). Events naming nothing keep the
 * realtime trigger (a whole incremental run), which the caller (RealtimeSyncTrigger) falls back
 * to for configs not applied.
 */
export class EventApplier {
  private readonly recorder: SyncRunRecorder;
  /**
   * Each application holds a pooled connection for its lock while the run takes others: in this
   * process, one at a time per config and a few at once, so a burst of events cannot take the
   * whole pool waiting on one config's lock.
   */
  private readonly queue = new KeyedQueue(EVENTS_AT_ONCE);

  constructor(
    private readonly db: DataSource,
    private readonly runtime: ConnectorRuntime,
    private readonly executor: Pick<SyncRunExecutor, 'execute'>,
    private readonly log: Logger,
  ) {
    this.recorder = new SyncRunRecorder(db);
  }

  /** Applies the event to those of `configs` it can; answers their ids (the others are the caller's to trigger). */
  async apply(organizationId: string, event: AppliedEvent, configs: RealtimeConfigRow[]): Promise<Set<string>> {
    const applied = new Set<string>();
    if (!event.connectionId) return applied;
    const connection = await this.db.getRepository(ConnectionEntity).findOne({ where: { id: event.connectionId, organizationId } });
    const reader = connection && !connection.customConnectorId ? eventChangeReader(connection.connectorKey) : undefined;
    if (!connection || !reader) return applied;
    const prefix = `${connection.connectorKey}.`;
    const change = reader.read({
      type: event.type.startsWith(prefix) ? event.type.slice(prefix.length) : event.type,
      data: event.data,
      objectType: event.objectType ?? null,
      recordId: event.recordId ?? null,
      occurredAt: event.occurredAt ?? null,
    });
    const targets = change
      ? configs.filter(
          (c) => [SyncDirection.INBOUND, SyncDirection.BIDIRECTIONAL].includes(c.direction as SyncDirection) && c.source_object === change.externalObject,
        )
      : [];
    if (!change || !targets.length) return applied;
    const page = await this.pageOf(connection, reader, change);
    if (!page) return applied;
    for (const config of targets) {
      await this.queue.run(config.id, () =>
        this.db.transaction(async (manager) => {
          await lockConfigEvents(manager, organizationId, config.id);
          const run = await this.start(organizationId, config.id);
          await this.executor.execute(run.id, `event:${event.id}`, page);
        }),
      );
      applied.add(config.id);
    }
    return applied;
  }

  /**
   * The event's run, committed RUNNING with a heartbeat once its turn has come (never QUEUED
   * without a job, nor aging while it waits): should this process die before it ends, orphan
   * recovery hands it to a job, which reads the change feed instead.
   */
  private start(organizationId: string, syncConfigId: string): Promise<SyncRunEntity> {
    return this.db.transaction(async (manager) => {
      const run = await this.recorder.create(manager, {
        organizationId,
        syncConfigId,
        status: SyncRunStatus.QUEUED,
        trigger: SyncTrigger.WEBHOOK,
        mode: SyncMode.INCREMENTAL,
      });
      await this.recorder.status(run, { status: SyncRunStatus.RUNNING, heartbeatAt: new Date() } as Partial<SyncRunEntity>, manager);
      return run;
    });
  }

  /**
   * The event's page: the record it carries, or the one it names read by id (QuickBooks, Graph),
   * or its deletion. Null when the record cannot be read (gone since, or the connector cannot read
   * one record): the caller's incremental run then reads the change.
   */
  private async pageOf(connection: ConnectionEntity, reader: EventChangeReader, change: EventChange): Promise<EventPage | null> {
    const at = (version: number) => ({ [change.externalId]: version });
    if (change.deleted) return { records: [], deleted: [change.externalId], versions: at(change.version), nextCursor: null };
    let record: ConnectorRecord | undefined = change.record;
    let version = change.version;
    if (!record) {
      const { handler, call } = await this.runtime.bind(connection);
      if (!handler.get) return null;
      try {
        record = await handler.get(call, change.externalObject, change.externalId);
      } catch (error) {
        if (!(error instanceof ProviderError) || error.status !== 404) throw error;
        this.log.info({ connectionId: connection.id, object: change.externalObject }, 'event names a record the provider no longer has');
        return null;
      }
      version = reader.versionOf?.(record) ?? version;
    }
    return { records: [record], versions: at(version), nextCursor: null };
  }
}
