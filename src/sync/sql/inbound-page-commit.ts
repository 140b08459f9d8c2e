import type { DataSource, EntityManager } from 'typeorm';
import { preparedQuery, preparedQueryIn } from '../../db/sql/prepared-query';
import { linksUpsert, noCrmRecords, ownedRun, PAGE_PARAMS, PageBind, PageParam, RUN_CHANGE_NOTICE, runCounters, seenIds } from './inbound-page-fragments';
import type { LinkScope } from '../link-scope';
import type { SqlFragment } from './sql-fragment';
import type { CrmRecordsBind, WrittenCrmRecord } from './upsert-crm-records';

/** A changed record's link as the page commits it. */
export interface PageLink {
  internalId: string;
  externalId: string;
  data: Record<string, unknown>;
  hash: string;
  source: string | null;
  /** The provider's version (epoch ms) of the record's state, when the read gave one. */
  version?: number | null;
}

/** Everything one inbound page commits. */
export interface InboundPage {
  /** The provider account's links the page writes (organization and provider included). */
  scope: LinkScope;
  connectionId: string;
  syncConfigId: string;
  /** The CRM object (the config's target). */
  internalObject: string;
  externalObject: string;
  runId: string;
  jobId: string | null;
  links: PageLink[];
  /** The ids the page saw (complete reads), else null. */
  seen: string[] | null;
  /** `matched`: how many of the merged records (in `updated` or written by `records`) were linked by matchOn. */
  counts: { processed: number; created: number; updated: number; failed: number; matched: number };
  pageCursor: string | null;
  nextCheckpoint: unknown;
  /** CRM records a store in this database writes in the statement: its fragment and the rows. */
  records: { fragment: SqlFragment<CrmRecordsBind>; rows: { id: string; data: Record<string, unknown> }[] } | null;
}

const BIND: PageBind = {
  p: Object.fromEntries(PAGE_PARAMS.map((name, index) => [name, `$${index + 1}`])) as Record<PageParam, string>,
  owned: 'EXISTS (SELECT 1 FROM owned)',
};

/** The store's record write as a fragment of this statement: its placeholders and condition bound to the page's. */
function boundRecords(fragment: SqlFragment<CrmRecordsBind>): SqlFragment<PageBind> {
  return {
    name: fragment.name,
    text: ({ p, owned }) => fragment.text({ organization: p.organizationId, object: p.internalObject, rows: p.records, when: owned }),
  };
}

/** The statement's text, composed once per records fragment (two texts in practice: with and without). */
const texts = new Map<SqlFragment<CrmRecordsBind> | null, string>();
function statement(records: SqlFragment<CrmRecordsBind> | null): string {
  let text = texts.get(records);
  if (text === undefined) {
    const fragments = [ownedRun, records ? boundRecords(records) : noCrmRecords, linksUpsert, seenIds, runCounters];
    text = `WITH ${fragments.map((f) => `${f.name} AS (${f.text(BIND)}\n     )`).join(', ')}\n     ${RUN_CHANGE_NOTICE}`;
    texts.set(records, text);
  }
  return text;
}

/**
 * One statement per inbound page, composed from the fragments of inbound-page-fragments.ts and
 * the CRM store's record write: the CRM records of changed records (stores in this database), the
 * links of every changed record, the ids the page saw (full reads), the run's counters and
 * resume point, and the NOTIFY, written only while the run is still RUNNING under this worker's
 * job. A round trip and a commit per page instead of five, and a page's records and links commit
 * together; prepared, as it runs once per page. `owned` false when the run was no longer owned
 * (nothing was written); `written`, the records created or changed (for the page's events). In
 * `db`'s own commit, or in a transaction's (`{ in: manager }`) that records the page's events too.
 * Only SyncRunRecorder calls this: the statement writes sync_run.
 */
export async function commitInboundPage(db: DataSource | { in: EntityManager }, page: InboundPage): Promise<{ owned: boolean; written: WrittenCrmRecord[] }> {
  const values: Record<PageParam, unknown> = {
    organizationId: page.scope.organizationId,
    connectionId: page.connectionId,
    syncConfigId: page.syncConfigId,
    provider: page.scope.provider,
    accountKey: page.scope.accountKey,
    internalObject: page.internalObject,
    externalObject: page.externalObject,
    links: JSON.stringify(
      page.links.map((r) => ({
        internal_id: r.internalId,
        external_id: r.externalId,
        data: r.data,
        hash: r.hash,
        source: r.source,
        version: r.version ?? null,
      })),
    ),
    runId: page.runId,
    processed: page.counts.processed,
    created: page.counts.created,
    updated: page.counts.updated,
    failed: page.counts.failed,
    pageCursor: page.pageCursor,
    nextCheckpoint: JSON.stringify(page.nextCheckpoint ?? null),
    jobId: page.jobId,
    seen: page.seen,
    matched: page.counts.matched,
    records: page.records ? JSON.stringify(page.records.rows) : undefined,
  };
  // `records` is the last parameter: without the fragment that reads it, it is not sent.
  const names = page.records ? PAGE_PARAMS : PAGE_PARAMS.filter((name) => name !== 'records');
  const text = statement(page.records?.fragment ?? null);
  const params = names.map((name) => values[name]);
  const rows = await ('in' in db ? preparedQueryIn<CommitRow>(db.in, text, params) : preparedQuery<CommitRow>(db, text, params));
  return { owned: rows.length > 0, written: rows[0]?.written ?? [] };
}

type CommitRow = { written: WrittenCrmRecord[] | null };
