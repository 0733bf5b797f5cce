import { createHmac } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { Deidentifier, remapAnnotationUids } from '@imagora/deid';
import { deidentifyPath } from '../commands/deid-worker';
import { CliError } from '../hub-client';
import { EXIT_PROBLEMS } from '../exit-codes';
import { LocalFile, fileKindOf, sha256File } from './dataset-files';
import { FileState } from './upload-state';

// `imagora upload --deid-local`: the institution de-identifies with its own key before anything leaves the
// machine, with the engine `imagora deid` uses (libs/deid through deid-worker.ts), and remaps the UIDs that
// annotation records point at (the protocol's references.sopInstanceUid) with the same key, so records still
// name their images. Outputs go to DIR/.imagora/deid/ (kept: a resumed upload reuses them). Files the hub would
// not release (outside images/, annotations/*.ndjson|json and dataset.json) are not uploaded at all: nothing
// says they hold no PHI.

export interface LocalDeidResult {
  /** The outputs to upload, under the same dataset paths; `source` is the original's stat. */
  files: Array<LocalFile & { source: { size: number; mtimeMs: number } }>;
  notUploaded: Array<{ path: string; reason: string }>;
}

export interface ProtocolDeidView {
  references?: { sopInstanceUid?: string };
  deidentification?: { options?: string[] };
}

export function loadKey(keyFile: string): Buffer {
  let key: Buffer;
  try {
    key = readFileSync(keyFile);
  } catch (error) {
    throw new CliError(`cannot read --key-file ${keyFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (key.length < 16) throw new CliError(`--key-file ${keyFile} holds ${key.length} bytes: a key needs at least 16`);
  return key;
}

/** Identifies the key in the upload state without storing anything that helps to guess it. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('imagora upload state').digest('hex').slice(0, 16);
}

function sameStat(a: { size: number; mtimeMs: number } | undefined, b: { size: number; mtimeMs: number }): boolean {
  return a !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

async function remapRecords(source: string, target: string, pointer: string, remap: (uid: string) => string): Promise<void> {
  const partial = `${target}.partial`;
  if (source.endsWith('.ndjson') || source.endsWith('.jsonl')) {
    const out = createWriteStream(partial);
    const lines = createInterface({ input: createReadStream(source), crlfDelay: Infinity });
    let number = 0;
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        out.destroy();
        throw new CliError(`${source}:${number} is not JSON: cannot remap its UIDs (fix the file; \`imagora validate\` shows more)`, EXIT_PROBLEMS);
      }
      if (!out.write(`${JSON.stringify(remapAnnotationUids(record, [pointer], remap).record)}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    out.end();
    await finished(out);
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(source, 'utf8'));
    } catch {
      throw new CliError(`${source} is not JSON: cannot remap its UIDs`, EXIT_PROBLEMS);
    }
    const remapped = Array.isArray(parsed) ? parsed.map((record) => remapAnnotationUids(record, [pointer], remap).record) : remapAnnotationUids(parsed, [pointer], remap).record;
    writeFileSync(partial, JSON.stringify(remapped));
  }
  renameSync(partial, target);
}

/** dataset.json as uploaded: its optional `files` checksums describe the de-identified outputs. */
function rewriteManifest(source: string, target: string, outputs: Map<string, string>): void {
  const text = readFileSync(source, 'utf8');
  let manifest: { files?: Array<{ path: string; sha256: string }> } & Record<string, unknown>;
  try {
    manifest = JSON.parse(text);
  } catch {
    writeFileSync(target, text);
    return;
  }
  if (!Array.isArray(manifest.files)) {
    writeFileSync(target, text);
    return;
  }
  const files = manifest.files.filter((entry) => outputs.has(entry?.path)).map((entry) => ({ ...entry, sha256: outputs.get(entry.path)! }));
  writeFileSync(target, JSON.stringify({ ...manifest, files }, null, 2));
}

/**
 * De-identifies every DICOM file and remaps every annotation file of `files` into `outputDir`. A file whose
 * original is unchanged since the previous run (`previous`) and whose output is still there is not redone.
 */
export async function deidentifyLocally(
  files: readonly LocalFile[],
  outputDir: string,
  key: Buffer,
  protocol: ProtocolDeidView,
  previous: Record<string, FileState>,
  onFile?: (path: string) => void,
): Promise<LocalDeidResult> {
  const deidentifier = new Deidentifier({ key, options: protocol.deidentification?.options ?? [] });
  const pointer = protocol.references?.sopInstanceUid;
  if (!pointer) throw new CliError('the protocol names no references.sopInstanceUid: annotation records cannot be remapped');
  const remap = (uid: string) => deidentifier.remapUid(uid);
  const result: LocalDeidResult = { files: [], notUploaded: [] };
  const failed: string[] = [];
  const outputs = new Map<string, string>();
  let manifest: LocalFile | undefined;
  for (const file of files) {
    const kind = fileKindOf(file.path);
    if (kind === 'other') {
      result.notUploaded.push({ path: file.path, reason: 'outside the dataset layout: not uploaded under --deid-local' });
      continue;
    }
    if (kind === 'metadata') {
      manifest = file;
      continue;
    }
    const target = join(outputDir, file.path);
    const before = previous[file.path];
    let output: { size: number; mtimeMs: number } | undefined;
    try {
      output = statSync(target);
    } catch {
      output = undefined;
    }
    if (!(output && sameStat(before?.source, file) && sameStat(before, output))) {
      mkdirSync(dirname(target), { recursive: true });
      try {
        if (kind === 'dicom') deidentifyPath(deidentifier, file.absolute, target);
        else await remapRecords(file.absolute, target, pointer, remap);
      } catch (error) {
        if (error instanceof CliError) throw error;
        rmSync(target, { force: true });
        failed.push(`${file.path}: ${(error as { code?: string }).code ?? 'ERROR'}: ${(error as Error).message}`);
        continue;
      }
      output = statSync(target);
    }
    onFile?.(file.path);
    result.files.push({ path: file.path, absolute: target, size: output.size, mtimeMs: output.mtimeMs, source: { size: file.size, mtimeMs: file.mtimeMs } });
  }
  if (failed.length) {
    throw new CliError(`${failed.length} file(s) could not be de-identified safely; nothing was uploaded:\n  ${failed.slice(0, 20).join('\n  ')}`, EXIT_PROBLEMS);
  }
  if (manifest) {
    const hasFiles = /"files"\s*:/.test(readFileSync(manifest.absolute, 'utf8'));
    // Checksums listed in dataset.json must describe the uploaded (de-identified) bytes.
    if (hasFiles) for (const file of result.files) outputs.set(file.path, await sha256File(file.absolute));
    const target = join(outputDir, 'dataset.json');
    mkdirSync(outputDir, { recursive: true });
    rewriteManifest(manifest.absolute, target, outputs);
    const output = statSync(target);
    result.files.unshift({ path: 'dataset.json', absolute: target, size: output.size, mtimeMs: output.mtimeMs, source: { size: manifest.size, mtimeMs: manifest.mtimeMs } });
  }
  return result;
}
