import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Metrics } from '../../http/metrics';
import { endedRun } from '../sql/ended-run';

/**
 * Counts each run as it ends (SyncRunExecutor calls afterRun once the end has committed), from
 * the committed row: the totals of every attempt and page, counted once by the process that
 * ended the run.
 */
export class SyncRunMetrics {
  constructor(
    private readonly db: DataSource,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Never throws: metrics must not turn a finished run into a failed one. */
  async afterRun(runId: string): Promise<void> {
    try {
      const row = await endedRun(this.db, runId);
      if (!row) return;
      this.metrics.syncRunEnded({
        connectorKey: row.connector_key,
        direction: row.direction,
        status: row.status,
        durationMs: row.duration_ms,
        created: row.records_created,
        updated: row.records_updated,
        failed: row.records_failed,
        deleted: row.records_deleted,
      });
    } catch (error) {
      this.log.warn({ runId, err: (error as Error).message }, 'sync run metrics failed');
    }
  }
}
