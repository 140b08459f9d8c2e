import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('automation_run')
export class AutomationRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'automation_id', type: 'uuid' }) automationId!: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'attempt_count', type: 'integer' }) attemptCount!: number;
  @Column({ type: 'jsonb', nullable: true }) input!: unknown;
  @Column({ type: 'jsonb', nullable: true }) result!: unknown;
  @Column({ type: 'text', nullable: true }) error!: string | null;
  @Column({ name: 'attempt_started_at', type: 'timestamptz', nullable: true }) attemptStartedAt!: Date | null;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil!: Date | null;
  @Column({ name: 'uncertain_since', type: 'timestamptz', nullable: true }) uncertainSince!: Date | null;
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true }) nextAttemptAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
}
