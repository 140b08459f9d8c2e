import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('webhook_subscription')
export class WebhookSubscriptionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'event_types', type: 'text', array: true }) eventTypes!: string[];
  @Column({ name: 'target_url', type: 'text' }) targetUrl!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'retry_policy', type: 'text' }) retryPolicy!: string;
  @Column({ name: 'max_retries', type: 'integer' }) maxRetries!: number;
  @Column({ type: 'jsonb', nullable: true }) filters!: unknown;
  @Column({ name: 'secret_encrypted', type: 'text' }) secretEncrypted!: string;
  @Column({ name: 'secret_hint', type: 'text' }) secretHint!: string;
  /** During a rotation's grace period the old secret signs too (a second signature). */
  @Column({ name: 'previous_secret_encrypted', type: 'text', nullable: true }) previousSecretEncrypted!: string | null;
  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true }) previousSecretExpiresAt!: Date | null;
  @Column({ name: 'last_triggered_at', type: 'timestamptz', nullable: true }) lastTriggeredAt!: Date | null;
  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true }) failingSince!: Date | null;
  @Column({ name: 'disabled_reason', type: 'text', nullable: true }) disabledReason!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
