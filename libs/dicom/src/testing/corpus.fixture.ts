import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

// Test access to the real DICOM corpus in ../shared/corpus (see its README.md and index.json).

export interface CorpusEntry {
  readonly path: string;
  readonly size: number;
  readonly category: 'dicom' | 'annotations' | 'malformed';
  readonly SOPInstanceUID: string | null;
  readonly StudyInstanceUID: string | null;
  readonly SOPClassUID: string | null;
  readonly Modality: string | null;
  readonly TransferSyntaxUID: string | null;
  readonly has_pixel_data: boolean;
  readonly identifying_attributes: Record<string, unknown>;
  readonly references?: { referenced_sop_instance_uids: number; resolved_in_corpus: string[] };
}

const repoRoot = path.join(__dirname, '..', '..', '..', '..');
// IMAGORA_SHARED_DIR (set by .ci/run) when the shared folder is not beside the repository.
export const CORPUS_DIR = path.join(process.env.IMAGORA_SHARED_DIR ?? path.join(repoRoot, '..', 'shared'), 'corpus');

export function loadCorpus(): CorpusEntry[] {
  const indexFile = path.join(CORPUS_DIR, 'index.json');
  if (!fs.existsSync(indexFile)) {
    throw new Error(`DICOM test corpus missing: expected ${indexFile} (the shared corpus beside the repository)`);
  }
  return JSON.parse(fs.readFileSync(indexFile, 'utf8')).files as CorpusEntry[];
}

export function readCorpusFile(entry: CorpusEntry): Buffer {
  return fs.readFileSync(path.join(CORPUS_DIR, entry.path));
}

let dcmdumpAvailable: boolean | undefined;

/** DCMTK's dcmdump, installed once from Debian when missing; false when that is impossible. */
export function ensureDcmdump(): boolean {
  if (dcmdumpAvailable !== undefined) return dcmdumpAvailable;
  const which = (): boolean => spawnSync('which', ['dcmdump']).status === 0;
  if (!which()) spawnSync('apt-get', ['install', '-y', 'dcmtk'], { stdio: 'ignore', timeout: 120_000 });
  dcmdumpAvailable = which();
  if (!dcmdumpAvailable) console.error('dcmdump (DCMTK) is not installed and apt-get could not install it: dcmdump checks skipped');
  return dcmdumpAvailable;
}

/** Runs dcmdump on files (in batches; a failing batch is re-run file by file); returns the failing files. */
export function dcmdumpErrors(files: string[]): { file: string; errors: string }[] {
  const check = (batch: string[]): string[] | undefined => {
    const run = spawnSync('dcmdump', ['-q', '+E', ...batch], { encoding: 'utf8', maxBuffer: 256 << 20 });
    const errors = (run.stderr ?? '').split('\n').filter((line) => line.startsWith('E:'));
    return run.status !== 0 || errors.length > 0 ? (errors.length ? errors : [`exit ${run.status}`]) : undefined;
  };
  const failures: { file: string; errors: string }[] = [];
  for (let start = 0; start < files.length; start += 64) {
    const batch = files.slice(start, start + 64);
    if (!check(batch)) continue;
    for (const file of batch) {
      const errors = check([file]);
      if (errors) failures.push({ file, errors: errors.join('; ') });
    }
  }
  return failures;
}
