import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A file kept from a provider (a signed envelope's combined PDF): its metadata and where its
 * bytes are (`storage` names the DocumentStore, `storage_key` the object in it). Unique per
 * (organization, provider, external id): a completion seen twice stores one document.
 */
@Entity('stored_document')
export class StoredDocumentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  /** The connection it was downloaded through; null once that connection is deleted (the document stays). */
  @Column({ name: 'connection_id', type: 'uuid', nullable: true }) connectionId!: string | null;
  @Column({ type: 'text' }) provider!: string;
  @Column({ name: 'external_id', type: 'text' }) externalId!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ name: 'content_type', type: 'text' }) contentType!: string;
  @Column({ name: 'size_bytes', type: 'integer' }) sizeBytes!: number;
  /** Hex SHA-256 of the bytes as downloaded. */
  @Column({ type: 'text' }) sha256!: string;
  @Column({ type: 'text' }) storage!: string;
  @Column({ name: 'storage_key', type: 'text' }) storageKey!: string;
  @Column({ name: 'internal_object', type: 'text', nullable: true }) internalObject!: string | null;
  @Column({ name: 'internal_id', type: 'text', nullable: true }) internalId!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
