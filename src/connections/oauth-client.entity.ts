import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An organization's OAuth app for one connector (setOAuthClient); the secret is encrypted. */
@Entity('oauth_client')
export class OAuthClientEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ name: 'connector_key', type: 'text' }) connectorKey!: string;
  @Column({ name: 'client_id', type: 'text' }) clientId!: string;
  @Column({ name: 'client_secret_encrypted', type: 'text' }) clientSecretEncrypted!: string;
  @Column({ name: 'authorization_url', type: 'text', nullable: true }) authorizationUrl!: string | null;
  @Column({ name: 'token_url', type: 'text', nullable: true }) tokenUrl!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
