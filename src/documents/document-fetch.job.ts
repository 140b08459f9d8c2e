import type PgBoss from 'pg-boss';
import type { QueueDefinition } from '../jobs/queues';

export const DOCUMENT_FETCH_QUEUE = 'document.fetch';

/** One completed envelope or agreement whose PDF is to be kept. */
export interface DocumentFetchJob {
  organizationId: string;
  connectionId: string;
  /** The connector key (docusign, adobe_sign). */
  provider: string;
  externalId: string;
  /** What saw the completion: a provider event's id, or the sync run that wrote the record. */
  seenBy: string;
  /** When the provider says it completed (ISO), for the contract record's signed_date. */
  completedAt: string | null;
}

/** What the queue needs of the fetcher (SignedDocumentFetcher), named here so neither imports the other. */
export interface FetchesSignedDocuments {
  fetch(job: DocumentFetchJob): Promise<void>;
}

/**
 * A provider outage or a 429 fails the job, and pg-boss retries it with backoff (5 s, 10 s, 20 s...
 * for about an hour and a half over 10 retries); a worker killed mid-download leaves the job active
 * until it expires, then it runs again. The handler is idempotent: a document already stored ends it.
 */
const RETRIES = 10;
const RETRY_DELAY_SECONDS = 5;
const EXPIRE_SECONDS = 300;

/**
 * The singleton key: one queued and one running job per (organization, provider, external id)
 * under the `stately` policy, so a webhook delivered twice, or a webhook and a sync seeing the same
 * completion, queue one download. The stored_document unique key is the final word.
 */
export function documentFetchKey(job: Pick<DocumentFetchJob, 'organizationId' | 'provider' | 'externalId'>): string {
  // Text columns refuse NUL; the parts are JSON-quoted so none can run into the next.
  return JSON.stringify([job.organizationId, job.provider, job.externalId]);
}

/** Sends the job in the caller's transaction (`db`): it exists if and only if the event that caused it committed. */
export function enqueueDocumentFetch(boss: PgBoss, job: DocumentFetchJob, db?: PgBoss.Db): Promise<string | null> {
  return boss.send(DOCUMENT_FETCH_QUEUE, job, { singletonKey: documentFetchKey(job), ...(db ? { db } : {}) });
}

export function documentFetchQueue(fetcher: FetchesSignedDocuments): QueueDefinition<DocumentFetchJob> {
  return {
    name: DOCUMENT_FETCH_QUEUE,
    options: { policy: 'stately', retryLimit: RETRIES, retryDelay: RETRY_DELAY_SECONDS, retryBackoff: true, expireInSeconds: EXPIRE_SECONDS },
    async work(job) {
      const data = job.data;
      if (!data || typeof data.organizationId !== 'string' || typeof data.connectionId !== 'string' || typeof data.externalId !== 'string') return; // not ours
      await fetcher.fetch(data);
    },
  };
}
