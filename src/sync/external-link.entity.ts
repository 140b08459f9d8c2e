import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * One CRM record linked to one external record: the sync's record cache and idempotency key,
 * unique per (organization, provider, account key, external object, external id). connection_id
 * is the connection that last wrote it.
 */
@Entity('external_link')
export class ExternalLinkEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId!: string;
  @Column({ name: 'sync_config_id', type: 'uuid', nullable: true }) syncConfigId!: string | null;
  @Column({ type: 'text' }) provider!: string;
  /** With organization and provider, whose record this is: the provider account (src/sync/link-scope.ts). */
  @Column({ name: 'account_key', type: 'text' }) accountKey!: string;
  @Column({ name: 'internal_object', type: 'text' }) internalObject!: string;
  @Column({ name: 'internal_id', type: 'text' }) internalId!: string;
  @Column({ name: 'external_object', type: 'text' }) externalObject!: string;
  @Column({ name: 'external_id', type: 'text' }) externalId!: string;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'last_synced_data', type: 'jsonb', nullable: true }) lastSyncedData!: Record<string, unknown> | null;
  @Column({ name: 'content_hash', type: 'text', nullable: true }) contentHash!: string | null;
  /** Inbound only: the raw record and mapping last read (record-identity.ts sourceHasher); null after any other write. */
  @Column({ name: 'source_hash', type: 'text', nullable: true }) sourceHash!: string | null;
  /** The provider's time (epoch ms) of the state last written (event created, LastUpdatedTime); null when unknown. */
  @Column({ name: 'source_version', type: 'bigint', nullable: true }) sourceVersion!: string | null;
  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true }) lastSyncedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
