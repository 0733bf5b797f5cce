import { DataSource } from 'typeorm';
import { CatalogHit, CatalogQuery, CatalogRepository, CatalogSearchPage, Cohort, DownloadFile, FACET_DIMENSIONS, FacetDimension, SearchLevel } from '@imagora/domain';
import { ATTRIBUTE_FACETS } from './catalog-cells';

type Params = unknown[];

/** Rows of the datasets matching a condition on `fd` (datasets) and `fo` (organizations): ids first, so the planner reads only those datasets' rows (dataset index). */
const datasetIds = (condition: string) => `ci.dataset_id in (select fd.id from imagora.datasets fd join imagora.organizations fo on fo.id = fd.organization_id where ${condition})`;

const KEY: Record<SearchLevel, string> = {
  instance: `ci.version_id::text || ':' || ci.path`,
  // Per dataset version: the same series released in two datasets is two hits (each with its own dataset and labels).
  series: `ci.version_id::text || ':' || coalesce(ci.series_instance_uid, ci.path)`,
  study: `ci.version_id::text || ':' || coalesce(ci.study_instance_uid, ci.path)`,
  dataset: `o.slug || '/' || d.slug`,
};

const FACET_SQL: Record<Exclude<FacetDimension, 'label'>, string> = {
  protocol: 'v.protocol',
  ...ATTRIBUTE_FACETS,
  dataset: `o.slug || '/' || d.slug`,
  organization: 'o.slug',
};

// Above instance level, what identifies a hit among the cells as a value cheap to hash (series and study numbers;
// a dataset's one latest version, by its dataset id), and when a hit is a single cell (counted without deduplicating).
const HIT_TOKEN: Record<Exclude<SearchLevel, 'instance'>, { token: string; alone: string }> = {
  series: { token: 'ci.series_no', alone: 'ci.series_cells = 1' },
  study: { token: 'ci.study_no', alone: 'ci.study_cells = 1' },
  dataset: { token: 'ci.dataset_id', alone: 'false' },
};

const SORTS: Record<string, string> = { key: '', dataset: `o.slug || '/' || d.slug`, modality: `coalesce(ci.modality, '')` };

type Bind = (value: unknown) => string;

function binder(params: Params): Bind {
  return (value) => {
    params.push(value);
    return `$${params.length}`;
  };
}

/** Filters on what varies between a version's instances (labels and instance attributes). */
function instanceClauses(query: CatalogQuery, bind: Bind): string[] {
  const clauses: string[] = [];
  if (query.label?.length) {
    clauses.push(`ci.labels ?& ${bind(query.label)}::text[]`);
    if (query.labelMin && query.labelMin > 1) {
      for (const label of query.label) clauses.push(`(ci.labels ->> ${bind(label)})::int >= ${bind(query.labelMin)}`);
    }
  }
  if (query.modality?.length) clauses.push(`ci.modality = any(${bind(query.modality)}::text[])`);
  if (query.bodyPart?.length) clauses.push(`upper(ci.body_part) = any(${bind(query.bodyPart.map((b) => b.toUpperCase()))}::text[])`);
  if (query.sex?.length) clauses.push(`ci.sex = any(${bind(query.sex)}::text[])`);
  if (query.ageMin !== undefined) clauses.push(`ci.age_years >= ${bind(query.ageMin)}`);
  if (query.ageMax !== undefined) clauses.push(`ci.age_years <= ${bind(query.ageMax)}`);
  if (query.manufacturer?.length) clauses.push(`ci.manufacturer = any(${bind(query.manufacturer)}::text[])`);
  return clauses;
}

/** The protocol filter (a version's protocol, with or without its @version). */
function protocolClauses(query: CatalogQuery, bind: Bind): string[] {
  if (!query.protocol?.length) return [];
  const p = bind(query.protocol);
  return [`(v.protocol = any(${p}::text[]) or split_part(v.protocol, '@', 1) = any(${p}::text[]))`];
}

