import { CatalogHit, CatalogQuery, FACET_DIMENSIONS, FacetDimension, SearchLevel } from '@imagora/domain';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../../test/support/database';
import { createDataSource, runMigrations } from '../data-source';
import { catalogFrom, catalogWhere, TypeormCatalogRepository } from './catalog.repository';
import { markLatestVersion } from './submission.repository';

// Catalog search against an independent in-memory oracle: a random catalog (several organizations, datasets with
// superseded versions, series shared between datasets, missing attributes, label counts) lives both in PostgreSQL
// and in plain arrays here; random queries compare total, every facet and every page of hits.

/** A small deterministic PRNG (mulberry32): a failing case reproduces from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  versionId: string;
  datasetId: string;
  path: string;
  study: string | null;
  series: string | null;
  sop: string;
  modality: string | null;
  bodyPart: string | null;
  manufacturer: string | null;
  model: string | null;
  sex: string | null;
  age: string | null;
  ageYears: number | null;
  sliceThickness: number | null;
  rows: number | null;
  columns: number | null;
  transferSyntax: string | null;
  labels: Record<string, number>;
}

interface Version {
  id: string;
  datasetId: string;
  number: number;
  protocol: string;
}

interface Dataset {
  id: string;
  slug: string;
  organization: string;
  title: string;
  description: string;
}

const SEED = Number(process.env.CATALOG_ORACLE_SEED ?? 20260517);
const MODALITIES = ['CT', 'MR', 'CR', 'US', null];
const BODY_PARTS = ['CHEST', 'chest', 'HEAD', 'ABDOMEN', null];
const MANUFACTURERS = ['SIEMENS', 'GE MEDICAL SYSTEMS', 'Philips', null];
const SEXES = ['F', 'M', 'O', null];
const LABELS = ['nodule', 'mass', 'effusion', 'fracture'];
const WORDS = ['lung', 'brain', 'liver', 'screening', 'nodules', 'trial', 'cardiac'];
const PROTOCOLS = ['chest-boxes@1.0.0', 'chest-boxes@2.0.0', 'brain-seg@1.2.0'];

function ageBand(years: number | null): string {
  if (years === null) return '(unknown)';
  if (years < 18) return '0-17';
  if (years < 30) return '18-29';
  if (years >= 80) return '80+';
  const low = Math.floor(years / 10) * 10;
  return `${low}-${low + 9}`;
}

/** The oracle: the catalog's semantics written out over arrays, sharing no SQL with the repository. */
class Oracle {
  constructor(
    private readonly rows: Row[],
    private readonly versions: Version[],
    private readonly datasets: Dataset[],
  ) {}

  private latest(): Set<string> {
    const best = new Map<string, Version>();
    for (const v of this.versions) if (!best.has(v.datasetId) || best.get(v.datasetId)!.number < v.number) best.set(v.datasetId, v);
    return new Set([...best.values()].map((v) => v.id));
  }

  private version(row: Row): Version {
    return this.versions.find((v) => v.id === row.versionId)!;
  }

  private dataset(row: Row): Dataset {
    return this.datasets.find((d) => d.id === row.datasetId)!;
  }

  matching(query: CatalogQuery): Row[] {
    const latest = this.latest();
    const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
    return this.rows.filter((row) => {
      if (!latest.has(row.versionId)) return false;
      const version = this.version(row);
      const dataset = this.dataset(row);
      if (query.protocol?.length && !query.protocol.some((p) => p === version.protocol || p === version.protocol.split('@')[0])) return false;
      if (query.label?.length && !query.label.every((l) => l in row.labels && row.labels[l] >= Math.max(query.labelMin ?? 1, 1))) return false;
      if (query.modality?.length && (row.modality === null || !query.modality.includes(row.modality))) return false;
      if (query.bodyPart?.length && (row.bodyPart === null || !query.bodyPart.map((b) => b.toUpperCase()).includes(row.bodyPart.toUpperCase()))) return false;
      if (query.sex?.length && (row.sex === null || !query.sex.includes(row.sex))) return false;
      if (query.ageMin !== undefined && (row.ageYears === null || row.ageYears < query.ageMin)) return false;
      if (query.ageMax !== undefined && (row.ageYears === null || row.ageYears > query.ageMax)) return false;
      if (query.manufacturer?.length && (row.manufacturer === null || !query.manufacturer.includes(row.manufacturer))) return false;
      if (query.dataset?.length && !query.dataset.includes(`${dataset.organization}/${dataset.slug}`)) return false;
      if (query.organization?.length && !query.organization.includes(dataset.organization)) return false;
      if (query.text?.trim()) {
        const have = new Set(words(`${dataset.title} ${dataset.description}`));
        if (!words(query.text).every((w) => have.has(w))) return false;
      }
      return true;
    });
  }

