import { DomainError, SubmissionErrorCode } from '@imagora/core';
import { AuditLog } from '../access/access.ports';
import { Principal } from '../access/access.types';
import { ObjectStoragePort } from '../shared/object-storage.port';
import { requireSteward } from './submission-access';
import { DicomObjectProcessor, SubmissionJobs, SubmissionRepository } from './submission.ports';
import { Submission, SubmissionEvent } from './submission.types';

export interface ReviewDetails {
  submission: Submission;
  events: SubmissionEvent[];
  files: { total: number; bytes: number };
  /** Before/after headers of a few files: the raw side may hold PHI, so only the owning organization's stewards see it. */
  samples: Array<{ path: string; changes: Array<{ tag: string; keyword: string; before: string; after: string }> }>;
}

const SAMPLE_FILES = 3;

/** The steward's side: see what a submission would release, then approve (publish) or reject it. */
export class ReviewSubmissionUseCase {
  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly storage: ObjectStoragePort,
    private readonly dicom: DicomObjectProcessor,
    private readonly jobs: SubmissionJobs,
    private readonly audit: AuditLog,
    private readonly settings: { quarantineRetentionHours: number },
  ) {}

  async details(actor: Principal, id: string): Promise<ReviewDetails> {
    const submission = await this.stewardsSubmission(actor, id);
    const samples: ReviewDetails['samples'] = [];
    const counts = await this.submissions.fileCounts(submission.id);
    let after: string | null = null;
    const quarantine = this.storage.buckets.quarantine;
    while (samples.length < SAMPLE_FILES) {
      const page = await this.submissions.filesPage(submission.id, after, 100);
      if (page.length === 0) break;
      for (const file of page) {
        if (samples.length >= SAMPLE_FILES) break;
        if (file.kind !== 'dicom' || !file.outputKey) continue;
        if (!(await this.storage.head(quarantine, file.quarantineKey))) continue; // purged after release or rejection
        samples.push({ path: file.path, changes: await this.dicom.headerDiff({ bucket: quarantine, key: file.quarantineKey }, { bucket: quarantine, key: file.outputKey }, 200) });
      }
      after = page[page.length - 1].path;
    }
    await this.audit.append({ actorUserId: actor.userId, action: 'submission.review-view', targetType: 'submission', targetId: submission.id });
    return { submission, events: await this.submissions.events(submission.id), files: { total: counts.total, bytes: counts.bytes }, samples };
  }

  async approve(actor: Principal, id: string, reason: string | undefined, requestId?: string): Promise<Submission> {
    const submission = await this.stewardsSubmission(actor, id);
    const approved = await this.submissions.transition(submission.id, ['awaiting-review'], 'approved', { actorUserId: actor.userId, reason: reason ?? null }, { reviewedBy: actor.userId, reviewReason: reason ?? null });
    if (!approved) throw new DomainError(SubmissionErrorCode.INVALID_STATE, `submission ${id} is ${submission.state}, not awaiting review`);
    await this.audit.append({ actorUserId: actor.userId, action: 'submission.approve', targetType: 'submission', targetId: submission.id });
    await this.jobs.advance(submission.id, requestId);
    return approved;
  }

  async reject(actor: Principal, id: string, reason: string): Promise<Submission> {
    const submission = await this.stewardsSubmission(actor, id);
    if (!reason.trim()) throw new DomainError(SubmissionErrorCode.INVALID_INPUT, 'a rejection needs a reason');
    const from: Submission['state'][] = ['awaiting-review', 'invalid', 'failed'];
    const rejected = await this.submissions.transition(submission.id, from, 'rejected', { actorUserId: actor.userId, reason }, { reviewedBy: actor.userId, reviewReason: reason });
    if (!rejected) throw new DomainError(SubmissionErrorCode.INVALID_STATE, `submission ${id} is ${submission.state}: only ${from.join(', ')} can be rejected`);
    await this.audit.append({ actorUserId: actor.userId, action: 'submission.reject', targetType: 'submission', targetId: submission.id, details: { reason } });
    if (this.settings.quarantineRetentionHours === 0) await this.storage.deletePrefix(this.storage.buckets.quarantine, `submissions/${submission.id}/`);
    return rejected;
  }

  private async stewardsSubmission(actor: Principal, id: string): Promise<Submission> {
    const submission = await this.submissions.findById(id);
    if (!submission) throw new DomainError(SubmissionErrorCode.NOT_FOUND, `no submission ${id}`);
    requireSteward(actor, submission.organizationSlug);
    return submission;
  }
}
