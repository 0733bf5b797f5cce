import { Command } from 'commander';
import { loadConfig } from '@imagora/core';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply the committed database migrations (the hub also does this at start)')
    .action(async () => {
      const [{ runMigrations }, { createLogger, startRuntime }] = await Promise.all([import('@imagora/persistence'), import('@imagora/runtime')]);
      const config = loadConfig(process.env);
      const runtime = await startRuntime(config, { logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel), migrate: false });
      try {
        const applied = await runMigrations(runtime.dataSource);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await runtime.stop();
      }
    });
}
