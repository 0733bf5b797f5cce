// npm run bench:search — catalog search latency, same run, same machine, same database:
//   a fresh database on the local PostgreSQL (BENCH_DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432)
//   seeded with fast bulk SQL: 500 datasets in 25 organizations, 50,000 series in 25,000 studies, 1,000,000 instances
//   in the datasets' latest versions (plus superseded first versions of 40 datasets, which search must skip), then
//   per dataset what a release does once its rows are in (markLatestVersion: the latest flag and the summary cells
//   that search counts from, by the repository's own statements).
//   Every series takes the attributes of one real corpus header read with scanDicomHeader (modality, body part,
//   manufacturer, model, rows/columns, slice thickness, transfer syntax, SOP class), varied by a realistic spread of
//   manufacturers, patient sex and age, and annotation counts per label.
//   Then the real hub (`imagora serve` as a child process on that database) answers 10 representative faceted
//   queries through the HTTP API, and the exact SQL statements the repository issues for each query (recorded from
//   the repository itself) run straight on PostgreSQL over one connection with the hub's session settings: p50/p95 of both.
// Knobs: BENCH_INSTANCES (1000000), BENCH_RUNS (20), BENCH_KEEP=1 keeps the database.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { scanDicomHeader } from '@imagora/dicom';
import { CatalogQuery, SearchCatalogUseCase, SearchLevel } from '@imagora/domain';
import { createDataSource, DataSource, markLatestVersion, runMigrations, SESSION_OPTIONS, TypeormCatalogRepository } from '@imagora/persistence';

const REPO_ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'imagora.js');
const CORPUS = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(REPO_ROOT, '..', 'shared'), 'corpus');
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 1_000_000);
const DATASETS = 500;
const ORGANIZATIONS = 25;
const SERIES = Math.max(DATASETS, Math.round(INSTANCES / 20));
const SUPERSEDED = 40;
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ADMIN_PASSWORD = 'bench-admin-password-1';
const HEADER_FILES = 48;

export const LABELS = ['nodule', 'mass', 'pneumothorax', 'effusion', 'fracture', 'lesion', 'hemorrhage', 'stenosis', 'calcification', 'cyst', 'edema', 'infarct', 'aneurysm', 'polyp', 'consolidation', 'atelectasis', 'cardiomegaly', 'metastasis', 'tumor', 'organ'];
const TOPICS = ['lung', 'chest', 'brain', 'liver', 'cardiac', 'prostate', 'breast', 'knee', 'spine', 'kidney', 'pancreas', 'colon', 'head and neck', 'abdomen', 'pelvis', 'thyroid', 'bone', 'skin', 'eye', 'dental'];
const KINDS = ['screening', 'follow-up', 'trial', 'registry', 'challenge', 'teaching'];
// Share of series per manufacturer (besides the corpus file's own), roughly a hospital fleet.
const MANUFACTURERS: Array<[string, string[], number]> = [
  ['SIEMENS', ['SOMATOM Definition AS', 'Skyra', 'Biograph mCT'], 30],
  ['GE MEDICAL SYSTEMS', ['Revolution CT', 'SIGNA Premier', 'Discovery MI'], 28],
  ['Philips', ['Ingenuity CT', 'Ingenia', 'EPIQ 7'], 20],
  ['Canon Medical Systems', ['Aquilion ONE', 'Vantage Orian'], 10],
  ['FUJIFILM Corporation', ['FDR D-EVO II'], 6],
  ['Hologic, Inc.', ['Selenia Dimensions'], 3],
  ['Agfa', ['DX-D 300'], 3],
];

interface Profile {
  modality: string;
  bodyPart: string | null;
  manufacturer: string | null;
  model: string | null;
  rows: number | null;
  columns: number | null;
  sliceThickness: number | null;
  transferSyntax: string;
  sopClassUid: string | null;
  sex: string | null;
  age: string | null;
  weight: number;
}

const BODY_PARTS: Record<string, string[]> = {
  CT: ['CHEST', 'ABDOMEN', 'HEAD', 'PELVIS', 'NECK'],
  MR: ['BRAIN', 'KNEE', 'SPINE', 'PROSTATE', 'BREAST'],
  CR: ['CHEST', 'HAND', 'KNEE'],
  DX: ['CHEST', 'FOOT'],
  US: ['ABDOMEN', 'THYROID', 'HEART'],
  MG: ['BREAST'],
  PT: ['WHOLEBODY'],
  NM: ['WHOLEBODY', 'HEART'],
};
// How common each modality is in a public imaging archive (series share).
const MODALITY_WEIGHT: Record<string, number> = { CT: 40, MR: 30, CR: 8, DX: 4, US: 6, MG: 5, PT: 4, NM: 3 };

