import { Runtime } from '@imagora/runtime';
import { verifyAuditChainHandler } from './maintenance/verify-audit-chain.handler';

/** Subscribes every job handler to its queue on the runtime's pg-boss. */
export async function startWorker(runtime: Runtime): Promise<void> {
  for (const handler of [verifyAuditChainHandler(runtime)]) {
    await runtime.jobs.consume(handler);
  }
  runtime.logger.info('worker consuming jobs');
}
