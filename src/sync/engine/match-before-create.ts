import type { Queryable } from '../../db/sql/queryable';
import type { CrmStore } from '../crm/crm-store.port';
import { effectiveMatchOn, matchKindOf, normaliseMatchValue } from '../crm/match-on';
import type { MatchCandidateRow, MatchLinkScope, MatchLookup } from '../sql/crm-match-candidates';
import { matchCandidateLinks } from '../sql/match-candidate-links';
import type { LinkScope } from '../link-scope';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { SyncRunEntity } from '../sync-run.entity';
import type { SyncRunRecorder } from './sync-run.recorder';

/** An external record of a page without a link yet, with its mapped CRM values. */
export interface Unlinked {
  externalId: string;
  data: Record<string, unknown>;
}

export interface Ambiguous {
  externalId: string;
  field: string;
  ids: string[];
}

export interface MatchOutcome {
  /** External id → the existing CRM record it is linked to instead of creating one. */
  matched: Map<string, string>;
  /** Records that match several CRM records: nothing is written for them. */
  ambiguous: Ambiguous[];
}

const NOTHING: MatchOutcome = { matched: new Map(), ambiguous: [] };

/**
 * Match before create (SyncConfig.matchOn, DESIGN.md "Sync identity"): the page's unlinked
 * records looked up among the target object's CRM records by the matchOn fields, one statement
 * per page. Per record, the fields in order: the first whose normalised value is not empty and
 * finds candidates decides, one candidate links, several are AMBIGUOUS_MATCH; none creates as
 * before. A CRM record already linked to another external record of the object on the same
 * provider account (src/sync/link-scope.ts) is no candidate, nor one an earlier record of the
 * run matched (`claimed`: CRM id → external id, kept by the caller across the run's pages).
 *
 * The built-in store answers candidates and their links in one statement; a store elsewhere (the
 * gateway one) finds the candidates by field in one request (CrmStore.findByFields), and their
 * links are read from `db` in one more statement. A store with neither does not match.
 */
export async function matchBeforeCreate(
  store: CrmStore,
  config: SyncConfigEntity,
  scope: { links: LinkScope; externalObject: string; claimed: Map<string, string> },
  records: Unlinked[],
  db: Queryable,
): Promise<MatchOutcome> {
  const fields = effectiveMatchOn(config.targetObject, config.matchOn);
  if (!fields.length || !records.length || !(store.sameDatabaseFor?.(config.targetObject) || store.findByFields)) return NOTHING;
  const kinds = fields.map((field) => matchKindOf(config.targetObject, field));
  const keysOf = records.map((r) => fields.map((field, i) => normaliseMatchValue(kinds[i], r.data[field])));
  const lookups: MatchLookup[] = fields.map((field, i) => ({ field, kind: kinds[i], keys: [...new Set(keysOf.flatMap((keys) => keys[i] ?? []))] }));
  if (!lookups.some((l) => l.keys.length)) return NOTHING;
  const { links, externalObject, claimed } = scope;
  const rows = await candidates(store, db, config, lookups, { accountKey: links.accountKey, provider: links.provider, externalObject });
  const hits = new Map<string, Map<string, string[]>>();
  for (const row of rows) {
    const at = `${row.field}\u0000${row.key}`;
    let ids = hits.get(at);
    if (!ids) hits.set(at, (ids = new Map()));
    ids.set(row.id, row.linked ?? []);
  }
  const outcome: MatchOutcome = { matched: new Map(), ambiguous: [] };
  // Taken: linked to another external record, or matched by another one earlier in the run (its link may not be committed yet).
  const free =
    (externalId: string) =>
    ([id, linked]: [string, string[]]) =>
      linked.every((other) => other === externalId) && (claimed.get(id) ?? externalId) === externalId;
  records.forEach((record, r) => {
    for (let i = 0; i < fields.length; i++) {
      const key = keysOf[r][i];
      if (key === null) continue;
      const ids = [...(hits.get(`${fields[i]}\u0000${key}`) ?? [])].filter(free(record.externalId)).map(([id]) => id);
      if (!ids.length) continue;
      if (ids.length === 1) {
        outcome.matched.set(record.externalId, ids[0]);
        claimed.set(ids[0], record.externalId);
      } else outcome.ambiguous.push({ externalId: record.externalId, field: fields[i], ids: ids.sort() });
      return;
    }
  });
  return outcome;
}

/** The CRM records holding the page's values, each with the external ids linked to it in `scope`. */
async function candidates(
  store: CrmStore,
  db: Queryable,
  config: SyncConfigEntity,
  lookups: MatchLookup[],
  scope: MatchLinkScope,
): Promise<MatchCandidateRow[]> {
  const { organizationId, targetObject } = config;
  const sameDatabase = store.sameDatabaseFor?.(targetObject);
  if (sameDatabase) return sameDatabase.matchCandidates(organizationId, targetObject, lookups, scope);
  const found = await store.findByFields!(organizationId, targetObject, lookups);
  const linked = await matchCandidateLinks(
    db,
    organizationId,
    targetObject,
    found.map((f) => f.id),
    scope,
  );
  return found.map((f) => ({ ...f, linked: linked.get(f.id) ?? null }));
}

/** The values a match writes: an empty external value never clears a filled CRM field (the store merges). */
export function matchWrite(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([, value]) => value !== null && value !== undefined && value !== ''));
}

/** One warning per ambiguous record, naming it and its candidates; the caller counts them failed. */
export async function reportAmbiguous(recorder: SyncRunRecorder, run: SyncRunEntity, config: SyncConfigEntity, ambiguous: Ambiguous[]): Promise<void> {
  for (const a of ambiguous) {
    const sample = a.ids.slice(0, 10).join(', ') + (a.ids.length > 10 ? `, … (${a.ids.length})` : '');
    await recorder.log(
      run,
      'warn',
      `${a.externalId} matches ${a.ids.length} ${config.targetObject} records by ${a.field} (${sample}); none was created or linked: resolve the duplicates`,
      { code: 'AMBIGUOUS_MATCH', externalId: a.externalId },
    );
  }
}