  key(level: SearchLevel, row: Row): string {
    const dataset = this.dataset(row);
    if (level === 'instance') return `${row.versionId}:${row.path}`;
    if (level === 'series') return `${row.versionId}:${row.series ?? row.path}`;
    if (level === 'study') return `${row.versionId}:${row.study ?? row.path}`;
    return `${dataset.organization}/${dataset.slug}`;
  }

  facetValues(dimension: FacetDimension, row: Row): string[] {
    const dataset = this.dataset(row);
    switch (dimension) {
      case 'protocol':
        return [this.version(row).protocol];
      case 'label':
        return Object.keys(row.labels);
      case 'modality':
        return [row.modality ?? '(unknown)'];
      case 'bodyPart':
        return [row.bodyPart ?? '(unknown)'];
      case 'sex':
        return [row.sex ?? '(unknown)'];
      case 'ageBand':
        return [ageBand(row.ageYears)];
      case 'manufacturer':
        return [row.manufacturer ?? '(unknown)'];
      case 'dataset':
        return [`${dataset.organization}/${dataset.slug}`];
      case 'organization':
        return [dataset.organization];
    }
  }

  search(query: CatalogQuery, level: SearchLevel) {
    const rows = this.matching(query);
    const facets = {} as Record<FacetDimension, Record<string, number>>;
    for (const dimension of FACET_DIMENSIONS) {
      const keys = new Map<string, Set<string>>();
      for (const row of rows) for (const value of this.facetValues(dimension, row)) keys.set(value, (keys.get(value) ?? new Set()).add(this.key(level, row)));
      facets[dimension] = Object.fromEntries([...keys].map(([value, set]) => [value, set.size]));
    }
    const groups = new Map<string, Row[]>();
    for (const row of rows) groups.set(this.key(level, row), [...(groups.get(this.key(level, row)) ?? []), row]);
    return { total: groups.size, facets, groups };
  }

  sortValue(sort: string, level: SearchLevel, group: Row[], key: string): string {
    const values = group.map((row) => {
      const dataset = this.dataset(row);
      if (sort === 'dataset') return `${dataset.organization}/${dataset.slug}`;
      if (sort === 'modality') return row.modality ?? '';
      return this.key(level, row);
    });
    return sort === 'key' ? key : values.sort(byCodeUnits)[0];
  }

  datasetOf(row: Row): Dataset {
    return this.dataset(row);
  }

