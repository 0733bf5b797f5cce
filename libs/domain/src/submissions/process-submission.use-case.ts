import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { createInterface } from 'node:readline';
import { DeidErrorCode, DomainError } from '@imagora/core';
import { remapAnnotationUids } from '@imagora/deid';
import { getAtPointer, parseJsonPointer, type ProtocolDocument } from '@imagora/protocols';
import { validateDatasetEntries, type DatasetEntry } from '@imagora/validation';
import { AuditLog } from '../access/access.ports';
import { ReadProtocolsUseCase } from '../registry/read-protocols.use-case';
import { documentOf } from '../registry/registry.types';
import { forEachConcurrently } from '../shared/concurrently';
import { ObjectStoragePort } from '../shared/object-storage.port';
import { canonicalManifestText } from './manifest-text';
import { DatasetRepository, DicomObjectProcessor, LabelCount, SubmissionRepository } from './submission.ports';
import { DatasetManifest, ManifestEntry, Submission, SubmissionDeidReport, SubmissionFile, SubmissionState, WORKER_STATES } from './submission.types';

export interface ProcessSettings {
  /** 0: purge a submission's quarantine objects as soon as it is released or rejected; else the maintenance job does, later. */
  quarantineRetentionHours: number;
  /** Files processed at once within a step (each holds at most one staged file and one in-memory DICOM of ≤ 16 MiB). */
  fileConcurrency: number;
}

const PAGE = 500;
/** Distinct (instance, label) pairs of an annotation file counted in memory before they are added to the database. */
const LABEL_FLUSH = 10_000;
const MEDIA_TYPES: Record<SubmissionFile['kind'], string> = {
  dicom: 'application/dicom',
  annotation: 'application/x-ndjson',
  metadata: 'application/json',
  other: 'application/octet-stream',
};

export function quarantineOutputKey(submissionId: string, fileId: string): string {
  return `submissions/${submissionId}/deid/${fileId}`;
}

