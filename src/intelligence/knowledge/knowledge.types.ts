/**
 * The troubleshooting categories a provider error belongs to. They are the stable Finding codes
 * troubleshoot reports, so one provider's `api_key_expired` and another's `invalid_auth` land in
 * the same finding with the same fix.
 */
export type FindingKind =
  | 'OAUTH_TOKEN_EXPIRED'
  | 'INVALID_CREDENTIALS'
  | 'INSUFFICIENT_SCOPE'
  | 'RATE_LIMITED'
  | 'QUOTA_EXCEEDED'
  | 'PROVIDER_OUTAGE'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_BLOCKED'
  | 'MAPPING_TYPE_MISMATCH'
  | 'REQUIRED_FIELD_MISSING'
  | 'INVALID_REQUEST'
  | 'RESOURCE_NOT_FOUND'
  | 'DUPLICATE_RECORD'
  | 'ACCOUNT_RESTRICTED'
  | 'PAYMENT_DECLINED'
  | 'UNKNOWN_ERROR';

/** One documented error of one provider. */
export interface KnowledgeEntry {
  /** The provider's own code, exactly as its API sends it (card_declined, InvalidAuthenticationToken, 6240). */
  code: string;
  /** The HTTP status the provider documents for it, when it has one. */
  status?: number;
  kind: FindingKind;
  explanation: string;
  suggestedFix: string;
  /** Whether sending the same request again later can succeed without any change. */
  retryable: boolean;
  /** Message texts that identify the error when the code was lost (a log line keeps only the message). */
  patterns?: RegExp[];
}

/** A provider's documented errors, keyed by the names callers use for it. */
export interface ProviderKnowledge {
  /** Stable name of the knowledge base (microsoft-graph serves the teams and outlook connectors). */
  name: string;
  /** Connector keys and spellings that mean this provider; compared after normalisation. */
  aliases: string[];
  /** Where the codes come from, for whoever maintains the file. */
  source: string;
  entries: KnowledgeEntry[];
}
