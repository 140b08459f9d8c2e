import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A log line of a run; bigserial id keeps them in write order. */
@Entity('sync_log')
export class SyncLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'sync_run_id', type: 'uuid' }) syncRunId!: string;
  @Column({ type: 'timestamptz' }) at!: Date;
  @Column({ type: 'text' }) level!: string;
  @Column({ type: 'text' }) message!: string;
  @Column({ type: 'text', nullable: true }) code!: string | null;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId!: string | null;
}
