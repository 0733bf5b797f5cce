import PgBoss from 'pg-boss';

export interface JobHandler<T extends object> {
  queue: string;
  /** Handlers must be idempotent: pg-boss delivers at least once, and a killed worker's job is retried. */
  handle(payload: T, context: JobContext): Promise<void>;
  /** Optional cron schedule (pg-boss schedules are cluster-wide: one run per tick across replicas). */
  cron?: string;
}

export interface JobContext {
  jobId: string;
  requestId?: string;
  /** True on the last attempt the queue will make: a handler can record the failure for people to see. */
  lastAttempt: boolean;
}

export interface JobQueueOptions {
  connectionString: string;
  pollingIntervalSeconds?: number;
  /** A job still active this long after it started is taken as crashed (a SIGKILLed worker) and retried. */
  expireInSeconds?: number;
  /** How often pg-boss looks for expired jobs and due schedules. */
  maintenanceIntervalSeconds?: number;
  onError?: (error: Error) => void;
}

/** The job queue: pg-boss tables in the hub's own PostgreSQL (schema `pgboss`). */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly queues = new Set<string>();
  private started = false;

  constructor(private readonly options: JobQueueOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: 'pgboss',
      application_name: 'imagora-jobs',
      max: 4,
      ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds, superviseIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
    } as PgBoss.ConstructorOptions);
    this.boss.on('error', (error: Error) => options.onError?.(error));
  }

  async start(queues: readonly string[]): Promise<void> {
    if (!this.started) {
      await this.boss.start();
      this.started = true;
    }
    // pg-boss 10 silently drops sends to a queue that was never created: create every queue up front.
    for (const queue of queues) {
      if (this.queues.has(queue)) continue;
      const settings = { name: queue, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: this.options.expireInSeconds ?? 3600 };
      await this.boss.createQueue(queue, settings);
      // createQueue keeps an existing queue's settings: bring them in line with this configuration.
      await this.boss.updateQueue(queue, settings);
      this.queues.add(queue);
    }
  }

  async send<T extends object>(queue: string, payload: T, options: { singletonKey?: string } = {}): Promise<string | null> {
    if (!this.queues.has(queue)) throw new Error(`queue ${queue} was not created at start`);
    return this.boss.send(queue, payload, options);
  }

  async consume<T extends object>(handler: JobHandler<T>): Promise<void> {
    if (!this.queues.has(handler.queue)) await this.start([handler.queue]);
    await this.boss.work<T & { requestId?: string }>(
      handler.queue,
      { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2, includeMetadata: true },
      async (jobs) => {
        for (const job of jobs) {
          await handler.handle(job.data, { jobId: job.id, requestId: job.data?.requestId, lastAttempt: job.retryCount >= job.retryLimit });
        }
      },
    );
    if (handler.cron) await this.boss.schedule(handler.queue, handler.cron, {});
  }

  /** Readiness: the queue's tables answer. */
  async ping(): Promise<void> {
    await this.boss.getQueue(this.queues.values().next().value ?? 'none');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
