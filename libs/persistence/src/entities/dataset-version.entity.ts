import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { DatasetEntity } from './dataset.entity';

// A released, immutable dataset version (a correction is a new version).
@Entity({ name: 'dataset_versions', schema: IMAGORA_SCHEMA })
@Index('dataset_versions_dataset_number_key', ['datasetId', 'number'], { unique: true })
@Index('dataset_versions_submission_key', ['submissionId'], { unique: true })
export class DatasetVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ type: 'integer' })
  number!: number;

  // NAME@VERSION of the protocol the version follows.
  @Column({ type: 'text' })
  protocol!: string;

  @Column({ name: 'manifest_sha256', type: 'text' })
  manifestSha256!: string;

  @Column({ name: 'manifest_key', type: 'text' })
  manifestKey!: string;

  @Column({ type: 'integer' })
  files!: number;

  @Column({ type: 'bigint' })
  bytes!: string;

  @Column({ name: 'submission_id', type: 'uuid' })
  submissionId!: string;

  @Column({ name: 'released_at', type: 'timestamptz' })
  releasedAt!: Date;

  @ManyToOne(() => DatasetEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dataset_id', foreignKeyConstraintName: 'dataset_versions_dataset_fk' })
  dataset?: DatasetEntity;
}