/** Filters on the dataset (slug, organization, title and description). */
function datasetClauses(query: CatalogQuery, bind: Bind): string[] {
  const clauses: string[] = [];
  if (query.dataset?.length) clauses.push(datasetIds(`fo.slug || '/' || fd.slug = any(${bind(query.dataset)}::text[])`));
  if (query.organization?.length) clauses.push(datasetIds(`fo.slug = any(${bind(query.organization)}::text[])`));
  if (query.text?.trim()) clauses.push(datasetIds(`to_tsvector('simple', fd.title || ' ' || fd.description) @@ plainto_tsquery('simple', ${bind(query.text.trim())})`));
  return clauses;
}

const joinClauses = (clauses: string[]) => (clauses.length ? clauses.join(' and ') : 'true');

/** The WHERE clause of a catalog query, with its parameters (every value is a bound parameter). */
export function catalogWhere(query: CatalogQuery, params: Params): string {
  const bind = binder(params);
  return joinClauses([...protocolClauses(query, bind), ...instanceClauses(query, bind), ...datasetClauses(query, bind)]);
}

/** The part of catalogWhere that whole versions match or not (no instance filter). */
function versionWhere(query: CatalogQuery, params: Params): string {
  const bind = binder(params);
  return joinClauses([...protocolClauses(query, bind), ...datasetClauses(query, bind)]);
}

export function catalogFrom(): string {
  // Released instances of the latest version of each dataset (is_latest, kept at release), with what search filters and shows.
  return `imagora.catalog_instances ci
    join imagora.dataset_versions v on v.id = ci.version_id and ci.is_latest
    join imagora.datasets d on d.id = ci.dataset_id
    join imagora.organizations o on o.id = d.organization_id`;
}

/**
 * The summary cells of the latest versions (catalog-cells.ts), joined like catalogFrom and with the same column
 * names, so catalogWhere selects whole cells: summing their instances counts exactly the instances catalogFrom would.
 * A label filter needs the cells split by label counts.
 */
export function cellsFrom(query: CatalogQuery, options: { names: boolean } = { names: true }): string {
  return `imagora.${query.label?.length ? 'catalog_label_cells' : 'catalog_cells'} ci
    join imagora.dataset_versions v on v.id = ci.version_id and ci.is_latest${
      options.names
        ? `
    join imagora.datasets d on d.id = ci.dataset_id
    join imagora.organizations o on o.id = d.organization_id`
        : ''
    }`;
}

/** Whether the query filters on what varies between a version's instances (else whole versions match or not). */
function filtersInstances(query: CatalogQuery): boolean {
  return instanceClauses(query, () => '').length > 0;
}

function emptyFacets(): CatalogSearchPage['facets'] {
  return Object.fromEntries(FACET_DIMENSIONS.map((d) => [d, [] as Array<{ value: string; count: number }>])) as CatalogSearchPage['facets'];
}

/** Each label's instances and annotations in the cells cellsFrom reads (`l` per label; see catalog-cells.ts). */
function cellLabels(query: CatalogQuery) {
  return query.label?.length
    ? {
        keys: `jsonb_object_keys(ci.labels) as l(key)`,
        instances: { lateral: `jsonb_object_keys(ci.labels) as l(key)`, instances: 'ci.instances' },
        sums: { lateral: `jsonb_each_text(ci.labels) as l(key, value)`, annotations: 'l.value::int * ci.instances' },
      }
    : {
        keys: `jsonb_object_keys(ci.label_instances) as l(key)`,
        instances: { lateral: `jsonb_each_text(ci.label_instances) as l(key, value)`, instances: 'l.value::int' },
        sums: { lateral: `jsonb_each_text(ci.label_sums) as l(key, value)`, annotations: 'l.value::int' },
      };
}

function encodeCursor(values: [string, string]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((v) => typeof v === 'string')) return parsed as [string, string];
  } catch {
    /* a cursor we did not issue reads as the first page's end */
  }
  return ['\uffff', '\uffff'];
}

export class TypeormCatalogRepository implements CatalogRepository {
  constructor(private readonly dataSource: DataSource) {}

  async search(query: CatalogQuery, options: { level: SearchLevel; limit: number; cursor?: string; sort?: string; countsOnly: boolean }): Promise<CatalogSearchPage> {
    // The counts and the page in parallel on the pool.
    const [counts, page] = await Promise.all([
      filtersInstances(query) ? this.cellCounts(query, options.level) : this.versionCounts(query, options.level),
      options.countsOnly ? Promise.resolve({ hits: [], nextCursor: null }) : this.hits(query, options),
    ]);
    for (const dimension of FACET_DIMENSIONS) counts.facets[dimension].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return { total: counts.total, facets: counts.facets, hits: page.hits, nextCursor: page.nextCursor };
  }

