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

/**
 * Writes the cells of the given versions (a subquery of version ids), each numbered by its series and study (a
 * number per version and key, from a sequence: distinct counts then hash integers) with how many cells share them
 * (a hit of one cell needs no deduplication at all), and flagged latest where `latest` (over `cells`) holds.
 * catalog_cells carry each label's instances and annotations; catalog_label_cells their exact label counts instead.
 */
export function cellsSql(table: 'catalog_cells' | 'catalog_label_cells', versions: string, latest: string): string {
  const byLabels = table === 'catalog_label_cells';
  const grouping = byLabels ? [...CELL_COLUMNS, 'labels'] : CELL_COLUMNS;
  // jsonb of the grouping columns: one hashable value per cell, nulls included, to attach the label counts to.
  const cell = `jsonb_build_array(${grouping.join(', ')})`;
  const numbered = (name: string, uid: string) =>
    `${name} as (select version_id, coalesce(${uid}, path) as key, nextval('imagora.catalog_hit_numbers') as no, count(*)::int as cells from cells group by 1, 2)`;
  return `insert into imagora.${table} (${grouping.join(', ')}, instances, ${SHOWN_COLUMNS.join(', ')}, ${byLabels ? '' : 'label_instances, label_sums, '}series_no, series_cells, study_no, study_cells, is_latest)
    with rows as materialized (
      select ci.version_id, ci.dataset_id, ci.study_instance_uid, ci.series_instance_uid,
             case when ci.study_instance_uid is null or ci.series_instance_uid is null then ci.path end as path,
             ci.modality, ci.body_part, ci.manufacturer, ci.sex, ci.age_years, ci.labels, ${SHOWN_COLUMNS.map((c) => `ci.${c}`).join(', ')}
        from imagora.catalog_instances ci where ci.version_id in (${versions})
    ), cells as materialized (
      select ${grouping.join(', ')}, ${cell} as cell, count(*)::int as instances, ${SHOWN_COLUMNS.map((c) => `min(${c}) as ${c}`).join(', ')}
        from rows group by ${grouping.join(', ')}
    ), ${numbered('series', 'series_instance_uid')}, ${numbered('studies', 'study_instance_uid')}${
      byLabels
        ? ''
        : `, labelled as (
      select cell, jsonb_object_agg(key, instances) as label_instances, jsonb_object_agg(key, annotations) as label_sums
        from (select ${cell} as cell, l.key, count(*)::int as instances, sum(l.value::int)::int as annotations
                from rows cross join lateral jsonb_each_text(rows.labels) as l(key, value) group by 1, 2) per_label
       group by cell
    )`
    }
    select ${grouping.map((c) => `cells.${c}`).join(', ')}, cells.instances, ${SHOWN_COLUMNS.map((c) => `cells.${c}`).join(', ')},
           ${byLabels ? '' : `coalesce(labelled.label_instances, '{}'::jsonb), coalesce(labelled.label_sums, '{}'::jsonb), `}series.no, series.cells, studies.no, studies.cells, ${latest}
      from cells
      join series on series.version_id = cells.version_id and series.key = coalesce(cells.series_instance_uid, cells.path)
      join studies on studies.version_id = cells.version_id and studies.key = coalesce(cells.study_instance_uid, cells.path)
      ${byLabels ? '' : 'left join labelled on labelled.cell = cells.cell'}`;
}

/**
 * Per version, each facet value's instances, series and studies (dimension '' is the version's total): what a search
 * without instance filters (only protocol, dataset, organization, text) counts, a few dozen rows per version.
 */
export function versionFacetsSql(versions: string, latest: string): string {
  const series = `count(distinct coalesce(ci.series_instance_uid, ci.path))::int`;
  const studies = `count(distinct coalesce(ci.study_instance_uid, ci.path))::int`;
  const values = [`('', '')`, ...Object.entries(ATTRIBUTE_FACETS).map(([dimension, sql]) => `('${dimension}', ${sql})`)].join(', ');
  return `insert into imagora.catalog_version_facets (version_id, dataset_id, dimension, value, instances, series, studies, is_latest)
    select cells.*, ${latest} from (
      select ci.version_id, ci.dataset_id, f.dimension, f.value, count(*)::int as instances, ${series} as series, ${studies} as studies
        from imagora.catalog_instances ci cross join lateral (values ${values}) as f(dimension, value)
       where ci.version_id in (${versions}) group by 1, 2, 3, 4
      union all
      select ci.version_id, ci.dataset_id, 'label', l.key, count(*)::int, ${series}, ${studies}
        from imagora.catalog_instances ci cross join lateral jsonb_object_keys(ci.labels) as l(key)
       where ci.version_id in (${versions}) group by 1, 2, 3, 4
    ) cells`;
}

export const CELL_TABLES = ['catalog_cells', 'catalog_label_cells', 'catalog_version_facets'] as const;

/**
 * Summarizes the catalog rows of the dataset's versions that have none yet (a version's rows are written once, at
 * its release), flagged latest if theirs is the dataset's highest version number, then unflags the others. Called by
 * markLatestVersion, under the dataset's version lock, in the transaction that wrote the rows.
 */
export async function summarizeDatasetCatalog(queryable: Queryable, datasetId: string, latestVersionId: string): Promise<void> {
  for (const table of CELL_TABLES) {
    const fresh = (await queryable.query(
      `select v.id from imagora.dataset_versions v where v.dataset_id = $1 and not exists (select 1 from imagora.${table} c where c.version_id = v.id)`,
      [datasetId],
    )) as Array<{ id: string }>;
    if (fresh.length > 0) {
      const versions = 'select unnest($1::uuid[])';
      const latest = 'cells.version_id = $2';
      const params = [fresh.map((v) => v.id), latestVersionId];
      await queryable.query(table === 'catalog_version_facets' ? versionFacetsSql(versions, latest) : cellsSql(table, versions, latest), params);
    }
    await queryable.query(
      `update imagora.${table} c set is_latest = (c.version_id = $2) where c.dataset_id = $1 and c.is_latest is distinct from (c.version_id = $2)`,
      [datasetId, latestVersionId],
    );
  }
}
