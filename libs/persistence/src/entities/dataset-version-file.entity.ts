import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { DatasetVersionEntity } from './dataset-version.entity';

// The version manifest as rows: logical path → content-addressed object in the shared bucket.
@Entity({ name: 'dataset_version_files', schema: IMAGORA_SCHEMA })
@Index('dataset_version_files_sha256_idx', ['sha256'])
export class DatasetVersionFileEntity {
  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @PrimaryColumn({ type: 'text' })
  path!: string;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ type: 'bigint' })
  size!: string;

  @Column({ name: 'media_type', type: 'text' })
  mediaType!: string;

  @Column({ name: 'sop_instance_uid', type: 'text', nullable: true })
  sopInstanceUid!: string | null;

  @ManyToOne(() => DatasetVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'dataset_version_files_version_fk' })
  version?: DatasetVersionEntity;
}
