import { Manifest } from './manifest';
import { ManifestSource } from './manifest-source';

function fakeHub(expiresInSeconds = 900) {
  let fetches = 0;
  const fetchManifest = async (): Promise<Manifest> => {
    fetches++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { cohort: 'c', expiresInSeconds, files: [{ path: 'a/v1/x', sha256: 'a'.repeat(64), size: 1, mediaType: 'x', dataset: 'a', version: 1, url: `http://store/x?generation=${fetches}` }] };
  };
  return { fetchManifest, fetches: () => fetches };
}

describe(ManifestSource.name, () => {
  it('fetches the manifest again before handing out a URL that is about to expire', async () => {
    const hub = fakeHub(900);
    let now = 1_000_000;
    const source = new ManifestSource(hub.fetchManifest, () => now);
    await source.load();
    expect((await source.entry('a/v1/x')).file?.url).toContain('generation=1');
    now += 839_000;
    expect((await source.entry('a/v1/x')).file?.url).toContain('generation=1');
    now += 1_000;
    expect((await source.entry('a/v1/x')).file?.url).toContain('generation=2');
    expect(source.fetchCount).toBe(2);
  });

  it('fetches once when many downloads report the same refused URL', async () => {
    const hub = fakeHub();
    const source = new ManifestSource(hub.fetchManifest);
    const { generation } = await source.entry('a/v1/x');
    await Promise.all(Array.from({ length: 8 }, () => source.refused(generation)));
    // A late report about the old generation does not fetch again either.
    await source.refused(generation);
    expect(hub.fetches()).toBe(2);
    expect((await source.entry('a/v1/x')).generation).toBe(generation + 1);
  });

  it('lets a failed refresh be tried again', async () => {
    let fail = true;
    const hub = fakeHub();
    const source = new ManifestSource(async () => {
      if (fail) throw new Error('hub down');
      return hub.fetchManifest();
    });
    await expect(source.load()).rejects.toThrow('hub down');
    fail = false;
    expect((await source.load()).files).toHaveLength(1);
  });
});