  versionOf(row: Row): Version {
    return this.version(row);
  }
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function randomCatalog(random: () => number) {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const organizations = ['north', 'south', 'east-lab'];
  const datasets: Dataset[] = Array.from({ length: 8 }, (_, i) => ({
    id: uuid(),
    slug: `set-${i}`,
    organization: organizations[i % organizations.length],
    title: `${pick(WORDS)} ${pick(WORDS)} set ${i}`,
    description: i % 3 === 0 ? '' : `${pick(WORDS)} images`,
  }));
  const versions: Version[] = [];
  for (const [i, dataset] of datasets.entries()) {
    // Some datasets have superseded versions; one has its versions created out of order.
    const count = 1 + (i % 3);
    const numbers = i === 4 ? [3, 1, 2] : Array.from({ length: count }, (_, n) => n + 1);
    for (const number of numbers) versions.push({ id: uuid(), datasetId: dataset.id, number, protocol: pick(PROTOCOLS) });
  }
  // Series and studies are shared between datasets (the same files released twice), and some are missing.
  const studies = Array.from({ length: 40 }, (_, i) => `1.2.3.${i}`);
  const series = Array.from({ length: 120 }, (_, i) => ({ uid: `1.2.3.${i % 40}.${i}`, study: studies[i % 40] }));
  const rows: Row[] = [];
  for (const version of versions) {
    const n = 150 + Math.floor(random() * 300);
    for (let i = 0; i < n; i++) {
      const s = random() < 0.05 ? null : pick(series);
      const ageYears = random() < 0.1 ? null : Math.floor(random() * 100);
      const labels: Record<string, number> = {};
      for (const label of LABELS) if (random() < 0.3) labels[label] = 1 + Math.floor(random() * 4);
      rows.push({
        versionId: version.id,
        datasetId: version.datasetId,
        path: `images/${String(i).padStart(4, '0')}-${Math.floor(random() * 1000)}.dcm`,
        study: s === null ? (random() < 0.5 ? null : pick(studies)) : s.study,
        series: s?.uid ?? null,
        sop: `1.2.3.9.${rows.length}`,
        modality: pick(MODALITIES),
        bodyPart: pick(BODY_PARTS),
        manufacturer: pick(MANUFACTURERS),
        model: random() < 0.5 ? 'Model A' : null,
        sex: pick(SEXES),
        age: ageYears === null ? null : `${String(ageYears).padStart(3, '0')}Y`,
        ageYears,
        sliceThickness: random() < 0.5 ? null : Math.round(random() * 50) / 10,
        rows: 512,
        columns: 512,
        transferSyntax: '1.2.840.10008.1.2.1',
        labels,
      });
    }
  }
  // Paths are unique per version.
  const seen = new Set<string>();
  return { organizations, datasets, versions, rows: rows.filter((r) => !seen.has(`${r.versionId}:${r.path}`) && seen.add(`${r.versionId}:${r.path}`)) };
}

function randomQuery(random: () => number): CatalogQuery {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const some = <T>(values: readonly T[]): T[] => [...new Set(Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(values)))];
  const query: CatalogQuery = {};
  const dimensions = Math.floor(random() * 4);
  for (let i = 0; i < dimensions; i++) {
    switch (pick(['protocol', 'label', 'modality', 'bodyPart', 'sex', 'age', 'manufacturer', 'dataset', 'organization', 'text'])) {
      case 'protocol':
        query.protocol = some([...PROTOCOLS, 'chest-boxes', 'brain-seg', 'missing']);
        break;
      case 'label':
        query.label = some([...LABELS, 'absent']);
        if (random() < 0.6) query.labelMin = Math.floor(random() * 5);
        break;
      case 'modality':
        query.modality = some(['CT', 'MR', 'CR', 'US', 'XA']);
        break;
      case 'bodyPart':
        query.bodyPart = some(['CHEST', 'chest', 'Head', 'ABDOMEN', 'KNEE']);
        break;
      case 'sex':
        query.sex = some(['F', 'M', 'O']);
        break;
      case 'age': {
        const low = Math.floor(random() * 90);
        if (random() < 0.7) query.ageMin = low;
        if (random() < 0.7) query.ageMax = low + Math.floor(random() * 40);
        break;
      }
      case 'manufacturer':
        query.manufacturer = some(['SIEMENS', 'GE MEDICAL SYSTEMS', 'Philips', 'Canon']);
        break;
      case 'dataset':
        query.dataset = some(['north/set-0', 'south/set-1', 'east-lab/set-2', 'north/set-3', 'south/set-4', 'north/set-2']);
        break;
      case 'organization':
        query.organization = some(['north', 'south', 'east-lab', 'west']);
        break;
      case 'text':
        query.text = some(WORDS).join(' ');
        break;
    }
  }
  return query;
}

