import { isAbsolute, relative, resolve } from 'node:path';
import type { DownloadFile } from '@imagora/domain';
import { CliError } from '../hub-client';

// The cohort manifest as `GET /api/v1/cohorts/{id}/manifest` gives it, checked before any byte is written:
// a manifest is input from the network, so a path that would land outside the output folder is refused.

/** A cohort file as the hub lists it; here `path` is DATASET/vN/PATH, relative to the output folder. */
export interface ManifestFile extends DownloadFile {
  /** Presigned GET URL, valid for the manifest's expiresInSeconds. */
  url: string;
}

export interface Manifest {
  cohort: string;
  expiresInSeconds: number;
  files: ManifestFile[];
}

export const PARTIAL_SUFFIX = '.partial';

/** Why `path` may not be written under an output folder, or undefined when it is a plain relative path. */
export function unsafePathReason(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'empty path';
  if (path.length > 4096) return 'path longer than 4096 characters';
  if (path.includes('\0')) return 'NUL byte in path';
  if (path.includes('\\')) return 'backslash in path';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute path';
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return '".." in path';
  if (segments.some((s) => s === '' || s === '.')) return 'empty or "." path segment';
  return undefined;
}

/** The absolute target of a manifest path under `outDir`; throws for any path that would escape it. */
export function targetPath(outDir: string, path: string): string {
  const reason = unsafePathReason(path);
  if (reason) throw new CliError(`refusing manifest path ${JSON.stringify(path)}: ${reason}`);
  const root = resolve(outDir);
  const target = resolve(root, ...path.split('/'));
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new CliError(`refusing manifest path ${JSON.stringify(path)}: it leaves ${root}`);
  return target;
}

/**
 * Checks a manifest document's shape and every path in it, and that no two entries collide (the same path with
 * different content, a file where another entry needs a folder, or an entry named like another one's .partial).
 */
export function checkManifest(document: unknown, outDir: string): Manifest {
  const bad = (message: string): never => {
    throw new CliError(`the hub sent an unusable manifest: ${message}`);
  };
  const m = document as Partial<Manifest> | undefined;
  if (!m || typeof m !== 'object' || !Array.isArray(m.files)) return bad('no files array');
  if (typeof m.expiresInSeconds !== 'number' || !(m.expiresInSeconds > 0)) return bad('no expiresInSeconds');
  const byPath = new Map<string, ManifestFile>();
  for (const f of m.files as ManifestFile[]) {
    if (!f || typeof f !== 'object') return bad('a file entry is not an object');
    targetPath(outDir, f.path);
    if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) return bad(`${f.path}: sha256 is not 64 hex digits`);
    if (!Number.isSafeInteger(f.size) || f.size < 0) return bad(`${f.path}: size is not a byte count`);
    if (typeof f.url !== 'string' || !/^https?:\/\//.test(f.url)) return bad(`${f.path}: url is not http(s)`);
    const seen = byPath.get(f.path);
    if (seen && seen.sha256 !== f.sha256) return bad(`${f.path} is listed twice with different content`);
    byPath.set(f.path, f);
  }
  const folders = new Set<string>();
  for (const path of byPath.keys()) {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) folders.add(segments.slice(0, i).join('/'));
  }
  for (const path of byPath.keys()) {
    if (folders.has(path)) return bad(`${path} is both a file and a folder`);
    if (path.endsWith(PARTIAL_SUFFIX) && byPath.has(path.slice(0, -PARTIAL_SUFFIX.length))) return bad(`${path} collides with the partial download of another file`);
  }
  return { cohort: String(m.cohort ?? ''), expiresInSeconds: m.expiresInSeconds, files: [...byPath.values()] };
}

/**
 * Whether a manifest fetched at `fetchedAtMs` should be fetched again before its URLs are used: a minute before
 * they expire (or at half their lifetime, for lifetimes of two minutes or less), so a URL never expires mid-file.
 */
export function manifestIsStale(fetchedAtMs: number, expiresInSeconds: number, nowMs: number): boolean {
  const refreshAfterSeconds = Math.max(expiresInSeconds - 60, expiresInSeconds / 2);
  return nowMs - fetchedAtMs >= refreshAfterSeconds * 1000;
}
