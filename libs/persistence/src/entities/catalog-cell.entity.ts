import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { IMAGORA_SCHEMA } from '../schema';
import { CatalogAttributeColumns } from './catalog-attribute-columns';
import { DatasetVersionEntity } from './dataset-version.entity';

/**
 * Released instances summarized at release time (see catalog-cells.ts): the instances of one version, study and
 * series that share every attribute search filters or facets on, so that facet counts and study/series/dataset
 * level answers add up thousands of cells instead of a million instance rows. The attribute columns are
 * catalog_instances' (CatalogAttributeColumns); of those a hit shows but search does not group by (manufacturer model,
 * age, slice thickness, rows, columns, transfer syntax) a cell holds the smallest among its instances.
 */
abstract class CatalogCellColumns extends CatalogAttributeColumns {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  // The instance's path when it lacks a study or series UID: its study/series key is then its path, so it is a cell of its own.
  @Column({ type: 'text', nullable: true })
  path!: string | null;

  @Column({ type: 'integer' })
  instances!: number;

  // A number for the cell's version and series key (study key), and how many cells share it (see cellsSql).
  @Column({ name: 'series_no', type: 'bigint', nullable: true })
  seriesNo!: string | null;

  @Column({ name: 'series_cells', type: 'integer', nullable: true })
  seriesCells!: number | null;

  @Column({ name: 'study_no', type: 'bigint', nullable: true })
  studyNo!: string | null;

  @Column({ name: 'study_cells', type: 'integer', nullable: true })
  studyCells!: number | null;
}

// Cells for queries without a label filter.
@Entity({ name: 'catalog_cells', schema: IMAGORA_SCHEMA })
@Index('catalog_cells_dataset_idx', ['datasetId', 'versionId'])
// Series and study hits in key order (expression indexes, created by hand in the migration).
@Index('catalog_cells_series_key_idx', { synchronize: false })
@Index('catalog_cells_study_key_idx', { synchronize: false })
export class CatalogCellEntity extends CatalogCellColumns {
  // Per label id: how many of the cell's instances carry it (facet counts) and how many annotations they hold (hit labels).
  @Column({ name: 'label_instances', type: 'jsonb' })
  labelInstances!: Record<string, number>;

  @Column({ name: 'label_sums', type: 'jsonb' })
  labelSums!: Record<string, number>;

  @ManyToOne(() => DatasetVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'catalog_cells_version_fk' })
  version?: DatasetVersionEntity;
}

// The same cells split further by the instances' exact label counts, so a label filter (with its minimum) selects
// whole cells; each label's instances and annotations are then the cell's instances and its count times them.
@Entity({ name: 'catalog_label_cells', schema: IMAGORA_SCHEMA })
@Index('catalog_label_cells_dataset_idx', ['datasetId', 'versionId'])
// GIN over the label counts, as on catalog_instances; created by hand in the migration.
@Index('catalog_label_cells_labels_idx', { synchronize: false })
@Index('catalog_label_cells_series_key_idx', { synchronize: false })
@Index('catalog_label_cells_study_key_idx', { synchronize: false })
export class CatalogLabelCellEntity extends CatalogCellColumns {
  @Column({ type: 'jsonb', nullable: true })
  labels!: Record<string, number> | null;

  @ManyToOne(() => DatasetVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'catalog_label_cells_version_fk' })
  version?: DatasetVersionEntity;
}

// Per version, each facet value's instances, series and studies (dimension '' the version's total): the counts of a
// search without instance filters (see versionFacetsSql).
@Entity({ name: 'catalog_version_facets', schema: IMAGORA_SCHEMA })
@Index('catalog_version_facets_dataset_idx', ['datasetId', 'versionId'])
export class CatalogVersionFacetEntity {
  @PrimaryColumn({ name: 'version_id', type: 'uuid' })
  versionId!: string;

  @PrimaryColumn({ type: 'text' })
  dimension!: string;

  @PrimaryColumn({ type: 'text' })
  value!: string;

  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  @Column({ name: 'is_latest', type: 'boolean', default: false })
  isLatest!: boolean;

  @Column({ type: 'integer' })
  instances!: number;

  @Column({ type: 'integer' })
  series!: number;

  @Column({ type: 'integer' })
  studies!: number;

  @ManyToOne(() => DatasetVersionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id', foreignKeyConstraintName: 'catalog_version_facets_version_fk' })
  version?: DatasetVersionEntity;
}
