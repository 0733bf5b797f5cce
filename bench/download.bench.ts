// npm run bench:download — `imagora download COHORT --out DIR --concurrency N` against a plain parallel fetch of the
// same presigned URLs, same run, same machine, same bytes:
//   setup: s3rver, the hub (`imagora serve --no-worker`) and a worker, each its own process, on a fresh database
//     (bench/support/bench-processes.ts); the corpus replicated with fresh UIDs (bench/support/corpus-dataset.ts)
//     goes through `imagora upload --wait`, approval and release, then a cohort of every released instance;
//   (a) the CLI as a child process (bin/imagora.js), into an empty folder: manifest, N parallel streams to
//       .partial files, sha256 and size of every file verified, rename;
//   (b) baseline: a plain node child that fetches the manifest once and streams every presigned URL to its file with
//       `fetch`, N at a time (no hashing, no resume, no retries);
//   (c) the same plain fetch through the hub (`GET /api/v1/cohorts/{id}/files/{sha256}`, audited, Range-capable).
// (a) and (b) are run BENCH_ROUNDS times, interleaved (the order alternates per round), after one unreported warm-up
// pass that puts the objects into the page cache; (c) runs once after them, and only with BENCH_PROXIED=1: the hub
// loads the cohort's access breakdown and walks its file list for every file, so a thousand files take minutes.
// Every time is wall time from spawn to exit of the child, node startup included. Throughput ratio (a) / (b): goal
// ≥ 0.8.
// Knobs: BENCH_DOWNLOAD_MB (400), BENCH_BIG_MB (16: size of the generated CT slices that make a quarter of the
// bytes), BENCH_CONCURRENCY (8), BENCH_ROUNDS (5), BENCH_KEEP=1 keeps the temp folder, BENCH_CLI_NODE_OPTIONS (e.g.
// --cpu-prof --cpu-prof-dir=DIR) passed to node for `imagora download`.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { api, BIN, Proc, runCli, runNode, setUp, startHub, startBenchStack, startWorker, runBench, tearDownBench, waitFor } from './support/bench-processes';
import { benchProtocol, buildDataset } from './support/corpus-dataset';
import { median } from './support/stats';

const MiB = 1024 * 1024;
const TARGET_BYTES = Number(process.env.BENCH_DOWNLOAD_MB ?? 400) * MiB;
const BIG_BYTES = Number(process.env.BENCH_BIG_MB ?? 16) * MiB;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PROXIED = process.env.BENCH_PROXIED === '1';
const CLI_NODE_OPTIONS = process.env.BENCH_CLI_NODE_OPTIONS?.split(' ').filter(Boolean) ?? [];

// The baseline: what anyone would write with the manifest in hand. argv: hub, token, cohort, out, concurrency, mode
// ("direct": the presigned URLs; "proxied": through the hub). Prints {files, bytes}.
const PLAIN_FETCH_SCRIPT = `
const { createWriteStream, mkdirSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { Readable } = require('node:stream');
const { pipeline } = require('node:stream/promises');
const [hub, token, cohort, out, concurrency, mode] = process.argv.slice(1);
(async () => {
  const auth = { authorization: 'Bearer ' + token };
  const response = await fetch(hub + '/api/v1/cohorts/' + cohort + '/manifest', { headers: auth });
  if (!response.ok) throw new Error('manifest: HTTP ' + response.status);
  const { files } = await response.json();
  let next = 0;
  let bytes = 0;
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++];
      const proxied = mode === 'proxied';
      const answer = await fetch(proxied ? hub + '/api/v1/cohorts/' + cohort + '/files/' + file.sha256 : file.url, { headers: proxied ? auth : {} });
      if (!answer.ok) throw new Error(file.path + ': HTTP ' + answer.status);
      const target = join(out, ...file.path.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      const sink = createWriteStream(target);
      await pipeline(Readable.fromWeb(answer.body), sink);
      bytes += sink.bytesWritten;
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, lane));
  console.log(JSON.stringify({ files: files.length, bytes }));
})().catch((error) => {
  console.error(error.stack);
  process.exit(1);
});
`;

