import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { DEID_OPTION_NAMES, Deidentifier } from '@imagora/deid';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../exit-codes';
import { DEID_WORKER_ROLE, DeidFileOutcome, DeidTask, DeidTaskResult, DeidWorkerInit, deidentifyToOutcome, isNotDicom } from './deid-worker';

export { deidentifyPath } from './deid-worker';

// `imagora deid INPUT OUTPUT`: de-identifies a file or a folder tree (PS3.15 Annex E via libs/deid), verifies
// every output, and reports per file. I/O lives here and in deid-worker.ts; the engine is pure. A folder of large
// files is processed by a pool of worker threads (one per core by default), each taking files by path; small files
// by this thread (see worthAPool). The summary is assembled in input order, so it does not depend on which worker
// finished first.

interface DeidCliOptions {
  readonly keyFile?: string;
  readonly option: string[];
  readonly json?: boolean;
  /** Worker threads (default: os.availableParallelism() for large files, else 1); 1 processes in this thread. */
  readonly jobs?: number;
}

interface FileFailure {
  readonly path: string;
  readonly code: string;
  readonly reason: string;
}

export interface DeidSummary {
  files: number;
  bytes: number;
  written: number;
  skipped: { path: string; reason: string }[];
  failed: FileFailure[];
  flags: { path: string; flags: string[] }[];
  elapsedMs: number;
  options: string[];
  reproducible: boolean;
}

/** Every file under `root`, sorted per folder; `exclude` (an OUTPUT folder inside INPUT) is not entered. */
function listFiles(root: string, exclude: string): string[] {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path.resolve(full) !== exclude) visit(full);
      }
      else if (entry.isFile()) files.push(full);
    }
  };
  visit(root);
  return files;
}

function loadKey(keyFile: string | undefined): { key: Buffer; reproducible: boolean } {
  if (keyFile === undefined) {
    process.stderr.write('imagora deid: no --key-file given: using a random key, results will not be reproducible (pseudonyms differ on every run)\n');
    return { key: randomBytes(32), reproducible: false };
  }
  const key = fs.readFileSync(keyFile);
  return { key, reproducible: true };
}