  /** Total and facets from the matching cells (catalog-cells.ts). */
  private async cellCounts(query: CatalogQuery, level: SearchLevel): Promise<Pick<CatalogSearchPage, 'total' | 'facets'>> {
    const params: Params = [];
    const where = catalogWhere(query, params);
    const from = cellsFrom(query, { names: false });
    // Protocol, dataset and organization are the version's: counted per version (hits of different versions are
    // different hits, so their counts add up), then named and added up per protocol, dataset and organization.
    const dims: Array<[string, string]> = [...Object.entries(ATTRIBUTE_FACETS), ['version', 'ci.version_id']];
    const flags = dims.map(([name, sql]) => `grouping(${sql}) as "g_${name}"`).join(', ');
    const values = dims.map(([name, sql]) => `${sql} as "${name}"`).join(', ');
    const columns = [...dims.map(([name]) => `"${name}"`), ...dims.map(([name]) => `"g_${name}"`)].join(', ');
    const positions = dims.map((_, i) => `${i + 1}, ${dims.length + i + 1}`).join(', ');
    const sets = (token?: string) => dims.map(([, sql]) => `(${sql}${token ? `, ${token}` : ''})`).join(', ');
    // The total (the grouping set without a dimension) and every facet but labels in one pass, labels alongside.
    // At instance level every instance is its own key, so the matching cells' instances add up to the count of keys.
    // Above it a hit is counted once: a hit that is one cell alone counts as that cell; the cells of hits that span
    // several first list their distinct (value, hit) pairs, by hashing.
    let grouped: string;
    let labelled: string;
    if (level === 'instance') {
      grouped = `select ${values}, ${flags}, sum(ci.instances)::int as n from ${from} where ${where} group by grouping sets ((), ${sets()})`;
      const { lateral, instances } = cellLabels(query).instances;
      labelled = `select l.key as value, sum(${instances})::int as n from ${from} cross join lateral ${lateral} where ${where} group by l.key`;
    } else {
      const { token, alone } = HIT_TOKEN[level];
      // The matching cells are read once (a label filter's index scan is most of the cost), then counted both ways.
      const names = dims.map(([name]) => `"${name}"`).join(', ');
      const nameFlags = dims.map(([name]) => `grouping("${name}") as "g_${name}"`).join(', ');
      const nameSets = (withToken: boolean) => dims.map(([name]) => `("${name}"${withToken ? ', token' : ''})`).join(', ');
      grouped = `with matching as materialized (select ${values}, ${token} as token, ${alone} as alone from ${from} where ${where})
        select ${columns}, sum(n)::int as n from (
          select ${names}, ${nameFlags}, count(*) as n from matching where alone group by grouping sets ((), ${nameSets(false)})
          union all
          select ${columns}, count(*) from (select ${names}, ${nameFlags} from matching where not alone group by grouping sets ((token), ${nameSets(true)})) keyed group by ${positions}
        ) counted group by ${positions}`;
      labelled = `with matching as materialized (select l.key as value, ${token} as token, ${alone} as alone from ${from} cross join lateral ${cellLabels(query).keys} where ${where})
        select value, sum(n)::int as n from (
          select value, count(*) as n from matching where alone group by 1
          union all
          select value, count(*) from (select distinct value, token from matching where not alone) keyed group by 1
        ) counted group by value`;
    }
    const named = `select counted.*, v.protocol, o.slug || '/' || d.slug as dataset, o.slug as organization from (${grouped}) counted
      left join imagora.dataset_versions v on v.id = counted.version left join imagora.datasets d on d.id = v.dataset_id left join imagora.organizations o on o.id = d.organization_id`;
    const [groupedRows, labels] = await Promise.all([
      this.dataSource.query(named, params) as Promise<Array<Record<string, string | number | null>>>,
      this.dataSource.query(labelled, params) as Promise<Array<{ value: string; n: number }>>,
    ]);
    let total = 0;
    const facets = emptyFacets();
    const byVersion = { protocol: new Map<string, number>(), dataset: new Map<string, number>(), organization: new Map<string, number>() };
    for (const row of groupedRows) {
      const dimension = dims.find(([name]) => Number(row[`g_${name}`]) === 0)?.[0];
      if (dimension === 'version') {
        for (const [name, counts] of Object.entries(byVersion)) counts.set(String(row[name]), (counts.get(String(row[name])) ?? 0) + Number(row.n));
      } else if (dimension) facets[dimension as FacetDimension].push({ value: String(row[dimension]), count: Number(row.n) });
      else total = Number(row.n);
    }
    for (const [name, counts] of Object.entries(byVersion)) facets[name as FacetDimension] = [...counts].map(([value, count]) => ({ value, count }));
    facets.label = labels.map((r) => ({ value: r.value, count: r.n }));
    return { total, facets };
  }

