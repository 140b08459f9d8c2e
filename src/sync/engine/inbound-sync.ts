import type { ConnectorRecord } from '../../connectors/connector.handler';
import type { Queryable } from '../../db/sql/queryable';
import { dropStale, isStale, reportStale, versioned } from './source-version';
import { crmFieldNames } from '../crm/crm-objects';
import { applyMapping } from '../mapping/apply-mapping';
import { crmRecordsExist } from '../sql/crm-records-exist';
import { hasLinks } from '../sql/has-links';
import { knownLinks as knownLinkRows } from '../sql/known-links';
import type { LinkScope } from '../link-scope';
import { ActivityParticipants, linkLateContacts } from './activity-participants';
import { activityViewFor } from './activity-views';
import { detectsDeletions } from './deletion-sweep';
import { linkPlanFor } from './link-plan';
import { matchBeforeCreate, matchWrite, reportAmbiguous } from './match-before-create';
import { attachToInvoices, Candidate, own, reportUnlinked } from './payment-parents';
import { fillPendingReferences, referenceFields, rememberUnresolved, reportUnresolved, resolveInbound } from './references';
import { hasPendingReferences } from '../sql/resolvable-pending-references';
import { externalIdReader, sourceHasher } from './record-identity';
import { sourceObjectOf } from './sync-plan';
import type { RunContext, RunResult } from './run-context';
import type { SyncWrittenRecord } from './record-events';

export const PAGE_SIZE = 100;

/**
 * Part of every source hash: bump it when a transform's output changes (a fix to PHONE_E164, say),
 * so records already synced are mapped again instead of being skipped as unchanged.
 */
const MAPPING_ENGINE_VERSION = 1;

/** Without a mapping, fields whose names the CRM object has are copied as they are. */
function sameNames(object: string): (record: ConnectorRecord) => Record<string, unknown> {
  const known = new Set(crmFieldNames(object).filter((name) => !['id', 'created_date', 'last_modified_date'].includes(name)));
  return (record) => Object.fromEntries(Object.entries(record).filter(([key]) => known.has(key)));
}

/**
 * External to HotCRM, page by page from where the run stands: skip records whose raw form (and
 * the mapping) are as last synced, map the rest, skip those whose mapped content is unchanged,
 * upsert the rest into the CRM store (ids derived
 * from the external id, so a resumed page writes the same records), then commit the page's links,
 * counters and resume cursor in one transaction. A worker killed anywhere resumes at the last
 * committed page and rewrites at most that page, idempotently.
 *
 * A config with a link plan (payments to invoices, person records to contacts: link-plan.ts)
 * records links only. A read of the whole object also commits the ids each page saw, and after
 * its last page marks the links nobody saw DELETED (deletion-sweep.ts).
 */
