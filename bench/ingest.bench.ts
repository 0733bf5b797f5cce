// npm run bench:ingest — a whole ingest, same run, same machine, same bytes:
//   raw S3 PUTs of the dataset's files to the same S3 server the hub uses (ObjectStore.putStream, 4 at a time),
//   then `imagora upload DIR --wait` (local validation, hashing, transfer, finalize; then the worker's pipeline:
//   validate → de-identify → verify → awaiting-review), then approve → released (publish to the shared bucket).
// The dataset is the corpus (CT, MR, CR, US files the engine and the protocol accept) replicated with fresh
// Study/Series/SOP Instance UIDs, a quarter of the bytes as 64 MiB CT slices (presigned multipart), and one
// annotation record per image. Every component is its own process, as in production: s3rver (a node child running
// the `s3rver` package), the hub (`imagora serve --no-worker`), one worker (apps/worker main) and the CLI, on a fresh
// database of a PostgreSQL server (BENCH_DATABASE_SERVER, default postgres://postgres@127.0.0.1:5432/postgres; created
// and dropped here) and a fresh IMAGORA_HOME shared by hub and worker (same keys). Peak RSS is VmHWM of each process.
// Knobs: BENCH_INGEST_MB (2048), BENCH_CONCURRENCY (4), BENCH_KEEP=1 keeps the temp folder,
// BENCH_HUB_NODE_OPTIONS / BENCH_WORKER_NODE_OPTIONS (e.g. --heap-prof) passed to those processes.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { Deidentifier } from '@imagora/deid';
import { DicomFile, DicomItem, Tags, bufferSource, chunksToBuffer, encodingOf, findElement, parseDicom, setElement, textElement, writeDicom } from '@imagora/dicom';
import { ObjectStore } from '@imagora/storage';
import { validateDatasetEntries } from '@imagora/validation';
import { deidentifyPath } from '../apps/cli/src/commands/deid-worker';
import { IMAGES, corpusFile, testProtocol } from '../libs/validation/src/testing/validation-fixtures';

const MiB = 1024 * 1024;
const TARGET_BYTES = Number(process.env.BENCH_INGEST_MB ?? 2048) * MiB;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const BIG_BYTES = 64 * MiB;
const REPO_ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'imagora.js');
const ALIASES = path.join(REPO_ROOT, 'scripts', 'register-aliases.js');
const WORKER_MAIN = path.join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');
const DATABASE_SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CORPUS = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(REPO_ROOT, '..', 'shared'), 'corpus');
const ADMIN_PASSWORD = 'bench-admin-password-1';
const TRANSFER_SYNTAXES = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1'];
const MODALITIES = ['CT', 'MR', 'CR', 'US'];

const freshUid = () => `2.25.${BigInt(`0x${randomBytes(16).toString('hex')}`) >> 1n}`;
const mb = (bytes: number) => bytes / 1e6;

function vmHwmMb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function benchProtocol(): Record<string, any> {
  const base = testProtocol();
  return {
    ...base,
    name: 'bench-ingest',
    title: 'Benchmark: boxes on CT, MR, CR and US images',
    imaging: { modalities: MODALITIES, requiredAttributes: ['00280010', '00280011'], transferSyntaxes: TRANSFER_SYNTAXES },
  };
}

interface Seed {
  bytes: Buffer;
  modality: string;
}

/** Corpus files of the protocol's modalities and transfer syntaxes that validate clean and de-identify (and verify) here. */
async function pickSeeds(work: string, protocol: Record<string, any>): Promise<Seed[]> {
  const index = JSON.parse(readFileSync(path.join(CORPUS, 'index.json'), 'utf8')).files as Array<Record<string, any>>;
  const candidates = index.filter(
    (f) => f.category !== 'malformed' && f.is_part10 && f.has_pixel_data && MODALITIES.includes(f.Modality) && TRANSFER_SYNTAXES.includes(f.TransferSyntaxUID) && f.Rows >= 4 && f.Columns >= 4,
  );
  const deidentifier = new Deidentifier({ key: randomBytes(32) });
  const probe = path.join(work, 'probe');
  mkdirSync(probe, { recursive: true });
  const seeds: Seed[] = [];
  for (const candidate of candidates) {
    const source = path.join(CORPUS, candidate.path);
    try {
      deidentifyPath(deidentifier, source, path.join(probe, 'out.dcm'));
    } catch {
      continue;
    }
    const bytes = readFileSync(source);
    const report = await validateDatasetEntries([{ path: 'images/probe.dcm', size: bytes.length, open: () => createReadStream(source) }], { protocol });
    if (report.issues.some((issue) => issue.severity === 'error' && issue.file === 'images/probe.dcm')) continue;
    seeds.push({ bytes, modality: candidate.Modality });
  }
  rmSync(probe, { recursive: true, force: true });
  return seeds;
}

