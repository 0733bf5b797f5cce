import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ObjectStore } from './object-store';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function storeFromEnv(): ObjectStore {
  return new ObjectStore({
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION ?? 'us-east-1',
    accessKeyId: process.env.S3_ACCESS_KEY_ID,
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  });
}

describe(ObjectStore.name, () => {
  const store = storeFromEnv();
  const bucket = `t-${randomBytes(4).toString('hex')}`;

  afterAll(() => store.destroy());

  it('creates a bucket once and accepts a second ensure as a no-op', async () => {
    await store.ensureBucket(bucket);
    await store.ensureBucket(bucket);
    await expect(store.ping(bucket)).resolves.toBeUndefined();
  });

  it('stores and returns the exact bytes of an object', async () => {
    const body = randomBytes(300_000);
    await store.put(bucket, 'a/b.bin', body);
    expect((await store.getBuffer(bucket, 'a/b.bin')).equals(body)).toBe(true);
  });

  it('reports a missing object as absent and a deleted one too', async () => {
    await store.put(bucket, 'gone.txt', 'x');
    expect(await store.exists(bucket, 'gone.txt')).toBe(true);
    await store.delete(bucket, 'gone.txt');
    expect(await store.exists(bucket, 'gone.txt')).toBe(false);
  });

  it('lists and deletes every object under a prefix, more than one listing page of them, and nothing else', async () => {
    const keys = Array.from({ length: 1205 }, (_, i) => `purge/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => store.put(bucket, key, 'x')));
    await store.put(bucket, 'purge-not/kept', 'x');
    const listed: string[] = [];
    for await (const { key } of store.listKeys(bucket, 'purge/')) listed.push(key);
    expect(listed).toEqual(keys);
    expect(await store.deletePrefix(bucket, 'purge/')).toBe(keys.length);
    const left: string[] = [];
    for await (const { key } of store.listKeys(bucket, 'purge')) left.push(key);
    expect(left).toEqual(['purge-not/kept']);
  });

  describe('putSized', () => {
    it('streams a body of the declared size into one object', async () => {
      const body = randomBytes(3 * 1024 * 1024 + 17);
      await store.putSized(bucket, 'sized/exact', Readable.from([body.subarray(0, 1000), body.subarray(1000)]), body.length);
      expect((await store.getBuffer(bucket, 'sized/exact')).equals(body)).toBe(true);
    });

    it('stores an empty body', async () => {
      await store.putSized(bucket, 'sized/empty', Readable.from([]), 0);
      expect(await store.head(bucket, 'sized/empty')).toMatchObject({ size: 0 });
    });

    it('refuses a body longer than declared and aborts its PUT', async () => {
      await expect(store.putSized(bucket, 'sized/101', Readable.from([randomBytes(101)]), 100)).rejects.toThrow(/body is longer than/);
      // S3 keeps nothing of an aborted PUT; s3rver may keep the bytes that arrived, never the first 100 as a whole object.
      expect((await store.head(bucket, 'sized/101'))?.size).not.toBe(100);
    });

    it('refuses a body shorter than declared', async () => {
      await expect(store.putSized(bucket, 'sized/99', Readable.from([randomBytes(99)]), 100)).rejects.toThrow(/body ended after/);
    });

    it("rejects with the body's own error when the body fails midway", async () => {
      const body = new PassThrough();
      const put = store.putSized(bucket, 'sized/failed', body, 1000);
      body.write(randomBytes(400));
      setTimeout(() => body.destroy(new Error('client went away')), 20);
      await expect(put).rejects.toThrow('client went away');
    });
  });

  describe('putFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imagora-put-file-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each([
      ['one PUT', 1024 * 1024 + 3],
      ['a multipart upload of 64 MiB parts', 64 * 1024 * 1024 + 5 * 1024 * 1024 + 1],
    ])('stores a file as %s with its exact bytes', async (_how, size) => {
      const bytes = randomBytes(size);
      const path = join(dir, `f${size}`);
      writeFileSync(path, bytes);
      await expect(store.putFile(bucket, `file/${size}`, path, 'application/dicom')).resolves.toBe(size);
      expect(await store.head(bucket, `file/${size}`)).toMatchObject({ size });
      expect(sha256(await store.getBuffer(bucket, `file/${size}`))).toBe(sha256(bytes));
    });
  });

  it('fails readiness for a bucket that does not exist', async () => {
    await expect(store.ping('no-such-bucket-here')).rejects.toBeDefined();
  });
});