/** A few dozen real headers from the shared corpus, one profile each. */
function readProfiles(): Profile[] {
  const index = JSON.parse(readFileSync(path.join(CORPUS, 'index.json'), 'utf8')).files as Array<Record<string, any>>;
  const profiles: Profile[] = [];
  const perModality = new Map<string, number>();
  for (const entry of index) {
    if (profiles.length >= HEADER_FILES) break;
    if (entry.category === 'malformed' || !entry.is_part10 || !entry.has_pixel_data || !(entry.Modality in MODALITY_WEIGHT)) continue;
    if ((perModality.get(entry.Modality) ?? 0) >= 8) continue;
    let header;
    try {
      header = scanDicomHeader(readFileSync(path.join(CORPUS, entry.path)));
    } catch {
      continue;
    }
    if (!header.modality || !(header.modality in MODALITY_WEIGHT)) continue;
    perModality.set(header.modality, (perModality.get(header.modality) ?? 0) + 1);
    profiles.push({
      modality: header.modality,
      bodyPart: header.bodyPartExamined?.trim() || null,
      manufacturer: header.manufacturer?.trim() || null,
      model: header.manufacturerModelName?.trim() || null,
      rows: header.rows ?? null,
      columns: header.columns ?? null,
      sliceThickness: header.sliceThickness ?? null,
      transferSyntax: header.transferSyntaxUid,
      sopClassUid: header.sopClassUid ?? null,
      sex: header.patientSex?.trim() || null,
      age: header.patientAge?.trim() || null,
      weight: 0,
    });
  }
  for (const profile of profiles) profile.weight = MODALITY_WEIGHT[profile.modality] / (perModality.get(profile.modality) ?? 1);
  return profiles;
}

