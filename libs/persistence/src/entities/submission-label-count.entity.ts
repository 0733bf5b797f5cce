import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { SubmissionFileEntity } from './submission-file.entity';

// Annotation records per (instance, label) counted in one annotation file while a submission is published: the
// release reads them with SQL into the catalog rows, so no count per instance is ever held in the worker's memory.
@Entity({ name: 'submission_label_counts', schema: IMAGORA_SCHEMA })
@Index('submission_label_counts_instance_idx', ['submissionId', 'sopInstanceUid'])
export class SubmissionLabelCountEntity {
  @PrimaryColumn({ name: 'file_id', type: 'uuid' })
  fileId!: string;

  @PrimaryColumn({ name: 'sop_instance_uid', type: 'text' })
  sopInstanceUid!: string;

  @PrimaryColumn({ type: 'text' })
  label!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @Column({ type: 'integer' })
  count!: number;

  @ManyToOne(() => SubmissionFileEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'file_id', foreignKeyConstraintName: 'submission_label_counts_file_fk' })
  file?: SubmissionFileEntity;
}
