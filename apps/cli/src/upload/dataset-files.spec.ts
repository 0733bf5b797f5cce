import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileKindOf, forEachConcurrently, listDatasetFiles, sha256File } from './dataset-files';

describe(listDatasetFiles.name, () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'imagora-upload-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (path: string, content = path) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };

  it('lists dataset.json, then images, then annotations, then the rest, leaving .imagora/ out', async () => {
    for (const path of ['README.md', 'annotations/a.ndjson', 'images/b/2.dcm', 'images/a.dcm', 'dataset.json', '.imagora/upload-x.json', '.imagora/deid/images/a.dcm']) write(path);
    const { files, skipped } = await listDatasetFiles(root);
    expect(files.map((f) => f.path)).toEqual(['dataset.json', 'images/a.dcm', 'images/b/2.dcm', 'annotations/a.ndjson', 'README.md']);
    expect(skipped).toEqual([]);
  });

  it('never follows a symbolic link, and says so', async () => {
    write('images/a.dcm');
    symlinkSync('/etc/hostname', join(root, 'images', 'link.dcm'));
    const { files, skipped } = await listDatasetFiles(root);
    expect(files.map((f) => f.path)).toEqual(['images/a.dcm']);
    expect(skipped).toEqual([{ path: 'images/link.dcm', reason: 'symbolic link (not followed)' }]);
  });

  it('hashes a file by streaming it', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 5);
    write('images/big.dcm', content as unknown as string);
    expect(await sha256File(join(root, 'images/big.dcm'))).toBe(createHash('sha256').update(content).digest('hex'));
  });
});

describe(fileKindOf.name, () => {
  it.each([
    ['dataset.json', 'metadata'],
    ['images/x/y.dcm', 'dicom'],
    ['annotations/a.ndjson', 'annotation'],
    ['annotations/a.json', 'annotation'],
    ['annotations/sub/a.ndjson', 'other'],
    ['notes.txt', 'other'],
  ])('classifies %s as the hub does (%s)', (path, kind) => {
    expect(fileKindOf(path)).toBe(kind);
  });
});

describe(forEachConcurrently.name, () => {
  it('keeps at most N in flight and visits every item', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(item);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops taking new items after a failure and throws it', async () => {
    const seen: number[] = [];
    await expect(
      forEachConcurrently([1, 2, 3, 4, 5], 1, async (item) => {
        seen.push(item);
        if (item === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).toEqual([1, 2]);
  });
});
