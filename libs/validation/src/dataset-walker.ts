import { createReadStream, lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { LocalDatasetEntry } from './dataset-entry';
import { IssueCode } from './issue-codes';
import type { IssueCollector } from './issue-collector';

// The order in which the root is walked: the manifest first, then images (so annotation references
// resolve as they are read and nothing waits), then annotations, then anything else.
const ROOT_ORDER = ['dataset.json', 'images', 'annotations'];

function rank(name: string): number {
  const index = ROOT_ORDER.indexOf(name);
  return index < 0 ? ROOT_ORDER.length : index;
}

// One class instead of an object literal with an open() closure per file.
class LocalFile implements LocalDatasetEntry {
  constructor(
    readonly path: string,
    readonly size: number,
    readonly absolutePath: string,
  ) {}

  open(): Readable {
    return createReadStream(this.absolutePath, { highWaterMark: 1 << 20 });
  }
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Walks a dataset folder depth-first and yields its regular files. Symbolic links are reported and
 * never followed (one pointing outside the root could leak any file of the machine into a dataset, and
 * links inside can form loops). Unreadable folders are reported and skipped.
 */
export async function* walkDatasetDirectory(root: string, issues: IssueCollector): AsyncGenerator<LocalDatasetEntry[]> {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (error) {
    issues.add({ code: IssueCode.FILE_UNREADABLE, file: '', message: `cannot read the dataset folder: ${(error as Error).message}` });
    return;
  }
  yield* walk(realRoot, '', realRoot, issues);
}

// Yields the files of each folder as one batch: one async step per folder instead of one per file
// through every level of the recursion (a measurable share of the image phase otherwise).
async function* walk(directory: string, relative: string, realRoot: string, issues: IssueCollector): AsyncGenerator<LocalDatasetEntry[]> {
  let dirents: Dirent[];
  try {
    // Listed in one synchronous call, as every file is then stat-ed: a trip through the libuv thread pool
    // per folder is idle time on a busy machine, for no concurrency gained (the walk is sequential).
    dirents = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    issues.add({ code: IssueCode.FILE_UNREADABLE, file: relative, message: `cannot list folder: ${(error as Error).message}` });
    return;
  }
  dirents.sort((a, b) => (relative === '' ? rank(a.name) - rank(b.name) : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let batch: LocalDatasetEntry[] = [];
  for (const dirent of dirents) {
    const absolutePath = path.join(directory, dirent.name);
    const entryPath = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
    if (dirent.isSymbolicLink()) {
      reportSymlink(absolutePath, entryPath, realRoot, issues);
    } else if (dirent.isDirectory()) {
      // Keep walk order: the files before this folder first.
      if (batch.length > 0) yield batch;
      batch = [];
      yield* walk(absolutePath, entryPath, realRoot, issues);
    } else if (dirent.isFile()) {
      let size: number;
      try {
        size = statSync(absolutePath).size;
      } catch (error) {
        issues.add({ code: IssueCode.FILE_UNREADABLE, file: entryPath, message: `cannot stat: ${(error as Error).message}` });
        continue;
      }
      batch.push(new LocalFile(entryPath, size, absolutePath));
    } else {
      issues.add({ code: IssueCode.FILE_UNEXPECTED, file: entryPath, message: 'not a regular file (a socket, FIFO or device); skipped' });
    }
  }
  if (batch.length > 0) yield batch;
}

function reportSymlink(absolutePath: string, entryPath: string, realRoot: string, issues: IssueCollector): void {
  let target: string;
  try {
    target = realpathSync(absolutePath);
  } catch {
    // Dangling (or looping) link: judge by where it says it points.
    try {
      target = path.resolve(path.dirname(absolutePath), readlinkSync(absolutePath));
    } catch (error) {
      issues.add({ code: IssueCode.FILE_UNREADABLE, file: entryPath, message: `cannot read symbolic link: ${(error as Error).message}` });
      return;
    }
  }
  if (!isInside(realRoot, target)) {
    // Never print the target: it may be a path that should not appear in a shared report.
    issues.add({ code: IssueCode.FILE_SYMLINK_OUTSIDE, file: entryPath, message: 'symbolic link points outside the dataset folder; not followed' });
    return;
  }
  let kind = 'file';
  try {
    kind = lstatSync(target).isDirectory() ? 'folder' : 'file';
  } catch {
    kind = 'missing target';
  }
  issues.add({ code: IssueCode.FILE_SYMLINK, file: entryPath, message: `symbolic link to a ${kind} inside the dataset (${path.relative(realRoot, target) || '.'}); not followed` });
}
