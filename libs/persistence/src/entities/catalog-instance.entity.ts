import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { CatalogAttributeColumns } from './catalog-attribute-columns';
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
export class CatalogInstanceEntity extends CatalogAttributeColumns {
  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @PrimaryColumn({ type: 'text' })
  path!: string;

  @Column({ type: 'text' })
  sha256!: string;

  @Column({ name: 'sop_instance_uid', type: 'text', nullable: true })
  sopInstanceUid!: string | null;

  @Column({ name: 'sop_class_uid', type: 'text', nullable: true })
  sopClassUid!: string | null;

  @Column({ type: 'integer', nullable: true })
  frames!: number | null;

  // Annotation records per label id that point at this instance.
  @Column({ type: 'jsonb', default: () => "'{}'" })
  labels!: Record<string, number>;

  @ManyToOne(() => DatasetVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'catalog_instances_version_fk' })
  version?: DatasetVersionEntity;
}
