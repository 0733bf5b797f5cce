import { Command } from 'commander';
import { ConfigError } from '@imagora/core';
import { EXIT_USAGE } from '../exit-codes';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the hub and a worker in one process (embedded PostgreSQL and S3 unless DATABASE_URL / S3_ENDPOINT are set)')
    .option('--no-worker', 'serve the HTTP API only')
    .action(async (options: { worker: boolean }) => {
      // Loaded on demand: the hub pulls in NestJS, which other commands should not pay for at start-up.
      const [{ serveHub }, { startWorker }, { boundHeapGrowth }] = await Promise.all([
        import('../../../hub/src/serve-hub'),
        import('../../../worker/src/worker'),
        import('@imagora/runtime'),
      ]);
      boundHeapGrowth();
      let hub;
      try {
        hub = await serveHub({ alsoStart: options.worker ? startWorker : undefined });
      } catch (error) {
        if (error instanceof ConfigError) {
          process.stderr.write(`imagora serve: invalid configuration: ${error.message}\n`);
          process.exit(EXIT_USAGE);
        }
        throw error;
      }
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          hub.runtime.logger.info({ signal }, 'shutting down');
          void hub.stop().then(resolve, (error: unknown) => {
            process.stderr.write(`imagora serve: error while stopping: ${String(error)}\n`);
            resolve();
          });
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      });
      process.exit(0);
    });
}
