import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('automation')
export class AutomationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'event_types', type: 'text', array: true }) eventTypes!: string[];
  @Column({ type: 'jsonb', nullable: true }) filters!: unknown;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId!: string;
  @Column({ type: 'text' }) action!: string;
  @Column({ name: 'input_template', type: 'jsonb' }) inputTemplate!: unknown;
  @Column({ name: 'is_active', type: 'boolean' }) isActive!: boolean;
  @Column({ name: 'retry_policy', type: 'text' }) retryPolicy!: string;
  @Column({ name: 'max_retries', type: 'integer' }) maxRetries!: number;
  @Column({ name: 'last_triggered_at', type: 'timestamptz', nullable: true }) lastTriggeredAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
