import { ObjectStoragePort } from '../shared/object-storage.port';
import { SubmissionRepository } from './submission.ports';

/** Housekeeping of the quarantine bucket: abandoned multipart uploads, and raw data kept past its retention. */
export class MaintainQuarantineUseCase {
  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly storage: ObjectStoragePort,
    private readonly settings: { staleUploadHours: number; quarantineRetentionHours: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Multipart uploads untouched for longer than the limit are aborted (their parts cost storage and may hold PHI). */
  async abortStaleUploads(): Promise<number> {
    const before = new Date(this.now().getTime() - this.settings.staleUploadHours * 3_600_000);
    const quarantine = this.storage.buckets.quarantine;
    let aborted = 0;
    for (const file of await this.submissions.staleMultipartFiles(before, 1000)) {
      await this.storage.abortMultipartUpload(quarantine, file.quarantineKey, file.multipartUploadId!);
      await this.submissions.updateFile(file.id, { state: 'registered', multipartUploadId: null });
      aborted++;
    }
    // Uploads the database no longer knows (a hub killed between create and record) are found in the store itself.
    for (const upload of await this.storage.listMultipartUploads(quarantine, 'submissions/')) {
      if (upload.initiated && upload.initiated < before) {
        await this.storage.abortMultipartUpload(quarantine, upload.key, upload.uploadId);
        aborted++;
      }
    }
    return aborted;
  }

  /** Raw and intermediate objects of released or rejected submissions, once retention has passed. */
  async purgeExpired(): Promise<number> {
    if (this.settings.quarantineRetentionHours === 0) return 0;
    const before = new Date(this.now().getTime() - this.settings.quarantineRetentionHours * 3_600_000);
    let purged = 0;
    for (const submission of await this.submissions.list({ states: ['released', 'rejected'], limit: 1000 })) {
      if (submission.updatedAt < before) purged += await this.storage.deletePrefix(this.storage.buckets.quarantine, `submissions/${submission.id}/`);
    }
    return purged;
  }
}
