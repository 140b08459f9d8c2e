import type PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { EventFanOut, RecordedEventFacts } from '../events/event-fan-out';
import { bossExecutor } from '../jobs/boss-executor';
import { signedDocumentSource } from '../providers/registry';
import { type DocumentFetchJob, enqueueDocumentFetch } from './document-fetch.job';
import { findContractLinks } from './sql/find-contract-links';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The connector keys whose completed envelopes or agreements are downloaded. */
const SIGNING_PROVIDERS = ['docusign', 'adobe_sign'].filter((key) => signedDocumentSource(key));

/**
 * The outbox's documents step, in the event's transaction (so the download exists if and only if
 * the event committed, and a crash loses neither): a completion seen by
 * - a verified provider event (DocuSign Connect `envelope-completed`, Adobe Sign
 *   AGREEMENT_WORKFLOW_COMPLETED) on a connection, or
 * - a sync writing a `contract` record whose status the provider calls completed (an envelopes →
 *   contract config), named through the record's link to its envelope,
 * queues one document.fetch job per (organization, provider, envelope). Other events cost nothing:
 * a sync page's contract events cost one indexed SELECT of their links.
 */
export class DocumentFanOut implements EventFanOut {
  constructor(private readonly boss: PgBoss) {}

  fanOut(tx: EntityManager, organizationId: string, event: RecordedEventFacts): Promise<void> {
    return this.fanOutMany(tx, organizationId, [event]);
  }

  async fanOutMany(tx: EntityManager, organizationId: string, events: RecordedEventFacts[]): Promise<void> {
    const jobs: DocumentFetchJob[] = [];
    for (const event of events) {
      const job = this.fromProviderEvent(organizationId, event);
      if (job) jobs.push(job);
    }
    jobs.push(...(await this.fromContractWrites(tx, organizationId, events)));
    for (const job of jobs) await enqueueDocumentFetch(this.boss, job, bossExecutor(tx));
  }

  private fromProviderEvent(organizationId: string, event: RecordedEventFacts): DocumentFetchJob | null {
    const source = signedDocumentSource(event.source);
    if (!source || !event.connectionId) return null;
    const prefix = `${event.source}.`;
    const recorded = {
      type: event.type.startsWith(prefix) ? event.type.slice(prefix.length) : event.type,
      data: event.data,
      objectType: event.objectType,
      recordId: event.recordId,
      occurredAt: event.occurredAt,
    };
    const externalId = source.completedBy(recorded);
    if (!externalId) return null;
    const completedAt = source.completedAt?.(recorded) ?? event.occurredAt;
    return {
      organizationId,
      connectionId: event.connectionId,
      provider: event.source,
      externalId,
      seenBy: `event:${event.id}`,
      completedAt: completedAt.toISOString(),
    };
  }

  /** contract.created / contract.updated written by a sync, whose status reads as completed to the provider it came from. */
  private async fromContractWrites(tx: EntityManager, organizationId: string, events: RecordedEventFacts[]): Promise<DocumentFetchJob[]> {
    const writes = events.filter(
      (e) => e.source === 'hotcrm' && e.objectType === 'contract' && e.recordId && isObject(e.data) && isObject(e.data.sync) && e.data.status !== undefined,
    );
    if (!writes.length) return [];
    const links = await findContractLinks(
      tx,
      organizationId,
      writes.map((e) => e.recordId!),
      SIGNING_PROVIDERS,
    );
    const jobs: DocumentFetchJob[] = [];
    for (const event of writes) {
      const data = event.data as Record<string, unknown>;
      const sync = data.sync as Record<string, unknown>;
      for (const link of links.filter((l) => l.internal_id === event.recordId)) {
        if (!signedDocumentSource(link.provider)?.isCompleted(data.status)) continue;
        const signed = typeof data.signed_date === 'string' && !Number.isNaN(Date.parse(data.signed_date)) ? new Date(data.signed_date) : null;
        jobs.push({
          organizationId,
          connectionId: typeof sync.connectionId === 'string' ? sync.connectionId : link.connection_id,
          provider: link.provider,
          externalId: link.external_id,
          seenBy: `sync:${String(sync.syncRunId)}`,
          completedAt: (signed ?? event.occurredAt).toISOString(),
        });
      }
    }
    return jobs;
  }
}
