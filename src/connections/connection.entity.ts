import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** One authenticated account of an external service. credentialsEncrypted never leaves the vault. */
@Entity('connection')
export class ConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'connector_key', type: 'text' }) connectorKey!: string;
  @Column({ name: 'custom_connector_id', type: 'uuid', nullable: true }) customConnectorId!: string | null;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'auth_type', type: 'text' }) authType!: string;
  @Column({ type: 'text' }) status!: string;
  /** `v1:<keyId>:<iv>:<tag>:<ciphertext>` as written by the credentials vault. */
  @Column({ name: 'credentials_encrypted', type: 'text', nullable: true }) credentialsEncrypted!: string | null;
  @Column({ name: 'credential_hint', type: 'text', nullable: true }) credentialHint!: string | null;
  @Column({ type: 'text', array: true }) scopes!: string[];
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ type: 'jsonb', nullable: true }) config!: Record<string, unknown> | null;
  /** The provider account the connection reaches (handler.identify), learned when it connects; null until then. */
  @Column({ name: 'provider_account_id', type: 'text', nullable: true }) providerAccountId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
