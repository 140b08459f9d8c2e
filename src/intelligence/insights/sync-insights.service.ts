import type { DataSource } from 'typeorm';
import type { ConnectorCatalog } from '../../connectors/connector.catalog';
import { DEFAULT_RATE_LIMIT } from '../../connectors/http/provider-http-pool';
import { isUuid } from '../../db/paginate';
import { NotFoundError } from '../../errors';
import type { IntegrationAlert, SyncAnomaly, SyncInsights } from '../intelligence.type';
import { dataQualityFindings } from './data-quality';
import { recommendFrequency } from './frequency-advisor';
import { insightsConfig } from '../sql/insights-config';
import { loadAlert } from '../sql/load-alert';
import { loadRecordSample } from '../sql/record-sample';
import { recentAnomalies } from './run-anomalies';
import { loadRunHistory } from '../sql/run-history';

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
    const config = isUuid(syncConfigId) ? await insightsConfig(this.db, organizationId, syncConfigId) : undefined;
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

  /** One alert of the organization, as the integrationAlert subscription sends it; null when absent or another org's. */
  alert(organizationId: string, id: string): Promise<IntegrationAlert | null> {
    return loadAlert(this.db, organizationId, id);
  }
}