/** A copy of `file` as a new instance: fresh SOP Instance UID, and the study/series UIDs given. */
function reissue(file: DicomFile, study: string, series: string): { meta: DicomItem; sop: string } {
  const sop = freshUid();
  setElement(file.dataset, textElement(Tags.SOPInstanceUID, 'UI', sop));
  setElement(file.dataset, textElement(Tags.StudyInstanceUID, 'UI', study));
  setElement(file.dataset, textElement(Tags.SeriesInstanceUID, 'UI', series));
  const meta = file.meta.length ? file.meta : [textElement(Tags.TransferSyntaxUID, 'UI', file.transferSyntaxUid)];
  setElement(meta, textElement(Tags.MediaStorageSOPInstanceUID, 'UI', sop));
  if (!findElement(meta, Tags.MediaStorageSOPClassUID)) {
    const sopClass = findElement(file.dataset, Tags.SOPClassUID);
    if (sopClass) setElement(meta, { ...sopClass, tag: Tags.MediaStorageSOPClassUID });
  }
  return { meta, sop };
}

/** A 64 MiB CT slice (a 4096-column pixel matrix), streamed to disk. */
function writeBigCt(target: string, study: string, series: string): string {
  const file = parseDicom(bufferSource(readFileSync(corpusFile(IMAGES.ct1.source))));
  const rows = Math.floor((BIG_BYTES - 4096) / (4096 * 2));
  const us = (tag: number, value: number) => {
    const buffer = Buffer.alloc(2);
    buffer.writeUInt16LE(value);
    setElement(file.dataset, { tag, vr: 'US', value: buffer });
  };
  us(Tags.Rows, rows);
  us(Tags.Columns, 4096);
  const size = rows * 4096 * 2;
  const pixels = { size, read: (position: number, length: number) => Buffer.alloc(Math.min(length, size - position), (position >> 13) & 0xff) };
  setElement(file.dataset, { tag: Tags.PixelData, vr: 'OW', bulk: { source: pixels, start: 0, end: size } });
  const { meta, sop } = reissue(file, study, series);
  const fd = openSync(target, 'w');
  for (const chunk of writeDicom({ meta, dataset: file.dataset, encoding: encodingOf(file.transferSyntaxUid) })) {
    if (Buffer.isBuffer(chunk)) writeSync(fd, chunk);
    else for (let position = chunk.start; position < chunk.end; position += 8 * MiB) writeSync(fd, chunk.source.read(position, Math.min(8 * MiB, chunk.end - position)));
  }
  closeSync(fd);
  return sop;
}

interface BuiltDataset {
  dir: string;
  files: Array<{ path: string; absolute: string; size: number }>;
  bytes: number;
  images: number;
  big: number;
  seeds: number;
}

