import { createReadStream, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { DatasetEntry, ValidationReport } from '@imagora/validation';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from '../exit-codes';
import { CliError, HubClient, readCredentials, resolveHub } from '../hub-client';
import { LocalFile, forEachConcurrently, listDatasetFiles, sha256File } from './dataset-files';
import { UploadProgress, createUploadProgress, megabytes } from './upload-progress';
import { FileState, STATE_DIR, StateStore, newState, readState, stateFileFor } from './upload-state';

// `imagora upload DIR`: validate locally → (de-identify locally) → create a submission → register files
// (≤ 1000 per request) → upload them, N at a time (small ones streamed through the hub, larger ones as presigned
// multipart parts straight to the quarantine bucket) → finalize → (--wait) follow it to review. Every step can be
// interrupted: the next run reads DIR/.imagora/upload-<host>.json and the hub's file list, and continues.

export interface UploadCommandOptions {
  hub?: string;
  dataset?: string;
  protocol?: string;
  deidLocal?: boolean;
  keyFile?: string;
  concurrency: number;
  wait?: boolean;
  force?: boolean;
  json?: boolean;
  restart?: boolean;
}

/** Files up to this size go through the hub in one streamed PUT; larger ones as presigned multipart parts. */
export const DIRECT_UPLOAD_MAX_BYTES = 8 * 1024 * 1024;
const REGISTER_BATCH = 1000;
const LIST_PAGE = 1000;
const ATTEMPTS = 4;
const WAIT_POLL_MS = 500;

const PROTOCOL_REF = /^([a-z0-9][a-z0-9-]*)@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;
const DATASET_REF = /^([^/\s]+)\/([^/\s]+)$/;

interface RemoteFile {
  id: string;
  path: string;
  size: number;
  sha256: string;
  state: 'registered' | 'uploading' | 'stored';
}

interface SubmissionView {
  id: string;
  state: string;
  failureReason: string | null;
  validationReport: ValidationReport | null;
  deidReport: Record<string, any> | null;
}

type UploadFile = LocalFile & { sha256: string; source?: { size: number; mtimeMs: number } };

export interface UploadSummary {
  submissionId: string;
  hub: string;
  dataset: string;
  protocol: string;
  deidLocal: boolean;
  resumed: boolean;
  files: number;
  bytes: number;
  registered: number;
  alreadyStored: number;
  uploaded: number;
  partsReused: number;
  notUploaded: Array<{ path: string; reason: string }>;
  validation: { valid: boolean; errors: number; warnings: number; forced: boolean };
  state: string;
  failureReason?: string | null;
}

function readManifest(root: string): { protocol?: unknown; dataset?: unknown } {
  let text: string;
  try {
    text = readFileSync(join(root, 'dataset.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    // The validator reports it (DATASET_JSON_INVALID); here it only cannot supply defaults.
    return {};
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

class TransientError extends Error {}

/** Retries network failures and 5xx answers with backoff; anything else is final. */
async function withRetries<T>(what: string, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const transient = error instanceof TransientError || (error instanceof TypeError && /fetch failed/.test(error.message));
      if (!transient) throw error;
      if (tries >= ATTEMPTS) {
        const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        throw new CliError(`${what}: ${cause} (after ${ATTEMPTS} attempts)`);
      }
      await sleep(500 * 2 ** (tries - 1));
    }
  }
}

async function hubError(response: Response, what: string): Promise<CliError | TransientError> {
  const text = await response.text();
  if (response.status >= 500) return new TransientError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  let error: { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
  try {
    error = JSON.parse(text)?.error;
  } catch {
    error = undefined;
  }
  const message = error?.code ? `${error.code}: ${error.message}` : `HTTP ${response.status}`;
  return new CliError(`${what}: ${message}`, response.status === 409 || response.status === 422 ? EXIT_PROBLEMS : EXIT_USAGE, { ...error?.details, status: response.status, code: error?.code });
}

async function readPart(fd: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fd.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) throw new CliError(`file shrank while it was uploaded (${position + done} of ${position + length} bytes): start over with --restart`);
    done += bytesRead;
  }
  return buffer;
}

class Uploader {
  partsReused = 0;

  constructor(
    private readonly client: HubClient,
    private readonly token: string,
    private readonly submissionId: string,
    private readonly store: StateStore,
    private readonly progress: UploadProgress,
  ) {}

  private filePath(fileId: string, suffix: string): string {
    return `/api/v1/submissions/${this.submissionId}/files/${fileId}/${suffix}`;
  }

  async upload(file: UploadFile, entry: FileState): Promise<void> {
    if (file.size <= DIRECT_UPLOAD_MAX_BYTES) await this.putContent(file, entry.fileId!);
    else await this.multipart(file, entry);
    entry.uploaded = true;
    delete entry.multipart;
    this.store.save();
    this.progress.file();
  }

  /** A small file streamed through the hub, which hashes what it stored. */
  private async putContent(file: UploadFile, fileId: string): Promise<void> {
    await withRetries(`upload of ${file.path}`, async () => {
      const response = await fetch(`${this.client.hub}${this.filePath(fileId, 'content')}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream', 'content-length': String(file.size) },
        body: Readable.toWeb(createReadStream(file.absolute)) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (!response.ok) {
        const error = await hubError(response, `upload of ${file.path}`);
        // Stored by an attempt whose answer was lost: done.
        if (error instanceof CliError && error.details?.state === 'stored') return;
        throw error;
      }
      await response.arrayBuffer();
    });
    this.progress.bytes(file.size);
  }

  private async startMultipart(entry: FileState) {
    const started = await this.client.call<{ uploadId: string; partSize: number; parts: Array<{ partNumber: number; url: string }>; uploadedParts: number[] }>(
      'POST',
      this.filePath(entry.fileId!, 'multipart'),
    );
    if (!entry.multipart || entry.multipart.uploadId !== started.uploadId || entry.multipart.partSize !== started.partSize) {
      // A new upload (or the hub aborted the old one): ETags of another upload are worthless.
      entry.multipart = { uploadId: started.uploadId, partSize: started.partSize, etags: {} };
      this.store.saveNow();
    }
    return started;
  }

  /** Presigned part URLs straight to the quarantine bucket; each part read with a positioned read. */
  private async multipart(file: UploadFile, entry: FileState): Promise<void> {
    let started = await this.startMultipart(entry);
    const { partSize } = started;
    const partCount = Math.max(1, Math.ceil(file.size / partSize));
    const lengthOf = (partNumber: number) => Math.min(partSize, file.size - (partNumber - 1) * partSize);
    const needed = new Set(started.parts.map((p) => p.partNumber));
    for (let partNumber = 1; partNumber <= partCount; partNumber++) {
      // Listed by the store, or sent by an earlier run (its ETag kept): not sent again.
      if (!needed.has(partNumber) || entry.multipart!.etags[partNumber]) {
        this.partsReused++;
        this.progress.bytes(lengthOf(partNumber));
      }
    }
    const fd = await open(file.absolute, 'r');
    try {
      for (const part of [...started.parts].sort((a, b) => a.partNumber - b.partNumber)) {
        if (entry.multipart!.etags[part.partNumber]) continue;
        const length = lengthOf(part.partNumber);
        const body = await readPart(fd, (part.partNumber - 1) * partSize, length);
        let url = part.url;
        const etag = await withRetries(`part ${part.partNumber} of ${file.path}`, async () => {
          const response = await fetch(url, { method: 'PUT', body });
          if (response.status === 403) {
            // Part URLs expire: ask for fresh ones (same upload) and try again.
            await response.arrayBuffer();
            started = await this.startMultipart(entry);
            url = started.parts.find((p) => p.partNumber === part.partNumber)?.url ?? url;
            throw new TransientError('part URL refused (expired?)');
          }
          if (!response.ok) {
            const text = await response.text();
            if (response.status >= 500) throw new TransientError(`HTTP ${response.status}`);
            throw new CliError(`part ${part.partNumber} of ${file.path}: the object store answered HTTP ${response.status}: ${text.slice(0, 200)}`);
          }
          await response.arrayBuffer();
          const value = response.headers.get('etag');
          if (!value) throw new CliError(`part ${part.partNumber} of ${file.path}: the object store sent no ETag (a proxy or CORS rule hiding it?)`);
          return value;
        });
        entry.multipart!.etags[part.partNumber] = etag;
        // A part is 8 MiB or more of work: kept on disk at once.
        this.store.saveNow();
        this.progress.bytes(length);
      }
    } finally {
      await fd.close();
    }
    const parts = Object.entries(entry.multipart!.etags)
      .map(([partNumber, etag]) => ({ partNumber: Number(partNumber), etag }))
      .sort((a, b) => a.partNumber - b.partNumber);
    await this.client.call('POST', this.filePath(entry.fileId!, 'complete'), { parts });
  }
}

function validationEntries(files: readonly LocalFile[]): DatasetEntry[] {
  // `absolutePath` lets the validator read DICOM headers with positioned reads instead of a stream.
  return files.map((file) => ({ path: file.path, size: file.size, absolutePath: file.absolute, open: () => createReadStream(file.absolute, { highWaterMark: 1 << 20 }) }));
}

async function listRemoteFiles(client: HubClient, submissionId: string): Promise<Map<string, RemoteFile>> {
  const remote = new Map<string, RemoteFile>();
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(LIST_PAGE), ...(after === undefined ? {} : { after }) });
    const page = await client.call<RemoteFile[]>('GET', `/api/v1/submissions/${submissionId}/files?${query}`);
    for (const file of page) remote.set(file.path, file);
    if (page.length < LIST_PAGE) return remote;
    after = page[page.length - 1].path;
  }
}

/** Polls the submission until review (0) or a dead end (1), printing each state it passes. */
export async function followSubmission(client: HubClient, id: string, log: (line: string) => void): Promise<{ code: number; submission: SubmissionView }> {
  let last = '';
  for (;;) {
    const submission = await client.call<SubmissionView>('GET', `/api/v1/submissions/${id}`);
    if (submission.state !== last) log(`submission ${id}: ${submission.state}`);
    last = submission.state;
    if (['awaiting-review', 'approved', 'publishing', 'released'].includes(submission.state)) return { code: EXIT_OK, submission };
    if (['invalid', 'failed', 'rejected'].includes(submission.state)) return { code: EXIT_PROBLEMS, submission };
    await sleep(WAIT_POLL_MS);
  }
}

async function hubCall<T>(client: HubClient, method: string, path: string, body?: unknown, anonymous = false): Promise<T> {
  try {
    return await client.call<T>(method, path, body, { anonymous });
  } catch (error) {
    // An answer without the hub's error envelope: not an Imagora hub at that URL (or not this API version).
    if (error instanceof CliError && /^HTTP \d+ from /.test(error.message)) throw new CliError(`${client.hub} does not answer like an Imagora hub (${error.message}): check --hub`);
    throw error;
  }
}

export async function runUpload(dir: string, options: UploadCommandOptions): Promise<number> {
  const root = resolve(dir);
  try {
    if (!statSync(root).isDirectory()) throw new CliError(`${dir} is not a folder`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read dataset folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (options.deidLocal && !options.keyFile) throw new CliError('--deid-local needs --key-file F (the institution’s own de-identification key)');
  if (!options.deidLocal && options.keyFile) throw new CliError('--key-file is only used with --deid-local');
  const manifest = readManifest(root);
  const protocolRef = options.protocol ?? (typeof manifest.protocol === 'string' ? manifest.protocol : undefined);
  if (!protocolRef) throw new CliError(`no protocol: pass --protocol NAME@VERSION or set "protocol" in ${join(dir, 'dataset.json')}`);
  const protocolMatch = PROTOCOL_REF.exec(protocolRef);
  if (!protocolMatch) throw new CliError(`protocol must be NAME@VERSION (e.g. lidc-lung-nodule-ct@1.1.0), got "${protocolRef}"`);
  const datasetRef = options.dataset ?? (typeof manifest.dataset === 'string' ? manifest.dataset : undefined);
  if (!datasetRef) throw new CliError(`no dataset: pass --dataset ORG/SLUG or set "dataset": "ORG/SLUG" in ${join(dir, 'dataset.json')}`);
  const datasetMatch = DATASET_REF.exec(datasetRef);
  if (!datasetMatch) throw new CliError(`dataset must be ORG/SLUG, got "${datasetRef}"`);

  const hub = resolveHub(options.hub);
  const token = process.env.IMAGORA_TOKEN ?? readCredentials().hubs[hub]?.token;
  if (!token) throw new CliError(`not signed in to ${hub}: run \`imagora login --hub ${hub} --user NAME\` or set IMAGORA_TOKEN`);
  const client = new HubClient(hub, token);
  const progress = createUploadProgress();
  const log = (line: string) => progress.log(line);

  // A wrong hub, token or dataset fails here, before gigabytes are read.
  await hubCall(client, 'GET', '/api/v1/auth/me');
  await hubCall(client, 'GET', `/api/v1/datasets/${encodeURIComponent(datasetMatch[1])}/${encodeURIComponent(datasetMatch[2])}`, undefined, true);
  const protocolView = await hubCall<{ document?: Record<string, any> }>(
    client,
    'GET',
    `/api/v1/protocols/${encodeURIComponent(protocolMatch[1])}/versions/${encodeURIComponent(protocolMatch[2])}`,
    undefined,
    true,
  );
  const protocol = protocolView?.document;
  if (!protocol || typeof protocol !== 'object') throw new CliError(`the hub answered without a protocol document for ${protocolRef}`);

  const stateFile = stateFileFor(root, hub);
  if (options.restart) {
    rmSync(stateFile, { force: true });
    rmSync(join(root, STATE_DIR, 'deid'), { recursive: true, force: true });
  }
  const [{ validateDatasetEntries, formatReportText }, localDeid] = await Promise.all([import('@imagora/validation'), options.deidLocal ? import('./local-deid') : Promise.resolve(undefined)]);
  const key = options.deidLocal ? localDeid!.loadKey(options.keyFile!) : undefined;
  const fingerprint = key ? localDeid!.keyFingerprint(key) : undefined;
  const previous = readState(stateFile);
  if (previous) {
    const same = previous.hub === hub && previous.dataset === datasetRef && previous.protocol === protocolRef && previous.deidLocal === Boolean(options.deidLocal) && previous.keyFingerprint === fingerprint;
    if (!same) {
      throw new CliError(
        `${dir} is already being uploaded to ${previous.dataset} under ${previous.protocol}${previous.deidLocal ? ' with --deid-local' : ''} (submission ${previous.submissionId ?? 'not created yet'}` +
          `${previous.keyFingerprint && previous.keyFingerprint !== fingerprint ? ', another key' : ''}): repeat those options to resume, or pass --restart to start a new submission`,
      );
    }
  }
  const state = previous ?? newState({ hub, dataset: datasetRef, protocol: protocolRef, deidLocal: Boolean(options.deidLocal), keyFingerprint: fingerprint });
  const store = new StateStore(stateFile, state);

  const listing = await listDatasetFiles(root);
  for (const skipped of listing.skipped) log(`not uploaded: ${skipped.path}: ${skipped.reason}`);
  if (listing.files.length === 0) throw new CliError(`${dir} holds no files to upload`);

  // 1. Validate locally, with the code the hub's worker runs.
  log(`validating ${listing.files.length} files against ${protocolRef}…`);
  const report = await validateDatasetEntries(validationEntries(listing.files), { protocol });
  const validation = { valid: report.valid, errors: report.summary.errors, warnings: report.summary.warnings, forced: false };
  if (!report.valid) {
    if (!options.force) {
      if (options.json) process.stdout.write(`${JSON.stringify({ uploaded: false, validationReport: report }, null, 2)}\n`);
      else process.stdout.write(formatReportText(report));
      throw new CliError(`the dataset is invalid (${report.summary.errors} error(s)): nothing was uploaded; fix it, or pass --force to let the hub judge`, EXIT_PROBLEMS);
    }
    validation.forced = true;
    log(`the dataset is invalid (${report.summary.errors} error(s)); uploading anyway (--force): the hub will mark the submission invalid`);
  } else if (report.summary.warnings) {
    log(`valid, ${report.summary.warnings} warning(s) (\`imagora validate\` lists them)`);
  }

  // 2. --deid-local: de-identified copies under DIR/.imagora/deid/ are what gets uploaded.
  let toUpload: Array<LocalFile & { source?: { size: number; mtimeMs: number } }> = listing.files;
  let notUploaded: Array<{ path: string; reason: string }> = listing.skipped;
  if (localDeid && key) {
    log(`de-identifying locally into ${join(dir, STATE_DIR, 'deid')}…`);
    const deid = await localDeid.deidentifyLocally(listing.files, join(root, STATE_DIR, 'deid'), key, protocol, state.files);
    for (const skipped of deid.notUploaded) log(`not uploaded: ${skipped.path}: ${skipped.reason}`);
    toUpload = deid.files;
    notUploaded = [...notUploaded, ...deid.notUploaded];
  }

  // 3. Hashes (streamed); an unchanged file (size, mtime) keeps the hash of the previous run.
  const files: UploadFile[] = new Array(toUpload.length);
  const changed: string[] = [];
  await forEachConcurrently(toUpload, Math.max(2, options.concurrency), async (file, index) => {
    const before = state.files[file.path];
    const sha256 = before && before.size === file.size && before.mtimeMs === file.mtimeMs ? before.sha256 : await sha256File(file.absolute);
    if (before?.fileId && before.sha256 !== sha256) changed.push(file.path);
    files[index] = { ...file, sha256 };
  });
  const localPaths = new Set(files.map((f) => f.path));
  const removed = Object.keys(state.files).filter((path) => state.files[path].fileId && !localPaths.has(path));
  if (changed.length || removed.length) {
    const examples = [...changed.map((p) => `${p} (changed)`), ...removed.map((p) => `${p} (removed)`)].slice(0, 5).join(', ');
    throw new CliError(`${changed.length + removed.length} file(s) differ from what submission ${state.submissionId} registered: ${examples}; start over with --restart`);
  }
  for (const file of files) {
    const entry = state.files[file.path];
    state.files[file.path] = { ...entry, size: file.size, mtimeMs: file.mtimeMs, sha256: file.sha256, ...(file.source ? { source: file.source } : {}) };
  }

  // 4. The submission: a new one, or the one this folder was being uploaded to.
  const resumed = state.submissionId !== undefined;
  let submission: SubmissionView;
  if (state.submissionId) {
    try {
      submission = await client.call<SubmissionView>('GET', `/api/v1/submissions/${state.submissionId}`);
    } catch (error) {
      if (error instanceof CliError && /NOT_FOUND/.test(error.message)) throw new CliError(`submission ${state.submissionId} of ${stateFile} is not on ${hub} (any more): start over with --restart`);
      throw error;
    }
    log(`resuming submission ${submission.id} (${submission.state})`);
  } else {
    submission = await client.call<SubmissionView>('POST', '/api/v1/submissions', { dataset: datasetRef, protocol: protocolRef, deidLocal: Boolean(options.deidLocal) });
    state.submissionId = submission.id;
    log(`submission ${submission.id} created`);
  }
  store.saveNow();
  const summary: UploadSummary = {
    submissionId: submission.id,
    hub,
    dataset: datasetRef,
    protocol: protocolRef,
    deidLocal: Boolean(options.deidLocal),
    resumed,
    files: files.length,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
    registered: 0,
    alreadyStored: 0,
    uploaded: 0,
    partsReused: 0,
    notUploaded,
    validation,
    state: submission.state,
  };

  if (submission.state === 'open') {
    const onInterrupt = () => {
      store.saveNow();
      progress.stop();
      process.stderr.write(`\nimagora upload: interrupted; run the same command again to resume submission ${submission.id}\n`);
      process.exit(130);
    };
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onInterrupt);
    try {
      await transfer(client, token, submission.id, files, state, store, progress, summary, options.concurrency);
      submission = await client.call<SubmissionView>('POST', `/api/v1/submissions/${submission.id}/finalize`);
      state.finalized = true;
      store.saveNow();
    } catch (error) {
      store.saveNow();
      progress.stop();
      if (error instanceof CliError) throw new CliError(`${error.message}\n(progress is saved: run the same command again to resume submission ${summary.submissionId})`, error.exitCode, error.details);
      throw error;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      process.removeListener('SIGTERM', onInterrupt);
    }
    progress.stop();
    log(`uploaded ${megabytes(summary.bytes)} in ${files.length} files; submission ${submission.id} is ${submission.state}`);
  } else {
    log(`submission ${submission.id} is already ${submission.state}: nothing to upload`);
  }
  summary.state = submission.state;

  let code = EXIT_OK;
  if (options.wait) {
    const followed = await followSubmission(client, submission.id, log);
    code = followed.code;
    summary.state = followed.submission.state;
    summary.failureReason = followed.submission.failureReason;
    if (followed.code !== EXIT_OK) {
      if (followed.submission.failureReason) log(`reason: ${followed.submission.failureReason}`);
      const hubReport = followed.submission.validationReport;
      if (followed.submission.state === 'invalid' && hubReport && !options.json) process.stderr.write(formatReportText(hubReport));
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else process.stdout.write(`${submission.id}\n`);
  return code;
}

async function transfer(
  client: HubClient,
  token: string,
  submissionId: string,
  files: UploadFile[],
  state: ReturnType<typeof newState>,
  store: StateStore,
  progress: UploadProgress,
  summary: UploadSummary,
  concurrency: number,
): Promise<void> {
  // What the hub has: registered ids and which files it stored (and checked) already.
  const remote = await listRemoteFiles(client, submissionId);
  const local = new Set(files.map((f) => f.path));
  const conflicts = [...remote.values()].filter((r) => !local.has(r.path)).map((r) => `${r.path} (registered, not in the folder)`);
  for (const file of files) {
    const registered = remote.get(file.path);
    if (registered && (registered.size !== file.size || registered.sha256 !== file.sha256)) conflicts.push(`${file.path} (changed)`);
  }
  if (conflicts.length) throw new CliError(`${conflicts.length} file(s) differ from what submission ${submissionId} registered: ${conflicts.slice(0, 5).join(', ')}; start over with --restart`);

  const unregistered = files.filter((f) => !remote.has(f.path));
  for (let start = 0; start < unregistered.length; start += REGISTER_BATCH) {
    const batch = unregistered.slice(start, start + REGISTER_BATCH);
    const rows = await client.call<RemoteFile[]>('POST', `/api/v1/submissions/${submissionId}/files`, { files: batch.map(({ path, size, sha256 }) => ({ path, size, sha256 })) });
    for (const row of rows) remote.set(row.path, row);
    summary.registered += rows.length;
    for (const file of batch) state.files[file.path].fileId = remote.get(file.path)?.id;
    store.saveNow();
  }
  const pending: UploadFile[] = [];
  let storedBytes = 0;
  for (const file of files) {
    const row = remote.get(file.path)!;
    state.files[file.path].fileId = row.id;
    if (row.state === 'stored') {
      state.files[file.path].uploaded = true;
      summary.alreadyStored++;
      storedBytes += file.size;
    } else pending.push(file);
  }
  store.saveNow();
  progress.start(files.length, summary.bytes, summary.alreadyStored, storedBytes);
  const uploader = new Uploader(client, token, submissionId, store, progress);
  // Largest first: a big multipart file does not start last and hold up the end.
  pending.sort((a, b) => b.size - a.size);
  try {
    await forEachConcurrently(pending, concurrency, async (file) => {
      await uploader.upload(file, state.files[file.path]);
      summary.uploaded++;
    });
  } finally {
    summary.partsReused = uploader.partsReused;
  }
}