  /**
   * Total and facets of a query that filters whole versions only (protocol, dataset, organization, text), from the
   * versions' facet counts. At dataset level each (dimension, value) row is one dataset: its one latest version.
   */
  private async versionCounts(query: CatalogQuery, level: SearchLevel): Promise<Pick<CatalogSearchPage, 'total' | 'facets'>> {
    const params: Params = [];
    const where = catalogWhere(query, params);
    const measure = { instance: 'ci.instances', series: 'ci.series', study: 'ci.studies', dataset: '1' }[level];
    const byVersion = { protocol: FACET_SQL.protocol, dataset: FACET_SQL.dataset, organization: FACET_SQL.organization };
    const rows: Array<Record<string, string | number>> = await this.dataSource.query(
      `select ci.dimension, ci.value, ${Object.entries(byVersion).map(([name, sql]) => `${sql} as "${name}", grouping(${sql}) as "g_${name}"`).join(', ')}, grouping(ci.value) as g_value, sum(${measure})::int as n
         from imagora.catalog_version_facets ci
         join imagora.dataset_versions v on v.id = ci.version_id and ci.is_latest
         join imagora.datasets d on d.id = ci.dataset_id
         join imagora.organizations o on o.id = d.organization_id
        where ${where}
        group by grouping sets ((ci.dimension, ci.value), ${Object.values(byVersion).map((sql) => `(ci.dimension, ${sql})`).join(', ')})`,
      params,
    );
    let total = 0;
    const facets = emptyFacets();
    for (const row of rows) {
      // Dimension '' is each version's total: the total, and the counts per protocol, dataset and organization.
      const whole = row.dimension === '';
      if (Number(row.g_value) === 0) {
        if (whole) total = Number(row.n);
        else facets[row.dimension as FacetDimension].push({ value: String(row.value), count: Number(row.n) });
      } else if (whole) {
        const name = (Object.keys(byVersion) as Array<keyof typeof byVersion>).find((n) => Number(row[`g_${n}`]) === 0)!;
        facets[name].push({ value: String(row[name]), count: Number(row.n) });
      }
    }
    return { total, facets };
  }

