import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A pending authorization: single use (usedAt), ten minutes; only a hash of the state is kept. */
@Entity('oauth_state')
export class OAuthStateEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'state_hash', type: 'text' }) stateHash!: string;
  @Column({ name: 'connector_key', type: 'text' }) connectorKey!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'redirect_uri', type: 'text' }) redirectUri!: string;
  @Column({ type: 'text', array: true }) scopes!: string[];
  @Column({ type: 'jsonb', nullable: true }) config!: Record<string, unknown> | null;
  /** The connection this authorization re-authorises (startOAuth connectionId); null for a new one. */
  @Column({ name: 'connection_id', type: 'uuid', nullable: true }) connectionId!: string | null;
  @Column({ name: 'code_verifier_encrypted', type: 'text' }) codeVerifierEncrypted!: string;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true }) usedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