async function buildDataset(work: string, protocol: Record<string, any>): Promise<BuiltDataset> {
  const dir = path.join(work, 'dataset');
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  mkdirSync(path.join(dir, 'annotations'), { recursive: true });
  const seeds = await pickSeeds(work, protocol);
  if (seeds.length === 0) throw new Error('no corpus file fits the benchmark protocol');
  const records: string[] = [];
  const record = (sop: string, n: number) =>
    records.push(JSON.stringify({ id: `r${n}`, image: { sopInstanceUid: sop, frame: 1 }, label: n % 3 === 0 ? 'pneumothorax' : 'nodule', box: [1, 1, 2, 3], reader: n % 2 ? 'reader-a' : 'reader-b' }));
  let bytes = 0;
  let images = 0;
  let big = 0;
  // A quarter of the bytes as large CT slices: those go as presigned multipart parts.
  const bigCount = Math.floor((TARGET_BYTES * 0.25) / BIG_BYTES);
  const bigStudy = freshUid();
  const bigSeries = freshUid();
  for (; big < bigCount; big++) {
    const target = path.join(dir, 'images', 'big', `${String(big).padStart(3, '0')}.dcm`);
    mkdirSync(path.dirname(target), { recursive: true });
    record(writeBigCt(target, bigStudy, bigSeries), images++);
    bytes += statSync(target).size;
  }
  // The rest: the seeds round-robin, 50 instances per series, 4 series per study.
  let study = freshUid();
  let series = freshUid();
  for (let i = 0; bytes < TARGET_BYTES; i++) {
    if (i % 50 === 0 && i > 0) {
      series = freshUid();
      if (i % 200 === 0) study = freshUid();
    }
    const seed = seeds[i % seeds.length];
    const file = parseDicom(bufferSource(seed.bytes));
    const { meta, sop } = reissue(file, study, series);
    const out = chunksToBuffer(writeDicom({ meta, dataset: file.dataset, encoding: file.encoding }));
    const folder = path.join(dir, 'images', seed.modality.toLowerCase(), String(Math.floor(i / 1000)).padStart(3, '0'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${String(i).padStart(6, '0')}.dcm`), out);
    bytes += out.length;
    record(sop, images++);
  }
  writeFileSync(path.join(dir, 'annotations', 'boxes.ndjson'), records.join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'dataset.json'),
    JSON.stringify({ title: 'Ingest benchmark', description: 'Corpus replicated with fresh UIDs', license: 'CC0-1.0', protocol: 'bench-ingest@1.0.0', contributors: [{ name: 'Bench', role: 'curator' }] }, null, 2),
  );
  const files: BuiltDataset['files'] = [];
  const walk = (folder: string, relative: string) => {
    for (const name of readdirSync(folder)) {
      const absolute = path.join(folder, name);
      const rel = relative ? `${relative}/${name}` : name;
      const stat = statSync(absolute);
      if (stat.isDirectory()) walk(absolute, rel);
      else files.push({ path: rel, absolute, size: stat.size });
    }
  };
  walk(dir, '');
  return { dir, files, bytes: files.reduce((sum, f) => sum + f.size, 0), images, big, seeds: seeds.length };
}

/** A child process of the benchmark: its output's last lines, and a clean stop. */
interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  tail(): string;
  stop(): Promise<void>;
}

/** Spawns a child and waits until a line of its output gives `ready` a value. */
async function startProcess<T>(name: string, args: string[], env: Record<string, string | undefined>, ready: (line: string) => T | undefined): Promise<{ proc: Proc; value: T }> {
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let pending = '';
  let value: T | undefined;
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      value ??= ready(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let dead = false;
  void exited.then(() => (dead = true));
  const tail = () => lines.slice(-120).join('\n');
  const deadline = Date.now() + 120_000;
  while (value === undefined) {
    if (dead || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const proc: Proc = {
    name,
    child,
    pid: child.pid!,
    tail,
    async stop() {
      if (dead) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return { proc, value };
}

// s3rver alone in a node process, as the hub would otherwise embed it (libs/storage/src/embedded-s3.ts).
const S3RVER_SCRIPT = `
const S3rver = require('s3rver');
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: process.argv[1], silent: true, resetOnClose: false });
server.run().then((address) => console.log('s3rver listening at http://127.0.0.1:' + address.port));
process.once('SIGTERM', () => server.close().then(() => process.exit(0)));
`;

async function startS3(directory: string): Promise<{ proc: Proc; endpoint: string }> {
  mkdirSync(directory, { recursive: true });
  const { proc, value } = await startProcess('s3rver', ['-e', S3RVER_SCRIPT, directory], {}, (line) => /s3rver listening at (http:\/\/\S+)/.exec(line)?.[1]);
  return { proc, endpoint: value };
}

async function startHub(env: Record<string, string>): Promise<{ proc: Proc; url: string }> {
  const nodeOptions = process.env.BENCH_HUB_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const { proc, value } = await startProcess('hub', [...nodeOptions, BIN, 'serve', '--no-worker'], { ...env, PORT: '0', IMAGORA_ADMIN_PASSWORD: ADMIN_PASSWORD }, (line) => /ready at (http:\/\/\S+)/.exec(line)?.[1]);
  return { proc, url: value };
}

async function startWorker(env: Record<string, string>): Promise<Proc> {
  const nodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];
  const { proc } = await startProcess('worker', [...nodeOptions, '-r', ALIASES, WORKER_MAIN], env, (line) => (line.includes('worker consuming jobs') ? true : undefined));
  return proc;
}

/** A fresh database on the PostgreSQL server, dropped at the end. */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `imagora_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: DATABASE_SERVER });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(DATABASE_SERVER);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}

