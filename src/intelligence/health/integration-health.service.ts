import type { DataSource } from 'typeorm';
import type { IntegrationHealth } from '../intelligence.type';
import { healthCounts } from '../sql/health-counts';

/** integrationHealth: the dashboard header's counts (sql/health-counts.ts says what each one is). */
export class IntegrationHealthService {
  constructor(private readonly db: DataSource) {}

  health(organizationId: string): Promise<IntegrationHealth> {
    return healthCounts(this.db, organizationId);
  }
}
