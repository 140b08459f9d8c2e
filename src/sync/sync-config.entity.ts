import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('sync_config')
export class SyncConfigEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId!: string;
  @Column({ name: 'field_mapping_id', type: 'uuid', nullable: true }) fieldMappingId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'source_object', type: 'text' }) sourceObject!: string;
  @Column({ name: 'target_object', type: 'text' }) targetObject!: string;
  @Column({ type: 'text' }) direction!: string;
  @Column({ type: 'text' }) frequency!: string;
  @Column({ name: 'conflict_resolution', type: 'text' }) conflictResolution!: string;
  @Column({ name: 'is_active', type: 'boolean' }) isActive!: boolean;
  @Column({ name: 'last_sync_at', type: 'timestamptz', nullable: true }) lastSyncAt!: Date | null;
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true }) nextSyncAt!: Date | null;
  @Column({ type: 'jsonb', nullable: true }) cursor!: unknown;
  /** CRM fields matched on before creating; null: the target object's default (src/sync/crm/match-on.ts). */
  @Column({ name: 'match_on', type: 'text', array: true, nullable: true }) matchOn!: string[] | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