export function sharedObjectKey(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/**
 * The worker's side of a submission: validate → de-identify → verify → (review) → publish. Every step is
 * idempotent and ends with a compare-and-set of the state, so a worker killed mid-step leaves work that the
 * next one redoes with the same result: outputs have deterministic keys and shared objects are content-addressed.
 */
export class ProcessSubmissionUseCase {
  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly datasets: DatasetRepository,
    private readonly protocols: ReadProtocolsUseCase,
    private readonly storage: ObjectStoragePort,
    private readonly dicom: DicomObjectProcessor,
    private readonly audit: AuditLog,
    private readonly settings: ProcessSettings,
  ) {}

  /** Runs steps until the submission waits for people (review) or ends. Content problems end in invalid/failed. */
  async advance(submissionId: string): Promise<SubmissionState | undefined> {
    let submission = await this.submissions.findById(submissionId);
    while (submission && WORKER_STATES.includes(submission.state)) {
      const current: Submission = submission;
      try {
        submission = await this.step(current);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error; // infrastructure: the queue retries with backoff
        submission = await this.fail(current, `${error.code}: ${error.message}`);
      }
      if (submission?.state === current.state) break;
    }
    return submission?.state;
  }

  /** Called when the queue gives up on infrastructure errors: the submission says why and can be retried. */
  async giveUp(submissionId: string, reason: string): Promise<void> {
    const submission = await this.submissions.findById(submissionId);
    if (submission && WORKER_STATES.includes(submission.state)) await this.fail(submission, reason);
  }

  private async step(submission: Submission): Promise<Submission | undefined> {
    switch (submission.state) {
      case 'uploaded':
        return this.submissions.transition(submission.id, ['uploaded'], 'validating', { actorUserId: null });
      case 'validating':
        return this.validate(submission);
      case 'deidentifying':
        return this.deidentify(submission);
      case 'verifying':
        return this.verify(submission);
      case 'approved':
        return this.submissions.transition(submission.id, ['approved'], 'publishing', { actorUserId: null });
      case 'publishing':
        return this.publish(submission);
      default:
        return submission;
    }
  }

  private async fail(submission: Submission, reason: string): Promise<Submission | undefined> {
    return this.submissions.transition(submission.id, [submission.state], 'failed', { actorUserId: null, reason: reason.slice(0, 2000) }, { failureReason: reason.slice(0, 2000), failedState: submission.state });
  }

  private async protocolOf(submission: Submission): Promise<ProtocolDocument> {
    // Deprecated versions still process: the submission was accepted when its protocol was current.
    return documentOf((await this.protocols.get(undefined, submission.protocolName, submission.protocolVersion)).version);
  }

  /** Every file of the submission, or only those a release publishes, in path order, read a page at a time. */
  private async *files(submission: Submission, which: 'all' | 'published' = 'all'): AsyncGenerator<SubmissionFile> {
    let after: string | null = null;
    for (;;) {
      const page = await this.submissions.filesPage(submission.id, after, PAGE, which);
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1].path;
    }
  }

  private openLazily(key: string): Readable {
    const stream = new PassThrough();
    this.storage.getStream(this.storage.buckets.quarantine, key).then(
      (body) => body.on('error', (error) => stream.destroy(error)).pipe(stream),
      (error) => stream.destroy(error),
    );
    return stream;
  }

  private async validate(submission: Submission): Promise<Submission | undefined> {
    const protocol = await this.protocolOf(submission);
    const files = this.files(submission);
    const open = (key: string) => this.openLazily(key);
    const entries = (async function* (): AsyncGenerator<DatasetEntry> {
      for await (const file of files) yield { path: file.path, size: file.size, open: () => open(file.quarantineKey) };
    })();
    const report = await validateDatasetEntries(entries, { protocol });
    await this.submissions.update(submission.id, { validationReport: report });
    if (!report.valid) {
      return this.submissions.transition(submission.id, ['validating'], 'invalid', { actorUserId: null, reason: `${report.summary.errors} validation error(s)` });
    }
    return this.submissions.transition(submission.id, ['validating'], 'deidentifying', { actorUserId: null, reason: `${report.summary.warnings} warning(s)` });
  }

  private async deidentify(submission: Submission): Promise<Submission | undefined> {
    const protocol = await this.protocolOf(submission);
    const options = protocol.deidentification?.options ?? [];
    const quarantine = this.storage.buckets.quarantine;
    const report: SubmissionDeidReport = { files: 0, deidentified: 0, copied: 0, excluded: [], flags: [], failed: [] };
    await forEachConcurrently(this.files(submission), this.settings.fileConcurrency, async (file) => {
      report.files++;
      const target = quarantineOutputKey(submission.id, file.id);
      try {
        if (file.kind === 'dicom') {
          const processed = submission.deidLocal
            ? await this.checkLocallyDeidentified(file, target, options)
            : await this.dicom.deidentify({ bucket: quarantine, key: file.quarantineKey }, { bucket: quarantine, key: target }, options);
          if (processed.flags.length) report.flags.push({ path: file.path, flags: processed.flags });
          await this.submissions.updateFile(file.id, {
            outputKey: target,
            outputSha256: processed.sha256,
            outputSize: processed.size,
            mediaType: MEDIA_TYPES.dicom,
            sopInstanceUid: processed.catalog.sopInstanceUid,
            catalog: processed.catalog,
          });
          report.deidentified++;
        } else if (file.kind === 'annotation') {
          const { sha256, size } = await this.remapAnnotations(file, target, protocol, submission.deidLocal);
          await this.submissions.updateFile(file.id, { outputKey: target, outputSha256: sha256, outputSize: size, mediaType: file.path.endsWith('.json') ? 'application/json' : MEDIA_TYPES.annotation });
          report.deidentified++;
        } else if (file.kind === 'metadata') {
          await this.storage.copy(quarantine, file.quarantineKey, quarantine, target);
          await this.submissions.updateFile(file.id, { outputKey: target, outputSha256: file.sha256, outputSize: file.size, mediaType: MEDIA_TYPES.metadata });
          report.copied++;
        } else {
          // Outside images/ and annotations/ nothing says what a file holds: it is not released (fail closed).
          report.excluded.push({ path: file.path, reason: 'not part of the dataset layout (images/, annotations/, dataset.json)' });
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        report.failed.push({ path: file.path, reason: `${error.code}: ${error.message}` });
      }
    });
    for (const list of [report.excluded, report.flags, report.failed]) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    await this.submissions.update(submission.id, { deidReport: report });
    if (report.failed.length > 0) {
      const reason = `${report.failed.length} file(s) could not be de-identified safely, e.g. ${report.failed[0].path}: ${report.failed[0].reason}`;
      return this.submissions.transition(submission.id, ['deidentifying'], 'failed', { actorUserId: null, reason }, { failureReason: reason, failedState: 'deidentifying' });
    }
    return this.submissions.transition(submission.id, ['deidentifying'], 'verifying', { actorUserId: null, reason: `${report.deidentified} de-identified, ${report.excluded.length} excluded` });
  }

  private async checkLocallyDeidentified(file: SubmissionFile, target: string, options: readonly string[]) {
    const quarantine = this.storage.buckets.quarantine;
    const { problems, processed } = await this.dicom.checkDeidentified({ bucket: quarantine, key: file.quarantineKey }, options);
    if (problems.length) throw new DomainError(DeidErrorCode.VERIFICATION_FAILED, `not de-identified: ${problems.slice(0, 3).join('; ')}`);
    await this.storage.copy(quarantine, file.quarantineKey, quarantine, target);
    return processed;
  }

  /** NDJSON streamed line by line (a *.json array is parsed whole: validation bounds its size). */
  private async remapAnnotations(file: SubmissionFile, target: string, protocol: ProtocolDocument, alreadyRemapped: boolean): Promise<{ sha256: string; size: number }> {
    const pointers = [protocol.references.sopInstanceUid];
    const remap = (record: unknown) => (alreadyRemapped ? record : remapAnnotationUids(record, pointers, (uid) => this.dicom.remapUid(uid)).record);
    const source = this.openLazily(file.quarantineKey);
    let output: Readable;
    if (file.path.endsWith('.ndjson')) {
      const lines = createInterface({ input: source, crlfDelay: Infinity });
      output = Readable.from(
        (async function* () {
          for await (const line of lines) {
            if (line.trim() === '') continue;
            yield `${JSON.stringify(remap(JSON.parse(line)))}\n`;
          }
        })(),
      );
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of source) chunks.push(chunk as Buffer);
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      output = Readable.from([JSON.stringify(Array.isArray(parsed) ? parsed.map(remap) : remap(parsed))]);
    }
    return this.putHashed(target, output);
  }

  private async putHashed(key: string, body: Readable): Promise<{ sha256: string; size: number }> {
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        hash.update(bytes);
        size += bytes.length;
        callback(null, bytes);
      },
    });
    await this.storage.putStream(this.storage.buckets.quarantine, key, body.pipe(hashing));
    return { sha256: hash.digest('hex'), size };
  }

  /** Every stored output is re-read: its bytes are the ones checked, and it passes the stand-alone de-identification check. */
  private async verify(submission: Submission): Promise<Submission | undefined> {
    const protocol = await this.protocolOf(submission);
    const options = protocol.deidentification?.options ?? [];
    const quarantine = this.storage.buckets.quarantine;
    const failed: Array<{ path: string; problems: string[] }> = [];
    let files = 0;
    await forEachConcurrently(this.files(submission), this.settings.fileConcurrency, async (file) => {
      if (!file.outputKey) return;
      files++;
      const problems: string[] = [];
      let sha256: string;
      if (file.kind === 'dicom') {
        // One read of the stored output: the copy that is checked is the copy that is hashed.
        const checked = await this.dicom.checkDeidentified({ bucket: quarantine, key: file.outputKey }, options);
        problems.push(...checked.problems);
        sha256 = checked.processed.sha256;
      } else {
        const hash = createHash('sha256');
        for await (const chunk of await this.storage.getStream(quarantine, file.outputKey)) hash.update(chunk as Buffer);
        sha256 = hash.digest('hex');
      }
      if (sha256 !== file.outputSha256) problems.unshift('stored output differs from the verified output');
      if (problems.length) failed.push({ path: file.path, problems });
    });
    failed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const current = await this.submissions.findById(submission.id);
    await this.submissions.update(submission.id, { deidReport: { ...(current?.deidReport ?? emptyReport()), verification: { files, failed } } });
    if (failed.length) {
      const reason = `verification failed for ${failed.length} file(s), e.g. ${failed[0].path}: ${failed[0].problems[0]}`;
      return this.submissions.transition(submission.id, ['verifying'], 'failed', { actorUserId: null, reason }, { failureReason: reason, failedState: 'verifying' });
    }
    return this.submissions.transition(submission.id, ['verifying'], 'awaiting-review', { actorUserId: null, reason: `${files} output(s) verified` });
  }

  /**
   * Copies the outputs into the shared bucket and counts labels (into the database), then streams the manifest from the
   * published files in path order, then releases in one transaction that reads the same rows. Nothing per file stays
   * in memory, so a release of any size runs in the same few megabytes.
   */
  private async publish(submission: Submission): Promise<Submission | undefined> {
    const dataset = await this.datasets.findById(submission.datasetId);
    if (!dataset) throw new Error(`dataset ${submission.datasetId} of submission ${submission.id} is gone`);
    const protocol = await this.protocolOf(submission);
    const number = await this.submissions.allocateVersionNumber(submission.id, dataset.id);
    const { quarantine, shared } = this.storage.buckets;
    await forEachConcurrently(this.files(submission, 'published'), this.settings.fileConcurrency, async (file) => {
      const key = sharedObjectKey(file.outputSha256!);
      // Content-addressed: an object already there (an earlier version, another dataset, a killed run) is the same bytes.
      if (!(await this.storage.head(shared, key))) await this.storage.copy(quarantine, file.outputKey!, shared, key);
      if (file.kind === 'annotation') await this.countLabels(submission.id, file, protocol);
    });
    const protocolId = `${submission.protocolName}@${submission.protocolVersion}`;
    const header = { dataset: `${dataset.organizationSlug}/${dataset.slug}`, version: number, protocol: protocolId, submission: submission.id, license: dataset.license };
    const manifestKey = `manifests/${dataset.organizationSlug}/${dataset.slug}/v${number}.json`;
    const { sha256: manifestSha256, entries } = await this.putManifest(shared, manifestKey, header, submission);
    const released = await this.submissions.release({
      submissionId: submission.id,
      datasetId: dataset.id,
      number,
      protocol: protocolId,
      manifestSha256,
      manifestKey,
      mediaTypes: MEDIA_TYPES,
      actorUserId: submission.reviewedBy,
    });
    await this.audit.append({ actorUserId: submission.reviewedBy, action: 'dataset.release', targetType: 'dataset', targetId: dataset.id, details: { version: number, files: entries, manifestSha256 } });
    if (this.settings.quarantineRetentionHours === 0) await this.storage.deletePrefix(quarantine, `submissions/${submission.id}/`);
    return released;
  }

  private async putManifest(bucket: string, key: string, header: Omit<DatasetManifest, 'files'>, submission: Submission): Promise<{ sha256: string; entries: number }> {
    const hash = createHash('sha256');
    let entries = 0;
    const files = this.files(submission, 'published');
    const listed = (async function* (): AsyncGenerator<ManifestEntry> {
      for await (const file of files) {
        entries++;
        yield { path: file.path, sha256: file.outputSha256!, size: file.outputSize!, mediaType: file.mediaType ?? MEDIA_TYPES[file.kind], sopInstanceUid: file.sopInstanceUid };
      }
    })();
    const text = canonicalManifestText(header, listed);
    const bytes = (async function* () {
      for await (const chunk of text) {
        const encoded = Buffer.from(chunk, 'utf8');
        hash.update(encoded);
        yield encoded;
      }
    })();
    await this.storage.putStream(bucket, key, Readable.from(bytes), 'application/json');
    return { sha256: hash.digest('hex'), entries };
  }

  /** Records per (instance, label) of one annotation file, flushed to the database every LABEL_FLUSH pairs. */
  private async countLabels(submissionId: string, file: SubmissionFile, protocol: ProtocolDocument): Promise<void> {
    const uidPointer = parseJsonPointer(protocol.references.sopInstanceUid) ?? [];
    const labelPointer = parseJsonPointer(protocol.references.label) ?? [];
    await this.submissions.clearLabelCounts(file.id);
    let pending = new Map<string, LabelCount>();
    const flush = async () => {
      if (pending.size === 0) return;
      const counts = [...pending.values()];
      pending = new Map();
      await this.submissions.addLabelCounts(submissionId, file.id, counts);
    };
    const count = async (record: unknown) => {
      const uid = getAtPointer(record, uidPointer);
      const label = getAtPointer(record, labelPointer);
      if (typeof uid !== 'string' || typeof label !== 'string') return;
      // JSON of the pair: no separator character can make two different pairs collide.
      const pair = JSON.stringify([uid, label]);
      const counted = pending.get(pair);
      if (counted) counted.count++;
      else pending.set(pair, { sopInstanceUid: uid, label, count: 1 });
      if (pending.size >= LABEL_FLUSH) await flush();
    };
    const source = await this.storage.getStream(this.storage.buckets.quarantine, file.outputKey!);
    if (file.path.endsWith('.ndjson')) {
      for await (const line of createInterface({ input: source, crlfDelay: Infinity })) if (line.trim()) await count(JSON.parse(line));
    } else {
      const chunks: Buffer[] = [];
      for await (const chunk of source) chunks.push(chunk as Buffer);
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const record of Array.isArray(parsed) ? parsed : [parsed]) await count(record);
    }
    await flush();
  }
}

function emptyReport(): SubmissionDeidReport {
  return { files: 0, deidentified: 0, copied: 0, excluded: [], flags: [], failed: [] };
}