interface Sample {
  seconds: number;
  peakRssMb: number;
  /** The CLI's own `seconds` (manifest to last rename, without node startup and module loading). */
  innerSeconds?: number;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'imagora-bench-download-'));
  chmodSync(work, 0o755);
  const procs: Proc[] = [];
  let database: { url: string; drop(): Promise<void> } | undefined;
  try {
    const protocol = benchProtocol('bench-download');
    const buildStarted = Date.now();
    const dataset = await buildDataset(work, protocol, { targetBytes: TARGET_BYTES, bigBytes: BIG_BYTES, bigShare: 0.25, title: 'Download benchmark' });
    console.log(
      `dataset: ${dataset.files.length} files, ${(dataset.bytes / 1e6).toFixed(0)} MB (${dataset.images} images from ${dataset.seeds} corpus seeds, ` +
        `${dataset.big} of them ${BIG_BYTES / MiB} MiB CT slices), built in ${((Date.now() - buildStarted) / 1000).toFixed(0)} s`,
    );
    const stack = await startBenchStack(work, procs, 'warn');
    database = stack.database;
    const { env, s3 } = stack;
    // The hub first: it migrates the database and creates the keys the worker then loads from the same IMAGORA_HOME.
    const hub = await startHub({ ...env, LOG_LEVEL: 'info' });
    procs.push(hub.proc);
    const worker = await startWorker({ ...env, LOG_LEVEL: 'info' });
    procs.push(worker);
    const tails = () => procs.map((p) => `--- ${p.name}\n${p.tail()}`).join('\n');
    const { contributor, steward } = await setUp(hub.url, protocol, 'download', 'Download benchmark');

    const releaseStarted = Date.now();
    const cliEnv = { IMAGORA_HUB: hub.url, IMAGORA_TOKEN: contributor, IMAGORA_CONFIG_DIR: path.join(work, 'cfg') };
    const upload = await runCli(['upload', dataset.dir, '--dataset', 'bench/download', '--concurrency', '4', '--wait', '--json'], cliEnv);
    if (upload.code !== 0) throw new Error(`imagora upload exited ${upload.code}: ${upload.stdout}\n${tails()}`);
    const submissionId = JSON.parse(upload.stdout).submissionId as string;
    await api(hub.url, 'POST', `/api/v1/submissions/${submissionId}/approve`, steward, { reason: 'benchmark' });
    await waitFor(hub.url, steward, submissionId, 'released');
    const cohort = await api(hub.url, 'POST', '/api/v1/cohorts', contributor, { name: 'Download benchmark', query: { dataset: ['bench/download'] } });
    const manifest = await api(hub.url, 'GET', `/api/v1/cohorts/${cohort.id}/manifest`, contributor);
    const files = manifest.files.length as number;
    const bytes = (manifest.files as Array<{ size: number }>).reduce((sum, f) => sum + f.size, 0);
    console.log(`released and cohort ${cohort.id} created in ${((Date.now() - releaseStarted) / 1000).toFixed(0)} s: ${files} files, ${(bytes / 1e6).toFixed(1)} MB in its manifest`);
    console.log(`hub ${hub.url}, s3rver ${s3.endpoint}; concurrency ${CONCURRENCY}, ${ROUNDS} rounds; load average before: ${load()}\n`);

    const out = path.join(work, 'out');
    const plainFetch = async (mode: 'direct' | 'proxied'): Promise<Sample> => {
      rmSync(out, { recursive: true, force: true });
      const run = await runNode(['-e', PLAIN_FETCH_SCRIPT, hub.url, contributor, cohort.id, out, String(CONCURRENCY), mode], {});
      if (run.code !== 0) throw new Error(`plain fetch (${mode}) exited ${run.code}\n${tails()}`);
      const result = JSON.parse(run.stdout);
      if (result.files !== files || result.bytes !== bytes) throw new Error(`plain fetch (${mode}) got ${result.files} files, ${result.bytes} bytes; the manifest lists ${files}, ${bytes}`);
      return { seconds: run.seconds, peakRssMb: run.peakRssMb };
    };
    const cliDownload = async (): Promise<Sample> => {
      rmSync(out, { recursive: true, force: true });
      const run = await runNode([...CLI_NODE_OPTIONS, BIN, 'download', cohort.id, '--out', out, '--concurrency', String(CONCURRENCY), '--json'], cliEnv);
      if (run.code !== 0) throw new Error(`imagora download exited ${run.code}: ${run.stdout}\n${tails()}`);
      const summary = JSON.parse(run.stdout);
      if (summary.downloaded !== files || summary.bytes !== bytes || summary.failed.length) throw new Error(`imagora download: ${JSON.stringify(summary)}`);
      return { seconds: run.seconds, peakRssMb: run.peakRssMb, innerSeconds: summary.seconds };
    };

    const show = (name: string, sample: Sample) => console.log(`  ${name}: ${sample.seconds.toFixed(2)} s, ${(bytes / 1e6 / sample.seconds).toFixed(1)} MB/s (load ${load()})`);
    show('warm-up, plain fetch', await plainFetch('direct'));
    const samples: Record<'cli' | 'direct' | 'proxied', Sample[]> = { cli: [], direct: [], proxied: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order: Array<'cli' | 'direct'> = round % 2 === 0 ? ['cli', 'direct'] : ['direct', 'cli'];
      for (const which of order) {
        const sample = which === 'cli' ? await cliDownload() : await plainFetch('direct');
        samples[which].push(sample);
        show(`round ${round + 1}, ${which === 'cli' ? 'imagora download' : 'plain fetch'}`, sample);
      }
    }
    // Through the hub once, after the rounds: much slower, and the ratio is about (a) / (b).
    if (PROXIED) {
      samples.proxied.push(await plainFetch('proxied'));
      show('plain fetch through the hub', samples.proxied[0]);
    }
    const loadAfter = load();
    rmSync(out, { recursive: true, force: true });

    const mbps = (seconds: number) => bytes / 1e6 / seconds;
    const best = (list: Sample[]) => Math.min(...list.map((s) => s.seconds));
    const mid = (list: Sample[]) => median(list.map((s) => s.seconds));
    const line = (name: string, list: Sample[]) =>
      `| ${name} | ${mbps(best(list)).toFixed(1)} MB/s, ${(files / best(list)).toFixed(0)} files/s (${best(list).toFixed(2)} s) | ` +
      `${mbps(mid(list)).toFixed(1)} MB/s, ${(files / mid(list)).toFixed(0)} files/s (${mid(list).toFixed(2)} s) | ${Math.max(...list.map((s) => s.peakRssMb)).toFixed(0)} MB |`;
    console.log(`\n| ${files} files, ${(bytes / 1e6).toFixed(0)} MB, concurrency ${CONCURRENCY} | best | median | peak RSS |\n|---|---|---|---|`);
    console.log(line('`imagora download` (sha256 verified, resumable)', samples.cli));
    console.log(line('baseline: plain parallel fetch of the presigned URLs', samples.direct));
    if (PROXIED) console.log(line('plain parallel fetch through the hub (proxied, audited; one run)', samples.proxied));
    const inner = samples.cli.map((s) => s.innerSeconds!);
    console.log(`\nimagora download without node startup (its own summary): best ${mbps(Math.min(...inner)).toFixed(1)} MB/s, median ${mbps(median(inner)).toFixed(1)} MB/s`);
    console.log(
      `ratio imagora download / baseline (throughput, goal ≥ 0.8): best ${(best(samples.direct) / best(samples.cli)).toFixed(2)}, ` +
        `median ${(mid(samples.direct) / mid(samples.cli)).toFixed(2)}`,
    );
    console.log(`load average after: ${loadAfter}`);
  } finally {
    await tearDownBench(procs, database, work);
  }
}

runBench(main);
