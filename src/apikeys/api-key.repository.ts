import type { DataSource, EntityManager } from 'typeorm';
import type { KeySnapshot } from './api-key.cache';
import { ApiKeyEntity } from './api-key.entity';
import { findKeySnapshotByHash } from './sql/find-key-snapshot-by-hash';

export type NewApiKeyRow = Pick<ApiKeyEntity, 'organizationId' | 'name' | 'prefix' | 'keyHash' | 'scopes' | 'rateLimit' | 'rateWindowSeconds' | 'expiresAt'> &
  Partial<Pick<ApiKeyEntity, 'rotatedFromId'>>;

/** The api_key table's queries; nothing else in the service touches it (usage counts: sql/flush-usage.ts). */
export class ApiKeyRepository {
  constructor(private readonly db: DataSource) {}

  /** What verification needs, by digest: the lookup that stands in for comparing keys. */
  async findSnapshotByHash(keyHash: string): Promise<KeySnapshot | null> {
    const row = await findKeySnapshotByHash(this.db, keyHash);
    if (!row) return null;
    return Object.freeze({
      id: row.id,
      organizationId: row.organization_id,
      scopes: Object.freeze([...row.scopes]),
      limit: row.rate_limit,
      windowSeconds: row.rate_window_seconds,
      status: row.status,
      expiresAt: row.expires_at ? row.expires_at.getTime() : null,
    });
  }

  countForOrganization(organizationId: string): Promise<number> {
    return this.db.getRepository(ApiKeyEntity).count({ where: { organizationId } });
  }

  /** Creates the key unless one with this hash exists (the bootstrap key on every start). */
  async insertIfAbsent(key: Omit<NewApiKeyRow, 'expiresAt'>): Promise<boolean> {
    const result = await this.db
      .getRepository(ApiKeyEntity)
      .createQueryBuilder()
      .insert()
      .values({ ...key, status: 'ACTIVE', usageCount: '0' })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async insert(tx: EntityManager, key: NewApiKeyRow): Promise<ApiKeyEntity> {
    const repo = tx.getRepository(ApiKeyEntity);
    return repo.save(repo.create({ ...key, status: 'ACTIVE', usageCount: '0' }));
  }

  /** The key, locked until the transaction ends: rotations and revocations of one key queue up. */
  lockForUpdate(tx: EntityManager, organizationId: string, id: string): Promise<ApiKeyEntity | null> {
    return tx.getRepository(ApiKeyEntity).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  hasSuccessor(tx: EntityManager, organizationId: string, id: string): Promise<boolean> {
    return tx.getRepository(ApiKeyEntity).exists({ where: { organizationId, rotatedFromId: id } });
  }

  async update(
    tx: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Pick<ApiKeyEntity, 'status' | 'revokedAt' | 'expiresAt'>>,
  ): Promise<void> {
    await tx.getRepository(ApiKeyEntity).update({ organizationId, id }, changes);
  }

  findOne(organizationId: string, id: string, tx?: EntityManager): Promise<ApiKeyEntity | null> {
    return (tx ?? this.db.manager).getRepository(ApiKeyEntity).findOne({ where: { organizationId, id } });
  }
}