  private async hits(query: CatalogQuery, options: { level: SearchLevel; limit: number; cursor?: string; sort?: string }): Promise<{ hits: CatalogHit[]; nextCursor: string | null }> {
    const params: Params = [];
    const where = catalogWhere(query, params);
    const key = KEY[options.level];
    const sortSql = SORTS[options.sort ?? 'key'] || key;
    const cursor = decodeCursor(options.cursor);
    const single = options.level === 'instance';
    // Sorted by key, a group's sort value is its key: no aggregate, so the page can come straight off a key index.
    const byKey = sortSql === key;
    const sortValue = single || byKey ? sortSql : `min(${sortSql})`;
    const afterSort = cursor ? `$${params.push(cursor[0])}` : '';
    const after = cursor ? `and (${sortValue}, ${key}) > (${afterSort}, $${params.push(cursor[1])})` : '';
    const pick = (column: string) => (single ? column : `min(${column})`);
    // Instances come from their rows, in an index's order; groups from the cells, whose instances they add up.
    const select = `select ${key} as key, ${sortValue} as sort_value,
              ${pick(`o.slug || '/' || d.slug`)} as dataset, ${pick('d.title')} as dataset_title, ${pick('o.slug')} as organization,
              ${pick('v.number')} as version, ${pick('v.protocol')} as protocol,
              ${options.level === 'dataset' ? 'null' : pick('ci.study_instance_uid')} as study_uid,
              ${options.level === 'dataset' || options.level === 'study' ? 'null' : pick('ci.series_instance_uid')} as series_uid,
              ${single ? 'ci.sop_instance_uid' : 'null'} as sop_uid, ${single ? 'ci.path' : 'null'} as path,
              ${pick('ci.modality')} as modality, ${pick('ci.body_part')} as body_part, ${pick('ci.manufacturer')} as manufacturer,
              ${pick('ci.manufacturer_model')} as model, ${pick('ci.sex')} as sex, ${pick('ci.age')} as age, ${pick('ci.slice_thickness')} as slice_thickness,
              ${pick('ci.rows')} as rows, ${pick('ci.columns')} as columns, ${pick('ci.transfer_syntax')} as transfer_syntax,
              ${single ? '1' : 'sum(ci.instances)::int'} as instances, ${single ? 'ci.labels' : `'{}'::jsonb`} as labels`;
    let sql: string;
    if (options.level === 'dataset' && byKey) {
      // Dataset hits by key: dataset by dataset in slug order, each one's matching cells off the dataset index, until
      // the page is full (a dataset without a match is no group, so no hit).
      const from = cursor ? `where fo.slug || '/' || fd.slug >= ${afterSort}` : '';
      sql = `select page.* from (select fd.id, fo.slug || '/' || fd.slug as slug from imagora.datasets fd join imagora.organizations fo on fo.id = fd.organization_id ${from} order by 2 offset 0) ds
          cross join lateral (${select} from ${cellsFrom(query)} where ci.dataset_id = ds.id and ${where} ${after} group by ${key}) page
         order by ds.slug limit ${options.limit + 1}`;
    } else if (!single) {
      sql = `${select} from ${cellsFrom(query)} where ${where} ${byKey ? after : ''} group by ${key} having true ${byKey ? '' : after} order by ${sortValue}, ${key} limit ${options.limit + 1}`;
    } else if (options.sort === 'dataset') {
      // Dataset by dataset in slug order (a dataset's slug is unique), each one's latest version read in path order
      // off its primary key (within one version, path order is key order), until the page is full: the (dataset, key)
      // order without sorting every match. The dataset-level filters pick the versions first.
      const versionFilters = versionWhere(query, params);
      const from = cursor ? `and o.slug || '/' || d.slug >= ${afterSort}` : '';
      sql = `select page.* from (
            select ci.version_id, o.slug || '/' || d.slug as slug
              from (select distinct on (dataset_id) id as version_id, dataset_id from imagora.dataset_versions order by dataset_id, number desc) ci
              join imagora.dataset_versions v on v.id = ci.version_id join imagora.datasets d on d.id = ci.dataset_id join imagora.organizations o on o.id = d.organization_id
             where ${versionFilters} ${from} order by 2) latest
          cross join lateral (${select} from ${catalogFrom()} where ci.version_id = latest.version_id and ${where} ${after} order by ci.path limit ${options.limit + 1}) page
         order by latest.slug, page.key limit ${options.limit + 1}`;
    } else {
      sql = `${select} from ${catalogFrom()} where ${where} ${after} order by ${sortValue}, ${key} limit ${options.limit + 1}`;
    }
    const rows: any[] = await this.dataSource.query(sql, params);
    const page = rows.slice(0, options.limit);
    if (!single && page.length) await this.attachLabels(query, options.level, page);
    const hits = page.map((r) => toHit(options.level, r));
    const last = page[page.length - 1];
    return { hits, nextCursor: rows.length > options.limit && last ? encodeCursor([String(last.sort_value ?? ''), String(last.key)]) : null };
  }

  /** Annotation counts per label, summed over the instances of each grouped hit. */
  private async attachLabels(query: CatalogQuery, level: SearchLevel, rows: any[]): Promise<void> {
    const params: Params = [];
    const where = catalogWhere(query, params);
    const key = KEY[level];
    params.push(rows.map((r) => r.key));
    // Series and study keys are indexed on the cells; dataset keys are slugs, so the page's datasets are picked first.
    const sums: Array<{ key: string; label: string; n: number }> = await this.dataSource.query(
      `select ${key} as key, l.key as label, sum(${cellLabels(query).sums.annotations})::int as n from ${cellsFrom(query)} cross join lateral ${cellLabels(query).sums.lateral}
        where ${where} and ${key} = any($${params.length}::text[]) ${level === 'dataset' ? `and ${datasetIds(`fo.slug || '/' || fd.slug = any($${params.length}::text[])`)}` : ''} group by 1, 2`,
      params,
    );
    const byKey = new Map(rows.map((r) => [String(r.key), r]));
    for (const sum of sums) {
      const row = byKey.get(sum.key);
      if (row) row.labels = { ...row.labels, [sum.label]: sum.n };
    }
  }

