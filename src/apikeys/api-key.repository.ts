import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

/** The api_key table's queries; nothing else in the service touches it. */
export class ApiKeyRepository {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ApiKeyEntity);
  }

  findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.repo.findOne({ where: { keyHash } });
  }

  countForOrganization(organizationId: string): Promise<number> {
    return this.repo.count({ where: { organizationId } });
  }

  /** Creates the key unless one with this hash exists (the bootstrap key on every start). */
  async insertIfAbsent(key: Pick<ApiKeyEntity, 'organizationId' | 'name' | 'prefix' | 'keyHash' | 'scopes'>): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values({ ...key, status: 'ACTIVE', rateLimit: 1000, rateWindowSeconds: 60, usageCount: '0' })
      .orIgnore()
      .execute();
    return (result.raw as unknown[]).length > 0;
  }
}
