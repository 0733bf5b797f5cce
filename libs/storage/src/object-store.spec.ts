import { randomBytes } from 'node:crypto';
import { ObjectStore } from './object-store';

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

  it('fails readiness for a bucket that does not exist', async () => {
    await expect(store.ping('no-such-bucket-here')).rejects.toBeDefined();
  });
});
