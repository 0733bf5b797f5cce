import 'reflect-metadata';
import { loadConfig } from '@imagora/core';
import { boundHeapGrowth, createLogger, startRuntime } from '@imagora/runtime';
import { startWorker } from './worker';

// A worker alone (run N of them); `imagora serve` runs one inside the hub process.
async function main(): Promise<void> {
  boundHeapGrowth();
  const config = loadConfig(process.env);
  const runtime = await startRuntime(config, { logger: createLogger(config.logLevel) });
  await startWorker(runtime);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void runtime.stop().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`imagora worker: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
