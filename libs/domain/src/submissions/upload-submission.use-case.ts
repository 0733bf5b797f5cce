import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, RegistryErrorCode, SubmissionErrorCode } from '@imagora/core';
import { isValidSemver } from '@imagora/protocols';
import { AuditLog } from '../access/access.ports';
import { Principal } from '../access/access.types';
import { ReadProtocolsUseCase } from '../registry/read-protocols.use-case';
import { ObjectStoragePort } from '../shared/object-storage.port';
import { canFollowSubmission, requireContributor } from './submission-access';
import { assertDatasetPath, fileKindOf } from './submission-paths';
import { DatasetRepository, NewSubmissionFile, SubmissionJobs, SubmissionRepository } from './submission.ports';
import { Dataset, Submission, SubmissionFile } from './submission.types';

export interface UploadSettings {
  /** Multipart part size for presigned uploads (S3 allows 5 MiB–5 GiB; we use ≥ 8 MiB). */
  partSizeBytes: number;
  presignExpirySeconds: number;
  maxFilesPerSubmission: number;
  maxFileBytes: number;
  /** Largest file accepted as one streamed PUT through the hub. */
  directUploadMaxBytes: number;
}

const SHA256 = /^[0-9a-f]{64}$/;
const REGISTER_BATCH_LIMIT = 10_000;

export function quarantineRawKey(submissionId: string, fileId: string): string {
  return `submissions/${submissionId}/raw/${fileId}`;
}

/** The contributor's side: create a submission, register files, upload them (resumably), finalize. */
export class UploadSubmissionUseCase {
  constructor(
    private readonly datasets: DatasetRepository,
    private readonly submissions: SubmissionRepository,
    private readonly protocols: ReadProtocolsUseCase,
    private readonly storage: ObjectStoragePort,
    private readonly jobs: SubmissionJobs,
    private readonly audit: AuditLog,
    private readonly settings: UploadSettings,
  ) {}

