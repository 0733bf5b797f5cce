import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { DicomErrorCode, DomainError } from '@imagora/core';
import { bufferSource, scanDicomHeader, type ByteSource, type DicomHeader } from '@imagora/dicom';
import { ProtocolValidatorCache, type ProtocolValidator } from '@imagora/protocols';
import { isLocalEntry, type DatasetEntry } from './dataset-entry';
import { checkDatasetManifest, DATASET_JSON, MAX_MANIFEST_BYTES, type DatasetManifest } from './dataset-manifest';
import { walkDatasetDirectory } from './dataset-walker';
import { DicomChecker } from './dicom-checker';
import { fileByteSource, HeaderTooLargeError } from './file-byte-source';
import { IssueCode } from './issue-codes';
import { IssueCollector } from './issue-collector';
import { scanJsonArray } from './json-array-scan';
import { RecordBatchWriter } from './record-batch';
import { BatchSource, RecordChecker } from './record-checker';
import { NdjsonRecordLines, RecordExtractor } from './record-extractor';
import { readNdjsonRecords, RecordWorker } from './record-worker';
import { ReferenceIndex } from './reference-index';
import { SeverityClassifier, type SeverityConfig } from './severity-config';
import type { ValidationReport } from './validation-report';

export interface ValidationProgress {
  readonly files: number;
  readonly images: number;
  readonly records: number;
  readonly bytes: number;
}

export interface ValidateOptions {
  /** A parsed protocol document (as libs/protocols defines it); linted and compiled through the cache. */
  readonly protocol: unknown;
  /** Share compiled validators across runs (the worker); a private cache otherwise. */
  readonly validatorCache?: ProtocolValidatorCache;
  /** Issues kept in the report; the rest are counted in summary.issuesOmitted. Default 1000. */
  readonly maxIssues?: number;
  readonly config?: SeverityConfig;
  /** NDJSON lines longer than this are ANNOTATION_LINE_TOO_LONG. Default 16 MiB. */
  readonly maxLineBytes?: number;
  /** *.json array files larger than this are ANNOTATION_FILE_TOO_LARGE. Default 64 MiB. */
  readonly maxArrayFileBytes?: number;
  /** Records nested deeper than this are ANNOTATION_TOO_DEEP. Default 64. */
  readonly maxRecordDepth?: number;
  /** DICOM headers (everything before Pixel Data) larger than this are DICOM_HEADER_TOO_LARGE. Default 64 MiB. */
  readonly maxHeaderBytes?: number;
  /** Called after each file; the CLI draws a progress line from it. */
  readonly onProgress?: (progress: ValidationProgress) => void;
  /**
   * NDJSON files of at least this many bytes are parsed and schema-checked in a worker thread (same
   * report, about twice the record throughput on two cores). Default 4 MiB; Infinity keeps every file
   * in the caller's thread.
   */
  readonly recordWorkerMinBytes?: number;
}

export const DEFAULT_MAX_ISSUES = 1000;
const MiB = 1024 * 1024;
// Stream entries no larger than this are read whole (cheaper than re-parsing a growing prefix).
const READ_WHOLE_BYTES = 8 * MiB;
// Below this, starting a worker (loading libraries, compiling the protocol: ~0.2 s) costs more than it saves.
const DEFAULT_RECORD_WORKER_MIN_BYTES = 4 * MiB;
const ARRAY_BATCH_RECORDS = 4096;
const ROOT_DOCUMENTS = /^(README|LICENSE|LICENCE|CHANGES|CHANGELOG|CITATION)(\.[A-Za-z]+)?$/;

type FileKind = 'manifest' | 'dicom' | 'ndjson' | 'json-array' | 'ignored' | 'unexpected';

function classify(path: string): FileKind {
  if (path === DATASET_JSON) return 'manifest';
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name.startsWith('.')) return 'ignored';
  const lower = name.toLowerCase();
  if (path.startsWith('images/')) return 'dicom';
  if (path.startsWith('annotations/')) {
    if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
    if (lower.endsWith('.json')) return 'json-array';
    if (lower.endsWith('.dcm')) return 'dicom';
    return 'unexpected';
  }
  if (lower.endsWith('.dcm')) return 'dicom';
  if (!path.includes('/') && ROOT_DOCUMENTS.test(name)) return 'ignored';
  return 'unexpected';
}

function unsafePath(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return 'is absolute or uses backslashes';
  if (hasBadSegment(path)) return 'has an empty, "." or ".." segment';
  return undefined;
}