async function api(hub: string, method: string, route: string, token?: string, body?: unknown): Promise<any> {
  const response = await fetch(`${hub}${route}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

async function setUp(hub: string, protocol: Record<string, any>): Promise<{ contributor: string; steward: string }> {
  const login = async (username: string, password: string) => (await api(hub, 'POST', '/api/v1/auth/login', undefined, { username, password })).accessToken as string;
  const admin = await login('admin', ADMIN_PASSWORD);
  await api(hub, 'POST', '/api/v1/organizations', admin, { slug: 'bench', name: 'Bench' });
  for (const [username, role] of [['contributor', 'contributor'], ['steward', 'steward']]) {
    await api(hub, 'POST', '/api/v1/users', admin, { username, password: `${username}-password-1` });
    await api(hub, 'PUT', '/api/v1/organizations/bench/members', admin, { username, role });
  }
  await api(hub, 'POST', '/api/v1/protocols', admin, { name: protocol.name, title: protocol.title, organization: 'default' });
  await api(hub, 'PUT', `/api/v1/protocols/${protocol.name}/versions/${protocol.version}`, admin, protocol);
  await api(hub, 'POST', `/api/v1/protocols/${protocol.name}/versions/${protocol.version}/publish`, admin);
  const contributor = await login('contributor', 'contributor-password-1');
  await api(hub, 'POST', '/api/v1/datasets', contributor, { organization: 'bench', slug: 'ingest', title: 'Ingest benchmark', license: 'CC0-1.0', accessPolicy: 'open' });
  return { contributor, steward: await login('steward', 'steward-password-1') };
}

async function rawPuts(endpoint: string, dataset: BuiltDataset): Promise<number> {
  const store = new ObjectStore({ endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
  await store.ensureBucket('bench-raw');
  const started = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < dataset.files.length) {
      const file = dataset.files[next++];
      await store.putStream('bench-raw', file.path, createReadStream(file.absolute));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (Date.now() - started) / 1000;
  await store.deletePrefix('bench-raw', '');
  return seconds;
}

async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; peakRssMb: number; seconds: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  let peak = 0;
  // VmHWM only grows: the last sample before exit is the peak up to then.
  const sampler = setInterval(() => (peak = Math.max(peak, vmHwmMb(child.pid!))), 100);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(sampler);
  return { code, stdout, peakRssMb: peak, seconds: (Date.now() - started) / 1000 };
}

async function waitFor(hub: string, token: string, id: string, state: string): Promise<any> {
  for (;;) {
    const submission = await api(hub, 'GET', `/api/v1/submissions/${id}`, token);
    if (submission.state === state) return submission;
    if (['failed', 'invalid', 'rejected'].includes(submission.state)) throw new Error(`submission ${id} is ${submission.state}: ${submission.failureReason}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function row(name: string, seconds: number, bytes: number): string {
  return `| ${name} | ${seconds.toFixed(1)} s | ${(mb(bytes) / seconds).toFixed(1)} MB/s |`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'imagora-bench-ingest-'));
  chmodSync(work, 0o755);
  const procs: Proc[] = [];
  let database: { url: string; drop(): Promise<void> } | undefined;
  try {
    const protocol = benchProtocol();
    const buildStarted = Date.now();
    const dataset = await buildDataset(work, protocol);
    console.log(
      `dataset: ${dataset.files.length} files, ${mb(dataset.bytes).toFixed(0)} MB (${dataset.images} images from ${dataset.seeds} corpus seeds, ` +
        `${dataset.big} of them 64 MiB CT slices; ${dataset.images} annotation records), built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s`,
    );
    const home = path.join(work, 'home');
    mkdirSync(home, { mode: 0o755 });
    const s3 = await startS3(path.join(work, 'objects'));
    procs.push(s3.proc);
    database = await createDatabase();
    const env = {
      IMAGORA_HOME: home,
      DATABASE_URL: database.url,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      IMAGORA_PROTOCOL_APPROVALS: '0',
      IMAGORA_JOB_POLL_SECONDS: '0.5',
      LOG_LEVEL: 'info',
    };
    // The hub first: it migrates the database and creates the keys the worker then loads from the same IMAGORA_HOME.
    const hub = await startHub(env);
    procs.push(hub.proc);
    const worker = await startWorker(env);
    procs.push(worker);
    const tails = () => procs.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n');
    const { contributor, steward } = await setUp(hub.url, protocol);
    const rss = () => ({ hub: vmHwmMb(hub.proc.pid), worker: vmHwmMb(worker.pid), s3rver: vmHwmMb(s3.proc.pid) });
    const idle = rss();
    console.log(`hub ${hub.url} (pid ${hub.proc.pid}), worker pid ${worker.pid}, s3rver ${s3.endpoint} (pid ${s3.proc.pid}), database ${new URL(database.url).pathname.slice(1)}\n`);

    const rawSeconds = await rawPuts(s3.endpoint, dataset);
    const afterRaw = rss();

    const cliEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: contributor, IMAGORA_CONFIG_DIR: path.join(work, 'cfg') };
    const started = Date.now();
    const upload = await runCli(['upload', dataset.dir, '--dataset', 'bench/ingest', '--concurrency', String(CONCURRENCY), '--wait', '--json'], cliEnv);
    if (upload.code !== 0) throw new Error(`imagora upload exited ${upload.code}: ${upload.stdout}\n${tails()}`);
    const summary = JSON.parse(upload.stdout);
    const waiting = await api(hub.url, 'GET', `/api/v1/submissions/${summary.submissionId}`, contributor);
    const at = (state: string) => Date.parse(waiting.events.find((e: { to: string }) => e.to === state).at);
    const uploadSeconds = (at('uploaded') - started) / 1000;
    const pipelineSeconds = (at('awaiting-review') - at('uploaded')) / 1000;
    const toReviewSeconds = (at('awaiting-review') - started) / 1000;
    const atReview = rss();

    const approveStarted = Date.now();
    await api(hub.url, 'POST', `/api/v1/submissions/${summary.submissionId}/approve`, steward, { reason: 'benchmark' });
    const released = await waitFor(hub.url, steward, summary.submissionId, 'released');
    const releaseSeconds = (Date.now() - approveStarted) / 1000;
    const info = await api(hub.url, 'GET', '/api/v1/datasets/bench/ingest');
    const version = info.versions.find((v: { number: number }) => v.number === released.releasedVersion);
    const endToEnd = (Date.now() - started) / 1000;
    const atRelease = rss();

    const bytes = dataset.bytes;
    console.log(`| phase (${dataset.files.length} files, ${mb(bytes).toFixed(0)} MB, concurrency ${CONCURRENCY}) | time | throughput |\n|---|---|---|`);
    console.log(row('baseline: raw S3 PUTs to the same s3rver (ObjectStore.putStream)', rawSeconds, bytes));
    console.log(row('imagora upload: local validation + sha256 + transfer + finalize', uploadSeconds, bytes));
    console.log(row('worker pipeline: finalize → awaiting-review (validate, de-identify, verify)', pipelineSeconds, bytes));
    console.log(row('upload + pipeline: start → awaiting-review (`imagora upload --wait`)', toReviewSeconds, bytes));
    console.log(row('approve → released (copy to shared bucket, manifest, catalog)', releaseSeconds, bytes));
    console.log(row('end to end: start → released', endToEnd, bytes));
    console.log(
      `\nreleased version ${released.releasedVersion}: ${version?.files} files, ${mb(version?.bytes ?? 0).toFixed(0)} MB; ` +
        `upload sent ${summary.uploaded} files (${summary.registered} registered)`,
    );
    const f = (value: number) => `${value.toFixed(0)} MB`;
    console.log('\n| peak RSS (VmHWM) | after setup | after raw PUTs | at awaiting-review | at released |\n|---|---|---|---|---|');
    for (const name of ['hub', 'worker', 's3rver'] as const) {
      console.log(`| ${name} | ${f(idle[name])} | ${f(afterRaw[name])} | ${f(atReview[name])} | ${f(atRelease[name])} |`);
    }
    console.log(`| imagora upload CLI | | | ${f(upload.peakRssMb)} | |`);
  } finally {
    for (const proc of procs.reverse()) await proc.stop();
    await database?.drop();
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : String(error));
  process.exitCode = 1;
});
