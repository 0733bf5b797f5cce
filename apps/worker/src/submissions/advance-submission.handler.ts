import { AdvanceSubmissionJob, JobHandler, Queues } from '@imagora/jobs';
import { Runtime } from '@imagora/runtime';

/** Runs a submission's pipeline steps (validate → de-identify → verify; publish after approval). */
export function advanceSubmissionHandler(runtime: Runtime): JobHandler<AdvanceSubmissionJob> {
  return {
    queue: Queues.advanceSubmission,
    async handle(payload, context) {
      const log = runtime.logger.child({ jobId: context.jobId, requestId: context.requestId, submissionId: payload.submissionId });
      try {
        const state = await runtime.submissions.process.advance(payload.submissionId);
        log.info({ state }, 'submission advanced');
      } catch (error) {
        log.error({ err: error, lastAttempt: context.lastAttempt }, 'submission step failed; the queue retries it');
        if (context.lastAttempt) await runtime.submissions.process.giveUp(payload.submissionId, `gave up after retries: ${(error as Error).message}`);
        throw error;
      }
    },
  };
}
