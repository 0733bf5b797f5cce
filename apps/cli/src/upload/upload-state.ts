import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../hub-client';

// What `imagora upload` remembers between runs, in DIR/.imagora/upload-<hub-host>.json: the submission it is
// filling, and per file what is done, so that a run interrupted by Ctrl-C, a kill or a network error continues
// the same submission. The hub stays the judge of what is stored (GET .../files); this file only saves work
// (hashes, multipart part ETags) and tells a changed file from an unchanged one.

export const STATE_DIR = '.imagora';
const STATE_VERSION = 1;

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export interface MultipartProgress {
  uploadId: string;
  partSize: number;
  /** partNumber → ETag the store answered the part PUT with. */
  etags: Record<string, string>;
}

export interface FileState extends FileStat {
  sha256: string;
  /** The hub's id, once registered. */
  fileId?: string;
  uploaded?: boolean;
  multipart?: MultipartProgress;
  /** --deid-local: the original file the uploaded bytes were made from. */
  source?: FileStat;
}

export interface UploadState {
  version: number;
  hub: string;
  dataset: string;
  protocol: string;
  deidLocal: boolean;
  /** --deid-local: HMAC of a constant under the key, so a run with another key is noticed (the key is not stored). */
  keyFingerprint?: string;
  submissionId?: string;
  finalized?: boolean;
  files: Record<string, FileState>;
}

export function stateFileFor(root: string, hub: string): string {
  // One state per hub: the same folder may go to a test hub and a production hub.
  const host = new URL(hub).host.replace(/[^A-Za-z0-9.-]/g, '_');
  return join(root, STATE_DIR, `upload-${host}.json`);
}

export function newState(fields: Omit<UploadState, 'version' | 'files'>): UploadState {
  return { version: STATE_VERSION, ...fields, files: {} };
}

export function readState(file: string): UploadState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read upload state ${file}: ${(error as Error).message}`);
  }
  let parsed: UploadState;
  try {
    parsed = JSON.parse(text) as UploadState;
  } catch {
    throw new CliError(`upload state ${file} is not JSON: start over with --restart`);
  }
  if (parsed.version !== STATE_VERSION || typeof parsed.files !== 'object' || parsed.files === null) {
    throw new CliError(`upload state ${file} is from another version of imagora: start over with --restart`);
  }
  return parsed;
}

/**
 * Keeps the state on disk. Every write is atomic (a temp file renamed over the old one), so a kill at any moment
 * leaves either the old or the new state. save() coalesces frequent small changes; saveNow() is for progress
 * that is expensive to redo (a multipart part) and for exit paths.
 */
export class StateStore {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    readonly state: UploadState,
    private readonly delayMs = 500,
  ) {}

  save(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.saveNow(), this.delayMs);
    this.timer.unref();
  }

  saveNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.state));
    renameSync(temp, this.file);
  }
}
