import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { ProtocolEntity } from './protocol.entity';
import { UserEntity } from './user.entity';

@Entity({ name: 'protocol_versions', schema: IMAGORA_SCHEMA })
@Index('protocol_versions_protocol_version_key', ['protocolId', 'version'], { unique: true })
export class ProtocolVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'protocol_id', type: 'uuid' })
  protocolId!: string;

  @Column({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  status!: string;

  // Verbatim text as submitted (jsonb would reorder keys); sha256 is over its canonical JSON.
  @Column({ name: 'document_text', type: 'text' })
  documentText!: string;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  editors!: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt!: Date | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'published_by', type: 'uuid', nullable: true })
  publishedBy!: string | null;

  @Column({ name: 'deprecated_at', type: 'timestamptz', nullable: true })
  deprecatedAt!: Date | null;

  @Column({ name: 'deprecation_reason', type: 'text', nullable: true })
  deprecationReason!: string | null;

  @Column({ type: 'text', nullable: true })
  replacement!: string | null;

  @Column({ type: 'text', nullable: true })
  signature!: string | null;

  @ManyToOne(() => ProtocolEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'protocol_id', foreignKeyConstraintName: 'protocol_versions_protocol_fk' })
  protocol?: ProtocolEntity;

  @ManyToOne(() => UserEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'published_by', foreignKeyConstraintName: 'protocol_versions_publisher_fk' })
  publisher?: UserEntity | null;
}