// path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'), without
// allocating the segments (this runs once per file).
function hasBadSegment(path: string): boolean {
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const end = slash < 0 ? path.length : slash;
    const length = end - start;
    if (length === 0 || (length <= 2 && path.charCodeAt(start) === 0x2e && (length === 1 || path.charCodeAt(start + 1) === 0x2e))) return true;
    if (slash < 0) return false;
    start = slash + 1;
  }
}

type ScanResult = { readonly header: DicomHeader } | { readonly code: IssueCode; readonly message: string; readonly tag?: string; readonly truncated: boolean };

function tryScan(source: ByteSource): ScanResult {
  try {
    return { header: scanDicomHeader(source) };
  } catch (error) {
    if (error instanceof HeaderTooLargeError) return { code: IssueCode.DICOM_HEADER_TOO_LARGE, message: error.message, truncated: false };
    if (error instanceof DomainError) {
      const code =
        error.code === DicomErrorCode.NOT_DICOM ? IssueCode.DICOM_NOT_DICOM : error.code === DicomErrorCode.TRUNCATED ? IssueCode.DICOM_TRUNCATED : IssueCode.DICOM_MALFORMED;
      const tag = typeof error.details?.tag === 'string' ? error.details.tag.replace(/[(),]/g, '') : undefined;
      return { code, message: error.message, tag, truncated: error.code === DicomErrorCode.TRUNCATED };
    }
    // The parser's own guards failed on absurd input (a RangeError, say): an issue, never a crash.
    return { code: IssueCode.DICOM_MALFORMED, message: `cannot parse: ${(error as Error).message}`, truncated: false };
  }
}

async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One validation run. Holds the UID index and counters only: no image and no record is kept. */
class ValidationRun {
  readonly issues: IssueCollector;
  private readonly index = new ReferenceIndex();
  private readonly records: RecordChecker;
  private readonly extractor: RecordExtractor;
  // Started at the first large NDJSON file; undefined after it failed (the rest stays in this thread).
  private recordWorker?: RecordWorker;
  private recordWorkerTried = false;
  private readonly workerSource = new BatchSource();
  // The in-thread path writes the same batches the worker sends.
  private readonly localBatches = new RecordBatchWriter();
  private readonly localSource = new BatchSource();
  private readonly localLines: NdjsonRecordLines;
  private readonly dicom: DicomChecker;
  private readonly protocolId: string;
  private readonly maxLineBytes: number;
  private readonly maxArrayFileBytes: number;
  private readonly maxRecordDepth: number;
  private readonly maxHeaderBytes: number;
  private readonly started = Date.now();
  private manifest?: DatasetManifest;
  // Entries seen before dataset.json (a stream need not start with it), kept for their checksums.
  private readonly beforeManifest = new Map<string, DatasetEntry>();
  private readonly checksummed = new Set<string>();
  private readonly paths = new Set<string>();
  private files = 0;
  private bytes = 0;
  private annotationFiles = 0;

  constructor(
    private readonly validator: ProtocolValidator,
    private readonly options: ValidateOptions,
  ) {
    this.issues = new IssueCollector(Math.max(0, options.maxIssues ?? DEFAULT_MAX_ISSUES), new SeverityClassifier(options.config));
    this.extractor = new RecordExtractor(validator);
    this.records = new RecordChecker(this.extractor.pointers, this.index, this.issues);
    this.dicom = new DicomChecker(validator.document, this.index, this.issues);
    this.protocolId = `${validator.document.name}@${validator.document.version}`;
    this.maxLineBytes = options.maxLineBytes ?? 16 * MiB;
    this.maxArrayFileBytes = options.maxArrayFileBytes ?? 64 * MiB;
    this.maxRecordDepth = options.maxRecordDepth ?? 64;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * MiB;
    this.localLines = new NdjsonRecordLines(this.extractor, this.maxLineBytes, this.maxRecordDepth, this.localBatches);
  }

  async consume(entries: AsyncIterable<DatasetEntry> | Iterable<DatasetEntry>): Promise<void> {
    try {
      for await (const entry of entries) await this.processSafely(entry);
    } finally {
      await this.recordWorker?.terminate();
    }
  }

  async consumeBatches(batches: AsyncIterable<DatasetEntry[]>): Promise<void> {
    try {
      for await (const batch of batches) for (const entry of batch) await this.processSafely(entry);
    } finally {
      await this.recordWorker?.terminate();
    }
  }