async function seed(client: Client, dataSource: DataSource, profiles: Profile[]): Promise<{ rows: number; latest: number }> {
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  await q(`select setseed(0.4242)`);
  await q(`create temp table profile (i int, modality text, body_part text, manufacturer text, model text, rows int, columns int, slice_thickness float8, transfer_syntax text, sop_class_uid text, sex text, age text, lo float8, hi float8)`);
  const total = profiles.reduce((sum, p) => sum + p.weight, 0);
  let acc = 0;
  for (const [i, p] of profiles.entries()) {
    const lo = acc / total;
    acc += p.weight;
    await q(`insert into profile values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, [
      i,
      p.modality,
      p.bodyPart,
      p.manufacturer,
      p.model,
      p.rows,
      p.columns,
      p.sliceThickness,
      p.transferSyntax,
      p.sopClassUid,
      p.sex,
      p.age,
      lo,
      i === profiles.length - 1 ? 1.0000001 : acc / total,
    ]);
  }
  await q(`create temp table fleet (manufacturer text, models text[], lo float8, hi float8)`);
  const fleetTotal = MANUFACTURERS.reduce((s, m) => s + m[2], 0);
  acc = 0;
  for (const [name, models, weight] of MANUFACTURERS) {
    await q(`insert into fleet values ($1, $2, $3, $4)`, [name, models, acc / fleetTotal, (acc + weight) / fleetTotal + (name === 'Agfa' ? 1e-7 : 0)]);
    acc += weight;
  }
  await q(`create temp table body_parts (modality text, parts text[])`);
  for (const [modality, parts] of Object.entries(BODY_PARTS)) await q(`insert into body_parts values ($1, $2)`, [modality, parts]);

  const [{ id: userId }] = (await q(`insert into imagora.users (username, display_name, password_hash) values ('bench-owner', 'Bench owner', 'x') returning id`)).rows;
  await q(`insert into imagora.organizations (slug, name) select 'org-' || lpad(g::text, 2, '0'), 'Organization ' || g from generate_series(1, ${ORGANIZATIONS}) g`);
  await q(
    `insert into imagora.datasets (organization_id, slug, title, description, license, access_policy, created_by)
     select o.id, 'ds-' || lpad(g::text, 3, '0'),
            initcap(($1::text[])[1 + g % 20]) || ' ' || ($2::text[])[1 + g % 6] || ' cohort ' || g,
            'De-identified ' || ($1::text[])[1 + g % 20] || ' imaging with expert ' || ($3::text[])[1 + (g * 7) % 20] || ' annotations',
            'CC-BY-4.0', (array['open', 'registered', 'controlled'])[1 + g % 3], $4
       from generate_series(1, ${DATASETS}) g join imagora.organizations o on o.slug = 'org-' || lpad((1 + g % ${ORGANIZATIONS})::text, 2, '0')`,
    [TOPICS, KINDS, LABELS, userId],
  );
  // Version 1 of every dataset; version 2 of the first SUPERSEDED datasets (their version 1 is then superseded).
  await q(
    `insert into imagora.dataset_versions (dataset_id, number, protocol, manifest_sha256, manifest_key, files, bytes, submission_id, released_at)
     select d.id, n, (array['chest-ct-boxes', 'brain-mr-seg', 'xray-findings', 'mammo-birads', 'generic-boxes'])[1 + (substr(d.slug, 4)::int) % 5] || '@' || n || '.0.0',
            md5(d.id::text || n), 'manifests/' || d.id || '/' || n, 0, 0, gen_random_uuid(), now() - make_interval(days => 10 * (3 - n))
       from imagora.datasets d cross join generate_series(1, 2) n
      where n = 1 or substr(d.slug, 4)::int <= ${SUPERSEDED}`,
  );
  // Series of the latest versions: SERIES / DATASETS each, two series per study, one corpus profile each.
  await q(`create temp table series as
    select s, d.id as dataset_id, d.ord, (s - 1) / 2 as study, random() as pr, random() as mr, random() as mm, random() as bp, random() as sx, random() as ag, random() as ag2
      from generate_series(1, ${SERIES}) s
      join (select id, row_number() over (order by slug) as ord from imagora.datasets) d on d.ord = 1 + ((s - 1) / 2) % ${DATASETS}`);
  await q(`create temp table series_attr as
    select s.s, s.dataset_id, s.ord,
           '2.25.' || (1000000000 + s.study)::text || '.' || s.ord as study_uid, '2.25.' || (2000000000 + s.s)::text || '.' || s.ord as series_uid,
           p.modality, p.rows, p.columns, p.slice_thickness, p.transfer_syntax, p.sop_class_uid,
           coalesce((select bp.parts[1 + floor(s.bp * array_length(bp.parts, 1))::int] from body_parts bp where bp.modality = p.modality), p.body_part) as body_part,
           case when s.mr < 0.1 then p.manufacturer else f.manufacturer end as manufacturer,
           case when s.mr < 0.1 then p.model else f.models[1 + floor(s.mm * array_length(f.models, 1))::int] end as model,
           case when p.modality = 'MG' then 'F' when s.sx < 0.47 then 'F' when s.sx < 0.94 then 'M' when s.sx < 0.96 then 'O' else null end as sex,
           case when s.ag < 0.05 then null else least(99, greatest(0, floor(55 + 18 * sqrt(-2 * ln(greatest(s.ag, 1e-9))) * cos(2 * pi() * s.ag2))))::int end as age_years
      from series s
      join profile p on s.pr >= p.lo and s.pr < p.hi
      join fleet f on s.mr >= f.lo and s.mr < f.hi`);
  const perSeries = INSTANCES / SERIES;
  // Instances: perSeries per series; per instance 0-2 labels of the dataset's four, each with 1-4 annotations.
  const instanceSql = (versionSql: string, where: string) => `
    insert into imagora.catalog_instances (version_id, dataset_id, path, sha256, study_instance_uid, series_instance_uid, sop_instance_uid, sop_class_uid, modality, body_part,
      manufacturer, manufacturer_model, sex, age, age_years, slice_thickness, rows, columns, frames, transfer_syntax, labels, is_latest)
    select v.id, a.dataset_id, 'images/' || a.series_uid || '/' || lpad(i::text, 4, '0') || '.dcm', md5(a.series_uid || i), a.study_uid, a.series_uid,
           a.series_uid || '.' || i, a.sop_class_uid, a.modality, a.body_part, a.manufacturer, a.model, a.sex,
           case when a.age_years is null then null else lpad(a.age_years::text, 3, '0') || 'Y' end, a.age_years, a.slice_thickness, a.rows, a.columns, 1, a.transfer_syntax,
           case when r < 0.55 then '{}'::jsonb
                when r < 0.85 then jsonb_build_object(($1::text[])[1 + (a.ord + floor(r * 40)::int) % 4 + (a.ord % 5) * 4], 1 + floor(random() * 4)::int)
                else jsonb_build_object(($1::text[])[1 + (a.ord % 5) * 4], 1 + floor(random() * 4)::int, ($1::text[])[2 + (a.ord + floor(r * 40)::int) % 3 + (a.ord % 5) * 4], 1 + floor(random() * 3)::int) end,
           -- as a release writes its rows: the latest, until markLatestVersion settles it
           true
      from series_attr a
      join lateral (${versionSql}) v on true
      cross join lateral generate_series(1, ${Math.floor(perSeries)} + case when a.s <= ${INSTANCES % SERIES} then 1 else 0 end) i
      cross join lateral (select random() + i * 0 as r) rr
     where ${where}`;
  await q(instanceSql(`select id from imagora.dataset_versions dv where dv.dataset_id = a.dataset_id order by number desc limit 1`, 'true'), [LABELS]);
  await q(instanceSql(`select id from imagora.dataset_versions dv where dv.dataset_id = a.dataset_id and number = 1 and exists (select 1 from imagora.dataset_versions n where n.dataset_id = a.dataset_id and n.number = 2)`, 'a.ord <= ' + SUPERSEDED), [LABELS]);
  // What each release does once its rows are in (markLatestVersion, the release transaction's last step): flag the
  // rows of each dataset's highest version as the ones search reads and write the version's summary cells.
  for (const { id } of (await q(`select id from imagora.datasets order by slug`)).rows) await dataSource.transaction((manager) => markLatestVersion(manager, id));
  await q(`update imagora.dataset_versions v set files = c.n, bytes = c.n * 524288 from (select version_id, count(*) as n from imagora.catalog_instances group by 1) c where c.version_id = v.id`);
  await q(`vacuum analyze imagora.catalog_instances`);
  await q(`vacuum analyze imagora.catalog_cells`);
  await q(`vacuum analyze imagora.catalog_label_cells`);
  await q(`vacuum analyze imagora.catalog_version_facets`);
  await q(`analyze`);
  const [{ rows, latest }] = (
    await q(`select count(*)::int as rows, count(*) filter (where is_latest)::int as latest from imagora.catalog_instances`)
  ).rows;
  return { rows, latest };
}

interface BenchQuery {
  name: string;
  signedIn: boolean;
  level: SearchLevel;
  query: CatalogQuery;
  params: string;
  sort?: string;
  limit?: number;
  /** Page 2: the cursor comes from page 1 of the same query. */
  secondPage?: boolean;
}

const QUERIES: BenchQuery[] = [
  { name: 'anonymous, all, instance', signedIn: false, level: 'instance', query: {}, params: '' },
  { name: 'anonymous, CT + nodule>=2, series', signedIn: false, level: 'series', query: { modality: ['CT'], label: ['nodule'], labelMin: 2 }, params: 'modality=CT&label=nodule&labelMin=2' },
  { name: 'instance, modality=MR', signedIn: true, level: 'instance', query: { modality: ['MR'] }, params: 'modality=MR' },
  { name: 'instance, label=effusion>=3', signedIn: true, level: 'instance', query: { label: ['effusion'], labelMin: 3 }, params: 'label=effusion&labelMin=3' },
  { name: 'series, sex=F age 40-60', signedIn: true, level: 'series', query: { sex: ['F'], ageMin: 40, ageMax: 60 }, params: 'sex=F&ageMin=40&ageMax=60' },
  { name: 'series, manufacturer=SIEMENS', signedIn: true, level: 'series', query: { manufacturer: ['SIEMENS'] }, params: 'manufacturer=SIEMENS' },
  { name: 'instance, dataset=org-08/ds-007', signedIn: true, level: 'instance', query: { dataset: ['org-08/ds-007'] }, params: 'dataset=org-08/ds-007' },
  { name: 'dataset, q="lung"', signedIn: true, level: 'dataset', query: { text: 'lung' }, params: 'q=lung' },
  { name: 'dataset, modality=CT', signedIn: true, level: 'dataset', query: { modality: ['CT'] }, params: 'modality=CT' },
  { name: 'instance, CT by dataset, page 2', signedIn: true, level: 'instance', query: { modality: ['CT'] }, params: 'modality=CT', sort: 'dataset', limit: 50, secondPage: true },
];

/** The SQL statements (with parameters) the repository runs for one search, recorded from the repository itself. */
async function recordSql(dataSource: DataSource, bench: BenchQuery, cursor: string | undefined): Promise<{ statements: Array<[string, unknown[]]>; nextCursor: string | null | undefined }> {
  const statements: Array<[string, unknown[]]> = [];
  const recorder = new Proxy(dataSource, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (sql: string, params: unknown[] = []) => {
          statements.push([sql, params]);
          return target.query(sql, params);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  const useCase = new SearchCatalogUseCase(new TypeormCatalogRepository(recorder), { countFloor: 5 });
  const viewer = bench.signedIn ? ({ userId: 'bench', roles: [] } as never) : undefined;
  const result = await useCase.search(viewer, bench.query, { level: bench.level, limit: bench.limit, sort: bench.sort, cursor });
  return { statements, nextCursor: result.nextCursor };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function startHub(databaseUrl: string, home: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', IMAGORA_HOME: home, IMAGORA_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', S3_ENDPOINT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk) => (err = (err + chunk).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start in 120 s:\n${out}\n${err}`)), 120_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /ready at (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${out}\n${err}`)));
  });
  return { url, child };
}

async function main(): Promise<void> {
  const server = new URL(SERVER_URL);
  const name = `imagora_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/${name}` }).toString();
  const home = mkdtempSync(path.join(tmpdir(), 'imagora-bench-search-'));
  let hub: { url: string; child: ChildProcess } | undefined;
  let dataSource: DataSource | undefined;
  // The hub's session settings (no JIT), so both sides run the same statements the same way.
  const raw = new Client({ connectionString: databaseUrl, options: SESSION_OPTIONS });
  try {
    dataSource = createDataSource(databaseUrl);
    await dataSource.initialize();
    await runMigrations(dataSource);
    const profiles = readProfiles();
    await raw.connect();
    const seeding = Date.now();
    const { rows, latest } = await seed(raw, dataSource, profiles);
    console.log(
      `seeded ${rows.toLocaleString('en')} catalog rows (${latest.toLocaleString('en')} in latest versions), ${SERIES.toLocaleString('en')} series, ${DATASETS} datasets from ${profiles.length} corpus headers ` +
        `(${[...new Set(profiles.map((p) => p.modality))].join(', ')}) in ${((Date.now() - seeding) / 1000).toFixed(1)} s on ${server.host}`,
    );
    hub = await startHub(databaseUrl, home);
    const login = await fetch(`${hub.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const token = ((await login.json()) as { accessToken: string }).accessToken;

    const table: Array<Record<string, string | number>> = [];
    for (const bench of QUERIES) {
      let cursor: string | undefined;
      if (bench.secondPage) cursor = (await recordSql(dataSource, bench, undefined)).nextCursor ?? undefined;
      const { statements } = await recordSql(dataSource, bench, cursor);
      const url = `${hub.url}/api/v1/search?level=${bench.level}${bench.params ? `&${bench.params}` : ''}${bench.sort ? `&sort=${bench.sort}` : ''}${bench.limit ? `&limit=${bench.limit}` : ''}${cursor ? `&cursor=${cursor}` : ''}`;
      const api: number[] = [];
      const sql: number[] = [];
      let shown: unknown;
      for (let run = -2; run < RUNS; run++) {
        let started = performance.now();
        const response = await fetch(url, bench.signedIn ? { headers: { authorization: `Bearer ${token}` } } : {});
        const body = (await response.json()) as { total: unknown; hits?: unknown[] };
        if (response.status !== 200) throw new Error(`${bench.name}: HTTP ${response.status} ${JSON.stringify(body)}`);
        shown = body.total;
        if (run >= 0) api.push(performance.now() - started);
        started = performance.now();
        for (const [text, params] of statements) await raw.query(text, params);
        if (run >= 0) sql.push(performance.now() - started);
      }
      const row = {
        query: bench.name,
        total: String(shown),
        statements: statements.length,
        'api p50': +percentile(api, 50).toFixed(1),
        'api p95': +percentile(api, 95).toFixed(1),
        'sql p50': +percentile(sql, 50).toFixed(1),
        'sql p95': +percentile(sql, 95).toFixed(1),
        'api/sql p95': +(percentile(api, 95) / percentile(sql, 95)).toFixed(2),
        goal: percentile(api, 95) < 100 && percentile(api, 95) <= 2 * percentile(sql, 95) ? 'met' : 'MISSED',
      };
      table.push(row);
      console.log(JSON.stringify(row));
    }
    console.log(`\nsearch latency in ms over ${RUNS} runs each (after 2 warm-up runs); SQL = the repository's statements for the query, one connection, sequential`);
    console.table(table);
  } finally {
    if (hub) {
      hub.child.kill('SIGTERM');
      await new Promise((resolve) => hub!.child.once('exit', resolve));
    }
    await raw.end().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    if (process.env.BENCH_KEEP !== '1') await admin.query(`drop database if exists "${name}" with (force)`);
    else console.log(`kept database ${databaseUrl}`);
    await admin.end();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
