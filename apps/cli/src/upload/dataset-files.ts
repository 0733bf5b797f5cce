import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_DIR } from './upload-state';

// The files of a dataset folder as `imagora upload` sends them: regular files only (symbolic links are never
// followed: one pointing outside the folder would send any file of the machine), DIR/.imagora/ left out, in the
// order the validator wants them (dataset.json, images, annotations, the rest), paths "/"-separated.

export interface LocalFile {
  /** Dataset-relative, "/"-separated. */
  path: string;
  absolute: string;
  size: number;
  mtimeMs: number;
}

export interface DatasetListing {
  files: LocalFile[];
  /** Symbolic links and special files that are not uploaded. */
  skipped: Array<{ path: string; reason: string }>;
}

const ROOT_ORDER = ['dataset.json', 'images', 'annotations'];

function rank(path: string): number {
  const top = path.split('/')[0];
  const index = ROOT_ORDER.indexOf(top);
  return index < 0 ? ROOT_ORDER.length : index;
}

export async function listDatasetFiles(root: string): Promise<DatasetListing> {
  const files: LocalFile[] = [];
  const skipped: DatasetListing['skipped'] = [];
  const walk = async (directory: string, relative: string): Promise<void> => {
    const names: string[] = [];
    for await (const entry of await opendir(directory)) names.push(entry.name);
    names.sort();
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      if (path === STATE_DIR) continue;
      const absolute = join(directory, name);
      const stat = await lstat(absolute);
      if (stat.isSymbolicLink()) skipped.push({ path, reason: 'symbolic link (not followed)' });
      else if (stat.isDirectory()) await walk(absolute, path);
      else if (stat.isFile()) files.push({ path, absolute, size: stat.size, mtimeMs: stat.mtimeMs });
      else skipped.push({ path, reason: 'not a regular file' });
    }
  };
  await walk(root, '');
  files.sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

/** sha256 of a file, streamed: memory stays at one read buffer whatever the size. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What the hub makes of a path (libs/domain submission-paths.ts fileKindOf): only these kinds are released. */
export function fileKindOf(path: string): 'dicom' | 'annotation' | 'metadata' | 'other' {
  if (path === 'dataset.json') return 'metadata';
  if (path.startsWith('images/')) return 'dicom';
  if (/^annotations\/[^/]+\.(ndjson|json)$/.test(path)) return 'annotation';
  return 'other';
}

/** Runs `work` over `items`, at most `concurrency` at a time; the first failure stops new work and is thrown. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (error) {
        if (!failed) {
          failed = true;
          failure = error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  if (failed) throw failure;
}
