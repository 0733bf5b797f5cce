// Every queue name the hub uses; `JobQueue.start` creates them all.
export const Queues = {
  verifyAuditChain: 'maintenance.verify-audit-chain',
  advanceSubmission: 'submission.advance',
  abortStaleUploads: 'maintenance.abort-stale-uploads',
  purgeQuarantine: 'maintenance.purge-quarantine',
} as const;

export const ALL_QUEUES: readonly string[] = Object.values(Queues);

export interface AdvanceSubmissionJob {
  submissionId: string;
  requestId?: string;
}
