import { Runtime } from '@imagora/runtime';
import { abortStaleUploadsHandler, purgeQuarantineHandler } from './maintenance/quarantine.handlers';
import { verifyAuditChainHandler } from './maintenance/verify-audit-chain.handler';
import { advanceSubmissionHandler } from './submissions/advance-submission.handler';

/** Subscribes every job handler to its queue on the runtime's pg-boss. */
export async function startWorker(runtime: Runtime): Promise<void> {
  for (const handler of [advanceSubmissionHandler(runtime), verifyAuditChainHandler(runtime), abortStaleUploadsHandler(runtime), purgeQuarantineHandler(runtime)]) {
    await runtime.jobs.consume(handler as Parameters<Runtime['jobs']['consume']>[0]);
  }
  runtime.logger.info('worker consuming jobs');
}