  async create(actor: Principal, input: { dataset: string; protocol: string; deidLocal?: boolean }): Promise<Submission> {
    const dataset = await this.dataset(input.dataset);
    requireContributor(actor, dataset.organizationSlug);
    const at = input.protocol.lastIndexOf('@');
    const [name, version] = at > 0 ? [input.protocol.slice(0, at), input.protocol.slice(at + 1)] : [input.protocol, ''];
    if (!isValidSemver(version)) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `protocol must be NAME@VERSION, got "${input.protocol}"`);
    let status: string;
    let replacement: string | null = null;
    try {
      const view = await this.protocols.get(undefined, name, version);
      status = view.version.status;
      replacement = view.version.replacement;
    } catch (error) {
      if (error instanceof DomainError && (error.code === RegistryErrorCode.VERSION_NOT_FOUND || error.code === RegistryErrorCode.PROTOCOL_NOT_FOUND)) {
        throw new DomainError(SubmissionErrorCode.PROTOCOL_NOT_PUBLISHED, `${input.protocol} is not a published protocol version`);
      }
      throw error;
    }
    if (status === 'deprecated') {
      throw new DomainError(
        SubmissionErrorCode.PROTOCOL_DEPRECATED,
        `${input.protocol} is deprecated${replacement ? `: use ${replacement}` : ''}`,
        replacement ? { replacement } : undefined,
      );
    }
    const submission = await this.submissions.create({ datasetId: dataset.id, protocolName: name, protocolVersion: version, deidLocal: Boolean(input.deidLocal), createdBy: actor.userId });
    await this.audit.append({ actorUserId: actor.userId, action: 'submission.create', targetType: 'submission', targetId: submission.id, details: { dataset: `${dataset.organizationSlug}/${dataset.slug}`, protocol: input.protocol } });
    return submission;
  }

  async get(actor: Principal, id: string): Promise<Submission> {
    const submission = await this.submissions.findById(id);
    // Not found and not yours look the same: the existence of another organization's submission is not disclosed.
    if (!submission || !canFollowSubmission(actor, submission.organizationSlug)) throw new DomainError(SubmissionErrorCode.NOT_FOUND, `no submission ${id}`);
    return submission;
  }

  async list(actor: Principal, filter: { states?: Submission['state'][]; limit?: number }): Promise<Submission[]> {
    const organizationIds = actor.memberships.map((m) => m.organizationId);
    const rows = await this.submissions.list({ organizationIds, states: filter.states, limit: Math.min(filter.limit ?? 100, 1000) });
    return rows.filter((s) => canFollowSubmission(actor, s.organizationSlug));
  }

  async registerFiles(actor: Principal, id: string, files: NewSubmissionFile[] | Array<Omit<NewSubmissionFile, 'kind'>>): Promise<SubmissionFile[]> {
    const submission = await this.openSubmission(actor, id);
    if (files.length === 0 || files.length > REGISTER_BATCH_LIMIT) {
      throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `register 1 to ${REGISTER_BATCH_LIMIT} files per request`);
    }
    const seen = new Set<string>();
    for (const file of files) {
      assertDatasetPath(file.path);
      if (seen.has(file.path)) throw new DomainError(SubmissionErrorCode.DUPLICATE_PATH, `"${file.path}" is listed twice`, { path: file.path });
      seen.add(file.path);
      if (!Number.isSafeInteger(file.size) || file.size < 0) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `size of "${file.path}" must be a whole number of bytes`);
      if (file.size > this.settings.maxFileBytes) throw new DomainError(SubmissionErrorCode.FILE_TOO_LARGE, `"${file.path}" is larger than ${this.settings.maxFileBytes} bytes`);
      if (typeof file.sha256 !== 'string' || !SHA256.test(file.sha256)) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, `sha256 of "${file.path}" must be 64 lowercase hex digits`);
    }
    const counts = await this.submissions.fileCounts(submission.id);
    if (counts.total + files.length > this.settings.maxFilesPerSubmission) {
      throw new DomainError(SubmissionErrorCode.TOO_MANY_FILES, `a submission holds at most ${this.settings.maxFilesPerSubmission} files`);
    }
    const { files: registered, conflicts } = await this.submissions.registerFiles(
      submission.id,
      files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, kind: fileKindOf(f.path) })),
      (fileId) => quarantineRawKey(submission.id, fileId),
    );
    if (conflicts.length) {
      throw new DomainError(SubmissionErrorCode.FILE_CONFLICT, `already registered with another size or sha256: ${conflicts.slice(0, 5).join(', ')}`, { paths: conflicts });
    }
    return registered;
  }

  async listFiles(actor: Principal, id: string, page: { after?: string; limit?: number }): Promise<SubmissionFile[]> {
    const submission = await this.get(actor, id);
    return this.submissions.filesPage(submission.id, page.after ?? null, Math.min(page.limit ?? 1000, 10_000));
  }

  /** Presigned part URLs for the parts not uploaded yet: calling it again after an interruption resumes. */
  async startMultipart(actor: Principal, id: string, fileId: string): Promise<{ uploadId: string; partSize: number; parts: Array<{ partNumber: number; url: string }>; uploadedParts: number[] }> {
    const { file } = await this.uploadableFile(actor, id, fileId);
    let uploadId = file.multipartUploadId;
    if (!uploadId) {
      uploadId = await this.storage.createMultipartUpload(this.storage.buckets.quarantine, file.quarantineKey);
      await this.submissions.updateFile(file.id, { state: 'uploading', multipartUploadId: uploadId });
    }
    const partSize = this.settings.partSizeBytes;
    const partCount = Math.max(1, Math.ceil(file.size / partSize));
    const uploaded = await this.storage.listUploadedParts(this.storage.buckets.quarantine, file.quarantineKey, uploadId);
    // A store that cannot list parts gets URLs for every part: the client knows which it sent (their ETags).
    const done = new Set((uploaded ?? []).map((p) => p.partNumber));
    const parts: Array<{ partNumber: number; url: string }> = [];
    for (let partNumber = 1; partNumber <= partCount; partNumber++) {
      if (done.has(partNumber)) continue;
      parts.push({ partNumber, url: await this.storage.presignUploadPart(this.storage.buckets.quarantine, file.quarantineKey, uploadId, partNumber, this.settings.presignExpirySeconds) });
    }
    return { uploadId, partSize, parts, uploadedParts: [...done].sort((a, b) => a - b) };
  }

  /** A small file streamed through the hub. */
  async putContent(actor: Principal, id: string, fileId: string, body: Readable): Promise<SubmissionFile> {
    const { file } = await this.uploadableFile(actor, id, fileId);
    if (file.size > this.settings.directUploadMaxBytes) {
      body.resume();
      throw new DomainError(SubmissionErrorCode.FILE_TOO_LARGE, `"${file.path}" is larger than ${this.settings.directUploadMaxBytes} bytes: use a multipart upload`);
    }
    // Streamed straight to the store (nothing of the file held here) and held to the declared size on the way.
    const mismatch = (received: string) => new DomainError(SubmissionErrorCode.SIZE_MISMATCH, `"${file.path}" is ${received}, ${file.size} were declared`, { path: file.path });
    try {
      await this.storage.putSized(this.storage.buckets.quarantine, file.quarantineKey, body, file.size, undefined, mismatch);
    } catch (error) {
      // The rest of a refused body is read and dropped, so that the answer reaches the client.
      body.resume();
      throw error;
    }
    return this.verifyStored(actor, file);
  }

  /**
   * Completes a file's multipart upload from the parts the store lists (or, where it cannot list them, the ETags the
   * client got back for each part), then checks size and sha256 of the stored object itself.
   */
  async complete(actor: Principal, id: string, fileId: string, clientParts?: Array<{ partNumber: number; etag: string }>): Promise<SubmissionFile> {
    const { file } = await this.uploadableFile(actor, id, fileId, true);
    if (file.state === 'stored') return file;
    if (file.multipartUploadId) {
      const listed = await this.storage.listUploadedParts(this.storage.buckets.quarantine, file.quarantineKey, file.multipartUploadId);
      const parts = listed ?? [...(clientParts ?? [])].sort((a, b) => a.partNumber - b.partNumber);
      const expected = Math.max(1, Math.ceil(file.size / this.settings.partSizeBytes));
      if (parts.length < expected) {
        throw new DomainError(SubmissionErrorCode.UPLOAD_INCOMPLETE, `"${file.path}" has ${parts.length} of ${expected} parts uploaded`, { uploadedParts: parts.map((p) => p.partNumber) });
      }
      await this.storage.completeMultipartUpload(this.storage.buckets.quarantine, file.quarantineKey, file.multipartUploadId, parts);
      await this.submissions.updateFile(file.id, { multipartUploadId: null });
    }
    return this.verifyStored(actor, { ...file, multipartUploadId: null });
  }

  async finalize(actor: Principal, id: string, requestId?: string): Promise<Submission> {
    const submission = await this.openSubmission(actor, id);
    const counts = await this.submissions.fileCounts(submission.id);
    if (counts.total === 0 || counts.stored !== counts.total) {
      throw new DomainError(SubmissionErrorCode.UPLOAD_INCOMPLETE, `${counts.stored} of ${counts.total} files are uploaded and verified`, counts);
    }
    const uploaded = await this.submissions.transition(submission.id, ['open'], 'uploaded', { actorUserId: actor.userId, reason: `${counts.total} files, ${counts.bytes} bytes` });
    if (!uploaded) throw new DomainError(SubmissionErrorCode.INVALID_STATE, `submission ${id} is ${submission.state}, not open`);
    await this.jobs.advance(submission.id, requestId);
    await this.audit.append({ actorUserId: actor.userId, action: 'submission.finalize', targetType: 'submission', targetId: submission.id, details: { files: counts.total, bytes: counts.bytes } });
    return uploaded;
  }

  /** A failed submission resumes at the step that failed. */
  async retry(actor: Principal, id: string, requestId?: string): Promise<Submission> {
    const submission = await this.get(actor, id);
    requireContributor(actor, submission.organizationSlug);
    if (submission.state !== 'failed' || !submission.failedState) throw new DomainError(SubmissionErrorCode.INVALID_STATE, `submission ${id} is ${submission.state}, not failed`);
    const resumed = await this.submissions.transition(submission.id, ['failed'], submission.failedState, { actorUserId: actor.userId, reason: 'retry' }, { failureReason: null, failedState: null });
    if (!resumed) throw new DomainError(SubmissionErrorCode.INVALID_STATE, `submission ${id} changed meanwhile`);
    await this.jobs.advance(submission.id, requestId);
    return resumed;
  }

  private async verifyStored(actor: Principal, file: SubmissionFile): Promise<SubmissionFile> {
    const bucket = this.storage.buckets.quarantine;
    const stored = await this.storage.head(bucket, file.quarantineKey);
    const fail = async (code: SubmissionErrorCode, message: string) => {
      // A wrong object is removed so that the next attempt starts clean.
      await this.storage.delete(bucket, file.quarantineKey);
      await this.submissions.updateFile(file.id, { state: 'registered', multipartUploadId: null });
      await this.audit.append({ actorUserId: actor.userId, action: 'submission.file-refused', targetType: 'submission-file', targetId: file.id, details: { code } });
      throw new DomainError(code, message, { path: file.path });
    };
    if (!stored) return fail(SubmissionErrorCode.UPLOAD_INCOMPLETE, `"${file.path}" is not in the store`);
    if (stored.size !== file.size) return fail(SubmissionErrorCode.SIZE_MISMATCH, `"${file.path}" is ${stored.size} bytes, ${file.size} were declared`);
    // The hub's own hash of the stored bytes, never the client's word.
    const hash = createHash('sha256');
    await pipeline(await this.storage.getStream(bucket, file.quarantineKey), hash);
    const actual = hash.digest('hex');
    if (actual !== file.sha256) return fail(SubmissionErrorCode.CHECKSUM_MISMATCH, `"${file.path}" has sha256 ${actual}, ${file.sha256} was declared`);
    await this.submissions.updateFile(file.id, { state: 'stored', multipartUploadId: null });
    return { ...file, state: 'stored', multipartUploadId: null };
  }

  private async uploadableFile(actor: Principal, id: string, fileId: string, allowStored = false): Promise<{ submission: Submission; file: SubmissionFile }> {
    const submission = await this.openSubmission(actor, id);
    const file = await this.submissions.findFile(submission.id, fileId);
    if (!file) throw new DomainError(SubmissionErrorCode.FILE_NOT_FOUND, `no file ${fileId} in submission ${id}`);
    if (file.state === 'stored' && !allowStored) throw new DomainError(SubmissionErrorCode.INVALID_STATE, `"${file.path}" is already uploaded and verified`, { path: file.path, state: 'stored' });
    return { submission, file };
  }

  private async openSubmission(actor: Principal, id: string): Promise<Submission> {
    const submission = await this.get(actor, id);
    requireContributor(actor, submission.organizationSlug);
    if (submission.state !== 'open') throw new DomainError(SubmissionErrorCode.INVALID_STATE, `submission ${id} is ${submission.state}: files can only change while it is open`);
    return submission;
  }

  private async dataset(reference: string): Promise<Dataset> {
    const [organization, slug] = reference.split('/');
    const dataset = slug ? await this.datasets.find(organization, slug) : undefined;
    if (!dataset) throw new DomainError(SubmissionErrorCode.DATASET_NOT_FOUND, `no dataset "${reference}" (expected ORGANIZATION/SLUG)`);
    return dataset;
  }
}
