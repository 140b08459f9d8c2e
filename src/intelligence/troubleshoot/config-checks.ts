import type { ConnectionEntity } from '../../connections/connection.entity';
import { ConnectionStatus } from '../../connections/connection.enums';
import type { ConnectorDefinition, ObjectDefinition } from '../../connectors/connector.definition';
import { crmObject } from '../../sync/crm/crm-objects';
import type { FieldMappingEntity } from '../../sync/field-mapping.entity';
import type { SyncConfigEntity } from '../../sync/sync-config.entity';
import { SyncDirection } from '../../sync/sync.enums';
import { Severity } from '../intelligence.enums';
import { classifyError } from './error-classifier';
import type { DraftFinding } from './error-groups';
import { redactSecrets } from './error-signature';
import { FINDING_CATALOG, FindingCode } from './finding-catalog';

export interface ConfigCheckInput {
  connection: ConnectionEntity;
  definition: ConnectorDefinition | null;
  configs: SyncConfigEntity[];
  mappings: Map<string, FieldMappingEntity>;
  /** True when troubleshooting a whole connection (so "no configs" is worth saying). */
  connectionScope: boolean;
  now: Date;
}

function draft(code: FindingCode, detail: string | null, sample: string | null, severity?: Severity): DraftFinding {
  const catalog = FINDING_CATALOG[code];
  return {
    code,
    severity: severity ?? catalog.severity,
    title: catalog.title,
    explanation: detail ? `${catalog.explanation} ${detail}` : catalog.explanation,
    suggestedFix: catalog.suggestedFix,
    occurrences: 1,
    sample: sample === null ? null : redactSecrets(sample),
    lastSeen: null,
  };
}

/** The connection's own state: status, expiry, connector. */
function connectionChecks({ connection, definition, configs, connectionScope, now }: ConfigCheckInput): DraftFinding[] {
  const out: DraftFinding[] = [];
  const lastError = connection.lastError;
  if (connection.status === ConnectionStatus.EXPIRED) {
    out.push(draft('OAUTH_TOKEN_EXPIRED', `Connection "${connection.name}" is EXPIRED.`, lastError));
  } else if (connection.status === ConnectionStatus.DISCONNECTED) {
    out.push(draft('CONNECTION_DISCONNECTED', `Connection "${connection.name}" is DISCONNECTED.`, lastError));
  } else if (connection.status === ConnectionStatus.PENDING_AUTH) {
    out.push(draft('CONNECTION_PENDING_AUTH', `Connection "${connection.name}" is PENDING_AUTH.`, null));
  } else if (connection.status === ConnectionStatus.ERROR) {
    // The stored error says why; classified like any run error, so a 401 reads as bad credentials.
    const classified = lastError
      ? classifyError({
          message: lastError,
          code: null,
          level: 'error',
          at: now,
          runId: '',
          connectorKey: connection.connectorKey,
          authType: connection.authType,
        })
      : null;
    const code: FindingCode = classified && classified.code !== 'UNKNOWN_ERROR' ? classified.code : 'CONNECTION_ERROR';
    const finding = draft(code, `Connection "${connection.name}" is in ERROR.`, lastError, Severity.ERROR);
    if (classified?.explained && classified.explained.matchedBy !== 'http-status') finding.suggestedFix = classified.explained.suggestedFix;
    out.push(finding);
  } else if (connection.expiresAt && connection.expiresAt < now && connection.authType === 'OAUTH2') {
    out.push(
      draft(
        'OAUTH_TOKEN_EXPIRED',
        `The access token expired at ${connection.expiresAt.toISOString()}. ` +
          'It is refreshed on the next call when a refresh token was issued; if runs then fail with 401, reconnect.',
        null,
        Severity.WARNING,
      ),
    );
  }
  if (!definition) out.push(draft('CONNECTOR_MISSING', `Connector "${connection.connectorKey}" is unknown.`, connection.connectorKey));
  if (connectionScope && configs.length === 0) out.push(draft('NO_SYNC_CONFIGS', null, null));
  return out;
}

const firstSegment = (path: string) => path.split('.')[0];

