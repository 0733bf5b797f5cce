import { Column } from 'typeorm';

/**
 * The de-identified attributes search filters, facets and shows, under the same column names in catalog_instances
 * and in its summary cells (catalog-cell.entity.ts), so that one WHERE clause reads either.
 */
export abstract class CatalogAttributeColumns {
  @Column({ name: 'dataset_id', type: 'uuid' })
  datasetId!: string;

  // True on the rows of their dataset's latest version, the only rows search reads; the release transaction keeps it.
  @Column({ name: 'is_latest', type: 'boolean', default: false })
  isLatest!: boolean;

  @Column({ name: 'study_instance_uid', type: 'text', nullable: true })
  studyInstanceUid!: string | null;

  @Column({ name: 'series_instance_uid', type: 'text', nullable: true })
  seriesInstanceUid!: string | null;

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

  @Column({ name: 'transfer_syntax', type: 'text', nullable: true })
  transferSyntax!: string | null;
}