  async createCohort(input: { ownerId: string; name: string; description: string; query: CatalogQuery }): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const [{ id }] = await manager.query(`insert into imagora.cohorts (owner_id, name, description, query, instances) values ($1, $2, $3, $4, 0) returning id`, [
        input.ownerId,
        input.name,
        input.description,
        JSON.stringify(input.query),
      ]);
      const params: Params = [id];
      const where = catalogWhere(input.query, params);
      // Frozen now: later releases change the latest versions, never this list.
      await manager.query(`insert into imagora.cohort_members (cohort_id, version_id, path) select $1, ci.version_id, ci.path from ${catalogFrom()} where ${where}`, params);
      await manager.query(`update imagora.cohorts set instances = (select count(*) from imagora.cohort_members where cohort_id = $1) where id = $1`, [id]);
      return id as string;
    });
  }

  async findCohort(id: string): Promise<Omit<Cohort, 'citation' | 'diversity' | 'datasets'> | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await this.dataSource.query(`select * from imagora.cohorts where id = $1`, [id]);
    return row ? toCohort(row) : undefined;
  }

  async listCohorts(ownerId: string): Promise<Array<Omit<Cohort, 'citation' | 'diversity' | 'datasets'>>> {
    return (await this.dataSource.query(`select * from imagora.cohorts where owner_id = $1 order by created_at desc`, [ownerId])).map(toCohort);
  }

  async deleteCohort(id: string, ownerId: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
    const result = await this.dataSource.query(`delete from imagora.cohorts where id = $1 and owner_id = $2`, [id, ownerId]);
    return Number(result[1] ?? 0) > 0;
  }

  async cohortDatasets(id: string): Promise<Array<{ datasetId: string; dataset: string }>> {
    return this.dataSource.query(
      `select d.id as "datasetId", o.slug || '/' || d.slug as dataset
         from (select distinct version_id from imagora.cohort_members where cohort_id = $1) mv
         join imagora.dataset_versions v on v.id = mv.version_id
         join imagora.datasets d on d.id = v.dataset_id
         join imagora.organizations o on o.id = d.organization_id
        group by d.id, o.slug order by 2`,
      [id],
    );
  }

  async cohortBreakdown(id: string) {
    const members = `imagora.cohort_members m
      join imagora.catalog_instances ci on ci.version_id = m.version_id and ci.path = m.path
      join imagora.dataset_versions v on v.id = m.version_id
      join imagora.datasets d on d.id = v.dataset_id
      join imagora.organizations o on o.id = d.organization_id`;
    const datasets = await this.dataSource.query(
      `select d.id as "datasetId", o.slug || '/' || d.slug as dataset, d.title, v.number as version, d.access_policy as policy, o.id as "organizationId", o.slug as organization, count(*)::int as instances
         from ${members} where m.cohort_id = $1 group by d.id, o.id, v.number order by 2, 4`,
      [id],
    );
    const [{ studies, series }] = await this.dataSource.query(
      `select count(distinct ci.study_instance_uid)::int as studies, count(distinct ci.series_instance_uid)::int as series from ${members} where m.cohort_id = $1`,
      [id],
    );
    const spreadOf = async (sql: string) =>
      (await this.dataSource.query(`select ${sql} as value, count(*)::int as count from ${members} where m.cohort_id = $1 group by 1`, [id])).map((r: { value: string; count: number }) => ({ value: String(r.value), count: r.count }));
    const spread = {
      organization: await spreadOf('o.slug'),
      manufacturer: await spreadOf(ATTRIBUTE_FACETS.manufacturer),
      model: await spreadOf(`coalesce(ci.manufacturer_model, '(unknown)')`),
      modality: await spreadOf(ATTRIBUTE_FACETS.modality),
      sex: await spreadOf(ATTRIBUTE_FACETS.sex),
      ageBand: await spreadOf(ATTRIBUTE_FACETS.ageBand),
    };
    return { datasets, studies, series, spread };
  }

  async cohortFiles(id: string, after: DownloadFile | null, limit: number): Promise<DownloadFile[]> {
    const params: Params = [id];
    const cursor = after ? `where (dataset_key, path) > ($${params.push(`${after.dataset}@${String(after.version).padStart(10, '0')}`)}, $${params.push(after.path)})` : '';
    const rows = await this.dataSource.query(`${cohortFilesSql('')} select * from files ${cursor} order by dataset_key, path limit ${Number(limit)}`, params);
    return rows.map(toDownloadFile);
  }

  async cohortBytes(id: string): Promise<number> {
    const [row] = await this.dataSource.query(`${cohortFilesSql('')} select coalesce(sum(size), 0)::text as bytes from files`, [id]);
    return Number(row.bytes);
  }

  async cohortFile(id: string, sha256: string): Promise<DownloadFile | undefined> {
    // The first file with these bytes in the cohort's own order (the one a scan of cohortFiles finds first),
    // looked up through the sha256 index instead of a scan.
    const rows = await this.dataSource.query(`${cohortFilesSql('and f.sha256 = $2')} select * from files order by dataset_key, path limit 1`, [id, sha256]);
    return rows.length ? toDownloadFile(rows[0]) : undefined;
  }
}

