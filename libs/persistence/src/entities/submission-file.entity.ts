import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { SubmissionEntity } from './submission.entity';

@Entity({ name: 'submission_files', schema: IMAGORA_SCHEMA })
@Index('submission_files_submission_path_key', ['submissionId', 'path'], { unique: true })
@Index('submission_files_multipart_idx', ['updatedAt'], { where: '"multipart_upload_id" IS NOT NULL' })
export class SubmissionFileEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  // Byte order whatever the database's locale: files are read in path order, and a release's manifest lists them in it.
  @Column({ type: 'text', collation: 'C' })
  path!: string;

  @Column({ type: 'bigint' })
  size!: string;

  // What the contributor declared; the hub checks the stored bytes against it.
  @Column({ type: 'text' })
  sha256!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'quarantine_key', type: 'text' })
  quarantineKey!: string;

  @Column({ name: 'multipart_upload_id', type: 'text', nullable: true })
  multipartUploadId!: string | null;

  @Column({ name: 'output_key', type: 'text', nullable: true })
  outputKey!: string | null;

  @Column({ name: 'output_sha256', type: 'text', nullable: true })
  outputSha256!: string | null;

  @Column({ name: 'output_size', type: 'bigint', nullable: true })
  outputSize!: string | null;

  @Column({ name: 'media_type', type: 'text', nullable: true })
  mediaType!: string | null;

  @Column({ name: 'sop_instance_uid', type: 'text', nullable: true })
  sopInstanceUid!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  catalog!: unknown | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @ManyToOne(() => SubmissionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'submission_id', foreignKeyConstraintName: 'submission_files_submission_fk' })
  submission?: SubmissionEntity;
}
