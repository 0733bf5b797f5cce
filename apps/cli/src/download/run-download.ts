import { mkdir, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { createUploadProgress, UploadProgress } from '../upload/upload-progress';
import { fetchFile, localCopy, UrlRefusedError } from './fetch-file';
import { checkManifest, Manifest, ManifestFile, PARTIAL_SUFFIX, targetPath } from './manifest';
import { ManifestSource } from './manifest-source';

// `imagora download COHORT --out DIR`: every file of a cohort's manifest, N at a time, each verified against
// its sha256 and size; files already present and verified are skipped, .partial files resumed, expired URLs
// replaced by a fresh manifest, failures retried, and every file that still failed reported.

export interface DownloadSummary {
  cohort: string;
  /** Files in the manifest. */
  files: number;
  /** Bytes of the files verified in this run (skipped ones not included). */
  bytes: number;
  downloaded: number;
  skipped: number;
  /** Local copies that did not match the manifest and were downloaded again. */
  replaced: number;
  /** Files continued from a .partial left by an interrupted run. */
  resumed: number;
  /** Bytes received from the store in this run. */
  transferred: number;
  failed: Array<{ path: string; reason: string }>;
  manifestFetches: number;
  seconds: number;
}

export interface DownloadRun {
  outDir: string;
  concurrency: number;
  fetchManifest: () => Promise<unknown>;
  /** Retries after the first attempt of a file. */
  retries?: number;
  /** First pause between retries (doubles each time). */
  backoffMs?: number;
  progress?: UploadProgress;
  now?: () => number;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}

/**
 * Creates a file's folder and checks that, symbolic links resolved, it is still inside the output folder: once per
 * folder and run (a cohort puts hundreds of files in one folder), and again after a failure.
 */
function folderPreparer(root: string): (target: string) => Promise<void> {
  const prepared = new Map<string, Promise<void>>();
  const prepare = async (folder: string) => {
    await mkdir(folder, { recursive: true });
    const real = await realpath(folder);
    const rel = relative(root, real);
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new Error(`${folder} resolves to ${real}, outside ${root}`);
    }
  };
  return (target) => {
    const folder = dirname(target);
    let ready = prepared.get(folder);
    if (!ready) {
      ready = prepare(folder);
      ready.catch(() => prepared.delete(folder));
      prepared.set(folder, ready);
    }
    return ready;
  };
}

export async function runDownload(run: DownloadRun): Promise<DownloadSummary> {
  const started = Date.now();
  const outDir = resolve(run.outDir);
  await mkdir(outDir, { recursive: true });
  const root = await realpath(outDir);
  const retries = run.retries ?? 3;
  const backoffMs = run.backoffMs ?? 500;
  const source = new ManifestSource(async () => checkManifest(await run.fetchManifest(), outDir), run.now);
  const manifest: Manifest = await source.load();
  const progress = run.progress ?? createUploadProgress();
  const summary: DownloadSummary = { cohort: manifest.cohort, files: manifest.files.length, bytes: 0, downloaded: 0, skipped: 0, replaced: 0, resumed: 0, transferred: 0, failed: [], manifestFetches: 0, seconds: 0 };
  const targets = new Map(manifest.files.map((f) => [f.path, targetPath(outDir, f.path)]));
  const prepareFolder = folderPreparer(root);

  // Phase 1: what is already here (hashed, not trusted by size).
  const todo: ManifestFile[] = [];
  const present = new Set<string>();
  let doneBytes = 0;
  await pool(manifest.files, run.concurrency, async (file) => {
    const target = targets.get(file.path)!;
    // Unreadable counts as different: download it again.
    const local = await localCopy(target, file).catch(() => 'different' as const);
    if (local === 'verified') {
      summary.skipped++;
      doneBytes += file.size;
      await rm(target + PARTIAL_SUFFIX, { force: true });
      return;
    }
    if (local === 'different') present.add(file.path);
    todo.push(file);
  });

  // Phase 2: download the rest.
  progress.start(manifest.files.length, manifest.files.reduce((sum, f) => sum + f.size, 0), summary.skipped, doneBytes);
  await pool(todo, run.concurrency, async (planned) => {
    const target = targets.get(planned.path)!;
    let reason = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      let generation = 0;
      try {
        const current = await source.entry(planned.path);
        generation = current.generation;
        const file = current.file;
        if (!file) throw new Error('no longer in the cohort’s manifest');
        if (file.sha256 !== planned.sha256 || file.size !== planned.size) throw new Error('the manifest changed its sha256 or size');
        await prepareFolder(target);
        const outcome = await fetchFile(file, file.url, target, (delta) => progress.bytes(delta));
        summary.transferred += outcome.received;
        if (outcome.resumedFrom > 0) summary.resumed++;
        if (present.has(planned.path)) {
          summary.replaced++;
          progress.log(`${planned.path}: the local copy did not match the manifest; downloaded again`);
        }
        summary.downloaded++;
        summary.bytes += file.size;
        progress.file();
        return;
      } catch (error) {
        reason = (error as Error).message;
        if (attempt === retries) break;
        if (error instanceof UrlRefusedError) {
          // Expired (or otherwise refused) URL: a fresh manifest, then again straight away.
          try {
            await source.refused(generation);
          } catch (refresh) {
            reason = `${reason}; the manifest could not be fetched again: ${(refresh as Error).message}`;
          }
          continue;
        }
        await new Promise((done) => setTimeout(done, backoffMs * 2 ** attempt));
      }
    }
    summary.failed.push({ path: planned.path, reason });
    progress.log(`failed: ${planned.path}: ${reason}`);
  });
  progress.stop();
  summary.failed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  summary.manifestFetches = source.fetchCount;
  summary.seconds = Math.round((Date.now() - started) / 10) / 100;
  return summary;
}
