import type { ConnectorCall } from './connector.handler';
import type { RecordedProviderEvent } from './event-change';

/** A signed document as the provider hands it over. */
export interface SignedDocumentFile {
  /** A file name for Content-Disposition (the envelope's subject, the agreement's name), without a path. */
  name: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * How an e-signature provider's finished envelopes or agreements become stored documents
 * (src/documents/): which of its objects they are, which statuses and events mean "completed",
 * and the call that downloads the combined PDF. Declared by the provider's folder (DocuSign,
 * Adobe Sign) and reached through the registry.
 */
export interface SignedDocumentSource {
  /** The connector object whose records are signed (DocuSign `envelopes`, Adobe Sign `agreements`). */
  object: string;
  /** The provider's word for completed, written on a contract record this service creates (DocuSign `completed`). */
  completedStatus: string;
  /** Whether a record's status (as the provider spells it) means every party has signed. */
  isCompleted(status: unknown): boolean;
  /** The external id of the envelope or agreement a verified event says completed, or null. */
  completedBy(event: RecordedProviderEvent): string | null;
  /** Metadata worth keeping on the CRM contract record when the provider's event carries it. */
  completedAt?(event: RecordedProviderEvent): Date | null;
  /** The combined PDF; more than `maxBytes` throws ResponseTooLargeError before it is all read. */
  download(call: ConnectorCall, externalId: string, maxBytes: number): Promise<SignedDocumentFile>;
}

/** A provider's title as a safe file name: no path separators, quotes or control characters, at most 120 characters. */
export function fileNameOf(title: unknown, fallback: string, extension = 'pdf'): string {
  const base = [...(typeof title === 'string' ? title : '')]
    // Control characters (C0 and DEL) would break the header line; path separators and quotes its syntax.
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || '\\/"'.includes(c) ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  const name = base || fallback;
  return name.toLowerCase().endsWith(`.${extension}`) ? name : `${name}.${extension}`;
}
