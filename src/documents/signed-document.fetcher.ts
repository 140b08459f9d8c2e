import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ConnectionEntity } from '../connections/connection.entity';
import type { ConnectorRuntime } from '../connections/connector-runtime';
import { ProviderError } from '../connectors/http/provider-error';
import { ResponseTooLargeError } from '../connectors/http/provider-http';
import type { EventRecorder } from '../events/event-recorder';
import { signedDocumentSource } from '../providers/registry';
import type { CrmStore } from '../sync/crm/crm-store.port';
import { linkScopeOf } from '../sync/link-scope';
import { contractFor } from './contract-record';
import type { DocumentFetchJob, FetchesSignedDocuments } from './document-fetch.job';
import { insertStoredDocument, storedDocumentExists } from './sql/insert-stored-document';
import type { DocumentStore } from './storage/document-store.port';

/**
 * The storage key of a provider record's document: derived from its identity, so a download
 * repeated after a crash between storing the bytes and the row overwrites the same object.
 */
export function storageKeyOf(organizationId: string, provider: string, externalId: string): string {
  const id = createHash('sha256').update(`${organizationId}\u0000${provider}\u0000${externalId}`).digest('hex').slice(0, 40);
  return `documents/${provider}/${id}`;
}

/**
 * document.fetch: keeps the combined PDF of one completed envelope or agreement. Already kept
 * (the same completion seen twice): nothing. Otherwise download it (refused above
 * DOCUMENT_MAX_BYTES: logged, an integration.document.refused event, no retry), store the bytes,
 * find or write the contract record, then the row, once per (organization, provider, external
 * id). A provider failure throws, and pg-boss retries the job.
 */
export class SignedDocumentFetcher implements FetchesSignedDocuments {
  constructor(
    private readonly db: DataSource,
    private readonly runtime: ConnectorRuntime,
    private readonly crm: CrmStore,
    private readonly store: DocumentStore,
    private readonly events: EventRecorder,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  async fetch(job: DocumentFetchJob): Promise<void> {
    const { organizationId, provider, externalId } = job;
    const about = { organizationId, connectionId: job.connectionId, provider, externalId, seenBy: job.seenBy };
    if (await storedDocumentExists(this.db, organizationId, provider, externalId)) return;
    const connection = await this.db.getRepository(ConnectionEntity).findOne({ where: { id: job.connectionId, organizationId } });
    const source = connection && !connection.customConnectorId ? signedDocumentSource(connection.connectorKey) : undefined;
    if (!connection || !source || connection.connectorKey !== provider) {
      this.log.info(about, 'signed document not fetched: the connection is gone or cannot download documents');
      return;
    }
    const { call } = await this.runtime.bind(connection);
    let file;
    try {
      file = await source.download(call, externalId, this.maxBytes);
    } catch (error) {
      // Gone, or never in this account: asking again cannot help, unlike an outage or a refused token.
      if (error instanceof ProviderError && error.status === 404) {
        this.log.warn({ ...about, providerCode: error.providerCode }, 'signed document not fetched: the provider has no such envelope or agreement');
        return;
      }
      if (!(error instanceof ResponseTooLargeError)) throw error;
      await this.refuse(job, error.sizeBytes);
      return;
    }
    if (file.bytes.length > this.maxBytes) return this.refuse(job, file.bytes.length);

    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    const storageKey = storageKeyOf(organizationId, provider, externalId);
    await this.store.put(storageKey, { organizationId, bytes: file.bytes, contentType: file.contentType });
    const contractId = await contractFor(this.db, this.crm, {
      scope: linkScopeOf(connection),
      externalObject: source.object,
      externalId,
      status: source.completedStatus,
      completedAt: job.completedAt ? new Date(job.completedAt) : null,
    });
    const id = await insertStoredDocument(this.db, {
      organizationId,
      connectionId: connection.id,
      provider,
      externalId,
      name: file.name,
      contentType: file.contentType,
      sizeBytes: file.bytes.length,
      sha256,
      storage: this.store.kind,
      storageKey,
      internalObject: 'contract',
      internalId: contractId,
    });
    this.log.info(
      { ...about, documentId: id, sizeBytes: file.bytes.length, stored: id !== null },
      id ? 'signed document stored' : 'signed document was stored already',
    );
  }

  /** Too large: not stored, and said so in the log and as an event (never a retry: it would be as large next time). */
  private async refuse(job: DocumentFetchJob, sizeBytes: number): Promise<void> {
    const { organizationId, connectionId, provider, externalId } = job;
    this.log.warn(
      { organizationId, connectionId, provider, externalId, sizeBytes, maxBytes: this.maxBytes },
      `signed document refused: larger than DOCUMENT_MAX_BYTES (${this.maxBytes} bytes)`,
    );
    await this.events.record(organizationId, {
      type: 'integration.document.refused',
      source: 'hotcrm',
      objectType: 'stored_document',
      recordId: null,
      data: { provider, externalId, connectionId, sizeBytes, maxBytes: this.maxBytes, reason: 'DOCUMENT_TOO_LARGE', seenBy: job.seenBy },
      idempotencyKey: `document-refused:${provider}:${externalId}:${job.seenBy}`,
    });
  }
}
