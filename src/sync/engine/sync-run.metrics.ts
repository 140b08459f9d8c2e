import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Metrics } from '../../http/metrics';

const ENDED_RUN = `
  SELECT r.status, r.duration_ms, r.records_created, r.records_updated, r.records_failed, r.records_deleted,
         c.direction, n.connector_key
    FROM sync_run r
    JOIN sync_config c ON c.id = r.sync_config_id
    JOIN connection n ON n.id = c.connection_id
   WHERE r.id = $1`;

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
      const [row] = await this.db.query(ENDED_RUN, [runId]);
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
