import { join } from 'node:path';
import { CliError } from '../hub-client';
import { checkManifest, manifestIsStale, targetPath, unsafePathReason } from './manifest';

const SHA = 'a'.repeat(64);
const entry = (path: string, sha256 = SHA) => ({ path, sha256, size: 3, mediaType: 'application/dicom', dataset: 'north/x', version: 1, url: 'http://store/x' });
const manifest = (...files: Array<ReturnType<typeof entry>>) => ({ cohort: 'c', expiresInSeconds: 900, files });

describe(targetPath.name, () => {
  const out = '/tmp/out';

  it('places a plain relative path under the output folder', () => {
    expect(targetPath(out, 'north/x/v1/images/a.dcm')).toBe(join(out, 'north', 'x', 'v1', 'images', 'a.dcm'));
  });

  it.each([
    ['/etc/passwd', 'absolute path'],
    ['north/../../etc/passwd', '".." in path'],
    ['..', '".." in path'],
    ['north\\..\\..\\x', 'backslash in path'],
    ['C:/Windows/x', 'absolute path'],
    ['north//x', 'empty or "." path segment'],
    ['./x', 'empty or "." path segment'],
    ['north/x/', 'empty or "." path segment'],
    ['', 'empty path'],
    ['a\0b', 'NUL byte in path'],
  ])('refuses %j (%s)', (path, reason) => {
    expect(unsafePathReason(path)).toBe(reason);
    expect(() => targetPath(out, path)).toThrow(CliError);
  });

  it('refuses a path that is not a string', () => {
    expect(unsafePathReason(42)).toBe('empty path');
  });
});

describe(checkManifest.name, () => {
  it('accepts a well-formed manifest', () => {
    expect(checkManifest(manifest(entry('a/v1/x.dcm'), entry('a/v1/y.dcm')), '/tmp/out').files).toHaveLength(2);
  });

  it('refuses the whole manifest when one path escapes the output folder', () => {
    expect(() => checkManifest(manifest(entry('a/v1/x.dcm'), entry('a/v1/../../../../home/u/.bashrc')), '/tmp/out')).toThrow(/refusing manifest path.*"\.\." in path/);
  });

  it('refuses the same path with two different contents', () => {
    expect(() => checkManifest(manifest(entry('a/x'), entry('a/x', 'b'.repeat(64))), '/tmp/out')).toThrow(/listed twice/);
  });

  it('keeps one entry when the same file is listed twice', () => {
    expect(checkManifest(manifest(entry('a/x'), entry('a/x')), '/tmp/out').files).toHaveLength(1);
  });

  it('refuses a file that another entry needs as a folder', () => {
    expect(() => checkManifest(manifest(entry('a/x'), entry('a/x/y')), '/tmp/out')).toThrow(/both a file and a folder/);
  });

  it('refuses an entry named like another entry’s partial download', () => {
    expect(() => checkManifest(manifest(entry('a/x'), entry('a/x.partial')), '/tmp/out')).toThrow(/partial download/);
  });

  it('refuses malformed hashes, sizes and URLs', () => {
    expect(() => checkManifest(manifest({ ...entry('a/x'), sha256: 'zz' }), '/tmp/out')).toThrow(/sha256/);
    expect(() => checkManifest(manifest({ ...entry('a/x'), size: -1 }), '/tmp/out')).toThrow(/size/);
    expect(() => checkManifest(manifest({ ...entry('a/x'), url: 'file:///etc/passwd' }), '/tmp/out')).toThrow(/url/);
    expect(() => checkManifest({ files: [] }, '/tmp/out')).toThrow(/expiresInSeconds/);
    expect(() => checkManifest('not json', '/tmp/out')).toThrow(/no files/);
  });
});

describe(manifestIsStale.name, () => {
  it('refreshes a 15-minute manifest one minute before its URLs expire', () => {
    expect(manifestIsStale(0, 900, 839_999)).toBe(false);
    expect(manifestIsStale(0, 900, 840_000)).toBe(true);
  });

  it('refreshes a one-minute manifest at half its lifetime, not on every file', () => {
    expect(manifestIsStale(0, 60, 29_999)).toBe(false);
    expect(manifestIsStale(0, 60, 30_000)).toBe(true);
  });
});
