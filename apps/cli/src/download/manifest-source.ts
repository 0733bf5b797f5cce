import { Manifest, ManifestFile, manifestIsStale } from './manifest';

/**
 * The current manifest of a download, re-fetched when its URLs are about to expire (proactively) or when the
 * object store refused one (reactively). Concurrent callers share one fetch; `generation` tells a caller whether
 * the URL it got refused has already been replaced by someone else's refresh.
 */
export class ManifestSource {
  private current: { manifest: Manifest; fetchedAt: number; byPath: Map<string, ManifestFile>; generation: number } | undefined;
  private inflight: Promise<void> | undefined;
  private fetches = 0;

  constructor(
    private readonly fetchManifest: () => Promise<Manifest>,
    private readonly now: () => number = Date.now,
  ) {}

  /** How many times the manifest was fetched (the first time included). */
  get fetchCount(): number {
    return this.fetches;
  }

  async load(): Promise<Manifest> {
    if (!this.current) await this.refresh();
    return this.current!.manifest;
  }

  /** The file's entry (its URL fresh enough to use now) and the generation of the manifest it came from. */
  async entry(path: string): Promise<{ file: ManifestFile | undefined; generation: number }> {
    if (!this.current || manifestIsStale(this.current.fetchedAt, this.current.manifest.expiresInSeconds, this.now())) await this.refresh();
    const current = this.current!;
    return { file: current.byPath.get(path), generation: current.generation };
  }

  /** Called after the store refused a URL of `generation`: fetches a new manifest unless one already replaced it. */
  async refused(generation: number): Promise<void> {
    if (this.current && this.current.generation > generation) return;
    await this.refresh();
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        this.fetches++;
        const manifest = await this.fetchManifest();
        const generation = (this.current?.generation ?? 0) + 1;
        this.current = { manifest, fetchedAt: this.now(), byPath: new Map(manifest.files.map((f) => [f.path, f])), generation };
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}
