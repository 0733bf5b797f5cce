// npm run bench:ingest — a whole ingest, same run, same machine, same bytes:
//   raw S3 PUTs of the dataset's files to the same S3 server the hub uses (ObjectStore.putStream, 4 at a time),
//   then `imagora upload DIR --wait` (local validation, hashing, transfer, finalize; then the worker's pipeline:
//   validate → de-identify → verify → awaiting-review), then approve → released (publish to the shared bucket).
// The dataset is the corpus (CT, MR, CR, US files the engine and the protocol accept) replicated with fresh
// Study/Series/SOP Instance UIDs, a quarter of the bytes as 64 MiB CT slices (presigned multipart), and one
// annotation record per image. Every component is its own process, as in production: s3rver (a node child running
// the `s3rver` package), the hub (`imagora serve --no-worker`), one worker (apps/worker main) and the CLI, on a fresh
// database of a PostgreSQL server (BENCH_DATABASE_SERVER, default postgres://postgres@127.0.0.1:5432/postgres; created
// and dropped here) and a fresh IMAGORA_HOME shared by hub and worker (same keys). Peak RSS is VmHWM of each process,
// printed with the dataset size against the goal (hub and worker each under 300 MB, whatever the dataset size).
// Knobs: BENCH_INGEST_MB (2048), BENCH_BIG_SHARE (0.25: the share of bytes in 64 MiB slices; 0 gives the most files),
// BENCH_CONCURRENCY (4), BENCH_KEEP=1 keeps the temp folder,
// BENCH_HUB_NODE_OPTIONS / BENCH_WORKER_NODE_OPTIONS (e.g. --heapsnapshot-signal=SIGUSR2, --trace-gc) passed to those processes
// (bench/support/bench-processes.ts).
import { chmodSync, createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ObjectStore } from '@imagora/storage';
import { api, Proc, runCli, setUp, startHub, startBenchStack, startWorker, vmHwmMb, runBench, tearDownBench, waitFor } from './support/bench-processes';
import { BuiltDataset, benchProtocol, buildDataset } from './support/corpus-dataset';

const MiB = 1024 * 1024;
const TARGET_BYTES = Number(process.env.BENCH_INGEST_MB ?? 2048) * MiB;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const BIG_SHARE = Number(process.env.BENCH_BIG_SHARE ?? 0.25);
const mb = (bytes: number) => bytes / 1e6;
const BIG_BYTES = 64 * MiB;
const RSS_GOAL_MB = 300;

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

function row(name: string, seconds: number, bytes: number): string {
  return `| ${name} | ${seconds.toFixed(1)} s | ${(mb(bytes) / seconds).toFixed(1)} MB/s |`;
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'imagora-bench-ingest-'));
  chmodSync(work, 0o755);
  const procs: Proc[] = [];
  let database: { url: string; drop(): Promise<void> } | undefined;
  try {
    const protocol = benchProtocol('bench-ingest');
    const buildStarted = Date.now();
    const dataset = await buildDataset(work, protocol, { targetBytes: TARGET_BYTES, bigBytes: BIG_BYTES, bigShare: BIG_SHARE, title: 'Ingest benchmark' });
    console.log(
      `dataset: ${dataset.files.length} files, ${mb(dataset.bytes).toFixed(0)} MB (${dataset.images} images from ${dataset.seeds} corpus seeds, ` +
        `${dataset.big} of them 64 MiB CT slices; ${dataset.images} annotation records), built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s`,
    );
    const stack = await startBenchStack(work, procs, 'info');
    database = stack.database;
    const { env, s3 } = stack;
    // The hub first: it migrates the database and creates the keys the worker then loads from the same IMAGORA_HOME.
    const hub = await startHub(env);
    procs.push(hub.proc);
    const worker = await startWorker(env);
    procs.push(worker);
    const tails = () => procs.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n');
    const { contributor, steward } = await setUp(hub.url, protocol, 'ingest', 'Ingest benchmark');
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
    const size = `${dataset.files.length} files, ${mb(bytes).toFixed(0)} MB`;
    console.log(`\n| peak RSS (VmHWM), dataset of ${size} | after setup | after raw PUTs | at awaiting-review | at released |\n|---|---|---|---|---|`);
    for (const name of ['hub', 'worker', 's3rver'] as const) {
      console.log(`| ${name} | ${f(idle[name])} | ${f(afterRaw[name])} | ${f(atReview[name])} | ${f(atRelease[name])} |`);
    }
    console.log(`| imagora upload CLI | | | ${f(upload.peakRssMb)} | |`);
    // The goal: hub and worker each under 300 MB whatever the dataset size (run BENCH_INGEST_MB=200 and 2048 to compare).
    const verdict = (value: number) => `${f(value)} ${value < RSS_GOAL_MB ? '(under' : '(OVER'} ${RSS_GOAL_MB} MB)`;
    console.log(`\npeak RSS at ${size}: hub ${verdict(atRelease.hub)}, worker ${verdict(atRelease.worker)}, imagora upload CLI ${f(upload.peakRssMb)}`);
  } finally {
    await tearDownBench(procs, database, work);
  }
}

runBench(main);
