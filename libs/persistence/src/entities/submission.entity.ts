import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { DatasetEntity } from './dataset.entity';

@Entity({ name: 'submissions', schema: IMAGORA_SCHEMA })
@Index('submissions_dataset_idx', ['datasetId', 'createdAt'])
@Index('submissions_state_idx', ['state'])
export class SubmissionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ name: 'protocol_name', type: 'text' })
  protocolName!: string;

  @Column({ name: 'protocol_version', type: 'text' })
  protocolVersion!: string;

  @Column({ type: 'text' })
  state!: string;

  @Column({ name: 'failed_state', type: 'text', nullable: true })
  failedState!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'deid_local', type: 'boolean', default: false })
  deidLocal!: boolean;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'validation_report', type: 'jsonb', nullable: true })
  validationReport!: unknown | null;

  @Column({ name: 'deid_report', type: 'jsonb', nullable: true })
  deidReport!: unknown | null;

  @Column({ name: 'review_reason', type: 'text', nullable: true })
  reviewReason!: string | null;

  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy!: string | null;

  // Allocated once when publishing starts, so a retried publication releases the same version number.
  @Column({ name: 'released_version', type: 'integer', nullable: true })
  releasedVersion!: number | null;

  @ManyToOne(() => DatasetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dataset_id', foreignKeyConstraintName: 'submissions_dataset_fk' })
  dataset?: DatasetEntity;
}
