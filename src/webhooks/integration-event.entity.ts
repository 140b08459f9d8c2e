import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('integration_event')
export class IntegrationEventEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'text' }) type!: string;
  @Column({ type: 'text' }) source!: string;
  @Column({ name: 'object_type', type: 'text', nullable: true }) objectType!: string | null;
  @Column({ name: 'record_id', type: 'text', nullable: true }) recordId!: string | null;
  @Column({ type: 'jsonb' }) data!: unknown;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey!: string | null;
  /** The connection a provider event arrived on. */
  @Column({ name: 'connection_id', type: 'uuid', nullable: true }) connectionId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
