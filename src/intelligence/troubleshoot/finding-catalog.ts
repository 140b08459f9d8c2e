import { Severity } from '../intelligence.enums';
import type { FindingKind } from '../knowledge/knowledge.types';

export interface CatalogEntry {
  severity: Severity;
  title: string;
  explanation: string;
  suggestedFix: string;
}

/** Codes only the configuration checks report (no provider error maps to them). */
export type ConfigFindingCode =
  | 'CONNECTION_DISCONNECTED'
  | 'CONNECTION_PENDING_AUTH'
  | 'CONNECTION_ERROR'
  | 'CONNECTOR_MISSING'
  | 'NO_SYNC_CONFIGS'
  | 'SYNC_CONFIG_PAUSED'
  | 'NO_FIELD_MAPPING'
  | 'MAPPING_OBJECT_MISMATCH'
  | 'MAPPING_UNKNOWN_FIELD'
  | 'MAPPING_UNKNOWN_SOURCE_FIELD'
  | 'UNKNOWN_SOURCE_OBJECT'
  | 'OBJECT_NOT_WRITABLE'
  | 'PARENT_NOT_LINKED';

export type FindingCode = FindingKind | ConfigFindingCode;

const c = (severity: Severity, title: string, explanation: string, suggestedFix: string): CatalogEntry => ({ severity, title, explanation, suggestedFix });

/**
 * Every stable Finding code troubleshoot can report, with its default severity, title, plain
 * explanation and the configuration change that fixes it. Provider knowledge refines the
 * explanation and fix when the error is one a provider documents.
 */
