import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { DatasetVersionEntity } from './dataset-version.entity';

// One released DICOM instance with its de-identified attributes: what catalog search reads.
@Entity({ name: 'catalog_instances', schema: IMAGORA_SCHEMA })
@Index('catalog_instances_series_idx', ['seriesInstanceUid'])
@Index('catalog_instances_study_idx', ['studyInstanceUid'])
@Index('catalog_instances_modality_idx', ['modality'])
@Index('catalog_instances_dataset_idx', ['datasetId', 'versionId'])
@Index('catalog_instances_body_part_idx', ['bodyPart'])
@Index('catalog_instances_manufacturer_idx', ['manufacturer'])
@Index('catalog_instances_sex_age_idx', ['sex', 'ageYears'])
// GIN over the label counts (label filters use `labels ? :label`); created by hand in the migration.
@Index('catalog_instances_labels_idx', { synchronize: false })
// Instance listings in two of their sort orders (the hit key; modality, then key), so a page reads its rows in order
// instead of sorting every match (the dataset order reads each latest version's primary key in path order);
// expression indexes, created by hand in the migration.
@Index('catalog_instances_key_idx', { synchronize: false })
@Index('catalog_instances_modality_key_idx', { synchronize: false })
export class CatalogInstanceEntity {
  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @PrimaryColumn({ type: 'text' })
  path!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ name: 'study_instance_uid', type: 'text', nullable: true })
  studyInstanceUid!: string | null;

  @Column({ name: 'series_instance_uid', type: 'text', nullable: true })
  seriesInstanceUid!: string | null;

  @Column({ name: 'sop_instance_uid', type: 'text', nullable: true })
  sopInstanceUid!: string | null;

  @Column({ name: 'sop_class_uid', type: 'text', nullable: true })
  sopClassUid!: string | null;

  @Column({ type: 'text', nullable: true })
  modality!: string | null;

  @Column({ name: 'body_part', type: 'text', nullable: true })
  bodyPart!: string | null;

  @Column({ type: 'text', nullable: true })
  manufacturer!: string | null;

  @Column({ name: 'manufacturer_model', type: 'text', nullable: true })
  manufacturerModel!: string | null;

  @Column({ type: 'text', nullable: true })
  sex!: string | null;

  // PatientAge as written (e.g. 045Y) and in whole years, for range filters.
  @Column({ type: 'text', nullable: true })
  age!: string | null;

  @Column({ name: 'age_years', type: 'integer', nullable: true })
  ageYears!: number | null;

  @Column({ name: 'slice_thickness', type: 'double precision', nullable: true })
  sliceThickness!: number | null;

  @Column({ type: 'integer', nullable: true })
  rows!: number | null;

  @Column({ type: 'integer', nullable: true })
  columns!: number | null;

  @Column({ type: 'integer', nullable: true })
  frames!: number | null;

  @Column({ name: 'transfer_syntax', type: 'text', nullable: true })
  transferSyntax!: string | null;

  // True on the rows of their dataset's latest version, the only rows search reads; the release transaction keeps it.
  @Column({ name: 'is_latest', type: 'boolean', default: false })
  isLatest!: boolean;

  // Annotation records per label id that point at this instance.
  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels!: Record<string, number>;

  @ManyToOne(() => DatasetVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'catalog_instances_version_fk' })
  version?: DatasetVersionEntity;
}
