/**
 * The catalog's summary cells (catalog_cells, catalog_label_cells), written in the release transaction right after a
 * version's catalog rows, from those rows: search reads the cells for totals, facets and study/series/dataset hits,
 * and the instance rows only for instance hits and cohorts.
 *
 * A cell is every instance of one version, study and series sharing the attributes search filters on (modality, body
 * part, manufacturer, sex, age in years), plus its exact label counts for catalog_label_cells. Every filter but the
 * label minimum is then true or false for a whole cell, and the label filter too on catalog_label_cells: summing the
 * matching cells gives exactly what counting the matching instances gives.
 */

/** The facet value of each instance attribute as search shows it, on a catalog_instances or cell row `ci`. */
export const ATTRIBUTE_FACETS = {
  modality: `coalesce(ci.modality, '(unknown)')`,
  bodyPart: `coalesce(ci.body_part, '(unknown)')`,
  sex: `coalesce(ci.sex, '(unknown)')`,
  ageBand: `case when ci.age_years is null then '(unknown)' when ci.age_years < 18 then '0-17' when ci.age_years < 30 then '18-29'
  when ci.age_years >= 80 then '80+' else (ci.age_years / 10 * 10)::text || '-' || (ci.age_years / 10 * 10 + 9)::text end`,
  manufacturer: `coalesce(ci.manufacturer, '(unknown)')`,
} as const;

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

// The attributes that make a cell. An instance without a study or series UID keeps its path: its key is its path.
const CELL_COLUMNS = ['version_id', 'dataset_id', 'study_instance_uid', 'series_instance_uid', 'path', 'modality', 'body_part', 'manufacturer', 'sex', 'age_years'];
const SHOWN_COLUMNS = ['manufacturer_model', 'age', 'slice_thickness', 'rows', 'columns', 'transfer_syntax'];

export function cellsSql(table: 'catalog_cells' | 'catalog_label_cells', versions: string): string {
  const grouping = table === 'catalog_label_cells' ? [...CELL_COLUMNS, 'labels'] : CELL_COLUMNS;
  // jsonb of the grouping columns: one hashable value per cell, nulls included, to attach the label counts to.
  const cell = `jsonb_build_array(${grouping.join(', ')})`;
  return `insert into imagora.${table} (${grouping.join(', ')}, instances, ${SHOWN_COLUMNS.join(', ')}, label_instances, label_sums)
    with rows as materialized (
      select ci.version_id, ci.dataset_id, ci.study_instance_uid, ci.series_instance_uid,
             case when ci.study_instance_uid is null or ci.series_instance_uid is null then ci.path end as path,
             ci.modality, ci.body_part, ci.manufacturer, ci.sex, ci.age_years, ci.labels, ${SHOWN_COLUMNS.map((c) => `ci.${c}`).join(', ')}
        from imagora.catalog_instances ci where ci.version_id in (${versions})
    ), cells as (
      select ${grouping.join(', ')}, ${cell} as cell, count(*)::int as instances, ${SHOWN_COLUMNS.map((c) => `min(${c}) as ${c}`).join(', ')}
        from rows group by ${grouping.join(', ')}
    ), labelled as (
      select cell, jsonb_object_agg(key, instances) as label_instances, jsonb_object_agg(key, annotations) as label_sums
        from (select ${cell} as cell, l.key, count(*)::int as instances, sum(l.value::int)::int as annotations
                from rows cross join lateral jsonb_each_text(rows.labels) as l(key, value) group by 1, 2) per_label
       group by cell
    )
    select ${grouping.map((c) => `cells.${c}`).join(', ')}, cells.instances, ${SHOWN_COLUMNS.map((c) => `cells.${c}`).join(', ')},
           coalesce(labelled.label_instances, '{}'::jsonb), coalesce(labelled.label_sums, '{}'::jsonb)
      from cells left join labelled on labelled.cell = cells.cell`;
}

/**
 * Numbers each cell's series and study (the smallest cell id of the same version and key) and counts the cells that
 * share them: distinct counts can then hash integers, and a key with one cell needs no deduplication at all.
 */
export function cellKeysSql(table: 'catalog_cells' | 'catalog_label_cells', versions: string): string {
  return `update imagora.${table} c set series_no = k.series_no, series_cells = k.series_cells, study_no = k.study_no, study_cells = k.study_cells
      from (select id, min(id) over series as series_no, count(*) over series as series_cells, min(id) over study as study_no, count(*) over study as study_cells
              from imagora.${table} where version_id in (${versions})
            window series as (partition by version_id, coalesce(series_instance_uid, path)), study as (partition by version_id, coalesce(study_instance_uid, path))) k
     where c.id = k.id`;
}

/**
 * Per version, each facet value's instances, series and studies (dimension '' is the version's total): what a search
 * without instance filters (only protocol, dataset, organization, text) counts, a few dozen rows per version.
 */
export function versionFacetsSql(versions: string): string {
  const series = `count(distinct coalesce(ci.series_instance_uid, ci.path))::int`;
  const studies = `count(distinct coalesce(ci.study_instance_uid, ci.path))::int`;
  const values = [`('', '')`, ...Object.entries(ATTRIBUTE_FACETS).map(([dimension, sql]) => `('${dimension}', ${sql})`)].join(', ');
  return `insert into imagora.catalog_version_facets (version_id, dataset_id, dimension, value, instances, series, studies)
    select ci.version_id, ci.dataset_id, f.dimension, f.value, count(*)::int, ${series}, ${studies}
      from imagora.catalog_instances ci cross join lateral (values ${values}) as f(dimension, value)
     where ci.version_id in (${versions}) group by 1, 2, 3, 4
    union all
    select ci.version_id, ci.dataset_id, 'label', l.key, count(*)::int, ${series}, ${studies}
      from imagora.catalog_instances ci cross join lateral jsonb_object_keys(ci.labels) as l(key)
     where ci.version_id in (${versions}) group by 1, 2, 3, 4`;
}

export const CELL_TABLES = ['catalog_cells', 'catalog_label_cells', 'catalog_version_facets'] as const;

/**
 * Summarizes the catalog rows of the dataset's versions that have none yet (a version's rows are written once, at
 * its release), then flags the cells of the dataset's highest version number like its instance rows. Called by
 * markLatestVersion, under the dataset's version lock, in the transaction that wrote the rows.
 */
export async function summarizeDatasetCatalog(queryable: Queryable, datasetId: string, latestVersionId: string): Promise<void> {
  for (const table of CELL_TABLES) {
    const fresh = (await queryable.query(
      `select v.id from imagora.dataset_versions v where v.dataset_id = $1 and not exists (select 1 from imagora.${table} c where c.version_id = v.id)`,
      [datasetId],
    )) as Array<{ id: string }>;
    if (fresh.length > 0) {
      const versions = [fresh.map((v) => v.id)];
      if (table === 'catalog_version_facets') await queryable.query(versionFacetsSql('select unnest($1::uuid[])'), versions);
      else {
        await queryable.query(cellsSql(table, 'select unnest($1::uuid[])'), versions);
        await queryable.query(cellKeysSql(table, 'select unnest($1::uuid[])'), versions);
      }
    }
    await queryable.query(
      `update imagora.${table} c set is_latest = (c.version_id = $2) where c.dataset_id = $1 and c.is_latest is distinct from (c.version_id = $2)`,
      [datasetId, latestVersionId],
    );
  }
}