describe('TypeormCatalogRepository on real PostgreSQL, against an in-memory oracle', () => {
  let database: { url: string; drop: () => Promise<void> };
  let dataSource: DataSource;
  let repository: TypeormCatalogRepository;
  let oracle: Oracle;
  let catalog: ReturnType<typeof randomCatalog>;
  const random = prng(SEED);

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource(database.url);
    await dataSource.initialize();
    await runMigrations(dataSource);
    catalog = randomCatalog(random);
    const [{ id: userId }] = await dataSource.query(`insert into imagora.users (username, display_name, password_hash) values ('owner', 'Owner', 'x') returning id`);
    const orgIds = new Map<string, string>();
    for (const slug of catalog.organizations) {
      const [{ id }] = await dataSource.query(`insert into imagora.organizations (slug, name) values ($1, $1) returning id`, [slug]);
      orgIds.set(slug, id);
    }
    for (const d of catalog.datasets) {
      await dataSource.query(`insert into imagora.datasets (id, organization_id, slug, title, description, license, access_policy, created_by) values ($1, $2, $3, $4, $5, 'CC-BY-4.0', 'open', $6)`, [
        d.id,
        orgIds.get(d.organization),
        d.slug,
        d.title,
        d.description,
        userId,
      ]);
    }
    for (const v of catalog.versions) {
      await dataSource.query(
        `insert into imagora.dataset_versions (id, dataset_id, number, protocol, manifest_sha256, manifest_key, files, bytes, submission_id, released_at) values ($1, $2, $3, $4, 'x', 'x', 0, 0, gen_random_uuid(), now())`,
        [v.id, v.datasetId, v.number, v.protocol],
      );
      const rows = catalog.rows.filter((r) => r.versionId === v.id);
      await dataSource.query(
        `insert into imagora.catalog_instances (version_id, dataset_id, path, sha256, study_instance_uid, series_instance_uid, sop_instance_uid, modality, body_part, manufacturer,
           manufacturer_model, sex, age, age_years, slice_thickness, rows, columns, transfer_syntax, labels)
         select $1, $2, * from jsonb_to_recordset($3::jsonb) as r(path text, sha256 text, study text, series text, sop text, modality text, body_part text, manufacturer text,
           model text, sex text, age text, age_years int, slice_thickness float8, rows int, columns int, transfer_syntax text, labels jsonb)`,
        [
          v.id,
          v.datasetId,
          JSON.stringify(
            rows.map((r) => ({
              path: r.path,
              sha256: 'x',
              study: r.study,
              series: r.series,
              sop: r.sop,
              modality: r.modality,
              body_part: r.bodyPart,
              manufacturer: r.manufacturer,
              model: r.model,
              sex: r.sex,
              age: r.age,
              age_years: r.ageYears,
              slice_thickness: r.sliceThickness,
              rows: r.rows,
              columns: r.columns,
              transfer_syntax: r.transferSyntax,
              labels: r.labels,
            })),
          ),
        ],
      );
      // What a release does once the version's rows are in: it alone decides which version search reads.
      await dataSource.transaction((manager) => markLatestVersion(manager, v.datasetId));
    }
    await dataSource.query('analyze');
    repository = new TypeormCatalogRepository(dataSource);
    oracle = new Oracle(catalog.rows, catalog.versions, catalog.datasets);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const LEVELS: SearchLevel[] = ['instance', 'series', 'study', 'dataset'];

  async function check(query: CatalogQuery, level: SearchLevel, options: { pages: boolean; limit: number; sort: 'key' | 'dataset' | 'modality' }): Promise<void> {
    const label = JSON.stringify({ query, level, ...options });
    const expected = oracle.search(query, level);
    const page = await repository.search(query, { level, limit: options.limit, countsOnly: !options.pages, sort: options.sort });
    expect({ label, total: page.total }).toEqual({ label, total: expected.total });
    for (const dimension of FACET_DIMENSIONS) {
      const got = Object.fromEntries(page.facets[dimension].map((f) => [f.value, f.count]));
      expect({ label, dimension, counts: got }).toEqual({ label, dimension, counts: expected.facets[dimension] });
      // Largest first, then by value.
      const counts = page.facets[dimension].map((f) => Number(f.count));
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
    }
    if (!options.pages) {
      expect(page.hits).toEqual([]);
      return;
    }
    const seen: CatalogHit[] = [...page.hits];
    let cursor = page.nextCursor;
    while (cursor) {
      const next = await repository.search(query, { level, limit: options.limit, countsOnly: false, cursor, sort: options.sort });
      expect(next.hits.length).toBeGreaterThan(0);
      expect(next.hits.length).toBeLessThanOrEqual(options.limit);
      seen.push(...next.hits);
      cursor = next.nextCursor;
    }
    // Every hit once, in (sort value, key) order, each with what the oracle says about its group.
    const order = [...expected.groups].map(([key, group]) => ({ key, sort: oracle.sortValue(options.sort, level, group, key) }));
    order.sort((a, b) => byCodeUnits(a.sort, b.sort) || byCodeUnits(a.key, b.key));
    expect({ label, keys: seen.map((h) => h.key) }).toEqual({ label, keys: order.map((o) => o.key) });
    for (const hit of seen) {
      const group = expected.groups.get(hit.key)!;
      const labels: Record<string, number> = {};
      for (const row of group) for (const [l, n] of Object.entries(row.labels)) labels[l] = (labels[l] ?? 0) + n;
      const first = group[0];
      const dataset = oracle.datasetOf(first);
      expect({ label, key: hit.key, instances: hit.instances, labels: hit.labels, dataset: hit.dataset, version: hit.version, protocol: hit.protocol }).toEqual({
        label,
        key: hit.key,
        instances: group.length,
        labels,
        dataset: `${dataset.organization}/${dataset.slug}`,
        version: oracle.versionOf(first).number,
        protocol: oracle.versionOf(first).protocol,
      });
      if (level === 'instance') {
        expect({ label, hit }).toEqual({
          label,
          hit: expect.objectContaining({
            path: first.path,
            sopInstanceUid: first.sop,
            seriesInstanceUid: first.series,
            studyInstanceUid: first.study,
            modality: first.modality,
            bodyPart: first.bodyPart,
            manufacturer: first.manufacturer,
            manufacturerModel: first.model,
            sex: first.sex,
            age: first.age,
            sliceThickness: first.sliceThickness,
          }),
        });
      }
      if (level === 'series' || level === 'study') {
        const uid = level === 'series' ? hit.seriesInstanceUid : hit.studyInstanceUid;
        expect(group.every((row) => (level === 'series' ? row.series : row.study) === uid)).toBe(true);
      }
    }
  }

  it('generates a catalog worth testing: superseded versions, shared series, missing values', () => {
    expect(catalog.rows.length).toBeGreaterThan(3000);
    const everything = oracle.search({}, 'series');
    const sharedUids = new Set<string>();
    const byUid = new Map<string, Set<string>>();
    for (const row of oracle.matching({})) if (row.series) byUid.set(row.series, (byUid.get(row.series) ?? new Set()).add(row.datasetId));
    for (const [uid, sets] of byUid) if (sets.size > 1) sharedUids.add(uid);
    expect(sharedUids.size).toBeGreaterThan(10);
    expect(oracle.matching({}).length).toBeLessThan(catalog.rows.length);
    expect(everything.facets.modality['(unknown)']).toBeGreaterThan(0);
  });

  it('agrees with the oracle on every level with no filter, paged to the end in every sort order', async () => {
    for (const level of LEVELS) for (const sort of ['key', 'dataset', 'modality'] as const) await check({}, level, { pages: true, limit: level === 'instance' ? 500 : 37, sort });
  }, 120_000);

  it('agrees with the oracle on each filter dimension alone, at every level', async () => {
    const single: CatalogQuery[] = [
      { protocol: ['chest-boxes'] },
      { protocol: ['brain-seg@1.2.0', 'missing'] },
      { label: ['nodule'] },
      { label: ['nodule', 'mass'] },
      { label: ['effusion'], labelMin: 3 },
      { label: ['mass'], labelMin: 0 },
      { modality: ['CT', 'MR'] },
      { bodyPart: ['chest'] },
      { sex: ['F'] },
      { ageMin: 18, ageMax: 29 },
      { ageMin: 80 },
      { ageMax: 17 },
      { manufacturer: ['Philips'] },
      { dataset: ['north/set-0', 'south/set-1'] },
      { organization: ['east-lab'] },
      { text: 'lung' },
      { text: 'lung screening' },
      { text: 'nothing-here' },
    ];
    for (const query of single) for (const level of LEVELS) await check(query, level, { pages: true, limit: 200, sort: 'dataset' });
  }, 120_000);

  it('agrees with the oracle on random combinations at random levels, counts only and paged', async () => {
    for (let i = 0; i < 150; i++) {
      const query = randomQuery(random);
      const level = LEVELS[Math.floor(random() * LEVELS.length)];
      const sort = (['key', 'dataset', 'modality'] as const)[Math.floor(random() * 3)];
      await check(query, level, { pages: random() < 0.5, limit: 1 + Math.floor(random() * 120), sort });
    }
  }, 240_000);

  it('answers the filters from their indexes (EXPLAIN)', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      // A catalog this small reads faster whole: make the planner show which index it would use.
      await runner.query('set enable_seqscan = off');
      await runner.query('set enable_indexscan = off');
      const plan = async (query: CatalogQuery) => {
        const params: unknown[] = [];
        const rows = await runner.query(`explain select ci.path from ${catalogFrom()} where ${catalogWhere(query, params)}`, params);
        return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      };
      expect(await plan({ label: ['nodule'] })).toContain('catalog_instances_labels_idx');
      expect(await plan({ modality: ['CT'] })).toContain('catalog_instances_modality_idx');
      expect(await plan({ manufacturer: ['Philips'] })).toContain('catalog_instances_manufacturer_idx');
      expect(await plan({ sex: ['F'], ageMin: 40, ageMax: 60 })).toContain('catalog_instances_sex_age_idx');
      expect(await plan({ text: 'lung' })).toContain('datasets_text_idx');
      expect(await plan({ dataset: ['north/set-0'] })).toContain('catalog_instances_dataset_idx');
    } finally {
      await runner.query('reset enable_seqscan');
      await runner.query('reset enable_indexscan');
      await runner.release();
    }
  });

  it('counts from the summary cells and pages off indexes in each sort order (EXPLAIN of the statements search issues)', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      // A catalog this small reads faster whole and sorts in no time: make the planner show what it would use.
      await runner.query('set enable_seqscan = off');
      await runner.query('set enable_sort = off');
      const plans = async (query: CatalogQuery, level: SearchLevel, sort?: string) => {
        const statements: Array<[string, unknown[]]> = [];
        const recorder = new Proxy(dataSource, {
          get(target, property, receiver) {
            if (property !== 'query') return Reflect.get(target, property, receiver);
            return (sql: string, params: unknown[] = []) => {
              statements.push([sql, params]);
              return target.query(sql, params);
            };
          },
        });
        await new TypeormCatalogRepository(recorder).search(query, { level, limit: 10, sort, countsOnly: false });
        const explained: string[] = [];
        for (const [sql, params] of statements) explained.push((await runner.query(`explain ${sql}`, params)).map((r: Record<string, string>) => r['QUERY PLAN']).join('\n'));
        // The facets, the label facet, then the page (and the page's label sums above instance level).
        return explained;
      };
      const [facets, labels, instances] = await plans({ modality: ['CT'] }, 'instance');
      for (const plan of [facets, labels]) {
        expect(plan).toContain('catalog_cells');
        expect(plan).not.toContain('catalog_instances');
      }
      expect(instances).toContain('catalog_instances_key_idx');
      expect((await plans({ modality: ['CT'] }, 'instance', 'modality'))[2]).toContain('catalog_instances_modality_key_idx');
      // By dataset: each latest version's rows in path order off the primary key, dataset by dataset.
      expect((await plans({ sex: ['F'] }, 'instance', 'dataset'))[2]).toMatch(/Index Scan using \S+ on catalog_instances ci[\s\S]*Index Cond: \(version_id = /);
      const labelled = await plans({ label: ['nodule'] }, 'series');
      for (const plan of labelled) expect(plan).toContain('catalog_label_cells');
      expect(labelled[0]).toContain('catalog_label_cells_labels_idx');
      const series = await plans({ manufacturer: ['Philips'] }, 'series');
      expect(series[2]).toContain('catalog_cells_series_key_idx');
      expect(series[3]).toContain('catalog_cells_series_key_idx');
      // Whole-version filters only: counted from the versions' facet rows, the study page off the study key index.
      const versions = await plans({ organization: ['east-lab'] }, 'study');
      expect(versions).toHaveLength(3);
      expect(versions[0]).toContain('catalog_version_facets');
      expect(versions[0]).not.toContain('catalog_cells');
      expect(versions[1]).toContain('catalog_cells_study_key_idx');
    } finally {
      await runner.query('reset enable_seqscan');
      await runner.query('reset enable_sort');
      await runner.release();
    }
  });
});
