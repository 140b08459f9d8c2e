import type { DataSource } from 'typeorm';
import type { ConnectorCatalog } from '../../connectors/connector.catalog';
import { DEFAULT_RATE_LIMIT } from '../../connectors/http/provider-http-pool';
import { isUuid } from '../../db/paginate';
import { NotFoundError } from '../../errors';
import type { SyncAnomaly, SyncInsights } from '../intelligence.type';
import { dataQualityFindings } from './data-quality';
import { recommendFrequency } from './frequency-advisor';
import { loadRecordSample } from './record-sample.queries';
import { recentAnomalies } from './run-anomalies';
import { loadRunHistory } from './run-history.queries';

const CONFIG = `
  SELECT c.id, c.frequency, c.direction, n.connector_key
    FROM sync_config c JOIN connection n ON n.id = c.connection_id
   WHERE c.id = $2 AND c.organization_id = $1`;

/**
 * syncInsights: three bounded reads (the config, its last 50 finished runs, a sample of the
 * records it synced), everything else computed here, so the cost does not grow with the
 * config's age or size.
 */
export class SyncInsightsService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: ConnectorCatalog,
  ) {}

  async insights(organizationId: string, syncConfigId: string): Promise<SyncInsights> {
    const [config]: { id: string; frequency: string; direction: string; connector_key: string }[] = isUuid(syncConfigId)
      ? await this.db.query(CONFIG, [organizationId, syncConfigId])
      : [];
    if (!config) throw new NotFoundError('SyncConfig', syncConfigId);
    const [history, sample, definition] = await Promise.all([
      loadRunHistory(this.db, organizationId, config.id),
      loadRecordSample(this.db, organizationId, config.id),
      this.catalog.definitionFor(organizationId, config.connector_key),
    ]);
    const latestCompleted = [...history].reverse().find((r) => r.status === 'COMPLETED');
    const rate = definition?.rateLimit ?? DEFAULT_RATE_LIMIT;
    const advice = recommendFrequency(history, config.frequency, config.direction, {
      provider: definition?.name ?? config.connector_key,
      limit: rate.limit,
      windowSeconds: rate.windowSeconds,
    });
    return {
      dataQualityIssues: dataQualityFindings(sample, latestCompleted?.startedAt ?? null),
      anomalies: recentAnomalies(history).map((a): SyncAnomaly => ({
        metric: a.metric,
        observed: a.observed,
        expected: a.expected,
        detectedAt: a.detectedAt,
        explanation: a.explanation,
      })),
      recommendedFrequency: advice.frequency,
      recommendationReason: advice.reason,
    };
  }
}
