import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { DeidErrorCode, DicomErrorCode, DomainError } from '@imagora/core';
import { ByteSource, OutputChunk, isBulkRange } from '@imagora/dicom';
import { DEID_OPTION_NAMES, Deidentifier, verifyDeidentified } from '@imagora/deid';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../exit-codes';

// `imagora deid INPUT OUTPUT`: de-identifies a file or a folder tree (PS3.15 Annex E via libs/deid), verifies
// every output, and reports per file. I/O lives here; the engine is pure. Pixel data is streamed from the
// input file to the output file, so memory stays bounded whatever the file size.

interface DeidCliOptions {
  readonly keyFile?: string;
  readonly option: string[];
  readonly json?: boolean;
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

const COPY_CHUNK = 4 << 20;

/** A file descriptor as a ByteSource: the parser reads headers, never the pixel data. */
function fileSource(fd: number): ByteSource {
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read(position, length) {
      const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - position)));
      let done = 0;
      while (done < buffer.length) {
        const read = fs.readSync(fd, buffer, done, buffer.length - done, position + done);
        if (read === 0) break;
        done += read;
      }
      return done === buffer.length ? buffer : buffer.subarray(0, done);
    },
  };
}

function writeChunks(fd: number, chunks: OutputChunk[]): number {
  let written = 0;
  for (const chunk of chunks) {
    if (!isBulkRange(chunk)) {
      fs.writeSync(fd, chunk);
      written += chunk.length;
      continue;
    }
    for (let position = chunk.start; position < chunk.end; position += COPY_CHUNK) {
      const part = chunk.source.read(position, Math.min(COPY_CHUNK, chunk.end - position));
      fs.writeSync(fd, part);
      written += part.length;
    }
  }
  return written;
}

function listFiles(root: string): string[] {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
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

/** De-identifies one file to `target`; throws DomainError when refused. Returns the output flags. */
export function deidentifyPath(deidentifier: Deidentifier, source: string, target: string): { flags: string[]; bytes: number } {
  const inputFd = fs.openSync(source, 'r');
  try {
    const input = fileSource(inputFd);
    const result = deidentifier.deidentify(input);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    const outputFd = fs.openSync(partial, 'w');
    try {
      writeChunks(outputFd, result.chunks);
    } finally {
      fs.closeSync(outputFd);
    }
    const outputFd2 = fs.openSync(partial, 'r');
    let report;
    try {
      report = verifyDeidentified(input, fileSource(outputFd2), { options: deidentifier.options, extraIdentifyingValues: result.identifyingValues });
    } finally {
      fs.closeSync(outputFd2);
    }
    if (!report.ok) {
      fs.rmSync(partial, { force: true });
      throw new DomainError(
        DeidErrorCode.VERIFICATION_FAILED,
        `verifier refused the output: ${report.problems.slice(0, 3).map((problem) => `${problem.kind} ${problem.tag ?? ''}`.trim()).join(', ')}`,
      );
    }
    fs.renameSync(partial, target);
    return { flags: result.report.flags, bytes: input.size };
  } finally {
    fs.closeSync(inputFd);
  }
}

export async function runDeid(inputPath: string, outputPath: string, options: DeidCliOptions): Promise<number> {
  let deidentifier: Deidentifier;
  let reproducible: boolean;
  try {
    const loaded = loadKey(options.keyFile);
    reproducible = loaded.reproducible;
    deidentifier = new Deidentifier({ key: loaded.key, options: options.option });
  } catch (error) {
    process.stderr.write(`imagora deid: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (!fs.existsSync(inputPath)) {
    process.stderr.write(`imagora deid: input ${inputPath} does not exist\n`);
    return EXIT_USAGE;
  }
  const inputIsDir = fs.statSync(inputPath).isDirectory();
  const sources = inputIsDir ? listFiles(inputPath) : [inputPath];
  const targetOf = (source: string): string => {
    if (inputIsDir) return path.join(outputPath, path.relative(inputPath, source));
    return fs.existsSync(outputPath) && fs.statSync(outputPath).isDirectory() ? path.join(outputPath, path.basename(source)) : outputPath;
  };
  if (path.resolve(inputPath) === path.resolve(outputPath)) {
    process.stderr.write('imagora deid: OUTPUT must differ from INPUT (originals are never overwritten)\n');
    return EXIT_USAGE;
  }

  const summary: DeidSummary = { files: sources.length, bytes: 0, written: 0, skipped: [], failed: [], flags: [], elapsedMs: 0, options: deidentifier.options, reproducible };
  const started = process.hrtime.bigint();
  const bar = process.stderr.isTTY && !options.json ? new SingleBar({ stream: process.stderr, format: 'de-identifying [{bar}] {value}/{total} files' }) : undefined;
  bar?.start(sources.length, 0);
  for (const source of sources) {
    const relative = inputIsDir ? path.relative(inputPath, source) : path.basename(source);
    try {
      const result = deidentifyPath(deidentifier, source, targetOf(source));
      summary.written++;
      summary.bytes += result.bytes;
      if (result.flags.length) summary.flags.push({ path: relative, flags: result.flags });
    } catch (error) {
      if (error instanceof DomainError && error.code === DicomErrorCode.NOT_DICOM) {
        summary.skipped.push({ path: relative, reason: error.message });
        if (!options.json) process.stderr.write(`imagora deid: skipped ${relative}: ${error.message}\n`);
      } else {
        const failure = error instanceof DomainError ? { path: relative, code: error.code, reason: error.message } : { path: relative, code: 'INTERNAL_ERROR', reason: String(error) };
        summary.failed.push(failure);
        if (!options.json) process.stderr.write(`imagora deid: failed ${relative}: ${failure.code}: ${failure.reason}\n`);
      }
    }
    bar?.increment();
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

export function registerDeidCommand(program: Command): void {
  program
    .command('deid')
    .description('De-identify DICOM files (PS3.15 Annex E Basic Profile + options); INPUT and OUTPUT are files or folders')
    .argument('<input>', 'a DICOM file or a folder (recursed)')
    .argument('<output>', 'output file or folder (relative paths mirrored)')
    .option('--key-file <file>', 'secret key for the keyed pseudonyms (≥ 16 bytes); without it a random key is used')
    .option('--option <name>', `profile option (repeatable): ${DEID_OPTION_NAMES.join(', ')}`, (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--json', 'print a JSON summary on stdout')
    .action(async (input: string, output: string, options: DeidCliOptions) => {
      process.exitCode = await runDeid(input, output, options);
    });
}
