import { JobHandler, Queues } from '@imagora/jobs';
import { Runtime } from '@imagora/runtime';

export function abortStaleUploadsHandler(runtime: Runtime): JobHandler<object> {
  return {
    queue: Queues.abortStaleUploads,
    cron: '7 * * * *',
    async handle(_payload, context) {
      const aborted = await runtime.submissions.maintenance.abortStaleUploads();
      runtime.logger.info({ jobId: context.jobId, aborted }, 'aborted stale multipart uploads');
    },
  };
}

export function purgeQuarantineHandler(runtime: Runtime): JobHandler<object> {
  return {
    queue: Queues.purgeQuarantine,
    cron: '37 * * * *',
    async handle(_payload, context) {
      const purged = await runtime.submissions.maintenance.purgeExpired();
      runtime.logger.info({ jobId: context.jobId, purged }, 'purged quarantine objects past retention');
    },
  };
}
