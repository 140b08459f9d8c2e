import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Requests per key per hour; day buckets are summed from these. */
@Entity('api_key_usage')
export class ApiKeyUsageEntity {
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid' }) apiKeyId!: string;
  @PrimaryColumn({ name: 'bucket_start', type: 'timestamptz' }) bucketStart!: Date;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'integer' }) requests!: number;
  @Column({ type: 'integer' }) rejected!: number;
}
