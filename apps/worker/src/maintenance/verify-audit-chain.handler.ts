import { JobHandler, Queues } from '@imagora/jobs';
import { Runtime } from '@imagora/runtime';

/** Daily: recompute the audit log's hash chain, so tampering is noticed even if nobody asks. */
export function verifyAuditChainHandler(runtime: Runtime): JobHandler<object> {
  return {
    queue: Queues.verifyAuditChain,
    cron: '17 3 * * *',
    async handle(_payload, context) {
      const result = await runtime.access.auditLog.verify();
      if (result.firstBrokenSequence !== null) {
        runtime.logger.error({ jobId: context.jobId, requestId: context.requestId, firstBrokenSequence: result.firstBrokenSequence }, 'audit log hash chain is broken');
        throw new Error(`audit log chain broken at sequence ${result.firstBrokenSequence}`);
      }
      runtime.logger.info({ jobId: context.jobId, requestId: context.requestId, records: result.records }, 'audit log hash chain verified');
    },
  };
}
