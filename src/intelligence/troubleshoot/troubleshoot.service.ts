import type { DataSource } from 'typeorm';
import type { ConnectionEntity } from '../../connections/connection.entity';
import type { ConnectorCatalog } from '../../connectors/connector.catalog';
import { BadUserInputError, NotFoundError } from '../../errors';
import type { SyncConfigEntity } from '../../sync/sync-config.entity';
import type { TroubleshootingReport } from '../intelligence.type';
import { configurationFindings } from './config-checks';
import type { ErrorEvent } from './error-classifier';
import { DraftFinding, findingsFromErrors } from './error-groups';
import { FINDING_CATALOG, severityRank } from './finding-catalog';
import { RunRow, TroubleshootQueries } from './troubleshoot.queries';
import { summarise } from './troubleshoot.summary';

export interface TroubleshootTarget {
  connectionId?: string | null;
  syncConfigId?: string | null;
}

/**
 * troubleshoot(connectionId | syncConfigId): reads the scope's recent runs and their warn/error
 * log lines, groups the errors into findings, adds what the configuration itself shows, and
 * orders the findings most urgent first. For a connection, its automations' recently FAILED runs
 * count as errors too (a Slack not_in_channel is explained like a sync's). Webhook deliveries are not read: a subscription belongs
 * to the organization, not to a connection or sync config, so none of its failures is this
 * scope's (webhookDelivery and its attempts report those).
 */
export class TroubleshootService {
  private readonly queries: TroubleshootQueries;

  constructor(
    db: DataSource,
    private readonly catalog: ConnectorCatalog,
  ) {
    this.queries = new TroubleshootQueries(db);
  }

  async troubleshoot(organizationId: string, target: TroubleshootTarget, now = new Date()): Promise<TroubleshootingReport> {
    const { connection, configs, label } = await this.scope(organizationId, target);
    const definition = await this.catalog.definitionFor(organizationId, connection.connectorKey);
    const mappingIds = configs.map((c) => c.fieldMappingId).filter((id): id is string => !!id);
    const [mappings, runs] = await Promise.all([
      this.queries.mappings(organizationId, mappingIds),
      this.queries.recentRuns(
        organizationId,
        configs.map((c) => c.id),
      ),
    ]);
    const events = [
      ...(await this.events(organizationId, runs, connection)),
      ...(target.syncConfigId ? [] : await this.automationEvents(organizationId, connection)),
    ];
    const fromErrors = findingsFromErrors(events, runs);
    const fromConfig = configurationFindings({ connection, definition, configs, mappings, connectionScope: !target.syncConfigId, now });
    const findings = merge(fromErrors, fromConfig).sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.occurrences - a.occurrences);
    return { summary: summarise(label, findings, runs), findings: findings.map(({ lastSeen: _lastSeen, ...finding }) => finding) };
  }

  private async scope(
    organizationId: string,
    target: TroubleshootTarget,
  ): Promise<{ connection: ConnectionEntity; configs: SyncConfigEntity[]; label: string }> {
    const given = [target.connectionId, target.syncConfigId].filter((v) => v !== null && v !== undefined);
    if (given.length !== 1)
      throw new BadUserInputError('Give exactly one of connectionId or syncConfigId', target.connectionId ? 'syncConfigId' : 'connectionId');
    if (target.syncConfigId) {
      const config = await this.queries.config(organizationId, target.syncConfigId);
      if (!config) throw new NotFoundError('SyncConfig', target.syncConfigId);
      const connection = await this.queries.connection(organizationId, config.connectionId);
      if (!connection) throw new NotFoundError('SyncConfig', target.syncConfigId); // cascade makes this unreachable
      return { connection, configs: [config], label: `Sync config "${config.name}" (${connection.connectorKey})` };
    }
    const connection = await this.queries.connection(organizationId, target.connectionId!);
    if (!connection) throw new NotFoundError('Connection', target.connectionId!);
    return {
      connection,
      configs: await this.queries.configsOf(organizationId, connection.id),
      label: `Connection "${connection.name}" (${connection.connectorKey})`,
    };
  }

  /**
   * Every warn/error log line is one event. A failed run's errorDetails counts only when the run
   * logged no error line itself (the engine writes both, and one failure must count once).
   */
  private async events(organizationId: string, runs: RunRow[], connection: ConnectionEntity): Promise<ErrorEvent[]> {
    const lines = await this.queries.problemLines(
      organizationId,
      runs.map((r) => r.id),
    );
    const base = { connectorKey: connection.connectorKey, authType: connection.authType };
    const events: ErrorEvent[] = lines.map((l) => ({ ...base, message: l.message, code: l.code, level: l.level, at: l.at, runId: l.syncRunId }));
    const logged = new Set(lines.filter((l) => l.level === 'error').map((l) => l.syncRunId));
    for (const run of runs) {
      if (run.status === 'FAILED' && run.errorDetails && !logged.has(run.id))
        events.push({ ...base, message: run.errorDetails, code: null, level: 'error', at: run.at, runId: run.id });
    }
    return events;
  }

  /** Each recently FAILED automation run of the connection is one error, named by its automation. */
  private async automationEvents(organizationId: string, connection: ConnectionEntity): Promise<ErrorEvent[]> {
    const failures = await this.queries.automationFailures(organizationId, connection.id);
    return failures.map((f) => ({
      connectorKey: connection.connectorKey,
      authType: connection.authType,
      message: `Automation "${f.automationName}": ${f.error}`,
      code: null,
      level: 'error' as const,
      at: f.at,
      runId: f.runId,
    }));
  }
}

/**
 * A configuration finding and an error finding with the same code are one problem seen two ways
 * (connection EXPIRED, runs failing with 401): one finding, the state's explanation first, the
 * errors' count and sample, the higher severity.
 */
function merge(fromErrors: DraftFinding[], fromConfig: DraftFinding[]): DraftFinding[] {
  const byCode = new Map(fromErrors.map((f) => [f.code, f]));
  const out = [...fromErrors];
  for (const config of fromConfig) {
    const errors = byCode.get(config.code);
    if (!errors) {
      out.push(config);
      continue;
    }
    errors.severity = severityRank(config.severity) > severityRank(errors.severity) ? config.severity : errors.severity;
    // Both start with the catalog's explanation; say it once.
    const shared = FINDING_CATALOG[config.code].explanation;
    errors.explanation = `${config.explanation} ${errors.explanation.startsWith(shared) ? errors.explanation.slice(shared.length).trim() : errors.explanation}`;
    errors.sample = errors.sample ?? config.sample;
  }
  return out;
}
