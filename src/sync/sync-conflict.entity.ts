import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('sync_conflict')
export class SyncConflictEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'sync_config_id', type: 'uuid' }) syncConfigId!: string;
  @Column({ name: 'external_link_id', type: 'uuid', nullable: true }) externalLinkId!: string | null;
  @Column({ name: 'external_id', type: 'text' }) externalId!: string;
  @Column({ name: 'internal_id', type: 'text', nullable: true }) internalId!: string | null;
  @Column({ type: 'text' }) field!: string;
  @Column({ name: 'base_value', type: 'jsonb', nullable: true }) baseValue!: unknown;
  @Column({ name: 'source_value', type: 'jsonb', nullable: true }) sourceValue!: unknown;
  @Column({ name: 'target_value', type: 'jsonb', nullable: true }) targetValue!: unknown;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'resolved_value', type: 'jsonb', nullable: true }) resolvedValue!: unknown;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true }) resolvedAt!: Date | null;
}