  private async processSafely(entry: DatasetEntry): Promise<void> {
    try {
      await this.process(entry);
    } catch (error) {
      // An I/O failure (a file removed mid-run, a stream that errors) is the file's issue, not the run's end.
      this.issues.add({ code: IssueCode.FILE_UNREADABLE, file: String(entry.path), message: `cannot read: ${(error as Error).message}` });
    }
    this.options.onProgress?.({ files: this.files, images: this.dicom.images, records: this.records.records, bytes: this.bytes });
  }

  private async process(entry: DatasetEntry): Promise<void> {
    const path = entry.path;
    const problem = unsafePath(path);
    if (problem) {
      this.issues.add({ code: IssueCode.FILE_PATH_UNSAFE, file: path.replace(/\0/g, '\\0'), message: `entry path ${problem}; skipped` });
      return;
    }
    const seen = this.paths.size;
    this.paths.add(path);
    if (this.paths.size === seen) {
      this.issues.add({ code: IssueCode.FILE_DUPLICATE_PATH, file: path, message: 'a second entry with this path; skipped' });
      return;
    }
    this.files++;
    this.bytes += Math.max(0, entry.size);
    const kind = classify(path);
    if (kind === 'manifest') return this.readManifest(entry);
    if (!this.manifest) this.beforeManifest.set(path, entry);
    const listedHash = this.manifest?.files.get(path);
    let hash: Hash | undefined;
    switch (kind) {
      case 'dicom':
        await this.readDicom(entry);
        break;
      case 'ndjson':
        hash = listedHash === undefined ? undefined : createHash('sha256');
        await this.readNdjson(entry, hash);
        break;
      case 'json-array':
        await this.readJsonArray(entry);
        break;
      case 'unexpected':
        this.issues.add({ code: IssueCode.FILE_UNEXPECTED, file: path, message: 'not part of the dataset layout (dataset.json, images/**, annotations/*.ndjson|*.json|*.dcm); ignored' });
        break;
      case 'ignored':
        break;
    }
    if (listedHash !== undefined) await this.verifyChecksum(entry, listedHash, hash?.digest('hex'));
  }

  private async verifyChecksum(entry: DatasetEntry, expected: string, computed?: string): Promise<void> {
    this.checksummed.add(entry.path);
    const actual = computed ?? (await sha256Of(entry.open()));
    if (actual !== expected) {
      this.issues.add({ code: IssueCode.CHECKSUM_MISMATCH, file: entry.path, message: `sha256 is ${actual}, dataset.json lists ${expected}` });
    }
  }

  private async readManifest(entry: DatasetEntry): Promise<void> {
    if (entry.size > MAX_MANIFEST_BYTES) {
      this.issues.add({ code: IssueCode.DATASET_JSON_INVALID, file: DATASET_JSON, message: `dataset.json is ${entry.size} bytes; the limit is ${MAX_MANIFEST_BYTES}` });
      this.manifest = { files: new Map() };
    } else {
      const bytes = await readBounded(entry, MAX_MANIFEST_BYTES);
      if (!bytes) {
        this.issues.add({ code: IssueCode.DATASET_JSON_INVALID, file: DATASET_JSON, message: `dataset.json is larger than ${MAX_MANIFEST_BYTES} bytes` });
        this.manifest = { files: new Map() };
      } else this.manifest = checkDatasetManifest(bytes, this.issues, this.protocolId);
    }
    // Files that streamed past before the manifest: checksum them now, by opening them again.
    for (const [path, seen] of this.beforeManifest) {
      const expected = this.manifest.files.get(path);
      if (expected !== undefined) await this.verifyChecksum(seen, expected);
    }
    this.beforeManifest.clear();
  }

  private async readDicom(entry: DatasetEntry): Promise<void> {
    const fileId = this.index.fileId(entry.path);
    const result = isLocalEntry(entry) ? this.scanLocal(entry.absolutePath, entry.size) : await this.scanStream(entry);
    if ('header' in result) this.dicom.check(result.header, entry.path, fileId);
    else this.issues.add({ code: result.code, file: entry.path, tag: result.tag, message: result.message });
  }

