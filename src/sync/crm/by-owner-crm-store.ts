import { crmObject, keptByItsCloud } from './crm-objects';
import { checkObject } from './crm-store.checks';
import type { CrmChangeCursor, CrmChangePage, CrmRecord, CrmStore, CrmUpsertRow, FieldMatch, SameDatabaseWrites } from './crm-store.port';
import type { MatchLookup } from '../sql/crm-match-candidates';

/**
 * Gateway mode: each object goes to the store that keeps it. Objects a cloud owns (those
 * declared with `gateway` names) are read and written in that cloud through the gateway; the
 * integration cloud's own objects (contract, activity) stay in this database, written inline
 * with the sync's links as in built-in mode. Moving an object to a cloud is giving its
 * declaration gateway names.
 */
export class ByOwnerCrmStore implements CrmStore {
  constructor(
    private readonly clouds: CrmStore,
    private readonly own: CrmStore,
  ) {}

  upsert(organizationId: string, object: string, rows: CrmUpsertRow[]): Promise<{ id: string; created: boolean }[]> {
    return this.storeOf(object).upsert(organizationId, object, rows);
  }

  get(organizationId: string, object: string, ids: string[]): Promise<Map<string, CrmRecord>> {
    return this.storeOf(object).get(organizationId, object, ids);
  }

  changedSince(organizationId: string, object: string, after: CrmChangeCursor | null, limit: number): Promise<CrmChangePage> {
    return this.storeOf(object).changedSince(organizationId, object, after, limit);
  }

  delete(organizationId: string, object: string, ids: string[]): Promise<number> {
    return this.storeOf(object).delete(organizationId, object, ids);
  }

  sameDatabaseFor(object: string): SameDatabaseWrites | undefined {
    return this.storeOf(object).sameDatabaseFor?.(object);
  }

  async findByFields(organizationId: string, object: string, lookups: MatchLookup[]): Promise<FieldMatch[]> {
    const store = this.storeOf(object);
    // The own store matches in SQL through sameDatabaseFor; the engine never asks it here.
    if (!store.findByFields) throw new Error(`${object} is matched in this database, not by findByFields`);
    return store.findByFields(organizationId, object, lookups);
  }

  private storeOf(object: string): CrmStore {
    checkObject(object);
    return keptByItsCloud(crmObject(object)!) ? this.clouds : this.own;
  }
}