export async function runInbound(context: RunContext): Promise<RunResult> {
  const { db, store, recorder, binding, config, scope, run, rules, jobId } = context;
  const { handler, call, definition } = binding;
  const object = sourceObjectOf(binding, config);
  const plan = linkPlanFor(definition.key, object.name, config.targetObject);
  // Mail and calendar records into `activity` read through their provider's view when unmapped.
  const view = config.targetObject === 'activity' ? activityViewFor(definition.key, object.name) : null;
  const map = rules ? (record: ConnectorRecord) => applyMapping(rules, record) : plan ? plan.defaultView : (view ?? sameNames(config.targetObject));
  // Activities get direction and contact links per page (activity-participants.ts).
  const activities = await ActivityParticipants.forRun(context);
  const idOf = externalIdReader(object);
  const objects = { external: object.name, internal: config.targetObject };
  const defaultRules = view ? `activity view of ${definition.key} ${object.name}` : `same names as ${config.targetObject}`;
  const sourceHash = plan ? null : sourceHasher({ engine: MAPPING_ENGINE_VERSION, rules: rules ?? defaultRules });
  // Both change when the provider says the checkpoint is too old for its change feed (fetch).
  let since = run.mode === 'INCREMENTAL' && object.supportsIncremental ? (run.sinceCheckpoint ?? undefined) : undefined;
  // A run applying one event (event-apply.ts) reads one record, never the whole object.
  let complete = !context.single && detectsDeletions(definition.key, object.name, since);
  // The built-in store's records are written by the page's commit statement itself.
  const inline = plan ? undefined : store.sameDatabaseFor?.(config.targetObject);
  // An initial load (no link to this object yet) has no record to compare with: its pages skip the
  // link lookups. A record listed twice during the run is then written twice, idempotently.
  const initialLoad = !plan && !(await hasLinks(db, scope, object.name, config.targetObject));
  // Matching looks for records HotCRM had before: into an object the built-in store holds none of
  // yet, every record of the run is new (the first sync into an empty CRM skips the lookups). Any
  // other store (the gateway one) is asked on every page: asking it whether it is empty would be a
  // request of its own, and its clouds have records this database never saw.
  const matchable = !plan && (!inline || (await crmRecordsExist(db, config.organizationId, config.targetObject)));
  // REFERENCE fields become HotCRM ids page by page; references waiting for their target are
  // filled in after each page while any wait (and by the executor at the end of every run).
  const refs = plan ? [] : referenceFields(rules, config.targetObject);
  // Contacts written here are linked to the activities already stored that they take part in (if any).
  const lateContacts = config.targetObject === 'contact' && !!inline && (await crmRecordsExist(db, config.organizationId, 'activity'));
  let waiting = await hasPendingReferences(db, scope);
  const cursor = run.pageCursor;
  // CRM records matched so far in this run, by the external record that took them.
  const claimed = new Map<string, string>();
  let checkpoint: unknown = run.nextCheckpoint ?? since ?? null;

  /**
   * One page. When an incremental read's checkpoint is older than the provider's change feed
   * keeps (Stripe's 30 days of events, QuickBooks CDC's 30 days), the run reads the object in FULL
   * instead, from its first page, and sweeps what it did not see: logged, never silent.
   */
  const fetch = async (from: string | null, reached: unknown) => {
    const page = await handler.list(call, object.name, { cursor: from, pageSize: PAGE_SIZE, since, checkpoint: reached });
    if (since === undefined || page.fullReadRequired === undefined) return page;
    await recorder.log(run, 'warn', `${definition.key} ${object.name}: ${page.fullReadRequired}; reading it in full instead`, { code: 'FULL_READ_REQUIRED' });
    since = undefined;
    complete = detectsDeletions(definition.key, object.name, undefined);
    return handler.list(call, object.name, { cursor: null, pageSize: PAGE_SIZE, checkpoint: null });
  };

  /**
   * Stage one of a page: read it, map it, drop unchanged records, write the rest to the CRM
   * store. It runs for page N+1 while page N commits, so the provider, this process and Postgres
   * work at the same time; commits stay in page order, and a stage-one write ahead of its commit
   * is rewritten identically if the run resumes.
   */
  const prepare = async (from: string | null, reached: unknown) => {
    const page = await fetch(from, reached);
    const checkpointAfter = page.checkpoint !== undefined ? page.checkpoint : reached;
    const candidates: Candidate[] = [];
    const seen: string[] = [];
    let failed = 0;
    const read: { record: ConnectorRecord; externalId: string; source: string | null }[] = [];
    for (const record of page.records) {
      const externalId = idOf(record);
      if (externalId) read.push({ record, externalId, source: sourceHash ? sourceHash(record) : null });
      else failed++;
    }
    // Ordinary records whose raw form and mapping are as last synced are done before mapping
    // (the bulk of an unchanged re-sync); link plans resolve their links after mapping.
    const knownRaw =
      plan || initialLoad
        ? new Map<string, KnownLink>()
        : await knownLinks(
            db,
            scope,
            objects,
            read.map((r) => r.externalId),
          );
    const versions = { ...page.versions };
    const stale: string[] = [];
    for (const { record, externalId, source } of read) {
      const apps = plan ? plan.applications(record, externalId) : [{ externalId, parentExternalId: null }];
      for (const app of apps) seen.push(app.externalId);
      const link = knownRaw.get(externalId);
      // A state older than the one last written (an event arriving late) changes nothing.
      if (isStale(versions[externalId], link?.version)) {
        stale.push(externalId);
        continue;
      }
      const newer = versions[externalId] !== undefined && link?.version !== versions[externalId];
      if (!apps.length || (link && source !== null && link.source === source && link.status !== 'DELETED' && !newer)) continue;
      try {
        const data = map(record);
        if (plan?.kind === 'profile' && !data.email) continue; // nothing to match a contact by
        for (const app of apps) candidates.push({ app, data: app.overrides ? { ...data, ...app.overrides } : data, source });
        if (versions[externalId] !== undefined) for (const app of apps) versions[app.externalId] = versions[externalId];
      } catch (error) {
        failed++;
        await recorder.log(run, 'warn', `Record could not be mapped: ${(error as Error).message}`, { code: 'MAPPING_FAILED', externalId });
      }
    }
    // Before hashing, so a message re-read after its contacts changed is written with its new links.
    if (activities && candidates.length) {
      const page = candidates.map((c) => ({ externalId: c.app.externalId, data: c.data }));
      await activities.link(page);
      page.forEach((r, i) => (candidates[i].data = r.data));
    }
    const unresolved = refs.length
      ? await resolveInbound(
          db,
          scope,
          refs,
          candidates.map((c) => ({ externalId: c.app.externalId, data: c.data })),
        )
      : [];
    const { prepared, unlinked } =
      plan?.kind === 'payment'
        ? await attachToInvoices(db, scope, plan, candidates)
        : { prepared: candidates.map((c) => own(scope, object.name, c)), unlinked: [] };
    if (unlinked.length) {
      failed += unlinked.length;
      await reportUnlinked(recorder, run, plan!, unlinked);
    }
    const known = plan
      ? await knownLinks(
          db,
          scope,
          objects,
          prepared.map((p) => p.externalId),
        )
      : knownRaw;
    // Records older than their link's version change nothing (link plans know their links only now).
    if (stale.length) await reportStale(recorder, run, object.name, stale);
    // A linked record is written to the CRM record its link names (matched, adopted from another
    // connection, or migrated): the id derived from the external id is only for records new to HotCRM.
    const fresh = plan
      ? await dropStale(recorder, run, object.name, versioned(prepared, versions), known)
      : versioned(
          prepared.map((p) => ({ ...p, internalId: known.get(p.externalId)?.internalId ?? p.internalId })),
          versions,
        );
    // A link marked DELETED whose record is back is rewritten, and so SYNCED again. A record
    // whose raw form changed but maps to the same values only has its link's source hash updated.
    let changed = fresh.filter((p) => known.get(p.externalId)?.hash !== p.hash || known.get(p.externalId)?.status === 'DELETED');
    const isChanged = new Set(changed);
    const refreshed = fresh.filter(
      (p) =>
        !isChanged.has(p) &&
        ((p.source !== null && known.get(p.externalId)?.source !== p.source) || (p.version !== null && known.get(p.externalId)?.version !== p.version)),
    );
    // Match before create: a record without a link yet is first looked for among the CRM's records.
    const { matched, ambiguous } = !matchable
      ? { matched: new Map<string, string>(), ambiguous: [] }
      : await matchBeforeCreate(
          store,
          config,
          { links: scope, externalObject: object.name, claimed },
          changed.filter((p) => !known.has(p.externalId)),
          db,
        );
    if (ambiguous.length) {
      failed += ambiguous.length;
      await reportAmbiguous(recorder, run, config, ambiguous);
      const skipped = new Set(ambiguous.map((a) => a.externalId));
      changed = changed.filter((p) => !skipped.has(p.externalId));
    }
    if (matched.size) changed = changed.map((p) => (matched.has(p.externalId) ? { ...p, internalId: matched.get(p.externalId)! } : p));
    if (refs.length && changed.length) {
      // Saved before the page writes its records: a crash in between leaves a wait the fill-in skips until the record exists.
      const written = new Set(changed.map((p) => p.externalId));
      const left = unresolved.filter((u) => written.has(u.externalId));
      await rememberUnresolved(db, scope, config, refs, changed, left);
      await reportUnresolved(recorder, run, config, left);
      waiting ||= left.length > 0;
    }
    // What the CRM store is given: a matched record's empty values never clear its filled fields.
    const writes = changed.map((p) => ({ id: p.internalId, data: matched.has(p.externalId) ? matchWrite(p.data) : p.data }));
    let created = 0;
    let updated = 0;
    let records: CrmRow[] | null = null;
    // The page's record events: the version of each record the commit writes, or the records a store elsewhere was given.
    const recordVersions = new Map<string, string>();
    const written = new Map<string, SyncWrittenRecord>();
    if (plan) {
      created = changed.filter((p) => !known.has(p.externalId)).length;
      updated = changed.length - created;
    } else if (inline) {
      // Counted as created or updated by the commit statement that writes them.
      if (changed.length) records = inline.rows(config.organizationId, config.targetObject, writes);
      for (const p of changed) recordVersions.set(p.internalId.toLowerCase(), p.hash);
    } else if (changed.length) {
      const results = await store.upsert(config.organizationId, config.targetObject, writes);
      created = results.filter((w: { created: boolean }) => w.created).length;
      updated = results.length - created;
      // New to HotCRM (no link, no match) is a create even when a resumed page finds the record its first attempt wrote.
      results.forEach((w, i) => {
        const p = changed[i];
        const isNew = w.created || (!known.has(p.externalId) && !matched.has(p.externalId));
        written.set(w.id, { id: w.id, created: isNew, data: writes[i].data, changed: null, version: p.hash });
      });
    }
    const links = refreshed.length ? [...changed, ...refreshed] : changed;
    return {
      page,
      links,
      records,
      recordVersions,
      written: [...written.values()],
      seen: complete ? seen : null,
      checkpoint: checkpointAfter,
      // Matched records are merges, counted as matched instead of updated by the commit.
      progress: { processed: page.records.length, created, updated, failed, matched: matched.size },
    };
  };

  if (!(await recorder.stillOwned(run.id, jobId))) return { cancelled: true, nextCheckpoint: checkpoint };
  let next: Promise<Awaited<ReturnType<typeof prepare>>> | null = prepare(cursor, checkpoint);
  while (next) {
    const current: Awaited<ReturnType<typeof prepare>> = await next;
    checkpoint = current.checkpoint;
    next = current.page.nextCursor ? prepare(current.page.nextCursor, checkpoint) : null;
    next?.catch(() => undefined); // surfaced when awaited, after this page has committed
    // Records (built-in store), links, seen ids, counters, resume point and NOTIFY in one
    // statement, refused (RunNotOwnedError) once the run was cancelled or reassigned.
    await recorder.inboundPage(
      run,
      config,
      scope,
      {
        externalObject: object.name,
        links: current.links,
        seen: current.seen,
        records: current.records && { fragment: inline!.upsert, rows: current.records },
        versions: current.recordVersions,
        written: current.written,
      },
      { ...current.progress, pageCursor: current.page.nextCursor, nextCheckpoint: checkpoint },
    );
    // Contacts new in this database pick up the activities they take part in.
    if (lateContacts && current.records?.length)
      await linkLateContacts(
        db,
        config.organizationId,
        current.records.map((r) => r.id),
      );
    const justLinked = { externalObject: object.name, externalIds: current.links.map((l) => l.externalId) };
    const filled = waiting && justLinked.externalIds.length ? await fillPendingReferences(db, store, scope, justLinked) : 0;
    if (filled) await recorder.log(run, 'info', `${filled} references waiting for their target filled in`, { code: 'REFERENCES_FILLED' });
    // Deletions an incremental read reports (Stripe *.deleted events, QuickBooks CDC, Graph @removed).
    const gone = current.page.deleted ?? [];
    if (gone.length) {
      const deleted = await recorder.markDeleted(run, config, scope, object.name, gone, current.page.versions);
      if (deleted) await recorder.log(run, 'info', `${deleted} ${object.name} deleted in ${definition.key}: links marked DELETED`, { code: 'DELETED' });
    }
  }
  if (complete) {
    const deleted = await db.transaction((manager) => recorder.sweepUnseen(manager, run, config, scope, object.name));
    if (deleted) await recorder.log(run, 'info', `${deleted} ${object.name} no longer listed by ${definition.key}: links marked DELETED`, { code: 'DELETED' });
  }
  return { cancelled: false, nextCheckpoint: checkpoint };
}

/** A CRM record as a store in this database writes it in the page's commit statement. */
type CrmRow = { id: string; data: Record<string, unknown> };

interface KnownLink {
  hash: string | null;
  source: string | null;
  status: string;
  internalId: string;
  /** The provider's version (epoch ms) of the state last written, or null. */
  version: number | null;
}

async function knownLinks(
  db: Queryable,
  scope: LinkScope,
  object: { external: string; internal: string },
  externalIds: string[],
): Promise<Map<string, KnownLink>> {
  if (!externalIds.length) return new Map();
  const rows = await knownLinkRows(db, scope, object.external, object.internal, externalIds);
  return new Map(
    rows.map((row) => [
      row.external_id,
      {
        hash: row.content_hash,
        source: row.source_hash,
        status: row.status,
        internalId: row.internal_id,
        version: row.source_version === null ? null : Number(row.source_version),
      },
    ]),
  );
}
