import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventOutbox, RecordedEvent } from '../../webhooks/event-outbox';
import { finishedRun } from '../sql/finished-run';
import { insertAlerts } from '../sql/insert-alerts';
import { loadRunHistory } from '../sql/run-history';
import { anomaliesOfRun } from './run-anomalies';

export const ANOMALY_EVENT_TYPE = 'integration.sync.anomaly';

/**
 * Watches runs as they end (SyncRunExecutor calls afterRun once the run's end has committed):
 * judges the run against the config's history and, when something is off, records one alert per
 * anomaly (streamed by the integrationAlert subscription) and one integration.sync.anomaly event
 * (delivered to webhooks), in one transaction so neither exists without the other.
 */
export class SyncRunMonitor {
  constructor(
    private readonly db: DataSource,
    private readonly events: EventOutbox,
    private readonly log: Logger,
  ) {}

  /** Never throws: a monitoring failure must not turn a finished run into a failed one. */
  async afterRun(runId: string): Promise<void> {
    try {
      await this.check(runId);
    } catch (error) {
      this.log.warn({ runId, err: (error as Error).message }, 'sync anomaly check failed');
    }
  }

  private async check(runId: string): Promise<void> {
    const run = await finishedRun(this.db, runId);
    if (!run) return;
    const org = run.organization_id;
    const history = await loadRunHistory(this.db, org, run.sync_config_id);
    const index = history.findIndex((r) => r.id === runId);
    if (index < 0) return;
    const anomalies = anomaliesOfRun(history, index);
    if (!anomalies.length) return;
    const recorded = await this.db.transaction(async (tx): Promise<RecordedEvent> => {
      await insertAlerts(
        tx,
        org,
        anomalies.map((a) => ({
          severity: a.severity,
          code: a.code,
          message: `${run.config_name}: ${a.explanation}`,
          syncConfigId: run.sync_config_id,
          connectionId: run.connection_id,
          syncRunId: runId,
          metric: a.metric,
          observed: a.observed,
          expected: a.expected,
          at: a.detectedAt,
        })),
      );
      return this.events.record(
        org,
        {
          type: ANOMALY_EVENT_TYPE,
          source: 'hotcrm',
          objectType: 'sync_run',
          recordId: runId,
          data: {
            syncRunId: runId,
            syncConfigId: run.sync_config_id,
            connectionId: run.connection_id,
            anomalies: anomalies.map((a) => ({
              code: a.code,
              metric: a.metric,
              severity: a.severity,
              observed: a.observed,
              expected: a.expected,
              detectedAt: a.detectedAt,
              explanation: a.explanation,
            })),
          },
          idempotencyKey: `sync_anomaly:${runId}`,
        },
        tx,
      );
    });
    if (recorded.created) this.events.announce(org, recorded.event);
    this.log.info({ runId, codes: anomalies.map((a) => a.code) }, 'sync anomaly detected');
  }
}