/** One config: paused, mapping present and fitting both objects, direction possible. */
function syncConfigChecks(config: SyncConfigEntity, input: ConfigCheckInput): DraftFinding[] {
  const out: DraftFinding[] = [];
  const label = `Sync config "${config.name}"`;
  if (!config.isActive) out.push(draft('SYNC_CONFIG_PAUSED', `${label} is inactive.`, config.name));
  const object: ObjectDefinition | undefined = input.definition?.objects.find((o) => o.name === config.sourceObject);
  if (input.definition && !object)
    out.push(
      draft(
        'UNKNOWN_SOURCE_OBJECT',
        `${label} reads "${config.sourceObject}", which ${input.definition.name} does not offer (${input.definition.objects.map((o) => o.name).join(', ')}).`,
        config.sourceObject,
      ),
    );
  const writes = config.direction === SyncDirection.OUTBOUND || config.direction === SyncDirection.BIDIRECTIONAL;
  if (object && writes && !object.supportsWrite)
    out.push(
      draft('OBJECT_NOT_WRITABLE', `${label} is ${config.direction} but ${config.sourceObject} is read-only.`, `${config.sourceObject} (${config.direction})`),
    );

  const mapping = config.fieldMappingId ? input.mappings.get(config.fieldMappingId) : undefined;
  if (!mapping) {
    out.push(draft('NO_FIELD_MAPPING', `${label} has no field mapping.`, config.name));
    return out;
  }
  if (mapping.sourceObject !== config.sourceObject || mapping.targetObject !== config.targetObject) {
    out.push(
      draft(
        'MAPPING_OBJECT_MISMATCH',
        `Mapping "${mapping.name}" maps ${mapping.sourceObject} → ${mapping.targetObject}; ${label} syncs ${config.sourceObject} → ${config.targetObject}.`,
        mapping.name,
      ),
    );
  }
  const rules = Array.isArray(mapping.rules) ? mapping.rules : [];
  const crm = crmObject(config.targetObject);
  if (crm) {
    const known = new Set(crm.fields.map((f) => f.name));
    const unknown = rules.filter((r) => !known.has(firstSegment(r.targetField)));
    if (unknown.length) {
      const finding = draft(
        'MAPPING_UNKNOWN_FIELD',
        `Mapping "${mapping.name}" writes ${unknown.map((r) => r.targetField).join(', ')}, which ${config.targetObject} does not have.`,
        unknown.map((r) => `${r.sourceField} → ${r.targetField}`).join('; '),
      );
      finding.occurrences = unknown.length;
      out.push(finding);
    }
  }
  if (object && object.fields.length) {
    const declared = new Set(object.fields.map((f) => firstSegment(f.name)));
    const unknownSource = rules.filter((r) => !declared.has(firstSegment(r.sourceField)));
    if (unknownSource.length) {
      const finding = draft(
        'MAPPING_UNKNOWN_SOURCE_FIELD',
        `Mapping "${mapping.name}" reads ${unknownSource.map((r) => r.sourceField).join(', ')}, which ${config.sourceObject} does not declare.`,
        unknownSource.map((r) => `${r.sourceField} → ${r.targetField}`).join('; '),
      );
      finding.occurrences = unknownSource.length;
      out.push(finding);
    }
    if (writes) {
      const mapped = new Set(rules.map((r) => firstSegment(r.sourceField)));
      const missing = object.fields.filter((f) => f.required && f.name !== 'id' && !mapped.has(firstSegment(f.name)));
      if (missing.length) {
        out.push(
          draft(
            'REQUIRED_FIELD_MISSING',
            `${config.sourceObject} requires ${missing.map((f) => f.name).join(', ')} on write, and mapping "${mapping.name}" fills none of them.`,
            missing.map((f) => f.name).join(', '),
            Severity.WARNING,
          ),
        );
      }
    }
  }
  return out;
}

/** Every configuration problem in scope; the same code from several configs is one finding. */
export function configurationFindings(input: ConfigCheckInput): DraftFinding[] {
  const all = [...connectionChecks(input), ...input.configs.flatMap((config) => syncConfigChecks(config, input))];
  const byCode = new Map<FindingCode, DraftFinding>();
  for (const finding of all) {
    const seen = byCode.get(finding.code);
    if (!seen) {
      byCode.set(finding.code, finding);
      continue;
    }
    seen.occurrences += finding.occurrences;
    seen.explanation = `${seen.explanation} ${finding.explanation.slice(FINDING_CATALOG[finding.code].explanation.length).trim()}`;
    seen.sample = [seen.sample, finding.sample].filter(Boolean).join('; ').slice(0, 500) || null;
  }
  return [...byCode.values()];
}
