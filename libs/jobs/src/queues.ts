// Every queue name the hub uses; `JobQueue.start` creates them all.
export const Queues = {
  verifyAuditChain: 'maintenance.verify-audit-chain',
} as const;

export const ALL_QUEUES: readonly string[] = Object.values(Queues);
