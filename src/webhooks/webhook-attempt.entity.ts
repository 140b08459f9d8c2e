import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('webhook_attempt')
export class WebhookAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'delivery_id', type: 'uuid' }) deliveryId!: string;
  @Column({ name: 'attempt_number', type: 'integer' }) attemptNumber!: number;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ name: 'response_status', type: 'integer', nullable: true }) responseStatus!: number | null;
  @Column({ name: 'response_body', type: 'text', nullable: true }) responseBody!: string | null;
  @Column({ name: 'duration_ms', type: 'integer' }) durationMs!: number;
  @Column({ type: 'text', nullable: true }) error!: string | null;
}