/** The files of cohort $1: its frozen instances, plus their versions' annotation and metadata files (everything without a catalog row). */
function cohortFilesSql(fileFilter: string): string {
  return `with files as (
         select f.path, f.sha256, f.size, f.media_type, o.slug || '/' || d.slug as dataset, v.number as version, o.slug || '/' || d.slug || '@' || lpad(v.number::text, 10, '0') as dataset_key
           from imagora.cohort_members m
           join imagora.dataset_version_files f on f.version_id = m.version_id and f.path = m.path
           join imagora.dataset_versions v on v.id = m.version_id
           join imagora.datasets d on d.id = v.dataset_id
           join imagora.organizations o on o.id = d.organization_id
          where m.cohort_id = $1 ${fileFilter}
         union
         select f.path, f.sha256, f.size, f.media_type, o.slug || '/' || d.slug, v.number, o.slug || '/' || d.slug || '@' || lpad(v.number::text, 10, '0')
           from (select distinct version_id from imagora.cohort_members where cohort_id = $1) mv
           join imagora.dataset_version_files f on f.version_id = mv.version_id
           join imagora.dataset_versions v on v.id = mv.version_id
           join imagora.datasets d on d.id = v.dataset_id
           join imagora.organizations o on o.id = d.organization_id
          where not exists (select 1 from imagora.catalog_instances ci where ci.version_id = f.version_id and ci.path = f.path) ${fileFilter}
       )`;
}

function toDownloadFile(r: any): DownloadFile {
  return { path: r.path, sha256: r.sha256, size: Number(r.size), mediaType: r.media_type, dataset: r.dataset, version: Number(r.version) };
}

function toCohort(row: any): Omit<Cohort, 'citation' | 'diversity' | 'datasets'> {
  return { id: row.id, ownerId: row.owner_id, name: row.name, description: row.description, query: row.query, createdAt: row.created_at, instances: row.instances, studies: 0, series: 0 };
}

function toHit(level: SearchLevel, r: any): CatalogHit {
  return {
    level,
    key: String(r.key),
    dataset: r.dataset,
    datasetTitle: r.dataset_title,
    organization: r.organization,
    version: Number(r.version),
    protocol: r.protocol,
    studyInstanceUid: r.study_uid,
    seriesInstanceUid: r.series_uid,
    sopInstanceUid: r.sop_uid,
    modality: r.modality,
    bodyPart: r.body_part,
    manufacturer: r.manufacturer,
    manufacturerModel: r.model,
    sex: r.sex,
    age: r.age,
    sliceThickness: r.slice_thickness === null ? null : Number(r.slice_thickness),
    rows: r.rows,
    columns: r.columns,
    transferSyntax: r.transfer_syntax,
    path: r.path,
    instances: Number(r.instances),
    labels: r.labels ?? {},
  };
}