  private scanLocal(absolutePath: string, size: number): ScanResult {
    const fd = openSync(absolutePath, 'r');
    try {
      // The walker's stat gives the size; a file that shrank since reads short and is reported truncated.
      return tryScan(fileByteSource(fd, size, this.maxHeaderBytes));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * A streamed entry is read whole when small; otherwise a growing prefix is parsed until the scan
   * stops at Pixel Data or the header is complete, and the rest of the stream is never read.
   */
  private async scanStream(entry: DatasetEntry): Promise<ScanResult> {
    const stream = entry.open();
    const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const chunks: Buffer[] = [];
    let length = 0;
    let ended = false;
    let target = entry.size <= READ_WHOLE_BYTES ? Number.POSITIVE_INFINITY : MiB;
    try {
      for (;;) {
        while (!ended && length < target && length <= this.maxHeaderBytes) {
          const next = await iterator.next();
          if (next.done) ended = true;
          else {
            const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
            chunks.push(chunk);
            length += chunk.length;
          }
        }
        if (!ended && length > this.maxHeaderBytes) {
          return { code: IssueCode.DICOM_HEADER_TOO_LARGE, message: `no Pixel Data within the first ${this.maxHeaderBytes} bytes`, truncated: false };
        }
        const buffer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        chunks.length = 0;
        chunks.push(buffer);
        const result = tryScan(bufferSource(buffer));
        // A prefix may end at an element boundary and parse "cleanly": only a stop at Pixel Data or
        // the real end of the stream makes the header complete.
        const complete = 'header' in result ? result.header.file.stoppedAtPixelData || ended : !result.truncated || ended;
        if (complete) return result;
        target = length * 2;
      }
    } finally {
      await iterator.return?.();
      stream.destroy();
    }
  }

  private async readNdjson(entry: DatasetEntry, hash: Hash | undefined): Promise<void> {
    this.annotationFiles++;
    const file = entry.path;
    const fileId = this.index.fileId(file);
    const onChunk = hash && ((chunk: Buffer) => hash.update(chunk));
    const records = await readNdjsonRecords(
      entry.open(),
      this.maxLineBytes,
      this.localLines,
      await this.usableRecordWorker(entry.size),
      (batch, byWorker) => this.records.applyBatch(batch, byWorker ? this.workerSource : this.localSource, file, fileId),
      onChunk,
    );
    if (records === 0) this.issues.add({ code: IssueCode.ANNOTATION_EMPTY_FILE, file, message: 'no annotation record in this file' });
  }

  private applyLocalBatch(file: string, fileId: number): void {
    if (this.localBatches.size > 0) this.records.applyBatch(this.localBatches.take(), this.localSource, file, fileId);
  }

  /**
   * The record worker for a file of this size: started at the first large NDJSON file; one that failed (it
   * never fails on input: that is issues) or could not start is dropped, and the rest stays in this thread.
   */
  private async usableRecordWorker(size: number): Promise<RecordWorker | undefined> {
    if (this.recordWorker?.failed) this.dropRecordWorker();
    if (!this.recordWorker && !this.recordWorkerTried && size >= (this.options.recordWorkerMinBytes ?? DEFAULT_RECORD_WORKER_MIN_BYTES)) {
      this.recordWorkerTried = true;
      this.recordWorker = RecordWorker.start({ protocol: this.validator.document, maxLineBytes: this.maxLineBytes, maxRecordDepth: this.maxRecordDepth });
    }
    if (this.recordWorker && !(await this.recordWorker.started())) this.dropRecordWorker();
    return this.recordWorker;
  }

  private dropRecordWorker(): void {
    void this.recordWorker?.terminate();
    this.recordWorker = undefined;
  }

  private async readJsonArray(entry: DatasetEntry): Promise<void> {
    this.annotationFiles++;
    const file = entry.path;
    const fileId = this.index.fileId(file);
    const tooLarge = () =>
      this.issues.add({ code: IssueCode.ANNOTATION_FILE_TOO_LARGE, file, message: `${file} is larger than ${this.maxArrayFileBytes} bytes; use NDJSON for large files` });
    if (entry.size > this.maxArrayFileBytes) return tooLarge();
    const bytes = await readBounded(entry, this.maxArrayFileBytes);
    if (!bytes) return tooLarge();
    if (!isUtf8(bytes)) {
      this.issues.add({ code: IssueCode.ANNOTATION_INVALID_UTF8, file, message: 'file is not valid UTF-8' });
      return;
    }
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const scan = scanJsonArray(text, this.maxRecordDepth);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.issues.add({ code: IssueCode.ANNOTATION_JSON_SYNTAX, file, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    if (!Array.isArray(value)) {
      this.issues.add({ code: IssueCode.ANNOTATION_NOT_ARRAY, file, line: 1, message: 'a *.json annotation file must be an array of records' });
      return;
    }
    if (value.length === 0) this.issues.add({ code: IssueCode.ANNOTATION_EMPTY_FILE, file, message: 'no annotation record in this file' });
    for (let index = 0; index < value.length; index++) {
      const line = scan.lines[index] ?? 1;
      if (scan.tooDeep.has(index)) {
        // Through the batch, so it is reported in record order with the issues of the records around it.
        this.localBatches.lineIssue({ code: IssueCode.ANNOTATION_TOO_DEEP, line, pointer: '', message: `record ${index} nests deeper than ${this.maxRecordDepth} levels; not validated` });
        continue;
      }
      this.extractor.extract(value[index], line, this.localBatches);
      if (this.localBatches.size >= ARRAY_BATCH_RECORDS) this.applyLocalBatch(file, fileId);
    }
    this.applyLocalBatch(file, fileId);
  }

  finish(): ValidationReport {
    if (!this.manifest) this.issues.add({ code: IssueCode.DATASET_JSON_MISSING, file: DATASET_JSON, message: 'the dataset has no dataset.json at its root' });
    for (const [path] of this.manifest?.files ?? []) {
      if (!this.checksummed.has(path)) {
        this.issues.add({ code: IssueCode.CHECKSUM_FILE_MISSING, file: path, message: 'dataset.json lists this file with a sha256 but it is not in the dataset' });
      }
    }
    // References whose target had not been read when they were: resolve them now that every file was.
    for (const pending of this.index.pendingRecords()) this.records.resolve(pending, this.index.filePath(pending.file));
    for (const { uid, file } of this.index.pendingObjectReferences()) {
      if (!this.index.instance(uid)) {
        this.issues.add({ code: IssueCode.DICOM_REFERENCE_UNRESOLVED, file: this.index.filePath(file), tag: '00081155', message: `references SOP Instance UID ${uid}, which is not in the dataset` });
      }
    }
    if (this.dicom.images === 0) this.issues.add({ code: IssueCode.DATASET_NO_IMAGES, file: '', message: 'no readable DICOM image in the dataset' });
    if (this.records.records === 0 && this.dicom.annotationObjects === 0) {
      this.issues.add({ code: IssueCode.DATASET_NO_ANNOTATIONS, file: '', message: 'no annotation record and no DICOM annotation object in the dataset' });
    }
    const issues = this.issues;
    return {
      protocol: this.protocolId,
      valid: issues.errors === 0,
      summary: {
        files: this.files,
        bytes: this.bytes,
        images: this.dicom.images,
        annotationObjects: this.dicom.annotationObjects,
        annotationFiles: this.annotationFiles,
        records: this.records.records,
        errors: issues.errors,
        warnings: issues.warnings,
        infos: issues.infos,
        issuesOmitted: issues.omitted,
        issuesByCode: { ...issues.byCode },
        modalities: this.dicom.modalities.toJSON(),
        sopClasses: this.dicom.sopClasses.toJSON(),
        labels: this.records.labels.toJSON(),
        readers: this.records.readers.toJSON(),
        durationMs: Date.now() - this.started,
      },
      issues: issues.issues,
    };
  }
}

/** Reads a whole entry, or undefined when it is longer than maxBytes (whatever its declared size). */
async function readBounded(entry: DatasetEntry, maxBytes: number): Promise<Buffer | undefined> {
  if (isLocalEntry(entry)) {
    const bytes = await readFile(entry.absolutePath);
    return bytes.length > maxBytes ? undefined : bytes;
  }
  const stream = entry.open();
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      length += buffer.length;
      if (length > maxBytes) return undefined;
      chunks.push(buffer);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

function compile(options: ValidateOptions): ProtocolValidator {
  // Throws DomainError (ProtocolErrorCode) for a protocol that does not lint: that is the caller's
  // input error, not an issue of the dataset.
  return (options.validatorCache ?? new ProtocolValidatorCache({ maxEntries: 1 })).get(options.protocol);
}

/** Validates a stream of entries (an upload, an archive, an object listing) against a protocol version. */
export async function validateDatasetEntries(entries: AsyncIterable<DatasetEntry> | Iterable<DatasetEntry>, options: ValidateOptions): Promise<ValidationReport> {
  const run = new ValidationRun(compile(options), options);
  await run.consume(entries);
  return run.finish();
}

/** Validates a dataset folder (DESIGN.md, "A contributed dataset on disk") against a protocol version. */
export async function validateDatasetDirectory(root: string, options: ValidateOptions): Promise<ValidationReport> {
  const run = new ValidationRun(compile(options), options);
  await run.consumeBatches(walkDatasetDirectory(root, run.issues));
  return run.finish();
}
