import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export interface StoredMappingRule {
  sourceField: string;
  targetField: string;
  transform?: { type: string; params?: unknown } | null;
  defaultValue?: unknown;
}

@Entity('field_mapping')
export class FieldMappingEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'source_object', type: 'text' }) sourceObject!: string;
  @Column({ name: 'target_object', type: 'text' }) targetObject!: string;
  @Column({ name: 'is_template', type: 'boolean' }) isTemplate!: boolean;
  @Column({ type: 'jsonb' }) rules!: StoredMappingRule[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
