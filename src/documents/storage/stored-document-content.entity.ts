import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The Postgres DocumentStore's objects: a document's bytes by storage key (bytea, TOASTed out of line). */
@Entity('stored_document_content')
export class StoredDocumentContentEntity {
  @PrimaryColumn({ name: 'storage_key', type: 'text' }) storageKey!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'bytea' }) content!: Buffer;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
