import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One execution of a sync config (HotCRM's sync_log object). */
@Entity('sync_run')
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'sync_config_id', type: 'uuid' }) syncConfigId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'text' }) trigger!: string;
  @Column({ type: 'text' }) mode!: string;
  @Column({ name: 'job_id', type: 'text', nullable: true }) jobId!: string | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  @Column({ name: 'duration_ms', type: 'integer', nullable: true }) durationMs!: number | null;
  @Column({ name: 'records_processed', type: 'integer' }) recordsProcessed!: number;
  @Column({ name: 'records_created', type: 'integer' }) recordsCreated!: number;
  @Column({ name: 'records_updated', type: 'integer' }) recordsUpdated!: number;
  @Column({ name: 'records_deleted', type: 'integer' }) recordsDeleted!: number;
  @Column({ name: 'records_failed', type: 'integer' }) recordsFailed!: number;
  @Column({ name: 'records_matched', type: 'integer', default: 0 }) recordsMatched!: number;
  @Column({ type: 'integer' }) conflicts!: number;
  @Column({ name: 'error_details', type: 'text', nullable: true }) errorDetails!: string | null;
  /** The connector's cursor for the next page, committed with each page (resume point). */
  @Column({ name: 'page_cursor', type: 'text', nullable: true }) pageCursor!: string | null;
  /** The config's incremental checkpoint this run started from, and the one it will commit. */
  @Column({ name: 'since_checkpoint', type: 'jsonb', nullable: true }) sinceCheckpoint!: unknown;
  @Column({ name: 'next_checkpoint', type: 'jsonb', nullable: true }) nextCheckpoint!: unknown;
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true }) heartbeatAt!: Date | null;
  @Column({ type: 'integer' }) attempts!: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