export const FINDING_CATALOG: Record<FindingCode, CatalogEntry> = {
  OAUTH_TOKEN_EXPIRED: c(
    Severity.CRITICAL,
    'Authorization expired',
    "The provider no longer accepts the connection's OAuth tokens and refreshing them failed, so every run fails until someone signs in again.",
    'Reconnect: startOAuth then completeOAuth with the same connector (the connection keeps its syncs and links).',
  ),
  INVALID_CREDENTIALS: c(
    Severity.CRITICAL,
    'Credentials refused',
    "The provider rejects the connection's credentials (wrong, revoked or expired key or secret), so no request gets through.",
    'Save working credentials with updateConnection(id, { credentials }) and check them with testConnection.',
  ),
  INSUFFICIENT_SCOPE: c(
    Severity.ERROR,
    'Missing permission or scope',
    'The credentials work but lack a permission or OAuth scope the synced object needs.',
    'Grant the missing scope or permission to the app or key at the provider, then reconnect so the token carries it.',
  ),
  RATE_LIMITED: c(
    Severity.WARNING,
    'Rate limited by the provider',
    'The provider asked us to slow down. Requests are retried with backoff, but runs take longer and can fail when the limit persists.',
    'Lower the sync frequency (updateSyncConfig frequency) or stagger configs that share this connection.',
  ),
  QUOTA_EXCEEDED: c(
    Severity.ERROR,
    'Provider quota exhausted',
    'A daily or hourly quota at the provider is used up; requests fail until it resets.',
    'Sync less often, prefer webhooks (realtime frequency) to polling, or raise the quota with the provider.',
  ),
  PROVIDER_OUTAGE: c(
    Severity.WARNING,
    'Provider errors or outage',
    'The provider answered with server errors or dropped connections. This is on their side and usually passes; runs retry and resume from their last page.',
    "Nothing to change in the configuration; check the provider's status page and re-run when it recovers.",
  ),
  TARGET_UNREACHABLE: c(
    Severity.ERROR,
    'Provider unreachable',
    "No connection could be made to the provider's address (refused, DNS failure or network timeout).",
    "Check the connection's base URL (updateConnection config.baseUrl) and that the service can reach that host.",
  ),
  TARGET_BLOCKED: c(
    Severity.ERROR,
    'Target address refused',
    "The provider's address resolves to a private or internal network address, which outbound calls refuse for safety.",
    'Use a public base URL for the connection.',
  ),
  MAPPING_TYPE_MISMATCH: c(
    Severity.ERROR,
    'Values do not fit the mapping',
    'A field mapping transform cannot convert some source values, so those records are skipped.',
    "Change the rule's transform to match the data (updateFieldMapping), add a defaultValue, or clean the source values.",
  ),
  REQUIRED_FIELD_MISSING: c(
    Severity.ERROR,
    'Required field not mapped',
    'The receiving side requires a field that the mapping does not fill, so writes are refused.',
    'Add a mapping rule (or a defaultValue) for the required field with updateFieldMapping.',
  ),
  INVALID_REQUEST: c(
    Severity.ERROR,
    'Provider refused the request',
    'The provider rejected requests as invalid; the message names the field or value.',
    'Fix the mapping rule or config value the provider names.',
  ),
  RESOURCE_NOT_FOUND: c(
    Severity.WARNING,
    'Records not found at the provider',
    'The provider does not know some ids we sent (deleted records, another account, or test vs live mode).',
    'Check the connection points at the right account and environment; a FULL run relinks records.',
  ),
  DUPLICATE_RECORD: c(
    Severity.WARNING,
    'Duplicate records refused',
    'The provider refused to create records because one with the same unique value already exists.',
    'Map a value that is unique at the provider, or link existing records before creating new ones.',
  ),
  ACCOUNT_RESTRICTED: c(
    Severity.ERROR,
    'Provider account restricted',
    'The provider account is not allowed to do this (plan, billing, verification or admin policy).',
    "Resolve the account's status with the provider.",
  ),
  PAYMENT_DECLINED: c(
    Severity.INFO,
    'Payments declined',
    "Payments were declined by the card issuer; this is about the customer's payment method, not the integration.",
    'No configuration change; ask the customer for another payment method.',
  ),
  UNKNOWN_ERROR: c(
    Severity.WARNING,
    'Unrecognised errors',
    'Errors that match no documented provider error or known pattern.',
    "Read the sample message; run testConnection and check the provider's status page.",
  ),
  CONNECTION_DISCONNECTED: c(
    Severity.CRITICAL,
    'Connection disconnected',
    "The connection's credentials were removed (disconnect), so its syncs cannot run.",
    'Reconnect: updateConnection with credentials, or startOAuth/completeOAuth.',
  ),
  CONNECTION_PENDING_AUTH: c(
    Severity.ERROR,
    'Authorization never completed',
    'The connection is waiting for the OAuth flow to finish.',
    'Complete the OAuth flow (completeOAuth) or start it again with startOAuth.',
  ),
  CONNECTION_ERROR: c(
    Severity.ERROR,
    'Connection in error',
    'The last call through this connection failed and it is marked ERROR.',
    "Read the connection's lastError, fix the credentials or config, and run testConnection.",
  ),
  CONNECTOR_MISSING: c(
    Severity.CRITICAL,
    'Connector no longer exists',
    'The connection names a connector that no longer exists (a deleted custom connector).',
    'Recreate the custom connector with the same key or move the syncs to another connection.',
  ),
  NO_SYNC_CONFIGS: c(
    Severity.INFO,
    'Nothing syncs through this connection',
    'The connection has no sync configs, so no runs or logs exist to examine.',
    'Create a sync config with createSyncConfig if data should flow.',
  ),
  SYNC_CONFIG_PAUSED: c(
    Severity.WARNING,
    'Sync paused',
    'The sync config is inactive, so scheduled runs do not happen.',
    'Set isActive: true with updateSyncConfig when the sync should run again.',
  ),
  NO_FIELD_MAPPING: c(
    Severity.WARNING,
    'No field mapping',
    'Without a field mapping only fields named the same on both sides are copied.',
    'Create a field mapping (suggestFieldMappings can propose one) and attach it with updateSyncConfig fieldMappingId.',
  ),
  MAPPING_OBJECT_MISMATCH: c(
    Severity.WARNING,
    'Mapping made for other objects',
    'The attached field mapping was written for different source or target objects than this sync config uses.',
    "Attach a mapping for these objects, or update the mapping's objects and fields.",
  ),
  MAPPING_UNKNOWN_FIELD: c(
    Severity.ERROR,
    'Mapping writes fields the object lacks',
    'Rules of the field mapping write to fields the HotCRM object does not have, so records are refused or the values are lost.',
    "Change those rules' targetField to fields the object has (updateFieldMapping).",
  ),
  MAPPING_UNKNOWN_SOURCE_FIELD: c(
    Severity.WARNING,
    'Mapping reads fields the provider does not declare',
    "Rules read source fields the connector's schema for this object does not list, so they are usually empty.",
    "Check the field names against the connector's object fields (connector(key) { objects { fields } }) and fix the rules.",
  ),
  UNKNOWN_SOURCE_OBJECT: c(
    Severity.ERROR,
    'Provider object does not exist',
    'The sync config names an object the connector does not offer.',
    "Point the sync config at one of the connector's objects.",
  ),
  OBJECT_NOT_WRITABLE: c(
    Severity.ERROR,
    'Provider object is read-only',
    'The config writes to the provider (OUTBOUND or BIDIRECTIONAL) but the connector cannot write this object.',
    'Change the direction to INBOUND with updateSyncConfig.',
  ),
  PARENT_NOT_LINKED: c(
    Severity.WARNING,
    'Payments for invoices not synced yet',
    'Payments refer to invoices that are not linked to HotCRM invoices on this connection, so they are skipped for now.',
    'Sync the invoices first (their config), then run a FULL sync of payments.',
  ),
};

const ORDER = [Severity.INFO, Severity.WARNING, Severity.ERROR, Severity.CRITICAL];

export function severityRank(severity: Severity): number {
  return ORDER.indexOf(severity);
}
