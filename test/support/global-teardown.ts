import { rmSync } from 'node:fs';
import { takeTestServices } from './test-services';

export default async function globalTeardown(): Promise<void> {
  const { root, stops } = takeTestServices();
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  if (root) rmSync(root, { recursive: true, force: true });
}
