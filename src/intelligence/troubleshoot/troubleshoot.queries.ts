import type { DataSource } from 'typeorm';
import { isUuid } from '../../db/paginate';
import { ConnectionEntity } from '../../connections/connection.entity';
import { FieldMappingEntity } from '../../sync/field-mapping.entity';
import { SyncConfigEntity } from '../../sync/sync-config.entity';
import { loadProblemLogLines } from '../sql/problem-log-lines';
import { loadRecentAutomationFailures } from '../sql/recent-automation-failures';
import { loadRecentRuns } from '../sql/recent-runs';

/** How far back troubleshooting looks: enough runs to see a pattern, few enough to stay current. */
export const RECENT_RUNS = 20;
/** Automation runs of a connection looked at: its automations' newest, of which the failed ones count. */
export const RECENT_AUTOMATION_RUNS = 50;
/** Warn and error lines read from those runs; a run that fails per record can log thousands. */
export const MAX_LOG_LINES = 2000;

export interface RunRow {
  id: string;
  syncConfigId: string;
  status: string;
  errorDetails: string | null;
  at: Date;
}

export interface AutomationFailure {
  runId: string;
  automationName: string;
  error: string;
  at: Date;
}

export interface LogRow {
  syncRunId: string;
  level: 'warn' | 'error';
  message: string;
  code: string | null;
  at: Date;
}

/**
 * The reads troubleshoot needs, each scoped by organization_id: a row of another organization
 * is as absent as one that never existed.
 */
export class TroubleshootQueries {
  constructor(private readonly db: DataSource) {}

  async connection(organizationId: string, id: string): Promise<ConnectionEntity | null> {
    return isUuid(id) ? this.db.getRepository(ConnectionEntity).findOne({ where: { organizationId, id } }) : null;
  }

  async config(organizationId: string, id: string): Promise<SyncConfigEntity | null> {
    return isUuid(id) ? this.db.getRepository(SyncConfigEntity).findOne({ where: { organizationId, id } }) : null;
  }

  async configsOf(organizationId: string, connectionId: string): Promise<SyncConfigEntity[]> {
    return this.db.getRepository(SyncConfigEntity).find({ where: { organizationId, connectionId }, order: { createdAt: 'ASC' } });
  }

  async mappings(organizationId: string, ids: string[]): Promise<Map<string, FieldMappingEntity>> {
    if (!ids.length) return new Map();
    const rows = await this.db
      .getRepository(FieldMappingEntity)
      .createQueryBuilder('m')
      .where('m.organization_id = :organizationId AND m.id = ANY(:ids::uuid[])', { organizationId, ids })
      .getMany();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The newest runs of the configs, newest first. */
  async recentRuns(organizationId: string, configIds: string[]): Promise<RunRow[]> {
    if (!configIds.length) return [];
    const rows = await loadRecentRuns(this.db, organizationId, configIds, RECENT_RUNS);
    return rows.map((r) => ({ id: r.id, syncConfigId: r.sync_config_id, status: r.status, errorDetails: r.error_details, at: new Date(r.at) }));
  }

  /** Warn and error lines of those runs (info lines say nothing went wrong), newest first. */
  async problemLines(organizationId: string, runIds: string[]): Promise<LogRow[]> {
    if (!runIds.length) return [];
    const rows = await loadProblemLogLines(this.db, organizationId, runIds, MAX_LOG_LINES);
    return rows.map((r) => ({ syncRunId: r.sync_run_id, level: r.level, message: r.message, code: r.code, at: new Date(r.at) }));
  }

  /** FAILED runs among the newest runs of the connection's automations, newest first. */
  async automationFailures(organizationId: string, connectionId: string): Promise<AutomationFailure[]> {
    const rows = await loadRecentAutomationFailures(this.db, organizationId, connectionId, RECENT_AUTOMATION_RUNS);
    return rows.map((r) => ({ runId: r.id, automationName: r.automation_name, error: r.error, at: new Date(r.at) }));
  }
}
