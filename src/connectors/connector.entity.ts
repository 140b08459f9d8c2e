import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A custom connector declared by an organization; the ten built-ins live in code, not here. */
@Entity('connector')
export class ConnectorEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'organization_id', type: 'text' }) organizationId!: string;
  @Column({ type: 'text' }) key!: string;
  @Column({ type: 'text' }) name!: string;
  @Column({ type: 'text', nullable: true }) description!: string | null;
  @Column({ type: 'text' }) category!: string;
  @Column({ name: 'connector_type', type: 'text' }) connectorType!: string;
  @Column({ name: 'auth_types', type: 'text', array: true }) authTypes!: string[];
  @Column({ name: 'base_url', type: 'text' }) baseUrl!: string;
  @Column({ type: 'text', nullable: true }) version!: string | null;
  @Column({ type: 'text', nullable: true }) icon!: string | null;
  @Column({ type: 'text' }) status!: string;
  @Column({ type: 'jsonb' }) definition!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
