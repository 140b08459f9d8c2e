import DataLoader from 'dataloader';
import { DataSource, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { isUuid } from '../db/paginate';

type OrgRow = ObjectLiteral & { id: string; organizationId: string };

/**
 * One query per entity type per request, however many ids are asked for, always scoped by the
 * caller's organization: another org's id simply comes back as null.
 */
export function byId<T extends OrgRow>(db: DataSource, entity: EntityTarget<T>, organizationId: string) {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = [...new Set(ids.filter(isUuid))];
    const rows = valid.length ? await db.getRepository(entity).find({ where: { organizationId, id: In(valid) } as never }) : [];
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Rows that belong to many parents at once (a connection's sync configs), one query per batch. */
export function childrenOf<T extends OrgRow>(db: DataSource, entity: EntityTarget<T>, organizationId: string, parentKey: keyof T & string) {
  return new DataLoader<string, T[]>(async (parentIds) => {
    const valid = [...new Set(parentIds.filter(isUuid))];
    const rows = valid.length
      ? await db.getRepository(entity).find({ where: { organizationId, [parentKey]: In(valid) } as never, order: { createdAt: 'ASC', id: 'ASC' } as never })
      : [];
    const grouped = new Map<string, T[]>();
    for (const row of rows) grouped.set(row[parentKey], [...(grouped.get(row[parentKey]) ?? []), row]);
    return parentIds.map((id) => grouped.get(id) ?? []);
  });
}
