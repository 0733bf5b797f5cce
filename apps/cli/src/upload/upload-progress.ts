import { MultiBar, Presets, SingleBar } from 'cli-progress';

// Two bars on a terminal (files; bytes with throughput and ETA), nothing when stderr is a pipe or a file:
// logs and CI output stay clean, and `--json` on stdout is never interleaved with bar redraws.

export interface UploadProgress {
  start(totalFiles: number, totalBytes: number, doneFiles: number, doneBytes: number): void;
  bytes(count: number): void;
  file(): void;
  /** A line above the bars (or plain on stderr). */
  log(line: string): void;
  stop(): void;
}

export function megabytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

class TerminalProgress implements UploadProgress {
  private readonly multi = new MultiBar(
    { stream: process.stderr, hideCursor: true, clearOnComplete: false, fps: 5, format: ' {label} [{bar}] {percentage}% | {shown} | {speed} | ETA {eta_formatted}' },
    Presets.shades_classic,
  );
  private filesBar: SingleBar | undefined;
  private bytesBar: SingleBar | undefined;
  private files = 0;
  private totalFiles = 0;
  private sent = 0;
  private totalBytes = 0;
  private readonly started = Date.now();
  private startBytes = 0;

  start(totalFiles: number, totalBytes: number, doneFiles: number, doneBytes: number): void {
    this.files = doneFiles;
    this.totalFiles = totalFiles;
    this.sent = doneBytes;
    this.startBytes = doneBytes;
    this.totalBytes = totalBytes;
    this.filesBar = this.multi.create(totalFiles, doneFiles, { label: 'files', shown: `${doneFiles}/${totalFiles}`, speed: '' });
    this.bytesBar = this.multi.create(Math.max(totalBytes, 1), doneBytes, { label: 'bytes', shown: `${megabytes(doneBytes)}/${megabytes(totalBytes)}`, speed: '' });
  }

  bytes(count: number): void {
    this.sent += count;
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    this.bytesBar?.update(this.sent, { shown: `${megabytes(this.sent)}/${megabytes(this.totalBytes)}`, speed: `${((this.sent - this.startBytes) / 1e6 / seconds).toFixed(1)} MB/s` });
  }

  file(): void {
    this.files++;
    this.filesBar?.update(this.files, { shown: `${this.files}/${this.totalFiles}` });
  }

  log(line: string): void {
    // Above the bars while they run; before the first bar and after stop() MultiBar would only buffer it.
    if (this.multi.isActive) this.multi.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  }

  stop(): void {
    if (this.multi.isActive) this.multi.stop();
  }
}

class QuietProgress implements UploadProgress {
  start(): void {}
  bytes(): void {}
  file(): void {}
  log(line: string): void {
    process.stderr.write(`${line}\n`);
  }
  stop(): void {}
}

export function createUploadProgress(): UploadProgress {
  return process.stderr.isTTY ? new TerminalProgress() : new QuietProgress();
}