export async function runDeid(inputPath: string, outputPath: string, options: DeidCliOptions): Promise<number> {
  let deidentifier: Deidentifier;
  let reproducible: boolean;
  let loadedKey: Buffer;
  try {
    const loaded = loadKey(options.keyFile);
    reproducible = loaded.reproducible;
    loadedKey = loaded.key;
    deidentifier = new Deidentifier({ key: loaded.key, options: options.option });
  } catch (error) {
    process.stderr.write(`imagora deid: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (!fs.existsSync(inputPath)) {
    process.stderr.write(`imagora deid: input ${inputPath} does not exist\n`);
    return EXIT_USAGE;
  }
  if (path.resolve(inputPath) === path.resolve(outputPath)) {
    process.stderr.write('imagora deid: OUTPUT must differ from INPUT (originals are never overwritten)\n');
    return EXIT_USAGE;
  }
  const inputIsDir = fs.statSync(inputPath).isDirectory();
  const sources = inputIsDir ? listFiles(inputPath, path.resolve(outputPath)) : [inputPath];
  const outputIsDir = !inputIsDir && fs.existsSync(outputPath) && fs.statSync(outputPath).isDirectory();
  const targetOf = (source: string): string => {
    if (inputIsDir) return path.join(outputPath, path.relative(inputPath, source));
    return outputIsDir ? path.join(outputPath, path.basename(source)) : outputPath;
  };
  const relativeOf = (source: string): string => (inputIsDir ? path.relative(inputPath, source) : path.basename(source));

  const summary: DeidSummary = { files: sources.length, bytes: 0, written: 0, skipped: [], failed: [], flags: [], elapsedMs: 0, options: deidentifier.options, reproducible };
  const started = process.hrtime.bigint();
  const bar = process.stderr.isTTY && !options.json ? new SingleBar({ stream: process.stderr, format: 'de-identifying [{bar}] {value}/{total} files' }) : undefined;
  bar?.start(sources.length, 0);

  // Outcomes arrive in any order; they are reported (stderr lines, summary entries) strictly in input order.
  const outcomes: (DeidFileOutcome | undefined)[] = new Array(sources.length);
  let reported = 0;
  const record = (index: number, outcome: DeidFileOutcome): void => {
    outcomes[index] = outcome;
    bar?.increment();
    while (reported < sources.length && outcomes[reported] !== undefined) {
      report(summary, relativeOf(sources[reported]), outcomes[reported]!, options.json === true);
      outcomes[reported] = undefined;
      reported++;
    }
  };
  const tasks = sources.map((source, id) => ({ id, source, target: targetOf(source) }));
  // --jobs N > 1 always uses the pool; by default it is used for large files only (see worthAPool).
  const jobs = Math.min(options.jobs ?? (worthAPool(sources) ? os.availableParallelism() : 1), tasks.length);
  const workerFile = path.join(__dirname, 'deid-worker.js');
  if (jobs > 1 && fs.existsSync(workerFile) && fs.existsSync(ALIAS_HOOK)) {
    await runPool(workerFile, jobs, { role: DEID_WORKER_ROLE, key: loadedKey, options: deidentifier.options }, tasks, record);
  } else {
    // One thread (--jobs 1, a single file, or run from TypeScript sources where no compiled worker exists).
    for (const task of tasks) record(task.id, deidentifyToOutcome(deidentifier, task.source, task.target));
  }
  bar?.stop();
  summary.elapsedMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(
      `${summary.written} de-identified, ${summary.skipped.length} skipped (not DICOM), ${summary.failed.length} failed, ` +
        `${summary.flags.filter((entry) => entry.flags.includes('burned-in-annotation-risk')).length} flagged for burned-in text, ${summary.elapsedMs} ms\n`,
    );
  }
  return summary.failed.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

function report(summary: DeidSummary, relative: string, outcome: DeidFileOutcome, json: boolean): void {
  if (outcome.ok) {
    summary.written++;
    summary.bytes += outcome.bytes;
    if (outcome.flags.length) summary.flags.push({ path: relative, flags: outcome.flags });
  } else if (isNotDicom(outcome)) {
    summary.skipped.push({ path: relative, reason: outcome.reason });
    if (!json) process.stderr.write(`imagora deid: skipped ${relative}: ${outcome.reason}\n`);
  } else {
    summary.failed.push({ path: relative, code: outcome.code, reason: outcome.reason });
    if (!json) process.stderr.write(`imagora deid: failed ${relative}: ${outcome.code}: ${outcome.reason}\n`);
  }
}

// When a second thread pays (measured on 2 cores): a worker costs ~0.1 s to start and, being a V8 isolate of its
// own, warms its JIT up again (~0.5 s of CPU over the bench's 2,000 files), while on small files the kernel's part,
// file creation above all, does not run in parallel (creates in one folder serialise on the folder). On the bench's
// small files (226 KB on average) one thread beat two in every run and used 0.7-1.1 s less CPU. On large files the
// work is the kernel copying bytes, which two threads do side by side (24 files of 24 MiB: two threads 0.48-0.54 s,
// one 0.40-1.12 s): the pool is the default when the files average at least this size.
const POOL_MIN_MEAN_BYTES = 4 << 20;
const POOL_MIN_FILES = 4;
/** Files stat'ed to estimate the mean size (evenly spaced over the input). */
const POOL_SIZE_SAMPLE = 256;

function worthAPool(sources: string[]): boolean {
  if (sources.length < POOL_MIN_FILES) return false;
  const step = Math.max(1, Math.floor(sources.length / POOL_SIZE_SAMPLE));
  let bytes = 0;
  let sampled = 0;
  for (let index = 0; index < sources.length; index += step) {
    bytes += fs.statSync(sources[index], { throwIfNoEntry: false })?.size ?? 0;
    sampled++;
  }
  return bytes / sampled >= POOL_MIN_MEAN_BYTES;
}

/** Tasks a worker holds at once: the next path is already there when it finishes one, and memory stays bounded. */
const TASKS_PER_WORKER = 2;
/** The `@imagora/*` alias hook bin/imagora.js uses; workers need it too (each thread has its own module loader). */
const ALIAS_HOOK = path.join(__dirname, '..', '..', '..', '..', '..', 'scripts', 'register-aliases.js');

/**
 * A pool of worker threads over `tasks`: each worker gets at most TASKS_PER_WORKER paths at a time and posts
 * one result per path. A worker that dies fails the files it held, and is replaced while work remains.
 */
function runPool(
  workerFile: string,
  size: number,
  init: DeidWorkerInit,
  tasks: DeidTask[],
  record: (index: number, outcome: DeidFileOutcome) => void,
): Promise<void> {
  return new Promise((resolve) => {
    let next = 0;
    let done = 0;
    let replacements = size * 2;
    const live = new Set<Worker>();
    const finish = (id: number, outcome: DeidFileOutcome): void => {
      record(id, outcome);
      done++;
      if (done === tasks.length) {
        for (const worker of live) void worker.terminate();
        resolve();
      }
    };
    const start = (): void => {
      const held = new Set<number>();
      // Only the hook: V8 flags of this process (heap sizes) apply to every thread already, and a worker
      // given them in execArgv refuses to start.
      const worker = new Worker(workerFile, { workerData: init, execArgv: ['--require', ALIAS_HOOK] });
      live.add(worker);
      const feed = (): void => {
        while (held.size < TASKS_PER_WORKER && next < tasks.length) {
          const task = tasks[next++];
          held.add(task.id);
          worker.postMessage(task);
        }
      };
      worker.on('message', (result: DeidTaskResult) => {
        held.delete(result.id);
        feed();
        finish(result.id, result.outcome);
      });
      let failure = 'worker thread stopped';
      worker.on('error', (error) => {
        failure = `worker thread failed: ${error.message}`;
      });
      worker.on('exit', () => {
        live.delete(worker);
        if (done === tasks.length) return;
        const lost = [...held];
        held.clear();
        if (next < tasks.length && replacements-- > 0) start();
        for (const id of lost) finish(id, { ok: false, code: 'INTERNAL_ERROR', reason: failure });
        if (live.size === 0) {
          // No worker left and none may be started: the remaining files fail rather than hang the run.
          while (next < tasks.length) finish(tasks[next++].id, { ok: false, code: 'INTERNAL_ERROR', reason: failure });
        }
      });
      feed();
    };
    for (let i = 0; i < size; i++) start();
  });
}

function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new InvalidArgumentError('expected a whole number of threads, 1..256');
  return jobs;
}

export function registerDeidCommand(program: Command): void {
  program
    .command('deid')
    .description('De-identify DICOM files (PS3.15 Annex E Basic Profile + options); INPUT and OUTPUT are files or folders')
    .argument('<input>', 'a DICOM file or a folder (recursed)')
    .argument('<output>', 'output file or folder (relative paths mirrored)')
    .option('--key-file <file>', 'secret key for the keyed pseudonyms (≥ 16 bytes); without it a random key is used')
    .option('--option <name>', `profile option (repeatable): ${DEID_OPTION_NAMES.join(', ')}`, (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--json', 'print a JSON summary on stdout')
    .option('--jobs <n>', 'worker threads (default: one per core when the files average 4 MiB or more, else 1 = this thread only)', parseJobs)
    .action(async (input: string, output: string, options: DeidCliOptions) => {
      process.exitCode = await runDeid(input, output, options);
    });
}
