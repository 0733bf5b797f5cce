import { createHash, Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { FileHandle, lstat, open, rename, rm } from 'node:fs/promises';
import { ManifestFile, PARTIAL_SUFFIX } from './manifest';

// One file of a manifest: stream it from its presigned URL into <target>.partial, hashing as it arrives,
// continue a .partial left by an interrupted run with an HTTP Range request, verify size and sha256, then rename.

/** The object store refused the URL itself (expired or bad signature: 403 / 400): get a fresh manifest. */
export class UrlRefusedError extends Error {}

/** No byte for this long means a stalled connection: abort and retry. */
const IDLE_MS = 60_000;

/** Bytes received but not yet on disk above which reading waits for the disk. */
const MAX_UNWRITTEN = 1 << 20;

/**
 * Writes chunks to a file as they arrive, one write in flight at a time: the chunks that arrive meanwhile go
 * together in the next writev. No stream in between: per chunk, a push; per write, one call to the thread pool.
 */
class ChunkWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private inflight: Promise<void> | undefined;
  private failure: unknown;
  written = 0;

  constructor(private readonly handle: FileHandle) {}

  /** Queues `chunk`; waits for the disk only when too much is queued. */
  async push(chunk: Uint8Array): Promise<void> {
    this.check();
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.inflight ??= this.drain();
    if (this.pendingBytes >= MAX_UNWRITTEN) await this.inflight;
  }

  /** Every queued chunk on disk (or the write's error). */
  async flush(): Promise<void> {
    while (this.inflight) await this.inflight;
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        let batch = this.pending;
        let size = this.pendingBytes;
        this.pending = [];
        this.pendingBytes = 0;
        // writev may write less than asked (rarely, for a regular file): write the rest.
        for (;;) {
          const { bytesWritten } = await this.handle.writev(batch);
          this.written += bytesWritten;
          if (bytesWritten >= size) break;
          batch = remainder(batch, bytesWritten);
          size -= bytesWritten;
        }
      }
    } catch (error) {
      this.failure = error;
    } finally {
      this.inflight = undefined;
    }
  }
}

/** `chunks` without their first `skip` bytes. */
function remainder(chunks: Uint8Array[], skip: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (skip >= chunk.length) skip -= chunk.length;
    else {
      rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
      skip = 0;
    }
  }
  return rest;
}

export async function sha256OfFile(path: string, hash: Hash = createHash('sha256')): Promise<Hash> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash;
}

/** What `target` holds: exactly the file (same size and, hashed, the same sha256), something else, or nothing. */
export async function localCopy(target: string, file: Pick<ManifestFile, 'size' | 'sha256'>): Promise<'verified' | 'different' | 'absent'> {
  const info = await lstat(target).catch(() => undefined);
  if (!info) return 'absent';
  if (!info.isFile() || info.size !== file.size) return 'different';
  return (await sha256OfFile(target)).digest('hex') === file.sha256 ? 'verified' : 'different';
}


export interface FetchOutcome {
  /** Bytes of a .partial of an earlier run that were kept (continued with a Range request, or already complete). */
  resumedFrom: number;
  /** Bytes received over the network in this call. */
  received: number;
}

/**
 * Downloads `file` from `url` to `target`. `onBytes` follows progress (negative when a restart discards bytes).
 * Throws UrlRefusedError for 400/403 from the store, and any other error for a failure worth retrying.
 */
export async function fetchFile(file: ManifestFile, url: string, target: string, onBytes: (delta: number) => void): Promise<FetchOutcome> {
  // A failed call takes its progress back: the next attempt counts again what it re-reads or receives.
  let counted = 0;
  try {
    return await fetchInto(file, url, target, (delta) => {
      counted += delta;
      onBytes(delta);
    });
  } catch (error) {
    onBytes(-counted);
    throw error;
  }
}

async function fetchInto(file: ManifestFile, url: string, target: string, onBytes: (delta: number) => void): Promise<FetchOutcome> {
  const partial = target + PARTIAL_SUFFIX;
  let hash = createHash('sha256');
  let offset = 0;
  const existing = await lstat(partial).catch(() => undefined);
  if (existing && (!existing.isFile() || existing.size > file.size)) await rm(partial, { force: true, recursive: false });
  else if (existing && existing.size > 0) {
    await sha256OfFile(partial, hash);
    offset = existing.size;
    onBytes(offset);
  }
  const restart = async () => {
    onBytes(-offset);
    offset = 0;
    hash = createHash('sha256');
    await rm(partial, { force: true });
  };

  if (offset === file.size) {
    // An earlier run received every byte but stopped before the rename.
    if (hash.copy().digest('hex') === file.sha256) {
      await rename(partial, target);
      return { resumedFrom: offset, received: 0 };
    }
    await restart();
  }

  const abort = new AbortController();
  // Re-armed with refresh() on every chunk: cheaper than a new timer per chunk.
  const idle = setTimeout(() => abort.abort(new Error(`no data for ${IDLE_MS / 1000} s`)), IDLE_MS);
  try {
    let response = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, signal: abort.signal });
    if (offset > 0 && response.status === 416) {
      await response.body?.cancel();
      await restart();
      response = await fetch(url, { signal: abort.signal });
    }
    if (response.status === 403 || response.status === 400) {
      await response.body?.cancel();
      throw new UrlRefusedError(`the store refused the URL (HTTP ${response.status})`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} from the store`);
    }
    let append = false;
    if (offset > 0) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
      if (response.status === 206 && range && Number(range[1]) === offset) append = true;
      else {
        // A 200 is the whole file (the store ignores ranges): start over with it. Any other range: start over next time.
        await restart();
        if (response.status === 206) {
          await response.body.cancel();
          throw new Error(`the store answered a different range (${response.headers.get('content-range')})`);
        }
      }
    }
    let received = 0;
    const running = hash;
    const handle = await open(partial, append ? 'a' : 'w');
    const writer = new ChunkWriter(handle);
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        idle.refresh();
        running.update(chunk);
        received += chunk.length;
        onBytes(chunk.length);
        await writer.push(chunk);
      }
      await writer.flush();
    } catch (error) {
      // Keep what arrived: the next attempt continues from it, and its hash check catches any damage.
      await writer.flush().catch(() => undefined);
      throw new Error(`transfer interrupted: ${(error as Error).message}`);
    } finally {
      await handle.close();
    }
    const size = (append ? offset : 0) + writer.written;
    const digest = running.digest('hex');
    if (size !== file.size || digest !== file.sha256) {
      await rm(partial, { force: true });
      throw new Error(size !== file.size ? `size mismatch: got ${size} bytes, the manifest says ${file.size}` : `sha256 mismatch: got ${digest}, the manifest says ${file.sha256}`);
    }
    await rename(partial, target);
    return { resumedFrom: append ? offset : 0, received };
  } finally {
    clearTimeout(idle);
  }
}
