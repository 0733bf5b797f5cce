import 'reflect-metadata';
import { boundHeapGrowth } from '@imagora/runtime';
import { serveHub } from './serve-hub';

// The HTTP API alone (scale it behind a load balancer); `imagora serve` runs it with the worker.
boundHeapGrowth();
serveHub()
  .then((hub) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void hub.stop().then(() => process.exit(0)));
  })
  .catch((error: unknown) => {
    process.stderr.write(`imagora hub: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
