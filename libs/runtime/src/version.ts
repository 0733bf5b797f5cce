import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: { dir: string; version: string } | undefined;

/** The repository (or installed package) root: found from compiled (dist/) or source locations alike. */
function packageRoot(): { dir: string; version: string } {
  if (root) return root;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'imagora') return (root = { dir, version: pkg.version ?? '0.0.0' });
    }
  }
  throw new Error(`cannot find the imagora package.json above ${__dirname}`);
}

export function imagoraVersion(): string {
  return packageRoot().version;
}

/** `protocols/` of the package: the real-world protocols a fresh hub publishes at first start. */
export function shippedProtocolsDir(): string {
  return join(packageRoot().dir, 'protocols');
}
